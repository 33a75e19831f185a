//! Per operation, everything at module level: the static [`Operation`]
//! description, the request builder with its setters, `send` and the private
//! `into_request`, the inline body and response structs, paging and the
//! error-code enum.
//!
//! Only what is specific to the endpoint is emitted; everything generic lives
//! once in the runtime. What the generated crate compiles matters as much as
//! what it says: every method here is `#[inline]` (and `send` returns the
//! runtime's future instead of being an `async fn` with its own state
//! machine), so the generated crate compiles none of them to machine code.
//! That includes the private `into_request`: a function that an `#[inline]`
//! one calls is exported for the callers' crates, so without the attribute it
//! was compiled in the generated crate, and with it each body's `Serialize`
//! for `serde_json` (17.5 MB of the 29 MB .rlib at 100 endpoints).
//! A caller's crate compiles the few it uses; a crate of 1,600 endpoints
//! then builds at the cost of its types, not of its calls.
//!
//! [`Operation`]: feishu_runtime::Operation

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::emit::operation::{
    body_type_name, builder_params, inline_body_fields, is_download, is_multipart,
    response_doc_name, response_type,
};
use crate::emit::paths::{argument, rust_type, trait_name_allow};
use crate::emit::types::{deprecated_attr, field_attrs, response_struct};
use crate::emit::{docs, extras, moved};
use crate::model::{
    Field, HttpMethod, LimitScope, Operation, ResponseKind, Shape, TokenType, TypeRef,
};

/// Everything at module level for one operation.
pub fn operation_items(op: &Operation) -> TokenStream {
    let request = op.request_type.to_ident();
    let operation_static =
        format_ident!("{}_OPERATION", op.method_name.unraw().to_ascii_uppercase());
    let response = response_type(op);
    let multipart = is_multipart(op);

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

    let setters = op
        .query_params
        .iter()
        .chain(&op.header_params)
        .filter(|p| !p.required)
        .map(|p| {
            let ident = p.rust_name.to_ident();
            setter(p, quote!(self.#ident))
        })
        .map(moved)
        .chain(
            inline_body_fields(op)
                .iter()
                .filter(|p| !p.required)
                .map(|p| {
                    let ident = p.rust_name.to_ident();
                    moved(if multipart {
                        setter(p, quote!(self.#ident))
                    } else {
                        setter(p, quote!(self.body.#ident))
                    })
                }),
        );

    // A multipart builder holds `FilePart`s, which cannot be cloned (a
    // stream is read once); every other builder is `Clone` for the pagers.
    let derives = if multipart {
        quote!(#[derive(::std::fmt::Debug)])
    } else {
        quote!(#[derive(::std::clone::Clone, ::std::fmt::Debug)])
    };
    let body_accessor = body_type_name(op).map(|body| {
        let doc = moved(docs::doc_attrs("The JSON body this request will send."));
        moved(quote! {
            #doc
            #[inline]
            pub fn body(&self) -> &#body {
                &self.body
            }
        })
    });
    let request_doc = moved(docs::doc_attrs(&format!(
        "A prepared {} request. Set optional parameters with its methods, then call [`{}::send`].",
        docs::code(&format!("{} {}", op.http_method.as_str(), op.path)),
        op.request_type.source
    )));
    let access_token_doc = moved(docs::doc_attrs(
        "Sends this one request with `token` (for example a user access token) instead of the client's.",
    ));
    let send = moved(send_method(op, &response));
    let into_request = moved(into_request(op, &operation_static));
    let operation = moved(operation_static_item(op, &operation_static));
    let inline_structs = inline_structs(op).into_iter().map(moved);
    let paging = moved(extras::paging(op));
    let error_codes = moved(extras::error_codes(op));
    let fields = fields.into_iter().map(moved);
    quote! {
        #operation

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
            #[inline]
            pub fn access_token(mut self, token: impl ::std::convert::Into<::feishu_runtime::AccessToken>) -> Self {
                self.options = self.options.access_token(token);
                self
            }

            #body_accessor

            #send

            #into_request
        }

        #(#inline_structs)*

        #paging

        #error_codes
    }
}

/// `static LIST_OPERATION: Operation = …`: what the runtime needs to know
/// about the endpoint (method, path, tokens, rate limits, retries, envelope).
fn operation_static_item(op: &Operation, name: &Ident) -> TokenStream {
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
    // The runtime's constructors say it in one line: `RateLimit::per_minute(100)`.
    let rate_limits = op.rate_limits.iter().map(|limit| {
        let requests = proc_macro2::Literal::u32_unsuffixed(limit.requests);
        let per_seconds = proc_macro2::Literal::u32_unsuffixed(limit.per_seconds);
        let scope = match limit.per {
            LimitScope::App => quote!(App),
            LimitScope::Tenant => quote!(Tenant),
            LimitScope::User => quote!(User),
        };
        let window = match limit.per_seconds {
            60 => quote!(::feishu_runtime::RateLimit::per_minute(#requests)),
            1 => quote!(::feishu_runtime::RateLimit::per_second(#requests)),
            _ => {
                return quote!(::feishu_runtime::RateLimit { requests: #requests, per_seconds: #per_seconds, per: ::feishu_runtime::LimitScope::#scope });
            }
        };
        if limit.per == LimitScope::App {
            window
        } else {
            quote!(#window.scoped(::feishu_runtime::LimitScope::#scope))
        }
    });
    let envelope = match op.response_kind {
        ResponseKind::Flat => quote!(::feishu_runtime::Envelope::Flat),
        ResponseKind::Data | ResponseKind::Binary { .. } => {
            quote!(::feishu_runtime::Envelope::Data)
        }
    };
    let idempotent = op.idempotent;
    let doc = moved(docs::doc_attrs(&format!(
        "The static description of {}.",
        docs::code(&op.id)
    )));
    quote! {
        #doc
        static #name: ::feishu_runtime::Operation = ::feishu_runtime::Operation {
            id: #id,
            method: ::feishu_runtime::HttpMethod::#method,
            path: #path,
            token_types: &[#(#tokens),*],
            rate_limits: &[#(#rate_limits),*],
            idempotent: #idempotent,
            envelope: #envelope,
        };
    }
}

/// `send`: hands the assembled request to the runtime, which sends it and
/// decodes the response. Not an `async fn`: the runtime's future is all the
/// state there is, so no per-endpoint state machine is compiled.
fn send_method(op: &Operation, response: &TokenStream) -> TokenStream {
    let doc = moved(docs::doc_attrs(&if is_download(op) {
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
    }));
    let send = if is_download(op) {
        quote!(send_download)
    } else {
        quote!(send)
    };
    quote! {
        #doc
        #[inline]
        pub fn send(self) -> impl ::feishu_runtime::ResponseFuture<#response> {
            let client = ::std::clone::Clone::clone(&self.client);
            client.#send(self.into_request())
        }
    }
}

/// The private `into_request`: checks the documented limits, then fills a
/// runtime `Request` with path, query and header parameters and the body.
fn into_request(op: &Operation, operation_static: &Ident) -> TokenStream {
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
            (TypeRef::Array(_), true) => quote!(request.query_each(#wire, &self.#ident);),
            (TypeRef::Array(_), false) => {
                quote!(request.query_each(#wire, self.#ident.iter().flatten());)
            }
            (ty, true) if is_copy(ty) => quote!(request.query(#wire, self.#ident);),
            (_, true) => quote!(request.query(#wire, &self.#ident);),
            (_, false) => quote!(request.query_opt(#wire, &self.#ident);),
        }
    });
    let header_calls = op.header_params.iter().map(|p| {
        let ident = p.rust_name.to_ident();
        let wire = &p.wire_name;
        if p.required {
            quote!(request.header(#wire, &self.#ident);)
        } else {
            quote!(request.header_opt(#wire, &self.#ident);)
        }
    });
    let body_call = match &op.body {
        None => None,
        Some(_) if is_multipart(op) => Some(multipart_form(inline_body_fields(op))),
        Some(_) => Some(quote!(request.json_body(&self.body)?;)),
    };
    let validation = moved(extras::validation(op));
    let body_call = body_call.map(moved);
    quote! {
        /// Checks the documented limits, then assembles the runtime request.
        #[inline]
        fn into_request(self) -> ::feishu_runtime::Result<::feishu_runtime::Request> {
            #validation
            let mut request = ::feishu_runtime::Request::new(&#operation_static);
            #(#path_calls)*
            #(#query_calls)*
            #(#header_calls)*
            request.options(self.options);
            #body_call
            ::std::result::Result::Ok(request)
        }
    }
}

/// The inline body struct (not for a multipart body, whose parts live on the
/// builder) and the inline response struct.
fn inline_structs(op: &Operation) -> Vec<TokenStream> {
    let multipart = is_multipart(op);
    let mut out = Vec::new();
    if let Some(Shape::Inline { rust_name, fields }) = &op.body
        && !multipart
    {
        let doc = docs::doc_attrs(&format!("The JSON body of {}.", docs::code(&op.id)));
        out.push(body_struct(&rust_name.to_ident(), doc, fields));
    }
    if let Some(Shape::Inline { rust_name, fields }) = &op.response {
        let body_has_name =
            matches!(&op.body, Some(Shape::Inline { rust_name: body, .. }) if body == rust_name);
        if !body_has_name {
            let doc = docs::doc_attrs(&format!("The response `data` of {}.", docs::code(&op.id)));
            out.push(response_struct(&rust_name.to_ident(), doc, fields));
        }
    }
    out
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
    let doc = moved(docs::doc_attrs(&docs::field(p)));
    let deprecated = deprecated_attr(p);
    let allow = trait_name_allow(&ident);
    let (param_type, convert, place) = (moved(param_type), moved(convert), moved(place));
    quote! {
        #doc
        #deprecated
        #allow
        #[inline]
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
    let doc = moved(doc);
    let debug_impl = debug_impl.map(moved);
    let fields = fields
        .iter()
        .map(|field| {
            let ty = moved(rust_type(&field.ty));
            let attrs = moved(field_attrs(field));
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
        })
        .map(moved);
    quote! {
        #doc
        #[derive(::std::clone::Clone, #debug)]
        #[derive(::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
    }
}
