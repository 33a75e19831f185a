//! Rust type expressions for model types. Emitted code names every type by
//! its full path so that a spec type called `Option` or `String` can never
//! shadow the standard one.

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::{TypeHome, TypeRef};

/// Where emitted code stands: inside the generated crate (`crate::…`,
/// `::feishu_runtime::…`) or in a crate that depends on it as `feishu`
/// (`::feishu::…`, `::feishu::runtime::…`, the generic test's call file).
#[derive(Clone, Copy)]
pub enum Root {
    /// Code of the generated crate itself.
    Crate,
    /// Code of another crate, naming the client as `::feishu`.
    Feishu,
}

impl Root {
    fn crate_path(self) -> TokenStream {
        match self {
            Self::Crate => quote!(crate),
            Self::Feishu => quote!(::feishu),
        }
    }

    fn runtime_path(self) -> TokenStream {
        match self {
            Self::Crate => quote!(::feishu_runtime),
            Self::Feishu => quote!(::feishu::runtime),
        }
    }
}

/// The module path of a type's home, e.g. `crate::okr::v1`.
pub fn home_path(home: &TypeHome) -> TokenStream {
    home_path_from(home, Root::Crate)
}

/// The module path of a type's home as seen from `root`.
pub fn home_path_from(home: &TypeHome, root: Root) -> TokenStream {
    let krate = root.crate_path();
    match home {
        TypeHome::Common => quote!(#krate::common),
        TypeHome::Service { service, version } => {
            let service = service.to_ident();
            let version = version.to_ident();
            quote!(#krate::#service::#version)
        }
    }
}

/// The type as stored in a struct or builder.
pub fn rust_type(ty: &TypeRef) -> TokenStream {
    rust_type_from(ty, Root::Crate)
}

/// The stored type of `ty` as seen from `root`.
pub fn rust_type_from(ty: &TypeRef, root: Root) -> TokenStream {
    match ty {
        TypeRef::String => quote!(::std::string::String),
        TypeRef::Int => quote!(i32),
        TypeRef::Int64 => quote!(i64),
        TypeRef::Float => quote!(f64),
        TypeRef::Bool => quote!(bool),
        TypeRef::Named {
            home, rust_name, ..
        } => {
            let home = home_path_from(home, root);
            let name = rust_name.to_ident();
            quote!(#home::#name)
        }
        TypeRef::Array(inner) => {
            let inner = rust_type_from(inner, root);
            quote!(::std::vec::Vec<#inner>)
        }
        TypeRef::Any => {
            let runtime = root.runtime_path();
            quote!(#runtime::serde_json::Value)
        }
        TypeRef::Map(inner) => {
            let inner = rust_type_from(inner, root);
            quote!(::std::collections::BTreeMap<::std::string::String, #inner>)
        }
        TypeRef::File => {
            let runtime = root.runtime_path();
            quote!(#runtime::multipart::FilePart)
        }
        TypeRef::JsonString(inner) => {
            let inner = rust_type_from(inner, root);
            let runtime = root.runtime_path();
            quote!(#runtime::JsonString<#inner>)
        }
    }
}

/// How a builder method accepts a value of this type, and how it turns the
/// argument (`value`) into the stored form.
pub struct Argument {
    /// Parameter type, e.g. `impl Into<String>`.
    pub param_type: TokenStream,
    /// Expression converting the parameter into the stored type.
    pub convert: TokenStream,
}

/// Strings are taken as `impl Into<String>` and arrays as any iterator, so
/// callers can pass `&str`, `String`, arrays, `Vec`s or iterators; maps as
/// any iterator of pairs (a `HashMap`, a `BTreeMap`, an array of tuples),
/// `any` as anything `serde_json::Value` converts from, a JSON-string field
/// as its typed value. A file is taken only as a `FilePart`: the caller says
/// whether it is bytes, a path or a stream, so a path string can never be
/// mistaken for file content.
pub fn argument(ty: &TypeRef, value: &proc_macro2::Ident) -> Argument {
    match ty {
        TypeRef::String => Argument {
            param_type: quote!(impl ::std::convert::Into<::std::string::String>),
            convert: quote!(::std::convert::Into::into(#value)),
        },
        TypeRef::Array(inner) if **inner == TypeRef::String => Argument {
            param_type: quote!(
                impl ::std::iter::IntoIterator<Item = impl ::std::convert::Into<::std::string::String>>
            ),
            convert: quote!(::feishu_runtime::into_list(#value)),
        },
        TypeRef::Array(inner) => {
            let inner = rust_type(inner);
            Argument {
                param_type: quote!(impl ::std::iter::IntoIterator<Item = #inner>),
                convert: quote!(::feishu_runtime::into_list(#value)),
            }
        }
        TypeRef::Map(inner) => {
            let inner = rust_type(inner);
            Argument {
                param_type: quote!(impl ::std::iter::IntoIterator<Item = (::std::string::String, #inner)>),
                convert: quote!(::std::iter::FromIterator::from_iter(#value)),
            }
        }
        TypeRef::Any | TypeRef::JsonString(_) => {
            let ty = rust_type(ty);
            Argument {
                param_type: quote!(impl ::std::convert::Into<#ty>),
                convert: quote!(::std::convert::Into::into(#value)),
            }
        }
        other => Argument {
            param_type: rust_type(other),
            convert: quote!(#value),
        },
    }
}

/// Method names clippy's `should_implement_trait` claims for a standard
/// trait (`clone`, `add`, `cmp`, ...). A spec name may be one of them (an
/// action `clone`, a parameter `add`); the generated method is then an
/// ordinary accessor or setter, not a trait method in disguise, so the lint
/// is allowed on it alone.
const TRAIT_METHOD_NAMES: &[&str] = &[
    "add",
    "as_mut",
    "as_ref",
    "bitand",
    "bitor",
    "bitxor",
    "borrow",
    "borrow_mut",
    "clone",
    "cmp",
    "default",
    "deref",
    "deref_mut",
    "div",
    "drop",
    "eq",
    "from_iter",
    "from_str",
    "hash",
    "index",
    "index_mut",
    "into_iter",
    "mul",
    "neg",
    "next",
    "not",
    "rem",
    "shl",
    "shr",
    "sub",
];

/// `#[allow(clippy::should_implement_trait)]` when `ident` is a trait
/// method's name, else nothing.
pub fn trait_name_allow(ident: &proc_macro2::Ident) -> Option<proc_macro2::TokenStream> {
    let name = ident.to_string();
    let name = name.strip_prefix("r#").unwrap_or(&name);
    TRAIT_METHOD_NAMES
        .contains(&name)
        .then(|| quote::quote!(#[allow(clippy::should_implement_trait)]))
}
