//! Named types: structs with all-optional fields and forward-compatible enums.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::paths::rust_type;
use crate::emit::{docs, moved};
use crate::model::{EnumDef, EnumRepr, EnumValue, Field, TypeDef, TypeKind};

/// Emits one named type.
pub fn type_def(def: &TypeDef) -> TokenStream {
    let doc = docs::doc_attrs(&type_doc(def));
    match &def.kind {
        TypeKind::Struct(fields) => response_struct(&def.rust_name.to_ident(), doc, fields),
        TypeKind::Enum(en) => enum_def(&def.rust_name.to_ident(), doc, en),
    }
}

fn type_doc(def: &TypeDef) -> String {
    let mut text = docs::description(&def.docs);
    text.push_str(&format!("\n\nSpec type {}.", docs::code(&def.spec_name)));
    text
}

/// A struct whose fields are all optional: the platform may omit any field
/// (an OKR with `permission: 0` carries only `id`), and unknown fields are
/// ignored, so new server fields never break decoding.
pub fn response_struct(
    name: &proc_macro2::Ident,
    doc: TokenStream,
    fields: &[Field],
) -> TokenStream {
    let fields_in = fields;
    let fields = fields.iter().map(|field| {
        let ty = moved(rust_type(&field.ty));
        let ty = if field.boxed {
            moved(quote!(::std::boxed::Box<#ty>))
        } else {
            ty
        };
        let attrs = moved(field_attrs(field));
        let name = field.rust_name.to_ident();
        quote! {
            #attrs
            #[serde(skip_serializing_if = "::std::option::Option::is_none")]
            pub #name: ::std::option::Option<#ty>,
        }
    });
    let fields = fields.map(moved);
    let doc = moved(doc);
    let debug = crate::emit::secrets::debug_derive(fields_in);
    let debug_impl = crate::emit::secrets::debug_impl(name, fields_in, true).map(moved);
    quote! {
        #doc
        #[derive(::std::clone::Clone, #debug ::std::default::Default)]
        #[derive(::std::cmp::PartialEq, ::serde::Serialize, ::serde::Deserialize)]
        #[non_exhaustive]
        pub struct #name {
            #(#fields)*
        }

        #debug_impl
    }
}

/// Doc, rename, alias and deprecation attributes shared by every field kind.
pub fn field_attrs(field: &Field) -> TokenStream {
    let doc = moved(docs::doc_attrs(&docs::field(field)));
    let rename = (field.rust_name.unraw() != field.wire_name).then(|| {
        let wire = &field.wire_name;
        quote!(#[serde(rename = #wire)])
    });
    let aliases = field
        .aliases
        .iter()
        .map(|alias| quote!(#[serde(alias = #alias)]));
    let deprecated = deprecated_attr(field);
    quote! {
        #doc
        #deprecated
        #rename
        #(#aliases)*
    }
}

/// `#[deprecated]`, with the spec's note when it has one.
pub fn deprecated_attr(field: &Field) -> Option<TokenStream> {
    field.deprecated.as_ref().map(|note| {
        if note.is_empty() {
            quote!(#[deprecated])
        } else {
            quote!(#[deprecated(note = #note)])
        }
    })
}

fn enum_def(name: &proc_macro2::Ident, doc: TokenStream, def: &EnumDef) -> TokenStream {
    let variants = def.variants.iter().map(|variant| {
        let mut text = docs::description(&variant.docs);
        let wire = match &variant.value {
            EnumValue::String(s) => docs::code(&serde_json::Value::String(s.clone()).to_string()),
            EnumValue::Int(n) => docs::code(&n.to_string()),
        };
        text.push_str(&format!("\n\nWire value: {wire}."));
        if !variant.field_scopes.is_empty() {
            let scopes: Vec<String> = variant.field_scopes.iter().map(|s| docs::code(s)).collect();
            text.push_str(&format!("\nNeeds the field scope {}.", scopes.join(" or ")));
        }
        let doc = moved(docs::doc_attrs(&text));
        let ident = variant.rust_name.to_ident();
        moved(quote!(#doc #ident,))
    });
    let doc = moved(doc);
    let unknown_doc = docs::doc_attrs(
        "A value this version of the crate does not know yet. It keeps the wire value so it \
         can be sent back unchanged; match on the named variants instead of on this one.",
    );
    let idents: Vec<_> = def
        .variants
        .iter()
        .map(|v| v.rust_name.to_ident())
        .collect();
    let (
        wire_type,
        wire_values,
        accessor,
        accessor_doc,
        from_wire_arg,
        to_unknown,
        serialize,
        deserialize_type,
    ) = match def.repr {
        EnumRepr::String => {
            let values: Vec<TokenStream> = def
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::String(s) => quote!(#s),
                    EnumValue::Int(n) => {
                        let s = n.to_string();
                        quote!(#s)
                    }
                })
                .collect();
            (
                quote!(::std::string::String),
                values,
                quote!(#[inline] pub fn as_str(&self) -> &str),
                "The value as it travels on the wire.",
                quote!(value: &str),
                quote!(::std::borrow::ToOwned::to_owned(other)),
                quote!(serializer.serialize_str(self.as_str())),
                quote!(::std::string::String),
            )
        }
        EnumRepr::Int => {
            let values: Vec<TokenStream> = def
                .variants
                .iter()
                .map(|v| match &v.value {
                    EnumValue::Int(n) => {
                        let lit = proc_macro2::Literal::i64_unsuffixed(*n);
                        quote!(#lit)
                    }
                    EnumValue::String(_) => quote!(0),
                })
                .collect();
            (
                quote!(i64),
                values,
                quote!(#[inline] pub fn wire_value(&self) -> i64),
                "The value as it travels on the wire.",
                quote!(value: i64),
                quote!(other),
                quote!(serializer.serialize_i64(self.wire_value())),
                quote!(i64),
            )
        }
    };
    let accessor_doc = docs::doc_attrs(accessor_doc);
    let (accessor_unknown, display_body, deserialize_body) = match def.repr {
        EnumRepr::String => (
            quote!(Self::Unknown(value) => value.wire_value()),
            quote!(formatter.write_str(self.as_str())),
            quote!(::std::result::Result::Ok(Self::from_wire(&value))),
        ),
        EnumRepr::Int => (
            quote!(Self::Unknown(value) => *value.wire_value()),
            quote!(::std::fmt::Display::fmt(&self.wire_value(), formatter)),
            quote!(::std::result::Result::Ok(Self::from_wire(value))),
        ),
    };
    let from_wire_doc = docs::doc_attrs(
        "The variant for a wire value; a value this crate does not know becomes [`Self::Unknown`].",
    );
    // Every variant of an integer enum is a unit or `Unknown(UnknownValue<i64>)`, so
    // it can be `Copy`; a string enum's `Unknown` holds a `String` and cannot.
    let copy = match def.repr {
        EnumRepr::Int => quote!(::std::marker::Copy,),
        EnumRepr::String => quote!(),
    };
    quote! {
        #doc
        #[derive(::std::clone::Clone, #copy ::std::fmt::Debug)]
        #[derive(::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
            #unknown_doc
            Unknown(::feishu_runtime::UnknownValue<#wire_type>),
        }

        impl #name {
            #accessor_doc
            #accessor {
                match self {
                    #(Self::#idents => #wire_values,)*
                    #accessor_unknown,
                }
            }

            #from_wire_doc
            #[inline]
            pub fn from_wire(#from_wire_arg) -> Self {
                match value {
                    #(#wire_values => Self::#idents,)*
                    other => Self::Unknown(::feishu_runtime::UnknownValue::from_wire(#to_unknown)),
                }
            }
        }

        impl ::std::fmt::Display for #name {
            #[inline]
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                #display_body
            }
        }

        impl ::serde::Serialize for #name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error> {
                #serialize
            }
        }

        impl<'de> ::serde::Deserialize<'de> for #name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::std::result::Result<Self, D::Error> {
                let value = <#deserialize_type as ::serde::Deserialize<'de>>::deserialize(deserializer)?;
                #deserialize_body
            }
        }
    }
}
