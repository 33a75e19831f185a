//! `cargo run -p codegen`: the `feishu-codegen` command line, under the
//! package name the workspace's instructions use.

fn main() -> std::process::ExitCode {
    feishu_codegen::cli::main()
}
