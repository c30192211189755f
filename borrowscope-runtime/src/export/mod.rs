//! Exports: JSON (canonical, versioned, importable), DOT, Chrome trace-event JSON and an
//! HTML report.

pub(crate) mod chrome;
pub(crate) mod dot;
pub(crate) mod html;
pub(crate) mod json;
pub(crate) mod sources;
mod value;
pub(crate) mod why;

use std::io::Write as _;
use std::path::Path;

use crate::{Error, Result};

/// The temporary file a trace is written to before it is renamed to `path`.
pub(crate) fn temporary(path: &Path) -> std::path::PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

pub(crate) fn write(path: &Path, text: &str) -> Result<()> {
    write_with(path, |file| file.write_all(text.as_bytes()))
}

/// Writes a file through `fill`, which is given the open file.
pub(crate) fn write_with(path: &Path, fill: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(Error::ExportError("the path is empty; give a file name such as trace.json".to_owned()));
    }
    if path.is_dir() {
        return Err(Error::ExportError(format!("{} is a folder; give a file name inside it", path.display())));
    }
    // The text goes to a temporary file beside `path`, renamed over it once complete: a
    // write that fails (no space, no permission) leaves no partial file, and a reader sees
    // the old file or the new one.
    let temp = temporary(path);
    let written = (|| {
        let mut file = std::fs::File::create(&temp)?;
        fill(&mut file)?;
        file.flush()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    written.map_err(|error| {
        let _ = std::fs::remove_file(&temp);
        let context =
            format!("cannot write {}: {error} (check that its folder exists, is writable and has space; nothing was written)", path.display());
        Error::IoError(std::io::Error::new(error.kind(), context))
    })
}

/// Writes the current recorder's events as JSON to `path`.
pub fn export_json(path: impl AsRef<Path>) -> Result<()> {
    let trace = crate::try_trace()?;
    write_with(path.as_ref(), |file| json::write_json(&trace, file))
}

/// Writes the current recorder's ownership graph as Graphviz DOT to `path`.
pub fn export_dot(path: impl AsRef<Path>) -> Result<()> {
    let trace = crate::try_trace()?;
    write(path.as_ref(), &dot::to_dot(&crate::Graph::build(&trace)))
}

/// Writes the current recorder's events as Chrome trace-event JSON to `path`, for Perfetto
/// or chrome://tracing.
pub fn export_chrome_trace(path: impl AsRef<Path>) -> Result<()> {
    let trace = crate::try_trace()?;
    write(path.as_ref(), &chrome::to_chrome_trace(&trace, &crate::Graph::build(&trace)))
}

/// Writes the current recorder's events and ownership graph as a self-contained HTML report
/// to `path`, for reading in a browser.
pub fn export_html(path: impl AsRef<Path>) -> Result<()> {
    let trace = crate::try_trace()?;
    write(path.as_ref(), &html::to_html(&trace, &crate::Graph::build(&trace)))
}
