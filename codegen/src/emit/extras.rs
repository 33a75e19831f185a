//! Per-operation extras driven by the spec: checks of documented limits
//! before sending, lazy paginators, and the typed error-code enum.

use proc_macro2::TokenStream;
use quote::quote;

use crate::emit::paths::rust_type;
use crate::emit::{docs, moved};
use crate::model::{BodyKind, Field, Operation, Paging, Shape, TypeRef};

/// Statements at the top of `into_request` that reject out-of-range values
/// before anything is sent: one `feishu_runtime::validate::check_*` call per
/// documented limit, e.g. `check_range("limit", &self.limit, 0..=10)?;`.
pub fn validation(op: &Operation) -> TokenStream {
    let params = op
        .path_params
        .iter()
        .chain(&op.query_params)
        .chain(&op.header_params)
        .map(|p| {
            let ident = p.rust_name.to_ident();
            (p, quote!(self.#ident))
        });
    let body_fields: &[Field] = match &op.body {
        Some(Shape::Inline { fields, .. }) => fields,
        _ => &[],
    };
    // A multipart body's parts live on the builder itself.
    let multipart = op.body_kind == BodyKind::Multipart;
    let body = body_fields.iter().map(move |p| {
        let ident = p.rust_name.to_ident();
        if multipart {
            (p, quote!(self.#ident))
        } else {
            (p, quote!(self.body.#ident))
        }
    });
    let checks = params
        .chain(body)
        .flat_map(|(field, place)| {
            [
                check(field, place.clone()),
                check_text_or_file(field, place),
            ]
        })
        .flatten();
    quote!(#(#checks)*)
}

/// `0..=10`, `0..` or `..=10` in the field's own type (integer literals for
/// integer fields, so `i64` limits compare exactly); `None` when no bound
/// is left, which is when the spec's bounds lie beyond what the type holds.
fn number_range(ty: &TypeRef, min: Option<f64>, max: Option<f64>) -> Option<TokenStream> {
    // A NaN limit is met by every value (no comparison with NaN fails), as
    // the runtime treated it when limits were passed as f64; it is dropped
    // rather than emitted as a literal, which cannot be NaN.
    let (min, max) = (min.filter(|m| !m.is_nan()), max.filter(|m| !m.is_nan()));
    let (min, max) = match ty {
        TypeRef::Float => (min.map(float), max.map(float)),
        TypeRef::Int => return int_range(i128::from(i32::MIN), i128::from(i32::MAX), min, max),
        _ => return int_range(i128::from(i64::MIN), i128::from(i64::MAX), min, max),
    };
    range_tokens(min, max)
}

/// Integer bounds: a fractional limit rounds inwards (at least 0.5 is at
/// least 1), and a limit beyond the type's range is dropped (every value
/// meets it) or, for an unreachable minimum or maximum, kept as an
/// exclusive bound at the type's edge that every value fails.
fn int_range(
    lowest: i128,
    highest: i128,
    min: Option<f64>,
    max: Option<f64>,
) -> Option<TokenStream> {
    // `as` saturates for f64 to i128, and every f64 within the i32/i64 range is exact.
    let min = min.map(|m| m.ceil() as i128).filter(|&m| m > lowest);
    let max = max.map(|m| m.floor() as i128).filter(|&m| m < highest);
    if min.is_some_and(|m| m > highest) {
        let edge = int(highest);
        return Some(quote!((::std::ops::Bound::Excluded(#edge), ::std::ops::Bound::Unbounded)));
    }
    if max.is_some_and(|m| m < lowest) {
        let edge = int(lowest);
        return Some(quote!((::std::ops::Bound::Unbounded, ::std::ops::Bound::Excluded(#edge))));
    }
    range_tokens(min.map(int), max.map(int))
}

fn range_tokens(min: Option<TokenStream>, max: Option<TokenStream>) -> Option<TokenStream> {
    match (min, max) {
        (Some(min), Some(max)) => Some(quote!(#min..=#max)),
        (Some(min), None) => Some(quote!(#min..)),
        (None, Some(max)) => Some(quote!(..=#max)),
        (None, None) => None,
    }
}

/// An unsuffixed integer literal, its sign a separate token as Rust parses it.
fn int(value: i128) -> TokenStream {
    let magnitude = proc_macro2::Literal::u128_unsuffixed(value.unsigned_abs());
    if value < 0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}

/// An unsuffixed float literal (`0.5`, `10.0`), its sign a separate token;
/// an infinite limit is `f64::INFINITY`, since no literal spells it.
fn float(value: f64) -> TokenStream {
    if value.is_infinite() {
        return if value > 0.0 {
            quote!(::std::primitive::f64::INFINITY)
        } else {
            quote!(::std::primitive::f64::NEG_INFINITY)
        };
    }
    let magnitude = proc_macro2::Literal::f64_unsuffixed(value.abs());
    if value.is_sign_negative() && value != 0.0 {
        quote!(-#magnitude)
    } else {
        quote!(#magnitude)
    }
}

/// `..=10`, `1..` or `1..=50` for a count of items or characters.
fn count_range(min: Option<u32>, max: Option<u32>) -> Option<TokenStream> {
    let count = |n: u32| {
        let n = proc_macro2::Literal::usize_unsuffixed(n as usize);
        quote!(#n)
    };
    range_tokens(min.map(count), max.map(count))
}

/// One `check_*` call per documented limit; the runtime functions take the
/// field as it is, so an optional field needs no `if let` here.
fn check(field: &Field, place: TokenStream) -> Option<TokenStream> {
    let wire = &field.wire_name;
    let c = &field.constraints;
    match &field.ty {
        TypeRef::Int | TypeRef::Int64 | TypeRef::Float => {
            let range = number_range(&field.ty, c.min, c.max)?;
            Some(quote!(::feishu_runtime::validate::check_range(#wire, &#place, #range)?;))
        }
        TypeRef::Array(_) => {
            let range = count_range(c.min_items, c.max_items)?;
            Some(quote!(::feishu_runtime::validate::check_items(#wire, &#place, #range)?;))
        }
        _ => None,
    }
}

/// String length and pattern checks, and a file part's byte limit.
fn check_text_or_file(field: &Field, place: TokenStream) -> Option<TokenStream> {
    let wire = &field.wire_name;
    let c = &field.constraints;
    let checks = match &field.ty {
        TypeRef::String => {
            let length = count_range(c.min_length, c.max_length).map(
                |range| quote!(::feishu_runtime::validate::check_length(#wire, &#place, #range)?;),
            );
            let pattern = c.pattern.as_ref().map(|pattern| {
                quote!(::feishu_runtime::validate::check_pattern(#wire, &#place, #pattern)?;)
            });
            length.into_iter().chain(pattern).collect()
        }
        TypeRef::File => match c.max_size {
            Some(max) => {
                let max = proc_macro2::Literal::u64_unsuffixed(max);
                vec![quote!(::feishu_runtime::validate::check_file_size(#wire, &#place, #max)?;)]
            }
            None => Vec::new(),
        },
        _ => Vec::new(),
    };
    if checks.is_empty() {
        return None;
    }
    Some(quote!(#(#checks)*))
}

/// The paging trait impl on the response and `pages()`/`items()` on the
/// request builder.
pub fn paging(op: &Operation) -> TokenStream {
    let (Some(paging), Some(Shape::Inline { rust_name, .. })) = (&op.paging, &op.response) else {
        return TokenStream::new();
    };
    let response = rust_name.to_ident();
    let request = op.request_type.to_ident();
    let (items_field, item_type) = match paging {
        Paging::Offset {
            items, item_type, ..
        }
        | Paging::PageToken {
            items, item_type, ..
        } => (items.to_ident(), rust_type(item_type)),
    };
    let item_count = quote! {
        #[inline]
        fn item_count(&self) -> usize {
            self.#items_field.as_ref().map_or(0, ::std::vec::Vec::len)
        }
    };
    let (page_impl, pages_body, style_doc) = match paging {
        Paging::Offset { offset, total, .. } => {
            let total_body = match total {
                Some(total) => {
                    let total = total.to_ident();
                    quote!(self.#total.and_then(|total| ::std::convert::TryFrom::try_from(total).ok()))
                }
                None => quote!(::std::option::Option::None),
            };
            // `OffsetParam` reads and sets the parameter whatever its type
            // (`i32`, `i64`, optional or not).
            let offset_ident = offset.rust_name.to_ident();
            let start = quote!(::feishu_runtime::paginate::OffsetParam::start(&self.#offset_ident));
            let assign = quote!(request.#offset_ident = ::feishu_runtime::paginate::OffsetParam::at(offset););
            (
                quote! {
                    impl ::feishu_runtime::paginate::OffsetPage for #response {
                        #item_count
                        #[inline]
                        fn total(&self) -> ::std::option::Option<u64> {
                            #total_body
                        }
                    }
                },
                quote! {
                    ::feishu_runtime::paginate::offset_stream(#start, move |offset| {
                        let mut request = ::std::clone::Clone::clone(&self);
                        #assign
                        request.send()
                    })
                },
                format!(
                    "Pages follow by {}: each request starts where the previous page ended, and the stream ends at the response's total or on an empty page.",
                    docs::code(&offset.wire_name)
                ),
            )
        }
        Paging::PageToken {
            token,
            token_in_body,
            has_more,
            next_token,
            ..
        } => {
            let token_ident = token.rust_name.to_ident();
            let place = if *token_in_body {
                quote!(self.body.#token_ident)
            } else {
                quote!(self.#token_ident)
            };
            let assign = if *token_in_body {
                quote!(request.body.#token_ident = token;)
            } else {
                quote!(request.#token_ident = token;)
            };
            let next = next_token.to_ident();
            let has_more_body = match has_more {
                Some(field) => {
                    let field = field.to_ident();
                    quote!(self.#field)
                }
                None => quote!(::std::option::Option::None),
            };
            (
                quote! {
                    impl ::feishu_runtime::paginate::TokenPage for #response {
                        #item_count
                        #[inline]
                        fn has_more(&self) -> ::std::option::Option<bool> {
                            #has_more_body
                        }
                        #[inline]
                        fn page_token(&self) -> ::std::option::Option<&str> {
                            self.#next.as_deref()
                        }
                    }
                },
                quote! {
                    let start = ::std::clone::Clone::clone(&#place);
                    ::feishu_runtime::paginate::token_stream(start, move |token| {
                        let mut request = ::std::clone::Clone::clone(&self);
                        #assign
                        request.send()
                    })
                },
                format!(
                    "Pages follow by {}: the stream ends when the response says there is no more, and stops early if the server hands out an empty or repeated token.",
                    docs::code(&token.wire_name)
                ),
            )
        }
    };
    let (page_impl, pages_body) = (moved(page_impl), moved(pages_body));
    let pages_doc = moved(docs::doc_attrs(&format!(
        "Every page of results, fetched lazily as the stream is polled, starting with this request. {style_doc} An error is yielded once and ends the stream.\n\nUse it with `futures::StreamExt` or `TryStreamExt` (re-exported as `feishu::runtime::TryStreamExt`)."
    )));
    let items_doc = moved(docs::doc_attrs(&format!(
        "Every item of every page ({}), fetched lazily; see [`{}::pages`].",
        docs::code(&format!("{}", items_field)),
        op.request_type.source
    )));
    quote! {
        #page_impl

        impl #request {
            #pages_doc
            #[inline]
            pub fn pages(self) -> impl ::feishu_runtime::ResultStream<#response> {
                #pages_body
            }

            #items_doc
            #[inline]
            pub fn items(self) -> impl ::feishu_runtime::ResultStream<#item_type> {
                ::feishu_runtime::paginate::item_stream(self.pages(), |page| page.#items_field.unwrap_or_default())
            }
        }
    }
}

/// The operation's documented error codes as an enum a caller can match.
pub fn error_codes(op: &Operation) -> TokenStream {
    if op.errors.is_empty() {
        return TokenStream::new();
    }
    let name = op.error_code_type.to_ident();
    let doc = moved(docs::doc_attrs(&format!(
        "The error codes documented for {}. Turn an error into one with [`{}::from_error`]:\n\n\
         ```ignore\nmatch {}::from_error(&error) {{\n    Some(code) => eprintln!(\"{{}}: {{}}\", code.code(), code.advice()),\n    None => eprintln!(\"{{error}}\"),\n}}\n```",
        docs::code(&op.id),
        op.error_code_type.source,
        op.error_code_type.source,
    )));
    let variants = op.errors.iter().map(|e| {
        let ident = e.rust_name.to_ident();
        let mut text = format!(
            "`{}` (HTTP {}): {}",
            e.code,
            e.status,
            docs::escape(&e.message)
        );
        if let Some(advice) = &e.advice {
            text.push_str(&format!("\n\n{}", docs::escape(advice)));
        }
        let doc = moved(docs::doc_attrs(&text));
        moved(quote!(#doc #ident,))
    });
    let idents = op.errors.iter().map(|e| e.rust_name.to_ident());
    let rows = op.errors.iter().map(|e| {
        let code = proc_macro2::Literal::i64_unsuffixed(e.code);
        let status = proc_macro2::Literal::u16_unsuffixed(e.status);
        let message = e.message.as_str();
        let advice = e.advice.as_deref().unwrap_or("");
        quote!(::feishu_runtime::ErrorCodeInfo::new(#code, #status, #message, #advice))
    });
    // The lookups are the trait's default methods, compiled only where used;
    // the macro adds the same methods inherently (no trait import needed).
    quote! {
        #doc
        #[derive(::std::clone::Clone, ::std::marker::Copy, ::std::fmt::Debug)]
        #[derive(::std::cmp::PartialEq, ::std::cmp::Eq, ::std::hash::Hash)]
        #[non_exhaustive]
        pub enum #name {
            #(#variants)*
        }

        impl ::feishu_runtime::ErrorCode for #name {
            const ALL: &'static [Self] = &[#(Self::#idents),*];
            const INFO: &'static [::feishu_runtime::ErrorCodeInfo] = &[#(#rows),*];

            #[inline]
            fn index(self) -> usize {
                self as usize
            }
        }

        ::feishu_runtime::error_code_methods!(#name);
    }
}

#[cfg(test)]
mod tests {
    use super::{count_range, number_range};
    use crate::model::TypeRef;

    fn range(ty: TypeRef, min: Option<f64>, max: Option<f64>) -> String {
        number_range(&ty, min, max).map_or("none".into(), |tokens| tokens.to_string())
    }

    #[test]
    fn integer_limits_are_integer_literals_rounded_inwards() {
        assert_eq!(range(TypeRef::Int, Some(0.0), Some(10.0)), "0 ..= 10");
        assert_eq!(range(TypeRef::Int, Some(0.5), Some(9.5)), "1 ..= 9");
        assert_eq!(range(TypeRef::Int, Some(-3.0), None), "- 3 ..");
        assert_eq!(
            range(TypeRef::Int64, None, Some(1e15)),
            "..= 1000000000000000"
        );
    }

    #[test]
    fn limits_beyond_the_type_are_dropped_or_fail_every_value() {
        assert_eq!(range(TypeRef::Int, Some(-1e12), None), "none");
        assert_eq!(range(TypeRef::Int, Some(-1e12), Some(5.0)), "..= 5");
        assert_eq!(
            range(TypeRef::Int, Some(3e9), None),
            "(:: std :: ops :: Bound :: Excluded (2147483647) , :: std :: ops :: Bound :: Unbounded)"
        );
        assert_eq!(
            range(TypeRef::Int64, Some(3e9), Some(1e30)),
            "3000000000 .."
        );
    }

    #[test]
    fn nan_limits_are_dropped_and_infinite_ones_spelled_out() {
        assert_eq!(range(TypeRef::Float, Some(f64::NAN), None), "none");
        assert_eq!(range(TypeRef::Int, Some(f64::NAN), Some(3.0)), "..= 3");
        assert_eq!(
            range(TypeRef::Float, Some(f64::NEG_INFINITY), Some(f64::INFINITY)),
            ":: std :: primitive :: f64 :: NEG_INFINITY ..= :: std :: primitive :: f64 :: INFINITY"
        );
        assert_eq!(
            range(TypeRef::Int64, Some(f64::NEG_INFINITY), Some(f64::INFINITY)),
            "none"
        );
    }

    #[test]
    fn float_limits_keep_their_fraction() {
        assert_eq!(
            range(TypeRef::Float, Some(-0.5), Some(1.0)),
            "- 0.5 ..= 1.0"
        );
        assert_eq!(range(TypeRef::Float, None, None), "none");
    }

    #[test]
    fn counts_are_usize_ranges() {
        let count = |min, max| count_range(min, max).map(|t| t.to_string());
        assert_eq!(count(None, Some(10)).as_deref(), Some("..= 10"));
        assert_eq!(count(Some(1), Some(50)).as_deref(), Some("1 ..= 50"));
        assert_eq!(count(None, None), None);
    }
}
