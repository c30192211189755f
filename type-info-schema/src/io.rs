//! Reading and writing type-info files: concrete errors, deterministic output, atomic
//! replacement.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use crate::model::{SCHEMA_VERSION, TypeInfo};

const REFRESH: &str = "re-run `borrowscope-analyzer` to regenerate it";

/// Why a type-info file could not be read. Every message says what happened and what to do.
#[derive(Debug)]
pub enum ReadError {
    /// There is no file at the path.
    Missing {
        /// The path that was tried.
        path: PathBuf,
    },
    /// The file exists but could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
    /// The file ends in the middle of the JSON document (an interrupted copy, a full disk).
    Truncated {
        /// The file.
        path: PathBuf,
    },
    /// The file is not JSON at all.
    NotJson {
        /// The file.
        path: PathBuf,
        /// What the JSON parser reported.
        message: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
    },
    /// The file is in a version of the format this build does not understand.
    UnsupportedVersion {
        /// The file.
        path: PathBuf,
        /// The version found in the file.
        found: u64,
    },
    /// The file names an initializer or site kind this build does not know.
    UnknownKind {
        /// The file.
        path: PathBuf,
        /// "initializer kind" or "site kind".
        what: &'static str,
        /// The unknown name.
        name: String,
        /// The source file the entry describes.
        source_file: String,
        /// The entry's line.
        line: u64,
        /// The entry's column.
        column: u64,
    },
    /// The file is JSON but not a type-info file of this version.
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
}

/// Why a type-info file could not be written.
#[derive(Debug)]
pub enum WriteError {
    /// The content breaks a rule of the format (an absolute path, two bindings at one place).
    Invalid(String),
    /// The file or its temporary sibling could not be written or renamed.
    Io {
        /// The file that was being written.
        path: PathBuf,
        /// The underlying error.
        source: io::Error,
    },
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Missing { path } => {
                write!(f, "no type-info file at {}: run `borrowscope-analyzer` in the workspace to create it", path.display())
            }
            ReadError::Io { path, source } => write!(f, "cannot read type-info file {}: {source}", path.display()),
            ReadError::Truncated { path } => {
                write!(f, "type-info file {} is truncated (it ends in the middle of the JSON document): {REFRESH}", path.display())
            }
            ReadError::NotJson { path, message, line, column } => {
                write!(f, "type-info file {} is not JSON ({message} at line {line}, column {column}): {REFRESH}", path.display())
            }
            ReadError::UnsupportedVersion { path, found } => {
                let which = if *found > u64::from(SCHEMA_VERSION) { "the file is newer" } else { "the file is older" };
                write!(
                    f,
                    "type-info file {} has schema version {found}, but this build reads only version {SCHEMA_VERSION} ({which}): {REFRESH} with the same BorrowScope version as the macro",
                    path.display()
                )
            }
            ReadError::UnknownKind { path, what, name, source_file, line, column } => write!(
                f,
                "type-info file {} names an unknown {what} `{name}` (for {source_file}:{line}:{column}): {REFRESH} with the same BorrowScope version as the macro",
                path.display()
            ),
            ReadError::Invalid { path, message } => write!(f, "type-info file {} is not valid: {message}: {REFRESH}", path.display()),
        }
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReadError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl std::fmt::Display for WriteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            WriteError::Invalid(message) => write!(f, "refusing to write an invalid type-info file: {message}"),
            WriteError::Io { path, source } => {
                write!(f, "cannot write type-info file {}: {source} (check that the folder exists and is writable)", path.display())
            }
        }
    }
}

impl std::error::Error for WriteError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WriteError::Io { source, .. } => Some(source),
            WriteError::Invalid(_) => None,
        }
    }
}

impl TypeInfo {
    /// Reads and validates the file at `path`.
    pub fn read(path: &Path) -> Result<TypeInfo, ReadError> {
        let bytes = fs::read(path).map_err(|source| match source.kind() {
            io::ErrorKind::NotFound => ReadError::Missing { path: path.to_owned() },
            _ => ReadError::Io { path: path.to_owned(), source },
        })?;
        TypeInfo::from_json(&bytes, path)
    }

    /// Parses and validates a file's bytes; `path` is only used in error messages.
    pub fn from_json(bytes: &[u8], path: &Path) -> Result<TypeInfo, ReadError> {
        // A good file of this version is read straight into the model, which is most of
        // the cost saved (reading through a `Value` took a crate's build 2.5% of its
        // instructions, once per compiler process). Anything else is read again below, step
        // by step, for the message that says what is wrong.
        if let Ok(mut info) = serde_json::from_slice::<TypeInfo>(bytes)
            && info.schema_version == SCHEMA_VERSION
        {
            info.normalize();
            if info.validate().is_ok() {
                return Ok(info);
            }
        }
        let value: serde_json::Value = serde_json::from_slice(bytes).map_err(|err| {
            if err.is_eof() {
                ReadError::Truncated { path: path.to_owned() }
            } else {
                let message = err.to_string();
                let message = message.split(" at line ").next().unwrap_or_default().to_owned();
                ReadError::NotJson { path: path.to_owned(), message, line: err.line(), column: err.column() }
            }
        })?;
        let invalid = |message: String| ReadError::Invalid { path: path.to_owned(), message };
        // The version is checked before anything else, so a file from another version gets
        // the version message rather than a confusing complaint about its fields.
        match value.get("schema_version") {
            Some(serde_json::Value::Number(n)) => match n.as_u64() {
                Some(found) if found == u64::from(SCHEMA_VERSION) => {}
                Some(found) => return Err(ReadError::UnsupportedVersion { path: path.to_owned(), found }),
                None => return Err(invalid(format!("`schema_version` is {n}, not a version number"))),
            },
            Some(_) => return Err(invalid("`schema_version` is not a number".to_owned())),
            None if value.is_object() => return Err(invalid("there is no `schema_version` field".to_owned())),
            None => return Err(invalid("the document is not a JSON object".to_owned())),
        }
        find_unknown_kind(&value, path)?;
        let mut info: TypeInfo = serde_json::from_value(value).map_err(|err| invalid(err.to_string()))?;
        info.normalize();
        info.validate().map_err(invalid)?;
        Ok(info)
    }

    /// The file's canonical text: pretty-printed, sorted, ending in a newline. The same
    /// content always gives the same bytes.
    pub fn to_json(&self) -> Result<String, WriteError> {
        let mut info = self.clone();
        info.normalize();
        info.validate().map_err(WriteError::Invalid)?;
        let mut text = serde_json::to_string_pretty(&info).map_err(|err| WriteError::Invalid(err.to_string()))?;
        text.push('\n');
        Ok(text)
    }

    /// Writes the file atomically: the text goes to a temporary file in the same folder,
    /// which is then renamed over `path`, so a reader sees the old file or the new one and
    /// never half of one.
    pub fn write(&self, path: &Path) -> Result<(), WriteError> {
        let text = self.to_json()?;
        let io_error = |source| WriteError::Io { path: path.to_owned(), source };
        let file_name = path.file_name().ok_or_else(|| io_error(io::Error::new(io::ErrorKind::InvalidInput, "the path names no file")))?;
        let mut temp_name = std::ffi::OsString::from(".");
        temp_name.push(file_name);
        temp_name.push(format!(".{}.tmp", std::process::id()));
        let temp = path.with_file_name(temp_name);
        let result = (|| {
            let mut file = fs::File::create(&temp)?;
            file.write_all(text.as_bytes())?;
            file.sync_all()?;
            fs::rename(&temp, path)
        })();
        if result.is_err() {
            // The temporary file is ours; leaving it would only clutter the folder.
            let _ = fs::remove_file(&temp);
        }
        result.map_err(io_error)
    }

    /// Checks the rules serde cannot express: the version, relative forward-slash paths, and
    /// at most one binding per position.
    fn validate(&self) -> Result<(), String> {
        if self.schema_version != SCHEMA_VERSION {
            return Err(format!("schema version {} is not {SCHEMA_VERSION}", self.schema_version));
        }
        for (file, entry) in &self.files {
            let absolute = file.starts_with('/') || file.as_bytes().get(1) == Some(&b':');
            if file.is_empty() || absolute || file.contains('\\') || file.split('/').any(|c| c == ".." || c.is_empty()) {
                return Err(format!("`{file}` is not a workspace-relative path with forward slashes"));
            }
            if let Some(at) = entry.duplicate_binding() {
                return Err(format!("`{file}` has two bindings at line {}, column {}", at.line, at.column));
            }
        }
        Ok(())
    }
}

/// A list of a file entry, what its `kind` names, and whether a name is known.
type KindList = (&'static str, &'static str, fn(&str) -> bool);

/// Finds the first binding or site whose `kind` this build does not know, so the error can
/// say which entry it is rather than only that deserialization failed.
fn find_unknown_kind(value: &serde_json::Value, path: &Path) -> Result<(), ReadError> {
    use crate::{InitializerKind, SiteKind};
    let Some(files) = value.get("files").and_then(|f| f.as_object()) else { return Ok(()) };
    for (source_file, entry) in files {
        let lists: [KindList; 2] =
            [("bindings", "initializer kind", |n| n.parse::<InitializerKind>().is_ok()), ("sites", "site kind", |n| n.parse::<SiteKind>().is_ok())];
        for (list, what, known) in lists {
            let items = entry.get(list).and_then(|l| l.as_array()).map(Vec::as_slice).unwrap_or_default();
            for item in items {
                let Some(name) = item.get("kind").and_then(|k| k.as_str()) else { continue };
                if !known(name) {
                    let number = |key| item.get(key).and_then(serde_json::Value::as_u64).unwrap_or(0);
                    return Err(ReadError::UnknownKind {
                        path: path.to_owned(),
                        what,
                        name: name.to_owned(),
                        source_file: source_file.clone(),
                        line: number("line"),
                        column: number("column"),
                    });
                }
            }
        }
    }
    Ok(())
}
