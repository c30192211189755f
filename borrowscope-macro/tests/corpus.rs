//! The corpus: small real-world-shaped functions, each compiled twice from the same source,
//! plainly and under `#[trace_borrow(verbose)]`, run, and compared. `deny(warnings)` makes
//! any warning the instrumentation adds to user code a build failure.
#![deny(warnings)]
// The corpus's own public helpers need no docs; every other warning is an error.
#![allow(missing_docs, clippy::all)]

use std::cell::RefCell;
use std::collections::HashMap;
use std::fmt::Display;
use std::rc::Rc;
use std::sync::{Arc, Mutex, RwLock, mpsc};

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Point {
    pub x: i32,
    pub y: i32,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    Circle(f64),
    Rect { w: f64, h: f64 },
}

pub struct Logger(pub &'static str, pub Rc<RefCell<Vec<String>>>);

impl Drop for Logger {
    fn drop(&mut self) {
        self.1.borrow_mut().push(self.0.to_owned());
    }
}

pub fn log() -> Rc<RefCell<Vec<String>>> {
    Rc::new(RefCell::new(Vec::new()))
}

pub struct Counter {
    pub count: u32,
    pub names: Vec<String>,
}

/// Defines each function twice: in `plain` as written, in `traced` instrumented.
macro_rules! corpus {
    ($($item:item)*) => {
        pub mod plain {
            use super::*;
            $($item)*
        }
        pub mod traced {
            use super::*;
            $(#[borrowscope_macro::trace_borrow(verbose)] $item)*
        }
    };
}

corpus! {
    pub fn place_assignments(mut v: Vec<i32>) -> Vec<i32> {
        v[0] = 10;
        v[1] += 5;
        let mut p = Point { x: 1, y: 2 };
        p.x = 7;
        p.y *= 3;
        let r = &mut v;
        *r.first_mut().unwrap() += p.x + p.y;
        (v[2], v[0]) = (v[0], v[2]);
        v
    }
    pub fn get_first(v: Vec<String>) -> Option<String> {
        let first = v.get(0).cloned();
        let second = v.get(1);
        first.or(second.cloned())
    }
    pub fn receivers_by_value(v: Vec<i32>) -> i32 {
        let it = v.into_iter();
        let doubled: Vec<i32> = it.map(|x| x * 2).collect();
        doubled.into_iter().sum()
    }
    pub fn let_else(input: Option<&str>) -> usize {
        let Some(text) = input else { return 0 };
        let Ok(n) = text.parse::<usize>() else { return 1 };
        n
    }
    pub fn slice_patterns(v: &[i32]) -> i32 {
        match v {
            [] => 0,
            [one] => *one,
            [first, .., last] => first + last,
        }
    }
    pub fn slice_let(v: [i32; 3]) -> i32 {
        let [a, b, c] = v;
        let [first, rest @ ..] = v;
        a + b + c + first + rest.len() as i32
    }
    pub fn shadowing(x: i32) -> String {
        let x = x + 1;
        let x = x * 2;
        let x = x.to_string();
        let x = format!("{x}!");
        x
    }
    pub fn move_closure(s: String) -> usize {
        let f = move || s.len();
        let g = |n: usize| n + 1;
        g(f())
    }
    pub fn closure_with_try(items: Vec<&str>) -> Result<Vec<i32>, String> {
        let parse = |s: &str| -> Result<i32, String> { let n = s.parse::<i32>().map_err(|e| e.to_string())?; Ok(n * 2) };
        items.into_iter().map(parse).collect()
    }
    pub fn labeled_breaks(grid: Vec<Vec<i32>>) -> Option<(usize, usize)> {
        let mut found = None;
        'outer: for (i, row) in grid.iter().enumerate() {
            for (j, value) in row.iter().enumerate() {
                if *value < 0 {
                    continue 'outer;
                }
                if *value == 7 {
                    found = Some((i, j));
                    break 'outer;
                }
            }
        }
        found
    }
    pub fn generic_where<T, U>(items: &[T], f: impl Fn(&T) -> U) -> Vec<U> where T: Clone, U: Display {
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            out.push(f(item));
        }
        out
    }
    pub fn impl_trait_return(n: u32) -> impl Iterator<Item = u32> {
        let limit = n * 2;
        (0..limit).filter(move |x| x % 2 == 0)
    }
    pub fn lifetimes<'a>(a: &'a str, b: &'a str) -> &'a str {
        let longest = if a.len() >= b.len() { a } else { b };
        longest
    }
    pub fn macros_inside(values: Vec<i32>) -> String {
        let total: i32 = values.iter().sum();
        let text = format!("{} items, total {}", values.len(), total);
        assert!(!text.is_empty());
        let v = vec![total; 2];
        debug_assert_eq!(v.len(), 2);
        text
    }
    pub fn formatting(p: Point, name: String, count: usize) -> String {
        use std::fmt::Write;
        let mut out = format!("{name} has {count} at {p:?}");
        write!(out, " / {} {:>5} {0}", name.len(), count).unwrap();
        writeln!(&mut out, "{name:?} {}", p.x + 1).unwrap();
        let r = &p;
        let same = format!("{:p}", r) == format!("{r:p}") && format!("{:p}", r) == format!("{:p}", &p);
        assert!(same, "{name}");
        assert_eq!(p.x, p.x, "x of {name}");
        debug_assert_ne!(count, usize::MAX);
        eprint!("{}", "");
        out.push_str(&format!("{same} {{name}} {x}", x = name.len()));
        out
    }
    pub fn failing_assertion(a: i32, b: i32, label: String) -> i32 {
        assert_eq!(a, b, "{label} differs by {}", a - b);
        a
    }
    pub fn early_return_nested(limit: i32) -> i32 {
        let mut acc = 0;
        for i in 0..10 {
            for j in 0..10 {
                acc += i * j;
                if acc > limit {
                    return acc;
                }
            }
        }
        acc
    }
    pub fn drop_order(log: Rc<RefCell<Vec<String>>>, early: bool) -> usize {
        let _a = Logger("a", Rc::clone(&log));
        let b = Logger("b", Rc::clone(&log));
        {
            let _c = Logger("c", Rc::clone(&log));
            if early {
                return log.borrow().len();
            }
        }
        drop(b);
        let _d = Logger("d", Rc::clone(&log));
        log.borrow().len()
    }
    pub fn rc_sharing(n: i32) -> (i32, usize) {
        let shared = Rc::new(RefCell::new(n));
        let alias = Rc::clone(&shared);
        let third = shared.clone();
        *alias.borrow_mut() += 1;
        let count = Rc::strong_count(&third);
        let value = *shared.borrow();
        (value, count)
    }
    pub fn arc_mutex_threads(n: usize) -> usize {
        let total = Arc::new(Mutex::new(0usize));
        let mut handles = Vec::new();
        for i in 0..n {
            let total = Arc::clone(&total);
            handles.push(std::thread::spawn(move || {
                let mut guard = total.lock().unwrap();
                *guard += i;
            }));
        }
        for handle in handles {
            handle.join().unwrap();
        }
        let result = *total.lock().unwrap();
        result
    }
    pub fn channels(n: u32) -> u32 {
        let (tx, rx) = mpsc::channel();
        let producer = std::thread::spawn(move || {
            for i in 0..n {
                tx.send(i).unwrap();
            }
        });
        let mut sum = 0;
        while let Ok(v) = rx.recv() {
            sum += v;
        }
        producer.join().unwrap();
        sum
    }
    pub fn rwlock(values: Vec<i32>) -> i32 {
        let lock = RwLock::new(values);
        {
            let mut w = lock.write().unwrap();
            w.push(100);
        }
        let r = lock.read().unwrap();
        r.iter().sum()
    }
    pub fn hashmap_entry(words: &[&str]) -> Vec<(String, usize)> {
        let mut counts: HashMap<String, usize> = HashMap::new();
        for word in words {
            *counts.entry(word.to_string()).or_insert(0) += 1;
        }
        let mut pairs: Vec<(String, usize)> = counts.into_iter().collect();
        pairs.sort();
        pairs
    }
    pub fn match_enum(shape: Shape) -> f64 {
        match shape {
            Shape::Circle(r) if r > 10.0 => 0.0,
            Shape::Circle(r) => 3.0 * r * r,
            Shape::Rect { w, h } => w * h,
        }
    }
    pub fn match_ref(shape: &Shape) -> &'static str {
        match shape {
            Shape::Circle(_) => "circle",
            Shape::Rect { .. } => "rect",
        }
    }
    pub fn if_let_chain(a: Option<i32>, b: Option<i32>) -> i32 {
        if let Some(x) = a && let Some(y) = b {
            x + y
        } else if let Some(x) = a {
            x
        } else {
            -1
        }
    }
    pub fn while_loop(mut n: u64) -> u32 {
        let mut steps = 0;
        while n != 1 {
            n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
            steps += 1;
        }
        steps
    }
    pub fn loop_value(start: i32) -> i32 {
        let mut i = start;
        let found = loop {
            i += 1;
            if i % 7 == 0 {
                break i;
            }
        };
        found
    }
    pub fn string_building(parts: Vec<String>) -> String {
        let mut out = String::new();
        for part in &parts {
            out.push_str(part);
            out += "-";
        }
        let joined = out + "end";
        joined
    }
    pub fn string_add_moves(a: String, b: &str) -> String {
        let c = a + b;
        c
    }
    pub fn struct_update(base: Point) -> Point {
        let moved = Point { x: 5, ..base };
        let copy = Point { y: moved.y + 1, ..moved.clone() };
        copy
    }
    pub fn tuples(a: i32, b: i32) -> (i32, i32, (i32, i32)) {
        let pair = (a, b);
        let (x, y) = pair;
        let nested = (y, (x, a + b));
        (nested.0, nested.1.0, (nested.1.1, 0))
    }
    pub fn arrays(n: usize) -> usize {
        let fixed = [1, 2, 3];
        let repeated = [0u8; 4];
        let dynamic = vec![n; n];
        fixed.len() + repeated.len() + dynamic.len()
    }
    pub fn ranges(v: Vec<i32>) -> i32 {
        let head = &v[..2];
        let tail = &v[2..];
        let middle = &v[1..=2];
        head.iter().sum::<i32>() + tail.iter().sum::<i32>() + middle.iter().sum::<i32>()
    }
    pub fn casts(x: i64) -> (u8, f64, i32) {
        let small = x as u8;
        let float = x as f64 / 2.0;
        let back = float as i32;
        (small, float, back)
    }
    pub fn raw_pointers(mut x: i32) -> i32 {
        let p = &mut x as *mut i32;
        let q = &x as *const i32;
        unsafe {
            *p += 1;
            *q
        }
    }
    pub fn unsafe_blocks(v: Vec<u32>) -> u32 {
        let first = unsafe { *v.get_unchecked(0) };
        let ptr = v.as_ptr();
        let second = unsafe { *ptr.add(1) };
        first + second
    }
    pub fn options(v: Vec<i32>) -> i32 {
        let first = v.first().copied().unwrap_or(0);
        let last = v.last().copied().unwrap_or_default();
        let maybe = v.get(10).copied().unwrap_or_else(|| first + last);
        maybe
    }
    pub fn results(text: &str) -> Result<i32, std::num::ParseIntError> {
        let n: i32 = text.trim().parse()?;
        let doubled = n.checked_mul(2).unwrap_or(i32::MAX);
        Ok(doubled)
    }
    pub fn expect_and_unwrap(v: Vec<i32>) -> i32 {
        let max = v.iter().max().expect("not empty");
        let min = v.iter().min().unwrap();
        max - min
    }
    pub fn refcell_borrows(v: Vec<i32>) -> (usize, i32) {
        let cell = RefCell::new(v);
        cell.borrow_mut().push(4);
        let len = cell.borrow().len();
        let sum = cell.borrow().iter().sum();
        (len, sum)
    }
    pub fn cell_counters(n: u32) -> u32 {
        let c = std::cell::Cell::new(0);
        for _ in 0..n {
            c.set(c.get() + 2);
        }
        c.get()
    }
    pub fn once_cells(n: u32) -> u32 {
        let cell = std::cell::OnceCell::new();
        let first = *cell.get_or_init(|| n * 10);
        let _ = cell.set(99);
        first + cell.get().copied().unwrap_or(0)
    }
    pub fn boxes(n: i32) -> i32 {
        let b = Box::new(n);
        let pinned = Box::pin(n + 1);
        let raw = Box::into_raw(Box::new(n + 2));
        let back = unsafe { Box::from_raw(raw) };
        *b + *pinned + *back
    }
    pub fn weak_refs(n: i32) -> (bool, bool) {
        let strong = Rc::new(n);
        let weak = Rc::downgrade(&strong);
        let alive = weak.upgrade().is_some();
        drop(strong);
        let gone = weak.upgrade().is_none();
        (alive, gone)
    }
    pub fn cow(input: &str) -> String {
        let mut text: std::borrow::Cow<'_, str> = std::borrow::Cow::Borrowed(input);
        if input.contains(' ') {
            text.to_mut().push('!');
        }
        text.into_owned()
    }
    pub fn iterator_chains(v: Vec<i32>) -> Vec<String> {
        v.iter().filter(|x| **x > 0).map(|x| x.to_string()).rev().collect()
    }
    pub fn nested_closures(n: i32) -> i32 {
        let add = |a: i32| move |b: i32| a + b;
        let add_n = add(n);
        add_n(1) + add(2)(3)
    }
    pub fn fn_pointer(n: i32) -> i32 {
        let f: fn(i32) -> i32 = |x| x * 3;
        let g = f;
        g(n) + f(1)
    }
    pub fn boxed_dyn(n: usize) -> usize {
        let items: Vec<Box<dyn Fn(usize) -> usize>> = vec![Box::new(|x| x + 1), Box::new(move |x| x * n)];
        items.iter().map(|f| f(n)).sum()
    }
    pub fn coercions(s: String) -> usize {
        let r: &str = &s;
        let boxed: Box<dyn Display> = Box::new(r.len());
        let slice: &[u8] = &[1, 2, 3];
        boxed.to_string().len() + slice.len()
    }
    pub fn mutable_refs(mut v: Vec<i32>) -> i32 {
        let first = &mut v[0];
        *first += 1;
        let total: i32 = v.iter().sum();
        let last = v.last_mut().unwrap();
        *last = total;
        v[v.len() - 1]
    }
    pub fn reborrow_args(v: &mut Vec<i32>) -> usize {
        push_twice(v);
        push_twice(v);
        v.len()
    }
    pub fn push_twice(v: &mut Vec<i32>) {
        v.push(1);
        v.push(2);
    }
    pub fn consume_in_branch(s: String, keep: bool) -> usize {
        if keep {
            s.len()
        } else {
            let taken = s;
            taken.len() * 2
        }
    }
    pub fn option_take(mut slot: Option<String>) -> (bool, Option<String>) {
        let taken = slot.take();
        (slot.is_none(), taken)
    }
    pub fn sort_and_dedup(mut v: Vec<i32>) -> Vec<i32> {
        v.sort_unstable();
        v.dedup();
        v
    }
    pub fn swap_values(a: String, b: String) -> (String, String) {
        let mut x = a;
        let mut y = b;
        std::mem::swap(&mut x, &mut y);
        (x, y)
    }
    pub fn struct_shorthand(x: i32, y: i32) -> Point {
        let p = Point { x, y };
        p
    }
    pub fn default_values(n: usize) -> Vec<Point> {
        let mut out = Vec::new();
        for _ in 0..n {
            out.push(Point::default());
        }
        out
    }
    pub fn char_handling(s: &str) -> Vec<char> {
        let mut chars: Vec<char> = s.chars().collect();
        chars.retain(|c| c.is_alphanumeric());
        chars
    }
    pub fn bytes_and_strings(s: String) -> (usize, String) {
        let bytes = s.clone().into_bytes();
        let back = String::from_utf8(bytes).unwrap_or_default();
        (back.len(), back)
    }
    pub fn compound_assign_ops(mut a: u32, b: u32) -> u32 {
        a += b;
        a -= 1;
        a *= 2;
        a /= 3;
        a %= 100;
        a ^= 5;
        a <<= 1;
        a
    }
    pub fn integer_inference() -> u64 {
        let mut total = 0;
        for i in 0..5 {
            total += i;
        }
        let values = [total; 2];
        values.iter().sum()
    }
    pub fn tuple_struct_patterns(v: Vec<(i32, String)>) -> Vec<String> {
        let mut out = Vec::new();
        for (n, name) in v {
            if n > 0 {
                out.push(name);
            }
        }
        out
    }
    pub unsafe fn read_through(p: *const i32) -> i32 {
        let value = unsafe { *p };
        value + 1
    }
    pub fn or_patterns(v: Option<Result<i32, i32>>) -> i32 {
        let (Some(Ok(n)) | Some(Err(n))) = v else { return -1 };
        match n {
            1 | 2 => 10,
            x @ 3..=9 => x,
            _ => 0,
        }
    }
    pub fn borrows_as_arguments(mut v: Vec<i32>, s: String) -> usize {
        let total: i32 = sum_slice(&v);
        extend(&mut v, total);
        let text: &str = &s;
        takes_str(&s) + text.len() + v.len()
    }
    pub fn sum_slice(v: &[i32]) -> i32 {
        v.iter().sum()
    }
    pub fn extend(v: &mut Vec<i32>, x: i32) {
        v.push(x);
    }
    pub fn takes_str(s: &str) -> usize {
        s.len()
    }
    pub fn cfg_statements(flag: bool) -> i32 {
        // `cfg(any())` is always false, `cfg(not(any()))` always true.
        #[cfg(not(any()))]
        let x = 1;
        #[cfg(any())]
        let x = 2;
        if flag {
            #[cfg(not(any()))]
            return x;
            #[cfg(any())]
            return 0;
        }
        x + 1
    }
    pub fn counter_methods(mut c: Counter) -> (u32, usize) {
        c.count += 1;
        c.names.push("x".into());
        let names = c.names;
        (c.count, names.len())
    }
}

mod methods {
    use super::*;

    #[borrowscope_macro::trace_borrow(verbose)]
    impl Counter {
        pub fn new() -> Counter {
            Counter { count: 0, names: Vec::new() }
        }
        pub fn add(&mut self, name: &str) -> &mut Self {
            self.count += 1;
            self.names.push(name.to_owned());
            self
        }
        pub fn total(&self) -> u32 {
            let extra = self.names.len() as u32;
            self.count + extra
        }
        pub fn into_names(self) -> Vec<String> {
            let names = self.names;
            names
        }
        pub fn boxed(self: Box<Self>) -> u32 {
            let count = self.count;
            count
        }
        pub fn rename(mut self, name: &str) -> Self {
            self.names = vec![name.to_owned()];
            self
        }
        pub const fn constant() -> u32 {
            7
        }
    }
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    use std::task::{Context, Poll, RawWaker, RawWakerVTable, Waker};
    fn raw() -> RawWaker {
        RawWaker::new(std::ptr::null(), &VTABLE)
    }
    static VTABLE: RawWakerVTable = RawWakerVTable::new(|_| raw(), |_| {}, |_| {}, |_| {});
    let waker = unsafe { Waker::from_raw(raw()) };
    let mut cx = Context::from_waker(&waker);
    let mut future = std::pin::pin!(future);
    loop {
        if let Poll::Ready(v) = future.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

async fn add_async(a: i32, b: &i32) -> i32 {
    a + *b
}

#[borrowscope_macro::trace_borrow(verbose)]
async fn async_borrows(values: Vec<i32>) -> i32 {
    let first = &values[0];
    let sum = add_async(1, first).await;
    let inner = async { sum * 2 };
    let doubled = inner.await;
    doubled + values.len() as i32
}

macro_rules! same {
    ($f:ident ( $($arg:expr),* )) => {{
        let session = borrowscope_runtime::Session::new();
        let traced = session.record(|| traced::$f($($arg),*));
        assert_eq!(plain::$f($($arg),*), traced, "{} differs", stringify!($f));
        assert!(!session.events().is_empty(), "{} recorded nothing", stringify!($f));
    }};
}

#[test]
fn every_function_behaves_as_before() {
    same!(place_assignments(vec![1, 2, 3]));
    same!(get_first(vec!["a".into()]));
    same!(receivers_by_value(vec![1, 2, 3]));
    same!(let_else(Some("5")));
    same!(let_else(Some("x")));
    same!(let_else(None));
    same!(slice_patterns(&[1, 2, 3]));
    same!(slice_patterns(&[4]));
    same!(slice_let([1, 2, 3]));
    same!(shadowing(4));
    same!(move_closure("hello".into()));
    same!(closure_with_try(vec!["1", "2"]));
    same!(closure_with_try(vec!["1", "x"]));
    same!(labeled_breaks(vec![vec![1, -1, 7], vec![3, 7]]));
    same!(generic_where(&[1, 2], |x| x * 10));
    assert_eq!(plain::impl_trait_return(5).collect::<Vec<_>>(), traced::impl_trait_return(5).collect::<Vec<_>>());
    same!(lifetimes("ab", "abc"));
    same!(macros_inside(vec![1, 2, 3]));
    same!(early_return_nested(20));
    same!(early_return_nested(100_000));
    same!(rc_sharing(5));
    same!(arc_mutex_threads(4));
    same!(channels(10));
    same!(rwlock(vec![1, 2]));
    same!(hashmap_entry(&["a", "b", "a"]));
    same!(match_enum(Shape::Circle(2.0)));
    same!(match_enum(Shape::Circle(20.0)));
    same!(match_enum(Shape::Rect { w: 2.0, h: 3.0 }));
    same!(match_ref(&Shape::Circle(1.0)));
    same!(if_let_chain(Some(1), Some(2)));
    same!(if_let_chain(Some(1), None));
    same!(if_let_chain(None, None));
    same!(while_loop(27));
    same!(loop_value(3));
    same!(string_building(vec!["a".into(), "b".into()]));
    same!(string_add_moves("a".into(), "b"));
    same!(struct_update(Point { x: 1, y: 2 }));
    same!(tuples(1, 2));
    same!(arrays(3));
    same!(ranges(vec![1, 2, 3, 4]));
    same!(casts(300));
    same!(raw_pointers(5));
    same!(unsafe_blocks(vec![3, 4]));
    same!(options(vec![1, 2]));
    same!(options(vec![]));
    same!(results(" 21 "));
    same!(results("x"));
    same!(expect_and_unwrap(vec![3, 9, 1]));
    same!(refcell_borrows(vec![1, 2, 3]));
    same!(cell_counters(5));
    same!(once_cells(4));
    same!(boxes(1));
    same!(weak_refs(3));
    same!(cow("a b"));
    same!(cow("ab"));
    same!(iterator_chains(vec![3, -1, 2]));
    same!(nested_closures(4));
    same!(fn_pointer(2));
    same!(boxed_dyn(3));
    same!(coercions("hello".into()));
    same!(mutable_refs(vec![1, 2, 3]));
    let (mut a, mut b) = (vec![1], vec![1]);
    assert_eq!(plain::reborrow_args(&mut a), traced::reborrow_args(&mut b));
    same!(consume_in_branch("abc".into(), true));
    same!(consume_in_branch("abc".into(), false));
    same!(option_take(Some("x".into())));
    same!(sort_and_dedup(vec![3, 1, 3, 2]));
    same!(swap_values("a".into(), "b".into()));
    same!(struct_shorthand(1, 2));
    same!(default_values(2));
    same!(char_handling("a-b c"));
    same!(bytes_and_strings("héllo".into()));
    same!(compound_assign_ops(10, 5));
    same!(integer_inference());
    same!(tuple_struct_patterns(vec![(1, "a".into()), (-1, "b".into())]));
    same!(counter_methods(Counter { count: 1, names: vec![] }));
    let x = 41;
    assert_eq!(unsafe { plain::read_through(&x) }, unsafe { traced::read_through(&x) });
    same!(or_patterns(Some(Ok(2))));
    same!(or_patterns(Some(Err(5))));
    same!(or_patterns(None));
    same!(borrows_as_arguments(vec![1, 2], "ab".into()));
    same!(cfg_statements(true));
    same!(cfg_statements(false));
}

#[test]
fn format_and_assert_macros_print_the_same_and_record_their_borrows() {
    same!(formatting(Point { x: 1, y: 2 }, "ann".into(), 3));
    let session = borrowscope_runtime::Session::new();
    session.record(|| traced::formatting(Point { x: 1, y: 2 }, "ann".into(), 3));
    // Every formatted or compared binding is borrowed by the macro, inline captures too.
    let borrows: Vec<(String, String)> = session
        .events()
        .iter()
        .filter(|e| e.op == borrowscope_runtime::Op::Borrow && e.site.name.ends_with('!'))
        .map(|e| (e.site.name.to_owned(), e.site.detail.to_owned()))
        .collect();
    for (name, detail) in [("format!", "name"), ("format!", "count"), ("format!", "p"), ("write!", "count"), ("writeln!", "name"), ("format!", "r")] {
        assert!(borrows.iter().any(|(n, d)| n == name && d == detail), "no borrow of {detail} by {name}: {borrows:?}");
    }
    // And `why` names the macro as the borrower.
    let trace = session.trace();
    let graph = borrowscope_runtime::Graph::build(&trace);
    let sources = borrowscope_runtime::SourceIndex::read(&trace, &[]);
    let why = borrowscope_runtime::Why::new(&trace, &graph, &sources);
    let name = graph.named("name").next().expect("the binding `name`");
    let story = why.lines(name).join("\n");
    assert!(story.contains("borrowed shared by `format!`") && story.contains("borrowed shared by `writeln!`"), "{story}");
    // The same panic message, from the same line.
    std::panic::set_hook(Box::new(|_| {}));
    let message = |result: std::thread::Result<i32>| *result.unwrap_err().downcast::<String>().unwrap();
    let plain = message(std::panic::catch_unwind(|| plain::failing_assertion(1, 2, "left".into())));
    let traced = message(std::panic::catch_unwind(|| traced::failing_assertion(1, 2, "left".into())));
    let _ = std::panic::take_hook();
    assert_eq!(plain, traced);
    assert!(traced.contains("left differs by -1"), "{traced}");
}

#[test]
fn drop_order_matches_what_drop_impls_log() {
    for early in [true, false] {
        let (plain_log, traced_log) = (log(), log());
        let session = borrowscope_runtime::Session::new();
        let traced = session.record(|| traced::drop_order(Rc::clone(&traced_log), early));
        assert_eq!(plain::drop_order(Rc::clone(&plain_log), early), traced);
        assert_eq!(*plain_log.borrow(), *traced_log.borrow(), "user-visible drop order changed");
        // The recorded drops of the Logger bindings, in order, are what their Drop impls logged
        // (b was moved into `drop`, so it is a move, and its drop is logged by `drop` itself).
        let recorded: Vec<String> = session
            .events()
            .iter()
            .filter(|e| e.op == borrowscope_runtime::Op::Drop && e.site.name.starts_with('_'))
            .map(|e| e.site.name.trim_start_matches('_').to_owned())
            .collect();
        let logged: Vec<String> = traced_log.borrow().iter().filter(|n| *n != "b").cloned().collect();
        assert_eq!(recorded, logged, "early={early}");
    }
}

#[test]
fn methods_and_impl_blocks() {
    let session = borrowscope_runtime::Session::new();
    let (total, names) = session.record(|| {
        let mut c = Counter::new();
        c.add("a").add("b");
        (c.total(), c.into_names())
    });
    assert_eq!((total, names), (4, vec!["a".to_owned(), "b".to_owned()]));
    assert_eq!(Box::new(Counter::new()).boxed(), 0);
    assert_eq!(Counter::new().rename("z").names, ["z"]);
    assert_eq!(Counter::constant(), 7, "a const fn in the block is left as written");
    let text = session.trace().to_text();
    assert!(text.contains("fn_enter new") && text.contains("fn_exit into_names"), "{text}");
}

#[test]
fn async_with_borrows_across_awaits() {
    let session = borrowscope_runtime::Session::new();
    let value = session.record(|| block_on(async_borrows(vec![5, 6])));
    assert_eq!(value, 14);
    let ops: Vec<_> = session.events().iter().map(|e| e.op).collect();
    for op in [borrowscope_runtime::Op::AwaitStart, borrowscope_runtime::Op::AwaitEnd, borrowscope_runtime::Op::AsyncBlockEnter] {
        assert!(ops.contains(&op), "{op} missing");
    }
}

/// The events of a traced call as text, without the `@file:line:column` part.
/// Instance ids (`#N`) are renumbered in order of appearance: the real ones depend on which
/// id blocks other tests' threads took first.
fn events_text(f: impl FnOnce()) -> String {
    let session = borrowscope_runtime::Session::new();
    session.record(f);
    let text = session.trace().to_text();
    let mut ids: Vec<String> = Vec::new();
    let mut lines = Vec::new();
    for line in text.lines().map(|l| l.rsplit_once(" @").map_or(l, |(h, _)| h)) {
        let words: Vec<String> = line
            .split(' ')
            .map(|word| match word.strip_prefix('#') {
                Some(id) if !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()) => {
                    let index = ids.iter().position(|i| i == id).unwrap_or_else(|| {
                        ids.push(id.to_owned());
                        ids.len() - 1
                    });
                    format!("#{}", index + 1)
                }
                _ => word.to_owned(),
            })
            .collect();
        lines.push(words.join(" "));
    }
    lines.join("\n")
}

#[test]
fn event_logs_read_as_the_code_runs() {
    insta::assert_snapshot!(
        "drop_order",
        events_text(|| {
            let _ = traced::drop_order(log(), false);
        })
    );
    insta::assert_snapshot!(
        "rc_sharing",
        events_text(|| {
            let _ = traced::rc_sharing(1);
        })
    );
    insta::assert_snapshot!(
        "labeled_breaks",
        events_text(|| {
            let _ = traced::labeled_breaks(vec![vec![-1, 2], vec![7]]);
        })
    );
    insta::assert_snapshot!(
        "consume_in_branch",
        events_text(|| {
            let _ = traced::consume_in_branch("ab".into(), false);
        })
    );
}
