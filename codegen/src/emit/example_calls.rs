//! The per-endpoint call functions of the generic end-to-end test
//! (`tests/tests/every_endpoint.rs`): one function per operation that builds
//! the request through the generated typed API from the test's `Inputs`
//! (the spec's example values), sends it and returns the decoded response as
//! JSON, or the bytes of a download.
//!
//! They are generated because the typed API differs per endpoint (argument
//! order, setter names, body types): a hand-written table would go stale the
//! moment an endpoint is added, which is what the test exists to prevent.
//! The file lives in the tests crate, not in `feishu`: nothing is added to
//! the client's public API for it. It names types by their full
//! `::feishu::…` path and relies on `super::{Inputs, Outcome, CallFuture, CallFn}`
//! from the test that includes it.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::{EmitError, GeneratedFile};
use crate::model::*;

/// Where the file goes, relative to the workspace root.
pub const CALLS_DIR: &str = "tests/generated-calls";

/// The file's name inside [`CALLS_DIR`].
pub const CALLS_FILE: &str = "every_endpoint_calls.rs";

/// The call-function file for every operation of `model` (the client crate's).
pub fn calls_file(model: &Model, spec_dir: &str) -> Result<GeneratedFile, EmitError> {
    let mut entries = Vec::new();
    let mut functions = Vec::new();
    for service in &model.services {
        for resource in &service.resources {
            for op in &resource.operations {
                let name = format_ident!("call_{}", op.id.replace('.', "_"));
                let id = &op.id;
                entries.push(quote!((#id, #name)));
                functions.push(call_function(service, resource, op, &name));
            }
        }
    }
    let tokens = quote! {
        //! One call function per endpoint of the specs, for `tests/tests/every_endpoint.rs`.
        #![allow(deprecated, clippy::too_many_lines, unused_mut)]

        use super::{CallFn, CallFuture, Inputs, Outcome};

        /// Every endpoint's call function, keyed by operation id.
        pub const CALLS: &[(&str, CallFn)] = &[
            #(#entries,)*
        ];

        #(#functions)*
    };
    super::rust_file(CALLS_FILE, &format!("{spec_dir}/"), tokens)
}

/// The stored Rust type of `ty`, named from outside the crate.
fn type_path(ty: &TypeRef) -> TokenStream {
    super::paths::rust_type_from(ty, super::paths::Root::Feishu)
}

/// Where a parameter's value comes from in `Inputs`.
#[derive(Clone, Copy)]
enum Source {
    Path,
    Query,
    Header,
    /// A field of the JSON body, read from the deserialized body struct.
    BodyField,
    /// A part of a multipart body.
    Part,
}

/// `let <ident>: T = inputs.…;` for a required value, or the optional one.
fn fetch(field: &Field, source: Source) -> TokenStream {
    let ident = format_ident!("value_{}", field.rust_name.unraw());
    let wire = &field.wire_name;
    let ty = type_path(&field.ty);
    let (required, optional) = match source {
        Source::Path => (quote!(path), quote!(path_opt)),
        Source::Query => (quote!(query), quote!(query_opt)),
        Source::Header => (quote!(header), quote!(header_opt)),
        Source::Part if field.ty == TypeRef::File => (quote!(file), quote!(file_opt)),
        Source::Part => (quote!(part), quote!(part_opt)),
        Source::BodyField => {
            let member = field.rust_name.to_ident();
            return quote!(let #ident = body.#member;);
        }
    };
    if field.required || matches!(source, Source::Path) {
        quote!(let #ident: #ty = inputs.#required(#wire)?;)
    } else {
        quote!(let #ident: ::std::option::Option<#ty> = inputs.#optional(#wire)?;)
    }
}

fn call_function(
    service: &Service,
    resource: &Resource,
    op: &Operation,
    name: &proc_macro2::Ident,
) -> TokenStream {
    let multipart = op.body.is_some() && op.body_kind == BodyKind::Multipart;
    let inline_body: &[Field] = match &op.body {
        Some(Shape::Inline { fields, .. }) => fields,
        _ => &[],
    };
    let body_source = if multipart {
        Source::Part
    } else {
        Source::BodyField
    };
    let mut params: Vec<(&Field, Source)> = Vec::new();
    params.extend(op.path_params.iter().map(|f| (f, Source::Path)));
    params.extend(op.query_params.iter().map(|f| (f, Source::Query)));
    params.extend(op.header_params.iter().map(|f| (f, Source::Header)));
    params.extend(inline_body.iter().map(|f| (f, body_source)));

    let body_let = match &op.body {
        Some(Shape::Inline { rust_name, .. }) if !multipart => {
            let service_mod = service.module.to_ident();
            let version_mod = service.version_module.to_ident();
            let resource_mod = resource.module.to_ident();
            let body_type = rust_name.to_ident();
            Some(quote! {
                let body: ::feishu::#service_mod::#version_mod::#resource_mod::#body_type = inputs.body()?;
            })
        }
        Some(Shape::Named(ty)) => {
            let ty = type_path(ty);
            Some(quote!(let body: #ty = inputs.body()?;))
        }
        _ => None,
    };
    let fetches: Vec<TokenStream> = params.iter().map(|(f, s)| fetch(f, *s)).collect();
    // Arguments in the generated method's order: path parameters, then the
    // required query, header and body parameters, then a named body.
    let arguments = params
        .iter()
        .filter(|(f, s)| f.required || matches!(s, Source::Path))
        .map(|(f, _)| format_ident!("value_{}", f.rust_name.unraw()))
        .map(|ident| quote!(#ident))
        .chain(matches!(op.body, Some(Shape::Named(_))).then(|| quote!(body)));
    let setters = params
        .iter()
        .filter(|(f, s)| !(f.required || matches!(s, Source::Path)))
        .map(|(f, _)| {
            let value = format_ident!("value_{}", f.rust_name.unraw());
            let setter = f.rust_name.to_ident();
            quote! {
                if let ::std::option::Option::Some(value) = #value {
                    request = request.#setter(value);
                }
            }
        })
        .collect::<Vec<_>>();
    let service_fn = service.module.to_ident();
    let version_fn = service.version_module.to_ident();
    let resource_fn = resource.module.to_ident();
    let method = op.method_name.to_ident();
    let user_token = (op.tokens == [TokenType::User])
        .then(|| quote!(request = request.access_token(inputs.user_token());));
    let finish = if matches!(op.response_kind, ResponseKind::Binary { .. }) {
        quote!(Outcome::download(response).await)
    } else {
        quote!(Outcome::json(&response))
    };
    let id = &op.id;
    let doc = format!(" `{id}`: `{} {}`.", op.http_method.as_str(), op.path);
    // An endpoint without parameters, body or user token reads no input: the
    // parameter is then `_inputs`, or the call file would warn.
    let reads_inputs = quote!(#body_let #(#fetches)* #(#setters)* #user_token)
        .to_string()
        .contains("inputs");
    let inputs = if reads_inputs {
        quote!(inputs)
    } else {
        quote!(_inputs)
    };
    quote! {
        #[doc = #doc]
        fn #name<'a>(client: &'a ::feishu::Client, #inputs: &'a Inputs) -> CallFuture<'a> {
            ::std::boxed::Box::pin(async move {
                #body_let
                #(#fetches)*
                let mut request = client.#service_fn().#version_fn().#resource_fn().#method(#(#arguments),*);
                #(#setters)*
                #user_token
                let response = request.send().await.map_err(|error| error.to_string())?;
                #finish
            })
        }
    }
}
