//! `generated/` must be exactly what `spec/` produces: the golden test.
//! A mismatch prints a diff and the command that fixes it.

use std::fs;
use std::path::Path;

use codegen::output::{Drift, compare};
use feishu_tests::workspace_root;

const FIX: &str = "run `cargo run -p codegen` and commit the result";

fn generate() -> codegen::Generation {
    let root = workspace_root();
    match codegen::generate(&root.join("spec"), &root) {
        Ok(generation) => generation,
        Err(failure) => panic!("the specs in spec/ do not generate:\n{failure}"),
    }
}

fn diff_report(dir: &Path, generation: &codegen::Generation, drift: &[Drift]) -> String {
    let mut report = String::new();
    for d in drift {
        report.push_str(&format!("{d}\n"));
        if let Drift::Stale(path) = d {
            let on_disk = fs::read_to_string(dir.join(path)).unwrap_or_default();
            let expected = generation
                .files
                .iter()
                .find(|f| &f.path == path)
                .map(|f| f.contents.as_str())
                .unwrap_or_default();
            let diff = similar::TextDiff::from_lines(on_disk.as_str(), expected);
            report.push_str(
                &diff
                    .unified_diff()
                    .context_radius(2)
                    .header(&format!("generated/{path} (on disk)"), "generated from spec/")
                    .to_string(),
            );
        }
    }
    report
}

#[test]
fn generated_crate_matches_the_specs() {
    let generation = generate();
    let dir = workspace_root().join("generated");
    let drift = compare(&dir, &generation.files).expect("generated/ is readable");
    assert!(
        drift.is_empty(),
        "generated/ is out of date with spec/:\n{}\nTo fix: {FIX}.",
        diff_report(&dir, &generation, &drift)
    );
}

#[test]
fn every_generated_file_names_its_spec_and_the_command() {
    for file in &generate().files {
        let first = file.contents.lines().next().unwrap_or_default();
        assert!(
            first.contains("@generated") && first.contains("cargo run -p codegen") && first.contains("spec/"),
            "{} starts with {first:?}",
            file.path
        );
    }
}

#[test]
fn generation_is_deterministic() {
    let first = generate().files;
    let second = generate().files;
    assert_eq!(first, second);
}

/// The comparison the golden test relies on sees each kind of drift. The
/// tree is copied to a temporary directory so the real one is never touched.
#[test]
fn edited_missing_and_stray_files_are_all_reported() {
    let generation = generate();
    let scratch = std::env::temp_dir().join(format!("feishu-golden-{}", std::process::id()));
    let _ = fs::remove_dir_all(&scratch);
    for file in &generation.files {
        let target = scratch.join(&file.path);
        fs::create_dir_all(target.parent().expect("files live in a directory")).expect("mkdir");
        fs::write(&target, &file.contents).expect("write");
    }
    assert_eq!(compare(&scratch, &generation.files).expect("readable"), vec![]);

    fs::write(scratch.join("src/lib.rs"), "// edited by hand\n").expect("write");
    fs::remove_file(scratch.join("src/common.rs")).expect("remove");
    fs::write(scratch.join("src/stray.rs"), "").expect("write");
    let drift = compare(&scratch, &generation.files).expect("readable");
    let _ = fs::remove_dir_all(&scratch);
    assert_eq!(
        drift,
        vec![
            Drift::Missing("src/common.rs".into()),
            Drift::Stale("src/lib.rs".into()),
            Drift::Extra("src/stray.rs".into()),
        ]
    );
}

/// A description change in a spec changes the generated code, so the golden
/// test would catch a spec edit that was not regenerated.
#[test]
fn a_spec_description_change_changes_the_output() {
    let root = workspace_root();
    let read = |p: &str| fs::read_to_string(root.join(p)).expect("spec readable");
    let common = read("spec/common.yaml");
    let okr = read("spec/okr/v1.yaml");
    let performance = read("spec/performance/v1.yaml");
    let edited = okr.replacen("description: 目标用户id", "description: 目标用户 ID（已修改）", 1);
    assert_ne!(edited, okr, "the description to edit was not found");
    let original = codegen::generate_from_sources(&[
        ("spec/common.yaml", &common),
        ("spec/okr/v1.yaml", &okr),
        ("spec/performance/v1.yaml", &performance),
    ])
    .expect("specs generate");
    let changed = codegen::generate_from_sources(&[
        ("spec/common.yaml", &common),
        ("spec/okr/v1.yaml", &edited),
        ("spec/performance/v1.yaml", &performance),
    ])
    .expect("edited specs generate");
    assert_eq!(original.files, generate().files, "in-memory and on-disk specs must agree");
    let differing: Vec<&str> = original
        .files
        .iter()
        .zip(&changed.files)
        .filter(|(a, b)| a.contents != b.contents)
        .map(|(a, _)| a.path.as_str())
        .collect();
    assert_eq!(differing, vec!["src/okr/v1/user_okr.rs"]);
}
