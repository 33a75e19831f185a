//! Turns the model into the files of the generated crate. Rust is built as
//! token trees with `quote`, parsed with `syn` and printed by
//! `prettyplease`; only the header comment is added as text, because
//! comments are not tokens, and doc comments are written into the printed
//! text where prettyplease placed them (`doc_slots`: a quarter of the run's
//! time went into carrying them through the token pipeline).

mod compat;
mod doc_example;
mod doc_slots;
mod docs;
mod events;
pub mod example_calls;
mod extras;
pub mod manifest;
mod operation;
mod paths;
mod request;
mod secrets;
mod tree;
mod types;

use std::cell::Cell;

use proc_macro2::TokenStream;
use quote::ToTokens;

use crate::model::Model;

pub use manifest::CrateOptions;

/// A token stream that `quote!` moves in instead of copying. `#x` is
/// interpolated by reference, which copies every token of `x` (an
/// allocation per identifier) at each level of nesting: a resource file's
/// tokens were copied three or four times before syn parsed them.
/// Interpolate it once; a second use is empty.
pub(crate) struct Moved(Cell<TokenStream>);

/// Wraps `tokens` to be moved into the one `quote!` that uses them.
pub(crate) fn moved(tokens: TokenStream) -> Moved {
    Moved(Cell::new(tokens))
}

impl ToTokens for Moved {
    fn to_tokens(&self, out: &mut TokenStream) {
        out.extend([self.0.take()]);
    }
}

/// One file of the generated crate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the generated crate's root, `/`-separated.
    pub path: String,
    /// Full contents, header included.
    pub contents: String,
}

/// Failure to turn emitted tokens into a file: a generator bug, never a
/// spec mistake, so it names the file and asks for a report.
#[derive(Debug, thiserror::Error)]
#[error(
    "internal error: the generator emitted invalid Rust for {path}: {message}. This is a bug in codegen, not in the spec."
)]
pub struct EmitError {
    /// The file being emitted.
    pub path: String,
    /// What syn said.
    pub message: String,
}

/// The command that regenerates the crate, named in every header.
pub const REGENERATE_COMMAND: &str = "cargo run -p codegen";

/// Every file of the generated crate `package`, sorted by path. `spec_dir`
/// is the spec directory as shown in headers (`spec`).
pub fn emit(model: &Model, package: &str, spec_dir: &str) -> Result<Vec<GeneratedFile>, EmitError> {
    emit_crate(model, &CrateOptions::new(package), spec_dir)
}

/// Every file of the generated crate described by `options`, sorted by path.
pub fn emit_crate(
    model: &Model,
    options: &CrateOptions,
    spec_dir: &str,
) -> Result<Vec<GeneratedFile>, EmitError> {
    let _examples = doc_example::enter(model, &options.lib);
    let _doc_blocks = doc_slots::enter();
    let all_specs = format!("{spec_dir}/");
    let common_spec = if model.common.spec_file.is_empty() {
        all_specs.as_str()
    } else {
        model.common.spec_file.as_str()
    };
    let mut files = vec![
        text_file(
            "Cargo.toml",
            &all_specs,
            '#',
            manifest::cargo_toml(model, options),
        ),
        rust_file(
            "src/lib.rs",
            &all_specs,
            tree::lib_rs(model, options, spec_dir),
        )?,
        rust_file(
            "src/common.rs",
            common_spec,
            tree::common_mod(&model.common),
        )?,
    ];
    if options.publish {
        files.push(text_file(
            "README.md",
            &all_specs,
            '<',
            manifest::readme(model, options),
        ));
    }
    for service in tree::distinct_services(model) {
        let spec_files: Vec<&str> = model
            .services
            .iter()
            .filter(|s| s.name == service.name)
            .map(|s| s.namespace.spec_file.as_str())
            .collect();
        files.push(rust_file(
            &format!("src/{}/mod.rs", service.module.unraw()),
            &spec_files.join(", "),
            tree::service_mod(model, service),
        )?);
    }
    for service in &model.services {
        let dir = format!(
            "src/{}/{}",
            service.module.unraw(),
            service.version_module.unraw()
        );
        let spec_file = &service.namespace.spec_file;
        files.push(rust_file(
            &format!("{dir}/mod.rs"),
            spec_file,
            tree::version_mod(service),
        )?);
        for resource in &service.resources {
            files.push(rust_file(
                &format!("{dir}/{}.rs", resource.module.unraw()),
                spec_file,
                operation::resource_module(service, resource),
            )?);
        }
        if !service.events.is_empty() {
            files.push(rust_file(
                &format!("{dir}/events.rs"),
                spec_file,
                events::events_module(service),
            )?);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn header(comment: char, spec_files: &str) -> String {
    if comment == '<' {
        // Markdown: an HTML comment, invisible on crates.io.
        return format!(
            "<!-- @generated by `{REGENERATE_COMMAND}` from {spec_files}.\n     \
             Do not edit: change the spec and run `{REGENERATE_COMMAND}` again. -->\n\n"
        );
    }
    let c = if comment == '#' { "#" } else { "//" };
    format!(
        "{c} @generated by `{REGENERATE_COMMAND}` from {spec_files}.\n\
         {c} Do not edit: change the spec and run `{REGENERATE_COMMAND}` again.\n\n"
    )
}

fn text_file(path: &str, spec_files: &str, comment: char, body: String) -> GeneratedFile {
    GeneratedFile {
        path: path.to_owned(),
        contents: header(comment, spec_files) + &body,
    }
}

fn rust_file(
    path: &str,
    spec_files: &str,
    tokens: TokenStream,
) -> Result<GeneratedFile, EmitError> {
    let syntax: syn::File = syn::parse2(tokens).map_err(|error| EmitError {
        path: path.to_owned(),
        message: error.to_string(),
    })?;
    let printed = doc_slots::fill(prettyplease::unparse(&syntax)).map_err(|bad| EmitError {
        path: path.to_owned(),
        message: bad.0,
    })?;
    Ok(text_file(path, spec_files, '/', printed))
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::moved;

    #[test]
    fn a_moved_stream_is_interpolated_whole_once_then_empty() {
        let field = moved(quote!(pub id: ::std::string::String));
        let out = quote!(struct A { #field } struct B { #field });
        assert_eq!(
            out.to_string(),
            "struct A { pub id : :: std :: string :: String } struct B { }"
        );
    }
}
