//! `ContentHash`: the hash of a source file's bytes, shared by analyzer and macro.
//!
//! The algorithm is XXH3 with 128-bit output, from the `xxhash-rust` crate. The hash only
//! detects that a file changed since it was analyzed; no adversary is involved, so a
//! cryptographic hash would buy nothing. XXH3 is a fixed, published algorithm (its output
//! never changes between crate versions), `xxhash-rust` has no dependencies (the macro
//! links it, so it adds to every user's build) and hashes at memory speed, and 128 bits make
//! an accidental collision between two versions of a file negligible.

use std::fmt;
use std::str::FromStr;

const PREFIX: &str = "xxh3-128:";

/// The hash of a file's bytes, written as `xxh3-128:` and 32 lowercase hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ContentHash(u128);

impl ContentHash {
    /// Hashes `bytes` exactly as they are (no line-ending or encoding normalisation).
    pub fn of(bytes: &[u8]) -> ContentHash {
        ContentHash(xxhash_rust::xxh3::xxh3_128(bytes))
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{PREFIX}{:032x}", self.0)
    }
}

/// The error of [`ContentHash::from_str`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadContentHash(String);

impl fmt::Display for BadContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "`{}` is not a content hash (expected `xxh3-128:` and 32 hex digits)", self.0)
    }
}

impl std::error::Error for BadContentHash {}

impl FromStr for ContentHash {
    type Err = BadContentHash;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let digits = s.strip_prefix(PREFIX).ok_or_else(|| BadContentHash(s.to_owned()))?;
        if digits.len() != 32 || !digits.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(BadContentHash(s.to_owned()));
        }
        u128::from_str_radix(digits, 16).map(ContentHash).map_err(|_| BadContentHash(s.to_owned()))
    }
}

impl serde::Serialize for ContentHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for ContentHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_stable_and_sensitive_to_every_byte() {
        // A fixed vector: if this changes, every checked-in type-info file goes stale.
        assert_eq!(ContentHash::of(b"").to_string(), "xxh3-128:99aa06d3014798d86001c324468d497f");
        assert_ne!(ContentHash::of(b"let x = 1;\n"), ContentHash::of(b"let x = 1;\r\n"));
    }

    #[test]
    fn hashes_parse_back_and_bad_ones_are_refused() {
        let hash = ContentHash::of(b"fn main() {}");
        assert_eq!(hash.to_string().parse(), Ok(hash));
        for bad in ["", "xxh3-128:", "sha256:00", "xxh3-128:XYZ", "xxh3-128:99AA06D3014798D86001C324468D497F"] {
            assert!(bad.parse::<ContentHash>().is_err(), "{bad} parsed");
        }
    }
}
