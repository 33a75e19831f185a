//! Mutation fuzzing of the spec loader and resolver: codegen must never panic,
//! whatever the input, and every diagnostic must have a position and a
//! message.
//!
//! Seeds are every spec file of the repository (`spec/`, `tests/specs/`) and
//! the broken-spec corpus (`codegen/tests/broken/`); each mutant stacks a few
//! random edits (lines deleted, duplicated, swapped or re-indented, YAML
//! syntax characters, unicode, huge numbers, long strings, deep nesting) and
//! goes through `generate_from_sources`, beside the real `spec/common.yaml`
//! or alone.
//!
//! It runs for `FUZZ_SECONDS` (default 2) with the seed `FUZZ_SEED` (default:
//! random, printed), e.g. for a long run:
//!
//! ```text
//! FUZZ_SECONDS=600 cargo test --release -p feishu-codegen --test fuzz_loader -- --nocapture
//! ```
//!
//! A failing input is written to the temporary directory and printed. Once
//! the bug is fixed, add it to `codegen/tests/fuzz_regressions/` (any
//! `*.yaml` there is replayed first, every run) or to the broken corpus.

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::fs;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::time::{Duration, Instant};

use codegen::{Failure, generate_from_sources};

mod support;
use support::{workspace, yaml_files};

fn read_all(dirs: &[&str]) -> Vec<String> {
    yaml_files(dirs)
        .iter()
        .map(|p| fs::read_to_string(p).unwrap())
        .collect()
}

/// What a run must never do. Returns a description of the violation.
fn run_one(sources: &[(&str, &str)]) -> Result<(), String> {
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        generate_from_sources(sources, "feishu-fuzz")
    }));
    let diagnostics = match outcome {
        Err(panic) => {
            let message = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                .unwrap_or_default();
            return Err(format!("codegen panicked: {message}"));
        }
        Ok(Ok(generation)) => {
            if generation.warnings.has_errors() {
                return Err("generated despite errors".into());
            }
            generation.warnings
        }
        Ok(Err(Failure::Spec(diagnostics))) => {
            if !diagnostics.has_errors() {
                return Err(format!("failed without an error:\n{diagnostics}"));
            }
            diagnostics
        }
        Ok(Err(error @ Failure::Emit(_))) => {
            return Err(format!(
                "a spec that passed validation gave invalid Rust: {error}"
            ));
        }
    };
    for d in &diagnostics.0 {
        if d.position.line < 1 || d.position.column < 1 {
            return Err(format!("diagnostic without a position: {d}"));
        }
        if d.message.trim().is_empty() {
            return Err(format!("diagnostic without a message: {d}"));
        }
        let text = sources
            .iter()
            .find(|(path, _)| *path == d.file)
            .map(|(_, text)| *text)
            .ok_or_else(|| format!("diagnostic names an unknown file: {d}"))?;
        // Lines as YAML counts them: a lone `\r` ends one too.
        let lines = text
            .replace("\r\n", "\n")
            .replace('\r', "\n")
            .lines()
            .count();
        if d.position.line > lines.max(1) + 1 {
            return Err(format!("diagnostic points past the end of the file: {d}"));
        }
    }
    // Display must not panic either (caret placement on odd lines).
    let _ = diagnostics.to_string();
    Ok(())
}

const SYNTAX: &[&str] = &[
    ":", ": ", "-", "- ", "[", "]", "{", "}", "\"", "'", "&", "&a ", "*", "*a", "!", "!!str ",
    "!!map ", "#", " #", "|", "|-\n", ">", ">+\n", "\t", "?", "? ", ",", "%", "@", "`", "---\n",
    "...\n", "<<: *a\n", "~", "null", "\\", "\r", "\r\n", "\0",
];

const UNICODE: &[&str] = &[
    "é",
    "名称",
    "😀",
    "\u{feff}",
    "\u{200b}",
    "\u{202e}",
    "e\u{301}",
    "\u{10ffff}",
    "ﬁ",
    "Ⅻ",
    "\u{85}",
    "\u{2028}",
    "ß",
    "İ",
    "𝔘",
];

const TOKENS: &[&str] = &[
    "string",
    "int",
    "int64",
    "float",
    "bool",
    "\"string[]\"",
    "\"x[]\"",
    "GET",
    "get",
    "POST",
    "FETCH",
    "tenant",
    "bot",
    "[]",
    "{}",
    "/open-apis/x/v1/:id",
    ":id",
    "100/min",
    "0/s",
    "5/day",
    "timestamp_ms",
    "timestamp",
    "true",
    "false",
    "yes",
    "null",
    "Unknown",
    "unknown",
    "zh-CN",
    "self",
    "Self",
    "type",
    "crate",
    "_",
    "r#type",
    "user_id_type",
    "i18n",
    "offset",
    "page_token",
    "has_more",
    "items",
    "-1",
    "0",
    "1.5",
    ".inf",
    ".nan",
    "0x1F",
    "0o17",
    "1e400",
];

const HUGE_NUMBERS: &[&str] = &[
    "99999999999999999999999999999999",
    "-9223372036854775809",
    "18446744073709551616",
    "1e308",
    "-1e309",
    "4294967296",
    "65536",
    "-0",
    "0.0000000000000000000000001",
];

const KEYS: &[&str] = &[
    "service",
    "version",
    "types",
    "parameters",
    "resources",
    "methods",
    "fields",
    "enum",
    "value",
    "rust_name",
    "type",
    "ref",
    "required",
    "min",
    "max",
    "min_items",
    "max_items",
    "format",
    "deprecated",
    "method",
    "url",
    "tokens",
    "rate_limit",
    "path_params",
    "query_params",
    "body",
    "response",
    "errors",
    "examples",
    "paging",
    "style",
    "items",
    "code",
    "status",
];

fn pick<'a>(rng: &mut fastrand::Rng, items: &[&'a str]) -> &'a str {
    items[rng.usize(..items.len())]
}

/// A char boundary of `text`, uniformly among them.
fn boundary(rng: &mut fastrand::Rng, text: &str) -> usize {
    let count = text.chars().count();
    let n = rng.usize(..=count);
    text.char_indices().nth(n).map_or(text.len(), |(i, _)| i)
}

fn insert(rng: &mut fastrand::Rng, text: &mut String, piece: &str) {
    let at = boundary(rng, text);
    text.insert_str(at, piece);
}

fn deep_nesting(rng: &mut fastrand::Rng) -> String {
    let limit = if rng.bool() { 64 } else { 4000 };
    let depth = rng.usize(1..=limit);
    match rng.u8(..4) {
        0 => "[".repeat(depth) + &"]".repeat(rng.usize(..=depth)),
        1 => "{a: ".repeat(depth) + &"}".repeat(rng.usize(..=depth)),
        2 => (0..depth.min(300))
            .map(|i| format!("{}k{i}:\n", " ".repeat(i * 2)))
            .collect(),
        _ => (0..depth.min(300))
            .map(|i| format!("{}- ", " ".repeat(i * 2)))
            .collect::<Vec<_>>()
            .join("\n"),
    }
}

fn mutate(rng: &mut fastrand::Rng, text: &str, seeds: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let edits = rng.usize(1..=4);
    for _ in 0..edits {
        let n = lines.len();
        match rng.u8(..16) {
            0 if n > 0 => {
                lines.remove(rng.usize(..n));
            }
            1 if n > 0 => {
                let i = rng.usize(..n);
                lines.insert(rng.usize(..=n), lines[i].clone());
            }
            2 if n > 1 => lines.swap(rng.usize(..n), rng.usize(..n)),
            3 if n > 0 => {
                // Re-indent: more, less, or a tab.
                let i = rng.usize(..n);
                let line = &mut lines[i];
                match rng.u8(..3) {
                    0 => line.insert_str(0, &" ".repeat(rng.usize(1..=4))),
                    1 => {
                        let strip = line
                            .chars()
                            .take_while(|c| *c == ' ')
                            .count()
                            .min(rng.usize(1..=4));
                        line.drain(..strip);
                    }
                    _ => line.insert(0, '\t'),
                }
            }
            4 | 5 if n > 0 => {
                let i = rng.usize(..n);
                let piece = pick(rng, SYNTAX);
                insert(rng, &mut lines[i], piece);
            }
            6 if n > 0 => {
                let i = rng.usize(..n);
                let piece = pick(rng, UNICODE);
                insert(rng, &mut lines[i], piece);
            }
            7 if n > 0 => {
                // Replace a value after `: ` with a token or a huge number.
                let i = rng.usize(..n);
                let piece = if rng.bool() {
                    pick(rng, HUGE_NUMBERS)
                } else {
                    pick(rng, TOKENS)
                };
                let line = &mut lines[i];
                match line.find(": ") {
                    Some(at) => {
                        let end = line[at + 2..]
                            .find([',', '}'])
                            .map_or(line.len(), |e| at + 2 + e);
                        line.replace_range(at + 2..end, piece);
                    }
                    None => line.push_str(piece),
                }
            }
            8 if n > 0 => {
                let i = rng.usize(..n);
                let long = match rng.u8(..3) {
                    0 => "x".repeat(rng.usize(1000..20_000)),
                    1 => "名".repeat(rng.usize(1000..5000)),
                    _ => format!("\"{}\"", "\\u00e9".repeat(rng.usize(100..2000))),
                };
                insert(rng, &mut lines[i], &long);
            }
            9 => {
                let at = rng.usize(..=n);
                lines.insert(at, deep_nesting(rng));
            }
            10 if n > 0 => {
                // Truncate the file.
                lines.truncate(rng.usize(..n));
                if rng.bool()
                    && let Some(last) = lines.last_mut()
                {
                    let cut = boundary(rng, last);
                    last.truncate(cut);
                }
            }
            11 => {
                // Splice a line from another seed.
                let other = &seeds[rng.usize(..seeds.len())];
                let other_lines: Vec<&str> = other.lines().collect();
                if !other_lines.is_empty() {
                    let line = other_lines[rng.usize(..other_lines.len())].to_owned();
                    lines.insert(rng.usize(..=n), line);
                }
            }
            12 if n > 0 => {
                // A spec key, maybe misspelt, at some indentation.
                let key = pick(rng, KEYS);
                let mut key = key.to_owned();
                if rng.bool() && key.len() > 2 {
                    let i = rng.usize(..key.len() - 1);
                    // Keys are ASCII: swap two letters.
                    let mut bytes = key.into_bytes();
                    bytes.swap(i, i + 1);
                    key = String::from_utf8(bytes).unwrap();
                }
                let indent = " ".repeat(rng.usize(..5) * 2);
                let value = pick(rng, TOKENS);
                lines.insert(rng.usize(..=n), format!("{indent}{key}: {value}"));
            }
            13 if n > 0 => {
                // Delete a character range.
                let i = rng.usize(..n);
                let line = &mut lines[i];
                let a = boundary(rng, line);
                let b = boundary(rng, line);
                let (a, b) = (a.min(b), a.max(b));
                line.replace_range(a..b, "");
            }
            14 => {
                // An anchor and many aliases (billion laughs, small).
                lines.insert(0, "x: &a [1, 2, 3]".into());
                lines.push(format!("y: [{}]", vec!["*a"; rng.usize(1..200)].join(", ")));
            }
            _ => {
                let i = rng.usize(..=n);
                lines.insert(i, String::new());
            }
        }
    }
    let mut out = lines.join(if rng.u8(..10) == 0 { "\r\n" } else { "\n" });
    if rng.bool() {
        out.push('\n');
    }
    out
}

#[test]
fn the_loader_never_panics() {
    let root = workspace();
    let common = fs::read_to_string(root.join("spec/common.yaml")).unwrap();
    let seeds = read_all(&["spec", "tests/specs", "codegen/tests/broken"]);
    assert!(seeds.len() > 40, "few seeds: {}", seeds.len());

    // Inputs that once crashed, replayed as they are.
    let regressions = read_all(&["codegen/tests/fuzz_regressions"]);
    for text in regressions.iter().chain(&seeds) {
        for sources in [
            vec![
                ("spec/common.yaml", common.as_str()),
                ("spec/x/v1.yaml", text),
            ],
            vec![("spec/x.yaml", text.as_str())],
        ] {
            if let Err(problem) = run_one(&sources) {
                panic!("{problem}\ninput:\n{text}");
            }
        }
    }

    let seconds: f64 = std::env::var("FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| fastrand::u64(..));
    println!("fuzz_loader: FUZZ_SEED={seed} FUZZ_SECONDS={seconds}");
    let mut rng = fastrand::Rng::with_seed(seed);
    // Quiet the default hook: panics are caught and reported below.
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let deadline = Instant::now() + Duration::from_secs_f64(seconds);
    let mut runs = 0u64;
    let mut failure = None;
    while Instant::now() < deadline {
        let base = &seeds[rng.usize(..seeds.len())];
        let mutant = mutate(&mut rng, base, &seeds);
        let alone = rng.u8(..4) == 0;
        let sources: Vec<(&str, &str)> = if alone {
            vec![("spec/x.yaml", mutant.as_str())]
        } else {
            vec![
                ("spec/common.yaml", common.as_str()),
                ("spec/x/v1.yaml", mutant.as_str()),
            ]
        };
        runs += 1;
        if let Err(problem) = run_one(&sources) {
            failure = Some((problem, mutant, alone));
            break;
        }
    }
    std::panic::set_hook(hook);
    println!("fuzz_loader: {runs} mutants run");
    if let Some((problem, mutant, alone)) = failure {
        let saved = std::env::temp_dir().join(format!("codegen-fuzz-{seed}.yaml"));
        let _ = fs::write(&saved, &mutant);
        let shown: String = mutant.chars().take(4000).collect();
        panic!(
            "{problem}\n(after {runs} mutants, FUZZ_SEED={seed}, {}; input saved to {})\n\
             input:\n{shown}",
            if alone {
                "as a lone file"
            } else {
                "beside spec/common.yaml"
            },
            saved.display()
        );
    }
    assert!(runs > 0, "no mutant ran");
}
