//! The command line: `cargo run -p codegen [-- --check] [--workspace DIR]
//! [--spec DIR --out DIR [--package NAME] [--lib NAME] [--runtime-path DIR]]`,
//! or `feishu-codegen ...` once installed (both binaries call [`main`]).
//!
//! Reads the specs, rewrites the generated crates, prints one summary line
//! naming the workspace it used. With `--check` it writes nothing and fails
//! if any crate is out of date. The workspace is found from the current
//! directory upwards ([`crate::find_workspace`]), not from where the
//! binary was built. Spec diagnostics show the source line with a caret on
//! a terminal and one line each otherwise (`--message-format`).

use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::emit::CrateOptions;
use crate::emit::manifest::{valid_lib_name, valid_package_name};
use crate::output::{self, Drift};
use crate::schema::{SCHEMA_PATH, schema_file_contents};
use crate::{Failure, Generation, TARGETS, find_workspace, generate_crate, is_workspace, load};

const USAGE: &str =
    "usage: cargo run -p codegen [-- [--check] [--workspace DIR] [--spec DIR --out DIR [--package NAME]]]

Reads the YAML specs and rewrites the generated crates: generated/ from spec/,
and the test-only crates under tests/generated/ from tests/specs/. The
workspace is the nearest directory at or above the current one with a
Cargo.toml declaring [workspace] beside a spec/ directory.

  --check         write nothing; list stale, missing and extra files and exit 1
                  if there are any (for CI and pre-commit hooks)
  --workspace DIR use the workspace DIR instead of searching from the current
                  directory
  --spec DIR      generate one standalone crate from DIR instead (needs --out);
                  its Cargo.toml is complete (no workspace inheritance)
  --out DIR       where that crate goes
  --package NAME  its package name (default: feishu)
  --lib NAME      its library name, what code writes (default: the package
                  name with `-` as `_`)
  --runtime-path DIR
                  depend on feishu-runtime at DIR (written as given, so
                  relative to --out) as well as by version; without it the
                  runtime comes from crates.io
  --message-format short|human
                  how spec diagnostics are printed: `human` shows the source
                  line with a caret (the default on a terminal), `short` one
                  line per problem, `file:line:column: error: message` (the
                  default with --check or when stderr is not a terminal)
  -h, --help      show this help";

/// One crate to generate.
struct Job {
    spec_dir: PathBuf,
    out_dir: PathBuf,
    options: CrateOptions,
}

struct Args {
    check: bool,
    /// The workspace root: paths are shown relative to it.
    root: PathBuf,
    jobs: Vec<Job>,
    /// Whether to write the editor schema too (the default run).
    schema: bool,
    /// How spec diagnostics are printed.
    format: crate::diagnostic::MessageFormat,
}

fn parse_args() -> Result<Option<Args>, String> {
    let (mut check, mut spec, mut out, mut package, mut workspace) =
        (false, None, None, None, None::<PathBuf>);
    let (mut lib, mut runtime_path) = (None::<String>, None::<String>);
    let mut format = None;
    let mut iter = std::env::args_os().skip(1);
    while let Some(arg) = iter.next() {
        let mut value = |what: &str| {
            iter.next()
                .ok_or(format!("{} needs {what}", arg.to_string_lossy()))
        };
        match arg.to_str() {
            Some("--check") => check = true,
            Some("--spec") => spec = Some(PathBuf::from(value("a directory")?)),
            Some("--out") => out = Some(PathBuf::from(value("a directory")?)),
            Some("--workspace") => workspace = Some(PathBuf::from(value("a directory")?)),
            Some("--package") => {
                package = Some(
                    value("a name")?
                        .into_string()
                        .map_err(|_| "--package needs a UTF-8 name")?,
                )
            }
            Some("--lib") => {
                lib = Some(
                    value("a name")?
                        .into_string()
                        .map_err(|_| "--lib needs a UTF-8 name")?,
                )
            }
            Some("--runtime-path") => {
                runtime_path = Some(
                    value("a directory")?
                        .into_string()
                        .map_err(|_| "--runtime-path needs a UTF-8 path")?,
                )
            }
            Some("--message-format") => {
                let name = value("`short` or `human`")?;
                format = Some(
                    name.to_str()
                        .and_then(|n| crate::diagnostic::MessageFormat::parse(n, use_color()))
                        .ok_or("--message-format takes `short` or `human`")?,
                );
            }
            Some("-h" | "--help") => return Ok(None),
            _ => return Err(format!("unknown argument `{}`", arg.to_string_lossy())),
        }
    }
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let root = match workspace {
        Some(dir) if is_workspace(&dir) => dir,
        Some(dir) => {
            return Err(format!(
                "--workspace {}: no Cargo.toml with [workspace] beside a spec/ directory there",
                dir.display()
            ));
        }
        None => match find_workspace(&cwd) {
            Some(dir) => dir,
            // One crate from explicit directories needs no workspace.
            None if spec.is_some() => cwd,
            None => {
                return Err(format!(
                    "no workspace at or above {}: run codegen inside the checkout (a directory with a Cargo.toml declaring [workspace] beside spec/), or pass --workspace DIR",
                    cwd.display()
                ));
            }
        },
    };
    let schema = spec.is_none();
    let single = package.is_some() || lib.is_some() || runtime_path.is_some();
    let jobs = match (spec, out) {
        (None, None) if !single => TARGETS
            .iter()
            .map(|t| Job {
                spec_dir: root.join(t.spec_dir),
                out_dir: root.join(t.out_dir),
                options: t.crate_options(),
            })
            .collect(),
        (Some(spec), Some(out)) => {
            let package = package.unwrap_or_else(|| "feishu".to_owned());
            if !valid_package_name(&package) {
                return Err(format!(
                    "--package `{package}`: a package name is ASCII letters, digits, `-` and `_`, starting with a letter (at most 64)"
                ));
            }
            let mut options = CrateOptions::new(&package);
            if let Some(lib) = lib {
                if !valid_lib_name(&lib) {
                    return Err(format!(
                        "--lib `{lib}`: a library name is a Rust identifier (letters, digits, `_`), not a keyword"
                    ));
                }
                options.lib = lib;
            }
            options.runtime_path = runtime_path;
            vec![Job {
                spec_dir: spec,
                out_dir: out,
                options,
            }]
        }
        _ => {
            return Err(
                "--spec, --out, --package, --lib and --runtime-path go together: give --spec and --out"
                    .into(),
            );
        }
    };
    let format = format.unwrap_or(if check || !std::io::stderr().is_terminal() {
        crate::diagnostic::MessageFormat::Short
    } else {
        crate::diagnostic::MessageFormat::Human { color: use_color() }
    });
    Ok(Some(Args {
        check,
        root,
        jobs,
        schema,
        format,
    }))
}

/// Colors only on a terminal, and never when `NO_COLOR` is set.
fn use_color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Runs the command line with the process's arguments.
pub fn main() -> ExitCode {
    if std::env::args().nth(1).as_deref() == Some("import") {
        return crate::import::cli::main(std::env::args().skip(2));
    }
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
    let root = args.root.clone();

    // Generate everything in memory first: a spec error anywhere means
    // nothing is written anywhere.
    let mut generations: Vec<(&Job, Generation)> = Vec::new();
    let mut failed = false;
    for job in &args.jobs {
        match generate_crate(&job.spec_dir, &root, &job.options) {
            Ok(generation) => {
                if !generation.warnings.0.is_empty() {
                    eprintln!("{}", generation.warnings.render(args.format));
                }
                generations.push((job, generation));
            }
            Err(Failure::Spec(diagnostics)) => {
                eprintln!("{}", diagnostics.render(args.format));
                failed = true;
            }
            Err(error @ Failure::Emit(_)) => {
                eprintln!("{error}");
                failed = true;
            }
        }
    }
    if failed {
        eprintln!(
            "codegen: nothing written; fix the errors above and run `cargo run -p codegen` again"
        );
        return ExitCode::FAILURE;
    }
    let Some((_, main)) = generations.first() else {
        return ExitCode::SUCCESS;
    };
    // The default run also writes the generic end-to-end test's call
    // functions (from the client crate's model), so `--check` covers them.
    let calls_job = Job {
        spec_dir: root.join(crate::MAIN_TARGET.spec_dir),
        out_dir: root.join(crate::emit::example_calls::CALLS_DIR),
        options: CrateOptions::new("calls"),
    };
    let calls = if args.schema {
        match crate::emit::example_calls::calls_file(&main.model, crate::MAIN_TARGET.spec_dir) {
            Ok(file) => Some(Generation {
                model: main.model.clone(),
                files: vec![file],
                warnings: crate::Diagnostics::default(),
            }),
            Err(error) => {
                eprintln!("{error}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        None
    };
    let counts = format!(
        "{} services, {} endpoints, {} types; {} crate{}; workspace {}",
        main.service_count(),
        main.endpoint_count(),
        main.type_count(),
        generations.len(),
        if generations.len() == 1 { "" } else { "s" },
        shown_root(&root)
    );

    if let Some(calls) = calls {
        generations.push((&calls_job, calls));
    }
    let schema_path = root.join(SCHEMA_PATH);
    let schema = schema_file_contents();
    if args.check {
        let schema_stale = args.schema
            && std::fs::read_to_string(&schema_path).ok().as_deref() != Some(schema.as_str());
        return check(&generations, &root, &counts, args.schema, schema_stale);
    }
    let mut total = output::WriteSummary::default();
    if args.schema {
        match output::write_file(&schema_path, &schema) {
            Ok(true) => total.written += 1,
            Ok(false) => total.unchanged += 1,
            Err(error) => {
                eprintln!("error: cannot write {SCHEMA_PATH}: {error}");
                return ExitCode::from(2);
            }
        }
    }
    for (job, generation) in &generations {
        match output::write_tree(&job.out_dir, &generation.files) {
            Ok(summary) => {
                total.written += summary.written;
                total.unchanged += summary.unchanged;
                total.removed += summary.removed;
            }
            Err(error) => {
                eprintln!(
                    "error: cannot write {}/: {error}; it was left as it was",
                    load::display(&job.out_dir, &root)
                );
                return ExitCode::from(2);
            }
        }
    }
    println!(
        "codegen: {counts}; files ({}): {} written, {} unchanged, {} removed",
        file_scope(args.schema),
        total.written,
        total.unchanged,
        total.removed
    );
    ExitCode::SUCCESS
}

/// The workspace as the summary names it: absolute, so two checkouts are
/// told apart at a glance.
fn shown_root(root: &Path) -> String {
    std::fs::canonicalize(root)
        .unwrap_or_else(|_| root.to_path_buf())
        .display()
        .to_string()
}

/// What the file counts of both summaries cover, so a run and `--check`
/// count the same set and say so.
fn file_scope(schema: bool) -> &'static str {
    if schema {
        "generated crates + the generic test's calls + codegen/spec.schema.json"
    } else {
        "generated crate"
    }
}

fn check(
    generations: &[(&Job, Generation)],
    root: &std::path::Path,
    counts: &str,
    schema: bool,
    schema_stale: bool,
) -> ExitCode {
    let mut all = Vec::new();
    let mut files = usize::from(schema);
    if schema_stale {
        all.push((
            String::from("codegen"),
            Drift::Stale("spec.schema.json".into()),
        ));
    }
    for (job, generation) in generations {
        let shown = load::display(&job.out_dir, root);
        files += generation.files.len();
        match output::compare(&job.out_dir, &generation.files) {
            Ok(drift) => all.extend(drift.into_iter().map(|d| (shown.clone(), d))),
            Err(error) => {
                eprintln!("error: cannot read {shown}/: {error}");
                return ExitCode::from(2);
            }
        }
    }
    if all.is_empty() {
        println!(
            "codegen --check: {counts}; files ({}): all {files} up to date",
            file_scope(schema)
        );
        return ExitCode::SUCCESS;
    }
    for (dir, drift) in &all {
        let (kind, path) = match drift {
            Drift::Stale(p) => ("stale:  ", p),
            Drift::Missing(p) => ("missing:", p),
            Drift::Extra(p) => ("extra:  ", p),
        };
        println!("{kind} {dir}/{path}");
    }
    let count = |f: fn(&Drift) -> bool| all.iter().filter(|(_, d)| f(d)).count();
    println!(
        "codegen --check: out of date ({} stale, {} missing, {} extra); run `cargo run -p codegen`",
        count(|d| matches!(d, Drift::Stale(_))),
        count(|d| matches!(d, Drift::Missing(_))),
        count(|d| matches!(d, Drift::Extra(_))),
    );
    ExitCode::FAILURE
}
