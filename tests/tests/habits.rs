//! How the code is written, checked where a tool does not check it: comments fit in 100
//! columns (rustfmt keeps code within 150, `rustfmt.toml`, and leaves comments alone).

use borrowscope_tests::workspace;

/// The Rust files of the workspace's crates (not the fixture projects, which are written as
/// users write code, nor build output).
fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !matches!(name.as_str(), "target" | "fixtures" | "demo" | ".git" | "node_modules") && !name.starts_with('.') {
                sources(&path, out);
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
}

#[test]
fn comments_fit_in_100_columns() {
    let mut files = Vec::new();
    sources(&workspace(), &mut files);
    assert!(files.len() > 100, "the sources were found: {}", files.len());
    let mut long = Vec::new();
    for file in &files {
        for (i, line) in std::fs::read_to_string(file).unwrap().lines().enumerate() {
            if line.trim_start().starts_with("//") && line.chars().count() > 100 {
                long.push(format!("{}:{}", file.strip_prefix(workspace()).unwrap().display(), i + 1));
            }
        }
    }
    assert!(long.is_empty(), "comments over 100 columns (wrap them):\n{}", long.join("\n"));
}

/// The lines of a file that are not comments.
fn code_lines(file: &std::path::Path) -> Vec<(usize, String)> {
    let text = std::fs::read_to_string(file).unwrap();
    text.lines().enumerate().filter(|(_, l)| !l.trim_start().starts_with("//")).map(|(i, l)| (i + 1, l.to_owned())).collect()
}

/// The names of the runtime's operations, from its `ops!` table.
fn op_names() -> Vec<String> {
    let table = std::fs::read_to_string(workspace().join("borrowscope-runtime/src/site.rs")).unwrap();
    let start = table.find("\nops! {").expect("the ops! table");
    let end = start + table[start..].find("\n}").unwrap();
    table[start..end]
        .lines()
        .filter_map(|l| l.trim().split_once(" = \"").map(|(name, _)| name.to_owned()))
        .filter(|name| name.chars().all(|c| c.is_ascii_alphanumeric()))
        .collect()
}

#[test]
fn only_the_emitter_writes_runtime_calls_and_only_the_vocabulary_names_operations() {
    let ops = op_names();
    assert!(ops.len() > 60 && ops.contains(&"FnEnter".to_owned()), "the table was read: {ops:?}");
    let dir = workspace().join("borrowscope-expand/src");
    let mut files = Vec::new();
    sources(&dir, &mut files);
    let mut found = Vec::new();
    for file in &files {
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for (line, code) in code_lines(file) {
            let at = format!("{}:{line}", file.strip_prefix(workspace()).unwrap().display());
            if name != "emit.rs" && (code.contains("borrowscope_runtime") || code.contains("__private")) {
                found.push(format!("{at}: a runtime path outside emit.rs: {}", code.trim()));
            }
            if name != "vocabulary.rs" && code.contains("Op(\"") {
                found.push(format!("{at}: an operation named outside vocabulary.rs: {}", code.trim()));
            }
            for op in &ops {
                if name != "vocabulary.rs"
                    && (code.contains(&format!("Op::{op})")) || code.contains(&format!("Op::{op},")) || code.contains(&format!("quote!({op})")))
                {
                    found.push(format!("{at}: `{op}` written out: {}", code.trim()));
                }
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}

/// The modules of a crate's directory each module's code names (`super::m`, `crate::m`,
/// `use super::{m, ..}`), siblings only.
fn module_graph(dir: &std::path::Path, prefix: &str) -> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if let Some(stem) = name.strip_suffix(".rs")
            && !matches!(stem, "mod" | "lib" | "main")
        {
            names.push(stem.to_owned());
        }
    }
    let mut graph = std::collections::BTreeMap::new();
    for module in &names {
        let code: String = code_lines(&dir.join(format!("{module}.rs"))).into_iter().map(|(_, l)| l + "\n").collect();
        let mut uses = std::collections::BTreeSet::new();
        for other in names.iter().filter(|o| *o != module) {
            let named = code.contains(&format!("{prefix}::{other}::"))
                || code.contains(&format!("{prefix}::{other};"))
                || code.contains(&format!("{prefix}::{other}}}"))
                || code.lines().any(|l| {
                    l.trim_start().starts_with(&format!("use {prefix}::{{"))
                        && l.split(['{', '}', ',', ' ']).any(|part| part == other || part.starts_with(&format!("{other}::")))
                });
            if named {
                uses.insert(other.clone());
            }
        }
        graph.insert(module.clone(), uses);
    }
    graph
}

/// A cycle in `graph`, if there is one.
fn cycle(graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        graph: &std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut std::collections::BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| n == node) {
            let mut found = path[at..].to_vec();
            found.push(node.to_owned());
            return Some(found);
        }
        if done.contains(node) {
            return None;
        }
        path.push(node.to_owned());
        for next in graph.get(node).into_iter().flatten() {
            if let Some(found) = visit(next, graph, path, done) {
                return Some(found);
            }
        }
        path.pop();
        done.insert(node.to_owned());
        None
    }
    let mut done = std::collections::BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_of_the_expansion_or_the_analyzer_imports_one_that_imports_it_back() {
    for (dir, prefix) in [("borrowscope-expand/src/expand", "super"), ("borrowscope-analyzer/src", "crate"), ("cargo-borrowscope/src", "crate")] {
        let graph = module_graph(&workspace().join(dir), prefix);
        assert!(graph.len() > 2 && graph.values().any(|uses| !uses.is_empty()), "{dir}: the modules were read: {graph:?}");
        if let Some(found) = cycle(&graph) {
            panic!("{dir}: an import circle: {}", found.join(" -> "));
        }
    }
}

#[test]
fn the_cycle_check_finds_a_circle() {
    let graph = [("a", vec!["b"]), ("b", vec!["c"]), ("c", vec!["a"]), ("d", vec![])]
        .into_iter()
        .map(|(n, uses)| (n.to_owned(), uses.into_iter().map(str::to_owned).collect()))
        .collect();
    assert_eq!(cycle(&graph), Some(vec!["a".to_owned(), "b".to_owned(), "c".to_owned(), "a".to_owned()]));
}
