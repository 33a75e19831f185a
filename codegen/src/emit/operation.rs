//! One resource module: the resource accessor with one method per operation
//! (and that method's rustdoc). The request builder each method returns is
//! emitted by [`super::request`].

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::paths::{argument, rust_type, trait_name_allow};
use crate::emit::{docs, moved, request};
use crate::ident::{Case, sanitize};
use crate::model::{
    BodyKind, Field, LimitScope, Operation, Resource, ResponseKind, Service, Shape, TokenType,
    TypeRef,
};

/// Emits `src/<service>/<version>/<resource>.rs`.
pub fn resource_module(service: &Service, resource: &Resource) -> TokenStream {
    let module_doc = {
        let mut text = docs::description(&resource.docs);
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!(
            "Resource {} of the {} service, version {}.",
            docs::code(&resource.name),
            docs::code(&service.name),
            docs::code(&service.version)
        ));
        moved(inner_doc_attrs(&text))
    };
    let accessor = resource.accessor_type.to_ident();
    let version_accessor = format_ident!("{}", version_accessor_name(service));
    let service_module = service.module.to_ident();
    let version_module = service.version_module.to_ident();
    let accessor_doc = docs::doc_attrs(&format!(
        "The {} operations. Get it with {}.",
        docs::code(&resource.name),
        docs::member_link(
            &format!("crate::{service_module}::{version_module}::{version_accessor}"),
            &resource.module
        ),
    ));
    let methods = resource.operations.iter().map(operation_method);
    let items = resource
        .operations
        .iter()
        .map(|op| moved(request::operation_items(op)));
    let accessor_struct = moved(accessor_struct(&accessor, accessor_doc, methods));
    quote! {
        #module_doc

        #accessor_struct

        #(#items)*
    }
}

/// A borrowed accessor: `struct Name<'a> { client: &'a crate::Client }`
/// with a crate-private constructor and the given methods. Services,
/// versions and resources are all reached through one of these.
pub fn accessor_struct(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    methods: impl IntoIterator<Item = TokenStream>,
) -> TokenStream {
    let doc = moved(doc);
    let methods = methods.into_iter().map(moved);
    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug)]
        pub struct #name<'a> {
            client: &'a crate::Client,
        }

        impl<'a> #name<'a> {
            #[inline]
            pub(crate) fn new(client: &'a crate::Client) -> Self {
                Self { client }
            }

            #(#methods)*
        }
    }
}

/// `OkrV1`: the version accessor's type name.
pub fn version_accessor_name(service: &Service) -> String {
    sanitize(
        &format!("{}_{}", service.name, service.version),
        Case::UpperCamel,
    )
    .source
}

/// `//!` lines.
pub fn inner_doc_attrs(text: &str) -> TokenStream {
    let lines = text.trim_end().lines().map(|line| {
        let line = if line.is_empty() {
            String::new()
        } else {
            format!(" {}", docs::without_bidi(line))
        };
        quote!(#![doc = #line])
    });
    quote!(#(#lines)*)
}

/// The parameters the caller must pass to start a request, in order: path
/// parameters, required query and header parameters, required body fields.
pub(super) fn required_params(op: &Operation) -> Vec<&Field> {
    let body = inline_body_fields(op);
    op.path_params
        .iter()
        .chain(op.query_params.iter().filter(|p| p.required))
        .chain(op.header_params.iter().filter(|p| p.required))
        .chain(body.iter().filter(|p| p.required))
        .collect()
}

/// Whether the body is a multipart form. Its parts are then fields of the
/// request builder itself: a form is built at send time, and a `FilePart`
/// (a stream, maybe) is neither `Clone` nor serialisable.
pub(super) fn is_multipart(op: &Operation) -> bool {
    op.body.is_some() && op.body_kind == BodyKind::Multipart
}

pub(super) fn is_download(op: &Operation) -> bool {
    matches!(op.response_kind, ResponseKind::Binary { .. })
}

/// Parameters stored directly on the builder: path, query and header
/// parameters, and a multipart body's parts.
pub(super) fn builder_params(op: &Operation) -> Vec<&Field> {
    let parts: &[Field] = if is_multipart(op) {
        inline_body_fields(op)
    } else {
        &[]
    };
    op.path_params
        .iter()
        .chain(&op.query_params)
        .chain(&op.header_params)
        .chain(parts)
        .collect()
}

pub(super) fn inline_body_fields(op: &Operation) -> &[Field] {
    match &op.body {
        Some(Shape::Inline { fields, .. }) => fields,
        _ => &[],
    }
}

pub(super) fn body_type_name(op: &Operation) -> Option<TokenStream> {
    if is_multipart(op) {
        return None;
    }
    match &op.body {
        Some(Shape::Inline { rust_name, .. }) => {
            let ident = rust_name.to_ident();
            Some(quote!(#ident))
        }
        Some(Shape::Named(ty)) => Some(rust_type(ty)),
        None => None,
    }
}

pub(super) fn response_type(op: &Operation) -> TokenStream {
    if is_download(op) {
        return quote!(::feishu_runtime::Download);
    }
    match &op.response {
        Some(Shape::Inline { rust_name, .. }) => {
            let ident = rust_name.to_ident();
            quote!(#ident)
        }
        Some(Shape::Named(ty)) => rust_type(ty),
        None => quote!(::feishu_runtime::Empty),
    }
}

pub(super) fn response_doc_name(op: &Operation) -> String {
    if is_download(op) {
        return "a [`feishu_runtime::Download`] (the response body as a byte stream, never buffered whole)".into();
    }
    match &op.response {
        Some(Shape::Inline { rust_name, .. }) => format!("[`{}`]", rust_name.source),
        Some(Shape::Named(TypeRef::Named {
            home, rust_name, ..
        })) => {
            format!(
                "[`{}::{}`]",
                crate::emit::paths::home_path(home)
                    .to_string()
                    .replace(' ', ""),
                rust_name.source
            )
        }
        Some(Shape::Named(_)) => "the response data".into(),
        None => "[`feishu_runtime::Empty`]".into(),
    }
}

/// The method on the resource accessor that starts a request.
fn operation_method(op: &Operation) -> TokenStream {
    let doc = moved(docs::doc_attrs(&operation_doc(op)));
    let name = op.method_name.to_ident();
    let request = op.request_type.to_ident();
    let required = required_params(op);
    let params = required.iter().map(|p| {
        let ident = p.rust_name.to_ident();
        let arg = argument(&p.ty, &ident);
        let ty = arg.param_type;
        quote!(#ident: #ty)
    });
    let mut inits: Vec<TokenStream> = Vec::new();
    for p in builder_params(op) {
        let ident = p.rust_name.to_ident();
        inits.push(if p.required {
            init_from_argument(p)
        } else {
            quote!(#ident: ::std::option::Option::None)
        });
    }
    match &op.body {
        _ if is_multipart(op) => {}
        Some(Shape::Inline { rust_name, fields }) => {
            let body_ident = rust_name.to_ident();
            let body_inits = fields.iter().map(|f| {
                let ident = f.rust_name.to_ident();
                if f.required {
                    init_from_argument(f)
                } else {
                    quote!(#ident: ::std::option::Option::None)
                }
            });
            inits.push(quote!(body: #body_ident { #(#body_inits,)* }));
        }
        Some(Shape::Named(_)) => inits.push(quote!(body)),
        None => {}
    }
    let body_param = match &op.body {
        Some(Shape::Named(ty)) => {
            let ty = rust_type(ty);
            Some(quote!(body: #ty))
        }
        _ => None,
    };
    let params = params.chain(body_param).map(moved);
    let inits = inits.into_iter().map(moved);
    let allow = trait_name_allow(&name);
    quote! {
        #doc
        #allow
        #[inline]
        pub fn #name(&self, #(#params),*) -> #request {
            #request {
                client: ::std::clone::Clone::clone(self.client.core()),
                options: ::std::default::Default::default(),
                #(#inits,)*
            }
        }
    }
}

fn operation_doc(op: &Operation) -> String {
    let mut out = vec![docs::escape(&op.summary)];
    out.extend(crate::emit::doc_example::section(op));
    let description = docs::description(&op.docs);
    if !description.is_empty() {
        out.push(String::new());
        out.push(description);
    }
    out.push(String::new());
    out.push(docs::code(&format!(
        "{} {}",
        op.http_method.as_str(),
        op.path
    )));
    out.push(String::new());
    let tokens: Vec<&str> = op
        .tokens
        .iter()
        .map(|t| match t {
            TokenType::Tenant => "`tenant_access_token`",
            TokenType::User => "`user_access_token`",
            TokenType::App => "`app_access_token`",
        })
        .collect();
    if tokens.is_empty() {
        out.push("- Access tokens: none (the request carries no `Authorization` header)".into());
    } else {
        out.push(format!("- Access tokens: {}", tokens.join(", ")));
    }
    if !op.scopes.is_empty() {
        let scopes: Vec<String> = op.scopes.iter().map(|s| docs::code(s)).collect();
        out.push(format!("- Scopes (any one): {}", scopes.join(", ")));
    }
    if !op.field_scopes.is_empty() {
        let scopes: Vec<String> = op.field_scopes.iter().map(|s| docs::code(s)).collect();
        out.push(format!(
            "- Field scopes (sensitive fields are returned only with these): {}",
            scopes.join(", ")
        ));
    }
    if !op.rate_limits.is_empty() {
        let windows: Vec<String> = op
            .rate_limits
            .iter()
            .map(|limit| {
                let per = match limit.per_seconds {
                    1 => "second".to_owned(),
                    60 => "minute".to_owned(),
                    3600 => "hour".to_owned(),
                    n => format!("{n} seconds"),
                };
                let scope = match limit.per {
                    LimitScope::App => "app",
                    LimitScope::Tenant => "tenant",
                    LimitScope::User => "user",
                };
                format!("{} requests per {per} per {scope}", limit.requests)
            })
            .collect();
        out.push(format!("- Rate limit: {}", windows.join("; ")));
    }
    if let Some(Shape::Inline { .. }) = &op.body
        && is_multipart(op)
    {
        out.push("- Body: a `multipart/form-data` form".into());
    }
    if let ResponseKind::Binary { partial } = op.response_kind {
        out.push(if partial {
            "- Response: a download; a `Range` request is answered with 206 and part of the file"
                .into()
        } else {
            "- Response: a download".into()
        });
    }
    out.push(format!(
        "- Retries: {}",
        if op.idempotent {
            "safe (the call is idempotent)"
        } else {
            "not automatic (the call is not idempotent)"
        }
    ));
    if !op.app_types.is_empty() {
        let apps: Vec<String> = op
            .app_types
            .iter()
            .map(|a| match a.as_str() {
                "custom" => "self-built (custom)".to_owned(),
                "isv" => "marketplace (isv)".to_owned(),
                other => docs::escape(other),
            })
            .collect();
        out.push(format!("- Apps: {}", apps.join(", ")));
    }
    let required = required_params(op);
    let named_body = matches!(op.body, Some(Shape::Named(_)));
    if !required.is_empty() || named_body {
        out.push(String::new());
        out.push("# Arguments".into());
        out.push(String::new());
        for p in &required {
            out.push(format!(
                "- `{}`: {}",
                p.rust_name.unraw(),
                one_line(&docs::field(p))
            ));
        }
        if named_body {
            out.push("- `body`: the request body.".into());
        }
    }
    let optional: Vec<&Field> = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .chain(inline_body_fields(op))
        .filter(|p| !p.required)
        .collect();
    if !optional.is_empty() {
        out.push(String::new());
        out.push(
            "Optional parameters are set on the returned builder: ".to_owned()
                + &optional
                    .iter()
                    .map(|p| docs::member_link(&op.request_type.source, &p.rust_name))
                    .collect::<Vec<_>>()
                    .join(", ")
                + ".",
        );
    }
    out.push(String::new());
    out.push("# Returns".into());
    out.push(String::new());
    out.push(format!(
        "A [`{}`]; `.send().await` on it returns `Result<{}, feishu::Error>` with {} on success.",
        op.request_type.source,
        response_type(op).to_string().replace(' ', ""),
        response_doc_name(op)
    ));
    if !op.errors.is_empty() {
        out.push(String::new());
        out.push("# Errors".into());
        out.push(String::new());
        out.push("Besides transport and decoding failures, the endpoint documents these codes (`Error::code()`):".into());
        out.push(String::new());
        out.push("| HTTP | Code | Message | Advice |".into());
        out.push("|---|---|---|---|".into());
        for e in &op.errors {
            out.push(format!(
                "| {} | {} | {} | {} |",
                e.status,
                e.code,
                docs::escape(&e.message),
                docs::escape(e.advice.as_deref().unwrap_or(""))
            ));
        }
    }
    out.push(String::new());
    out.push(format!(
        "[Official documentation]({})",
        op.doc_url.replace(')', "%29")
    ));
    out.join("\n")
}

/// Folds a field's paragraphs into one list item, ending each sentence so
/// that "目标用户id" and "Example: …" do not run together.
fn one_line(text: &str) -> String {
    text.split('\n')
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .map(|part| {
            if part.ends_with(['.', '。', '!', '?', '！', '？', ')', '）']) {
                part.to_owned()
            } else {
                format!("{part}.")
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// `name: conversion(name)`, or just `name` when the argument is stored as is.
fn init_from_argument(p: &Field) -> TokenStream {
    let ident = p.rust_name.to_ident();
    let convert = argument(&p.ty, &ident).convert;
    if ident == convert.to_string() {
        quote!(#ident)
    } else {
        quote!(#ident: #convert)
    }
}
