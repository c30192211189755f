//! Property tests on broken files: whatever a valid file is turned into (truncated, bits
//! flipped, fields deleted or of the wrong type, huge numbers, deep nesting, invalid UTF-8,
//! duplicate keys, wrong hashes, other schema versions), reading it returns a typed error
//! or a file that is valid in every way the reader promises, and never panics.
//!
//! The seed is fixed, so CI runs the same cases every time; `BORROWSCOPE_FUZZ_CASES=100000
//! cargo test --release -p type-info-schema --test mutations` runs a long search, and
//! `BORROWSCOPE_FUZZ_SEED` picks another seed.

mod strategies;

use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngSeed};
use serde_json::Value;
use strategies::type_info;
use type_info_schema::{ReadError, TypeInfo};

/// The ways a file is broken.
#[derive(Debug, Clone, Copy)]
enum Mutation {
    Truncate,
    FlipBit,
    DeleteField,
    WrongType,
    HugeNumber,
    DeepNesting,
    InvalidUtf8,
    DuplicateKey,
    WrongHash,
    OtherVersion,
}

const MUTATIONS: [Mutation; 10] = [
    Mutation::Truncate,
    Mutation::FlipBit,
    Mutation::DeleteField,
    Mutation::WrongType,
    Mutation::HugeNumber,
    Mutation::DeepNesting,
    Mutation::InvalidUtf8,
    Mutation::DuplicateKey,
    Mutation::WrongHash,
    Mutation::OtherVersion,
];

/// Every value in the document, as JSON pointers (the root is `""`).
fn pointers(value: &Value, at: String, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                pointers(child, format!("{at}/{}", key.replace('~', "~0").replace('/', "~1")), out);
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                pointers(child, format!("{at}/{index}"), out);
            }
        }
        _ => {}
    }
    out.push(at);
}

/// The pointers whose last step is an object key (those a field deletion can remove).
fn field_pointers(all: &[String], document: &Value) -> Vec<String> {
    all.iter()
        .filter(|p| {
            let Some((parent, _)) = p.rsplit_once('/') else { return false };
            document.pointer(parent).is_some_and(Value::is_object)
        })
        .cloned()
        .collect()
}

/// `text` broken by `mutation`; `pick` chooses where.
fn mutate(text: &str, mutation: Mutation, pick: u64) -> Vec<u8> {
    let bytes = text.as_bytes();
    let at = |len: usize| if len == 0 { 0 } else { (pick % len as u64) as usize };
    let mut document: Value = serde_json::from_str(text).unwrap();
    let mut all = Vec::new();
    pointers(&document, String::new(), &mut all);
    match mutation {
        Mutation::Truncate => bytes[..at(bytes.len())].to_vec(),
        Mutation::FlipBit => {
            let mut bytes = bytes.to_vec();
            let bit = at(bytes.len() * 8);
            bytes[bit / 8] ^= 1 << (bit % 8);
            bytes
        }
        Mutation::DeleteField => {
            let fields = field_pointers(&all, &document);
            if let Some(pointer) = fields.get(at(fields.len())) {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                let key = key.replace("~1", "/").replace("~0", "~");
                document.pointer_mut(parent).unwrap().as_object_mut().unwrap().remove(&key);
            }
            serde_json::to_vec(&document).unwrap()
        }
        Mutation::WrongType => {
            let replacements = [Value::Null, Value::Bool(true), Value::from(-1), Value::from("x"), Value::Array(vec![]), serde_json::json!({})];
            let pointer = &all[at(all.len())];
            *document.pointer_mut(pointer).unwrap() = replacements[(pick >> 32) as usize % replacements.len()].clone();
            serde_json::to_vec(&document).unwrap()
        }
        Mutation::HugeNumber => {
            // Numbers as text: beyond u64, beyond f64, negative, fractional.
            let huge = ["18446744073709551616", "1e400", "-4294967297", "4294967296", "0.5", "-0"];
            let numbers: Vec<&String> = all.iter().filter(|p| document.pointer(p).is_some_and(Value::is_number)).collect();
            let Some(pointer) = numbers.get(at(numbers.len())) else { return bytes.to_vec() };
            let marker = "\u{1}HUGE\u{1}";
            *document.pointer_mut(pointer).unwrap() = Value::from(marker);
            let text = serde_json::to_string(&document).unwrap();
            text.replace(&format!("\"{marker}\""), huge[(pick >> 32) as usize % huge.len()]).into_bytes()
        }
        Mutation::DeepNesting => {
            // Far deeper than any parser should follow by recursion.
            let depth = 1000 + (pick % 100_000) as usize;
            let pointer = &all[at(all.len())];
            let marker = "\u{1}DEEP\u{1}";
            *document.pointer_mut(pointer).unwrap() = Value::from(marker);
            let text = serde_json::to_string(&document).unwrap();
            let (open, close) = if pick & 1 == 0 { ("[", "]") } else { ("{\"a\":", "}") };
            text.replace(&format!("\"{marker}\""), &format!("{}1{}", open.repeat(depth), close.repeat(depth))).into_bytes()
        }
        Mutation::InvalidUtf8 => {
            // Inside a string when there is one, so the JSON is otherwise intact.
            let quotes: Vec<usize> = bytes.iter().enumerate().filter(|(_, b)| **b == b'"').map(|(i, _)| i + 1).collect();
            let position = quotes.get(at(quotes.len())).copied().unwrap_or(0);
            let invalid: [&[u8]; 4] = [&[0xff], &[0xc3], &[0xed, 0xa0, 0x80], &[0xf8, 0x88, 0x80, 0x80, 0x80]];
            [&bytes[..position], invalid[(pick >> 32) as usize % invalid.len()], &bytes[position..]].concat()
        }
        Mutation::DuplicateKey => {
            // A key repeated with a copy of another value of the document.
            let fields = field_pointers(&all, &document);
            let Some(pointer) = fields.get(at(fields.len())) else { return bytes.to_vec() };
            let key = pointer.rsplit_once('/').unwrap().1.replace("~1", "/").replace("~0", "~");
            let other = document.pointer(&all[(pick >> 32) as usize % all.len()]).unwrap().clone();
            let marker = "\u{1}DUP\u{1}";
            *document.pointer_mut(pointer).unwrap() = Value::from(marker);
            let text = serde_json::to_string(&document).unwrap();
            let duplicate = format!(
                "{}, {}: {}",
                serde_json::to_string(&other).unwrap(),
                serde_json::to_string(&key).unwrap(),
                serde_json::to_string(&other).unwrap()
            );
            text.replace(&format!("\"{marker}\""), &duplicate).into_bytes()
        }
        Mutation::WrongHash => {
            let hashes: Vec<&String> = all.iter().filter(|p| p.ends_with("/hash")).collect();
            let Some(pointer) = hashes.get(at(hashes.len())) else { return bytes.to_vec() };
            let wrong = ["", "xxh3:", "xxh3:zz", "sha256:00", "xxh3:00000000000000000", "0123456789abcdef", "xxh3:0123456789abcdef"];
            *document.pointer_mut(pointer).unwrap() = Value::from(wrong[(pick >> 32) as usize % wrong.len()]);
            serde_json::to_vec(&document).unwrap()
        }
        Mutation::OtherVersion => {
            let versions = [Value::from(0), Value::from(1), Value::from(3), Value::from(u64::MAX), Value::from(2.0), Value::from("2")];
            document["schema_version"] = versions[at(versions.len())].clone();
            serde_json::to_vec(&document).unwrap()
        }
    }
}

fn config() -> Config {
    let number = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    Config {
        cases: number("BORROWSCOPE_FUZZ_CASES", 512) as u32,
        rng_seed: RngSeed::Fixed(number("BORROWSCOPE_FUZZ_SEED", 0x5eed)),
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_broken_file_reads_as_a_typed_error_or_a_valid_file(
        info in type_info(),
        mutation in prop::sample::select(MUTATIONS.to_vec()),
        pick in any::<u64>(),
    ) {
        let text = info.to_json().unwrap();
        let broken = mutate(&text, mutation, pick);
        let path = std::path::Path::new("broken/type-info.json");
        match TypeInfo::from_json(&broken, path) {
            Ok(read) => {
                // Valid in every way: it writes back, and reads back the same.
                let again = read.to_json();
                prop_assert!(again.is_ok(), "{mutation:?} read a file that cannot be written: {again:?}");
                let reread = TypeInfo::from_json(again.unwrap().as_bytes(), path);
                prop_assert_eq!(reread.ok(), Some(read));
            }
            Err(error) => {
                // One message that names the file and says what to do.
                let message = error.to_string();
                prop_assert!(message.contains("broken/type-info.json"), "{mutation:?}: {message}");
                prop_assert!(!matches!(error, ReadError::Missing { .. } | ReadError::Io { .. }), "{mutation:?}: {message}");
                prop_assert!(message.contains("borrowscope-analyzer"), "{mutation:?}: {message}");
            }
        }
    }

    #[test]
    fn a_broken_file_on_disk_reads_the_same_as_its_bytes(
        info in type_info(),
        mutation in prop::sample::select(MUTATIONS.to_vec()),
        pick in any::<u64>(),
    ) {
        let broken = mutate(&info.to_json().unwrap(), mutation, pick);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("type-info.json");
        std::fs::write(&path, &broken).unwrap();
        let from_disk = TypeInfo::read(&path).map_err(|e| e.to_string());
        let from_bytes = TypeInfo::from_json(&broken, &path).map_err(|e| e.to_string());
        prop_assert_eq!(from_disk, from_bytes);
    }
}

/// Each mutation, applied to one file, changes it (the fuzzer is not testing the valid file
/// over and over).
#[test]
fn every_mutation_changes_the_file() {
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let info = loop {
        let info = type_info().new_tree(&mut runner).unwrap().current();
        if info.files.values().any(|f| !f.bindings.is_empty()) {
            break info;
        }
    };
    let text = info.to_json().unwrap();
    for mutation in MUTATIONS {
        for pick in [1u64, 7, 12345, u64::MAX / 3] {
            assert_ne!(mutate(&text, mutation, pick), text.as_bytes(), "{mutation:?} with {pick}");
        }
    }
}
