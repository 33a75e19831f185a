use super::*;
use crate::diagnostic::{Position, window};

/// A diagnostic on `line` (line 7 of its file) at 1-based char `column`,
/// made the way the loader makes them (cut to a window first).
fn at(file: &str, line: &str, column: usize, message: &str) -> Diagnostic {
    let (shown, caret) = window(line, column);
    Diagnostic {
        severity: Severity::Error,
        file: file.to_owned(),
        position: Position { line: 7, column },
        source_line: Some(shown),
        source_caret: caret,
        message: message.to_owned(),
        help: Some("write it differently".to_owned()),
    }
}

/// The text after the gutter (`| `) of the source line and of the caret
/// line of a plain human rendering.
fn source_and_caret(rendered: &str) -> (String, String) {
    let lines: Vec<&str> = rendered.lines().collect();
    let source = lines
        .iter()
        .position(|l| l.starts_with("7 |"))
        .expect(rendered);
    let after_bar = |l: &str| l.split_once('|').map(|x| x.1).unwrap_or("").to_owned();
    (after_bar(lines[source]), after_bar(lines[source + 1]))
}

/// Display columns, counting the wide characters the tests use as 2.
fn width(text: &str) -> usize {
    text.chars()
        .map(|c| if c > '\u{2E80}' { 2 } else { 1 })
        .sum()
}

/// Asserts that the caret sits under the first occurrence of `target` in
/// the rendered source line.
fn assert_caret_under(rendered: &str, target: &str) {
    let (source, caret) = source_and_caret(rendered);
    let at = source
        .find(target)
        .unwrap_or_else(|| panic!("{target} not in {source:?}"));
    let caret_at = caret
        .find('^')
        .unwrap_or_else(|| panic!("no caret:\n{rendered}"));
    assert_eq!(width(&source[..at]), caret_at, "\n{rendered}");
}

#[test]
fn the_short_form_is_one_line_naming_file_line_and_column() {
    let d = at(
        "spec/a.yaml",
        "    method: FETCH",
        13,
        "invalid HTTP method `FETCH`",
    );
    assert_eq!(
        d.short(),
        "spec/a.yaml:7:13: error: invalid HTTP method `FETCH`; help: write it differently"
    );
    assert_eq!(d.to_string(), d.short());
    let all = Diagnostics(vec![d.clone(), d]);
    assert_eq!(all.to_string().lines().count(), 3);
    assert!(all.to_string().ends_with("2 errors, 0 warnings"));
}

#[test]
fn the_human_form_shows_the_line_with_a_caret_under_the_column() {
    let d = at(
        "spec/a.yaml",
        "    method: FETCH",
        13,
        "invalid HTTP method `FETCH`",
    );
    let rendered = d.human(false);
    assert!(
        rendered.starts_with("error: spec/a.yaml:7:13: invalid HTTP method `FETCH`\n"),
        "{rendered}"
    );
    assert!(
        rendered.contains("help: write it differently"),
        "{rendered}"
    );
    assert_caret_under(&rendered, "FETCH");
}

#[test]
fn the_caret_lines_up_under_wide_characters_and_tabs() {
    let d = at("spec/a.yaml", "  名字: 目标", 7, "bad");
    assert_caret_under(&d.human(false), "目标");
    let d = at("spec/a.yaml", "\tkey:\tvalue", 7, "bad");
    let rendered = d.human(false);
    assert!(!rendered.contains('\t'), "{rendered:?}");
    assert_caret_under(&rendered, "value");
}

#[test]
fn a_long_line_is_cut_and_the_caret_stays_under_the_column() {
    let line = format!("{}X{}", "a".repeat(50_000), "名".repeat(50_000));
    let d = at("spec/a.yaml", &line, 50_001, "bad");
    let rendered = d.human(false);
    assert!(rendered.lines().all(|l| width(l) < 200), "{rendered}");
    assert!(
        rendered.starts_with("error: spec/a.yaml:7:50001: bad\n"),
        "{rendered}"
    );
    assert_caret_under(&rendered, "X");
}

#[test]
fn past_the_end_of_the_line_the_caret_follows_it() {
    let d = at("spec/a.yaml", "key:", 9, "missing value");
    let (source, caret) = source_and_caret(&d.human(false));
    assert_eq!(
        caret.find('^'),
        Some(width(source.trim_end())),
        "{source:?} / {caret:?}"
    );
}

#[test]
fn control_and_bidi_characters_never_reach_the_terminal() {
    let hostile = "x: \u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{202E}\u{0}\u{85}\u{2028}y";
    let mut d = at(
        "spec/\u{1b}[31mevil\nb.yaml",
        hostile,
        hostile.chars().count(),
        hostile,
    );
    d.help = Some(format!("help {hostile}"));
    for rendered in [d.human(false), d.short()] {
        for c in [
            '\u{1b}', '\r', '\u{7}', '\u{202E}', '\u{0}', '\u{85}', '\u{2028}',
        ] {
            assert!(!rendered.contains(c), "{c:?} in {rendered:?}");
        }
        assert!(rendered.contains("\\u{1b}[2J"), "{rendered}");
    }
    assert_eq!(d.short().lines().count(), 1);
    // The caret is still under the character the column names.
    assert_caret_under(&d.human(false), "y");
    // Colors come only from the renderer, and the escaped text stays escaped.
    let colored = d.human(true);
    assert!(colored.contains("\\u{1b}[2J") && !colored.contains("\u{1b}[2J"));
}

#[test]
fn a_diagnostic_without_a_source_line_still_names_its_place() {
    let d = Diagnostic {
        source_line: None,
        ..at("spec/a.yaml", "", 1, "not UTF-8")
    };
    let rendered = d.human(false);
    assert!(
        rendered.starts_with("error: spec/a.yaml:7:1: not UTF-8\n"),
        "{rendered}"
    );
    assert!(!rendered.contains('^'), "{rendered}");
}

#[test]
fn message_format_names_parse() {
    assert_eq!(
        MessageFormat::parse("short", true),
        Some(MessageFormat::Short)
    );
    assert_eq!(
        MessageFormat::parse("human", false),
        Some(MessageFormat::Human { color: false })
    );
    assert_eq!(MessageFormat::parse("json", false), None);
}

#[test]
#[ignore = "prints sample renderings for a human to look at"]
fn show() {
    let hostile = "x: \u{1b}[2J\t名\r\u{202E}y";
    for d in [
        at(
            "spec/a.yaml",
            "    method: FETCH",
            13,
            "invalid HTTP method `FETCH`",
        ),
        at(
            "spec/a.yaml",
            hostile,
            hostile.chars().count(),
            "bad \u{1b}[31m",
        ),
    ] {
        eprintln!("{}", d.human(false));
        eprintln!("{}", d.short());
    }
}
