//! `feishu-codegen`: the generator's command line ([`feishu_codegen::cli`]).

// Generation allocates and frees millions of small token vectors; mimalloc
// cuts that cost (BENCHMARKS.md "Codegen speed"). Set here, in the binary,
// never in the library, so a build.rs that links the library keeps its own.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    feishu_codegen::cli::main()
}
