//! Compile-time guarantees of the generated API: the README example builds
//! (and runs, doing nothing without a token), and misuse does not compile.

#[test]
fn readme_example_compiles_and_misuse_does_not() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}

/// The README shows exactly the example that the pass case compiles.
#[test]
fn readme_example_is_the_compiled_one() {
    let root = feishu_tests::workspace_root();
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let example =
        std::fs::read_to_string(root.join("tests/ui/pass/readme_example.rs")).expect("example");
    let block = format!("```rust\n{example}```");
    assert!(
        readme.contains(&block),
        "README.md must contain tests/ui/pass/readme_example.rs verbatim in a ```rust block"
    );
}
