//! Exports: JSON (canonical, versioned, importable), DOT, Chrome trace-event JSON and an
//! HTML report.

pub(crate) mod chrome;
pub(crate) mod dot;
pub(crate) mod html;
pub(crate) mod json;
mod value;

use std::path::Path;

use crate::{Error, Result};

fn write(path: &Path, text: &str) -> Result<()> {
    if path.as_os_str().is_empty() {
        return Err(Error::ExportError("the path is empty; give a file name such as trace.json".to_owned()));
    }
    if path.is_dir() {
        return Err(Error::ExportError(format!("{} is a folder; give a file name inside it", path.display())));
    }
    std::fs::write(path, text).map_err(Error::IoError)
}

/// Writes the current recorder's events as JSON to `path`.
pub fn export_json(path: impl AsRef<Path>) -> Result<()> {
    write(path.as_ref(), &json::to_json(&crate::try_trace()?))
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
