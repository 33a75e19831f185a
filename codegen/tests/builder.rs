//! The build.rs API ([`feishu_codegen::Builder`]): the `include!` file, the
//! service filter, the inputs it reports for `rerun-if-changed`, and spec
//! errors shown with their location. tests/external builds and runs such a
//! file for real; these tests pin what it contains.

use std::path::{Path, PathBuf};

use feishu_codegen::{BuildError, Builder};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "feishu-codegen-builder-{name}-{}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn builder(spec: &str, out: &Path) -> Builder {
    Builder::new()
        .spec_dir(workspace().join(spec))
        .out_dir(out)
        .cargo_instructions(false)
}

#[test]
fn the_include_file_is_one_module_with_every_crate_path_under_the_module_path() {
    let out = temp_dir("include");
    let output = builder("tests/specs/paging", &out)
        .module_path("crate::api::lark")
        .generate()
        .expect("generates");
    assert_eq!(output.path, out.join("lark.rs"));
    let text = std::fs::read_to_string(&output.path).expect("written");
    let file = syn::parse_file(&text).expect("valid Rust");
    assert_eq!(file.items.len(), 1, "one item: the module");
    assert!(text.contains("pub mod lark {"), "{text:.400}");
    // No `mod x;` is left to be looked up beside the including file.
    assert!(
        !text
            .lines()
            .any(|l| l.trim_start().starts_with("pub mod ") && l.ends_with(';'))
    );
    // Every path from the crate root goes through the module path, in code
    // and in intra-doc links alike.
    let total = text.matches("crate::").count();
    let rewritten = text.matches("crate::api::lark").count();
    assert!(total > 10, "the fixture names crate items ({total})");
    assert_eq!(total, rewritten, "a `crate::` path was not rewritten");
    // The service features are gone (the including crate has none), and the
    // doc examples, which name the crate `feishu_fixture...`, are not compiled.
    assert!(!text.contains("cfg(feature"), "feature gates left");
    // `feature(doc_cfg)` is a crate attribute: inside a module it breaks
    // the including crate's docs.rs build.
    assert!(!text.contains("docsrs"), "docs.rs attributes left");
    assert!(text.contains("```ignore"));
    assert!(!text.contains("```no_run"));
    assert_eq!(output.endpoints, 2);
}

#[test]
fn only_the_chosen_services_are_generated_and_unknown_ones_are_named() {
    let out = temp_dir("services");
    let all = builder("spec", &out).generate().expect("all services");
    let okr = builder("spec", &out)
        .services(["okr"])
        .generate()
        .expect("okr only");
    assert!(
        okr.endpoints < all.endpoints,
        "{} vs {}",
        okr.endpoints,
        all.endpoints
    );
    let text = std::fs::read_to_string(&okr.path).expect("written");
    assert!(text.contains("pub mod okr"));
    assert!(
        !text.contains("pub mod im {"),
        "another service was generated"
    );

    let error = builder("spec", &out)
        .services(["okr", "no_such_service"])
        .generate()
        .expect_err("unknown service");
    let shown = error.to_string();
    assert!(
        shown.contains("`no_such_service`") && shown.contains("okr"),
        "{shown}"
    );
}

#[test]
fn the_inputs_are_the_spec_directory_and_every_spec_file() {
    let out = temp_dir("inputs");
    let output = builder("tests/specs/events", &out)
        .generate()
        .expect("generates");
    let spec_dir = workspace().join("tests/specs/events");
    assert_eq!(output.inputs[0], spec_dir);
    let mut files: Vec<&PathBuf> = output.inputs[1..].iter().collect();
    files.sort();
    assert!(files.len() >= 2, "common.yaml and the service: {files:?}");
    for file in files {
        assert!(file.starts_with(&spec_dir) && file.is_file(), "{file:?}");
    }
}

#[test]
fn a_spec_error_is_shown_with_its_file_line_and_column_by_display_and_debug() {
    let dir = temp_dir("broken");
    std::fs::create_dir_all(dir.join("spec/demo")).expect("dirs");
    std::fs::write(
        dir.join("spec/demo/v1.yaml"),
        "service: demo\nversion: v1\nresources:\n  thing:\n    methods:\n      get:\n        summary: 获取\n        doc_url: https://open.feishu.cn/document/demo\n        tokens: [tenant]\n        method: FETCH\n        url: /open-apis/demo/v1/things\n",
    )
    .expect("spec");
    let error = builder("unused", &dir)
        .spec_dir(dir.join("spec"))
        .generate()
        .expect_err("broken spec");
    assert!(matches!(error, BuildError::Spec(_)), "{error}");
    let file = format!("{}:10:", dir.join("spec/demo/v1.yaml").display());
    // `fn main() -> Result<..>` in build.rs prints errors with Debug.
    for shown in [error.to_string(), format!("{error:?}")] {
        assert!(shown.contains(&file), "no `{file}` in:\n{shown}");
        assert!(shown.contains("FETCH"), "{shown}");
    }
    assert!(
        !dir.join("feishu.rs").exists(),
        "nothing is written on error"
    );
}

#[test]
fn a_module_path_outside_the_crate_root_is_refused() {
    let out = temp_dir("path");
    for bad in [
        "feishu",
        "crate",
        "crate::",
        "crate::a b",
        "crate::fn",
        "self::x",
    ] {
        let error = builder("tests/specs/paging", &out)
            .module_path(bad)
            .generate()
            .expect_err(bad);
        assert!(matches!(error, BuildError::Config(_)), "{bad}: {error}");
    }
}
