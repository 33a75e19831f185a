//! Fields of structs, bodies and parameters: type, description, format,
//! constraints and the Rust name.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{FieldRole, Resolver, Scope, yaml_text};
use crate::ident::Case;
use crate::model::*;
use crate::source::{Segment, YamlPath};
use crate::spec::FieldSpec;
use crate::suggest::did_you_mean;

impl Resolver {
    pub(super) fn resolve_fields(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        fields: &IndexMap<String, FieldSpec>,
        role: FieldRole,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for (wire, spec) in fields {
            let mut field_path = path.clone();
            field_path.push(Segment::Key(wire.clone()));
            let Some(field) = self.resolve_field(scope, &field_path, wire, spec, role, None) else {
                continue;
            };
            if let Some(other) = rust_names.insert(field.rust_name.source.clone(), wire.clone()) {
                self.error(
                    scope.source,
                    &field_path,
                    true,
                    format!(
                        "`{other}` and `{wire}` both become the Rust name `{}`",
                        field.rust_name.source
                    ),
                    Some(format!("set `rust_name:` on `{wire}` to tell them apart")),
                );
                continue;
            }
            out.push(field);
        }
        out
    }

    pub(super) fn resolve_field(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        wire: &str,
        spec: &FieldSpec,
        role: FieldRole,
        base: Option<&FieldSpec>,
    ) -> Option<Field> {
        let source = scope.source;
        // Keys set on the field win over the shared parameter's.
        let pick = |f: fn(&FieldSpec) -> Option<String>| f(spec).or_else(|| base.and_then(f));
        let ty_text = spec.ty.clone().or_else(|| base.and_then(|b| b.ty.clone()));
        let description = pick(|f| f.description.clone());
        let mut ok = true;
        let Some(ty_text) = ty_text else {
            self.error(source, path, true, format!("`{wire}` has no `type`"), Some("add `type:` (string, int, int64, float, bool, a type name, or any of these followed by `[]`)".into()));
            return None;
        };
        if description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            self.error(
                source,
                path,
                true,
                format!("`{wire}` has no `description`"),
                Some("copy the description from the doc page".into()),
            );
            ok = false;
        }
        let mut type_path = path.clone();
        type_path.push(Segment::Key("type".into()));
        let values = pick(|f| f.values.clone());
        let values_path = {
            let mut p = path.clone();
            p.push(Segment::Key("values".into()));
            p
        };
        if values.is_some() && super::types::base_type(&ty_text) != "map" {
            self.error(
                source,
                &values_path,
                true,
                "`values` is only for `type: map`".into(),
                Some("remove `values:`, or write `type: map` (or `map[]`) if the field is an object with arbitrary keys".into()),
            );
            ok = false;
        }
        let ty = self.resolve_type_text(
            scope,
            &type_path,
            &ty_text,
            values.as_deref().map(|v| (&values_path, v)),
        );
        let encoding = pick(|f| f.encoding.clone());
        let ty = ty.and_then(|ty| self.apply_encoding(source, path, encoding.as_deref(), ty));
        let format = match pick(|f| f.format.clone()).as_deref() {
            None => None,
            Some("int64") => Some(Format::Int64),
            Some("timestamp_ms") => Some(Format::TimestampMs),
            Some("url") => Some(Format::Url),
            Some(other) => {
                let mut key = path.clone();
                key.push(Segment::Key("format".into()));
                let help = match did_you_mean(other, ["int64", "timestamp_ms", "url"]) {
                    Some(best) => format!(
                        "did you mean `{best}`? The formats are int64, timestamp_ms and url"
                    ),
                    None => "the formats are int64, timestamp_ms and url".into(),
                };
                self.error(
                    source,
                    &key,
                    false,
                    format!("unknown format `{other}`"),
                    Some(help),
                );
                ok = false;
                None
            }
        };
        let constraints = Constraints {
            min: spec.min.or(base.and_then(|b| b.min)),
            max: spec.max.or(base.and_then(|b| b.max)),
            min_items: spec.min_items.or(base.and_then(|b| b.min_items)),
            max_items: spec.max_items.or(base.and_then(|b| b.max_items)),
            min_length: spec.min_length.or(base.and_then(|b| b.min_length)),
            max_length: spec.max_length.or(base.and_then(|b| b.max_length)),
            max_size: spec.max_size.or(base.and_then(|b| b.max_size)),
            pattern: pick(|f| f.pattern.clone()),
        };
        // Limits become float literals in the generated checks, and a
        // literal cannot be infinite or NaN (proc-macro2 panics on one).
        for (key, value) in [("min", constraints.min), ("max", constraints.max)] {
            if let Some(value) = value.filter(|v| !v.is_finite()) {
                let mut at = path.clone();
                at.push(Segment::Key(key.into()));
                self.error(
                    source,
                    &at,
                    false,
                    format!("`{key}` must be a finite number, not {value}"),
                    Some(format!(
                        "write the limit the doc page states, or remove `{key}` if there is none"
                    )),
                );
                ok = false;
            }
        }
        if let (Some(min), Some(max)) = (constraints.min, constraints.max)
            && min > max
        {
            let mut key = path.clone();
            key.push(Segment::Key("min".into()));
            self.error(
                source,
                &key,
                true,
                format!("`min` ({min}) is greater than `max` ({max})"),
                Some("swap them, or fix the one the doc page states differently".into()),
            );
            ok = false;
        }
        if let (Some(min), Some(max)) = (constraints.min_items, constraints.max_items)
            && min > max
        {
            let mut key = path.clone();
            key.push(Segment::Key("min_items".into()));
            self.error(
                source,
                &key,
                true,
                format!("`min_items` ({min}) is greater than `max_items` ({max})"),
                Some("swap them".into()),
            );
            ok = false;
        }
        let deprecated = match spec
            .deprecated
            .as_ref()
            .or(base.and_then(|b| b.deprecated.as_ref()))
        {
            None | Some(serde_yaml::Value::Bool(false)) => None,
            Some(serde_yaml::Value::Bool(true)) => Some(String::new()),
            Some(serde_yaml::Value::String(note)) => Some(note.clone()),
            Some(other) => {
                let mut key = path.clone();
                key.push(Segment::Key("deprecated".into()));
                self.error(
                    source,
                    &key,
                    false,
                    format!(
                        "`deprecated: {}` is neither true/false nor a note",
                        yaml_text(other)
                    ),
                    Some("write `deprecated: true` or `deprecated: use kr_weight instead`".into()),
                );
                ok = false;
                None
            }
        };
        let rust_name =
            self.rust_name_for(source, path, wire, spec.rust_name.as_deref(), Case::Snake);
        let required = spec
            .required
            .or(base.and_then(|b| b.required))
            .unwrap_or(role == FieldRole::Path);
        if role == FieldRole::Path && spec.required == Some(false) {
            let mut key = path.clone();
            key.push(Segment::Key("required".into()));
            self.error(
                source,
                &key,
                true,
                "path parameters are always required".into(),
                Some("remove `required: false`".into()),
            );
            ok = false;
        }
        let ty = ty?;
        // One message per misplaced `file`: placement first, then (only if
        // it passed) whether the type can travel in a URL or header.
        let placed = self.check_file_placement(source, &type_path, &ty, role);
        ok &= placed;
        ok &= self.check_constraints_fit(source, path, &ty, &constraints);
        if placed
            && matches!(role, FieldRole::Path | FieldRole::Query | FieldRole::Header)
            && !is_query_encodable(&ty, role == FieldRole::Query)
        {
            self.error(
                source,
                &type_path,
                false,
                format!(
                    "`{ty_text}` cannot travel in a {}",
                    match role {
                        FieldRole::Path => "URL path",
                        FieldRole::Header => "header",
                        _ => "query string",
                    }
                ),
                Some(if role == FieldRole::Path {
                    "path parameters are strings, integers or enums".into()
                } else if role == FieldRole::Header {
                    "header parameters are strings, numbers, booleans or enums".into()
                } else {
                    "query parameters are strings, numbers, booleans, enums, or arrays of these"
                        .into()
                }),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(Field {
            wire_name: wire.to_owned(),
            rust_name,
            ty,
            required,
            docs: Docs {
                description: description.unwrap_or_default(),
                description_en: pick(|f| f.description_en.clone()),
            },
            example: spec
                .example
                .as_ref()
                .or(base.and_then(|b| b.example.as_ref()))
                .map(yaml_text),
            default: spec
                .default
                .as_ref()
                .or(base.and_then(|b| b.default.as_ref()))
                .map(yaml_text),
            constraints,
            format,
            deprecated,
            aliases: if spec.aliases.is_empty() {
                base.map(|b| b.aliases.clone()).unwrap_or_default()
            } else {
                spec.aliases.clone()
            },
            field_scopes: if spec.field_scopes.is_empty() {
                base.map(|b| b.field_scopes.clone()).unwrap_or_default()
            } else {
                spec.field_scopes.clone()
            },
            boxed: false,
        })
    }
}

fn is_query_encodable(ty: &TypeRef, allow_array: bool) -> bool {
    match ty {
        TypeRef::Array(inner) => allow_array && is_query_encodable(inner, false),
        TypeRef::Named { is_enum, .. } => *is_enum,
        TypeRef::String | TypeRef::Int | TypeRef::Int64 | TypeRef::Float | TypeRef::Bool => true,
        TypeRef::Any | TypeRef::Map(_) | TypeRef::File | TypeRef::JsonString(_) => false,
    }
}
