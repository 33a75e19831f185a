//! `feishu-codegen --spec DIR --out DIR --package NAME` writes a crate that
//! builds where it is written: its manifest inherits nothing from a
//! workspace, and `cargo check --offline` passes on it outside this one.
//! Also: the version numbers the generator writes match the runtime's.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn generate(out: &Path, extra: &[&str]) -> std::process::Output {
    let root = workspace();
    Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .arg("--spec")
        .arg(root.join("tests/specs/paging"))
        .arg("--out")
        .arg(out)
        .args(extra)
        .current_dir(std::env::temp_dir())
        .output()
        .expect("run feishu-codegen")
}

#[test]
fn the_standalone_crate_builds_outside_the_workspace() {
    let root = workspace();
    let out = std::env::temp_dir().join(format!("feishu-standalone-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let runtime = root.join("runtime");
    let run = generate(
        &out,
        &[
            "--package",
            "my-feishu",
            "--lib",
            "feishu",
            "--runtime-path",
            runtime.to_str().expect("UTF-8 path"),
        ],
    );
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        !manifest.contains("workspace"),
        "inherits from a workspace:\n{manifest}"
    );
    for line in [
        "name = \"my-feishu\"",
        "edition = \"2024\"",
        "rust-version = ",
        "license = ",
        "[lib]\nname = \"feishu\"",
        "feishu-runtime = { version = \"0.1.0\", path = ",
        "serde = { version = ",
        "serde_json = { version = ",
        "publish = false",
    ] {
        assert!(manifest.contains(line), "no `{line}` in:\n{manifest}");
    }

    // Offline, with the workspace's resolved versions, in a target directory
    // of its own under the workspace's (kept between runs).
    std::fs::copy(root.join("Cargo.lock"), out.join("Cargo.lock")).expect("lock file");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let check = Command::new(cargo)
        .args(["check", "--offline", "--quiet", "--all-features"])
        .current_dir(&out)
        .env("CARGO_TARGET_DIR", root.join("target/standalone-check"))
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .expect("run cargo");
    assert!(
        check.status.success(),
        "cargo check of the standalone crate failed:\n{}",
        String::from_utf8_lossy(&check.stderr)
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn without_runtime_path_the_runtime_comes_from_the_registry() {
    let out = std::env::temp_dir().join(format!("feishu-standalone-reg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let run = generate(&out, &["--package", "x"]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest = std::fs::read_to_string(out.join("Cargo.toml")).expect("Cargo.toml");
    assert!(
        manifest.contains("feishu-runtime = \"0.1.0\""),
        "{manifest}"
    );
    assert!(!manifest.contains("path ="), "{manifest}");
    assert!(
        !manifest.contains("[lib]"),
        "the library is named after the package"
    );
    let _ = std::fs::remove_dir_all(&out);
}

#[test]
fn hostile_package_and_library_names_are_refused() {
    let out = std::env::temp_dir().join(format!("feishu-standalone-bad-{}", std::process::id()));
    for args in [
        ["--package", "x\"\n[evil]"],
        ["--package", "-x"],
        ["--lib", "fn"],
        ["--lib", "a-b"],
    ] {
        let run = generate(&out, &args);
        assert_eq!(run.status.code(), Some(2), "{args:?} was accepted");
        assert!(!out.exists(), "{args:?} wrote something");
    }
}

#[test]
fn the_runtime_version_and_abi_the_generator_writes_are_the_runtimes() {
    let root = workspace();
    let manifest = std::fs::read_to_string(root.join("runtime/Cargo.toml")).expect("manifest");
    let version = manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = "))
        .expect("runtime version");
    assert_eq!(
        version.trim_matches('"'),
        feishu_codegen::emit::manifest::RUNTIME_VERSION
    );
    let lib = std::fs::read_to_string(root.join("runtime/src/lib.rs")).expect("lib.rs");
    let abi = format!(
        "pub const GENERATED_CODE_ABI: u32 = {};",
        feishu_codegen::emit::manifest::RUNTIME_ABI
    );
    assert!(lib.contains(&abi), "runtime/src/lib.rs has no `{abi}`");
}
