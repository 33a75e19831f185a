//! `generated/` must be exactly what `spec/` produces: the golden test.
//! A mismatch prints a diff and the command that fixes it.

use std::fs;
use std::path::Path;

use codegen::output::{Drift, compare};
use codegen::{MAIN_TARGET, TARGETS, Target};
use feishu_tests::workspace_root;

const FIX: &str = "run `cargo run -p codegen` and commit the result";

fn generate_target(target: &Target) -> codegen::Generation {
    match codegen::generate(target, &workspace_root()) {
        Ok(generation) => generation,
        Err(failure) => panic!(
            "the specs in {}/ do not generate:\n{failure}",
            target.spec_dir
        ),
    }
}

fn generate() -> codegen::Generation {
    generate_target(&MAIN_TARGET)
}

fn diff_report(
    target: &Target,
    dir: &Path,
    generation: &codegen::Generation,
    drift: &[Drift],
) -> String {
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
                    .header(
                        &format!("{}/{path} (on disk)", target.out_dir),
                        &format!("generated from {}/", target.spec_dir),
                    )
                    .to_string(),
            );
        }
    }
    report
}

/// Every generated crate (the client and the test-only fixtures) is exactly
/// what its specs produce.
#[test]
fn generated_crates_match_their_specs() {
    let mut report = String::new();
    for target in TARGETS {
        let generation = generate_target(target);
        let dir = workspace_root().join(target.out_dir);
        let drift = compare(&dir, &generation.files).expect("the generated crate is readable");
        if !drift.is_empty() {
            report.push_str(&format!(
                "{}/ is out of date with {}/:\n{}\n",
                target.out_dir,
                target.spec_dir,
                diff_report(target, &dir, &generation, &drift)
            ));
        }
    }
    assert!(report.is_empty(), "{report}To fix: {FIX}.");
}

#[test]
fn every_generated_file_names_its_spec_and_the_command() {
    for target in TARGETS {
        for file in generate_target(target).files {
            let first = file.contents.lines().next().unwrap_or_default();
            assert!(
                first.contains("@generated")
                    && first.contains("`cargo run -p codegen`")
                    && first.contains(&format!("from {}/", target.spec_dir)),
                "{}/{} starts with {first:?}",
                target.out_dir,
                file.path
            );
        }
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
    assert_eq!(
        compare(&scratch, &generation.files).expect("readable"),
        vec![]
    );

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
    // Every spec file, so the in-memory run matches `cargo run -p codegen`.
    let mut specs: Vec<(String, String)> = Vec::new();
    let mut dirs = vec![root.join("spec")];
    while let Some(dir) = dirs.pop() {
        for entry in fs::read_dir(&dir).expect("spec dir readable") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml") {
                let shown = path
                    .strip_prefix(&root)
                    .expect("under the root")
                    .to_string_lossy()
                    .replace('\\', "/");
                specs.push((shown, fs::read_to_string(&path).expect("spec readable")));
            }
        }
    }
    specs.sort();
    // Any parameter whose description is written once, plainly, in its
    // service's file: no spec file is named, so adding or rewriting one
    // never breaks this test.
    let model = generate().model;
    let (file, needle, resource_file) = model
        .services
        .iter()
        .flat_map(|s| s.resources.iter().map(move |r| (s, r)))
        .flat_map(|(s, r)| r.operations.iter().map(move |op| (s, r, op)))
        .flat_map(|(s, r, op)| {
            op.path_params
                .iter()
                .chain(&op.query_params)
                .map(move |p| (s, r, p))
        })
        .find_map(|(s, r, p)| {
            let needle = format!("description: {}", p.docs.description);
            let text = &specs
                .iter()
                .find(|(path, _)| *path == s.namespace.spec_file)?
                .1;
            (text.matches(&needle).count() == 1).then(|| {
                let resource_file = format!(
                    "src/{}/{}/{}.rs",
                    s.module.unraw(),
                    s.version_module.unraw(),
                    r.module.unraw()
                );
                (s.namespace.spec_file.clone(), needle, resource_file)
            })
        })
        .expect("some parameter has a plainly written description");
    let spec_text = &specs.iter().find(|(p, _)| *p == file).expect("the file").1;
    let edited = spec_text.replacen(&needle, &format!("{needle}（已修改）"), 1);
    assert_ne!(&edited, spec_text, "the description to edit was not found");
    let sources = |text: &str| -> Vec<(String, String)> {
        specs
            .iter()
            .map(|(p, original)| {
                if *p == file {
                    (p.clone(), text.to_owned())
                } else {
                    (p.clone(), original.clone())
                }
            })
            .collect()
    };
    let original_sources = sources(spec_text);
    let changed_sources = sources(&edited);
    let main = MAIN_TARGET.crate_options();
    let original = codegen::generate_crate_from_sources(&borrowed(&original_sources), &main)
        .expect("specs generate");
    let changed = codegen::generate_crate_from_sources(&borrowed(&changed_sources), &main)
        .expect("edited specs generate");
    assert_eq!(
        original.files,
        generate().files,
        "in-memory and on-disk specs must agree"
    );
    let differing: Vec<&str> = original
        .files
        .iter()
        .zip(&changed.files)
        .filter(|(a, b)| a.contents != b.contents)
        .map(|(a, _)| a.path.as_str())
        .collect();
    assert_eq!(
        differing,
        vec![resource_file.as_str()],
        "editing `{needle}` in {file}"
    );
}

/// The editor schema is derived from codegen's types and committed.
#[test]
fn editor_schema_matches_the_spec_types() {
    let path = workspace_root().join(codegen::schema::SCHEMA_PATH);
    let committed = fs::read_to_string(&path).unwrap_or_default();
    let expected = codegen::schema::schema_file_contents();
    if committed != expected {
        let diff = similar::TextDiff::from_lines(committed.as_str(), expected.as_str());
        panic!(
            "{} is out of date:\n{}\nTo fix: {FIX}.",
            codegen::schema::SCHEMA_PATH,
            diff.unified_diff().context_radius(2)
        );
    }
}

/// Every spec file names the schema in a modeline that resolves to it, so
/// editors validate and complete it while a person types.
#[test]
fn every_spec_file_points_editors_at_the_schema() {
    let root = workspace_root();
    let schema = root.join(codegen::schema::SCHEMA_PATH);
    let mut checked = 0;
    for target in TARGETS {
        let mut stack = vec![root.join(target.spec_dir)];
        while let Some(dir) = stack.pop() {
            for entry in fs::read_dir(&dir).expect("spec dir") {
                let path = entry.expect("entry").path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                if path.extension().and_then(|e| e.to_str()) != Some("yaml") {
                    continue;
                }
                let text = fs::read_to_string(&path).expect("spec");
                let first = text.lines().next().unwrap_or_default();
                let relative = first
                    .strip_prefix("# yaml-language-server: $schema=")
                    .unwrap_or_else(|| {
                        panic!("{} must start with the schema modeline", path.display())
                    });
                let resolved = path.parent().expect("dir").join(relative);
                assert_eq!(
                    resolved.canonicalize().ok(),
                    schema.canonicalize().ok(),
                    "{}: the modeline points at {relative}",
                    path.display()
                );
                checked += 1;
            }
        }
    }
    assert!(checked >= 5, "found only {checked} spec files");
}

fn borrowed(sources: &[(String, String)]) -> Vec<(&str, &str)> {
    sources
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect()
}
