//! The example call that opens each generated method's rustdoc, as in the
//! aws-sdk crates: build the client (hidden), call the method with the
//! endpoint's own arguments, `.send().await?` — or walk `.items()` for a
//! paged endpoint, save a download, pass a `FilePart` for an upload, and
//! set `.access_token(..)` where only a user token is accepted.
//!
//! The block is ```` ```no_run ````, never `ignore`: `cargo test --doc`
//! type-checks every example, so an example that drifts from the generated
//! API fails the build instead of misleading a reader.
//!
//! Values come from the spec's `example:` (then `default:`), otherwise they
//! are synthesized from the type and constraints. Spec text is hostile, so a
//! string becomes a Rust literal through [`string_literal`] (quotes,
//! backslashes, control, bidi and invisible characters escaped; backticks
//! escaped too so that no value can close the Markdown fence), clipped to
//! [`MAX_STRING`] characters, and JSON examples are cut to a few entries and
//! levels. The code is built as tokens and printed by prettyplease, so it is
//! always well-formed Rust.
//!
//! Why a thread-local [`Context`]: the method docs are assembled deep in
//! `operation.rs` from an `Operation` alone, but an example needs the crate's
//! name, the accessor chain (`client.okr().v1().user_okr()`) and the enum
//! variants of the model. [`enter`] sets them for the duration of one
//! `emit()` call, which keeps the hook in `operation.rs` to a single line.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;
use serde_json::Value;

use crate::emit::paths::home_path;
use crate::ident::RustIdent;
use crate::model::{
    BodyKind, EnumValue, Field, Format, Model, Operation, Paging, ResponseKind, Shape, TokenType,
    TypeDef, TypeHome, TypeKind, TypeRef,
};

/// At most this many characters of a spec string appear in an example.
pub const MAX_STRING: usize = 60;
/// At most this many optional setters with spec examples are shown.
const MAX_OPTIONAL: usize = 3;
/// JSON examples (for `any` values) keep this many entries per object or
/// array, and this many levels.
const MAX_JSON_ENTRIES: usize = 3;
const MAX_JSON_DEPTH: usize = 3;

/// What an example needs beyond the operation itself.
#[derive(Debug)]
pub struct Context {
    /// The generated crate's library name (`feishu`).
    lib: Ident,
    /// Operation id → `client.<service>().<version>().<resource>()`.
    chains: HashMap<String, TokenStream>,
    /// (home path, type name) → the enum's variants.
    enums: HashMap<(String, String), Vec<(EnumValue, RustIdent)>>,
}

thread_local! {
    static CONTEXT: RefCell<Option<Rc<Context>>> = const { RefCell::new(None) };
}

/// Keeps a [`Context`] current until dropped, then restores the previous one.
#[must_use = "the context is current only while this guard lives"]
pub struct Entered(Option<Rc<Context>>);

impl Drop for Entered {
    fn drop(&mut self) {
        let previous = self.0.take();
        CONTEXT.with(|c| *c.borrow_mut() = previous);
    }
}

/// Makes `model`, generated as crate `package`, the context of the examples
/// emitted on this thread until the guard is dropped.
pub fn enter(model: &Model, package: &str) -> Entered {
    let context = Rc::new(Context::new(model, package));
    Entered(CONTEXT.with(|c| c.borrow_mut().replace(context)))
}

impl Context {
    fn new(model: &Model, package: &str) -> Self {
        let lib_name = package.replace('-', "_");
        let lib = syn::parse_str::<Ident>(&lib_name)
            .unwrap_or_else(|_| Ident::new("feishu", Span::call_site()));
        let mut chains = HashMap::new();
        let mut enums = HashMap::new();
        let mut add_enums = |home: TypeHome, types: &[TypeDef]| {
            let home = home_path(&home).to_string();
            for def in types {
                if let TypeKind::Enum(en) = &def.kind {
                    let variants = en
                        .variants
                        .iter()
                        .map(|v| (v.value.clone(), v.rust_name.clone()))
                        .collect();
                    enums.insert((home.clone(), def.rust_name.source.clone()), variants);
                }
            }
        };
        add_enums(TypeHome::Common, &model.common.types);
        for service in &model.services {
            add_enums(
                TypeHome::Service {
                    service: service.module.clone(),
                    version: service.version_module.clone(),
                },
                &service.namespace.types,
            );
            let service_ident = service.module.to_ident();
            let version = service.version_module.to_ident();
            for resource in &service.resources {
                let resource_ident = resource.module.to_ident();
                for op in &resource.operations {
                    chains.insert(
                        op.id.clone(),
                        quote!(client.#service_ident().#version().#resource_ident()),
                    );
                }
            }
        }
        Context { lib, chains, enums }
    }
}

/// The example as rustdoc lines, preceded by a blank line: ready to follow
/// the summary line. Empty when no context is current (a unit test emitting
/// a lone module) or the operation is unknown to it.
pub fn section(op: &Operation) -> Vec<String> {
    let Some(context) = CONTEXT.with(|c| c.borrow().clone()) else {
        return Vec::new();
    };
    let Some(code) = example_code(&context, op) else {
        return Vec::new();
    };
    let mut out = vec![String::new(), "```no_run".to_owned()];
    out.extend(code);
    out.push("```".to_owned());
    out
}

/// The code lines of the example, hidden lines included.
fn example_code(cx: &Context, op: &Operation) -> Option<Vec<String>> {
    let chain = cx.chains.get(&op.id)?;
    let lib = &cx.lib;
    let method = op.method_name.to_ident();
    let mut args: Vec<TokenStream> = crate::emit::operation::required_params(op)
        .into_iter()
        .map(|p| value(cx, &p.ty, example_of(p).as_ref(), p, Mode::Argument))
        .collect();
    if let Some(Shape::Named(ty)) = &op.body {
        args.push(value(cx, ty, None, &BODY_HINT, Mode::Stored));
    }
    let mut call = quote!(#chain.#method(#(#args),*));
    for p in optional_with_examples(op) {
        let setter = p.rust_name.to_ident();
        let arg = value(cx, &p.ty, example_of(p).as_ref(), p, Mode::Argument);
        call = quote!(#call.#setter(#arg));
    }
    if op.tokens == [TokenType::User] {
        call = quote!(#call.access_token("u-your-user-access-token"));
    }
    let body = if matches!(op.response_kind, ResponseKind::Binary { .. }) {
        quote! {
            let download = #call.send().await?;
            let bytes = download.save_to("downloaded.bin").await?;
            println!("saved {bytes} bytes");
        }
    } else if op.paging.is_some() {
        quote! {
            use #lib::TryStreamExt as _;

            let mut items = #call.items();
            while let Some(item) = items.try_next().await? {
                println!("{item:?}");
            }
        }
    } else {
        quote! {
            let response = #call.send().await?;
            println!("{response:?}");
        }
    };
    let visible = format_body(body)?;
    let mut lines = vec![
        format!("# async fn example() -> Result<(), {lib}::Error> {{"),
        format!(
            "# let client = {lib}::Client::builder().access_token(\"t-your-tenant-access-token\").build()?;"
        ),
    ];
    lines.extend(visible);
    lines.push("# Ok(())".to_owned());
    lines.push("# }".to_owned());
    Some(lines)
}

/// Pretty-prints statements through a wrapper function and returns its
/// body's lines, de-indented. `None` only if the tokens do not parse, which
/// would be a generator bug: the method then simply has no example.
fn format_body(body: TokenStream) -> Option<Vec<String>> {
    let body = crate::emit::moved(body);
    let file: syn::File = syn::parse2(quote!(async fn example() { #body })).ok()?;
    let text = prettyplease::unparse(&file);
    let lines: Vec<&str> = text.lines().collect();
    let inner = lines.get(1..lines.len().checked_sub(1)?)?;
    Some(
        inner
            .iter()
            .map(|line| line.strip_prefix("    ").unwrap_or(line).to_owned())
            .collect(),
    )
}

/// Optional parameters worth showing: those the spec gives an example for,
/// except deprecated ones and the paging cursor (the pager sets it).
fn optional_with_examples(op: &Operation) -> Vec<&Field> {
    let cursor = match &op.paging {
        Some(Paging::Offset { offset, .. }) => Some(offset.wire_name.as_str()),
        Some(Paging::PageToken { token, .. }) => Some(token.wire_name.as_str()),
        None => None,
    };
    let body: &[Field] = match &op.body {
        Some(Shape::Inline { fields, .. }) => fields,
        _ => &[],
    };
    op.query_params
        .iter()
        .chain(&op.header_params)
        .chain(body)
        .filter(|p| !p.required && p.deprecated.is_none() && p.example.is_some())
        .filter(|p| Some(p.wire_name.as_str()) != cursor)
        .filter(|p| op.body_kind == BodyKind::Multipart || p.ty != TypeRef::File)
        .take(MAX_OPTIONAL)
        .collect()
}

/// The field's example, else its server default, as JSON.
fn example_of(field: &Field) -> Option<Value> {
    [&field.example, &field.default]
        .into_iter()
        .flatten()
        .find_map(|text| serde_json::from_str(text).ok())
}

/// A named body has no field of its own to take hints from.
static BODY_HINT: std::sync::LazyLock<Field> = std::sync::LazyLock::new(|| Field {
    wire_name: "body".into(),
    rust_name: RustIdent {
        source: "body".into(),
    },
    ty: TypeRef::Any,
    required: true,
    docs: Default::default(),
    example: None,
    default: None,
    constraints: Default::default(),
    format: None,
    deprecated: None,
    aliases: Vec::new(),
    field_scopes: Vec::new(),
    boxed: false,
});

/// Whether a value is a method argument (`impl Into<String>`, any
/// iterator) or must be exactly the stored type (an array item, a map value).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Argument,
    Stored,
}

/// A Rust expression of type `ty` for the example, from `example` when it
/// fits the type, else synthesized. `hint` supplies the wire name, format
/// and constraints.
fn value(
    cx: &Context,
    ty: &TypeRef,
    example: Option<&Value>,
    hint: &Field,
    mode: Mode,
) -> TokenStream {
    let lib = &cx.lib;
    match ty {
        TypeRef::String => {
            let text = match example {
                Some(Value::String(s)) => s.clone(),
                Some(v @ (Value::Number(_) | Value::Bool(_))) => v.to_string(),
                _ => synthesized_string(hint),
            };
            let lit = string_literal(&text);
            match mode {
                Mode::Argument => lit,
                Mode::Stored => quote!(#lit.to_owned()),
            }
        }
        TypeRef::Int => {
            let n = example
                .and_then(number)
                .and_then(|n| i32::try_from(n).ok())
                .unwrap_or_else(|| {
                    synthesized_int(hint, i64::from(i32::MIN), i64::from(i32::MAX)) as i32
                });
            let lit = Literal::i32_unsuffixed(n);
            quote!(#lit)
        }
        TypeRef::Int64 => {
            let n = example
                .and_then(number)
                .unwrap_or_else(|| synthesized_int(hint, i64::MIN, i64::MAX));
            let lit = Literal::i64_unsuffixed(n);
            quote!(#lit)
        }
        TypeRef::Float => {
            let x = example
                .and_then(Value::as_f64)
                .filter(|x| x.is_finite())
                .unwrap_or(1.0);
            let lit = Literal::f64_unsuffixed(x);
            quote!(#lit)
        }
        TypeRef::Bool => {
            let b = example.and_then(Value::as_bool).unwrap_or(true);
            quote!(#b)
        }
        TypeRef::Named {
            home,
            rust_name,
            is_enum,
            ..
        } => {
            let path = type_path(lib, home, rust_name);
            if !*is_enum {
                return quote!(#path::default());
            }
            let key = (home_path(home).to_string(), rust_name.source.clone());
            let variants = cx.enums.get(&key).map(Vec::as_slice).unwrap_or_default();
            let wanted = example.and_then(|e| match e {
                Value::String(s) => Some(EnumValue::String(s.clone())),
                Value::Number(n) => n.as_i64().map(EnumValue::Int),
                _ => None,
            });
            let chosen = variants
                .iter()
                .find(|(value, _)| Some(value) == wanted.as_ref())
                .or(variants.first());
            match (chosen, wanted) {
                (Some((_, variant)), _) => {
                    let variant = variant.to_ident();
                    quote!(#path::#variant)
                }
                (None, Some(EnumValue::Int(n))) => {
                    let lit = Literal::i64_unsuffixed(n);
                    quote!(#path::from_wire(#lit))
                }
                (None, Some(EnumValue::String(s))) => {
                    let lit = string_literal(&s);
                    quote!(#path::from_wire(#lit))
                }
                (None, None) => quote!(#path::from_wire(::std::default::Default::default())),
            }
        }
        TypeRef::Array(inner) => {
            let first = example.and_then(Value::as_array).and_then(|a| a.first());
            let item_mode = if mode == Mode::Argument && **inner == TypeRef::String {
                Mode::Argument
            } else {
                Mode::Stored
            };
            let item = value(cx, inner, first, hint, item_mode);
            match mode {
                Mode::Argument => quote!([#item]),
                Mode::Stored => quote!(vec![#item]),
            }
        }
        TypeRef::Map(inner) => {
            let entry = example
                .and_then(Value::as_object)
                .and_then(|o| o.iter().next());
            let key = string_literal(entry.map_or("key", |(k, _)| k.as_str()));
            let item = value(cx, inner, entry.map(|(_, v)| v), hint, Mode::Stored);
            let pair = quote!((#key.to_owned(), #item));
            match mode {
                Mode::Argument => quote!([#pair]),
                Mode::Stored => quote!(std::collections::BTreeMap::from([#pair])),
            }
        }
        TypeRef::Any => {
            let json = json_tokens(example.unwrap_or(&Value::Object(Default::default())), 0);
            quote!(#lib::runtime::serde_json::json!(#json))
        }
        TypeRef::File => {
            let name = string_literal(file_name(hint));
            quote!(#lib::runtime::multipart::FilePart::path(#name))
        }
        TypeRef::JsonString(inner) => {
            let item = value(cx, inner, None, hint, Mode::Stored);
            match mode {
                Mode::Argument => item,
                Mode::Stored => quote!(#lib::runtime::JsonString::from(#item)),
            }
        }
    }
}

/// An integer example, also from a string holding digits (int64 ids).
fn number(example: &Value) -> Option<i64> {
    match example {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The smallest allowed value, else 1 (the top of the range if 1 is above it).
fn synthesized_int(hint: &Field, floor: i64, ceiling: i64) -> i64 {
    let bound = |x: Option<f64>| {
        x.filter(|x| x.is_finite())
            .map(|x| x.ceil().clamp(floor as f64, ceiling as f64) as i64)
    };
    let min = bound(hint.constraints.min);
    let max = bound(hint.constraints.max);
    let n = min.unwrap_or(1);
    max.map_or(n, |max| n.min(max))
}

fn synthesized_string(hint: &Field) -> String {
    match hint.format {
        Some(Format::Int64) => "7000000000000000001".into(),
        Some(Format::TimestampMs) => "1700000000000".into(),
        Some(Format::Url) => "https://example.com".into(),
        None => hint.wire_name.clone(),
    }
}

fn file_name(hint: &Field) -> &'static str {
    if hint.wire_name.contains("image") {
        "image.png"
    } else {
        "file.bin"
    }
}

/// `crate_name::service::version::Type` for a named type.
fn type_path(lib: &Ident, home: &TypeHome, name: &RustIdent) -> TokenStream {
    let name = name.to_ident();
    match home {
        TypeHome::Common => quote!(#lib::common::#name),
        TypeHome::Service { service, version } => {
            let service = service.to_ident();
            let version = version.to_ident();
            quote!(#lib::#service::#version::#name)
        }
    }
}

/// `json!` input for an example value, cut to a few entries and levels.
fn json_tokens(value: &Value, depth: usize) -> TokenStream {
    match value {
        Value::Null => quote!(null),
        Value::Bool(b) => quote!(#b),
        Value::Number(n) => {
            let lit = if let Some(i) = n.as_i64() {
                Literal::i64_unsuffixed(i)
            } else if let Some(u) = n.as_u64() {
                Literal::u64_unsuffixed(u)
            } else {
                Literal::f64_unsuffixed(n.as_f64().filter(|x| x.is_finite()).unwrap_or(0.0))
            };
            quote!(#lit)
        }
        Value::String(s) => string_literal(s),
        Value::Array(_) | Value::Object(_) if depth >= MAX_JSON_DEPTH => quote!(null),
        Value::Array(items) => {
            let items = items
                .iter()
                .take(MAX_JSON_ENTRIES)
                .map(|v| json_tokens(v, depth + 1));
            quote!([#(#items),*])
        }
        Value::Object(map) => {
            let entries = map.iter().take(MAX_JSON_ENTRIES).map(|(k, v)| {
                let key = string_literal(k);
                let value = json_tokens(v, depth + 1);
                quote!(#key: #value)
            });
            quote!({ #(#entries),* })
        }
    }
}

/// A Rust string literal for hostile spec text: at most [`MAX_STRING`]
/// characters (`…` marks a cut), with every character that could mislead
/// a reader or break the doc escaped as `\u{..}`: controls, bidi controls
/// and invisible characters (rustc denies bidi controls in literals), and
/// backticks (a value must never close the doc's code fence).
pub fn string_literal(text: &str) -> TokenStream {
    let mut out = String::with_capacity(text.len().min(MAX_STRING * 4) + 2);
    out.push('"');
    for (i, c) in text.chars().enumerate() {
        if i == MAX_STRING {
            out.push('…');
            break;
        }
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.extend(c.escape_debug()),
        }
    }
    out.push('"');
    let lit: Literal = out.parse().unwrap_or_else(|_| Literal::string(""));
    quote!(#lit)
}

/// A backtick could close the doc's code fence; the rest is
/// [`crate::text::is_hidden_or_control`].
fn needs_escape(c: char) -> bool {
    c == '`' || crate::text::is_hidden_or_control(c)
}

#[cfg(test)]
mod tests;
