//! The broken-spec corpus: one small spec per diagnostic the generator can
//! give, with the exact message pinned.
//!
//! A case is either
//! - `tests/broken/<case>.yaml`: a service file, resolved together with the
//!   shared-definitions fixture `tests/broken/_common.yaml`, or
//! - `tests/broken/<case>/`: a directory whose `*.yaml` files are resolved
//!   together as they are (for mistakes in or across the shared file),
//!
//! and `tests/broken/<case>.expected` holds the exact `Diagnostics` display
//! text, one line per problem (for the `warn_*` cases, which still
//! generate: the warnings). The rich form with the source line and caret is
//! checked for shape here and in detail in `src/diagnostic/render/tests.rs`.
//!
//! After an intended change to a message, or to add a case, regenerate the
//! expected files and review the diff before committing:
//!
//! ```text
//! BLESS=1 cargo test -p feishu-codegen --test broken_specs
//! ```

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::fs;
use std::path::{Path, PathBuf};

use codegen::{Diagnostics, Failure, Severity, generate_from_sources};

const COMMON: &str = "_common.yaml";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/broken")
}

/// How a file is named in diagnostics: relative to the workspace root, so a
/// maintainer can open it straight from the message.
fn shown(path: &Path) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    codegen::load::display(path, root)
}

struct Case {
    name: String,
    /// `(display path, text)` of every file of the case.
    files: Vec<(String, String)>,
}

fn read(path: &Path) -> (String, String) {
    let text = fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    (shown(path), text)
}

fn cases() -> Vec<Case> {
    let dir = corpus_dir();
    let mut cases = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let file_name = path.file_name().unwrap().to_string_lossy().into_owned();
        if file_name.starts_with('_') {
            continue;
        }
        if path.is_dir() {
            let mut yaml: Vec<PathBuf> = fs::read_dir(&path)
                .unwrap()
                .map(|e| e.unwrap().path())
                .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
                .collect();
            yaml.sort();
            assert!(!yaml.is_empty(), "{}: no yaml files", path.display());
            cases.push(Case {
                name: file_name,
                files: yaml.iter().map(|p| read(p)).collect(),
            });
        } else if let Some(name) = file_name.strip_suffix(".yaml") {
            cases.push(Case {
                name: name.to_owned(),
                files: vec![read(&dir.join(COMMON)), read(&path)],
            });
        }
    }
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    cases
}

/// What a case produces: its diagnostics, and whether it still generated.
fn run(case: &Case) -> (Diagnostics, bool) {
    let sources: Vec<(&str, &str)> = case
        .files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    match generate_from_sources(&sources, "feishu-broken") {
        Ok(generation) => (generation.warnings, true),
        Err(Failure::Spec(diagnostics)) => (diagnostics, false),
        Err(error @ Failure::Emit(_)) => {
            panic!(
                "case `{}`: the generator emitted invalid Rust: {error}",
                case.name
            )
        }
    }
}

/// Checks what every case must satisfy whatever its pinned text says.
fn check_shape(case: &Case, diagnostics: &Diagnostics, generated: bool) -> Vec<String> {
    let mut problems = Vec::new();
    let mut fail = |m: String| problems.push(format!("case `{}`: {m}", case.name));
    let files: Vec<&str> = case.files.iter().map(|(p, _)| p.as_str()).collect();
    for d in &diagnostics.0 {
        if d.position.line == 0 || d.position.column == 0 {
            fail(format!("diagnostic without a position: {d}"));
        }
        if d.message.trim().is_empty() || d.help.as_deref().is_none_or(|h| h.trim().is_empty()) {
            fail(format!("diagnostic without a message or a help line: {d}"));
        }
        if !files.contains(&d.file.as_str()) {
            fail(format!("diagnostic names a file not in the case: {d}"));
        }
        if d.to_string().lines().count() != 1 {
            fail(format!("the short form is not one line: {d}"));
        }
        if d.source_line.is_some() && !d.human(false).lines().any(|l| l.trim_end().ends_with('^')) {
            fail(format!(
                "the human form shows no caret:\n{}",
                d.human(false)
            ));
        }
        let empty_file = case.files.iter().any(|(p, t)| *p == d.file && t.is_empty());
        if d.source_line.is_none() && !empty_file {
            fail(format!("diagnostic does not show the offending line: {d}"));
        }
    }
    if case.name.starts_with("warn_") {
        if !generated {
            fail("a warning-only case must still generate".into());
        }
        if diagnostics.0.is_empty() || diagnostics.has_errors() {
            fail(format!(
                "expected warnings and no errors, got:\n{diagnostics}"
            ));
        }
        if !diagnostics
            .0
            .iter()
            .all(|d| d.severity == Severity::Warning)
        {
            fail("a warning-only case reported an error".into());
        }
    } else {
        if generated {
            fail("a broken spec generated code".into());
        }
        if diagnostics.error_count() == 0 {
            fail(format!("no error reported:\n{diagnostics}"));
        }
    }
    let errors_in = |file: &str| {
        diagnostics
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error && d.file == file)
            .count()
    };
    match case.name.as_str() {
        // Six independent mistakes in one file: all reported in one run.
        "multi_error_one_file" => {
            let file = files[1];
            let lines: std::collections::BTreeSet<usize> = diagnostics
                .0
                .iter()
                .filter(|d| d.file == file)
                .map(|d| d.position.line)
                .collect();
            if errors_in(file) < 6 || lines.len() < 6 {
                fail(format!(
                    "expected the 6 mistakes on 6 lines, got:\n{diagnostics}"
                ));
            }
        }
        // Mistakes in the shared file and in a service file: both reported.
        "multi_error_across_files" if files.iter().any(|f| errors_in(f) < 2) => {
            fail(format!(
                "expected at least two errors in each of {files:?}, got:\n{diagnostics}"
            ));
        }
        _ => {}
    }
    problems
}

#[test]
fn broken_specs_give_the_pinned_diagnostics() {
    let bless = std::env::var_os("BLESS").is_some_and(|v| v != "0" && !v.is_empty());
    let dir = corpus_dir();
    let cases = cases();
    assert!(cases.len() >= 40, "the corpus lost cases: {}", cases.len());
    let mut failures = Vec::new();
    for case in &cases {
        let (diagnostics, generated) = run(case);
        failures.extend(check_shape(case, &diagnostics, generated));
        let actual = format!("{diagnostics}\n");
        let expected_path = dir.join(format!("{}.expected", case.name));
        if bless {
            if fs::read_to_string(&expected_path).ok().as_deref() != Some(actual.as_str()) {
                fs::write(&expected_path, &actual).unwrap();
                eprintln!("blessed {}", expected_path.display());
            }
            continue;
        }
        match fs::read_to_string(&expected_path) {
            Ok(expected) if expected == actual => {}
            Ok(expected) => failures.push(format!(
                "case `{}`: the diagnostics changed ({}):\n{}",
                case.name,
                shown(&expected_path),
                similar::TextDiff::from_lines(&expected, &actual)
                    .unified_diff()
                    .header("expected", "actual")
            )),
            Err(_) => failures.push(format!(
                "case `{}`: no {}; it would be:\n{actual}",
                case.name,
                shown(&expected_path)
            )),
        }
    }
    // Every pinned file belongs to a case.
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if let Some(name) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".expected"))
            && !cases.iter().any(|c| c.name == name)
        {
            failures.push(format!("{} has no case; remove it", shown(&path)));
        }
    }
    assert!(
        failures.is_empty(),
        "{}\n\n{} problem(s). If the new messages are intended, run \
         `BLESS=1 cargo test -p feishu-codegen --test broken_specs` and review the diff.",
        failures.join("\n\n"),
        failures.len()
    );
}
