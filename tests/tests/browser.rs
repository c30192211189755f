//! The HTML report in a real browser: headless Chromium driven through WebDriver
//! (`tests/browser/report.py`, selenium; `.ci/run` installs Debian's `chromium` and
//! `chromium-driver` and selenium from PyPI). The demo's report (its trace and source, in
//! the analyzer's test fixtures) loads without console errors, has one timeline row per
//! variable instance of the trace, shows a variable's borrows and moves when its row is
//! clicked, and moves the highlighted source line as the right arrow steps through events;
//! a report of a million events renders and stays responsive.

use std::path::PathBuf;
use std::process::Command;

use borrowscope_runtime::{Graph, SourceIndex, from_json, to_html_with_sources};
use borrowscope_tests::workspace;

fn script() -> PathBuf {
    workspace().join("tests/browser/report.py")
}

/// Runs the driver script; its JSON answer, or the test fails with what it said.
fn drive(args: &[&std::ffi::OsStr]) -> String {
    let output = Command::new("python3").arg(script()).args(args).output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        !stderr.contains("No module named 'selenium'"),
        "the browser tests need selenium (python3 -m pip install selenium) and Debian's chromium and chromium-driver, as .ci/run installs"
    );
    assert!(output.status.success(), "{stderr}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn number(json: &str, key: &str) -> f64 {
    let at = json.find(&format!("\"{key}\": ")).unwrap_or_else(|| panic!("{key} in {json}")) + key.len() + 4;
    json[at..].split([',', '}']).next().unwrap().trim().parse().unwrap()
}

#[test]
fn the_demo_report_works_in_a_browser() {
    let fixture = workspace().join("cargo-borrowscope/tests/fixtures/demo");
    let trace = from_json(&std::fs::read_to_string(fixture.join("trace.json")).unwrap()).unwrap();
    let graph = Graph::build(&trace);
    let sources = SourceIndex::read(&trace, std::slice::from_ref(&fixture));
    assert!(sources.text("src/main.rs").is_some());
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.html");
    std::fs::write(&report, to_html_with_sources(&trace, &graph, &sources)).unwrap();

    // What the page must show, from the trace itself.
    let instances: Vec<String> = graph.nodes.iter().map(|v| v.id.to_string()).collect();
    let borrowed = graph.nodes.iter().max_by_key(|v| graph.borrows.iter().filter(|b| b.owner == Some(v.id)).count()).unwrap();
    let borrows = graph.borrows.iter().filter(|b| b.owner == Some(borrowed.id)).count();
    assert!(borrows > 0);
    let moved = graph.moves.iter().find(|m| m.from.is_some()).unwrap();
    let moved_to = if moved.to == 0 { "a call or expression".to_owned() } else { format!("{} #{}", graph.node(moved.to).unwrap().name, moved.to) };
    let steps: Vec<String> = (1..=15).map(|i| format!("{{\"step\": {i}, \"line\": {}}}", trace.events[i].site.line)).collect();
    // And for every variable, the story in words that `cargo borrowscope why` prints for it,
    // sentence by sentence: one source for both.
    let told = why_blocks(&fixture.join("trace.json"), &graph);
    let words: Vec<String> = graph
        .nodes
        .iter()
        .map(|v| {
            let lines: Vec<String> = told[&v.id].iter().map(|l| format!("\"{}\"", json_escape(l))).collect();
            format!("{{\"id\": {}, \"shows\": [{}]}}", v.id, lines.join(", "))
        })
        .collect();
    let expect = format!(
        "{{\"instances\": [{}], \"click\": [{{\"id\": {}, \"shows\": [\"Borrowed by ({borrows})\", \"{} #{}\"]}}, {{\"id\": {}, \"shows\": [\"moved to {moved_to} at #{}\"]}}, {}], \"steps\": [{}]}}",
        instances.join(", "),
        borrowed.id,
        borrowed.name,
        borrowed.id,
        moved.from.unwrap(),
        moved.at,
        words.join(", "),
        steps.join(", ")
    );
    let expect_path = dir.path().join("expect.json");
    std::fs::write(&expect_path, expect).unwrap();
    let answer = drive(&["check".as_ref(), report.as_os_str(), expect_path.as_os_str()]);
    assert_eq!(number(&answer, "rows") as usize, graph.nodes.len(), "{answer}");
}

/// What `cargo borrowscope why NAME` prints for each instance of the trace: its lines
/// (heading first, sentences without their indent), by instance id.
fn why_blocks(trace: &std::path::Path, graph: &Graph) -> std::collections::HashMap<u64, Vec<String>> {
    let mut blocks = std::collections::HashMap::new();
    let mut names: Vec<&str> = graph.nodes.iter().map(|v| v.name).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let output = Command::new(borrowscope_tests::cargo_borrowscope()).args(["borrowscope", "why", name]).arg(trace).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let mut current: Option<u64> = None;
        for line in String::from_utf8_lossy(&output.stdout).lines() {
            if let Some(sentence) = line.strip_prefix("  ") {
                blocks.entry(current.unwrap()).or_insert_with(Vec::new).push(sentence.to_owned());
            } else {
                let id = line.split(" #").nth(1).and_then(|r| r.split(':').next()).and_then(|n| n.parse().ok()).unwrap();
                current = Some(id);
                blocks.insert(id, vec![line.to_owned()]);
            }
        }
    }
    blocks
}

fn json_escape(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

#[test]
fn a_report_of_a_million_events_renders_and_stays_responsive() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("big.html");
    let made = Command::new(env!("CARGO_BIN_EXE_report-of-size")).arg("1000000").arg(&report).output().unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    assert!(String::from_utf8_lossy(&made.stdout).starts_with("1000000 events"), "{}", String::from_utf8_lossy(&made.stdout));
    let answer = drive(&["load".as_ref(), report.as_os_str()]);
    assert_eq!(number(&answer, "rows"), 500_000.0, "one row per variable instance: {answer}");
    assert!(number(&answer, "ink") > 0.0, "the timeline was drawn: {answer}");
}

/// Strings that would run script if the report embedded them unescaped: in an element, in
/// an attribute, inside the `<script>` that holds the data, or in a URL.
const HOSTILE: [&str; 4] = [
    "</script><script>window.__pwned='script'</script>",
    "<img src=x onerror=\"window.__pwned='img'\">",
    "\"><svg onload=window.__pwned='attr'>",
    "javascript:window.__pwned='url'",
];

#[test]
fn nothing_a_trace_or_a_source_file_holds_runs_as_script_in_the_report() {
    use borrowscope_runtime::{CallSite, Session, track_borrow, track_drop, track_new};
    let dir = tempfile::tempdir().unwrap();
    // A source file whose name and lines are hostile.
    let file: &'static str = Box::leak(format!("src/{}.rs", HOSTILE[1].replace('/', "_")).into_boxed_str());
    std::fs::create_dir_all(dir.path().join("src")).unwrap();
    let lines: Vec<String> = (0..12).map(|i| format!("let x{i} = \"{}\"; // {}", HOSTILE[i % 4], HOSTILE[(i + 1) % 4])).collect();
    std::fs::write(dir.path().join(file), lines.join("\n")).unwrap();

    let session = Session::new();
    session.record(|| {
        let a = track_new("a", vec![1]);
        let r = track_borrow("r", &a);
        assert_eq!(r.len(), 1);
        track_drop("r");
        track_drop("a");
    });
    let mut trace = session.trace();
    // Every string of every event made hostile: names, details, labels, kinds, the file,
    // type names, thread names and how the run ended.
    for (i, event) in trace.events.iter_mut().enumerate() {
        let site = CallSite {
            name: HOSTILE[i % 4],
            detail: HOSTILE[(i + 1) % 4],
            label: HOSTILE[(i + 2) % 4],
            file,
            line: 1 + i as u32 % 12,
            column: 1,
            kind: HOSTILE[(i + 3) % 4],
        };
        event.site = Box::leak(Box::new(site));
        event.type_name = Some(HOSTILE[(i + 2) % 4]);
    }
    for thread in &mut trace.threads {
        thread.name = Some(HOSTILE[0].to_owned());
    }
    trace.ended_by = Some(HOSTILE[1].to_owned());
    let sources = SourceIndex::read(&trace, &[dir.path().to_owned()]);
    assert!(sources.text(file).is_some(), "the hostile source file is embedded");
    let report = dir.path().join("hostile.html");
    std::fs::write(&report, to_html_with_sources(&trace, &Graph::build(&trace), &sources)).unwrap();

    let answer = drive(&["hostile".as_ref(), report.as_os_str()]);
    assert!(answer.contains("\"pwned\": null"), "a hostile string ran as script: {answer}");
    assert_eq!(number(&answer, "injected"), 0.0, "a hostile string became an element: {answer}");
    assert_eq!(number(&answer, "scripts"), 2.0, "only the report's data and code are scripts: {answer}");
    assert_eq!(number(&answer, "rows"), 2.0, "every row was shown: {answer}");
    assert_eq!(number(&answer, "steps") as usize, trace.events.len() - 1, "every step was shown: {answer}");
    // And the strings are shown as text, as they are.
    assert!(answer.contains("\"shows_hostile_text\": true"), "{answer}");
}
