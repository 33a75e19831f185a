//! The `build.rs` API: generate a client for a user's own specs (or a
//! subset of services) from a crate that is not this workspace, the way
//! `prost-build` and `progenitor` do.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostics;
use crate::emit::{CrateOptions, EmitError};
use crate::include::{ModulePath, single_file};
use crate::{Failure, finish, load, output};

/// Generates a Feishu client from YAML specs, for a `build.rs` or a tool.
///
/// Two outputs:
///
/// - [`Builder::generate`] writes one file, `<out_dir>/<module>.rs`, holding
///   `pub mod <module> { ... }`, for `include!` in the user's crate. The
///   default out directory is `OUT_DIR` and the default module path
///   `crate::feishu`, i.e. the `include!` sits at the crate root. Included
///   anywhere else, say so with [`Builder::module_path`]
///   (`"crate::api::feishu"` for an `include!` inside `mod api`): generated
///   code names its items from the crate root and is rewritten to that path.
/// - [`Builder::write_crate`] writes a standalone crate (its own complete
///   `Cargo.toml`), like `feishu-codegen --spec DIR --out DIR`.
///
/// The including crate needs the generated code's dependencies:
/// `feishu-runtime`, `serde` (with `derive`) and `serde_json`.
///
/// Inside a build script it prints `cargo:rerun-if-changed=` for the spec
/// directory and every spec file it read, and each warning as
/// `cargo:warning=`. A spec error is returned as [`BuildError::Spec`],
/// whose `Display` lists every diagnostic as `file:line:column` with the
/// offending line, so `fn main() -> Result<(), Box<dyn Error>>` (or
/// `.expect(..)`) turns it into a build error that names the place.
///
/// ```no_run
/// // build.rs (with `feishu-codegen` under [build-dependencies])
/// fn main() -> Result<(), Box<dyn std::error::Error>> {
///     feishu_codegen::Builder::new()
///         .spec_dir("spec")
///         .services(["okr"])
///         .generate()?;
///     Ok(())
/// }
/// ```
///
/// ```ignore
/// // src/lib.rs
/// include!(concat!(env!("OUT_DIR"), "/feishu.rs"));
///
/// async fn okrs(client: &feishu::Client) -> Result<(), feishu::Error> {
///     let page = client.okr().v1().user_okr().list("ou_1", 0, 10).send().await?;
///     println!("{:?}", page.total);
///     Ok(())
/// }
/// ```
///
/// `Cargo.toml` of that crate:
///
/// ```toml
/// [dependencies]
/// feishu-runtime = "0.1"
/// serde = { version = "1", features = ["derive"] }
/// serde_json = "1"
///
/// [build-dependencies]
/// feishu-codegen = "0.1"
/// ```
#[derive(Clone, Debug)]
pub struct Builder {
    spec_dir: PathBuf,
    services: Option<Vec<String>>,
    out_dir: Option<PathBuf>,
    module_path: String,
    cargo_instructions: bool,
}

impl Default for Builder {
    fn default() -> Self {
        Self::new()
    }
}

impl Builder {
    /// Specs from `spec/`, every service, into `OUT_DIR`, as `crate::feishu`;
    /// cargo instructions printed when run by cargo (`OUT_DIR` is set).
    pub fn new() -> Self {
        Self {
            spec_dir: PathBuf::from("spec"),
            services: None,
            out_dir: None,
            module_path: "crate::feishu".to_owned(),
            cargo_instructions: std::env::var_os("OUT_DIR").is_some(),
        }
    }

    /// The directory holding the YAML specs (every `*.yaml` below it, with
    /// an optional shared-definitions `common.yaml`). Relative paths are
    /// relative to the current directory, which cargo sets to the package
    /// directory when it runs `build.rs`.
    pub fn spec_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.spec_dir = dir.into();
        self
    }

    /// Only these services (as in the specs' `service:`), plus the shared
    /// definitions. Naming a service no spec defines is an error.
    pub fn services<I, S>(mut self, services: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.services = Some(services.into_iter().map(Into::into).collect());
        self
    }

    /// Where [`Builder::generate`] writes; `OUT_DIR` by default.
    pub fn out_dir(mut self, dir: impl Into<PathBuf>) -> Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Where the `include!` puts the module, from the crate root:
    /// `crate::feishu` (default) or e.g. `crate::api::feishu`. The last
    /// segment names the module and the file (`feishu.rs`).
    pub fn module_path(mut self, path: impl Into<String>) -> Self {
        self.module_path = path.into();
        self
    }

    /// Whether to print `cargo:rerun-if-changed=` and `cargo:warning=`
    /// lines (default: when `OUT_DIR` is set, i.e. inside a build script).
    pub fn cargo_instructions(mut self, on: bool) -> Self {
        self.cargo_instructions = on;
        self
    }

    /// Generates the client as one file for `include!` and returns where it
    /// went. The file is only rewritten when its contents change, so cargo
    /// does not rebuild the crate for nothing.
    pub fn generate(&self) -> Result<Output, BuildError> {
        let path = ModulePath::parse(&self.module_path).map_err(BuildError::Config)?;
        let out_dir = match &self.out_dir {
            Some(dir) => dir.clone(),
            None => std::env::var_os("OUT_DIR")
                .map(PathBuf::from)
                .ok_or_else(|| {
                    BuildError::Config(
                        "no output directory: OUT_DIR is not set (not in a build script); call .out_dir(..)"
                            .into(),
                    )
                })?,
        };
        let (generation, services, inputs) = self.run(&CrateOptions::new("feishu"))?;
        let text = single_file(&generation.files, &path, &services).map_err(BuildError::Config)?;
        let file = out_dir.join(format!("{}.rs", path.name()));
        output::write_file(&file, &text).map_err(|source| BuildError::Io {
            path: file.clone(),
            source,
        })?;
        Ok(Output {
            path: file,
            endpoints: generation.endpoint_count(),
            warnings: generation.warnings,
            inputs,
        })
    }

    /// Writes a standalone crate (complete `Cargo.toml`, `src/`) into `dir`,
    /// replacing what an earlier run wrote there.
    pub fn write_crate(&self, dir: &Path, options: &CrateOptions) -> Result<Output, BuildError> {
        let (generation, _, inputs) = self.run(options)?;
        output::write_tree(dir, &generation.files).map_err(|source| BuildError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(Output {
            path: dir.to_path_buf(),
            endpoints: generation.endpoint_count(),
            warnings: generation.warnings,
            inputs,
        })
    }

    /// Loads, filters, resolves and emits; returns the services kept and
    /// the paths read (the `rerun-if-changed` set).
    #[allow(clippy::type_complexity)]
    fn run(
        &self,
        options: &CrateOptions,
    ) -> Result<(crate::Generation, Vec<String>, Vec<PathBuf>), BuildError> {
        let root = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .or_else(|| std::env::current_dir().ok())
            .unwrap_or_default();
        let spec_dir = if self.spec_dir.is_absolute() {
            self.spec_dir.clone()
        } else {
            root.join(&self.spec_dir)
        };
        let (mut loaded, diagnostics) = load::load_dir(&spec_dir, &root);
        // The directory too: cargo then notices files added to or removed
        // from it, and a file that failed to load is still watched.
        let mut inputs = vec![spec_dir.clone()];
        inputs.extend(
            loaded
                .iter()
                .map(|spec| root.join(&spec.source.display_path)),
        );
        if self.cargo_instructions {
            for input in &inputs {
                println!("cargo:rerun-if-changed={}", input.display());
            }
        }
        let known: Vec<String> = {
            let mut names: Vec<String> = loaded
                .iter()
                .filter_map(|l| l.spec.service.clone())
                .collect();
            names.sort();
            names.dedup();
            names
        };
        if let Some(wanted) = &self.services {
            if let Some(missing) = wanted.iter().find(|w| !known.contains(w)) {
                return Err(BuildError::Config(format!(
                    "no spec in {} defines the service `{missing}`; services found: {}",
                    spec_dir.display(),
                    if known.is_empty() {
                        "none".to_owned()
                    } else {
                        known.join(", ")
                    }
                )));
            }
            loaded.retain(|l| l.spec.service.as_ref().is_none_or(|s| wanted.contains(s)));
        }
        let services = match &self.services {
            Some(wanted) => known.into_iter().filter(|k| wanted.contains(k)).collect(),
            None => known,
        };
        let shown = load::display(&spec_dir, &root);
        let generation = match finish(&loaded, diagnostics, options, &shown) {
            Ok(generation) => generation,
            Err(Failure::Spec(diagnostics)) => return Err(BuildError::Spec(diagnostics)),
            Err(Failure::Emit(error)) => return Err(BuildError::Emit(error)),
        };
        if self.cargo_instructions {
            for warning in &generation.warnings.0 {
                // One line each: cargo shows `warning:` lines, not blocks.
                println!(
                    "cargo:warning={}: {}",
                    warning.location(),
                    warning.message.replace('\n', " ")
                );
            }
        }
        Ok((generation, services, inputs))
    }
}

/// What [`Builder::generate`] or [`Builder::write_crate`] wrote.
#[derive(Debug)]
pub struct Output {
    /// The file (`generate`) or crate directory (`write_crate`).
    pub path: PathBuf,
    /// How many endpoints the client has.
    pub endpoints: usize,
    /// Warnings about the specs (never errors).
    pub warnings: Diagnostics,
    /// What was read: the spec directory and every spec file in it (each
    /// printed as `cargo:rerun-if-changed=` in a build script).
    pub inputs: Vec<PathBuf>,
}

/// Why [`Builder`] produced nothing.
///
/// `Debug` prints the same text as `Display`: a build script's
/// `main() -> Result<_, _>` and `.expect(..)` show errors with `Debug`, and
/// the located diagnostics are what the user needs to see there.
pub enum BuildError {
    /// The specs have errors; each is located (`file:line:column`).
    Spec(Diagnostics),
    /// The builder's settings: an unknown service, a bad module path, no
    /// output directory.
    Config(String),
    /// Reading or writing a file failed.
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What the system said.
        source: std::io::Error,
    },
    /// The generator emitted invalid Rust (a bug in feishu-codegen).
    Emit(EmitError),
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Spec(diagnostics) => write!(
                f,
                "feishu-codegen: the specs have {} error(s):\n{diagnostics}",
                diagnostics.error_count()
            ),
            Self::Config(message) => write!(f, "feishu-codegen: {message}"),
            Self::Io { path, source } => {
                write!(
                    f,
                    "feishu-codegen: cannot write {}: {source}",
                    path.display()
                )
            }
            Self::Emit(error) => write!(f, "feishu-codegen: {error}"),
        }
    }
}

impl fmt::Debug for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for BuildError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Io { source, .. } => Some(source),
            Self::Emit(error) => Some(error),
            _ => None,
        }
    }
}
