//! Table lookups shaped like a Unicode crate's: a binary search over ranges, a match, a few
//! bindings, a loop, a borrow. Instrumented with the `traced` feature.

/// Ranges of code points of width 0 or 2 (a small excerpt, for the shape of the search).
const WIDE: &[(u32, u32, u8)] = &[
    (0x0300, 0x036F, 0),
    (0x1100, 0x115F, 2),
    (0x200B, 0x200F, 0),
    (0x2E80, 0x303E, 2),
    (0x3041, 0x33FF, 2),
    (0x3400, 0x4DBF, 2),
    (0x4E00, 0x9FFF, 2),
    (0xA000, 0xA4CF, 2),
    (0xAC00, 0xD7A3, 2),
    (0xF900, 0xFAFF, 2),
    (0xFE00, 0xFE0F, 0),
    (0xFF00, 0xFF60, 2),
    (0x1F300, 0x1F64F, 2),
    (0x20000, 0x2FFFD, 2),
    (0x30000, 0x3FFFD, 2),
    (0xE0100, 0xE01EF, 0),
];

/// The display width of a code point.
#[cfg_attr(feature = "traced", borrowscope_macro::trace_borrow)]
pub fn width(code: u32) -> u8 {
    if code < 0x7F {
        return if code >= 0x20 { 1 } else { 0 };
    }
    let table = WIDE;
    let mut low = 0;
    let mut high = table.len();
    while low < high {
        let mid = (low + high) / 2;
        let (start, end, width) = table[mid];
        if code < start {
            high = mid;
        } else if code > end {
            low = mid + 1;
        } else {
            return width;
        }
    }
    1
}

/// A coarse category of a code point.
#[derive(Clone, Copy)]
pub enum Category {
    Control = 0,
    Letter = 1,
    Digit = 2,
    Other = 3,
}

/// The category of a code point, through `char`.
#[cfg_attr(feature = "traced", borrowscope_macro::trace_borrow)]
pub fn category(code: u32) -> Category {
    let c = match char::from_u32(code) {
        Some(c) => c,
        None => return Category::Other,
    };
    let kind = if c.is_control() {
        Category::Control
    } else if c.is_ascii_digit() {
        Category::Digit
    } else if c.is_alphabetic() {
        Category::Letter
    } else {
        Category::Other
    };
    kind
}
