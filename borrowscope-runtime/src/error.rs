//! The runtime's error type: only export and import can fail; recording never does.

use std::io;

/// What can go wrong when exporting, importing or checking a trace.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A trace file could not be parsed (import), with what and where.
    SerializationError(String),
    /// A file could not be written or read.
    IoError(io::Error),
    /// An export was asked for something it cannot do (an unknown format, an empty path).
    ExportError(String),
    /// The events contradict each other (a drop of a variable never created, a borrow end
    /// without its borrow).
    InvalidEventSequence(String),
    /// The recorder's lock was poisoned by a panic while it was held.
    LockError(String),
}

/// The runtime's result type.
pub type Result<T> = std::result::Result<T, Error>;

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::SerializationError(m) => write!(f, "cannot parse the trace: {m}"),
            Error::IoError(e) => write!(f, "cannot access the trace file: {e}"),
            Error::ExportError(m) => write!(f, "cannot export: {m}"),
            Error::InvalidEventSequence(m) => write!(f, "the events are inconsistent: {m}"),
            Error::LockError(m) => write!(f, "the recorder is unusable: {m}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::IoError(e) => Some(e),
            _ => None,
        }
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Error {
        Error::IoError(e)
    }
}
