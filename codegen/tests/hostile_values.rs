//! Hostile values in every slot of a spec: codegen never panics, and either
//! rejects the spec with located errors or emits Rust that parses (the
//! emitter parses every file with syn; the fixture crate
//! `tests/generated/hardening` proves that such output also compiles and
//! documents warning-free).
//!
//! One slot is made hostile at a time, the others keep a valid default, so
//! an early error cannot hide a later panic.

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::panic::{AssertUnwindSafe, catch_unwind};

use codegen::{Failure, generate_from_sources};

const TEMPLATE: &str = r#"service: demo
version: v1
types:
  TYPE:
    description: DESC
    fields:
      FIELD: {type: int, min: NUM, max: 100, description: DESC}
      RUST: {type: string, rust_name: RUSTNAME, description: d}
      tags: {type: "string[]", min_items: COUNT, description: d}
  kind:
    description: d
    enum:
      - {value: ENUMVALUE, rust_name: ENUMNAME, description: DESC}
resources:
  RESOURCE:
    description: DESC
    methods:
      ACTION:
        summary: DESC
        method: POST
        url: URL
        doc_url: https://open.feishu.cn/document/demo
        tokens: [tenant]
        rate_limit: RATE
        query_params:
          PARAM: {type: float, max: NUM, description: DESC}
        body:
          type: TYPE
        response:
          fields:
            kind: {type: kind, description: d}
        errors:
          - {status: STATUS, code: CODE, message: DESC}
events:
  EVENTTYPE:
    version: v2.0
    summary: DESC
    description: DESC
    rust_name: EVENTNAME
    doc_url: DOCURL
    scopes: [DESC]
    fields:
      FIELD: {type: TYPE, description: DESC}
"#;

/// Each slot and its valid default (already in YAML syntax).
const SLOTS: &[(&str, &str)] = &[
    ("TYPE", "item"),
    ("FIELD", "size"),
    ("RUSTNAME", "label"),
    ("RUST", "label_text"),
    ("DESC", "描述"),
    ("NUM", "1"),
    ("COUNT", "1"),
    ("ENUMVALUE", "1"),
    ("ENUMNAME", "one"),
    ("RESOURCE", "item"),
    ("ACTION", "create"),
    ("PARAM", "ratio"),
    ("URL", "/open-apis/demo/v1/items"),
    ("RATE", "5/s"),
    ("STATUS", "400"),
    ("CODE", "99991"),
    ("EVENTTYPE", "demo.item.changed_v1"),
    ("EVENTNAME", "item_changed"),
    ("DOCURL", "https://open.feishu.cn/document/demo/events"),
];

/// Hostile strings, inserted as YAML double-quoted (JSON) strings.
fn hostile_strings() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        " ",
        "a b",
        "*/",
        "/*",
        "\"#",
        "\"##",
        "#",
        "\u{0}",
        "a\u{0}b",
        "\r",
        "\t",
        "\u{7f}",
        "\u{202e}",
        "\u{feff}",
        "r#type",
        "self",
        "Self",
        "super",
        "crate",
        "_",
        "__",
        "1",
        "-1",
        "é",
        "名称",
        "😀",
        "a::b",
        "'a",
        "a-b",
        "::",
        "#[x]",
        "```",
        "```rust\nfn x(",
        "~~~",
        "<!--",
        "<b>",
        "[x]",
        "[`x`]",
        "]]",
        "#![deny(warnings)]",
        "\\",
        "\\u{0}",
        "}",
        "{",
        "$",
        "%",
        "@",
        "`",
        "``",
        "new",
        "send",
        "Unknown",
        "None",
        "Option",
        "Result",
        "https://example.com/a_b",
        "true",
        "null",
        "0x10",
        ".inf",
        ".nan",
        // Event types whose Rust names are keywords or the enum's own name.
        "demo.self",
        "demo.super",
        "demo.type",
        "demo.crate",
        "demo.v1_event",
        "demo.unknown",
        "demo.item.changed_v1.x",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    out.push("a".repeat(10_000));
    out.push("名".repeat(5_000));
    out.push("_".repeat(300));
    out
}

/// Hostile numbers, inserted as written (YAML decides what they are).
const NUMBERS: &[&str] = &[
    ".inf",
    "-.inf",
    ".nan",
    ".NaN",
    "1e308",
    "-1e308",
    "1e400",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551616",
    "99999999999999999999999999999999",
    "4294967295",
    "4294967296",
    "-1",
    "0",
    "-0",
    "0.1",
    "1e-320",
    "0x7fffffffffffffff",
    "0o777",
    "~",
    "\"1\"",
    "[1]",
    "{a: 1}",
];

fn render(slot: &str, value: &str) -> String {
    let mut text = TEMPLATE.to_owned();
    // Longest names first: `RUSTNAME` before `RUST`.
    let mut slots: Vec<&(&str, &str)> = SLOTS.iter().collect();
    slots.sort_by_key(|(name, _)| std::cmp::Reverse(name.len()));
    for (name, default) in slots {
        let with = if *name == slot { value } else { default };
        text = text.replace(name, with);
    }
    text
}

/// Runs one spec; returns a description of what went wrong, if anything.
fn check(text: &str) -> Option<String> {
    let sources = [("spec/demo/v1.yaml", text)];
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        generate_from_sources(&sources, "feishu-hostile")
    }));
    match outcome {
        Err(_) => Some("codegen panicked".into()),
        Ok(Err(error @ Failure::Emit(_))) => Some(format!("invalid Rust emitted: {error}")),
        Ok(Err(Failure::Spec(diagnostics))) => {
            let lines = text.lines().count() + 1;
            let unlocated = diagnostics.0.iter().find(|d| {
                d.file != "spec/demo/v1.yaml"
                    || d.position.line == 0
                    || d.position.line > lines
                    || d.position.column == 0
                    || d.source_line.is_none()
            });
            if let Some(d) = unlocated {
                return Some(format!("unlocated diagnostic: {d}"));
            }
            if !diagnostics.has_errors() {
                return Some("failed without an error".into());
            }
            let shown = diagnostics.to_string();
            // Long values are cut in the display (around the column).
            (shown.len() > 40_000).then(|| format!("a {}-byte diagnostic", shown.len()))
        }
        Ok(Ok(_)) => None,
    }
}

#[test]
fn the_valid_template_generates() {
    let text = render("", "");
    assert_eq!(check(&text), None, "{text}");
    assert!(generate_from_sources(&[("spec/demo/v1.yaml", &text)], "x").is_ok());
}

#[test]
fn hostile_values_in_every_slot_never_panic() {
    // The panic hook would print every caught panic; keep the output clean
    // and report them together below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    let strings = hostile_strings();
    for (slot, _) in SLOTS {
        let quoted = strings.iter().map(|s| serde_json::to_string(s).unwrap());
        let values: Vec<String> = quoted
            .chain(NUMBERS.iter().map(|n| (*n).to_owned()))
            .collect();
        for value in &values {
            let text = render(slot, value);
            if let Some(problem) = check(&text) {
                let shown: String = value.chars().take(60).collect();
                failures.push(format!("{slot} = {shown}: {problem}"));
            }
        }
    }
    std::panic::set_hook(hook);
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
