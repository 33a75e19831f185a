//! `cargo run -p codegen`: the `feishu-codegen` command line, under the
//! package name the workspace's instructions use.

// Same allocator as the `feishu-codegen` binary, for the same reason
// (BENCHMARKS.md "Codegen speed"): a binary's choice, not the library's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    feishu_codegen::cli::main()
}
