//! Diagnostics stay cheap and short however big the spec: the cost of
//! reporting is proved with a counter, not a clock (timings live in
//! BENCHMARKS.md).

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use codegen::{Failure, generate_from_sources, load, resolve};

/// `count` types, none of them used: one warning each.
fn unused_types(count: usize) -> String {
    let mut text = String::from("service: demo\nversion: v1\ntypes:\n");
    for i in 0..count {
        text.push_str(&format!(
            "  type_{i}:\n    description: 类型 {i}\n    fields:\n      id: {{type: string, description: ID}}\n"
        ));
    }
    text
}

#[test]
fn unused_type_warnings_read_each_line_once() {
    for count in [500, 4_000] {
        let text = unused_types(count);
        let (loaded, problems) = load::load_str("spec/demo/v1.yaml", &text);
        assert!(problems.is_empty(), "{problems:?}");
        let loaded = loaded.expect("the spec loads");
        let (model, diagnostics) = resolve::resolve(std::slice::from_ref(&loaded));
        assert!(model.is_some(), "{diagnostics}");
        let warnings = diagnostics
            .0
            .iter()
            .filter(|d| d.message.contains("never used"))
            .count();
        assert_eq!(warnings, count);
        // Each warning shows its own line: the text read to build them all
        // is bounded by the file, not by warnings × file (quadratic before).
        let read = loaded.source.bytes_read();
        assert!(
            read <= text.len(),
            "{count} warnings read {read} bytes of a {}-byte file",
            text.len()
        );
    }
}

#[test]
fn a_ten_megabyte_line_gives_a_short_diagnostic() {
    let filler = "名".repeat(10 * 1024 * 1024 / 3);
    let text = format!(
        "service: demo\nversion: v1\ntypes: {{a: {{description: \"{filler}\", fields: {{f: {{type: nope, description: d}}}}}}}}\n"
    );
    let Err(Failure::Spec(diagnostics)) = generate_from_sources(&[("spec/x.yaml", &text)], "x")
    else {
        panic!("an unknown type must fail");
    };
    let diagnostic = diagnostics
        .0
        .iter()
        .find(|d| d.message.contains("unknown type `nope`"))
        .unwrap_or_else(|| panic!("no unknown-type error in {diagnostics}"));
    assert!(diagnostic.to_string().len() < 1_000, "{diagnostic}");
    let shown = diagnostic.human(false);
    assert!(shown.len() < 1_000, "{} bytes: {shown}", shown.len());
    // The caret is still under the offending value (columns counted in
    // display width: `名` takes two).
    let lines: Vec<&str> = shown.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.contains("| ") && l.contains("nope"))
        .expect(&shown);
    let source = lines[at].split_once("| ").expect("source line").1;
    let caret = lines[at + 1].split_once("| ").expect("caret line").1;
    let width = |s: &str| {
        s.chars()
            .map(|c| if c == '名' { 2 } else { 1 })
            .sum::<usize>()
    };
    let prefix = &source[..source.find("nope").unwrap()];
    assert_eq!(
        caret.find('^'),
        Some(width(prefix)),
        "caret misplaced in:\n{shown}"
    );
}
