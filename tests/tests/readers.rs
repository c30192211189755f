//! The readers never crash: JSON traces and spools, mutated at random (bytes flipped, cut,
//! repeated; events given other operations, ids, threads and sites), are read, turned into
//! the graph, the report, DOT, the Chrome trace and text, and given to `cargo borrowscope
//! show/why/report/dot/chrome`. Each gives a result or a typed error, never a panic, and
//! what is read stays bounded by the input. Seeded, so a failure is reproducible; the
//! failing input is saved under `target/fuzz-failures/`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::process::Command;

use borrowscope_runtime::{Event, Graph, Op, Trace, from_json, from_spool, spool_path, to_chrome_trace, to_dot, to_html, to_json};
use borrowscope_tests::{cargo_borrowscope, target};

/// SplitMix64: small, seeded, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    /// A number a reader may not expect: 0, 1, the largest of each width, or any.
    fn awkward(&mut self) -> u64 {
        [0, 1, 2, u64::from(u32::MAX), u64::MAX, u64::MAX / 2, 4096, self.next()][self.below(8)]
    }
}

/// One to four byte-level mutations of `bytes`.
fn mutate_bytes(rng: &mut Rng, bytes: &[u8], aligned_words: bool) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for _ in 0..1 + rng.below(4) {
        if out.is_empty() {
            break;
        }
        match rng.below(6) {
            0 => {
                let at = rng.below(out.len());
                out[at] ^= 1 << rng.below(8);
            }
            1 => {
                let at = rng.below(out.len());
                out[at] = rng.next() as u8;
            }
            2 => out.truncate(rng.below(out.len())),
            3 => {
                let at = rng.below(out.len());
                let len = rng.below(64).min(out.len() - at);
                out.drain(at..at + len);
            }
            4 => {
                let at = rng.below(out.len());
                let len = rng.below(64).min(out.len() - at);
                let copy = out[at..at + len].to_vec();
                let to = rng.below(out.len());
                out.splice(to..to, copy);
            }
            _ => {
                // A word overwritten with an awkward number (in a spool, where the fields
                // are 8-byte words, at a field's place).
                let words = out.len() / 8;
                if words > 0 {
                    let at = if aligned_words { rng.below(words) * 8 } else { rng.below(out.len() - 7) };
                    out[at..at + 8].copy_from_slice(&rng.awkward().to_ne_bytes());
                }
            }
        }
    }
    out
}

/// The trace with some events changed, removed or repeated.
fn mutate_trace(rng: &mut Rng, trace: &Trace) -> Trace {
    let mut out = trace.clone();
    let n = out.events.len();
    for _ in 0..1 + rng.below(8) {
        if out.events.is_empty() {
            break;
        }
        let at = rng.below(out.events.len());
        let other: Event = out.events[rng.below(out.events.len())];
        let event = &mut out.events[at];
        match rng.below(9) {
            0 => event.op = Op::ALL[rng.below(Op::ALL.len())],
            1 => event.id = [0, other.id, other.arg, rng.awkward()][rng.below(4)],
            2 => event.arg = [0, other.id, other.arg, rng.awkward()][rng.below(4)],
            3 => event.thread = [other.thread, rng.awkward() as u32][rng.below(2)],
            4 => event.site = other.site,
            5 => event.count = rng.awkward(),
            6 => event.order = rng.awkward(),
            7 => {
                out.events.remove(at);
            }
            _ => out.events.insert(rng.below(n.max(1)).min(out.events.len()), other),
        }
    }
    // Mostly kept in order, so that the graph and the exports get to read the changes.
    if rng.below(4) != 0 {
        for (order, event) in out.events.iter_mut().enumerate() {
            event.order = order as u64;
        }
    }
    if rng.below(4) == 0 {
        out.threads.truncate(rng.below(out.threads.len() + 1));
    }
    if rng.below(8) == 0 {
        out.ended_by = Some(["SIGSEGV", Trace::UNFINISHED, "</div><script>alert(1)</script>"][rng.below(3)].to_owned());
    }
    out
}

/// Everything a reader does with a trace.
fn read_all(trace: &Trace) {
    let graph = Graph::build(trace);
    let _ = to_html(trace, &graph);
    let _ = to_dot(&graph);
    let _ = to_chrome_trace(trace, &graph);
    let _ = trace.to_text();
    let _ = trace.note();
    let _ = trace.ending();
    for variable in graph.nodes.iter().take(20) {
        let _ = graph.moves_from(variable.id);
        let _ = graph.borrowers_at(variable.id, variable.created);
    }
    let again = from_json(&to_json(trace)).expect("a trace written as JSON reads back");
    assert_eq!(again.events.len(), trace.events.len());
}

/// Runs `case` on each input; a panic fails the test, naming the case and saving its input.
/// Returns how many cases there were and how many of them were read (not refused).
fn never_panics(what: &str, inputs: impl Iterator<Item = Vec<u8>>, case: impl Fn(&[u8]) -> bool) -> (usize, usize) {
    let (mut count, mut read) = (0, 0);
    for (i, input) in inputs.enumerate() {
        match catch_unwind(AssertUnwindSafe(|| case(&input))) {
            Ok(was_read) => read += usize::from(was_read),
            Err(_) => {
                let folder = target().join("fuzz-failures");
                std::fs::create_dir_all(&folder).unwrap();
                let saved = folder.join(format!("{what}-{i}"));
                std::fs::write(&saved, &input).unwrap();
                panic!("{what}: case {i} panicked; its input is saved in {}", saved.display());
            }
        }
        count += 1;
    }
    eprintln!("{what}: {count} cases, {read} read, {} refused with an error", count - read);
    (count, read)
}

/// A trace with most kinds of event: values, borrows, moves, `Rc`, `RefCell`, threads.
fn rich_trace() -> Trace {
    use borrowscope_runtime::*;
    let session = Session::new();
    session.record(|| {
        let a = track_new("a", vec![1, 2, 3]);
        let r = track_borrow("r", &a);
        let _ = r.len();
        track_drop("r");
        let shared = track_new("shared", std::rc::Rc::new(std::cell::RefCell::new(1)));
        let clone = track_rc_clone("clone", std::rc::Rc::clone(&shared));
        let weak = track_rc_downgrade("weak", std::rc::Rc::downgrade(&clone));
        {
            let guard = track_refcell_borrow_mut("guard", clone.borrow_mut());
            drop(guard);
            track_refcell_borrow_end("guard");
        }
        let b = track_move("a", "b", a);
        std::thread::scope(|s| {
            s.spawn(|| {
                let inner = track_new("inner", String::from("t"));
                track_drop("inner");
                inner.len()
            });
        });
        track_drop("b");
        drop((b, weak));
        track_drop("clone");
        track_drop("shared");
    });
    session.trace()
}

fn exits_output(ending: &str, trace: &Path) {
    let status = Command::new(env!("CARGO_BIN_EXE_exits")).args(["ending", ending]).env("BORROWSCOPE_TRACE", trace).output().unwrap().status;
    assert!(ending != "return" || status.success());
}

const CASES: usize = 1500;

#[test]
fn json_traces_mutated_at_random_are_read_or_refused_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.json");
    exits_output("return", &path);
    let texts = [std::fs::read_to_string(&path).unwrap(), to_json(&rich_trace())];
    let mut rng = Rng(21);
    let inputs = (0..CASES).map(|i| mutate_bytes(&mut rng, texts[i % 2].as_bytes(), false));
    let cases = never_panics("json-bytes", inputs, |bytes| {
        let Ok(text) = std::str::from_utf8(bytes) else { return false };
        let Ok(trace) = from_json(text) else { return false };
        // Bounded by the input: no event without its bytes.
        assert!(trace.events.len() <= text.len() / 8);
        read_all(&trace);
        true
    });
    assert!(cases.1 > 0, "no mutated trace was read at all");

    let traces = [from_json(&texts[0]).unwrap(), rich_trace()];
    let mut rng = Rng(22);
    let inputs = (0..CASES).map(|i| to_json(&mutate_trace(&mut rng, &traces[i % 2])).into_bytes());
    let cases = never_panics("json-events", inputs, |bytes| {
        // Events out of order are refused with a typed error; the rest is read.
        let Ok(trace) = from_json(std::str::from_utf8(bytes).unwrap()) else { return false };
        read_all(&trace);
        true
    });
    assert!(cases.1 > cases.0 / 2, "most traces with changed events must still be read");
}

#[test]
fn spools_mutated_at_random_are_read_or_refused_never_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crash.json");
    exits_output("segfault", &path);
    let spool = std::fs::read(spool_path(&path)).unwrap();
    let whole = from_spool(&spool).unwrap();
    assert!(whole.events.len() > 1500);
    // The mapped file is mostly empty pages: keep what is written (the header, the chunks
    // and the descriptions) so that mutations land on data.
    let used = used_prefix(&spool);
    let mut rng = Rng(23);
    let inputs = (0..CASES).map(|_| mutate_bytes(&mut rng, &spool[..used], true));
    let cases = never_panics("spool", inputs, |bytes| {
        let Ok(trace) = from_spool(bytes) else { return false };
        assert!(trace.events.len() <= bytes.len() / 32);
        read_all(&trace);
        true
    });
    assert!(cases.1 > 0, "no mutated spool was read at all");
}

/// The spool without its trailing pages of zeros (the table, which readers do not need):
/// the chunk and description areas are laid out one after the other from the header.
fn used_prefix(spool: &[u8]) -> usize {
    let word = |at: usize| u64::from_ne_bytes(spool[at..at + 8].try_into().unwrap()) as usize;
    let (desc_area, desc_used) = (word(88), word(32));
    (desc_area + desc_used).min(spool.len())
}

#[test]
fn the_commands_read_mutated_traces_and_spools_with_an_error_or_an_answer() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("trace.json");
    exits_output("return", &json);
    let crash = dir.path().join("crash.json");
    exits_output("segfault", &crash);
    let sources = [std::fs::read(&json).unwrap(), std::fs::read(spool_path(&crash)).unwrap()];
    let mut rng = Rng(24);
    let mut runs = 0;
    for i in 0..24 {
        let input = dir.path().join(format!("case-{i}.json"));
        let source = &sources[i % 2];
        let limit = if i % 2 == 1 { used_prefix(source) } else { source.len() };
        std::fs::write(&input, mutate_bytes(&mut rng, &source[..limit], i % 2 == 1)).unwrap();
        let input = input.to_str().unwrap();
        for args in [vec!["show", input], vec!["why", "sum", input], vec!["report", input], vec!["dot", input], vec!["chrome", input]] {
            let output = Command::new(cargo_borrowscope()).arg("borrowscope").args(&args).current_dir(dir.path()).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
            assert!(matches!(output.status.code(), Some(0..=2)), "{args:?}: {:?} {stderr}", output.status);
            if !output.status.success() {
                assert!(stderr.contains("error:"), "{args:?} failed without saying why: {stderr}");
            }
            runs += 1;
        }
    }
    eprintln!("commands: {runs} runs");
}

/// A trace whose events cannot all be true (here a value dropped after it was moved out)
/// is read, and `show` says at the top that BorrowScope, not the program, is at fault,
/// with the two events.
#[test]
fn a_trace_that_contradicts_itself_is_shown_with_a_warning() {
    static SITE: borrowscope_runtime::CallSite = borrowscope_runtime::CallSite::new("a", "src/main.rs", 3, 9, "let");
    let event = |order: u64, op: Op, id: u64, arg: u64| Event { order, clock: order, thread: 0, op, site: &SITE, id, arg, count: 0, type_name: None };
    let mut trace = Trace { events: vec![event(0, Op::New, 1, 0), event(1, Op::Move, 0, 1), event(2, Op::Drop, 1, 0)], ..Trace::default() };
    trace.threads = rich_trace().threads.into_iter().take(1).collect();
    assert_eq!(trace.contradictions().len(), 1);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("trace.json");
    std::fs::write(&path, to_json(&trace)).unwrap();
    let output = Command::new(cargo_borrowscope()).args(["borrowscope", "show"]).arg(&path).output().unwrap();
    let shown = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{shown}{}", String::from_utf8_lossy(&output.stderr));
    assert!(shown.starts_with("# this trace contradicts itself in one place, which is a bug in BorrowScope"), "{shown}");
    assert!(
        shown.contains("# dropped after its value was moved out:") || shown.contains("the first: dropped after its value was moved out:"),
        "{shown}"
    );
    assert_eq!(shown.lines().filter(|l| l.starts_with('#')).count(), 3, "the warning and the two events: {shown}");
    // A trace that tells one consistent story has no such line.
    let right = Trace { events: vec![event(0, Op::New, 1, 0), event(1, Op::Move, 0, 1)], ..trace };
    std::fs::write(&path, to_json(&right)).unwrap();
    let output = Command::new(cargo_borrowscope()).args(["borrowscope", "show"]).arg(&path).output().unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains("contradicts"));
}
