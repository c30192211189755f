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
