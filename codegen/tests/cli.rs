//! The `codegen` binary on temporary directories (never the real
//! `generated/`): summary line, `--check`, atomic output on failure, removal
//! of files no spec produces, untouched timestamps, no leftovers.

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

const PACKAGE: &str = "feishu-cli-test";

/// A fresh directory under cargo's per-test temporary directory, holding a
/// copy of the real `spec/` as `spec/` and an output path `out/`.
struct Sandbox {
    dir: PathBuf,
}

impl Sandbox {
    fn new(name: &str) -> Sandbox {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("cli-{name}"));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        let real_spec = Path::new(env!("CARGO_MANIFEST_DIR")).join("../spec");
        copy_dir(&real_spec, &dir.join("spec"));
        Sandbox { dir }
    }

    fn spec(&self) -> PathBuf {
        self.dir.join("spec")
    }

    fn out(&self) -> PathBuf {
        self.dir.join("out")
    }

    fn codegen(&self, check: bool) -> Output {
        let mut command = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"));
        if check {
            command.arg("--check");
        }
        command
            .arg("--spec")
            .arg(self.spec())
            .arg("--out")
            .arg(self.out())
            .arg("--package")
            .arg(PACKAGE)
            .output()
            .unwrap()
    }

    /// Neither the staging nor the backup directory is left beside `out/`.
    fn assert_no_leftovers(&self) {
        let names: Vec<String> = fs::read_dir(&self.dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        for name in &names {
            assert!(
                !(name.starts_with(".out.")
                    || name.ends_with(".staging")
                    || name.ends_with(".old")),
                "left behind: {name} (all: {names:?})"
            );
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let target = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_dir(&path, &target);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            fs::copy(&path, &target).unwrap();
        }
    }
}

/// Every file below `dir` (relative path) with its bytes and mtime.
type Snapshot = BTreeMap<String, (Vec<u8>, SystemTime)>;

fn snapshot(dir: &Path) -> Snapshot {
    fn walk(root: &Path, dir: &Path, out: &mut Snapshot) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let relative = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                let mtime = fs::metadata(&path).unwrap().modified().unwrap();
                out.insert(relative, (fs::read(&path).unwrap(), mtime));
            }
        }
    }
    let mut out = Snapshot::new();
    walk(dir, dir, &mut out);
    out
}

/// Sets every file's mtime to a fixed moment in the past, so that a file
/// rewritten later is certain to have another one.
fn age(dir: &Path, snapshot: &Snapshot) -> SystemTime {
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for path in snapshot.keys() {
        fs::File::options()
            .write(true)
            .open(dir.join(path))
            .unwrap()
            .set_modified(past)
            .unwrap();
    }
    past
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn describe(output: &Output) -> String {
    format!(
        "status: {}\n--- stdout\n{}--- stderr\n{}",
        output.status,
        text(&output.stdout),
        text(&output.stderr)
    )
}

/// `codegen: …; files (SCOPE): N written, M unchanged, K removed` → (N, M, K).
fn summary(output: &Output) -> (usize, usize, usize) {
    let stdout = text(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines.len(),
        1,
        "one summary line expected:\n{}",
        describe(output)
    );
    let files = lines[0]
        .split("files (")
        .nth(1)
        .and_then(|rest| rest.split_once("): ").map(|(_, counts)| counts))
        .unwrap_or_else(|| panic!("no file counts:\n{}", describe(output)));
    let numbers: Vec<usize> = files
        .split(", ")
        .map(|part| part.split(' ').next().unwrap().parse().unwrap())
        .collect();
    assert!(
        files.ends_with(" removed") && numbers.len() == 3,
        "{}",
        describe(output)
    );
    (numbers[0], numbers[1], numbers[2])
}

/// Whether `stderr` looks like rustc or cargo output.
fn has_compiler_output(stderr: &str) -> bool {
    [
        "error[E",
        "warning[",
        "Compiling ",
        "  --> ",
        "rustc",
        "cargo build",
    ]
    .iter()
    .any(|marker| stderr.contains(marker))
}

#[test]
fn a_run_writes_the_crate_then_finds_nothing_to_do() {
    let sandbox = Sandbox::new("write");
    let first = sandbox.codegen(false);
    assert!(first.status.success(), "{}", describe(&first));
    assert!(first.stderr.is_empty(), "{}", describe(&first));
    let (written, unchanged, removed) = summary(&first);
    let files = snapshot(&sandbox.out());
    assert!(files.contains_key("Cargo.toml") && files.contains_key("src/lib.rs"));
    assert_eq!((written, unchanged, removed), (files.len(), 0, 0));
    let manifest = text(&files["Cargo.toml"].0);
    assert!(manifest.contains(PACKAGE), "{manifest}");
    sandbox.assert_no_leftovers();

    let second = sandbox.codegen(false);
    assert!(second.status.success(), "{}", describe(&second));
    assert_eq!(
        summary(&second),
        (0, files.len(), 0),
        "{}",
        describe(&second)
    );
    assert_eq!(
        snapshot(&sandbox.out()),
        files,
        "an up-to-date run touched files"
    );
    sandbox.assert_no_leftovers();
}

#[test]
fn check_lists_stale_missing_and_extra_files_and_writes_nothing() {
    let sandbox = Sandbox::new("check");
    let out = sandbox.out();
    assert!(sandbox.codegen(false).status.success());

    let before = snapshot(&out);
    let clean = sandbox.codegen(true);
    assert!(clean.status.success(), "{}", describe(&clean));
    assert!(
        text(&clean.stdout).contains("up to date"),
        "{}",
        describe(&clean)
    );
    assert_eq!(
        snapshot(&out),
        before,
        "--check wrote to an up-to-date tree"
    );

    // One stale, one missing, one extra file.
    let paths: Vec<&String> = before.keys().filter(|p| p.ends_with(".rs")).collect();
    let (stale, missing) = (paths[0].clone(), paths[1].clone());
    let mut edited = before[&stale].0.clone();
    edited.extend_from_slice(b"\n// edited by hand\n");
    fs::write(out.join(&stale), edited).unwrap();
    fs::remove_file(out.join(&missing)).unwrap();
    fs::write(out.join("src/stray.rs"), "// no spec makes this\n").unwrap();

    let drifted = snapshot(&out);
    let check = sandbox.codegen(true);
    assert!(!check.status.success(), "{}", describe(&check));
    assert_eq!(check.status.code(), Some(1), "{}", describe(&check));
    let stdout = text(&check.stdout);
    let listed = |kind: &str, path: &str| {
        stdout
            .lines()
            .any(|l| l.starts_with(kind) && l.trim_end().ends_with(&format!("/{path}")))
    };
    assert!(listed("stale:", &stale), "{}", describe(&check));
    assert!(listed("missing:", &missing), "{}", describe(&check));
    assert!(listed("extra:", "src/stray.rs"), "{}", describe(&check));
    assert!(
        stdout.contains("1 stale, 1 missing, 1 extra"),
        "{}",
        describe(&check)
    );
    // Only the three drifted files are listed.
    assert_eq!(
        stdout
            .lines()
            .filter(|l| ["stale:", "missing:", "extra:"]
                .iter()
                .any(|k| l.starts_with(k)))
            .count(),
        3,
        "{}",
        describe(&check)
    );
    assert_eq!(snapshot(&out), drifted, "--check changed the tree");
    sandbox.assert_no_leftovers();
}

#[test]
fn a_broken_spec_reports_every_error_and_leaves_the_output_as_it_was() {
    let sandbox = Sandbox::new("broken");
    let out = sandbox.out();
    assert!(sandbox.codegen(false).status.success());
    let before = snapshot(&out);

    // Two mistakes in one file, and a file no spec produces any more would
    // be removed by a successful run: it must stay.
    let okr = sandbox.spec().join("okr/v1.yaml");
    let original = fs::read_to_string(&okr).unwrap();
    let broken = original
        .replacen("method: GET", "method: FETCH", 1)
        .replacen("tokens: [", "tokens: [robot, ", 1);
    assert_ne!(broken, original);
    fs::write(&okr, &broken).unwrap();
    fs::remove_file(sandbox.spec().join("performance/v1.yaml")).unwrap();

    let run = sandbox.codegen(false);
    assert!(!run.status.success(), "{}", describe(&run));
    let stderr = text(&run.stderr);
    let at = |needle: &str| {
        let line = broken.lines().position(|l| l.contains(needle)).unwrap() + 1;
        let column = broken.lines().nth(line - 1).unwrap().find(needle).unwrap() + 1;
        format!("okr/v1.yaml:{line}:{column}: error: ")
    };
    assert!(
        stderr.contains(&format!("{}invalid HTTP method `FETCH`", at("FETCH"))),
        "{}",
        describe(&run)
    );
    assert!(
        stderr.contains(&format!("{}unknown token type `robot`", at("robot"))),
        "{}",
        describe(&run)
    );
    assert!(stderr.contains("2 errors"), "{}", describe(&run));
    assert!(stderr.contains("nothing written"), "{}", describe(&run));
    // stderr is a pipe here: one line per problem, no source excerpt.
    assert_eq!(stderr.matches(": error: ").count(), 2, "{}", describe(&run));
    assert!(!stderr.contains(" | "), "{}", describe(&run));
    assert!(!has_compiler_output(&stderr), "{}", describe(&run));
    assert!(run.stdout.is_empty(), "{}", describe(&run));
    assert_eq!(snapshot(&out), before, "a failed run changed the output");
    sandbox.assert_no_leftovers();

    // `--check` fails the same way and writes nothing either.
    let check = sandbox.codegen(true);
    assert!(!check.status.success(), "{}", describe(&check));
    assert!(!has_compiler_output(&text(&check.stderr)));
    assert_eq!(text(&check.stderr).matches(": error: ").count(), 2);
    assert_eq!(snapshot(&out), before);

    // Asked for, the human form shows each offending line with a caret
    // under the column (no colors: stderr is not a terminal).
    let human = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .args(["--message-format", "human", "--spec"])
        .arg(sandbox.spec())
        .arg("--out")
        .arg(sandbox.out())
        .output()
        .unwrap();
    let stderr = text(&human.stderr);
    assert!(!human.status.success(), "{}", describe(&human));
    assert!(!stderr.contains('\u{1b}'), "{}", describe(&human));
    let line = broken.lines().position(|l| l.contains("FETCH")).unwrap() + 1;
    let source = broken.lines().nth(line - 1).unwrap();
    let shown = format!("{line} | {source}");
    let rendered: Vec<&str> = stderr.lines().collect();
    let at = rendered
        .iter()
        .position(|l| *l == shown)
        .unwrap_or_else(|| panic!("no `{shown}` in:\n{stderr}"));
    let caret = rendered[at + 1].find('^').expect(&stderr);
    assert_eq!(caret, shown.find("FETCH").unwrap(), "{stderr}");
    let location = at_error("okr/v1.yaml", &broken, "FETCH");
    assert!(
        rendered
            .iter()
            .any(|l| l.starts_with("error: ") && l.contains(&location)),
        "{stderr}"
    );

    let refused = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .args(["--message-format", "json"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    assert!(text(&refused.stderr).contains("`short` or `human`"));
}

/// `file:line:column: ` of the first `needle` in `text`.
fn at_error(file: &str, text: &str, needle: &str) -> String {
    let line = text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let column = text.lines().nth(line - 1).unwrap().find(needle).unwrap() + 1;
    format!("{file}:{line}:{column}: ")
}

#[test]
fn regenerating_removes_orphans_and_keeps_unchanged_timestamps() {
    let sandbox = Sandbox::new("regenerate");
    let out = sandbox.out();
    assert!(sandbox.codegen(false).status.success());
    let past = age(&out, &snapshot(&out));
    let before = snapshot(&out);
    assert!(before.keys().any(|p| p.starts_with("src/performance/")));

    // Every version of the service goes (v1 has endpoints, v2 only events).
    fs::remove_dir_all(sandbox.spec().join("performance")).unwrap();
    let run = sandbox.codegen(false);
    assert!(run.status.success(), "{}", describe(&run));
    let (written, unchanged, removed) = summary(&run);
    let after = snapshot(&out);

    let orphans: Vec<&String> = before.keys().filter(|p| !after.contains_key(*p)).collect();
    assert!(!orphans.is_empty());
    assert!(
        orphans.iter().all(|p| p.starts_with("src/performance/")),
        "{orphans:?}"
    );
    assert_eq!(removed, orphans.len(), "{}", describe(&run));
    assert!(after.keys().all(|p| !p.starts_with("src/performance/")));

    let mut changed = 0;
    for (path, (bytes, mtime)) in &after {
        match before.get(path) {
            Some((old, _)) if old == bytes => {
                assert_eq!(*mtime, past, "{path} is unchanged but was rewritten");
            }
            _ => {
                changed += 1;
                assert_ne!(*mtime, past, "{path} changed but kept its old mtime");
            }
        }
    }
    assert!(
        changed >= 1,
        "removing a service changes lib.rs and Cargo.toml"
    );
    assert_eq!((written, unchanged), (changed, after.len() - changed));

    sandbox.assert_no_leftovers();

    // The result is exactly what a run into an empty directory gives.
    fs::rename(&out, sandbox.dir.join("kept")).unwrap();
    assert!(sandbox.codegen(false).status.success());
    let strip = |s: &Snapshot| -> BTreeMap<String, Vec<u8>> {
        s.iter().map(|(p, (b, _))| (p.clone(), b.clone())).collect()
    };
    assert_eq!(strip(&after), strip(&snapshot(&out)));
}

#[test]
fn stale_staging_and_backup_directories_are_cleared() {
    let sandbox = Sandbox::new("leftovers");
    // What an interrupted earlier run could leave behind.
    for leftover in [".out.staging", ".out.old"] {
        let dir = sandbox.dir.join(leftover).join("src");
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join("lib.rs"), "// half-written\n").unwrap();
    }
    let run = sandbox.codegen(false);
    assert!(run.status.success(), "{}", describe(&run));
    sandbox.assert_no_leftovers();
    assert!(snapshot(&sandbox.out()).contains_key("src/lib.rs"));

    // Replacing an existing tree (old one moved aside, new one moved in)
    // leaves nothing behind either.
    fs::write(
        sandbox.out().join("src/stray.rs"),
        "// no spec makes this\n",
    )
    .unwrap();
    let run = sandbox.codegen(false);
    assert!(run.status.success(), "{}", describe(&run));
    assert_eq!(summary(&run).2, 1, "{}", describe(&run));
    sandbox.assert_no_leftovers();
    assert!(!snapshot(&sandbox.out()).contains_key("src/stray.rs"));
}

/// A copy of this workspace's specs as a workspace of its own: `Cargo.toml`
/// with `[workspace]`, `spec/`, `tests/specs/` and the `codegen/` directory
/// the editor schema goes to.
fn fake_workspace(name: &str) -> Sandbox {
    let sandbox = Sandbox::new(name);
    let real = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    copy_dir(&real.join("tests/specs"), &sandbox.dir.join("tests/specs"));
    fs::create_dir_all(sandbox.dir.join("codegen")).unwrap();
    fs::write(
        sandbox.dir.join("Cargo.toml"),
        "[workspace]\nmembers = []\n",
    )
    .unwrap();
    sandbox
}

#[test]
fn the_workspace_is_found_from_the_current_directory_not_the_build() {
    let sandbox = fake_workspace("workspace-cwd");
    let inside = sandbox.spec().join("okr");
    let run = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .current_dir(&inside)
        .output()
        .unwrap();
    assert!(run.status.success(), "{}", describe(&run));
    let shown = fs::canonicalize(&sandbox.dir).unwrap();
    assert!(
        text(&run.stdout).contains(&format!("; workspace {};", shown.display())),
        "{}",
        describe(&run)
    );
    // It wrote the sandbox's crates, not this checkout's.
    assert!(sandbox.dir.join("generated/src/lib.rs").is_file());
    assert!(
        sandbox
            .dir
            .join("tests/generated/paging/Cargo.toml")
            .is_file()
    );
    assert!(sandbox.dir.join("codegen/spec.schema.json").is_file());
}

#[test]
fn outside_any_workspace_it_refuses_unless_told_where() {
    let sandbox = fake_workspace("workspace-flag");
    let elsewhere = std::env::temp_dir();
    assert!(
        codegen::find_workspace(&elsewhere).is_none(),
        "the temp dir must lie outside any workspace for this test"
    );
    let refused = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .current_dir(&elsewhere)
        .arg("--check")
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{}", describe(&refused));
    assert!(
        text(&refused.stderr).contains("no workspace at or above"),
        "{}",
        describe(&refused)
    );
    let generate = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .current_dir(&elsewhere)
        .arg("--workspace")
        .arg(&sandbox.dir)
        .output()
        .unwrap();
    assert!(generate.status.success(), "{}", describe(&generate));
    let check = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"))
        .current_dir(&elsewhere)
        .args(["--check", "--workspace"])
        .arg(&sandbox.dir)
        .output()
        .unwrap();
    assert!(check.status.success(), "{}", describe(&check));
    let shown = fs::canonicalize(&sandbox.dir).unwrap();
    assert!(
        text(&check.stdout).contains(&format!("workspace {};", shown.display())),
        "{}",
        describe(&check)
    );
}

/// `codegen --check: …; files (SCOPE): all N up to date` → (SCOPE, N).
fn check_summary(output: &Output) -> (String, usize) {
    let stdout = text(&output.stdout);
    let rest = stdout
        .trim_end()
        .split("files (")
        .nth(1)
        .unwrap_or_else(|| panic!("no file count:\n{}", describe(output)));
    let (scope, count) = rest
        .split_once("): all ")
        .unwrap_or_else(|| panic!("no file count:\n{}", describe(output)));
    let count = count
        .strip_suffix(" up to date")
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no file count:\n{}", describe(output)));
    (scope.to_owned(), count)
}

/// The scope a write summary names, e.g. `generated crates + the generic test's calls + codegen/spec.schema.json`.
fn write_scope(output: &Output) -> String {
    let stdout = text(&output.stdout);
    let rest = stdout.split("files (").nth(1).unwrap_or_default();
    rest.split_once("): ")
        .map(|(scope, _)| scope.to_owned())
        .unwrap_or_else(|| panic!("no file scope:\n{}", describe(output)))
}

#[test]
fn a_run_and_check_count_the_same_files_and_say_which() {
    let sandbox = fake_workspace("count-agree");
    let run = |check: bool| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_feishu-codegen"));
        if check {
            command.arg("--check");
        }
        command
            .arg("--workspace")
            .arg(&sandbox.dir)
            .output()
            .unwrap()
    };
    let first = run(false);
    assert!(first.status.success(), "{}", describe(&first));
    let second = run(false);
    assert!(second.status.success(), "{}", describe(&second));
    let (written, unchanged, removed) = summary(&second);
    assert_eq!((written, removed), (0, 0), "{}", describe(&second));
    let checked = run(true);
    assert!(checked.status.success(), "{}", describe(&checked));
    let (scope, count) = check_summary(&checked);
    assert_eq!(
        count,
        unchanged,
        "{}\n{}",
        describe(&second),
        describe(&checked)
    );
    assert_eq!(scope, write_scope(&second));
    assert!(scope.contains("spec.schema.json"), "{scope}");
}
