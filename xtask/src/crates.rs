//! The crates of the real-code trial: the default few, and the rest of the broader list.

/// Crates with real test suites and few dependencies, so the trial runs in minutes (the
/// default, and what `.ci/run` runs).
pub(crate) const TRIAL_CRATES: &[&str] = &["fnv@1.0.7", "strsim@0.11.1", "scopeguard@1.2.0", "semver@1.0.26", "itoa@1.0.15"];

/// The rest of the broader trial (`--full`), chosen for variety: generic containers and buffers
/// with unsafe code (arrayvec, smallvec, slab, bytes), a Unicode table crate, parsers (shlex, glob,
/// percent-encoding), trait-heavy generics (either, byteorder), atomics and async utilities (bytes,
/// futures-lite), SIMD searchers built of `#[inline(always)]` chains and intrinsics (aho-corasick),
/// editions 2015 to 2021; and, for what the list lacked (issue 23): a hash table built on raw
/// pointers and SIMD groups (hashbrown), SIMD byte search (memchr), lazy cells on atomics and a
/// lock (once_cell), an error type with `async` tests of its auto traits (anyhow), a serialization
/// crate of heavy generics and traits, serde's `Serializer` and `Deserializer` (bincode), a channel
/// library (crossbeam-channel), an async executor's own tests (async-executor); and found by adding
/// harder crates until something broke: iterator adaptors of heavy generics with closures written
/// in parentheses and braces (itertools, indexmap: their tests gained "unnecessary parentheses" and
/// "unnecessary braces" warnings), and a codec whose hot loops sit in functions that name `const`s
/// (base64: they had no per-call gate, and its tests ran 4x-4.7x). (The parser combinator nom fails
/// plain `cargo test` in both releases tried: 7.1.3 lists examples its package leaves out, 8.0.0
/// has a test that uses `nom_language`, which is not among its dependencies; crossbeam-channel
/// 0.5.13 is yanked; memchr 2.7.4's own unit tests do not compile on Rust 1.95, a `missing_docs`
/// error in its test module.) (spin, a lock library, has every recent release yanked, which `cargo
/// vendor` refuses; threadpool, whose tests send on channels from its workers, has a test that
/// races its own workers and loses the race when the main thread is slowed: see TRIAL.md.)
/// Then (the seventh session) a parser combinator (winnow), a lock library (parking_lot), code
/// that macros write (bitflags), float formatting in `unsafe` (ryu), a global logger (log), a
/// work-stealing deque on atomics (crossbeam-deque), and crates of edition 2024, which the list
/// had none of: smallvec's 2.0 beta, thin-vec (its lock's serde 1.0.167 met a newer
/// serde_derive), smol_str (`[0; _]`; its own `tidy` test, which checks its formatting with
/// rustfmt, fails plain), toml_edit and sdd (lock-free memory reclamation). (scc 3.8.8, built
/// on sdd, passes all but `future_size`, which bounds its futures' size: traced, they hold
/// the guards of bindings kept across an `.await`; see TRIAL.md.) Then (the eighth session) a
/// serializer of heavy generics (serde_json, whose tests pass `&[(&string, "..")]` where
/// `&[(&str, &str)]` is expected: it did not compile until tuple and array literals were left as
/// written wherever a type may be expected of them), a regex parser (regex-syntax), a vector
/// on an array (tinyvec), a cache of linked nodes on raw pointers
/// (lru) and a random number generator (fastrand); a slot map of `unsafe` generic code (slotmap:
/// `&self.values.get_unchecked(idx)` returned as `&V` did not compile with type-info), atomics
/// and scoped threads (crossbeam-utils: its build script includes a file of functions, which
/// was instrumented), numeric traits written by macros (num-traits) and graph algorithms of
/// heavy generics (petgraph); hex codecs (hex), byte strings (bstr), Unicode segmentation
/// tables (unicode-segmentation), casts between plain-old-data types (bytemuck), UUIDs (uuid)
/// and random number generation of heavy traits (rand), which all passed; then a SIMD checksum
/// (crc32fast), a compressor's hot loops (miniz_oxide), a hasher (siphasher), type-level arrays
/// (generic-array: two of its doctests do not compile plain either, and their errors are the
/// baseline's) and `offset_of` macros (memoffset). (lazy_static 1.5.0's tests do not compile
/// plain on Rust 1.95: `#![deny(warnings)]` meets the newer `unnecessary_transmutes` lint.)
/// Then (the ninth session) num-bigint (`x == -&a` did not compile), arc-swap, dashmap,
/// async-task, async-trait (a proc-macro crate: the copy drew cargo warnings), thiserror,
/// fixedbitset, ropey, smartstring and bit-vec. (bumpalo, typed-arena, pin-project, unicase:
/// plain `cargo test` fails; ahash: its `#[no_panic]` tests could not link traced until the
/// sixteenth session, below.)
/// Then (the tenth session) crates of pointers of their own and raw-pointer containers (rpds to
/// smallbox below); then (the eleventh) bumpalo 3.20.4 (whose tests pass plain now), self_cell,
/// a channel library (flume), SIMD parsing (httparse: its `break 'name name;` drew a lint that
/// its `deny(warnings)` made an error) and string-interner. (typed-arena 2.0.2's unit tests do
/// not compile plain on Rust 1.95: `dangerous_implicit_autorefs`.)
/// Then (the thirteenth session) async locks and channels whose `poll` functions use a
/// `ready!` of their own (async-lock, async-channel, async-broadcast), diff algorithms of
/// generics (similar), a CSV state machine (csv-core), a priority queue on an index map
/// (priority-queue) and duration parsing (humantime). (regex-lite 0.1.6, matchit 0.8.4 and
/// futures-channel 0.3.31 fail plain `cargo test`: their packages leave out the test data, a
/// `cfg(test)` method and the `futures` crate their tests need; http 1.1.0 and oneshot 0.1.8 do
/// not build plain on Rust 1.95: `dangerous_implicit_autorefs` and `unexpected_cfgs` under
/// `deny(warnings)`.)
/// Then (the fifteenth session) epoch-based reclamation (crossbeam-epoch), persistent
/// collections of reference-counted nodes (im-rc: a `&mut` coerced to a raw pointer was
/// recorded moved), per-thread storage (thread_local), a sharded slab, cells owned through
/// tokens (qcell), float ordering, a hasher (rustc-hash), intrusive lists and trees of raw
/// pointers (intrusive-collections: a `&mut` passed and read again by a later argument did not
/// compile without the analyzer), lock-free queues (crossbeam-queue: its tests spin, and their
/// times on a loaded machine say nothing), a syntax tree of shared nodes (rowan: one test
/// fails plain, and the same one traced), weak-keyed tables (weak-table), an arena of ids
/// (id-arena: one test fails plain, and traced) and inline strings (compact_str: methods made
/// `const` by `#[rustversion::attr(since(1.64), const)]` did not compile traced), and
/// heavy generics: bit slices (bitvec), parser combinators (combine) and a serde format
/// (ron), each of which did not compile traced where Rust takes a type from the context.
/// (pin-project-lite 0.2.15's and linked-hash-map 0.5.6's packages leave out what their tests
/// need: `trybuild` and `macrotest`, `src/tests.rs`; elsa 1.10.0 and crossbeam-skiplist 0.1.3
/// do not build on Rust 1.95: `dangerous_implicit_autorefs`; spin 0.9.7 and 0.9.8 are
/// yanked.)
/// Then (the sixteenth session) a waker cell (atomic-waker), a two-way map (bimap), text
/// wrapping (textwrap), rationals of generic integers (num-rational), half-precision floats
/// converted with SIMD (half), a bit set (bit-set), the lock traits (lock_api), a URL parser
/// (url: an `assert!` of its own taking one expression did not compile once a message was
/// added to `assert!`s) and a SIMD hasher whose tests check with `#[no_panic]` that its
/// hashing cannot panic (ahash: the checks did not link while calls into the runtime could
/// unwind). (nom 7.1.3 and unicode-bidi 0.3.15 fail plain `cargo test`: nom's manifest names
/// examples its package leaves out.) The seventeenth session's: rustc's union-find (ena), a
/// parser combinator whose parsers are nested generic types (chumsky), a lock-free ring
/// buffer with `MaybeUninit` storage (ringbuf), strings inline up to a capacity (smallstr)
/// and a fixed-capacity deque (arraydeque). (nom 8.0.0 names a `nom_language` crate its
/// package leaves out, typed-arena 2.0.2's tests trip a lint that is an error on this
/// compiler, and heapless 0.8.0's library does not build here: plain `cargo test` fails.)
/// And a TOML editor with 1,271 tests whose test programs end in a method that never returns
/// (toml_edit: each warned "unreachable call" traced), complex numbers over generic parts
/// (num-complex), case-insensitive strings (unicase) and self-referential structs that a
/// proc macro writes (ouroboros). (tinystr 0.7.6 and num-integer 0.1.46 fail plain `cargo
/// test`.) The eighteenth session's: a JSON value type and parser (json), a bit vector inline
/// in one word (smallbitvec), a codec library whose `dispatch!` macro instantiates each codec
/// function for every combination of its parameters, so that its build is code generation
/// (data-encoding) and a `RefCell` for threads (atomic_refcell); then finite state
/// transducers over generic automata (fst), compressed bitmaps (roaring: its property tests
/// run for minutes), a string interner behind locks (lasso), d-ary heaps (dary_heap),
/// reference-counted vectors and strings of raw pointers (ecow) and a serde format
/// (postcard); then an executor that blocks on a future (pollster), arrays indexed by an
/// enum whose derive is a proc macro (enum-map), bitmaps of const-generic sizes (bitmaps),
/// non-empty lists (nonempty, vec1) and Unicode normalization tables (unicode-normalization).
/// (regex-lite 0.1.6,
/// sized-chunks 0.7.0 and linked-hash-map 0.5.6 fail plain `cargo test`; oneshot 0.1.8 and
/// elsa 1.10.0 do not build on Rust 1.95.)
/// The nineteenth session's, harder crates until something broke: type-level numbers
/// (typenum), SIMD vectors and checksums (wide, bytecount, sha2, simd-adler32: a 1 MiB array
/// in a test overflowed libtest's 2 MiB thread traced, until the command gave traced threads
/// more stack), constant-time code (subtle: `-(self as &T)` did not compile traced), float
/// formatting (dtoa), thread parking (parking), an async reactor (async-io), a thread pool for
/// blocking code (blocking: `env::set_var` in edition 2021, an `unsafe fn` to the analyzer),
/// memory maps (memmap2), an XML parser (quick-xml), SIMD random number generation
/// (rand_chacha), an async pipe (piper), polling (polling), temporary files and directory
/// walks (tempfile, walkdir), thread-bound values (fragile), SHA-1 (sha1_smol), timers
/// (futures-timer), system randomness (getrandom) and a parser generator's runtime (pest).
/// (xxhash-rust 0.8.12, smol 2.0.2 and libm 0.2.8 fail plain `cargo test`; signal-hook
/// 0.3.17's `sig_dfl` test finds the runtime's SIGTERM handler where it expects the default:
/// README.)
/// The twenty-first session's: a thread pool (rayon-core: a test recursing 32 frames of 1 MiB
/// arrays on a 48 MiB stack it sets itself overflowed it traced, the frame holding each array
/// three times), MD5 (md5: a loop over 4 GiB in one call around an inner loop ran its hooks
/// for every byte, 3.8x its plain time, until every loop got the per-iteration gate), CRC
/// (crc), IDNA mapping (idna: 185 of its tests fail plain, the same traced) and persistent
/// collections (im); then SIMD text encodings (encoding_rs) and SIMD vector math of heavy
/// generics and traits (glam: 2,767 tests, 4,896 warnings plain and the same traced).
/// (zerocopy 0.7.35 and futures-executor 0.3.31 fail plain `cargo test`; heapless 0.8.0's
/// library does not build on Rust 1.95, an unexpected `cfg` under `deny(warnings)`;
/// lz4_flex 0.11.3 is yanked.)
/// The twenty-second session's: a symbol demangler (rustc-demangle), a terminal parser and its
/// UTF-8 decoder (vte, utf8parse), HTTP dates (httpdate), the Unicode bidirectional algorithm
/// (unicode-bidi: a tuple's fields moved in turn in two `assert_eq!`s were "unknown" with the
/// file), Adler-32 (adler2), a code point trie (ucd-trie), array slicing macros (arrayref), an
/// event-listener strategy, a TOML parser of 843 tests (toml: bindings moved by macros the
/// expansion leaves as written were "unknown" with the file), type-erased serialization
/// (erased-serde), cloning trait objects (dyn-clone), SHA-1 and BLAKE2 through the digest
/// traits (sha1, blake2), tracing's dispatch core (tracing-core), line breaking (smawk: a
/// binding borrowed by a closure in `assert_eq!` was "unknown" with the file;
/// unicode-linebreak) and terminal colours (yansi); then macro-heavy crates: map literals
/// (maplit), `assert_matches!`, error types written by a macro (quick-error), bit fields
/// (bitfield: an edition-2015 crate denying `unused_extern_crates`, with nothing traced, did
/// not compile) and diffs in assertions (pretty_assertions: a test crate without the prelude
/// did not compile, and `&($left)` in its macro was called a move); then a parser-combinator
/// library whose manifest names examples its package leaves out (nom: compared with the
/// baseline's `--tests` and `--doc`; receivers in parentheses were "unknown"), the compiler's
/// token streams and quasi-quoting (proc-macro2: `let _ = range;` of a generic type was
/// "unknown"; quote), Unicode identifier tables whose tests
/// declare `mod tables;` in a test function (unicode-ident did not compile; unicode-xid), the
/// parking lot under `parking_lot` (parking_lot_core), scoped thread-locals, a hasher, a macro
/// crate and an ordered map (scoped-tls, fxhash, pin-project-lite, linked-hash-map), compile-time
/// assertions (static_assertions), numeric iterators (num-iter), an old macro crate (matches)
/// and streams written as generators (async-stream). (Others: TRIAL.md.)
/// Every trace of every run is checked for events that contradict each other, and for names
/// that hold the expansion's own code.
pub(crate) const FULL_TRIAL_CRATES: &[&str] = &[
    "arrayvec@0.7.6",
    "smallvec@1.13.2",
    "unicode-width@0.2.0",
    "shlex@1.3.0",
    "heck@0.5.0",
    "either@1.13.0",
    "byteorder@1.5.0",
    "glob@0.3.1",
    "percent-encoding@2.3.1",
    "slab@0.4.9",
    "futures-lite@2.3.0",
    "bytes@1.7.1",
    "aho-corasick@1.1.3",
    "hashbrown@0.14.5",
    "memchr@2.8.3",
    "once_cell@1.20.2",
    "anyhow@1.0.89",
    "bincode@1.3.3",
    "crossbeam-channel@0.5.15",
    "async-executor@1.13.1",
    "itertools@0.13.0",
    "indexmap@2.2.6",
    "base64@0.22.1",
    "winnow@1.0.5",
    "parking_lot@0.12.5",
    "bitflags@2.13.2",
    "ryu@1.0.23",
    "log@0.4.35",
    "crossbeam-deque@0.8.8",
    "smallvec@2.0.0-beta.4",
    "thin-vec@0.2.21",
    "smol_str@0.3.7",
    "toml_edit@0.25.20+spec-1.1.0",
    "sdd@4.8.11",
    "serde_json@1.0.128",
    "regex-syntax@0.8.5",
    "tinyvec@1.8.0",
    "lru@0.12.4",
    "fastrand@2.1.1",
    "slotmap@1.0.7",
    "crossbeam-utils@0.8.20",
    "num-traits@0.2.19",
    "petgraph@0.6.5",
    "hex@0.4.3",
    "bstr@1.10.0",
    "unicode-segmentation@1.12.0",
    "bytemuck@1.18.0",
    "uuid@1.10.0",
    "rand@0.8.5",
    "crc32fast@1.4.2",
    "miniz_oxide@0.8.0",
    "siphasher@1.0.1",
    "generic-array@0.14.7",
    "memoffset@0.9.1",
    "num-bigint@0.4.6",
    "arc-swap@1.7.1",
    "dashmap@6.1.0",
    "async-task@4.7.1",
    "async-trait@0.1.83",
    "thiserror@1.0.64",
    "fixedbitset@0.5.7",
    "ropey@1.6.1",
    "smartstring@1.0.1",
    "bit-vec@0.8.0",
    "rpds@1.1.0",
    "generational-arena@0.2.9",
    "triomphe@0.1.14",
    "concurrent-queue@2.5.0",
    "event-listener@5.3.1",
    "beef@0.5.2",
    "rclite@0.4.2",
    "archery@1.2.3",
    "hashlink@0.9.1",
    "smallbox@0.8.5",
    "bumpalo@3.20.4",
    "self_cell@1.3.0",
    "flume@0.12.0",
    "httparse@1.10.1",
    "string-interner@0.20.0",
    "async-lock@3.4.0",
    "async-channel@2.3.1",
    "async-broadcast@0.7.1",
    "similar@2.6.0",
    "csv-core@0.1.11",
    "priority-queue@2.1.1",
    "humantime@2.1.0",
    "crossbeam-epoch@0.9.18",
    "im-rc@15.1.0",
    "thread_local@1.1.8",
    "sharded-slab@0.1.7",
    "qcell@0.5.4",
    "ordered-float@4.2.2",
    "rustc-hash@2.0.0",
    "intrusive-collections@0.9.7",
    "crossbeam-queue@0.3.11",
    "rowan@0.15.16",
    "weak-table@0.3.2",
    "id-arena@2.2.1",
    "compact_str@0.8.0",
    "bitvec@1.0.1",
    "combine@4.6.7",
    "ron@0.8.1",
    "atomic-waker@1.1.2",
    "bimap@0.6.3",
    "textwrap@0.16.1",
    "num-rational@0.4.2",
    "half@2.4.1",
    "bit-set@0.8.0",
    "lock_api@0.4.12",
    "url@2.5.2",
    "ahash@0.8.11",
    "ena@0.14.3",
    "chumsky@0.9.3",
    "ringbuf@0.4.7",
    "smallstr@0.3.0",
    "arraydeque@0.5.1",
    "toml_edit@0.22.22",
    "num-complex@0.4.6",
    "unicase@2.8.0",
    "ouroboros@0.18.4",
    "json@0.12.4",
    "smallbitvec@2.5.3",
    "data-encoding@2.6.0",
    "atomic_refcell@0.1.13",
    "fst@0.4.7",
    "roaring@0.10.6",
    "lasso@0.7.3",
    "dary_heap@0.3.6",
    "ecow@0.2.3",
    "postcard@1.0.10",
    "pollster@0.3.0",
    "enum-map@2.7.3",
    "bitmaps@3.2.1",
    "nonempty@0.10.0",
    "unicode-normalization@0.1.24",
    "vec1@1.12.1",
    "typenum@1.17.0",
    "wide@0.7.28",
    "bytecount@0.6.8",
    "sha2@0.10.8",
    "simd-adler32@0.3.7",
    "subtle@2.6.1",
    "dtoa@1.0.9",
    "parking@2.2.1",
    "async-io@2.3.4",
    "blocking@1.6.1",
    "memmap2@0.9.5",
    "quick-xml@0.36.2",
    "rand_chacha@0.3.1",
    "piper@0.2.4",
    "polling@3.7.3",
    "tempfile@3.13.0",
    "walkdir@2.5.0",
    "fragile@2.0.0",
    "sha1_smol@1.0.1",
    "futures-timer@3.0.3",
    "getrandom@0.2.15",
    "pest@2.7.14",
    "rayon-core@1.12.1",
    "md5@0.7.0",
    "crc@3.2.1",
    "idna@1.0.3",
    "im@15.1.0",
    "encoding_rs@0.8.35",
    "glam@0.29.2",
    "rustc-demangle@0.1.24",
    "vte@0.13.0",
    "utf8parse@0.2.2",
    "httpdate@1.0.3",
    "unicode-bidi@0.3.17",
    "adler2@2.0.0",
    "ucd-trie@0.1.7",
    "arrayref@0.3.9",
    "event-listener-strategy@0.5.2",
    "toml@0.8.19",
    "erased-serde@0.4.5",
    "dyn-clone@1.0.17",
    "sha1@0.10.6",
    "blake2@0.10.6",
    "tracing-core@0.1.32",
    "smawk@0.3.2",
    "unicode-linebreak@0.1.5",
    "yansi@1.0.1",
    "maplit@1.0.2",
    "assert_matches@1.5.0",
    "quick-error@2.0.1",
    "bitfield@0.17.0",
    "pretty_assertions@1.4.1",
    "nom@7.1.3",
    "proc-macro2@1.0.89",
    "quote@1.0.37",
    "unicode-ident@1.0.13",
    "unicode-xid@0.2.6",
    "parking_lot_core@0.9.10",
    "scoped-tls@1.0.1",
    "fxhash@0.2.1",
    "pin-project-lite@0.2.14",
    "linked-hash-map@0.5.6",
    "static_assertions@1.1.0",
    "num-iter@0.1.45",
    "matches@0.1.10",
    "async-stream@0.3.6",
];
