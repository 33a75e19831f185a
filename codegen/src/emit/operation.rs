//! One resource module: the resource accessor, and per operation its
//! request builder, inline body and response structs, and `send`.

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::emit::paths::{argument, rust_type, trait_name_allow};
use crate::emit::types::{deprecated_attr, field_attrs, response_struct};
use crate::emit::{docs, extras};
use crate::ident::{Case, sanitize};
use crate::model::{
    BodyKind, Field, HttpMethod, LimitScope, Operation, Resource, ResponseKind, Service, Shape,
    TokenType, TypeRef,
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
        inner_doc_attrs(&text)
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
    let items = resource.operations.iter().map(operation_items);
    let accessor_struct = accessor_struct(&accessor, accessor_doc, methods);
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
    let methods = methods.into_iter();
    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug)]
        pub struct #name<'a> {
            client: &'a crate::Client,
        }

        impl<'a> #name<'a> {
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
fn is_multipart(op: &Operation) -> bool {
    op.body.is_some() && op.body_kind == BodyKind::Multipart
}

fn is_download(op: &Operation) -> bool {
    matches!(op.response_kind, ResponseKind::Binary { .. })
}

/// Parameters stored directly on the builder: path, query and header
/// parameters, and a multipart body's parts.
fn builder_params(op: &Operation) -> Vec<&Field> {
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

fn inline_body_fields(op: &Operation) -> &[Field] {
    match &op.body {
        Some(Shape::Inline { fields, .. }) => fields,
        _ => &[],
    }
}

fn body_type_name(op: &Operation) -> Option<TokenStream> {
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

fn response_type(op: &Operation) -> TokenStream {
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

fn response_doc_name(op: &Operation) -> String {
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
    let doc = docs::doc_attrs(&operation_doc(op));
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
    let params = params.chain(body_param);
    let allow = trait_name_allow(&name);
    quote! {
        #doc
        #allow
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

/// Everything at module level for one operation.
fn operation_items(op: &Operation) -> TokenStream {
    let request = op.request_type.to_ident();
    let operation_static =
        format_ident!("{}_OPERATION", op.method_name.unraw().to_ascii_uppercase());
    let id = &op.id;
    let path = &op.path;
    let method = match op.http_method {
        HttpMethod::Get => quote!(Get),
        HttpMethod::Post => quote!(Post),
        HttpMethod::Put => quote!(Put),
        HttpMethod::Patch => quote!(Patch),
        HttpMethod::Delete => quote!(Delete),
    };
    let tokens = op.tokens.iter().map(|t| match t {
        TokenType::Tenant => quote!(::feishu_runtime::TokenType::Tenant),
        TokenType::User => quote!(::feishu_runtime::TokenType::User),
        TokenType::App => quote!(::feishu_runtime::TokenType::App),
    });
    let rate_limits = op.rate_limits.iter().map(|limit| {
        let requests = limit.requests;
        let per_seconds = limit.per_seconds;
        let per = match limit.per {
            LimitScope::App => quote!(App),
            LimitScope::Tenant => quote!(Tenant),
            LimitScope::User => quote!(User),
        };
        quote!(::feishu_runtime::RateLimit { requests: #requests, per_seconds: #per_seconds, per: ::feishu_runtime::LimitScope::#per })
    });
    let envelope = match op.response_kind {
        ResponseKind::Flat => quote!(::feishu_runtime::Envelope::Flat),
        ResponseKind::Data | ResponseKind::Binary { .. } => {
            quote!(::feishu_runtime::Envelope::Data)
        }
    };
    let idempotent = op.idempotent;
    let response = response_type(op);

    // Builder fields: path, query and header parameters (and multipart
    // parts), then a JSON body.
    let mut fields = Vec::new();
    for p in builder_params(op) {
        let ident = p.rust_name.to_ident();
        let ty = rust_type(&p.ty);
        fields.push(if p.required {
            quote!(#ident: #ty)
        } else {
            quote!(#ident: ::std::option::Option<#ty>)
        });
    }
    if let Some(body) = body_type_name(op) {
        fields.push(quote!(body: #body));
    }

    let multipart = is_multipart(op);
    let setters = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
        .map(|p| {
            let ident = p.rust_name.to_ident();
            setter(p, quote!(self.#ident))
        })
        .chain(
            inline_body_fields(op)
                .iter()
                .filter(|p| !p.required)
                .map(|p| {
                    let ident = p.rust_name.to_ident();
                    if multipart {
                        setter(p, quote!(self.#ident))
                    } else {
                        setter(p, quote!(self.body.#ident))
                    }
                }),
        );

    let path_calls = op.path_params.iter().map(|p| {
        let ident = p.rust_name.to_ident();
        let wire = &p.wire_name;
        if is_copy(&p.ty) {
            quote!(request.path_param(#wire, self.#ident);)
        } else {
            quote!(request.path_param(#wire, &self.#ident);)
        }
    });
    let query_calls = op.query_params.iter().map(|p| {
        let ident = p.rust_name.to_ident();
        let wire = &p.wire_name;
        match (&p.ty, p.required) {
            (TypeRef::Array(_), true) => quote! {
                for value in &self.#ident {
                    request.query(#wire, value);
                }
            },
            (TypeRef::Array(_), false) => quote! {
                for value in self.#ident.iter().flatten() {
                    request.query(#wire, value);
                }
            },
            (ty, true) if is_copy(ty) => quote!(request.query(#wire, self.#ident);),
            (_, true) => quote!(request.query(#wire, &self.#ident);),
            (_, false) => quote! {
                if let ::std::option::Option::Some(value) = &self.#ident {
                    request.query(#wire, value);
                }
            },
        }
    });
    let header_calls = op.header_params.iter().map(|p| {
        let ident = p.rust_name.to_ident();
        let wire = &p.wire_name;
        if p.required {
            quote!(request.header(#wire, &self.#ident);)
        } else {
            quote! {
                if let ::std::option::Option::Some(value) = &self.#ident {
                    request.header(#wire, value);
                }
            }
        }
    });
    let body_call = match &op.body {
        None => None,
        Some(_) if multipart => Some(multipart_form(inline_body_fields(op))),
        Some(_) => Some(quote!(request.json_body(&self.body)?;)),
    };
    let execute = if is_download(op) {
        quote!(self.client.download(request).await)
    } else {
        quote!(self.client.execute(request).await)
    };
    // A multipart builder holds `FilePart`s, which cannot be cloned (a
    // stream is read once); every other builder is `Clone` for the pagers.
    let derives = if multipart {
        quote!(#[derive(::std::fmt::Debug)])
    } else {
        quote!(#[derive(::std::clone::Clone, ::std::fmt::Debug)])
    };
    let body_accessor = body_type_name(op).map(|body| {
        let doc = docs::doc_attrs("The JSON body this request will send.");
        quote! {
            #doc
            pub fn body(&self) -> &#body {
                &self.body
            }
        }
    });
    let request_doc = docs::doc_attrs(&format!(
        "A prepared {} request. Set optional parameters with its methods, then call [`{}::send`].",
        docs::code(&format!("{} {}", op.http_method.as_str(), op.path)),
        op.request_type.source
    ));
    let static_doc = docs::doc_attrs(&format!(
        "The static description of {}.",
        docs::code(&op.id)
    ));
    let send_doc = docs::doc_attrs(&if is_download(op) {
        "Sends the request and returns the download as soon as the response headers \
         arrive; read the body with `into_stream()` or `save_to(path)`.\n\n# Errors\n\n\
         [`feishu_runtime::Error`]: the API's own error (a JSON error body with its code, \
         message and log id), an invalid parameter caught before sending, or a transport failure."
            .to_owned()
    } else {
        format!(
            "Sends the request and decodes the response {} into {}.\n\n# Errors\n\n\
             [`feishu_runtime::Error`]: the API's own error (code, message, log id), an invalid \
             parameter caught before sending, a transport failure or an undecodable response.",
            if op.response_kind == ResponseKind::Flat {
                "(its fields beside `code` and `msg`)"
            } else {
                "`data`"
            },
            response_doc_name(op)
        )
    });
    let access_token_doc = docs::doc_attrs(
        "Sends this one request with `token` (for example a user access token) instead of the client's.",
    );
    let inline_structs = [&op.body, &op.response]
        .into_iter()
        .flatten()
        .filter_map(|shape| match shape {
            Shape::Inline { rust_name, fields } => Some((rust_name, fields)),
            Shape::Named(_) => None,
        });
    let is_body = |name: &crate::ident::RustIdent| matches!(&op.body, Some(Shape::Inline { rust_name, .. }) if rust_name == name);
    let inline_structs = inline_structs.map(|(rust_name, fields)| {
        let ident = rust_name.to_ident();
        if is_body(rust_name) && multipart {
            TokenStream::new()
        } else if is_body(rust_name) {
            let doc = docs::doc_attrs(&format!("The JSON body of {}.", docs::code(&op.id)));
            body_struct(&ident, doc, fields)
        } else {
            let doc = docs::doc_attrs(&format!("The response `data` of {}.", docs::code(&op.id)));
            response_struct(&ident, doc, fields)
        }
    });
    let validation = extras::validation(op);
    let paging = extras::paging(op);
    let error_codes = extras::error_codes(op);
    quote! {
        #static_doc
        static #operation_static: ::feishu_runtime::Operation = ::feishu_runtime::Operation {
            id: #id,
            method: ::feishu_runtime::HttpMethod::#method,
            path: #path,
            token_types: &[#(#tokens),*],
            rate_limits: &[#(#rate_limits),*],
            idempotent: #idempotent,
            envelope: #envelope,
        };

        #request_doc
        #derives
        #[must_use = "a request does nothing until `.send().await`"]
        pub struct #request {
            client: ::feishu_runtime::Client,
            options: ::feishu_runtime::RequestOptions,
            #(#fields,)*
        }

        impl #request {
            #(#setters)*

            #access_token_doc
            pub fn access_token(mut self, token: impl ::std::convert::Into<::feishu_runtime::AccessToken>) -> Self {
                self.options = self.options.access_token(token);
                self
            }

            #body_accessor

            #send_doc
            pub async fn send(self) -> ::std::result::Result<#response, ::feishu_runtime::Error> {
                #validation
                let mut request = ::feishu_runtime::Request::new(&#operation_static);
                #(#path_calls)*
                #(#query_calls)*
                #(#header_calls)*
                request.options(self.options);
                #body_call
                #execute
            }
        }

        #(#inline_structs)*

        #paging

        #error_codes
    }
}

/// Numbers and booleans are passed to the runtime by value.
fn is_copy(ty: &TypeRef) -> bool {
    matches!(
        ty,
        TypeRef::Int | TypeRef::Int64 | TypeRef::Float | TypeRef::Bool
    )
}

/// Builds the multipart form from the builder's part fields, in spec order:
/// scalars and enums as text parts, files as file parts (moved, not copied).
fn multipart_form(fields: &[Field]) -> TokenStream {
    let parts = fields.iter().map(|f| {
        let ident = f.rust_name.to_ident();
        let wire = &f.wire_name;
        let add = if f.ty == TypeRef::File {
            quote!(form.file(#wire, part))
        } else {
            quote!(form.text(#wire, part))
        };
        if f.required {
            quote! {
                let part = self.#ident;
                form = #add;
            }
        } else {
            quote! {
                if let ::std::option::Option::Some(part) = self.#ident {
                    form = #add;
                }
            }
        }
    });
    quote! {
        let mut form = ::feishu_runtime::multipart::Form::new();
        #(#parts)*
        request.multipart_body(form);
    }
}

/// A chained setter for an optional parameter stored at `place`.
fn setter(p: &Field, place: TokenStream) -> TokenStream {
    let ident = p.rust_name.to_ident();
    let value = Ident::new("value", Span::call_site());
    let arg = argument(&p.ty, &value);
    let param_type = arg.param_type;
    let convert = arg.convert;
    let doc = docs::doc_attrs(&docs::field(p));
    let deprecated = deprecated_attr(p);
    let allow = trait_name_allow(&ident);
    quote! {
        #doc
        #deprecated
        #allow
        pub fn #ident(mut self, #value: #param_type) -> Self {
            #place = ::std::option::Option::Some(#convert);
            self
        }
    }
}

/// The request body: required fields are plain, optional ones `Option`.
fn body_struct(name: &Ident, doc: TokenStream, fields: &[Field]) -> TokenStream {
    let debug = crate::emit::secrets::debug_derive(fields);
    let debug_impl = crate::emit::secrets::debug_impl(name, fields, false);
    let fields = fields.iter().map(|field| {
        let ty = rust_type(&field.ty);
        let attrs = field_attrs(field);
        let ident = field.rust_name.to_ident();
        if field.required {
            quote! {
                #attrs
                pub #ident: #ty,
            }
        } else {
            quote! {
                #attrs
                #[serde(skip_serializing_if = "::std::option::Option::is_none")]
                pub #ident: ::std::option::Option<#ty>,
            }
        }
    });
    quote! {
        #doc
        #[derive(::std::clone::Clone, #debug ::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
    }
}
