//! What a generated crate compiles to machine code per endpoint: nothing
//! (issue 14). Its build time and .rlib size come from what rustc must
//! instantiate in the generated crate itself, which is every non-generic,
//! non-`#[inline]` function and everything a vtable reaches. These tests hold
//! the rules that keep that empty; BENCHMARKS.md has the figures.

use std::fs;
use std::path::{Path, PathBuf};

use feishu_tests::workspace_root;

/// Every Rust file of `generated/` and of the fixture crates under
/// `tests/generated/`.
fn generated_rust_files() -> Vec<(PathBuf, String)> {
    let root = workspace_root();
    let mut dirs = vec![root.join("generated/src")];
    for entry in fs::read_dir(root.join("tests/generated")).expect("tests/generated") {
        dirs.push(entry.expect("entry").path().join("src"));
    }
    let mut files = Vec::new();
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = fs::read_to_string(&path).expect("read");
                files.push((path, text));
            }
        }
    }
    files
}

/// The resource modules: files with an endpoint's static `Operation`.
fn resource_modules() -> Vec<(PathBuf, String)> {
    let files: Vec<_> = generated_rust_files()
        .into_iter()
        .filter(|(_, text)| text.contains("::feishu_runtime::Operation = "))
        .collect();
    assert!(
        files.len() >= 10,
        "expected the resource modules, found {}",
        files.len()
    );
    files
}

fn shown(path: &Path) -> String {
    path.strip_prefix(workspace_root())
        .unwrap_or(path)
        .display()
        .to_string()
}

/// A function that is neither generic nor `#[inline]` is compiled in the
/// generated crate, used or not: an endpoint's methods, and also what every
/// type and resource carries (enum conversions and `Display`, page accessors,
/// resource constructors and accessors). With all of them `#[inline]` the
/// crate compiles only what derives put there (BENCHMARKS.md, issue 14).
#[test]
fn every_function_of_a_generated_crate_is_inline() {
    let mut missing = Vec::new();
    let mut functions = 0;
    for (path, text) in generated_rust_files() {
        let mut previous = "";
        for (number, line) in text.lines().enumerate() {
            let item = line.trim_start();
            let item = item
                .strip_prefix("pub(crate) ")
                .or_else(|| item.strip_prefix("pub "))
                .unwrap_or(item);
            // A generic function (serde's `serialize<S>`) is compiled only
            // where it is instantiated.
            let generic = item
                .split_once('(')
                .is_some_and(|(head, _)| head.contains('<'));
            if item.starts_with("fn ") && !generic {
                functions += 1;
                if previous.trim() != "#[inline]" {
                    missing.push(format!("{}:{}: {}", shown(&path), number + 1, line.trim()));
                }
            }
            if !line.trim().is_empty() {
                previous = line;
            }
        }
    }
    assert!(
        functions > 500,
        "expected the generated functions, found {functions}"
    );
    assert!(
        missing.is_empty(),
        "functions without #[inline]:\n{}",
        missing.join("\n")
    );
}

/// A boxed stream or future is a vtable: it makes the generated crate compile
/// the whole send-and-decode chain of the endpoint (with boxed page streams the
/// .rlib at 100 synthetic endpoints was 135 MB; it is 21 MB without; BENCHMARKS.md).
#[test]
fn no_endpoint_boxes_a_stream_or_a_future() {
    let mut found = Vec::new();
    for (path, text) in resource_modules() {
        for (number, line) in text.lines().enumerate() {
            if [
                "PageStream",
                "BoxStream",
                "BoxFuture",
                "dyn ",
                ".boxed()",
                "Box::pin",
            ]
            .iter()
            .any(|needle| line.contains(needle))
            {
                found.push(format!("{}:{}: {}", shown(&path), number + 1, line.trim()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "boxed in generated code:\n{}",
        found.join("\n")
    );
}

/// `send` is no `async fn` (which would be a state machine per endpoint):
/// it hands the assembled request to the runtime's one future.
#[test]
fn send_is_a_call_to_the_runtime_not_an_async_fn() {
    for (path, text) in resource_modules() {
        // Doc examples (`/// # async fn example()`) are not code of the crate.
        let code_has_async_fn = text
            .lines()
            .map(str::trim_start)
            .filter(|line| !line.starts_with("///") && !line.starts_with("//!"))
            .any(|line| line.contains("async fn"));
        assert!(!code_has_async_fn, "{} has an async fn", shown(&path));
        assert!(
            text.contains("client.send(self.into_request())")
                || text.contains("client.send_download(self.into_request())"),
            "{} does not send through the runtime",
            shown(&path)
        );
    }
}

/// The streams are `Unpin` and `Send` without a box around them, so
/// `next().await` and `tokio::spawn` work as they did on the boxed ones.
#[test]
fn page_and_item_streams_are_unpin_send_and_static() {
    fn assert_stream<S>(_: &S)
    where
        S: feishu::runtime::Stream + Unpin + Send + 'static,
    {
    }
    let client = feishu::Client::builder()
        .access_token("t-test")
        .build()
        .expect("client");
    let list = client.okr().v1().user_okr().list("ou_1", 0, 10);
    assert_stream(&list.clone().pages());
    assert_stream(&list.items());
}
