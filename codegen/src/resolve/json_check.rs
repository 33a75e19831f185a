//! The walk behind [`super::examples`]: one JSON value against one resolved
//! type, collecting problems with their JSON paths. It mirrors what the
//! generated serde types accept (every struct field an `Option`, so `null`
//! and absent are fine; `int` an `i32`; `int64` an `i64` JSON number; a
//! `format: int64` string a string; `json_string` a string holding JSON of
//! its type) and is stricter than serde in two places on purpose: an
//! unknown key is an error (serde would drop it, which is how a misspelt or
//! misplaced field goes unnoticed), and a request must carry its required
//! fields. An enum value the spec does not list is only a warning.

use std::collections::HashMap;

use serde_json::Value;

use super::json_spans::{Step, path_text};
use crate::diagnostic::Severity;
use crate::model::*;
use crate::suggest::did_you_mean;

/// At most this many problems per example: past that, the example is
/// probably for another endpoint and more lines would bury the first.
const MAX_PER_EXAMPLE: usize = 20;

/// Nesting deeper than this is reported rather than walked (a hostile
/// example must not exhaust the stack; serde_json itself stops at 128).
const MAX_DEPTH: usize = 128;

pub(super) struct Problem {
    pub(super) severity: Severity,
    pub(super) path: Vec<Step>,
    pub(super) message: String,
    pub(super) help: String,
}

/// Whether required fields are checked: `required` means "required in
/// requests"; responses may omit anything.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Request,
    Response,
}

/// Every named type of the model, by home and spec name.
pub(super) type TypeIndex<'m> = HashMap<(TypeHome, &'m str), &'m TypeKind>;

pub(super) fn type_index(model: &Model) -> TypeIndex<'_> {
    let mut types = HashMap::new();
    for ty in &model.common.types {
        types.insert((TypeHome::Common, ty.spec_name.as_str()), &ty.kind);
    }
    for service in &model.services {
        let home = TypeHome::Service {
            service: service.module.clone(),
            version: service.version_module.clone(),
        };
        for ty in &service.namespace.types {
            types.insert((home.clone(), ty.spec_name.as_str()), &ty.kind);
        }
    }
    types
}

pub(super) struct Checker<'a, 'm> {
    pub(super) types: &'a TypeIndex<'m>,
    pub(super) direction: Direction,
    pub(super) problems: Vec<Problem>,
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "an integer",
        Value::Number(_) => "a floating-point number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_integer_text(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    !digits.is_empty() && digits.chars().all(|c| c.is_ascii_digit())
}

impl Checker<'_, '_> {
    pub(super) fn problem(
        &mut self,
        severity: Severity,
        path: &[Step],
        message: String,
        help: String,
    ) {
        if self.problems.len() < MAX_PER_EXAMPLE {
            self.problems.push(Problem {
                severity,
                path: path.to_vec(),
                message,
                help,
            });
        }
    }

    fn wrong_kind(&mut self, path: &[Step], value: &Value, expected: &str, help: String) {
        let message = format!(
            "`{}` is {}, but the spec says {expected}",
            path_text(path),
            kind_of(value)
        );
        self.problem(Severity::Error, path, message, help);
    }

    /// Checks the fields of a struct (named or inline) against an object.
    pub(super) fn fields(
        &mut self,
        path: &mut Vec<Step>,
        value: &Value,
        fields: &[Field],
        what: &str,
    ) {
        let Value::Object(object) = value else {
            self.wrong_kind(
                path,
                value,
                &format!("an object ({what})"),
                "write a JSON object `{…}` with the fields of the spec".into(),
            );
            return;
        };
        for (key, item) in object {
            let field = fields
                .iter()
                .find(|f| f.wire_name == *key || f.aliases.iter().any(|a| a == key));
            path.push(Step::Key(key.clone()));
            match field {
                Some(field) => self.field(path, item, field),
                None => {
                    let names = fields.iter().map(|f| f.wire_name.as_str());
                    let help = match did_you_mean(key, names) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!(
                            "add `{key}` to the fields of {what} if the page documents it, or remove it from the example"
                        ),
                    };
                    let message = format!("`{}` is not a field of {what}", path_text(path));
                    self.problem(Severity::Error, path, message, help);
                }
            }
            path.pop();
        }
        if self.direction == Direction::Request {
            for field in fields.iter().filter(|f| f.required) {
                let present = object.contains_key(&field.wire_name)
                    || field.aliases.iter().any(|a| object.contains_key(a));
                if !present {
                    let message = if path.is_empty() {
                        format!("{what} lacks the required field `{}`", field.wire_name)
                    } else {
                        format!(
                            "`{}` lacks the required field `{}` of {what}",
                            path_text(path),
                            field.wire_name
                        )
                    };
                    let help = format!(
                        "add `\"{}\"` to the example, or drop `required: true` if the page marks it optional",
                        field.wire_name
                    );
                    self.problem(Severity::Error, path, message, help);
                }
            }
        }
    }

    pub(super) fn field(&mut self, path: &mut Vec<Step>, value: &Value, field: &Field) {
        // Every struct field is an `Option`: null decodes as absent.
        if value.is_null() {
            return;
        }
        self.value(path, value, &field.ty, field.format, 0);
    }

    pub(super) fn value(
        &mut self,
        path: &mut Vec<Step>,
        value: &Value,
        ty: &TypeRef,
        format: Option<Format>,
        depth: usize,
    ) {
        if depth > MAX_DEPTH {
            let message = format!("`{}` nests deeper than {MAX_DEPTH} levels", path_text(path));
            self.problem(Severity::Error, path, message, "shorten the example".into());
            return;
        }
        match ty {
            TypeRef::Any | TypeRef::File => {}
            TypeRef::String => match (value, format) {
                (Value::String(text), Some(Format::Int64 | Format::TimestampMs))
                    if !is_integer_text(text) =>
                {
                    let message = format!(
                        "`{}` is \"{}\", but the spec says a string of digits (`format: {}`)",
                        path_text(path),
                        text.chars().take(40).collect::<String>(),
                        format_name(format)
                    );
                    self.problem(
                        Severity::Warning,
                        path,
                        message,
                        "use a real value from the page, e.g. \"6969864184272078374\"".into(),
                    );
                }
                (Value::String(_), _) => {}
                (Value::Number(n), Some(Format::Int64 | Format::TimestampMs)) => {
                    let n = n.to_string();
                    self.wrong_kind(
                        path,
                        value,
                        &format!("a string (`format: {}`)", format_name(format)),
                        format!(
                            "64-bit ids and timestamps travel as strings: write \"{n}\"; if the page's own example sends a number, make the field `type: int64` and say why in a comment"
                        ),
                    );
                }
                _ => self.wrong_kind(
                    path,
                    value,
                    "a string",
                    "quote the value, or change the field's `type:` if the page's example is right"
                        .into(),
                ),
            },
            TypeRef::Int => {
                let fits = value.as_i64().is_some_and(|n| i32::try_from(n).is_ok());
                if !fits {
                    let help = match value {
                        Value::String(s) if is_integer_text(s) => format!(
                            "write the number without quotes ({s}), or make the field `type: string` with `format: int64` if the page sends a string"
                        ),
                        Value::Number(n) if n.is_i64() || n.is_u64() => {
                            "the value does not fit an `int` (i32): use `type: int64`".into()
                        }
                        _ => "write an integer, or change the field's `type:`".into(),
                    };
                    self.wrong_kind(path, value, "an `int` (a JSON integer, i32)", help);
                }
            }
            TypeRef::Int64 => {
                if value.as_i64().is_none() {
                    let help = match value {
                        Value::String(s) if is_integer_text(s) => format!(
                            "the page sends a string: make the field `type: string` with `format: int64`, or write {s} without quotes"
                        ),
                        _ => "write an integer, or change the field's `type:`".into(),
                    };
                    self.wrong_kind(path, value, "an `int64` (a JSON integer)", help);
                }
            }
            TypeRef::Float => {
                if !value.is_number() {
                    self.wrong_kind(
                        path,
                        value,
                        "a `float` (a JSON number)",
                        "write a number without quotes, or change the field's `type:`".into(),
                    );
                }
            }
            TypeRef::Bool => {
                if !value.is_boolean() {
                    self.wrong_kind(
                        path,
                        value,
                        "a `bool`",
                        "write true or false without quotes, or change the field's `type:`".into(),
                    );
                }
            }
            TypeRef::Array(item) => match value {
                Value::Array(items) => {
                    for (i, element) in items.iter().enumerate() {
                        path.push(Step::Index(i));
                        self.value(path, element, item, format, depth + 1);
                        path.pop();
                    }
                }
                _ => self.wrong_kind(
                    path,
                    value,
                    "an array",
                    "wrap the value in `[…]`, or drop `[]` from the field's `type:`".into(),
                ),
            },
            TypeRef::Map(values) => match value {
                Value::Object(object) => {
                    for (key, element) in object {
                        path.push(Step::Key(key.clone()));
                        self.value(path, element, values, None, depth + 1);
                        path.pop();
                    }
                }
                _ => self.wrong_kind(
                    path,
                    value,
                    "a map (a JSON object)",
                    "write a JSON object, or change the field's `type:`".into(),
                ),
            },
            TypeRef::JsonString(inner) => match value {
                Value::String(text) => match serde_json::from_str::<Value>(text) {
                    Ok(parsed) => {
                        path.push(Step::Parsed);
                        self.value(path, &parsed, inner, None, depth + 1);
                        path.pop();
                    }
                    Err(error) => {
                        let message = format!(
                            "`{}` is `encoding: json_string`, but its text is not JSON: {}",
                            path_text(path),
                            crate::diagnostic::without_position(&error.to_string())
                        );
                        self.problem(
                            Severity::Error,
                            path,
                            message,
                            "the string must hold JSON text, with its quotes escaped (\"{\\\"text\\\":\\\"hi\\\"}\")".into(),
                        );
                    }
                },
                _ => self.wrong_kind(
                    path,
                    value,
                    "a string holding JSON (`encoding: json_string`)",
                    "serialize the object into a string, as the platform sends it".into(),
                ),
            },
            TypeRef::Named {
                home, spec_name, ..
            } => {
                // A type missing here failed to resolve and was reported.
                let Some(kind) = self.types.get(&(home.clone(), spec_name.as_str())).copied()
                else {
                    return;
                };
                match kind {
                    TypeKind::Struct(fields) => {
                        self.fields(path, value, fields, &format!("`{spec_name}`"))
                    }
                    TypeKind::Enum(def) => self.enum_value(path, value, spec_name, def),
                }
            }
        }
    }

    fn enum_value(&mut self, path: &[Step], value: &Value, name: &str, def: &EnumDef) {
        let wire = match (def.repr, value) {
            (EnumRepr::String, Value::String(s)) => EnumValue::String(s.clone()),
            (EnumRepr::Int, Value::Number(n)) if n.as_i64().is_some() => {
                EnumValue::Int(n.as_i64().unwrap_or_default())
            }
            (EnumRepr::String, _) => {
                return self.wrong_kind(
                    path,
                    value,
                    &format!("a string (enum `{name}`)"),
                    "quote the value, or make the enum's values integers if the page sends numbers"
                        .into(),
                );
            }
            (EnumRepr::Int, _) => {
                return self.wrong_kind(
                    path,
                    value,
                    &format!("an integer (enum `{name}`)"),
                    "write the number without quotes, or make the enum's values strings if the page sends strings".into(),
                );
            }
        };
        if !def.variants.iter().any(|v| v.value == wire) {
            let shown = match &wire {
                EnumValue::String(s) => Value::String(s.clone()).to_string(),
                EnumValue::Int(n) => n.to_string(),
            };
            let message = format!(
                "`{}` is {shown}, which enum `{name}` does not list (it decodes as `Unknown`)",
                path_text(path)
            );
            self.problem(
                Severity::Warning,
                path,
                message,
                "add the value to the enum if the page documents it".into(),
            );
        }
    }

    pub(super) fn shape(&mut self, path: &mut Vec<Step>, value: &Value, shape: &Shape, what: &str) {
        match shape {
            Shape::Inline { fields, .. } => self.fields(path, value, fields, what),
            Shape::Named(ty) => self.value(path, value, ty, None, 0),
        }
    }

    /// The envelope: `code`, `msg`, `data` (or the flat fields), `error`.
    pub(super) fn envelope(&mut self, value: &Value, operation: &Operation) {
        let mut path = Vec::new();
        let Value::Object(object) = value else {
            return self.wrong_kind(
                &path,
                value,
                "the whole envelope, an object with `code`, `msg` and `data`",
                "paste the page's whole response JSON".into(),
            );
        };
        match object.get("code") {
            Some(code) if code.is_i64() => {}
            Some(code) => {
                path.push(Step::Key("code".into()));
                self.wrong_kind(&path, code, "an integer", "write `\"code\": 0`".into());
                path.clear();
            }
            None => self.problem(
                Severity::Error,
                &path,
                "the example response has no `code`".into(),
                "paste the whole envelope: {\"code\": 0, \"msg\": \"success\", \"data\": {…}}"
                    .into(),
            ),
        }
        if let Some(msg) = object.get("msg").filter(|m| !m.is_string()) {
            path.push(Step::Key("msg".into()));
            self.wrong_kind(
                &path,
                msg,
                "a string",
                "write `\"msg\": \"success\"`".into(),
            );
            path.clear();
        }
        // An error example (`code` not 0) carries no data to check; a
        // `code` of the wrong kind was reported above, the data still is.
        let success = object
            .get("code")
            .and_then(Value::as_i64)
            .is_none_or(|code| code == 0);
        match operation.response_kind {
            ResponseKind::Binary { .. } => {}
            ResponseKind::Data => {
                for key in object.keys() {
                    if !["code", "msg", "data", "error"].contains(&key.as_str()) {
                        path.push(Step::Key(key.clone()));
                        let message = format!(
                            "`{key}` is not part of the envelope (`code`, `msg`, `data`, `error`)"
                        );
                        let help = "move it into `data`, or set `envelope: flat` on the response if the page puts the fields beside `code`".to_owned();
                        self.problem(Severity::Error, &path, message, help);
                        path.clear();
                    }
                }
                if let (Some(data), Some(shape), true) =
                    (object.get("data"), &operation.response, success)
                    && !data.is_null()
                {
                    path.push(Step::Key("data".into()));
                    self.shape(&mut path, data, shape, "the response");
                }
            }
            ResponseKind::Flat => {
                if let (Some(shape), true) = (&operation.response, success) {
                    let mut rest = object.clone();
                    for key in ["code", "msg", "error"] {
                        rest.remove(key);
                    }
                    self.shape(&mut path, &Value::Object(rest), shape, "the flat response");
                }
            }
        }
    }
}

pub(super) fn format_name(format: Option<Format>) -> &'static str {
    match format {
        Some(Format::Int64) => "int64",
        Some(Format::TimestampMs) => "timestamp_ms",
        Some(Format::Url) => "url",
        None => "",
    }
}
