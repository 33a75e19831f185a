//! Reads spec files from disk and deserializes them, turning every YAML or
//! shape error into a located diagnostic.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Position, Severity, without_position};
use crate::keys::check_keys;
use crate::schema::spec_schema;
use crate::source::{Parsed, Segment, SourceFile, YamlPath};
use crate::spec::SpecFile;
use crate::yaml_value::YamlError;

/// A spec file that parsed.
#[derive(Debug)]
pub struct LoadedSpec {
    /// Its text and position index.
    pub source: SourceFile,
    /// Its contents.
    pub spec: SpecFile,
}

/// The largest spec file read, in bytes. The biggest real service file is
/// well under 1 MiB; 8 MiB leaves room and keeps a stray huge file (a log
/// or a dump saved as `.yaml`) from being read whole into memory.
pub const MAX_SPEC_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Loads every `*.yaml` file below `spec_dir`, in path order. `display_root`
/// is the directory paths are shown relative to (the workspace root).
///
/// Hostile trees give one clear error each instead of a hang or a flood:
/// only regular files are read (a FIFO named `x.yaml` would block the read
/// forever; symlinks to regular files are followed), each directory is
/// walked once by canonical path (a symlink loop, or a second link to a
/// directory, is reported once instead of being walked again and again),
/// and a file over [`MAX_SPEC_FILE_BYTES`] is not read.
pub fn load_dir(spec_dir: &Path, display_root: &Path) -> (Vec<LoadedSpec>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut walk = Walk::default();
    if let Err(error) = walk.directory(spec_dir, display_root) {
        diagnostics.0.push(file_diagnostic(
            &display(spec_dir, display_root),
            format!("cannot read the spec directory: {error}"),
            "run codegen from the workspace root, or pass --spec DIR",
        ));
        return (Vec::new(), diagnostics);
    }
    diagnostics.0.extend(walk.problems);
    let mut files = walk.files;
    files.sort();
    let mut loaded = Vec::new();
    for path in files {
        let shown = display(&path, display_root);
        match read_limited(&path) {
            Ok(text) => {
                let (spec, problems) = load_str(&shown, &text);
                loaded.extend(spec);
                diagnostics.0.extend(problems);
            }
            Err(ReadError::TooBig) => diagnostics.0.push(file_diagnostic(
                &shown,
                format!(
                    "the file is larger than {} MiB",
                    MAX_SPEC_FILE_BYTES / (1024 * 1024)
                ),
                "a spec file describes one service version and stays small; split it, or move what is not a spec out of the spec directory",
            )),
            Err(ReadError::Io(error)) => diagnostics.0.push(file_diagnostic(
                &shown,
                format!("cannot read the file: {error}"),
                "spec files must be readable UTF-8 text",
            )),
        }
    }
    (loaded, diagnostics)
}

enum ReadError {
    TooBig,
    Io(std::io::Error),
}

/// Reads at most [`MAX_SPEC_FILE_BYTES`] (plus one byte, to tell a file
/// that is exactly at the limit from one beyond it), whatever the metadata
/// said: a file can grow between the check and the read.
fn read_limited(path: &Path) -> Result<String, ReadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(ReadError::Io)?;
    let mut bytes = Vec::new();
    file.take(MAX_SPEC_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > MAX_SPEC_FILE_BYTES {
        return Err(ReadError::TooBig);
    }
    String::from_utf8(bytes)
        .map_err(|e| ReadError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// The spec files of a tree, and the entries that were refused.
#[derive(Default)]
struct Walk {
    files: Vec<PathBuf>,
    problems: Vec<Diagnostic>,
    /// Canonical paths of the directories entered so far.
    seen: std::collections::HashSet<PathBuf>,
}

impl Walk {
    fn directory(&mut self, dir: &Path, root: &Path) -> std::io::Result<()> {
        let canonical = std::fs::canonicalize(dir)?;
        if !self.seen.insert(canonical) {
            self.problems.push(file_diagnostic(
                &display(dir, root),
                "this directory was already read: it is a symlink loop or a second link to a spec directory".into(),
                "remove the symlink; each spec directory is read once",
            ));
            return Ok(());
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<_>>()?;
        entries.sort();
        for path in entries {
            // Follows symlinks, without opening anything (a FIFO's
            // metadata does not block; opening it would).
            let metadata = match std::fs::metadata(&path) {
                Ok(metadata) => metadata,
                Err(error) => {
                    if is_yaml(&path) {
                        self.problems.push(file_diagnostic(
                            &display(&path, root),
                            format!("cannot read the file: {error}"),
                            "a broken symlink? point it at a spec file or remove it",
                        ));
                    }
                    continue;
                }
            };
            if metadata.is_dir() {
                if let Err(error) = self.directory(&path, root) {
                    self.problems.push(file_diagnostic(
                        &display(&path, root),
                        format!("cannot read the directory: {error}"),
                        "make it readable, or move it out of the spec directory",
                    ));
                }
            } else if is_yaml(&path) {
                if metadata.is_file() {
                    self.files.push(path);
                } else {
                    self.problems.push(file_diagnostic(
                        &display(&path, root),
                        "not a regular file (a FIFO, socket or device), so it is not read".into(),
                        "spec files are regular files; remove this one or rename it away from .yaml",
                    ));
                }
            }
        }
        Ok(())
    }
}

fn is_yaml(path: &Path) -> bool {
    matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml")
    )
}

/// Parses one spec file's text. Every key problem of the file is reported
/// at once; unknown keys are then dropped so the file can still be resolved
/// (and its other mistakes reported in the same run). A file that cannot be
/// deserialized at all gives no spec.
pub fn load_str(display_path: &str, text: &str) -> (Option<LoadedSpec>, Vec<Diagnostic>) {
    // One parse gives both the position index and the value.
    let (source, parsed) = SourceFile::parse(display_path, text);
    let empty = |source: &SourceFile| {
        source.diagnostic_at(
            Severity::Error,
            Position { line: 1, column: 1 },
            "the spec file is empty",
            Some(
                "a service file needs `service`, `version` and `resources`; see spec/README.md"
                    .into(),
            ),
        )
    };
    if text.trim().is_empty() {
        return (None, vec![empty(&source)]);
    }
    // yaml-rust2 (YAML 1.2) reads these as ordinary characters, but editors
    // and YAML 1.1 tools (libyaml, PyYAML) break the line there, so the
    // author and codegen would read different files; they never belong in a
    // spec anyway.
    if let Some(problem) = unusual_line_break(&source) {
        return (None, vec![problem]);
    }
    let (document, refused) = match parsed {
        Parsed::Value(document) => (document, None),
        Parsed::Syntax(error) => return (None, vec![yaml_error(&source, error)]),
        Parsed::Refused(error) => (serde_yaml::Value::Null, Some(error)),
    };
    // Duplicate keys first: a repeated name has the most precise message.
    let duplicates: Vec<Diagnostic> = source
        .duplicate_keys()
        .iter()
        .map(|d| {
            let key = match d.path.last() {
                Some(Segment::Key(key)) => key.as_str(),
                _ => "",
            };
            source.diagnostic_at(
                Severity::Error,
                d.again,
                format!(
                    "`{key}` is defined twice in `{}` (first at line {})",
                    show_path(&d.path[..d.path.len().saturating_sub(1)]),
                    d.first.line
                ),
                Some("a name may appear once: remove one of them or rename it".into()),
            )
        })
        .collect();
    if !duplicates.is_empty() {
        return (None, duplicates);
    }
    if let Some(error) = refused {
        return (None, vec![yaml_error(&source, error)]);
    }
    let mut document = document;
    // Only comments (or `---`): not a second, empty shared-definitions file.
    if document.is_null() {
        return (None, vec![empty(&source)]);
    }
    let mut problems = check_keys(&source, &mut document, spec_schema());
    match serde_path_to_error::deserialize::<_, SpecFile>(document) {
        Ok(spec) => (Some(LoadedSpec { source, spec }), problems),
        Err(error) => {
            let path = yaml_path(error.path());
            let message = without_position(&error.into_inner().to_string());
            let at = source.value_position(&path);
            let place = if path.is_empty() {
                String::new()
            } else {
                format!("`{}`: ", show_path(&path))
            };
            // A missing required key is already reported by the key check.
            if !message.starts_with("missing field") || problems.is_empty() {
                problems.push(source.diagnostic_at(
                    Severity::Error,
                    at,
                    format!("{place}{message}"),
                    Some(type_help(&message)),
                ));
            }
            (None, problems)
        }
    }
}

/// The first NEL, LINE SEPARATOR or PARAGRAPH SEPARATOR in the file.
fn unusual_line_break(source: &SourceFile) -> Option<Diagnostic> {
    for (index, line) in crate::source::yaml_lines(&source.text).enumerate() {
        if let Some((column, c)) = line
            .chars()
            .enumerate()
            .find(|(_, c)| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
        {
            return Some(source.diagnostic_at(
                Severity::Error,
                Position {
                    line: index + 1,
                    column: column + 1,
                },
                format!("the invisible line break U+{:04X} is not allowed in a spec file", u32::from(c)),
                Some("delete it, or replace it with a space or a plain line break (it usually comes from copying text out of a web page)".into()),
            ));
        }
    }
    None
}

fn yaml_path(path: &serde_path_to_error::Path) -> YamlPath {
    use serde_path_to_error::Segment as S;
    path.iter()
        .filter_map(|segment| match segment {
            S::Seq { index } => Some(Segment::Index(*index)),
            S::Map { key } => Some(Segment::Key(key.clone())),
            S::Enum { variant } => Some(Segment::Key(variant.clone())),
            S::Unknown => None,
        })
        .collect()
}

/// `resources.user_okr.methods.list.tokens[0]`.
pub fn show_path(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

fn type_help(message: &str) -> String {
    if message.contains("expected a sequence") {
        "write a list: `[a, b]` or one `- item` per line".into()
    } else if message.contains("expected a string") {
        "quote the value to make it a string".into()
    } else if message.contains("expected a boolean") {
        "write `true` or `false`".into()
    } else if message.contains("expected u16")
        || message.contains("expected i64")
        || message.contains("expected u32")
    {
        "write a whole number".into()
    } else {
        "spec/README.md gives the type of every key".into()
    }
}

fn yaml_error(source: &SourceFile, error: YamlError) -> Diagnostic {
    let YamlError {
        mut position,
        message,
        help,
    } = error;
    // A tab in the indentation is the most common cause of a scanner error
    // at the start of a line: point at the tab and say so rather than give
    // the generic hint.
    let indent_tab = source.line_text(position.line).and_then(|line| {
        line.chars()
            .take_while(|c| c.is_whitespace())
            .position(|c| c == '\t')
    });
    let help = match (help, indent_tab) {
        (Some(help), _) => help,
        (None, Some(tab)) => {
            // yaml-rust2 places its tab errors after the tab.
            if message.contains("tab") {
                position.column = tab + 1;
            }
            "YAML indentation must use spaces: replace the tab at the start of this line with spaces".to_owned()
        }
        (None, None) => "check the indentation and quoting on this line and the one before it; a value containing `: `, `#` or a leading `[`, `{` or `*` needs quotes".to_owned(),
    };
    source.diagnostic_at(
        Severity::Error,
        position,
        format!("invalid YAML: {message}"),
        Some(help),
    )
}

/// A path relative to `root`, with `/` separators on every platform so that
/// diagnostics and generated headers are the same everywhere.
pub fn display(path: &Path, root: &Path) -> String {
    use std::path::Component;
    let relative = path.strip_prefix(root).unwrap_or(path);
    let mut out = String::new();
    for component in relative.components() {
        match component {
            Component::RootDir => out.push('/'),
            Component::Prefix(prefix) => out.push_str(&prefix.as_os_str().to_string_lossy()),
            other => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&other.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

fn file_diagnostic(file: &str, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        position: Position { line: 1, column: 1 },
        source_line: None,
        source_caret: 0,
        message,
        help: Some(help.to_owned()),
    }
}
