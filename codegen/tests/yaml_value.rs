//! Differential test of the one-parse loader: the `serde_yaml::Value` that
//! `SourceFile::parse` builds from yaml-rust2's events must equal
//! `serde_yaml::from_str::<serde_yaml::Value>` of the same text (which is
//! what codegen used before), for every spec file of the repository, every
//! broken-spec and fuzz-regression fixture, and a list of tricky scalars and
//! documents. Where serde_yaml refuses a text, the loader must refuse it too
//! (its message may differ: it is located and says more).
//!
//! Values are compared with `==` and by their `Debug` text, which also
//! tells `-0.0` from `0.0`, the order of mapping keys and a tag's `!`.

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::fs;

use codegen::source::{Parsed, SourceFile};
use codegen::yaml_value::{MAX_ALIAS_COPY_BYTES, MAX_DEPTH};
use serde_yaml::Value;

mod support;
use support::{workspace, yaml_files};

/// How the two parsers disagree on `text`, if they do.
fn difference(text: &str) -> Option<String> {
    let expected = serde_yaml::from_str::<Value>(text);
    let (_, parsed) = SourceFile::parse("x.yaml", text);
    match (expected, parsed) {
        (Ok(expected), Parsed::Value(actual)) => {
            let (e, a) = (format!("{expected:?}"), format!("{actual:?}"));
            (expected != actual || e != a).then(|| format!("serde_yaml: {e}\n  loader:     {a}"))
        }
        (Err(_), Parsed::Syntax(_) | Parsed::Refused(_)) => None,
        (Ok(expected), refused) => Some(format!(
            "serde_yaml: {expected:?}\n  loader refused: {refused:?}"
        )),
        (Err(error), Parsed::Value(actual)) => {
            Some(format!("serde_yaml refused: {error}\n  loader: {actual:?}"))
        }
    }
}

/// Where the two parsers, libyaml (serde_yaml, YAML 1.1) and yaml-rust2
/// (YAML 1.2), read a text differently, and what the loader gives: the
/// value's `Debug` text, or `refused: ` and the message. Pinned by
/// [`known_differences_are_pinned`], so a change on either side shows.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // Read where libyaml refuses, as YAML 1.2 allows (harmless: a spec
    // written so still meets the key and type checks).
    // A document end marker without a document: an empty stream.
    ("...\n", "Null"),
    // An empty implicit key: a null key.
    (": v\n", "Mapping {Null: String(\"v\")}"),
    // A tag directly before a flow indicator.
    ("{k: !!str}\n", "Mapping {\"k\": String(\"\")}"),
    (
        "{k: !foo}\n",
        "Mapping {\"k\": TaggedValue { tag: !foo, value: Null }}",
    ),
    // Read differently: `?` before a non-space is text in YAML 1.2, so the
    // key is `?a` (the key check then reports it as unknown), not `a`.
    ("{?a: 1}\n", "Mapping {\"?a\": Number(1)}"),
    // Refused where libyaml reads, as YAML 1.2 requires: lines a quoted or
    // flow value continues on indented no further than its key.
    (
        "a:\n  b: \"one\n  two\"\n",
        "refused: invalid indentation in quoted scalar",
    ),
    (
        "a: 'x\ny'\n",
        "refused: invalid indentation in quoted scalar",
    ),
    (
        "a:\n  b: {x: 1,\n  y: 2}\n",
        "refused: invalid indentation in flow construct",
    ),
    ("a:\n  b: [1,\n2]\n", "refused: invalid indentation"),
];

fn assert_same(cases: &[(String, String)]) {
    let differences: Vec<String> = cases
        .iter()
        .filter(|(_, text)| !KNOWN_DIFFERENCES.iter().any(|(known, _)| known == text))
        .filter_map(|(name, text)| difference(text).map(|d| format!("{name}:\n  {d}")))
        .collect();
    assert!(
        differences.is_empty(),
        "{} of {} inputs differ:\n{}",
        differences.len(),
        cases.len(),
        differences.join("\n")
    );
}

/// The loader refuses these before reading any value (see
/// `load::unusual_line_break`): YAML 1.1 (serde_yaml's libyaml) breaks lines
/// there and YAML 1.2 (yaml-rust2) does not, so they are not compared.
fn has_unusual_line_break(text: &str) -> bool {
    text.contains(['\u{85}', '\u{2028}', '\u{2029}'])
}

#[test]
fn every_spec_and_fixture_file_gives_serde_yamls_value() {
    let root = workspace();
    let files = yaml_files(&[
        "spec",
        "tests/specs",
        "codegen/tests/broken",
        "codegen/tests/fuzz_regressions",
    ]);
    // The fixture that pins the message for a YAML 1.2 indentation rule
    // libyaml does not enforce (see KNOWN_DIFFERENCES).
    let stricter = "codegen/tests/broken/yaml_quoted_continuation.yaml";
    let mut cases = Vec::new();
    let mut skipped = Vec::new();
    for path in &files {
        let text = fs::read_to_string(path).unwrap();
        let name = path.strip_prefix(&root).unwrap().display().to_string();
        if name == stricter {
            assert!(serde_yaml::from_str::<Value>(&text).is_ok(), "{name}");
            let (_, parsed) = SourceFile::parse(name.as_str(), text.as_str());
            assert!(matches!(parsed, Parsed::Syntax(_)), "{name}: {parsed:?}");
            skipped.push(name);
        } else if has_unusual_line_break(&text) {
            skipped.push(name);
        } else {
            cases.push((name, text));
        }
    }
    assert!(cases.len() > 120, "few files found: {}", cases.len());
    assert_eq!(
        skipped,
        [
            "codegen/tests/broken/invisible_line_separator.yaml",
            stricter
        ],
        "only the line-separator and quoted-continuation fixtures are skipped"
    );
    assert_same(&cases);
}

/// Plain, quoted and tagged scalars: every rule of serde_yaml's resolution.
const SCALARS: &[&str] = &[
    // null and booleans
    "",
    "null",
    "Null",
    "NULL",
    "nULL",
    "~",
    "true",
    "True",
    "TRUE",
    "tRUE",
    "false",
    "False",
    "FALSE",
    "yes",
    "no",
    "on",
    "off",
    "y",
    "n",
    // integers
    "0",
    "-0",
    "+0",
    "00",
    "01",
    "-01",
    "+01",
    "007",
    "08",
    "123",
    "-123",
    "+123",
    "++1",
    "+-1",
    "1_000",
    "0x1F",
    "0X1F",
    "0x1f",
    "-0x1F",
    "+0x1F",
    "0x-1",
    "0x+1",
    "0x",
    "0xg",
    "0o17",
    "-0o17",
    "+0o17",
    "0o8",
    "0o",
    "0b101",
    "-0b101",
    "+0b101",
    "0b2",
    "0b",
    "0x_1F",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "-9223372036854775809",
    "18446744073709551615",
    "18446744073709551616",
    "0x10000000000000000",
    "-0x8000000000000001",
    "340282366920938463463374607431768211455",
    "340282366920938463463374607431768211456",
    "-170141183460469231731687303715884105728",
    "-170141183460469231731687303715884105729",
    "99999999999999999999999999999999999999999",
    "12:30",
    "1:2:3",
    // floats
    "1.5",
    "-1.5",
    "+1.5",
    ".5",
    "-.5",
    "5.",
    "1e3",
    "1E3",
    "1e-3",
    "1e+3",
    "-1e3",
    "1e400",
    "-1e400",
    "1.7976931348623157e308",
    "2.5e-324",
    "0.0",
    "-0.0",
    "+0.0",
    "00.5",
    "01.5",
    "0e0",
    "1__2",
    "1.2.3",
    ".inf",
    ".Inf",
    ".INF",
    ".iNF",
    "-.inf",
    "-.Inf",
    "-.INF",
    "+.inf",
    "+.Inf",
    "inf",
    "-inf",
    "+inf",
    "infinity",
    "Infinity",
    ".nan",
    ".NaN",
    ".NAN",
    "+.nan",
    "-.nan",
    "nan",
    "NaN",
    "1.0e",
    "e3",
    "0x1.8p1",
    // text
    "2001-12-14",
    "abc",
    "a b",
    "a#b",
    "a #b",
    "é",
    "名称",
    "'x'",
    "'it''s'",
    "'true'",
    "'12'",
    "'null'",
    "''",
    "\"\"",
    "\"1\"",
    "\"\\u00e9\"",
    "\"a\\tb\"",
    "\"~\"",
    "12 # comment",
    "|\n  12\n",
    "|-\n  true\n",
    ">\n  folded\n  text\n",
    "|+\n  keep\n\n",
    // tags
    "!!str 12",
    "!!str",
    "!!str true",
    "!!str ~",
    "!!int 12",
    "!!int '12'",
    "!!int \"0x1F\"",
    "!!int abc",
    "!!int 1.5",
    "!!int 18446744073709551616",
    "!!float 1",
    "!!float '1.5'",
    "!!float abc",
    "!!float .nan",
    "!!float 010",
    "!!bool true",
    "!!bool 'false'",
    "!!bool yes",
    "!!null null",
    "!!null ~",
    "!!null ''",
    "!!null",
    "!!null x",
    "!!binary aGVsbG8=",
    "!!timestamp 2001-12-14",
    "!foo 12",
    "!foo '12'",
    "!foo",
    "!foo true",
    "!foo ~",
    "!foo |\n  12\n",
    "! 12",
    "! '12'",
    "! x",
    "!<tag:yaml.org,2002:str> 12",
    "!<tag:yaml.org,2002:int> 12",
    "!<!bar> x",
    "!<tag:example.com,2000:x> 1",
    "!foo [1, '2', x]",
    "!foo {a: 1}",
    "!!map {a: 1}",
    "!!seq [1]",
    "!!set {a, b}",
    "!!omap [a: 1]",
    "!foo [!bar x]",
    // anchors
    "&a 12",
    "&a !foo 12",
    "&a [1, 2]",
];

#[test]
fn tricky_scalars_give_serde_yamls_value() {
    let mut cases = Vec::new();
    for scalar in SCALARS {
        let block_safe = !scalar.contains('\n');
        cases.push((format!("document {scalar:?}"), (*scalar).to_owned()));
        cases.push((format!("value {scalar:?}"), format!("k: {scalar}\n")));
        cases.push((
            format!("nested value {scalar:?}"),
            format!("a:\n  b: {}\n", scalar.replace('\n', "\n  ")),
        ));
        cases.push((format!("item {scalar:?}"), format!("- {scalar}\n")));
        if block_safe {
            cases.push((format!("flow item {scalar:?}"), format!("[{scalar}, x]\n")));
            cases.push((
                format!("flow value {scalar:?}"),
                format!("{{k: {scalar}}}\n"),
            ));
            cases.push((format!("key {scalar:?}"), format!("{scalar}: v\n")));
            cases.push((
                format!("explicit key {scalar:?}"),
                format!("? {scalar}\n: v\n"),
            ));
        }
    }
    assert_same(&cases);
}

/// Documents, anchors, aliases and the limits serde_yaml enforces.
#[test]
fn documents_aliases_and_limits_match_serde_yaml() {
    let deep = |depth: usize| "[".repeat(depth) + &"]".repeat(depth);
    let deep_map = |depth: usize| "{a: ".repeat(depth) + "1" + &"}".repeat(depth);
    // `x` holds 2 levels; `y` opens 1 (the root) + `open` levels around it.
    let alias_at = |open: usize| {
        format!(
            "x: &x [[1]]\ny: {}*x{}\n",
            "[".repeat(open),
            "]".repeat(open)
        )
    };
    let laughs = {
        let mut text = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..10 {
            let refs = vec![format!("*l{}", level - 1); 10].join(", ");
            text.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
        }
        text
    };
    let texts: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("spaces", "   \n\n".into()),
        ("comment", "# only a comment\n".into()),
        ("document start", "---\n".into()),
        ("document end", "...\n".into()),
        ("start and end", "---\n...\n".into()),
        ("two starts", "---\n---\n".into()),
        ("two documents", "a: 1\n---\nb: 2\n".into()),
        ("ended document", "a: 1\n...\n".into()),
        ("ended, then a comment", "a: 1\n...\n# done\n".into()),
        ("ended, then more", "a: 1\n...\nb: 2\n".into()),
        ("inline document", "--- a\n".into()),
        ("version directive", "%YAML 1.2\n---\na: 1\n".into()),
        (
            "tag directive",
            "%TAG !e! tag:example.com,2000:\n---\na: !e!x 1\n".into(),
        ),
        (
            "local tag directive",
            "%TAG ! tag:example.com,2000:\n---\na: !x 1\n".into(),
        ),
        (
            "secondary tag directive",
            "%TAG !! tag:example.com,2000:\n---\na: !!int 1\n".into(),
        ),
        ("alias of a scalar", "a: &x 1\nb: *x\n".into()),
        (
            "alias of a collection",
            "a: &x [1, {b: 2}]\nc: *x\nd: [*x, *x]\n".into(),
        ),
        ("alias of a tagged value", "a: &x !foo 1\nb: *x\n".into()),
        ("alias as a key", "a: &k key\n? *k\n: 2\n".into()),
        ("anchor redefined", "a: &x 1\nb: &x 2\nc: *x\n".into()),
        ("anchor on a key", "&k a: 1\nb: *k\n".into()),
        ("recursive alias", "&a [*a]\n".into()),
        ("recursive alias in a mapping", "a: &a {b: *a}\n".into()),
        (
            "merge key kept as a key",
            "a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n".into(),
        ),
        ("billion laughs", laughs),
        ("nesting at the limit", deep(MAX_DEPTH)),
        ("nesting past the limit", deep(MAX_DEPTH + 1)),
        ("mappings at the limit", deep_map(MAX_DEPTH)),
        ("mappings past the limit", deep_map(MAX_DEPTH + 1)),
        ("alias reaching the limit", alias_at(MAX_DEPTH - 3)),
        ("alias past the limit", alias_at(MAX_DEPTH - 2)),
        ("unclosed nesting", "[".repeat(4000)),
        ("same key", "a: 1\na: 2\n".into()),
        ("same number key", "1: a\n0x1: b\n".into()),
        ("same null key", "null: a\n~: b\n".into()),
        ("same bool key", "true: a\nTrue: b\n".into()),
        ("same nan key", ".nan: a\n.NaN: b\n".into()),
        ("same key in flow", "{a: 1, a: 2}\n".into()),
        ("number and text keys", "1: a\n'1': b\n".into()),
        ("collection keys", "? [a]\n: 1\n? {b: c}\n: 2\n".into()),
        ("syntax error", "a: [b\n".into()),
        ("tab indentation", "a:\n\tb: 1\n".into()),
        ("unknown alias", "a: *nope\n".into()),
        ("carriage returns", "a: 1\rb: 2\r\nc: 3\n".into()),
        ("byte order mark", "\u{feff}a: 1\n".into()),
        ("multi-line plain", "a: one\n  two\n\n  three\n".into()),
        ("multi-line quoted", "a: \"one\n  two\\\n  three\"\n".into()),
        ("control character", "a: \"\\x01\\0\"\n".into()),
    ];
    let cases: Vec<(String, String)> = texts
        .into_iter()
        .map(|(name, text)| (name.to_owned(), text))
        .collect();
    assert_same(&cases);
}

/// The limits themselves: refused with a located message, not just
/// refused.
#[test]
fn limits_are_refused_where_they_are_crossed() {
    let deep = "x:\n  y: ".to_owned() + &"[".repeat(MAX_DEPTH) + &"]".repeat(MAX_DEPTH);
    let (_, parsed) = SourceFile::parse("x.yaml", deep.as_str());
    let Parsed::Syntax(error) = parsed else {
        panic!("nesting past the limit was accepted: {parsed:?}");
    };
    assert!(error.message.contains("recursion limit"), "{error:?}");
    // The root mapping and `y` are 2 levels: the 127th `[` is the 129th.
    assert_eq!((error.position.line, error.position.column), (2, 5 + 127));

    let mut laughs = String::from("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for level in 1..10 {
        let refs = vec![format!("*l{}", level - 1); 10].join(", ");
        laughs.push_str(&format!("l{level}: &l{level} [{refs}]\n"));
    }
    let (_, parsed) = SourceFile::parse("x.yaml", laughs.as_str());
    let Parsed::Refused(error) = parsed else {
        panic!("the alias bomb was accepted: {parsed:?}");
    };
    let mib = MAX_ALIAS_COPY_BYTES / (1024 * 1024);
    assert!(
        error.message.contains(&format!("more than {mib} MiB")),
        "{error:?}"
    );
    // Ten strings copied 10^5 times is about 100 MB of values: the level
    // that crosses 64 MiB is l5 (10^5 copies), on line 6.
    assert_eq!(error.position.line, 6, "{error:?}");
}

#[test]
fn known_differences_are_pinned() {
    for (text, pinned) in KNOWN_DIFFERENCES {
        let (_, parsed) = SourceFile::parse("x.yaml", *text);
        let actual = match parsed {
            Parsed::Value(value) => format!("{value:?}"),
            Parsed::Syntax(error) | Parsed::Refused(error) => format!("refused: {}", error.message),
        };
        assert_eq!(actual, *pinned, "{text:?}");
        let serde_yaml = match serde_yaml::from_str::<Value>(text) {
            Ok(value) => format!("{value:?}"),
            Err(_) => "refused".to_owned(),
        };
        assert!(
            !pinned.starts_with(&serde_yaml),
            "serde_yaml now agrees on {text:?} ({serde_yaml}): move it to the compared cases"
        );
    }
}

/// A leading byte order mark is not part of the first key, and positions
/// on the first line still count it (it is in the text shown).
#[test]
fn a_byte_order_mark_is_skipped_but_counted() {
    let (file, parsed) = SourceFile::parse("x.yaml", "\u{feff}service: demo\nversion: v1\n");
    let Parsed::Value(value) = parsed else {
        panic!("{parsed:?}");
    };
    assert_eq!(value["service"], Value::String("demo".into()));
    let at = file.value_position(&codegen::source::key_path(["service"]));
    assert_eq!((at.line, at.column), (1, 11));
    let at = file.value_position(&codegen::source::key_path(["version"]));
    assert_eq!((at.line, at.column), (2, 10));
}
