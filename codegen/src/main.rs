//! `cargo run -p codegen [-- --check] [--spec DIR] [--out DIR]`
//!
//! Reads `spec/`, rewrites `generated/`, prints one summary line. With
//! `--check` it writes nothing and fails if `generated/` is out of date.

use std::path::PathBuf;
use std::process::ExitCode;

use codegen::output::{self, Drift};
use codegen::{Failure, generate, workspace_root};

const USAGE: &str = "usage: cargo run -p codegen [-- [--check] [--spec DIR] [--out DIR]]

Reads the YAML specs and rewrites the generated crate.

  --check     write nothing; list stale, missing and extra files and exit 1 if there are any
  --spec DIR  spec directory (default: <workspace>/spec)
  --out DIR   generated crate directory (default: <workspace>/generated)
  -h, --help  show this help";

struct Args {
    check: bool,
    spec_dir: PathBuf,
    out_dir: PathBuf,
}

fn parse_args() -> Result<Option<Args>, String> {
    let root = workspace_root();
    let mut args = Args {
        check: false,
        spec_dir: root.join("spec"),
        out_dir: root.join("generated"),
    };
    let mut iter = std::env::args().skip(1);
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--check" => args.check = true,
            "--spec" => args.spec_dir = iter.next().ok_or("--spec needs a directory")?.into(),
            "--out" => args.out_dir = iter.next().ok_or("--out needs a directory")?.into(),
            "-h" | "--help" => return Ok(None),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Some(args))
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(Some(args)) => args,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let generation = match generate(&args.spec_dir, &workspace_root()) {
        Ok(generation) => generation,
        Err(Failure::Spec(diagnostics)) => {
            eprintln!("{diagnostics}");
            eprintln!(
                "codegen: nothing written; fix the spec errors above and run `cargo run -p codegen` again"
            );
            return ExitCode::FAILURE;
        }
        Err(error @ Failure::Emit(_)) => {
            eprintln!("{error}");
            return ExitCode::FAILURE;
        }
    };
    if !generation.warnings.0.is_empty() {
        eprintln!("{}", generation.warnings);
    }
    let counts = format!(
        "{} services, {} endpoints, {} types",
        generation.service_count(),
        generation.endpoint_count(),
        generation.type_count()
    );
    let out_shown = codegen::load::display(&args.out_dir, &workspace_root());
    if args.check {
        return match output::compare(&args.out_dir, &generation.files) {
            Ok(drift) if drift.is_empty() => {
                println!(
                    "codegen --check: {counts}; {} files up to date in {out_shown}/",
                    generation.files.len()
                );
                ExitCode::SUCCESS
            }
            Ok(drift) => {
                for d in &drift {
                    println!("{d}");
                }
                let count = |f: fn(&Drift) -> bool| drift.iter().filter(|d| f(d)).count();
                println!(
                    "codegen --check: {out_shown}/ is out of date ({} stale, {} missing, {} extra); run `cargo run -p codegen`",
                    count(|d| matches!(d, Drift::Stale(_))),
                    count(|d| matches!(d, Drift::Missing(_))),
                    count(|d| matches!(d, Drift::Extra(_))),
                );
                ExitCode::FAILURE
            }
            Err(error) => {
                eprintln!("error: cannot read {out_shown}/: {error}");
                ExitCode::from(2)
            }
        };
    }
    match output::write_tree(&args.out_dir, &generation.files) {
        Ok(summary) => {
            println!(
                "codegen: {counts}; files: {} written, {} unchanged, {} removed",
                summary.written, summary.unchanged, summary.removed
            );
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("error: cannot write {out_shown}/: {error}; it was left as it was");
            ExitCode::from(2)
        }
    }
}
