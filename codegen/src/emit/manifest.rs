//! The generated crate's `Cargo.toml`. TOML, not Rust, so it is written as
//! text; every value in it comes from the model, from [`CrateOptions`] or is
//! fixed here.
//!
//! The manifest is complete on its own: no `workspace = true` anywhere, so
//! the crate builds wherever it is written (inside this workspace, in a
//! user's repository, or unpacked from crates.io). The workspace's own
//! `generated/` crate is no exception; it reaches the runtime by path *and*
//! version, which is what `cargo package` needs.
//!
//! Version compatibility: the client depends on `feishu-runtime` with a
//! caret requirement on the runtime version this generator was built with
//! ([`RUNTIME_VERSION`], `0.1.0` means `>=0.1.0, <0.2.0`). Within a 0.x minor
//! the runtime keeps every item generated code uses; a change that breaks
//! generated code bumps the minor and [`RUNTIME_ABI`], which the generated
//! `lib.rs` checks at compile time (see `emit::compat`).

use crate::emit::tree::distinct_services;
use crate::model::Model;

/// The `feishu-runtime` version generated crates require (caret).
pub const RUNTIME_VERSION: &str = "0.1.0";

/// The runtime's `GENERATED_CODE_ABI` this generator emits code for.
pub const RUNTIME_ABI: u32 = 2;

/// Edition, `rust-version` and license of every generated crate: the same as
/// the runtime's, so the pair builds with one toolchain.
const EDITION: &str = "2024";
const RUST_VERSION: &str = "1.88";
const LICENSE: &str = "MIT OR Apache-2.0";

/// Where the project lives; named in the metadata of published crates.
pub const REPOSITORY: &str = "https://github.com/feishu-rs/feishu";

/// How the generated crate names itself and finds its runtime.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CrateOptions {
    /// Package name in `Cargo.toml`, e.g. `feishu-client`.
    pub package: String,
    /// Library name (`[lib] name`), what user code writes: `feishu::Client`.
    pub lib: String,
    /// A path dependency on the runtime, as written in `Cargo.toml`
    /// (relative to the generated crate). Without one, crates.io is used.
    pub runtime_path: Option<String>,
    /// Whether the crate may be published: `false` writes `publish = false`.
    pub publish: bool,
}

impl CrateOptions {
    /// Package `package`, library named after it (`-` becomes `_`), the
    /// runtime from crates.io, not publishable.
    pub fn new(package: &str) -> Self {
        Self {
            package: package.to_owned(),
            lib: package.replace('-', "_"),
            runtime_path: None,
            publish: false,
        }
    }
}

/// Whether `name` is a usable package name: what `cargo new` accepts for an
/// ASCII name (letters, digits, `-`, `_`; not starting with a digit or `-`).
pub fn valid_package_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        && name.len() <= 64
}

/// Whether `name` is a usable library name: a Rust identifier, not a keyword.
pub fn valid_lib_name(name: &str) -> bool {
    valid_package_name(name) && !name.contains('-') && syn::parse_str::<syn::Ident>(name).is_ok()
}

/// A TOML basic string: quotes and backslashes escaped, control characters
/// as `\u` escapes, so a hostile path cannot end the string early.
pub fn toml_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Cargo.toml` of the generated crate, without the header comment.
pub fn cargo_toml(model: &Model, options: &CrateOptions) -> String {
    let services = distinct_services(model);
    let names: Vec<String> = services.iter().map(|s| format!("\"{}\"", s.name)).collect();
    let mut features = format!("[features]\ndefault = [{}]\n", names.join(", "));
    for service in &services {
        features.push_str(&format!("{} = []\n", service.name));
    }
    // The runtime's event channels, forwarded so that a user depends on one
    // crate: `feishu = { features = ["long-connection"] }`. Service names
    // cannot take these (resolve/reserved.rs).
    features.push_str(
        "# Receive events over HTTP (`feishu::event::webhook`).\n\
         webhook = [\"feishu-runtime/webhook\"]\n\
         # An axum router around the webhook receiver (`feishu::event::axum`).\n\
         axum = [\"feishu-runtime/axum\"]\n\
         # Receive events over the long connection (`feishu::event::long_connection`).\n\
         long-connection = [\"feishu-runtime/long-connection\"]\n",
    );
    let package = &options.package;
    let publishing = if options.publish {
        format!(
            "repository = \"{REPOSITORY}\"\n\
             documentation = \"https://docs.rs/{package}\"\n\
             readme = \"README.md\"\n"
        )
    } else {
        "publish = false\n".to_owned()
    };
    let lib = if options.lib == package.replace('-', "_") {
        String::new()
    } else {
        format!("\n[lib]\nname = \"{}\"\n", options.lib)
    };
    let runtime = match &options.runtime_path {
        Some(path) => format!(
            "{{ version = \"{RUNTIME_VERSION}\", path = {} }}",
            toml_string(path)
        ),
        None => format!("\"{RUNTIME_VERSION}\""),
    };
    format!(
        r#"[package]
name = "{package}"
version = "0.1.0"
description = "Typed client for the Feishu (Lark) Open Platform, generated from YAML specs by feishu-codegen."
keywords = ["feishu", "lark", "api", "client"]
categories = ["api-bindings"]
edition = "{EDITION}"
rust-version = "{RUST_VERSION}"
license = "{LICENSE}"
{publishing}{lib}
[package.metadata.docs.rs]
all-features = true
rustdoc-args = ["--cfg", "docsrs"]

{features}
[dependencies]
# `{RUNTIME_VERSION}` is a caret requirement: any 0.{minor}.x runtime builds this
# crate (src/lib.rs checks the runtime's GENERATED_CODE_ABI at compile time).
feishu-runtime = {runtime}
serde = {{ version = "1.0.219", features = ["derive"] }}
serde_json = {{ version = "1.0.140", features = ["raw_value"] }}
"#,
        minor = RUNTIME_VERSION.split('.').nth(1).unwrap_or("0"),
    )
}

/// `README.md` of a publishable generated crate (`readme` in its manifest).
pub fn readme(model: &Model, options: &CrateOptions) -> String {
    let services: Vec<String> = distinct_services(model)
        .iter()
        .map(|s| format!("`{}`", s.name))
        .collect();
    format!(
        "# {package}\n\n\
         Typed client for the Feishu (Lark) Open Platform, generated from YAML specs by\n\
         [feishu-codegen]({REPOSITORY}). User code refers to it as `{lib}`:\n\n\
         ```toml\n\
         [dependencies]\n\
         {package} = \"0.1\"\n\
         ```\n\n\
         ```rust\n\
         let client = {lib}::Client::builder()\n    .access_token(\"t-your-tenant-access-token\")\n    .build()?;\n\
         ```\n\n\
         Services (each a cargo feature, all on by default): {services}.\n\n\
         It needs `feishu-runtime` {RUNTIME_VERSION} or a later 0.{minor}.x release.\n",
        package = options.package,
        lib = options.lib,
        services = services.join(", "),
        minor = RUNTIME_VERSION.split('.').nth(1).unwrap_or("0"),
    )
}
