//! The truth suite (`tests/fixtures/truth`): every binding instance of about seventy traced
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
    wrong_lines: Vec<String>,
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
    let mut figures = Figures::default();
    for line in stdout.lines() {
        let verdict = line.split(' ').nth(2).unwrap_or_default();
        if line.starts_with("binding ") {
            match line.rsplit(' ').next().unwrap_or_default() {
                "right" => figures.right += 1,
                "unknown" => figures.unknown += 1,
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
    // With the file, every fate and every destination is told.
    assert_eq!((typed.unknown, typed.links_unknown), (0, 0), "with type-info, something stayed unknown: {typed:?}");
    assert!(typed.links >= 7, "the fixture lost its destinations: {typed:?}");
    assert!(typed.shares >= 8 && syntactic.shares >= 8, "the fixture lost its shares: {syntactic:?} {typed:?}");
    // The file only ever turns "unknown" into the truth.
    assert!(typed.right > syntactic.right, "type-info told nothing more: {syntactic:?} vs {typed:?}");
    assert_eq!(typed.right + typed.unknown, syntactic.right + syntactic.unknown);
}
