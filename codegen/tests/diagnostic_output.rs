//! Spec diagnostics printed from real files with hostile names and
//! contents: text that is not UTF-8, a file name holding an escape
//! sequence and a newline, a source line with a bidi control. Neither
//! form may pass a control character through, and the short form stays one
//! line per problem.

use std::fs;
use std::path::Path;

use feishu_codegen::diagnostic::MessageFormat;
use feishu_codegen::{Failure, generate_dir};

#[test]
fn hostile_file_names_and_contents_print_safely_in_both_forms() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("diagnostic-output");
    let _ = fs::remove_dir_all(&dir);
    let spec = dir.join("spec");
    fs::create_dir_all(spec.join("demo")).unwrap();
    // Not UTF-8.
    fs::write(
        spec.join("demo/v1.yaml"),
        b"service: demo\nversion: \xff\xfe v1\n",
    )
    .unwrap();
    // A name that would recolor the terminal and start a new line, and an
    // unknown key that starts with a bidi control (YAML itself refuses
    // escape sequences in the text).
    fs::write(
        spec.join("demo/\u{1b}[31mv2\nfake.yaml"),
        "service: demo\nversion: v2\ntypes:\n  t:\n    description: x\n    \u{202E}bogus_key: 1\n",
    )
    .unwrap();
    let diagnostics = match generate_dir(&spec, &dir, "feishu-hostile") {
        Err(Failure::Spec(diagnostics)) => diagnostics,
        Err(other) => panic!("{other}"),
        Ok(_) => panic!("hostile specs generated"),
    };
    assert!(diagnostics.error_count() >= 2, "{diagnostics}");
    for format in [MessageFormat::Short, MessageFormat::Human { color: false }] {
        let shown = diagnostics.render(format);
        let raw: Vec<char> = shown
            .chars()
            .filter(|c| c.is_control() && *c != '\n')
            .collect();
        assert!(raw.is_empty(), "{raw:?} in:\n{shown}");
        assert!(!shown.contains('\u{202E}'), "{shown}");
        assert!(shown.contains("\\u{1b}[31mv2\\u{a}fake.yaml"), "{shown}");
    }
    let short = diagnostics.render(MessageFormat::Short);
    assert_eq!(short.lines().count(), diagnostics.0.len() + 1, "{short}");
    let human = diagnostics.render(MessageFormat::Human { color: false });
    assert!(human.contains("readable UTF-8"), "{human}");
    assert!(human.contains("6 |     \\u{202e}bogus_key: 1"), "{human}");
    assert!(human.contains("  |     ^"), "{human}");
    fs::remove_dir_all(&dir).unwrap();
}
