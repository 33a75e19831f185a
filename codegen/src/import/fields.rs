//! Turns one table row (name, type, required, description) into a field:
//! the type column's vocabulary, enum values, limits and formats.

use serde_json::Value;

use super::ir::{Field, Kind};
use super::text::{self, CellInfo};

/// Parses the type column: `string`, `int`, `number(float)`, `okr_batch\[\]`,
/// `map<string, any>`, `\-`. Returns kind, array depth and the page's type
/// name for objects.
pub fn parse_type(raw: &str) -> (Kind, u8, Option<String>, Option<String>) {
    let mut t = text::one_line(&text::strip_markup(raw)).to_lowercase();
    t.retain(|c| !c.is_whitespace());
    let mut depth = 0u8;
    while let Some(rest) = t.strip_suffix("[]") {
        t = rest.to_owned();
        depth = depth.saturating_add(1);
    }
    while let Some(inner) = t
        .strip_prefix("list<")
        .or_else(|| t.strip_prefix("array<"))
        .and_then(|i| i.strip_suffix('>'))
    {
        t = inner.to_owned();
        depth = depth.saturating_add(1);
    }
    let t = t.replace('.', "_");
    let kind = match t.as_str() {
        "string" | "str" | "text" => Kind::String,
        "int" | "int32" | "integer" | "short" => Kind::Int,
        "int64" | "long" => Kind::Int64,
        "float" | "double" | "number" | "number(float)" | "number(double)" | "float64" => {
            Kind::Float
        }
        "bool" | "boolean" => Kind::Bool,
        "object" | "-" | "" | "struct" => Kind::Object,
        "file" | "binary" => Kind::File,
        "any" | "interface{}" | "json" | "mixed" | "union" => Kind::Any,
        "map" => Kind::Map(Box::new(Kind::Any)),
        _ if t.starts_with("map<") || t.starts_with("map[") => {
            let inner = t[4..].trim_end_matches(['>', ']']);
            let value = inner.rsplit(',').next().unwrap_or("any");
            let (k, _, _, _) = parse_type(value);
            let k = if matches!(k, Kind::Object) {
                Kind::Any
            } else {
                k
            };
            Kind::Map(Box::new(k))
        }
        other if text::is_ident(other) => {
            return (Kind::Object, depth, Some(other.to_owned()), None);
        }
        other => {
            return (
                Kind::Any,
                depth,
                None,
                Some(format!(
                    "the page gives the type `{other}`, which the importer does not know; written as `any`"
                )),
            );
        }
    };
    (kind, depth, None, None)
}

/// Builds a field from a row's cells.
pub fn from_row(name: &str, type_cell: &str, required: bool, description: &str) -> Field {
    let (kind, depth, hint, note) = parse_type(type_cell);
    let info = text::parse_cell(description);
    let mut field = Field {
        name: name.to_owned(),
        array_depth: depth,
        type_hint: hint,
        required,
        description: info.description.clone(),
        ..Field::default()
    };
    field.notes.extend(note);
    let kind = if kind == Kind::Int64 {
        // The platform sends 64-bit integers as JSON strings.
        field.format = Some("int64");
        Kind::String
    } else {
        kind
    };
    if kind == Kind::String
        && info.description.contains("JSON")
        && (info.full.contains("序列化")
            || info.full.contains("JSON 字符串")
            || info.full.contains("JSON字符串"))
    {
        // The typed form is `{type: <a type>, encoding: json_string}`; the page does not name the type.
        field.notes.push("the page says this string carries JSON text: consider `encoding: json_string` with a type for it".into());
    }
    field.kind = Some(kind);
    apply_cell(&mut field, &info);
    field
}

/// A value as text, typed by the field's kind.
pub fn typed_value(field: &Field, raw: &str) -> Value {
    let raw = raw.trim();
    if (field.array_depth > 0 || raw.starts_with('['))
        && let Ok(v @ Value::Array(_)) = serde_json::from_str::<Value>(raw)
    {
        return v;
    }
    let unq = text::unquote(raw);
    if field.array_depth > 0 {
        let scalar = Field {
            array_depth: 0,
            ..field.clone()
        };
        return Value::Array(vec![typed_value(&scalar, &unq)]);
    }
    match field.kind {
        Some(Kind::Int | Kind::Float) if field.array_depth == 0 => {
            serde_json::from_str::<serde_json::Number>(&unq)
                .map(Value::Number)
                .unwrap_or(Value::String(unq))
        }
        Some(Kind::Bool) => match unq.as_str() {
            "true" => Value::Bool(true),
            "false" => Value::Bool(false),
            _ => Value::String(unq),
        },
        _ => Value::String(unq),
    }
}

fn apply_cell(field: &mut Field, info: &CellInfo) {
    if let Some(e) = &info.example
        && !e.is_empty()
        && !e.contains("二进制")
    {
        field.example = Some(typed_value(field, e));
    }
    if let Some(d) = &info.default
        && !d.is_empty()
    {
        field.default = Some(typed_value(field, d));
    }
    let is_array = field.array_depth > 0;
    let is_string = field.kind == Some(Kind::String) && !is_array;
    let is_number = matches!(field.kind, Some(Kind::Int | Kind::Float)) && !is_array;
    for (key, nums) in &info.rules {
        let limit = |n: &String| n.parse::<u64>().ok().filter(|n| *n <= u64::from(u32::MAX));
        let first = nums.first().and_then(limit);
        let last = nums.last().and_then(limit);
        match key.as_str() {
            "最大长度" if is_array => field.max_items = first,
            "最小长度" if is_array => field.min_items = first,
            "最大长度" if is_string => field.max_length = first,
            "最小长度" if is_string => field.min_length = first,
            "长度范围" if is_array && nums.len() >= 2 => {
                (field.min_items, field.max_items) = (first, last)
            }
            "长度范围" if is_string && nums.len() >= 2 => {
                (field.min_length, field.max_length) = (first, last)
            }
            "取值范围" if is_number && nums.len() >= 2 => {
                field.min = nums.first().cloned();
                field.max = nums.last().cloned();
            }
            "最大值" if is_number => field.max = nums.first().cloned(),
            "最小值" if is_number => field.min = nums.first().cloned(),
            // Kept only when the generator will accept it (same parser and nesting
            // limit as resolve/constraints.rs), else left to the reviewer.
            "正则校验"
                if is_string
                    && regex_syntax::ParserBuilder::new()
                        .nest_limit(64)
                        .build()
                        .parse(&nums[0])
                        .is_ok() =>
            {
                field.pattern = Some(nums[0].clone());
            }
            _ => field.notes.push(format!(
                "the page's rule `{key}: {}` was not translated",
                nums.join(", ")
            )),
        }
    }
    if is_string
        && field.max_length.is_none()
        && let Some((min, max)) = text::prose_length(&info.full)
    {
        field.min_length = min;
        field.max_length = Some(max);
    }
    if is_number
        && field.min.is_none()
        && field.max.is_none()
        && let Some((min, max)) = text::prose_range(&info.description)
    {
        field.min = Some(min);
        field.max = Some(max);
    }
    if field.kind == Some(Kind::File) {
        field.max_size = file_size(&info.full);
    }
    if !info.enum_values.is_empty() && matches!(field.kind, Some(Kind::String | Kind::Int)) {
        field.enum_is_int = field.kind == Some(Kind::Int);
        if field.enum_is_int
            && info
                .enum_values
                .iter()
                .any(|v| v.value.parse::<i64>().is_err())
        {
            field.notes.push(
                "the page lists non-integer values for an integer field; kept as a string enum"
                    .into(),
            );
            field.enum_is_int = false;
        }
        let mut values: Vec<super::ir::EnumValue> = Vec::new();
        for v in &info.enum_values {
            if values.iter().any(|k| k.value == v.value) {
                field.notes.push(format!(
                    "the page lists the value `{}` twice; the first is kept",
                    v.value
                ));
            } else {
                values.push(v.clone());
            }
        }
        field.enum_values = values;
    }
}

/// `不能超过 10 MB` → 10485760.
fn file_size(text: &str) -> Option<u64> {
    for (unit, factor) in [
        ("MB", 1u64 << 20),
        ("M ", 1 << 20),
        ("KB", 1 << 10),
        ("GB", 1 << 30),
    ] {
        if let Some(p) = text.find(unit) {
            let n: u64 = text::numbers(&text[..p]).last()?.parse().ok()?;
            return n.checked_mul(factor);
        }
    }
    None
}

/// Formats inferred from the name, description and example, once the
/// example values are attached.
pub fn infer_formats(fields: &mut [Field]) {
    for f in fields {
        infer_formats(&mut f.children);
        if f.kind != Some(Kind::String) || f.format.is_some() || !f.enum_values.is_empty() {
            continue;
        }
        let n = f.name.as_str();
        let id_like = (n == "id" || n.ends_with("_id") || n.ends_with("_ids"))
            && ![
                "user_id",
                "open_id",
                "union_id",
                "app_id",
                "tenant_id",
                "user_ids",
            ]
            .contains(&n);
        let digits = |v: &Value| {
            match v {
            Value::String(s) => s.len() >= 12 && s.chars().all(|c| c.is_ascii_digit()),
            Value::Array(a) => a.iter().any(|v| matches!(v, Value::String(s) if s.len() >= 12 && s.chars().all(|c| c.is_ascii_digit()))),
            _ => false,
        }
        };
        if id_like && f.example.as_ref().is_some_and(digits) {
            f.format = Some("int64");
        } else if (f.description.contains("毫秒时间戳")
            || (f.description.contains("毫秒") && (n.contains("time") || n.contains("deadline"))))
            && f.array_depth == 0
        {
            f.format = Some("timestamp_ms");
        } else if (n.ends_with("_url") || n == "url") && f.array_depth == 0 {
            f.format = Some("url");
        }
    }
}
