//! The whole toolchain on a small project: analyze, build and run it instrumented, read its
//! trace; the same without the type-info file; and what happens when the file is stale,
//! corrupt or refreshed.

use std::path::Path;
use std::process::{Command, Output};

use borrowscope_runtime::{Op, Trace};
use borrowscope_tests::{analyzer, fixture, target, workspace};
use type_info_schema::{InitializerKind, SiteKind, TypeInfo};

const SOURCE: &str = r#"use std::mem::ManuallyDrop;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

use borrowscope_macro::trace_borrow;

type MyRc<T> = Rc<T>;

unsafe extern "C" {
    fn abs(x: i32) -> i32;
}

#[repr(C)]
union Bits {
    int: u32,
    float: f32,
}

static mut TOTAL: i32 = 0;

fn make() -> Arc<Mutex<i32>> {
    Arc::new(Mutex::new(1))
}

#[trace_borrow(only = "ownership, pointers, methods, unsafe")]
fn semantic() -> i32 {
    let aliased = MyRc::new(1);
    let shared = make();
    let guard = shared.lock().unwrap();
    let positive = unsafe { abs(-2) };
    let bits = Bits { float: 1.0 };
    let raw = unsafe { bits.int };
    unsafe {
        TOTAL += 1;
    }
    let kept = ManuallyDrop::new(String::from("kept"));
    *aliased + *guard + positive + (raw >> 30) as i32 + kept.len() as i32
}

fn main() {
    println!("{}", semantic());
}
"#;

/// A fresh project using the two crates by path, in a temporary folder.
fn project() -> tempfile::TempDir {
    package("pipeline", "2024", "src/main.rs", SOURCE)
}

/// A package `name` of `edition` with the macro and the runtime as dependencies and `source`
/// as its one file, `file`, in a temporary folder.
fn package(name: &str, edition: &str, file: &str, source: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let manifest = format!(
        "[package]\nname = \"{name}\"\nversion = \"0.0.0\"\nedition = \"{edition}\"\n\n[dependencies]\n\
         borrowscope-macro = {{ path = {:?} }}\nborrowscope-runtime = {{ path = {:?} }}\n\n[workspace]\n",
        workspace().join("borrowscope-macro"),
        workspace().join("borrowscope-runtime")
    );
    std::fs::write(dir.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::write(dir.path().join(file), source).unwrap();
    dir
}

fn analyze(dir: &Path) {
    let output = Command::new(analyzer()).arg(dir).arg("--quiet").output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
}

/// `cargo run` with the trace written at exit; returns the output and the trace as text.
/// Each test builds into a target folder of its own (`label`): the projects share a package
/// name, and parallel builds into one folder would overwrite each other's binary.
fn run(dir: &Path, label: &str, envs: &[(&str, &str)]) -> (Output, String) {
    let (output, trace) = run_traced(dir, label, envs);
    (output, trace.as_ref().map(text).unwrap_or_default())
}

/// The trace as text for a snapshot: the events of each thread in their order (the threads'
/// interleaving is up to the scheduler), without the global order and locations.
fn text(trace: &Trace) -> String {
    let mut lines: Vec<(String, String)> = trace
        .to_text()
        .lines()
        .map(|line| {
            let line = line.rsplit_once(" @").map_or(line, |(head, _)| head).trim_start();
            let line = line.split_once(' ').map_or(line, |(_, rest)| rest);
            (line.split(' ').next().unwrap_or_default().to_owned(), line.to_owned())
        })
        .collect();
    lines.sort_by(|a, b| a.0.cmp(&b.0));
    lines.into_iter().map(|(_, line)| line).collect::<Vec<_>>().join("\n")
}

/// `cargo run` with the trace written at exit; returns the output and the trace.
fn run_traced(dir: &Path, label: &str, envs: &[(&str, &str)]) -> (Output, Option<Trace>) {
    let trace = dir.join("trace.json");
    let _ = std::fs::remove_file(&trace);
    let mut command = Command::new(env!("CARGO"));
    command
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target().join("pipeline").join(label))
        .env("BORROWSCOPE_TRACE", &trace)
        .env_remove("BORROWSCOPE_TYPE_INFO");
    for (key, value) in envs {
        command.env(key, value);
    }
    let output = command.output().unwrap();
    let trace = std::fs::read_to_string(&trace).ok().and_then(|json| borrowscope_runtime::from_json(&json).ok());
    (output, trace)
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn the_type_info_file_turns_syntax_into_semantics() {
    let dir = project();
    let run = |dir: &Path, envs: &[(&str, &str)]| run(dir, "semantics", envs);
    // Built before any analysis: syntax only, and the build waits for the file.
    let (output, before) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let awaiting = dir.path().join(".borrowscope").join(type_info_schema::AWAITING_FILE);
    assert!(awaiting.is_file(), "a syntax-only build leaves the marker the analyzer deletes");
    // The first analysis is seen by the next build, with no edit in between.
    analyze(dir.path());
    assert!(!awaiting.exists(), "the analyzer deletes the marker");
    let (output, with_types) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "8");
    insta::assert_snapshot!("with_type_info", with_types);

    // The same program without the file: the build follows the file's removal (it was
    // tracked), and the classification falls back to syntax.
    std::fs::remove_dir_all(dir.path().join(".borrowscope")).unwrap();
    let (output, syntactic) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    insta::assert_snapshot!("syntax_only", syntactic);
    assert_eq!(before, syntactic, "a build before the analysis and one after the file's removal");

    // What only the analyzer can tell: the alias's Rc and the factory's Arc with their counts,
    // the lock through Arc<Mutex<_>> and its release, the FFI call, the union field, the
    // static write; and a ManuallyDrop is not reported dropped.
    for semantic in
        ["rc_new aliased", "arc_new shared", "lock_release guard", "ffi_call abs", "union_field_access Bits [int]", "static_access TOTAL [write]"]
    {
        assert!(with_types.contains(semantic), "missing `{semantic}` with type info:\n{with_types}");
        assert!(!syntactic.contains(semantic), "`{semantic}` without type info:\n{syntactic}");
    }
    assert!(!with_types.contains("drop kept"), "{with_types}");
}

#[test]
fn stale_corrupt_and_refreshed_files() {
    let dir = project();
    let run = |dir: &Path, envs: &[(&str, &str)]| run(dir, "stale", envs);
    analyze(dir.path());
    // An edit after the analysis: the file's entries are ignored, once, with a note.
    let main = dir.path().join("src/main.rs");
    std::fs::write(&main, format!("// edited\n{SOURCE}")).unwrap();
    let (output, stale) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("changed since"), "{}", stderr(&output));
    assert!(stderr(&output).contains("re-run `borrowscope-analyzer`"), "{}", stderr(&output));
    assert!(!stale.contains("ffi_call abs"), "a stale file must not be used:\n{stale}");

    // In CI, BORROWSCOPE_STRICT=1 makes it an error.
    let (output, _) = run(dir.path(), &[("BORROWSCOPE_STRICT", "1")]);
    assert!(!output.status.success());
    assert!(stderr(&output).contains("BORROWSCOPE_STRICT=1 makes this an error"), "{}", stderr(&output));

    // Re-running the analyzer refreshes the file, and the build follows it.
    analyze(dir.path());
    let (output, fresh) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(fresh.contains("ffi_call abs"), "{fresh}");

    // A corrupt file is reported and ignored.
    std::fs::write(dir.path().join(".borrowscope/type-info.json"), "{ not json").unwrap();
    let (output, corrupt) = run(dir.path(), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("is not JSON"), "{}", stderr(&output));
    assert!(!corrupt.contains("ffi_call abs"), "{corrupt}");
}

/// The runtime operations an initializer or site kind's documentation names (`track_rc_new`
/// is the operation `rc_new`), and whether any one of them is enough (`.. or ..`) or all are
/// recorded.
fn documented_ops(doc: &str) -> (Vec<String>, bool) {
    let ops = doc.split('`').filter_map(|part| part.strip_prefix("track_")).map(str::to_owned).collect();
    (ops, doc.contains(" or `track_"))
}

/// The events recorded at a source line, as `(operation, site kind)`.
fn at_line(trace: &Trace, line: u32) -> Vec<(&'static str, &'static str)> {
    trace.events.iter().filter(|e| e.site.line == line && e.site.file.ends_with("main.rs")).map(|e| (e.op.name(), e.site.kind)).collect()
}

/// The line of the binding named after each kind (`await_` for `await`).
fn kind_lines(info: &TypeInfo) -> Vec<(InitializerKind, u32)> {
    let file = info.file("src/main.rs").expect("the fixture's main.rs was analyzed");
    InitializerKind::ALL
        .iter()
        .map(|kind| {
            let name = if *kind == InitializerKind::Await { "await_".to_owned() } else { kind.name().to_owned() };
            let binding = file.bindings.iter().find(|b| b.name == name).unwrap_or_else(|| panic!("the fixture has no binding `{name}`"));
            assert_eq!(binding.kind, *kind, "the analyzer classified `{name}` as {}", binding.kind);
            (*kind, binding.line)
        })
        .collect()
}

#[test]
fn every_initializer_kind_and_site_kind_turns_into_its_event() {
    let dir = fixture("traced");
    analyze(dir.path());
    let info = TypeInfo::read(&dir.path().join(".borrowscope/type-info.json")).unwrap();
    let (output, typed) = run_traced(dir.path(), "traced", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), "28 10 14 Ok(18) 10 26 1 15 1");
    assert!(stderr(&output).is_empty() || !stderr(&output).contains("warning"), "{}", stderr(&output));
    let typed = typed.expect("the program wrote its trace");
    insta::assert_snapshot!("traced_with_type_info", text(&typed));

    // Every kind: the binding's creation carries the analyzer's kind, and the events its
    // documentation names are recorded at its line.
    for (kind, line) in kind_lines(&info) {
        let events = at_line(&typed, line);
        assert!(events.contains(&("new", kind.name())), "{kind}: no `new` of kind {kind} at line {line}: {events:?}");
        let (ops, any) = documented_ops(kind.event());
        let found: Vec<&String> = ops.iter().filter(|op| events.iter().any(|(e, _)| e == op)).collect();
        let ok = if any { !found.is_empty() } else { found.len() == ops.len() };
        assert!(ok, "{kind}: documented {} of {ops:?}, recorded at line {line}: {events:?}", if any { "one" } else { "all" });
    }
    // A user function returning an `Arc` makes an `arc_new`, with its counts, and the file
    // names the function.
    let made = info.file("src/main.rs").unwrap().bindings.iter().find(|b| b.name == "arc_factory").unwrap();
    assert_eq!((made.kind, made.factory.as_deref()), (InitializerKind::ArcNew, Some("traced::factory")));
    let events = at_line(&typed, made.line);
    assert!(events.contains(&("new", "arc_new")) && events.contains(&("arc_new", "arc_new")), "{events:?}");
    let manually_dropped = kind_lines(&info).into_iter().find(|(k, _)| *k == InitializerKind::ManuallyDropNew).unwrap().1;
    assert!(!at_line(&typed, manually_dropped).iter().any(|(op, _)| *op == "drop"), "a ManuallyDrop is never dropped");

    // Every site kind is in the fixture, and every site of a traced function records the
    // event its kind documents, at its line.
    let file = info.file("src/main.rs").unwrap();
    for kind in SiteKind::ALL {
        assert!(file.sites.iter().any(|s| s.kind == *kind), "the fixture has no {kind} site");
    }
    for site in file.sites.iter().filter(|s| s.function != "traced::block_on" && s.function != "traced::main") {
        let events = at_line(&typed, site.line);
        let (ops, _) = documented_ops(site.kind.event());
        assert!(
            ops.iter().any(|op| events.iter().any(|(e, _)| e == op)),
            "{} site of `{}` at line {}: none of {ops:?} in {events:?}",
            site.kind,
            site.target,
            site.line
        );
    }

    // Without the file: the same program, classified by syntax alone.
    std::fs::remove_dir_all(dir.path().join(".borrowscope")).unwrap();
    let (output, syntactic) = run_traced(dir.path(), "traced", &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    let syntactic = syntactic.expect("the program wrote its trace");
    insta::assert_snapshot!("traced_syntax_only", text(&syntactic));
    for (kind, line) in kind_lines(&info) {
        let events = at_line(&syntactic, line);
        assert!(events.contains(&("new", "let")) && !events.contains(&("new", kind.name())), "{kind} without type info: {events:?}");
    }

    // What only the analyzer could tell, by line: exactly these events are missing without it.
    let ops_at = |trace: &Trace| -> std::collections::BTreeSet<(u32, &'static str)> {
        trace.events.iter().filter(|e| e.site.file.ends_with("main.rs")).map(|e| (e.site.line, e.op.name())).collect()
    };
    let source = std::fs::read_to_string(dir.path().join("src/main.rs")).unwrap();
    let lines: Vec<&str> = source.lines().collect();
    let mut semantic: Vec<String> =
        ops_at(&typed).difference(&ops_at(&syntactic)).map(|(line, op)| format!("{op}: {}", lines[*line as usize - 1].trim())).collect();
    semantic.sort();
    insta::assert_snapshot!("traced_semantic_only", semantic.join("\n"));
    // Syntax records nothing the analyzer's run does not, except "unknown" (`scope_end`) for a
    // binding whose real fate the analyzer's facts told (a drop or a move, wherever it
    // happened): without the file a fate may be unknown, never different. Both runs make the
    // same bindings in the same order, so an instance has the same id in both.
    let told = |id: u64| typed.events.iter().any(|e| (e.op == Op::Drop && e.id == id) || (e.op == Op::Move && e.arg == id));
    let unknown_lines: std::collections::BTreeSet<u32> =
        syntactic.events.iter().filter(|e| e.op == Op::ScopeEnd && told(e.id)).map(|e| e.site.line).collect();
    let only_syntactic: Vec<_> =
        ops_at(&syntactic).difference(&ops_at(&typed)).filter(|(line, op)| !(*op == "scope_end" && unknown_lines.contains(line))).copied().collect();
    assert!(only_syntactic.is_empty(), "syntax recorded what the analyzer's run did not: {only_syntactic:?}");
}

/// `cargo run` (not quiet, so that a rebuild shows as `Compiling pipeline`): whether the
/// crate was rebuilt, the messages, and the trace as text.
fn build_and_run(dir: &Path) -> (bool, String, String) {
    let trace = dir.join("trace.json");
    let _ = std::fs::remove_file(&trace);
    let output = Command::new(env!("CARGO"))
        .arg("run")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target().join("pipeline").join("sequence"))
        .env("BORROWSCOPE_TRACE", &trace)
        .env_remove("BORROWSCOPE_TYPE_INFO")
        .output()
        .unwrap();
    let messages = stderr(&output);
    assert!(output.status.success(), "{messages}");
    let json = std::fs::read_to_string(&trace).unwrap();
    let trace = borrowscope_runtime::from_json(&json).unwrap();
    (messages.contains("Compiling pipeline"), messages, text(&trace))
}

#[test]
fn every_build_follows_the_type_info_file_whatever_state_it_was_in() {
    let dir = project();
    let file = dir.path().join(".borrowscope/type-info.json");
    let (rebuilt, _, syntactic) = build_and_run(dir.path());
    assert!(rebuilt);
    analyze(dir.path());
    let good = std::fs::read_to_string(&file).unwrap();
    let version = format!("\"schema_version\": {}", type_info_schema::SCHEMA_VERSION);
    assert!(good.contains(&version), "{good}");
    assert!(good.contains("\"kind\": \"rc_new\""), "{good}");
    let (_, _, typed) = build_and_run(dir.path());
    assert!(typed.contains("ffi_call abs"), "{typed}");

    // Each broken state: the bytes written, and what its one warning says.
    let broken: [(&str, Vec<u8>, &str); 7] = [
        ("not JSON", b"{ not json".to_vec(), "is not JSON"),
        ("another version", good.replace(&version, "\"schema_version\": 99").into_bytes(), "has schema version 99"),
        ("truncated", good.as_bytes()[..good.len() / 2].to_vec(), "is truncated"),
        ("invalid UTF-8", [format!("{{{version}, \"files\": {{\"").as_bytes(), &[0xff, 0xfe][..], b"\": {}}}"].concat(), "is not JSON"),
        ("an unknown kind", good.replacen("\"kind\": \"rc_new\"", "\"kind\": \"rc_newer\"", 1).into_bytes(), "unknown initializer kind `rc_newer`"),
        ("the wrong shape", format!("{{{version}, \"files\": []}}").into_bytes(), "is not valid"),
        ("empty", Vec::new(), "is truncated"),
    ];
    // Each state: its name, the bytes written (`None`: the analyzer's good file) and the
    // warning it gives (`None`: none).
    type State<'a> = (&'a str, Option<Vec<u8>>, Option<&'a str>);
    let mut states: Vec<State<'_>> = Vec::new();
    for (name, bytes, warning) in broken {
        states.push((name, Some(bytes), Some(warning)));
        states.push(("good again", None, None));
    }
    states.push(("deleted", Some(Vec::new()), None));
    states.push(("good again", None, None));
    for (state, bytes, warning) in states {
        match (state, bytes) {
            ("good again", _) => analyze(dir.path()),
            ("deleted", _) => std::fs::remove_file(&file).unwrap(),
            (_, Some(bytes)) => std::fs::write(&file, bytes).unwrap(),
            (_, None) => unreachable!(),
        }
        let (rebuilt, messages, trace) = build_and_run(dir.path());
        assert!(rebuilt, "the build did not follow the file to `{state}`:\n{messages}");
        match (state, warning) {
            ("good again", _) => {
                assert!(!messages.contains("borrowscope:"), "an old warning after `{state}`:\n{messages}");
                assert_eq!(trace, typed, "after `{state}`");
            }
            (_, Some(warning)) => {
                assert_eq!(messages.matches("borrowscope:").count(), 1, "one warning for `{state}`:\n{messages}");
                assert!(messages.contains(warning), "`{state}` should say `{warning}`:\n{messages}");
                assert_eq!(trace, syntactic, "`{state}` records the syntactic events");
            }
            (_, None) => {
                assert!(!messages.contains("borrowscope:"), "{messages}");
                assert_eq!(trace, syntactic, "`{state}` records the syntactic events");
            }
        }
        // Nothing changed: no rebuild, and no warning replayed.
        let (rebuilt, _, _) = build_and_run(dir.path());
        assert!(!rebuilt, "rebuilt with nothing changed after `{state}`");
    }
}

/// A library crate built with the type-info file lists the file among its inputs, so that Cargo
/// rebuilds it when the file changes, and does not keep the file's text in what it produces:
/// an `include_bytes!` in a `const` put hashbrown's whole 1.4 MB file in its metadata, read
/// again by every crate that uses it.
#[test]
fn a_library_follows_the_type_info_file_without_keeping_its_text() {
    let source = "#[borrowscope_macro::trace_borrow]\npub fn total(v: Vec<u32>) -> u32 {\n    let r = std::rc::Rc::new(v);\n    r.iter().sum()\n}\n\n\
                  #[borrowscope_macro::trace_borrow]\npub fn twice<T: Clone>(x: T) -> (T, T) {\n    (x.clone(), x)\n}\n";
    let dir = package("tracked", "2021", "src/lib.rs", source);
    analyze(dir.path());
    let file = dir.path().join(".borrowscope/type-info.json");
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"kind\": \"rc_new\""), "{text}");
    let built = target().join("pipeline").join("tracked");
    // What an earlier run of this test left (from another temporary folder) is not this build's.
    let deps = built.join("debug/deps");
    let ours =
        |path: &Path| path.file_name().is_some_and(|n| n.to_string_lossy().starts_with("libtracked-") || n.to_string_lossy().starts_with("tracked-"));
    for old in std::fs::read_dir(&deps).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| ours(p)) {
        std::fs::remove_file(old).unwrap();
    }
    let output = Command::new(env!("CARGO"))
        .args(["build", "--lib"])
        .current_dir(dir.path())
        .env("CARGO_TARGET_DIR", &built)
        .env_remove("BORROWSCOPE_TYPE_INFO")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!stderr(&output).contains("warning"), "{}", stderr(&output));
    let mut outputs = 0;
    for path in std::fs::read_dir(&deps).unwrap().map(|e| e.unwrap().path()).filter(|p| ours(p)) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        if name.ends_with(".d") {
            let listed = String::from_utf8_lossy(&bytes);
            assert!(listed.contains(&file.display().to_string()), "{name} does not list the type-info file:\n{listed}");
        } else {
            outputs += 1;
            let kept = bytes.windows(b"\"schema_version\"".len()).any(|w| w == b"\"schema_version\"");
            assert!(!kept, "{name} holds the type-info file's text");
        }
    }
    assert_eq!(outputs, 2, "expected the library's .rlib and .rmeta in {}", deps.display());
}
