//! Spec errors and warnings that point at `file:line:column`.

use std::fmt;

mod render;

pub use render::{MessageFormat, visible};

/// A serde error message cut before its first " at line L column C": the
/// diagnostic shows the position itself, in spec-file terms. (serde_yaml may
/// add a second position for the enclosing construct; that goes too.)
pub fn without_position(message: &str) -> String {
    match message.find(" at line ") {
        Some(cut) => message[..cut].to_owned(),
        None => message.to_owned(),
    }
}

/// At most this many characters of a spec line are shown in a diagnostic.
pub const MAX_SHOWN_LINE: usize = 120;

/// A line as shown under a diagnostic, and the 0-based char index of the
/// caret in it. A line longer than [`MAX_SHOWN_LINE`] characters is cut to
/// that many around `column` (1-based, in chars), with `…` where text was
/// left out, so a 10 MB line gives a short message. Works in chars, never
/// bytes, so a cut never splits a multi-byte character.
pub fn window(line: &str, column: usize) -> (String, usize) {
    let caret = column.saturating_sub(1);
    // Count only as far as needed: a line with at most MAX chars is whole.
    if line.chars().nth(MAX_SHOWN_LINE).is_none() {
        return (line.to_owned(), caret.min(line.chars().count()));
    }
    let len = line.chars().count();
    let caret = caret.min(len);
    let keep = MAX_SHOWN_LINE - 2;
    let start = caret.saturating_sub(keep / 2).min(len.saturating_sub(keep));
    let end = (start + keep).min(len);
    let mut shown = String::with_capacity(keep * 4 + 6);
    if start > 0 {
        shown.push('…');
    }
    shown.extend(line.chars().skip(start).take(end - start));
    if end < len {
        shown.push('…');
    }
    (shown, caret - start + usize::from(start > 0))
}

/// At most this many characters of a message or help line: they quote
/// spec names and values, which a hostile spec makes megabytes long.
pub const MAX_MESSAGE: usize = 600;

/// `text` cut to [`MAX_MESSAGE`] characters, ending in `…` when cut.
pub fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_MESSAGE) {
        None => text,
        Some((cut, _)) => format!("{}…", &text[..cut]),
    }
}

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation stops.
    Error,
    /// Generation goes on; the author should still look.
    Warning,
}

/// A position in a spec file, 1-based.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// Line, counting from 1.
    pub line: usize,
    /// Column in characters, counting from 1.
    pub column: usize,
}

/// One problem found in the specs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The spec file, as the user would type it (`spec/okr/v1.yaml`).
    pub file: String,
    /// Where in the file.
    pub position: Position,
    /// The offending line of the file, when known; a long line is cut to
    /// a window around the column (see [`window`]).
    pub source_line: Option<String>,
    /// Where the caret goes under `source_line`: a 0-based char index.
    pub source_caret: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

impl Diagnostic {
    /// `file:line:column`.
    pub fn location(&self) -> String {
        format!(
            "{}:{}:{}",
            self.file, self.position.line, self.position.column
        )
    }
}

/// The short form: one line, `file:line:column: error: message; help: …`
/// (see [`Diagnostic::short`]; [`Diagnostic::human`] shows the source).
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.short())
    }
}

/// All diagnostics of one run, errors first, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Whether any diagnostic stops generation.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Number of errors.
    pub fn error_count(&self) -> usize {
        self.0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    /// Sorts by severity, file and position so the output is stable.
    pub fn sort(&mut self) {
        self.0.sort_by(|a, b| {
            (a.severity, &a.file, a.position, &a.message)
                .cmp(&(b.severity, &b.file, b.position, &b.message))
        });
        self.0.dedup();
    }
}

/// One line per diagnostic, then the `N errors, M warnings` line.
impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(MessageFormat::Short))
    }
}

impl std::error::Error for Diagnostics {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_line_is_cut_around_the_column_with_the_caret_under_it() {
        let line = format!("{}X{}", "é".repeat(5_000), "名".repeat(5_000));
        let (shown, caret) = window(&line, 5_001);
        assert!(shown.chars().count() <= MAX_SHOWN_LINE, "{shown}");
        assert!(shown.starts_with('…') && shown.ends_with('…'));
        assert_eq!(shown.chars().nth(caret), Some('X'));
        // Near either end only one side is cut.
        let (start, caret) = window(&line, 1);
        assert!(!start.starts_with('…') && start.ends_with('…'));
        assert_eq!(caret, 0);
        let (end, caret) = window(&line, 10_001);
        assert!(end.starts_with('…') && !end.ends_with('…'));
        assert_eq!(end.chars().nth(caret), Some('名'));
        // Past the end of the line: the caret sits just after it.
        let (_, caret) = window("short", 40);
        assert_eq!(caret, 5);
    }
}
