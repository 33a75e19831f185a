//! The Feishu API generator: YAML specs in `spec/` become the typed Rust
//! client crate in `generated/`.
//!
//! The pipeline, one module per step: [`load`] reads and deserializes the
//! YAML, [`resolve`] validates it and builds the [`model`], [`emit`] turns
//! the model into Rust with `syn`/`quote` and formats it with
//! `prettyplease`, and [`output`] compares or writes the tree.
//!
//! Outside this repository, the [`Builder`] generates a client from a
//! `build.rs` (into `OUT_DIR`, included with `include!`) or writes a
//! standalone crate; see its documentation for the complete pattern.

mod builder;
pub mod cli;
pub mod diagnostic;
pub mod emit;
pub mod ident;
pub mod import;
pub mod include;
mod keys;
pub mod load;
pub mod model;
pub mod output;
pub mod resolve;
pub mod schema;
pub mod source;
pub mod spec;
mod suggest;
mod text;
pub mod yaml_value;

use std::path::{Path, PathBuf};

pub use builder::{BuildError, Builder, Output};
pub use diagnostic::{Diagnostic, Diagnostics, Severity};
pub use emit::{CrateOptions, GeneratedFile};

/// The workspace holding `start`: the nearest directory at or above it with
/// a `Cargo.toml` declaring `[workspace]` beside a `spec/` directory.
///
/// The generator looks for it from the current directory, never from where
/// it was compiled (`CARGO_MANIFEST_DIR`): with a target directory shared by
/// two checkouts (`CARGO_TARGET_DIR`, worktrees, sccache), `cargo run -p
/// codegen` in one checkout may run the binary built in the other, and a
/// compile-time path would then silently regenerate the other checkout.
pub fn find_workspace(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|dir| is_workspace(dir))
        .map(Path::to_path_buf)
}

/// Whether `dir` holds a `Cargo.toml` with `[workspace]` and a `spec/` dir.
pub fn is_workspace(dir: &Path) -> bool {
    dir.join("spec").is_dir()
        && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| {
            manifest
                .lines()
                .any(|line| line.trim_start().starts_with("[workspace]"))
        })
}

/// One crate the generator writes: a spec directory, an output directory
/// (both relative to the workspace root) and the package name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Target {
    /// Spec directory, e.g. `spec`.
    pub spec_dir: &'static str,
    /// Output directory, e.g. `generated`.
    pub out_dir: &'static str,
    /// Package name in the generated `Cargo.toml`.
    pub package: &'static str,
    /// Library name (`[lib] name`); empty: the package name with `_`.
    pub lib: &'static str,
    /// Whether the crate is published (full metadata and a README) rather
    /// than `publish = false`.
    pub publish: bool,
}

impl Target {
    /// What the generated manifest says: the names, and the workspace's
    /// `runtime/` as a path dependency (with its version, for packaging).
    pub fn crate_options(&self) -> CrateOptions {
        let mut options = CrateOptions::new(self.package);
        if !self.lib.is_empty() {
            options.lib = self.lib.to_owned();
        }
        options.publish = self.publish;
        let depth = self.out_dir.split('/').filter(|s| !s.is_empty()).count();
        options.runtime_path = Some(format!("{}runtime", "../".repeat(depth)));
        options
    }
}

/// The client crate users depend on: published as `feishu-client` (the
/// crates.io name `feishu` is taken), used in code as `feishu::`.
pub const MAIN_TARGET: Target = Target {
    spec_dir: "spec",
    out_dir: "generated",
    package: "feishu-client",
    lib: "feishu",
    publish: true,
};

/// Every crate `cargo run -p codegen` writes: the client crate, then the
/// test-only crates that exercise what the real specs do not use yet
/// (token paging, hostile names, recursive types and hostile descriptions,
/// events of an events-only service, and the shapes no real spec uses yet:
/// `json_string`, maps of named types, per-tenant and per-user rate limits,
/// optional file parts and headers). The golden test checks all of them.
pub const TARGETS: &[Target] = &[
    MAIN_TARGET,
    Target {
        spec_dir: "tests/specs/paging",
        out_dir: "tests/generated/paging",
        package: "feishu-fixture-paging",
        lib: "",
        publish: false,
    },
    Target {
        spec_dir: "tests/specs/collisions",
        out_dir: "tests/generated/collisions",
        package: "feishu-fixture-collisions",
        lib: "",
        publish: false,
    },
    Target {
        spec_dir: "tests/specs/hardening",
        out_dir: "tests/generated/hardening",
        package: "feishu-fixture-hardening",
        lib: "",
        publish: false,
    },
    Target {
        spec_dir: "tests/specs/events",
        out_dir: "tests/generated/events",
        package: "feishu-fixture-events",
        lib: "",
        publish: false,
    },
    Target {
        spec_dir: "tests/specs/shapes",
        out_dir: "tests/generated/shapes",
        package: "feishu-fixture-shapes",
        lib: "",
        publish: false,
    },
];

/// What a successful generation produced.
#[derive(Debug)]
pub struct Generation {
    /// The resolved model.
    pub model: model::Model,
    /// Every generated file, sorted by path.
    pub files: Vec<GeneratedFile>,
    /// Warnings (never errors).
    pub warnings: Diagnostics,
}

impl Generation {
    /// Number of endpoints.
    pub fn endpoint_count(&self) -> usize {
        self.model
            .services
            .iter()
            .flat_map(|s| &s.resources)
            .map(|r| r.operations.len())
            .sum()
    }

    /// Number of named types.
    pub fn type_count(&self) -> usize {
        self.model.common.types.len()
            + self
                .model
                .services
                .iter()
                .map(|s| s.namespace.types.len())
                .sum::<usize>()
    }

    /// Number of distinct services.
    pub fn service_count(&self) -> usize {
        let names: std::collections::BTreeSet<&str> = self
            .model
            .services
            .iter()
            .map(|s| s.name.as_str())
            .collect();
        names.len()
    }
}

/// Why generation failed.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The specs have errors.
    #[error("{0}")]
    Spec(Diagnostics),
    /// The generator produced invalid Rust (a bug in codegen).
    #[error(transparent)]
    Emit(#[from] emit::EmitError),
}

/// Runs the pipeline in memory for `target`, whose directories are taken
/// relative to `root` (the workspace root).
pub fn generate(target: &Target, root: &Path) -> Result<Generation, Failure> {
    generate_crate(&root.join(target.spec_dir), root, &target.crate_options())
}

/// Runs the pipeline in memory over every spec file below `spec_dir`,
/// producing the crate `package`. Paths in diagnostics and headers are shown
/// relative to `display_root`.
pub fn generate_dir(
    spec_dir: &Path,
    display_root: &Path,
    package: &str,
) -> Result<Generation, Failure> {
    generate_crate(spec_dir, display_root, &CrateOptions::new(package))
}

/// [`generate_dir`] with the generated manifest described by `options`.
pub fn generate_crate(
    spec_dir: &Path,
    display_root: &Path,
    options: &CrateOptions,
) -> Result<Generation, Failure> {
    let (loaded, diagnostics) = load::load_dir(spec_dir, display_root);
    finish(
        &loaded,
        diagnostics,
        options,
        &load::display(spec_dir, display_root),
    )
}

/// Runs the pipeline over in-memory spec files `(display path, text)`:
/// for tests and fuzzing, no file system involved.
pub fn generate_from_sources(
    sources: &[(&str, &str)],
    package: &str,
) -> Result<Generation, Failure> {
    generate_crate_from_sources(sources, &CrateOptions::new(package))
}

/// [`generate_from_sources`] with the generated manifest described by
/// `options` (e.g. [`Target::crate_options`] to match a real target).
pub fn generate_crate_from_sources(
    sources: &[(&str, &str)],
    options: &CrateOptions,
) -> Result<Generation, Failure> {
    let mut diagnostics = Diagnostics::default();
    let mut loaded = Vec::new();
    for (path, text) in sources {
        let (spec, problems) = load::load_str(path, text);
        loaded.extend(spec);
        diagnostics.0.extend(problems);
    }
    finish(&loaded, diagnostics, options, "spec")
}

/// Resolves and emits loaded specs; `diagnostics` holds the loading problems.
pub(crate) fn finish(
    loaded: &[load::LoadedSpec],
    mut diagnostics: Diagnostics,
    options: &CrateOptions,
    spec_dir: &str,
) -> Result<Generation, Failure> {
    let (model, resolve_diagnostics) = resolve::resolve_with(loaded, !diagnostics.has_errors());
    diagnostics.0.extend(resolve_diagnostics.0);
    diagnostics.sort();
    match model {
        Some(model) if !diagnostics.has_errors() => {
            let files = emit::emit_crate(&model, options, spec_dir)?;
            Ok(Generation {
                model,
                files,
                warnings: diagnostics,
            })
        }
        _ => Err(Failure::Spec(diagnostics)),
    }
}
