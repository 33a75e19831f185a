//! `src/<service>/<version>/events.rs`: one struct per pushed event and the
//! version's event enum, all decodable by the runtime's dispatcher.
//!
//! Each struct is shaped like a response struct (every field optional,
//! unknown fields ignored, `#[non_exhaustive]`) because the platform adds
//! fields to events as freely as to responses. `Dispatcher::on::<E>` takes
//! any `feishu_runtime::event::EventSet`, so both the enum (one handler for
//! the whole service version) and each struct (one handler per event)
//! implement it.
//!
//! Unknown events never become errors here: the dispatcher routes only the
//! types a set lists in `event_types`, and everything else goes to its
//! fallback with the raw JSON. The enum is `#[non_exhaustive]` so an event
//! added to the spec later is not a breaking change for callers' matches.
//! `decode` refuses a type outside its set (only reachable by calling it
//! by hand) with an error that names the set, not the caller's input.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::docs;
use crate::emit::operation::inner_doc_attrs;
use crate::emit::types::response_struct;
use crate::model::{Event, EventSchema, Service};

/// The whole events module of one service version.
pub fn events_module(service: &Service) -> TokenStream {
    let module_doc = inner_doc_attrs(&format!(
        "Events the {} service (version {}) pushes to the app.\n\n\
         Register a handler with `feishu::event::Dispatcher::on`: for [`{enum_name}`](crate::{service}::{version}::events::{enum_name}) \
         to handle every event below in one closure, or for one event struct to handle just that \
         event. Events without a handler reach the dispatcher's fallback with their raw JSON.",
        docs::code(&service.name),
        docs::code(&service.version),
        enum_name = service.event_enum_name().source,
        service = service.module.source,
        version = service.version_module.source,
    ));
    let structs = service.events.iter().map(event_struct);
    let event_enum = event_enum(service);
    quote! {
        #module_doc

        #(#structs)*

        #event_enum
    }
}

fn event_doc(event: &Event) -> String {
    let mut out = vec![docs::escape(&event.summary)];
    let description = docs::description(&event.docs);
    if !description.is_empty() {
        out.push(String::new());
        out.push(description);
    }
    out.push(String::new());
    out.push(format!("- Event type: {}", docs::code(&event.event_type)));
    out.push(format!(
        "- Envelope schema: {}",
        docs::code(match event.schema {
            EventSchema::V2 => "2.0",
            EventSchema::V1 => "1.0",
        })
    ));
    if !event.scopes.is_empty() {
        let scopes: Vec<String> = event.scopes.iter().map(|s| docs::code(s)).collect();
        out.push(format!(
            "- Scopes (any one allows subscribing): {}",
            scopes.join(", ")
        ));
    }
    out.push(String::new());
    out.push(format!(
        "[Official documentation]({})",
        event.doc_url.replace(')', "%29")
    ));
    out.join("\n")
}

fn event_struct(event: &Event) -> TokenStream {
    let name = event.rust_name.to_ident();
    let doc = docs::doc_attrs(&event_doc(event));
    let body = response_struct(&name, doc, &event.fields);
    let event_type = &event.event_type;
    let const_doc = docs::doc_attrs(&format!(
        "The event type, {}.",
        docs::code(&event.event_type)
    ));
    let mismatch = format!("not a `{event_type}` event");
    quote! {
        #body

        impl #name {
            #const_doc
            pub const EVENT_TYPE: &'static str = #event_type;
        }

        impl ::feishu_runtime::event::EventSet for #name {
            #[inline]
            fn event_types() -> &'static [&'static str] {
                &[#event_type]
            }

            #[inline]
            fn decode(event_type: &str, raw: &::serde_json::value::RawValue) -> ::std::result::Result<Self, ::serde_json::Error> {
                if event_type == #event_type {
                    ::serde_json::from_str(raw.get())
                } else {
                    ::std::result::Result::Err(<::serde_json::Error as ::serde::de::Error>::custom(#mismatch))
                }
            }
        }
    }
}

fn event_enum(service: &Service) -> TokenStream {
    let name = service.event_enum_name().to_ident();
    let doc = docs::doc_attrs(&format!(
        "Every event of the {} service, version {}: register it with `Dispatcher::on` to handle \
         them all in one closure.\n\n\
         Non-exhaustive: a later spec may add events, so a `match` needs a `_` arm.",
        docs::code(&service.name),
        docs::code(&service.version),
    ));
    let variants = service.events.iter().map(|event| {
        let variant = event.rust_name.to_ident();
        let doc = docs::doc_attrs(&format!(
            "{}: {}.",
            docs::code(&event.event_type),
            docs::escape(&event.summary)
        ));
        quote!(#doc #variant(#variant),)
    });
    let types: Vec<&String> = service.events.iter().map(|e| &e.event_type).collect();
    let idents: Vec<_> = service
        .events
        .iter()
        .map(|e| e.rust_name.to_ident())
        .collect();
    let type_doc = docs::doc_attrs("This event's type, e.g. for logs.");
    let mismatch = format!(
        "not an event of the `{}` service version `{}`",
        service.name, service.version
    );
    // An event enum with no variant would make `event_type`'s match empty
    // and `self` unused; the resolver only emits the module when there are
    // events, so this holds by construction.
    quote! {
        #doc
        // Events are decoded once and moved to a handler: the size of the
        // largest variant costs nothing worth boxing for.
        #[allow(clippy::large_enum_variant)]
        #[derive(::std::clone::Clone, ::std::fmt::Debug, ::std::cmp::PartialEq)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl #name {
            #type_doc
            #[inline]
            pub fn event_type(&self) -> &'static str {
                match self {
                    #(Self::#idents(_) => #types,)*
                }
            }
        }

        impl ::feishu_runtime::event::EventSet for #name {
            #[inline]
            fn event_types() -> &'static [&'static str] {
                &[#(#types),*]
            }

            #[inline]
            fn decode(event_type: &str, raw: &::serde_json::value::RawValue) -> ::std::result::Result<Self, ::serde_json::Error> {
                match event_type {
                    #(#types => ::serde_json::from_str(raw.get()).map(Self::#idents),)*
                    _ => ::std::result::Result::Err(<::serde_json::Error as ::serde::de::Error>::custom(#mismatch)),
                }
            }
        }

        #(
            impl ::std::convert::From<#idents> for #name {
                #[inline]
                fn from(event: #idents) -> Self {
                    Self::#idents(event)
                }
            }
        )*
    }
}
