//! The `import` subcommand: argument parsing, reading inputs, atomic writes.

use std::collections::BTreeMap;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::naming::Known;

/// Usage text.
pub const USAGE: &str = "usage: cargo run -p codegen -- import [--out DIR] FILE...

Reads doc pages (markdown, either rendering) and catalog files (JSON) and
writes spec YAML: to stdout, or with --out one file per service and version,
DIR/<service>/<version>.yaml. An existing file is merged into: new endpoints
and types are added, what a human wrote is kept, and differences between its
endpoints and the pages are reported on stderr. Review notes are written as
`# review:` comments and repeated on stderr.

  --out DIR   write (atomically) under DIR, e.g. spec
  -h, --help  show this help";

/// Runs the subcommand with the arguments after `import`.
pub fn main(args: impl Iterator<Item = String>) -> ExitCode {
    let mut out_dir: Option<PathBuf> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut args = args;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--out" => match args.next() {
                Some(d) => out_dir = Some(d.into()),
                None => return usage("--out needs a directory"),
            },
            "-h" | "--help" => {
                println!("{USAGE}");
                return ExitCode::SUCCESS;
            }
            s if s.starts_with('-') => return usage(&format!("unknown argument `{s}`")),
            _ => files.push(a.into()),
        }
    }
    if files.is_empty() {
        return usage("give at least one doc page or catalog file");
    }
    // The same workspace `cargo run -p codegen` would regenerate: the one holding the
    // current directory (the compile-time manifest directory may be another checkout's).
    let cwd = std::env::current_dir().unwrap_or_default();
    let root = crate::find_workspace(&cwd).unwrap_or(cwd);
    if let Some(dir) = &out_dir {
        let generated = root.join(crate::MAIN_TARGET.out_dir);
        let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.clone());
        let gen_abs = std::fs::canonicalize(&generated).unwrap_or(generated);
        let dir_abs = std::fs::canonicalize(&abs).unwrap_or(abs);
        if dir_abs.starts_with(&gen_abs) {
            return usage(
                "--out must not point into generated/ (only `cargo run -p codegen` writes there); use --out spec",
            );
        }
    }
    let mut inputs = Vec::new();
    for f in &files {
        let shown = f.display().to_string();
        match read_limited(f) {
            Ok(text) => inputs.push((shown, text)),
            Err(e) => {
                eprintln!(
                    "error: {shown}: cannot read: {e}\n  = help: give the path of a doc page (.md) or catalog file (.json)"
                );
                return ExitCode::FAILURE;
            }
        }
    }
    let common = out_dir
        .as_ref()
        .map(|d| d.join("common.yaml"))
        .filter(|p| p.exists())
        .unwrap_or_else(|| root.join("spec/common.yaml"));
    let known = std::fs::read_to_string(&common)
        .map(|t| super::known_from_common(&t))
        .unwrap_or_else(|_| Known::default());

    // The existing files of every service the inputs touch.
    let mut existing = BTreeMap::new();
    if let Some(dir) = &out_dir {
        let mut keys = Vec::new();
        for (shown, text) in &inputs {
            if let Ok(read) = super::read_input(shown, text, &known) {
                keys.extend(read.endpoints.into_iter().map(|e| (e.service, e.version)));
                keys.extend(read.events.into_iter().map(|e| (e.service, e.version)));
            }
        }
        for key in keys {
            let path = dir.join(&key.0).join(format!("{}.yaml", key.1));
            if let Ok(text) = std::fs::read_to_string(&path) {
                existing.insert(key, (path.display().to_string(), text));
            }
        }
    }
    let output = match super::import(&inputs, &known, &existing) {
        Ok(o) => o,
        Err(errors) => {
            for e in errors {
                eprintln!("{e}");
            }
            eprintln!("import: nothing written");
            return ExitCode::FAILURE;
        }
    };
    for w in &output.warnings {
        eprintln!("warning: {w}");
    }
    for r in &output.report {
        eprintln!("{r}");
    }
    match &out_dir {
        None => {
            let mut stdout = std::io::stdout().lock();
            for (i, f) in output.files.iter().enumerate() {
                let sep = if i > 0 { "\n" } else { "" };
                let _ = write!(
                    stdout,
                    "{sep}# ==> {}/{}.yaml\n{}",
                    f.service, f.version, f.text
                );
            }
        }
        Some(dir) => {
            for f in &output.files {
                let path = dir.join(&f.service).join(format!("{}.yaml", f.version));
                if let Err(e) = write_atomic(&path, &f.text) {
                    eprintln!(
                        "error: cannot write {}: {e}; it was left as it was",
                        path.display()
                    );
                    return ExitCode::FAILURE;
                }
                eprintln!("import: wrote {}", path.display());
            }
        }
    }
    ExitCode::SUCCESS
}

fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

fn read_limited(path: &Path) -> std::io::Result<String> {
    use std::io::Read as _;
    let file = std::fs::File::open(path)?;
    let mut buf = Vec::new();
    file.take(super::MAX_INPUT_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    if buf.len() > super::MAX_INPUT_BYTES {
        return Err(std::io::Error::other(format!(
            "larger than {} bytes",
            super::MAX_INPUT_BYTES
        )));
    }
    String::from_utf8(buf).map_err(|_| std::io::Error::other("not UTF-8 text"))
}

/// Writes `text` to `path` through a temporary file in the same directory
/// and a rename, so a reader never sees half a file.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("spec.yaml");
    let tmp = dir.join(format!(".{name}.import-{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
