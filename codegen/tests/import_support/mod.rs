//! Helpers shared by the importer tests (`import.rs`, `import_merge.rs`).
#![allow(dead_code)]

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use codegen::import::{self, Output, naming::Known};
use serde_yaml::Value;

pub fn fixture(name: &str) -> (String, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/import")
        .join(name);
    (
        format!("tests/import/{name}"),
        fs::read_to_string(&path).unwrap(),
    )
}

pub fn common_text() -> String {
    fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec/common.yaml")).unwrap()
}

pub fn known() -> Known {
    import::known_from_common(&common_text())
}

pub fn run(inputs: &[(String, String)]) -> Output {
    import::import(inputs, &known(), &BTreeMap::new()).unwrap_or_else(|e| panic!("{e:?}"))
}

pub fn one(name: &str) -> (String, Vec<String>) {
    let out = run(&[fixture(name)]);
    assert_eq!(out.files.len(), 1);
    (out.files[0].text.clone(), out.warnings)
}

pub fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

pub fn at<'a>(v: &'a Value, path: &str) -> &'a Value {
    path.split('.').fold(v, |v, k| {
        v.get(k).unwrap_or_else(|| panic!("no `{k}` in `{path}`"))
    })
}

pub fn s<'a>(v: &'a Value, path: &str) -> &'a str {
    at(v, path)
        .as_str()
        .unwrap_or_else(|| panic!("`{path}` is not a string"))
}

/// The spec must pass the generator: load, resolve, emit.
pub fn assert_accepted(files: &[(&str, &str)]) {
    let common = common_text();
    let mut sources = vec![("spec/common.yaml", common.as_str())];
    sources.extend_from_slice(files);
    if let Err(e) = codegen::generate_from_sources(&sources, "feishu") {
        panic!(
            "codegen rejects the import:\n{e}\n{}",
            files.iter().map(|f| f.1).collect::<String>()
        );
    }
}

/// Whether `small`'s lines appear in `big` in order (nothing removed or changed).
pub fn is_subsequence(small: &str, big: &str) -> bool {
    let mut big = big.lines();
    small.lines().all(|l| big.any(|b| b == l))
}
