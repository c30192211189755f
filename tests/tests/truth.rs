//! The truth suite (`tests/fixtures/truth`): every binding instance of over a hundred traced
//! scenarios, whose values log their own drops, has its recorded fate compared with what
//! really happened, and every scenario's recorded drops with the log, without and then with
//! the analyzer's type-info file. Prints one figure line per mode; fails on any fate recorded
//! wrong or any drop recorded out of order or for a value that did not drop.

use std::path::Path;
use std::process::Command;

use borrowscope_tests::{analyzer, fixture, target};

/// Counts of the fixture's verdicts.
#[derive(Debug, Default)]
struct Figures {
    right: usize,
    unknown: usize,
    wrong: usize,
    untracked: usize,
    orders_right: usize,
    orders: usize,
    links_right: usize,
    links_unknown: usize,
    links: usize,
    shares_right: usize,
    shares_unknown: usize,
    shares: usize,
    /// The story check's expected events per category: (category, right, unknown, wrong).
    stories: Vec<(String, usize, usize, usize)>,
    wrong_lines: Vec<String>,
    /// The fates the trace left unknown.
    unknown_lines: Vec<String>,
}

impl Figures {
    fn story(&mut self, category: &str, verdict: &str) {
        let index = match self.stories.iter().position(|(c, ..)| c == category) {
            Some(index) => index,
            None => {
                self.stories.push((category.to_owned(), 0, 0, 0));
                self.stories.len() - 1
            }
        };
        let entry = &mut self.stories[index];
        match verdict {
            "right:" => entry.1 += 1,
            "unknown:" | "untracked:" => entry.2 += 1,
            _ => entry.3 += 1,
        }
    }

    fn story_totals(&self) -> (usize, usize, usize) {
        self.stories.iter().fold((0, 0, 0), |(r, u, w), (_, r2, u2, w2)| (r + r2, u + u2, w + w2))
    }

    /// The totals of the events written by hand: not the ends of method borrows, judged only
    /// where the trace records the borrow (with the file).
    fn expected_totals(&self) -> (usize, usize, usize) {
        self.stories.iter().filter(|(c, ..)| c != "borrow-end").fold((0, 0, 0), |(r, u, w), (_, r2, u2, w2)| (r + r2, u + u2, w + w2))
    }

    fn category(&self, name: &str) -> (usize, usize, usize) {
        self.stories.iter().find(|(c, ..)| c == name).map_or((0, 0, 0), |(_, r, u, w)| (*r, *u, *w))
    }
}

fn run(dir: &Path) -> Figures {
    let output = Command::new(env!("CARGO"))
        .args(["run", "--quiet"])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", target().join("truth"))
        .env_remove("BORROWSCOPE_TYPE_INFO")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "the truth fixture failed:\n{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    // The instrumentation adds no warning to the fixture's code (a recording around a method
    // that never returns would draw "unreachable call").
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("warning"), "the instrumented fixture drew warnings:\n{stderr}");
    let mut figures = Figures::default();
    for line in stdout.lines() {
        let verdict = line.split(' ').nth(2).unwrap_or_default();
        if line.starts_with("binding ") {
            match line.rsplit(' ').next().unwrap_or_default() {
                "right" => figures.right += 1,
                "unknown" => {
                    figures.unknown += 1;
                    figures.unknown_lines.push(line.to_owned());
                }
                "untracked" => figures.untracked += 1,
                _ => {
                    figures.wrong += 1;
                    figures.wrong_lines.push(line.to_owned());
                }
            }
        } else if line.starts_with("link ") {
            figures.links += 1;
            match line.rsplit(' ').next().unwrap_or_default() {
                "right" => figures.links_right += 1,
                "unknown" => figures.links_unknown += 1,
                _ => figures.wrong_lines.push(line.to_owned()),
            }
        } else if line.starts_with("share ") {
            figures.shares += 1;
            match verdict_of_share(line) {
                "right" => figures.shares_right += 1,
                "unknown" => figures.shares_unknown += 1,
                _ => figures.wrong_lines.push(line.to_owned()),
            }
        } else if line.starts_with("story ") {
            // `story SCENARIO BINDING#N CATEGORY VERDICT: EVENT`
            let words: Vec<&str> = line.split(' ').collect();
            let (category, verdict) = (words.get(3).copied().unwrap_or_default(), words.get(4).copied().unwrap_or_default());
            figures.story(category, verdict);
            if !matches!(verdict, "right:" | "unknown:" | "untracked:") {
                figures.wrong_lines.push(line.to_owned());
            }
        } else if line.starts_with("contradiction ") {
            figures.wrong_lines.push(line.to_owned());
        } else if line.starts_with("order ") {
            figures.orders += 1;
            if verdict == "right" {
                figures.orders_right += 1;
            } else {
                figures.wrong_lines.push(line.to_owned());
            }
        }
    }
    figures
}

/// The verdict of a `share` line: its fourth word (`right`, `unknown`, `wrong`, `untracked`).
fn verdict_of_share(line: &str) -> &str {
    line.split(' ').nth(3).unwrap_or_default()
}

fn report(mode: &str, f: &Figures) {
    let (right, unknown, wrong) = f.story_totals();
    let categories: Vec<String> = f.stories.iter().map(|(c, r, u, w)| format!("{c} {r}/{u}/{w}")).collect();
    println!(
        "story check, {mode}: {right} right / {unknown} unknown / {wrong} wrong expected events (by category, right/unknown/wrong: {})",
        categories.join(", ")
    );
    println!(
        "truth suite, {mode}: fates {} right / {} unknown / {} wrong ({} bindings not tracked); drop orders {}/{} right; \
         destinations {} right / {} unknown / {} wrong; shares {} right / {} unknown / {} wrong",
        f.right,
        f.unknown,
        f.wrong,
        f.untracked,
        f.orders_right,
        f.orders,
        f.links_right,
        f.links_unknown,
        f.links - f.links_right - f.links_unknown,
        f.shares_right,
        f.shares_unknown,
        f.shares - f.shares_right - f.shares_unknown
    );
}

#[test]
fn every_recorded_fate_is_the_truth_with_and_without_type_info() {
    let dir = fixture("truth");
    let syntactic = run(dir.path());
    report("without type-info", &syntactic);

    let analysis = Command::new(analyzer()).arg(dir.path()).arg("--quiet").output().unwrap();
    assert!(analysis.status.success(), "{}", String::from_utf8_lossy(&analysis.stderr));
    let typed = run(dir.path());
    report("with type-info", &typed);

    for (mode, figures) in [("without type-info", &syntactic), ("with type-info", &typed)] {
        assert!(figures.right + figures.unknown + figures.untracked >= 80, "{mode}: the fixture lost bindings: {figures:?}");
        assert!(figures.wrong_lines.is_empty(), "{mode}: recorded wrong:\n{}", figures.wrong_lines.join("\n"));
    }
    // With the file, every fate and every destination is told, but where the path taken
    // decides and no event of the run tells it: a binding whose parts all moved out, in a
    // function that fills a field of it again on another path (`refilled_field(false)`), and
    // two boxes moved out of, filled again on another path (`refilled_box(false)`), a field
    // taken by a `move` closure, filled again on another path (`captured_then_refilled(2)`);
    // and where a macro the expansion leaves as written moved a binding on one path of its
    // code (`drop_if!(k, m)`); and a generic struct one of whose two fields of type `T`
    // moved out, whose end depends on whether `T` needs dropping (`one_field`'s `r`: its
    // other field dropped at its end for one `T`, nothing for another).
    let unknowable = |line: &String| {
        [
            "generic_fields_taken_in_turn r#0 ",
            "refilled_field(false) p#0 ",
            "refilled_box(false) b#0 ",
            "refilled_box(false) c#0 ",
            "captured_then_refilled(2) v#0 ",
            "moved_in_a_branch_of_a_macro(true) m#0 ",
        ]
        .iter()
        .any(|b| line.starts_with(&format!("binding {b}")))
    };
    let unknowable = typed.unknown_lines.iter().filter(|l| unknowable(l)).count();
    assert_eq!(unknowable, 6, "the unknowable bindings are told after all (or lost): {typed:?}");
    assert_eq!((typed.unknown - unknowable, typed.links_unknown), (0, 0), "with type-info, something stayed unknown: {typed:?}");
    assert!(typed.links >= 7, "the fixture lost its destinations: {typed:?}");
    let stories = (syntactic.expected_totals(), typed.expected_totals());
    assert!(stories.0.0 + stories.0.1 + stories.0.2 >= 100, "the story check lost events: {stories:?}");
    assert_eq!(stories.0.0 + stories.0.1 + stories.0.2, stories.1.0 + stories.1.1 + stories.1.2);
    assert!(stories.1.0 > stories.0.0, "type-info told no more of the stories: {stories:?}");
    // With the file, method borrows end as their calls return where Rust ends them there.
    let ends = typed.category("borrow-end");
    assert!(ends.0 >= 30 && ends.2 == 0, "the ends of method borrows: {ends:?}");
    assert!(typed.shares >= 8 && syntactic.shares >= 8, "the fixture lost its shares: {syntactic:?} {typed:?}");
    // The file only ever turns "unknown" into the truth.
    assert!(typed.right > syntactic.right, "type-info told nothing more: {syntactic:?} vs {typed:?}");
    assert_eq!(typed.right + typed.unknown, syntactic.right + syntactic.unknown);
}
