//! Named types: declaring their names, resolving their definitions, and
//! resolving a type reference (`User[]`) to a [`TypeRef`].

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{FieldRole, Resolver, Scope, TypeEntry, is_identifier_like};
use crate::ident::{Case, RustIdent, sanitize};
use crate::model::*;
use crate::source::{Segment, SourceFile, YamlPath, key_path};
use crate::spec::{SpecFile, TypeSpec};
use crate::suggest::did_you_mean;

const PRIMITIVES: &[&str] = &[
    "string", "int", "int64", "float", "bool", "any", "map", "file",
];

impl Resolver {
    /// Registers a file's type names, reporting duplicates and Rust-name clashes.
    pub(super) fn declare_types(
        &mut self,
        source: &SourceFile,
        file: usize,
        spec: &SpecFile,
        home: &TypeHome,
        outer: &HashMap<String, TypeEntry>,
    ) -> HashMap<String, TypeEntry> {
        let mut declared = HashMap::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for (name, ty) in &spec.types {
            let path = key_path(["types", name.as_str()]);
            if outer.contains_key(name) {
                self.error(
                    source,
                    &path,
                    true,
                    format!("type `{name}` is already defined in the shared-definitions file"),
                    Some(format!(
                        "use the shared `{name}`, or give this type a different name"
                    )),
                );
                continue;
            }
            let rust_name = self.rust_name_for(
                source,
                &path,
                name,
                ty.rust_name.as_deref(),
                Case::UpperCamel,
            );
            if rust_name.unraw() == "Unknown" {
                // Not an error in itself, but keep the message consistent with
                // enum variants: `Unknown` is a fine type name.
            }
            if let Some(other) = rust_names.insert(rust_name.source.clone(), name.clone()) {
                self.error(
                    source,
                    &path,
                    true,
                    format!(
                        "types `{other}` and `{name}` both become the Rust type `{}`",
                        rust_name.source
                    ),
                    Some(format!("set `rust_name:` on `{name}` to tell them apart")),
                );
            }
            let is_enum = ty.enum_values.is_some() && ty.fields.is_none();
            declared.insert(
                name.clone(),
                TypeEntry {
                    home: home.clone(),
                    rust_name,
                    is_enum,
                    file,
                },
            );
        }
        declared
    }

    pub(super) fn rust_name_for(
        &mut self,
        source: &SourceFile,
        path: &[Segment],
        wire: &str,
        override_name: Option<&str>,
        case: Case,
    ) -> RustIdent {
        match override_name {
            Some(name) if is_identifier_like(name) => sanitize(name, case),
            Some(name) => {
                let mut key = path.to_vec();
                key.push(Segment::Key("rust_name".into()));
                let suggestion = sanitize(name, case);
                self.error(
                    source,
                    &key,
                    false,
                    format!("`rust_name: {name}` is not a usable Rust name"),
                    Some(format!(
                        "use ASCII letters, digits and `_`, starting with a letter, e.g. `{}`",
                        suggestion.unraw()
                    )),
                );
                suggestion
            }
            None => sanitize(wire, case),
        }
    }

    pub(super) fn resolve_types(
        &mut self,
        scope: &Scope<'_>,
        types: &IndexMap<String, TypeSpec>,
    ) -> Vec<TypeDef> {
        let mut out = Vec::new();
        for (name, ty) in types {
            let path = key_path(["types", name.as_str()]);
            let Some(entry) = scope
                .local
                .get(name)
                .or_else(|| self.common_types.get(name))
                .cloned()
            else {
                continue;
            };
            let docs = Docs {
                description: ty.description.clone(),
                description_en: ty.description_en.clone(),
            };
            let kind = match (&ty.fields, &ty.enum_values) {
                (Some(fields), None) => {
                    let mut fields_path = path.clone();
                    fields_path.push(Segment::Key("fields".into()));
                    TypeKind::Struct(self.resolve_fields(
                        scope,
                        &fields_path,
                        fields,
                        FieldRole::Struct,
                    ))
                }
                (None, Some(values)) => {
                    let mut enum_path = path.clone();
                    enum_path.push(Segment::Key("enum".into()));
                    match self.resolve_enum(scope.source, &enum_path, values) {
                        Some(def) => TypeKind::Enum(def),
                        None => continue,
                    }
                }
                (Some(_), Some(_)) => {
                    self.error(scope.source, &path, true, format!("type `{name}` has both `fields` and `enum`"), Some("a type is either a struct (`fields`) or an enum (`enum`); split it in two".into()));
                    continue;
                }
                (None, None) => {
                    self.error(
                        scope.source,
                        &path,
                        true,
                        format!("type `{name}` has neither `fields` nor `enum`"),
                        Some("add `fields:` (a struct) or `enum:` (a list of values)".into()),
                    );
                    continue;
                }
            };
            out.push(TypeDef {
                spec_name: name.clone(),
                rust_name: entry.rust_name,
                docs,
                kind,
            });
        }
        out
    }

    /// Resolves a type expression. `values` is the field's `values:` key
    /// (its path and text), the value type of a `map`; `map` needs it and
    /// nothing else may have it (the caller reports a stray one).
    pub(super) fn resolve_type_text(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        text: &str,
        values: Option<(&YamlPath, &str)>,
    ) -> Option<TypeRef> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix("[]") {
            return self
                .resolve_type_text(scope, path, inner, values)
                .map(|t| TypeRef::Array(Box::new(t)));
        }
        match text {
            "string" => return Some(TypeRef::String),
            "int" => return Some(TypeRef::Int),
            "int64" => return Some(TypeRef::Int64),
            "float" | "number" => return Some(TypeRef::Float),
            "bool" | "boolean" => return Some(TypeRef::Bool),
            "any" => return Some(TypeRef::Any),
            "file" => return Some(TypeRef::File),
            "map" => {
                let Some((values_path, values_text)) = values else {
                    self.error(
                        scope.source,
                        path,
                        false,
                        "a `map` needs `values:` (the type of its values)".into(),
                        Some(
                            "add `values: any` (any JSON) or `values: <type>` beside `type: map`"
                                .into(),
                        ),
                    );
                    return None;
                };
                if base_type(values_text) == "map" || base_type(values_text) == "file" {
                    self.error(
                        scope.source,
                        values_path,
                        false,
                        format!("`values: {values_text}` cannot be written here"),
                        Some("a map's values are a scalar, `any`, a named type or an array of these; describe nested objects as a named type".into()),
                    );
                    return None;
                }
                return self
                    .resolve_type_text(scope, values_path, values_text, None)
                    .map(|t| TypeRef::Map(Box::new(t)));
            }
            _ => {}
        }
        let found = scope
            .local
            .get(text)
            .or_else(|| self.common_types.get(text))
            .cloned();
        match found {
            Some(entry) => {
                self.used.insert((entry.file, text.to_owned()));
                Some(TypeRef::Named {
                    home: entry.home,
                    rust_name: entry.rust_name,
                    spec_name: text.to_owned(),
                    is_enum: entry.is_enum,
                })
            }
            None => {
                let known: Vec<&str> = PRIMITIVES
                    .iter()
                    .copied()
                    .chain(scope.local.keys().map(String::as_str))
                    .chain(self.common_types.keys().map(String::as_str))
                    .collect();
                let help = match did_you_mean(text, known.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "define it under `types:` in this file or in spec/common.yaml, or use string, int, int64, float, bool, any, map or file".into(),
                };
                self.error(
                    scope.source,
                    path,
                    false,
                    format!("unknown type `{text}`"),
                    Some(help),
                );
                None
            }
        }
    }
}

/// The type name without its `[]` suffixes: `map` for `map[][]`.
pub(super) fn base_type(text: &str) -> &str {
    let mut text = text.trim();
    while let Some(inner) = text.strip_suffix("[]") {
        text = inner.trim_end();
    }
    text
}
