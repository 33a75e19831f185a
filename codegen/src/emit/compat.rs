//! The generated crate's compile-time check that the `feishu-runtime` it is
//! built against is one it was generated for.
//!
//! Cargo's version requirement (`emit::manifest`) already keeps an
//! incompatible runtime out of a normal build; this check catches the rest
//! (a `[patch]`, a path dependency, a vendored copy, or `include!` mode where
//! the user's crate picks the runtime version) with a message that says what
//! to do, instead of a wall of unresolved-item errors.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::manifest::{RUNTIME_ABI, RUNTIME_VERSION};

/// `const _: () = assert!(...)` comparing the runtime's ABI number with the
/// one this generator emits code for.
pub fn runtime_check() -> TokenStream {
    let message = format!(
        "this Feishu client was generated for feishu-runtime {RUNTIME_VERSION} (GENERATED_CODE_ABI {RUNTIME_ABI}), \
         but the feishu-runtime in this build has another ABI: depend on a feishu-runtime with the same 0.x minor \
         as the generator, or regenerate the client with the feishu-codegen matching your runtime"
    );
    quote! {
        // Fails the build with the message above when the runtime underneath
        // is not the one this code was generated for.
        #[rustfmt::skip]
        const _: () = ::std::assert!(::feishu_runtime::GENERATED_CODE_ABI == #RUNTIME_ABI, #message);
    }
}
