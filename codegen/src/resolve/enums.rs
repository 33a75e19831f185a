//! Enum definitions: wire values, their representation and variant names.

use std::collections::HashMap;

use super::{Resolver, yaml_text};
use crate::ident::{Case, RustIdent, sanitize};
use crate::model::*;
use crate::source::{Segment, SourceFile, YamlPath};
use crate::spec::EnumValueSpec;

impl Resolver {
    pub(super) fn resolve_enum(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        values: &[EnumValueSpec],
    ) -> Option<EnumDef> {
        if values.is_empty() {
            self.error(
                source,
                path,
                true,
                "an enum needs at least one value".into(),
                Some("list the values the doc page documents".into()),
            );
            return None;
        }
        let mut repr = None;
        let mut variants = Vec::new();
        let mut seen_values: HashMap<String, usize> = HashMap::new();
        let mut seen_names: HashMap<String, String> = HashMap::new();
        let mut ok = true;
        for (i, value) in values.iter().enumerate() {
            let mut value_path = path.clone();
            value_path.push(Segment::Index(i));
            let mut value_key = value_path.clone();
            value_key.push(Segment::Key("value".into()));
            let wire = match &value.value {
                serde_yaml::Value::String(s) => EnumValue::String(s.clone()),
                serde_yaml::Value::Number(n) if n.as_i64().is_some() => {
                    EnumValue::Int(n.as_i64().unwrap_or_default())
                }
                other => {
                    self.error(
                        source,
                        &value_key,
                        false,
                        format!(
                            "enum value `{}` is neither a string nor an integer",
                            yaml_text(other)
                        ),
                        Some(
                            "quote it to make it a string (`\"-1\"`), or write a whole number"
                                .into(),
                        ),
                    );
                    ok = false;
                    continue;
                }
            };
            let this_repr = match wire {
                EnumValue::String(_) => EnumRepr::String,
                EnumValue::Int(_) => EnumRepr::Int,
            };
            match repr {
                None => repr = Some(this_repr),
                Some(r) if r != this_repr => {
                    self.error(
                        source,
                        &value_key,
                        false,
                        "this enum mixes string and integer values".into(),
                        Some(
                            "the wire carries one kind: quote every value (`\"0\"`) or none".into(),
                        ),
                    );
                    ok = false;
                }
                Some(_) => {}
            }
            let shown = match &wire {
                EnumValue::String(s) => s.clone(),
                EnumValue::Int(n) => n.to_string(),
            };
            if let Some(first) = seen_values.insert(shown.clone(), i) {
                self.error(
                    source,
                    &value_key,
                    false,
                    format!(
                        "enum value `{shown}` is listed twice (first as item {})",
                        first + 1
                    ),
                    Some("remove the duplicate".into()),
                );
                ok = false;
                // Its variant name clashes too; one message is enough.
                continue;
            }
            let rust_name = match (&value.rust_name, &wire) {
                (Some(_), _) => self.rust_name_for(
                    source,
                    &value_path,
                    &shown,
                    value.rust_name.as_deref(),
                    Case::UpperCamel,
                ),
                (None, EnumValue::String(s)) if s.chars().any(|c| c.is_ascii_alphabetic()) => {
                    let derived = sanitize(s, Case::UpperCamel);
                    // A documented value such as `unknown` would collide with the
                    // catch-all `Unknown(UnknownValue<_>)`; derive a fixed, documented
                    // name rather than make every author pick one (spec/README.md).
                    if derived.unraw() == "Unknown" {
                        RustIdent {
                            source: "UnknownDocumented".into(),
                        }
                    } else {
                        derived
                    }
                }
                (None, _) => {
                    self.error(source, &value_path, false, format!("enum value `{shown}` needs a `rust_name`"), Some("numbers and symbols make poor variant names: add e.g. `rust_name: not_started` from the value's description".into()));
                    ok = false;
                    continue;
                }
            };
            if rust_name.unraw() == "Unknown" {
                self.error(
                    source,
                    &value_path,
                    false,
                    "`Unknown` is reserved for values this crate does not know yet".into(),
                    Some("set `rust_name:` to another name, e.g. `unknown_status`".into()),
                );
                ok = false;
            }
            if let Some(other) = seen_names.insert(rust_name.source.clone(), shown.clone()) {
                self.error(
                    source,
                    &value_path,
                    false,
                    format!(
                        "enum values `{other}` and `{shown}` both become the variant `{}`",
                        rust_name.source
                    ),
                    Some("set `rust_name:` on one of them".into()),
                );
                ok = false;
            }
            variants.push(Variant {
                value: wire,
                rust_name,
                docs: Docs {
                    description: value.description.clone(),
                    description_en: value.description_en.clone(),
                },
                field_scopes: value.field_scopes.clone(),
            });
        }
        if !ok {
            return None;
        }
        Some(EnumDef {
            repr: repr.unwrap_or(EnumRepr::String),
            variants,
        })
    }
}
