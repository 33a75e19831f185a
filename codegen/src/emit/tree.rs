//! The crate skeleton: `lib.rs` with the `Client` and re-exports, each
//! service's `mod.rs`, each version's `mod.rs` with its named types, and
//! `common.rs` with the shared types.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::emit::CrateOptions;
use crate::emit::operation::{accessor_struct, inner_doc_attrs, version_accessor_name};
use crate::emit::paths::trait_name_allow;
use crate::emit::types::type_def;
use crate::emit::{docs, moved};
use crate::ident::{Case, sanitize};
use crate::model::{Model, Namespace, Service};

/// `src/lib.rs`.
pub fn lib_rs(model: &Model, options: &CrateOptions, spec_dir: &str) -> TokenStream {
    let (lib, package) = (&options.lib, &options.package);
    let runtime_check = crate::emit::compat::runtime_check();
    let first_service = distinct_services(model)
        .first()
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "okr".to_owned());
    let crate_doc = inner_doc_attrs(&format!(
        "Typed client for the Feishu (Lark) Open Platform, generated from the YAML specs in `{spec_dir}/`.\n\n\
         Operations follow the platform's own hierarchy, service · version · resource · action, as in the doc\n\
         URLs: `/document/<service>-<version>/<resource>/<action>` is\n\
         `client.<service>().<version>().<resource>().<action>(…)`. Required parameters are the method's\n\
         arguments; optional ones are chained setters; `.send().await` returns `Result<_, {lib}::Error>`.\n\n\
         ```no_run\n\
         # fn main() -> Result<(), {lib}::Error> {{\n\
         let client = {lib}::Client::builder()\n    .access_token(\"t-your-tenant-access-token\")\n    .build()?;\n\
         # let _ = client;\n\
         # Ok(())\n\
         # }}\n\
         ```\n\n\
         Each service is a cargo feature (all on by default), so a crate that needs one service can depend on\n\
         `{package}` with `default-features = false, features = [\"{first_service}\"]`."
    ));
    let services = distinct_services(model);
    let modules = services.iter().map(|service| {
        let module = service.module.to_ident();
        let feature = &service.name;
        let doc = docs::doc_attrs(&format!("The {} service.", docs::code(&service.name)));
        quote! {
            #doc
            #[cfg(feature = #feature)]
            #[cfg_attr(docsrs, doc(cfg(feature = #feature)))]
            #[rustfmt::skip]
            pub mod #module;
        }
    });
    let accessors = services
        .iter()
        .filter(|s| has_operations(model, &s.name))
        .map(|service| {
            let module = service.module.to_ident();
            let feature = &service.name;
            let accessor = format_ident!("{}", service_accessor_name(service));
            let mut text = docs::description(&service.docs);
            if !text.is_empty() {
                text.push_str("\n\n");
            }
            text.push_str(&format!(
                "The {} service's operations.",
                docs::code(&service.name)
            ));
            let doc = docs::doc_attrs(&text);
            let allow = trait_name_allow(&module);
            quote! {
                #doc
                #allow
                #[cfg(feature = #feature)]
                #[inline]
                pub fn #module(&self) -> #module::#accessor<'_> {
                    #module::#accessor::new(self)
                }
            }
        });
    let client_doc = docs::doc_attrs(
        "A Feishu client: one connection pool and configuration, cheap to clone and share between tasks.\n\n\
         Build one with [`Client::builder`], then reach an operation through its service, version and \
         resource: `client.okr().v1().user_okr().list(…)`.",
    );
    let builder_doc = docs::doc_attrs(
        "Starts configuring a client: base URL (Feishu by default, [`BaseUrl::LARK`] for Lark, or any URL for tests), access token, timeouts.",
    );
    let from_core_doc = docs::doc_attrs("Wraps an already configured runtime client.");
    let core_doc = docs::doc_attrs("The runtime client underneath: configuration and HTTP.");
    // Every item is `rustfmt::skip`: prettyplease already formatted the crate,
    // rustfmt would format it differently, and `cargo fmt --check` runs over
    // the whole workspace. Skipping a `mod` item skips its file too.
    quote! {
        #crate_doc
        #![forbid(unsafe_code)]
        // docs.rs builds with `--cfg docsrs` (Cargo.toml): label each
        // service's items with the feature that enables it.
        #![cfg_attr(docsrs, feature(doc_cfg))]

        #runtime_check

        #[rustfmt::skip]
        pub use ::feishu_runtime as runtime;
        #[rustfmt::skip]
        pub use ::feishu_runtime::event;
        #[rustfmt::skip]
        pub use ::feishu_runtime::{AccessToken, ApiError, AppTicketStore, AuthError, AuthErrorKind, BaseUrl, ClientBuilder, DecodeError, Empty, Error, InMemoryAppTicketStore, InMemoryTokenCache, InvalidRequest, RateLimited, RequestOptions, RetryPolicy, StreamExt, TokenCache, TransportError, TransportErrorKind, TryStreamExt, UnknownValue};

        #[rustfmt::skip]
        pub mod common;
        #(#modules)*

        #client_doc
        #[derive(::std::clone::Clone, ::std::fmt::Debug)]
        #[rustfmt::skip]
        pub struct Client {
            core: ::feishu_runtime::Client,
        }

        #[rustfmt::skip]
        impl Client {
            #builder_doc
            #[inline]
            pub fn builder() -> ::feishu_runtime::ClientBuilder<Client> {
                ::feishu_runtime::ClientBuilder::new()
            }

            #from_core_doc
            #[inline]
            pub fn from_core(core: ::feishu_runtime::Client) -> Self {
                Self { core }
            }

            #core_doc
            #[inline]
            pub fn core(&self) -> &::feishu_runtime::Client {
                &self.core
            }

            #(#accessors)*
        }

        #[rustfmt::skip]
        impl ::std::convert::From<::feishu_runtime::Client> for Client {
            #[inline]
            fn from(core: ::feishu_runtime::Client) -> Self {
                Self { core }
            }
        }
    }
}

/// Whether any version of the service has a resource. Accessor structs are
/// emitted only on the way to an operation: one with no methods would hold
/// a `client` nothing reads (dead code), for a service or version that has
/// only events or types.
fn has_operations(model: &Model, service: &str) -> bool {
    model
        .services
        .iter()
        .any(|s| s.name == service && !s.resources.is_empty())
}

/// One entry per service name (a service may have several versions).
pub fn distinct_services(model: &Model) -> Vec<&Service> {
    let mut seen = std::collections::BTreeMap::new();
    for service in &model.services {
        seen.entry(&service.name).or_insert(service);
    }
    seen.into_values().collect()
}

fn service_accessor_name(service: &Service) -> String {
    sanitize(&format!("{}_service", service.name), Case::UpperCamel).source
}

/// `src/<service>/mod.rs`: the version modules and the service accessor.
pub fn service_mod(model: &Model, service: &Service) -> TokenStream {
    let versions: Vec<&Service> = model
        .services
        .iter()
        .filter(|s| s.name == service.name)
        .collect();
    let mut text = docs::description(&service.docs);
    if !text.is_empty() {
        text.push_str("\n\n");
    }
    text.push_str(&format!("The {} service.", docs::code(&service.name)));
    let module_doc = inner_doc_attrs(&text);
    let accessor = format_ident!("{}", service_accessor_name(service));
    let accessor_doc = docs::doc_attrs(&format!(
        "The {} service. Get it with {}.",
        docs::code(&service.name),
        docs::member_link("crate::Client", &service.module)
    ));
    let version_modules = versions.iter().map(|v| {
        let module = v.version_module.to_ident();
        let doc = docs::doc_attrs(&format!(
            "Version {} of the {} service.",
            docs::code(&v.version),
            docs::code(&v.name)
        ));
        quote!(#doc pub mod #module;)
    });
    let version_accessors = versions
        .iter()
        .filter(|v| !v.resources.is_empty())
        .map(|v| {
            let module = v.version_module.to_ident();
            let accessor = format_ident!("{}", version_accessor_name(v));
            let doc = docs::doc_attrs(&format!("Version {}.", docs::code(&v.version)));
            let allow = trait_name_allow(&module);
            quote! {
                #doc
                #allow
                #[inline]
            pub fn #module(&self) -> #module::#accessor<'a> {
                    #module::#accessor::new(self.client)
                }
            }
        });
    let accessor_struct = has_operations(model, &service.name)
        .then(|| accessor_struct(&accessor, accessor_doc, version_accessors));
    quote! {
        #module_doc

        #(#version_modules)*

        #accessor_struct
    }
}

/// `src/<service>/<version>/mod.rs`: named types, resource modules and the
/// version accessor.
pub fn version_mod(service: &Service) -> TokenStream {
    let module_doc = inner_doc_attrs(&format!(
        "Version {} of the {} service: its types and resources.",
        docs::code(&service.version),
        docs::code(&service.name)
    ));
    let accessor = format_ident!("{}", version_accessor_name(service));
    let accessor_doc = docs::doc_attrs(&format!(
        "Version {} of the {} service. Get it with {}.",
        docs::code(&service.version),
        docs::code(&service.name),
        docs::member_link(
            &format!(
                "crate::{}::{}",
                service.module.source,
                service_accessor_name(service)
            ),
            &service.version_module
        )
    ));
    let resource_modules = service.resources.iter().map(|r| {
        let module = r.module.to_ident();
        let doc = docs::doc_attrs(&format!("Operations on {}.", docs::code(&r.name)));
        quote!(#doc pub mod #module;)
    });
    let resource_accessors = service.resources.iter().map(|r| {
        let module = r.module.to_ident();
        let accessor = r.accessor_type.to_ident();
        let mut text = docs::description(&r.docs);
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Operations on {}.", docs::code(&r.name)));
        let doc = docs::doc_attrs(&text);
        let allow = trait_name_allow(&module);
        quote! {
            #doc
            #allow
            #[inline]
            pub fn #module(&self) -> #module::#accessor<'a> {
                #module::#accessor::new(self.client)
            }
        }
    });
    let types = moved(namespace_types(&service.namespace));
    let accessor_struct = (!service.resources.is_empty())
        .then(|| moved(accessor_struct(&accessor, accessor_doc, resource_accessors)));
    let events_module = (!service.events.is_empty()).then(|| {
        let doc = docs::doc_attrs(&format!(
            "Events the {} service pushes (version {}).",
            docs::code(&service.name),
            docs::code(&service.version)
        ));
        quote!(#doc pub mod events;)
    });
    quote! {
        #module_doc

        #(#resource_modules)*
        #events_module

        #accessor_struct

        #types
    }
}

/// `src/common.rs`.
pub fn common_mod(common: &Namespace) -> TokenStream {
    let module_doc = inner_doc_attrs(
        "Types shared by every service, defined once in the shared-definitions spec file.",
    );
    let types = namespace_types(common);
    quote! {
        #module_doc
        #types
    }
}

fn namespace_types(namespace: &Namespace) -> TokenStream {
    let types = namespace.types.iter().map(|def| moved(type_def(def)));
    quote!(#(#types)*)
}
