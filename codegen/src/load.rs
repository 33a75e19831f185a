//! Reads spec files from disk and deserializes them, turning every YAML or
//! shape error into a located diagnostic.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use crate::source::SourceFile;
use crate::spec::SpecFile;
use crate::suggest::did_you_mean;

/// A spec file that parsed.
#[derive(Debug)]
pub struct LoadedSpec {
    /// Its text and position index.
    pub source: SourceFile,
    /// Its contents.
    pub spec: SpecFile,
}

/// Loads every `*.yaml` file below `spec_dir`, in path order. `display_root`
/// is the directory paths are shown relative to (the workspace root).
pub fn load_dir(spec_dir: &Path, display_root: &Path) -> (Vec<LoadedSpec>, Diagnostics) {
    let mut diagnostics = Diagnostics::default();
    let mut files = Vec::new();
    if let Err(error) = collect_yaml_files(spec_dir, &mut files) {
        diagnostics.0.push(file_diagnostic(
            &display(spec_dir, display_root),
            format!("cannot read the spec directory: {error}"),
            "run codegen from the workspace root, or pass --spec DIR",
        ));
        return (Vec::new(), diagnostics);
    }
    files.sort();
    let mut loaded = Vec::new();
    for path in files {
        let shown = display(&path, display_root);
        match std::fs::read_to_string(&path) {
            Ok(text) => match load_str(&shown, &text) {
                Ok(spec) => loaded.push(spec),
                Err(diagnostic) => diagnostics.0.push(*diagnostic),
            },
            Err(error) => diagnostics.0.push(file_diagnostic(
                &shown,
                format!("cannot read the file: {error}"),
                "spec files must be readable UTF-8 text",
            )),
        }
    }
    (loaded, diagnostics)
}

/// Parses one spec file's text.
pub fn load_str(display_path: &str, text: &str) -> Result<LoadedSpec, Box<Diagnostic>> {
    let source = SourceFile::new(display_path, text);
    if text.trim().is_empty() {
        return Err(Box::new(
            source.diagnostic_at(
                Severity::Error,
                Position { line: 1, column: 1 },
                "the spec file is empty",
                Some(
                    "a service file needs `service`, `version` and `resources`; see spec/README.md"
                        .into(),
                ),
            ),
        ));
    }
    match serde_yaml::from_str::<SpecFile>(text) {
        Ok(spec) => Ok(LoadedSpec { source, spec }),
        Err(error) => Err(Box::new(yaml_error(&source, &error))),
    }
}

fn yaml_error(source: &SourceFile, error: &serde_yaml::Error) -> Diagnostic {
    let position = error
        .location()
        .map(|l| Position {
            line: l.line(),
            column: l.column(),
        })
        .unwrap_or(Position { line: 1, column: 1 });
    let full = error.to_string();
    // serde_yaml appends " at line L column C"; the position is shown anyway.
    let message = match full.find(" at line ") {
        Some(cut) => full[..cut].to_owned(),
        None => full,
    };
    let help = unknown_field_help(&message).or_else(|| missing_field_help(&message));
    source.diagnostic_at(Severity::Error, position, message, help)
}

/// For "unknown field `tpye`, expected one of `type`, …" suggests the closest key.
fn unknown_field_help(message: &str) -> Option<String> {
    let rest = message.split("unknown field `").nth(1)?;
    let (unknown, expected) = rest.split_once('`')?;
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    Some(match did_you_mean(unknown, candidates.iter().copied()) {
        Some(best) => format!("did you mean `{best}`?"),
        None => format!("the keys allowed here are: {}", candidates.join(", ")),
    })
}

fn missing_field_help(message: &str) -> Option<String> {
    let rest = message.split("missing field `").nth(1)?;
    let (missing, _) = rest.split_once('`')?;
    Some(format!(
        "add `{missing}:` here; spec/README.md lists the keys each section needs"
    ))
}

fn collect_yaml_files(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_yaml_files(&path, out)?;
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            out.push(path);
        }
    }
    Ok(())
}

/// A path relative to `root`, with `/` separators on every platform so that
/// diagnostics and generated headers are the same everywhere.
pub fn display(path: &Path, root: &Path) -> String {
    let relative = path.strip_prefix(root).unwrap_or(path);
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn file_diagnostic(file: &str, message: String, help: &str) -> Diagnostic {
    Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        position: Position { line: 1, column: 1 },
        source_line: None,
        message,
        help: Some(help.to_owned()),
    }
}
