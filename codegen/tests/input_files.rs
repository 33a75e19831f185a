//! Hostile spec trees: a FIFO named `.yaml`, a directory symlink loop and a
//! huge file each give one clear error, never a hang, a flood of errors or
//! an unbounded read.

// The library is published as `feishu-codegen`; these tests keep its old name.
extern crate feishu_codegen as codegen;

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use codegen::load::{MAX_SPEC_FILE_BYTES, load_dir};

const SERVICE: &str = "service: demo\nversion: v1\nresources: {}\n";

/// A fresh empty directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let path = std::env::temp_dir().join(format!(
            "codegen-input-{name}-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(path.join("spec/demo")).unwrap();
        fs::write(path.join("spec/demo/v1.yaml"), SERVICE).unwrap();
        TempDir(path)
    }

    fn spec(&self) -> PathBuf {
        self.0.join("spec")
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Loads `dir/spec` and returns the loaded count and the error messages.
fn load(dir: &TempDir) -> (usize, Vec<String>) {
    let (loaded, diagnostics) = load_dir(&dir.spec(), Path::new(&dir.0));
    let errors = diagnostics.0.iter().map(|d| d.to_string()).collect();
    (loaded.len(), errors)
}

#[cfg(unix)]
#[test]
fn a_fifo_named_yaml_is_refused_without_opening_it() {
    let dir = TempDir::new("fifo");
    let fifo = dir.spec().join("x.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
    // Run in a thread so that a regression fails the test instead of
    // hanging it: opening a FIFO for reading blocks until a writer comes.
    let (send, receive) = std::sync::mpsc::channel();
    let spec = dir.spec();
    let root = dir.0.clone();
    std::thread::spawn(move || {
        let (loaded, diagnostics) = load_dir(&spec, &root);
        let _ = send.send((loaded.len(), diagnostics.to_string()));
    });
    let (loaded, shown) = receive
        .recv_timeout(std::time::Duration::from_secs(20))
        .unwrap_or_else(|_| {
            // Unblock the reader so the process can exit.
            let _ = fs::write(&fifo, "");
            panic!("load_dir blocked on the FIFO");
        });
    assert_eq!(loaded, 1, "{shown}");
    assert!(
        shown.contains("spec/x.yaml:1:1: error: not a regular file"),
        "{shown}"
    );
    assert!(shown.contains("1 error,"), "{shown}");
}

#[cfg(unix)]
#[test]
fn a_directory_symlink_loop_is_reported_once() {
    let dir = TempDir::new("loop");
    std::os::unix::fs::symlink("..", dir.spec().join("demo/loop")).unwrap();
    let (loaded, errors) = load(&dir);
    assert_eq!(loaded, 1, "{errors:#?}");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("spec/demo/loop:1:1: error: this directory was already read"),
        "{errors:#?}"
    );
}

#[cfg(unix)]
#[test]
fn a_symlink_to_a_regular_file_is_followed() {
    let dir = TempDir::new("filelink");
    let target = dir.0.join("other.yaml");
    fs::write(&target, SERVICE.replace("demo", "other")).unwrap();
    fs::create_dir_all(dir.spec().join("other")).unwrap();
    std::os::unix::fs::symlink(&target, dir.spec().join("other/v1.yaml")).unwrap();
    let (loaded, errors) = load(&dir);
    assert_eq!((loaded, errors.len()), (2, 0), "{errors:#?}");
}

#[test]
fn a_file_over_the_limit_is_not_read() {
    let dir = TempDir::new("big");
    let mut text = String::from("# padding\n");
    let line = format!("# {}\n", "x".repeat(1_000));
    while (text.len() as u64) <= MAX_SPEC_FILE_BYTES {
        text.push_str(&line);
    }
    text.push_str(SERVICE);
    fs::write(dir.spec().join("big.yaml"), &text).unwrap();
    let (loaded, errors) = load(&dir);
    assert_eq!(loaded, 1, "{errors:#?}");
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        errors[0].contains("spec/big.yaml:1:1: error: the file is larger than 8 MiB"),
        "{errors:#?}"
    );
    // A small file in its place loads (a second service file).
    let small = SERVICE.replace("demo", "small");
    fs::write(dir.spec().join("big.yaml"), small).unwrap();
    assert_eq!(load(&dir), (2, Vec::new()));
}
