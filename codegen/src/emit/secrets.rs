//! Fields that carry credentials (the app secret sent to the token
//! endpoints, the tokens they answer with) must never show in `Debug`
//! output: a struct holding one gets a hand-written `Debug` that prints
//! `<redacted>` in its place, instead of the derived one.
//!
//! The spec format has no "secret" marker, so the wire names are matched
//! against the platform's credential names; a new credential field needs
//! its name added here (and a test in tests/tests/shapes.rs).

use proc_macro2::TokenStream;
use quote::quote;

use crate::model::Field;

/// Wire names of credential fields, as the auth pages spell them.
const SECRET_WIRE_NAMES: &[&str] = &[
    "app_secret",
    "app_access_token",
    "tenant_access_token",
    "user_access_token",
    "access_token",
    "refresh_token",
    "app_ticket",
    "encrypt_key",
    "verification_token",
];

/// Whether the field holds a credential.
pub fn is_secret(field: &Field) -> bool {
    SECRET_WIRE_NAMES.contains(&field.wire_name.as_str())
}

/// The `Debug` derive, or nothing when [`debug_impl`] writes one by hand.
pub fn debug_derive(fields: &[Field]) -> Option<TokenStream> {
    (!fields.iter().any(is_secret)).then(|| quote!(::std::fmt::Debug,))
}

/// A `Debug` impl redacting credential fields, or nothing when the struct
/// has none (it then derives `Debug`). `optional` says whether every field
/// is an `Option` (response structs) or only the non-required ones (bodies).
pub fn debug_impl(
    name: &proc_macro2::Ident,
    fields: &[Field],
    optional: bool,
) -> Option<TokenStream> {
    if !fields.iter().any(is_secret) {
        return None;
    }
    let name_text = name.to_string();
    let entries = fields.iter().map(|field| {
        let ident = field.rust_name.to_ident();
        let label = field.rust_name.unraw().to_owned();
        let is_option = optional || !field.required;
        if !is_secret(field) {
            quote!(.field(#label, &self.#ident))
        } else if is_option {
            quote!(.field(#label, &self.#ident.as_ref().map(|_| "<redacted>")))
        } else {
            quote!(.field(#label, &"<redacted>"))
        }
    });
    Some(quote! {
        #[allow(deprecated)]
        impl ::std::fmt::Debug for #name {
            #[inline]
            fn fmt(&self, formatter: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                formatter.debug_struct(#name_text)
                    #(#entries)*
                    .finish()
            }
        }
    })
}
