//! Helpers shared by the integration tests that read the repository's YAML
//! files (`mod support;` in each).

use std::fs;
use std::path::{Path, PathBuf};

/// The workspace root (the parent of `codegen/`).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

/// Every `*.yaml` and `*.yml` file below `dirs` (relative to the workspace),
/// sorted. A directory that cannot be read fails the test: a renamed fixture
/// directory must not quietly leave its files out.
pub fn yaml_files(dirs: &[&str]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending: Vec<PathBuf> = dirs.iter().map(|dir| workspace().join(dir)).collect();
    while let Some(dir) = pending.pop() {
        let entries = fs::read_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}
