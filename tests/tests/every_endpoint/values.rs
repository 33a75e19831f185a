//! Values for the generic end-to-end test, from the resolved model: the rule
//! for parameter values (`examples.<section>`, then the parameter's own
//! `example:`, then, for required ones, a value made up from the type), made-up
//! bodies, and the normal form in which a sent or decoded value is compared
//! with the spec's example.

use std::collections::HashMap;

use codegen::model::*;
use serde_json::{Map, Value, json};

/// Made-up objects stop here: a recursive type must not recurse forever.
const MAX_DEPTH: usize = 4;

/// Every named type of the model, by home and spec name.
pub struct Types<'m>(HashMap<(TypeHome, String), &'m TypeKind>);

impl<'m> Types<'m> {
    pub fn new(model: &'m Model) -> Self {
        let mut types = HashMap::new();
        for ty in &model.common.types {
            types.insert((TypeHome::Common, ty.spec_name.clone()), &ty.kind);
        }
        for service in &model.services {
            let home = TypeHome::Service {
                service: service.module.clone(),
                version: service.version_module.clone(),
            };
            for ty in &service.namespace.types {
                types.insert((home.clone(), ty.spec_name.clone()), &ty.kind);
            }
        }
        Self(types)
    }

    fn kind(&self, ty: &TypeRef) -> Option<&'m TypeKind> {
        match ty {
            TypeRef::Named {
                home, spec_name, ..
            } => self.0.get(&(home.clone(), spec_name.clone())).copied(),
            _ => None,
        }
    }

    /// The value of a parameter for the test: `given` (from `examples.<section>`),
    /// else its `example:`, else a made-up one when it is required; `None` leaves an
    /// optional parameter unset.
    pub fn param_value(
        &self,
        field: &Field,
        given: &[(String, String)],
        path: bool,
    ) -> Option<Value> {
        let text = given
            .iter()
            .find(|(name, _)| *name == field.wire_name)
            .map(|(_, text)| text.clone())
            .or_else(|| field.example.clone());
        if let Some(value) = text.and_then(|t| serde_json::from_str(&t).ok()) {
            return Some(value);
        }
        (field.required || path).then(|| self.made_up(&field.ty, field, 0))
    }

    /// A value of `ty` (for `field`'s name and limits).
    pub fn made_up(&self, ty: &TypeRef, field: &Field, depth: usize) -> Value {
        match ty {
            TypeRef::String => match field.format {
                Some(Format::Int64 | Format::TimestampMs) => json!("1700000000000"),
                Some(Format::Url) => json!("https://example.com/a b"),
                // A space and a slash: the path and query must be encoded.
                None => json!(format!("{}-1 x/y", field.wire_name)),
            },
            TypeRef::Int | TypeRef::Int64 => {
                json!(field.constraints.min.unwrap_or(1.0).max(1.0) as i64)
            }
            TypeRef::Float => json!(1.5),
            TypeRef::Bool => json!(true),
            TypeRef::Any => json!({"any": 1}),
            TypeRef::File => Value::Null,
            TypeRef::Array(inner) => {
                let count = field.constraints.min_items.unwrap_or(1).max(1) as usize;
                Value::Array(vec![self.made_up(inner, field, depth + 1); count])
            }
            TypeRef::Map(values) => json!({"key": self.made_up(values, field, depth + 1)}),
            TypeRef::JsonString(inner) => json!(self.made_up(inner, field, depth + 1).to_string()),
            TypeRef::Named { .. } => match self.kind(ty) {
                Some(TypeKind::Enum(def)) => match def.variants.first().map(|v| &v.value) {
                    Some(EnumValue::String(s)) => json!(s),
                    Some(EnumValue::Int(n)) => json!(n),
                    None => Value::Null,
                },
                Some(TypeKind::Struct(fields)) if depth < MAX_DEPTH => {
                    self.made_up_object(fields, depth + 1)
                }
                _ => json!({}),
            },
        }
    }

    /// An object with every required field of `fields` made up.
    pub fn made_up_object(&self, fields: &[Field], depth: usize) -> Value {
        let mut object = Map::new();
        for field in fields
            .iter()
            .filter(|f| f.required && f.ty != TypeRef::File)
        {
            object.insert(
                field.wire_name.clone(),
                self.made_up(&field.ty, field, depth),
            );
        }
        Value::Object(object)
    }

    /// The body for a shape: the example request, else a made-up one.
    pub fn body(&self, shape: &Shape, example: Option<&str>) -> Value {
        if let Some(value) = example.and_then(|t| serde_json::from_str(t).ok()) {
            return value;
        }
        match shape {
            Shape::Inline { fields, .. } => self.made_up_object(fields, 0),
            Shape::Named(ty) => self.made_up(ty, &placeholder_field(), 0),
        }
    }

    /// `value` as the generated types would send it back: alias keys under their wire
    /// name, `null` struct fields dropped (they are `None`), `json_string` text parsed.
    /// Keys the types do not know are kept, so a lost field shows as a difference.
    pub fn normal(&self, value: &Value, shape: &Shape) -> Value {
        match shape {
            Shape::Inline { fields, .. } => self.normal_fields(value, fields, 0),
            Shape::Named(ty) => self.normal_value(value, ty, 0),
        }
    }

    fn normal_fields(&self, value: &Value, fields: &[Field], depth: usize) -> Value {
        let Value::Object(object) = value else {
            return value.clone();
        };
        let mut out = Map::new();
        for (key, item) in object {
            if item.is_null() {
                continue;
            }
            match fields
                .iter()
                .find(|f| f.wire_name == *key || f.aliases.contains(key))
            {
                Some(field) => {
                    out.insert(
                        field.wire_name.clone(),
                        self.normal_value(item, &field.ty, depth + 1),
                    );
                }
                None => {
                    out.insert(key.clone(), item.clone());
                }
            }
        }
        Value::Object(out)
    }

    fn normal_value(&self, value: &Value, ty: &TypeRef, depth: usize) -> Value {
        if depth > 64 {
            return value.clone();
        }
        match (ty, value) {
            (TypeRef::Array(inner), Value::Array(items)) => Value::Array(
                items
                    .iter()
                    .map(|v| self.normal_value(v, inner, depth + 1))
                    .collect(),
            ),
            (TypeRef::Map(values), Value::Object(object)) => Value::Object(
                object
                    .iter()
                    .map(|(k, v)| (k.clone(), self.normal_value(v, values, depth + 1)))
                    .collect(),
            ),
            (TypeRef::JsonString(inner), Value::String(text)) => match serde_json::from_str(text) {
                Ok(parsed) => self.normal_value(&parsed, inner, depth + 1),
                Err(_) => value.clone(),
            },
            (TypeRef::Named { .. }, _) => match self.kind(ty) {
                Some(TypeKind::Struct(fields)) => self.normal_fields(value, fields, depth + 1),
                _ => value.clone(),
            },
            _ => value.clone(),
        }
    }
}

/// A field with no name, format or limits, for made-up values of a named body.
fn placeholder_field() -> Field {
    Field {
        wire_name: "body".into(),
        rust_name: codegen::ident::RustIdent {
            source: "body".into(),
        },
        ty: TypeRef::Any,
        required: true,
        docs: Docs::default(),
        example: None,
        default: None,
        constraints: Constraints::default(),
        format: None,
        deprecated: None,
        aliases: Vec::new(),
        field_scopes: Vec::new(),
        boxed: false,
    }
}

/// The text a parameter value goes on the wire as (one per item for arrays).
pub fn wire_texts(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().flat_map(wire_texts).collect(),
        Value::String(s) => vec![s.clone()],
        Value::Number(n) => vec![match n.as_i64() {
            Some(i) => i.to_string(),
            None => n.as_f64().map(|f| f.to_string()).unwrap_or_default(),
        }],
        other => vec![other.to_string()],
    }
}

/// RFC 3986 percent-encoding of everything but the unreserved characters, written
/// here independently of the runtime's encoder on purpose.
pub fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// Where `got` and `want` first differ (`okr_list[0].confirm_status`), numbers
/// compared by value as [`feishu_tests::json_equivalent`] does; `None` if nowhere.
pub fn first_difference(got: &Value, want: &Value) -> Option<String> {
    fn walk(got: Option<&Value>, want: Option<&Value>, at: &str) -> Option<String> {
        let shown = |v: Option<&Value>| {
            v.map_or("(absent)".to_owned(), |v| {
                v.to_string().chars().take(80).collect()
            })
        };
        match (got, want) {
            (Some(Value::Object(g)), Some(Value::Object(w))) => {
                let keys: std::collections::BTreeSet<&String> = g.keys().chain(w.keys()).collect();
                keys.into_iter()
                    .find_map(|k| walk(g.get(k), w.get(k), &format!("{at}.{k}")))
            }
            (Some(Value::Array(g)), Some(Value::Array(w))) => (0..g.len().max(w.len()))
                .find_map(|i| walk(g.get(i), w.get(i), &format!("{at}[{i}]"))),
            (Some(g), Some(w)) if feishu_tests::json_equivalent(g, w) => None,
            (g, w) => Some(format!(
                "`{}`: got {}, want {}",
                at.trim_start_matches('.'),
                shown(g),
                shown(w)
            )),
        }
    }
    walk(Some(got), Some(want), "")
}
