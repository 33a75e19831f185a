//! `feishu-codegen`: the generator's command line ([`feishu_codegen::cli`]).

fn main() -> std::process::ExitCode {
    feishu_codegen::cli::main()
}
