//! The two ways a diagnostic is printed.
//!
//! - Short: one line per problem, `file:line:column: error: message; help:
//!   …`, the form editors, CI logs and `grep` understand. It is the
//!   `Display` form, the pinned form of the broken-spec corpus, and what
//!   `codegen` prints for `--check`, when stderr is not a terminal, or with
//!   `--message-format short`.
//! - Human: rustc style, the offending line with a caret under the column,
//!   drawn by annotate-snippets (the crate rustc's own renderer grew into;
//!   it measures display width, so a caret under Chinese text lines up).
//!
//! Spec text is hostile in both: file names, messages, help and source
//! lines pass through [`visible`], which writes control characters
//! (escape sequences, newlines, carriage returns), bidi controls and
//! invisible characters as `\u{..}`, so no spec can move the cursor, recolor
//! the terminal or forge a second diagnostic line. In the source line a tab
//! becomes four spaces (as rustc shows it) and the caret is placed on the
//! cleaned line. Long lines are already cut to a window around the column
//! when the diagnostic is made ([`super::window`]); non-UTF-8 cannot reach
//! here (a spec that is not UTF-8 is refused when read, and paths are shown
//! lossily).

use std::borrow::Cow;
use std::fmt::Write as _;

use annotate_snippets::{AnnotationKind, Level, Renderer, Snippet};

use super::{Diagnostic, Diagnostics, Severity};

/// How diagnostics are printed; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageFormat {
    /// One line per problem.
    Short,
    /// The source line with a caret under the column, rustc style.
    Human {
        /// ANSI colors (for a terminal).
        color: bool,
    },
}

impl MessageFormat {
    /// `short` or `human`, as `--message-format` takes them.
    pub fn parse(name: &str, color: bool) -> Option<Self> {
        match name {
            "short" => Some(MessageFormat::Short),
            "human" => Some(MessageFormat::Human { color }),
            _ => None,
        }
    }
}

/// `text` with every character that could act on a terminal or hide itself
/// written as `\u{..}`. Borrowed when there is nothing to escape.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(crate::text::is_hidden_or_control) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        push_visible(&mut out, c);
    }
    Cow::Owned(out)
}

fn push_visible(out: &mut String, c: char) {
    if crate::text::is_hidden_or_control(c) {
        let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
    } else {
        out.push(c);
    }
}

fn label(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

impl Diagnostic {
    /// `file:line:column`, with the file name made [`visible`].
    fn location_visible(&self) -> String {
        format!(
            "{}:{}:{}",
            visible(&self.file),
            self.position.line,
            self.position.column
        )
    }

    /// One line: `file:line:column: error: message; help: …`.
    pub fn short(&self) -> String {
        let mut out = format!(
            "{}: {}: {}",
            self.location_visible(),
            label(self.severity),
            visible(&self.message)
        );
        if let Some(help) = &self.help {
            let _ = write!(out, "; help: {}", visible(help));
        }
        out
    }

    /// rustc style: `error: file:line:column: message`, the source line
    /// with a caret under the column, and the help. Ends with a newline.
    pub fn human(&self, color: bool) -> String {
        let level = match self.severity {
            Severity::Error => Level::ERROR,
            Severity::Warning => Level::WARNING,
        };
        let title = format!("{}: {}", self.location_visible(), visible(&self.message));
        let help = self.help.as_deref().map(visible);
        let mut elements = Vec::new();
        let (line, span) = match &self.source_line {
            Some(line) => shown_line(line, self.source_caret),
            None => (String::new(), 0..0),
        };
        // The location leads the title rather than sitting in a `-->`
        // line: annotate-snippets would count that column in the shown
        // line (cut to a window, escaped), not in the file.
        if self.source_line.is_some() {
            elements.push(annotate_snippets::Element::from(
                Snippet::source(line.as_str())
                    .line_start(self.position.line)
                    .annotation(AnnotationKind::Primary.span(span)),
            ));
        }
        if let Some(help) = &help {
            elements.push(Level::HELP.message(help.as_ref()).into());
        }
        let group = level.primary_title(title).elements(elements);
        let renderer = if color {
            Renderer::styled()
        } else {
            Renderer::plain()
        };
        let mut out = renderer.render(&[group]);
        out.push('\n');
        out
    }
}

/// The source line as shown (tabs as four spaces, hostile characters
/// escaped) and the byte span of the character at char index `caret` in
/// it (empty at the end of the line).
fn shown_line(line: &str, caret: usize) -> (String, std::ops::Range<usize>) {
    let mut out = String::with_capacity(line.len() + 8);
    let mut span = None;
    for (i, c) in line.chars().enumerate() {
        let start = out.len();
        if c == '\t' {
            out.push_str("    ");
        } else {
            push_visible(&mut out, c);
        }
        if i == caret {
            // Under a tab, the caret goes on its first column.
            let end = if c == '\t' { start + 1 } else { out.len() };
            span = Some(start..end);
        }
    }
    let span = span.unwrap_or(out.len()..out.len());
    (out, span)
}

impl Diagnostics {
    /// Every diagnostic in `format`, then the `N errors, M warnings` line
    /// (without a trailing newline, like `Display`).
    pub fn render(&self, format: MessageFormat) -> String {
        let mut out = String::new();
        for diagnostic in &self.0 {
            match format {
                MessageFormat::Short => {
                    out.push_str(&diagnostic.short());
                    out.push('\n');
                }
                MessageFormat::Human { color } => {
                    out.push_str(&diagnostic.human(color));
                    out.push('\n');
                }
            }
        }
        out.push_str(&self.summary());
        out
    }

    /// `1 error, 2 warnings`.
    pub fn summary(&self) -> String {
        let errors = self.error_count();
        let warnings = self.0.len() - errors;
        format!(
            "{errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        )
    }
}

#[cfg(test)]
mod tests;
