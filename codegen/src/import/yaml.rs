//! Writes imported services as spec YAML text.
//!
//! A small emitter instead of serde_yaml because review notes are comments,
//! which serde_yaml cannot write, and because the output should read like
//! the hand-written files (one flow mapping per field). Every scalar goes
//! through [`scalar`], which quotes whatever a YAML parser could read as
//! something else.

use std::fmt::Write as _;

use serde_json::Value;

use super::ir::{Endpoint, Event, Field, Kind};
use super::naming::{ServiceOut, TypeBody, TypeDef, error_variant, type_expr};

/// Words YAML 1.1 or 1.2 parsers read as booleans or null.
const RESERVED: &[&str] = &[
    "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", "", ".nan", ".inf", "-.inf",
    "+.inf",
];

/// A YAML scalar for `s`, plain when that is unambiguous in flow and block
/// context, else double-quoted with escapes.
pub fn scalar(s: &str) -> String {
    let plain_ok = !RESERVED.contains(&s.to_ascii_lowercase().as_str())
        && !s.starts_with(|c: char| "-?:,[]{}#&*!|>'\"%@`".contains(c) || c.is_whitespace())
        && !s.ends_with(|c: char| c.is_whitespace() || c == ':')
        && !s.contains(": ")
        && !s.contains(" #")
        && !s.contains(|c: char| {
            ",[]{}\"'".contains(c)
                || c.is_control()
                || c == '\u{feff}'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}'
        })
        && !looks_numeric(s)
        && !s.starts_with("<<");
    if plain_ok {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control()
                || c == '\u{feff}'
                || c == '\u{85}'
                || c == '\u{2028}'
                || c == '\u{2029}' =>
            {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn looks_numeric(s: &str) -> bool {
    let t = s.trim_start_matches(['+', '-']);
    let first_digit = t.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    first_digit
        && t.chars()
            .all(|c| c.is_ascii_hexdigit() || "._xXoObB+-:".contains(c))
}

/// A JSON value as YAML flow text.
pub fn flow_value(v: &Value) -> String {
    match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => scalar(s),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(flow_value).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(map) => format!(
            "{{{}}}",
            map.iter()
                .map(|(k, v)| format!("{}: {}", scalar(k), flow_value(v)))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

fn comment_lines(out: &mut String, indent: usize, notes: &[String]) {
    for note in notes {
        for (i, line) in note.lines().enumerate() {
            let pad = " ".repeat(indent);
            let prefix = if i == 0 { "# review: " } else { "#   " };
            let _ = writeln!(out, "{pad}{prefix}{}", line.replace('\r', ""));
        }
    }
}

/// One field as `name: {…}` (with its review comments above it).
pub fn field_line(out: &mut String, indent: usize, field: &Field, common_param: bool) {
    comment_lines(out, indent, &field.notes);
    let pad = " ".repeat(indent);
    if common_param {
        let _ = writeln!(
            out,
            "{pad}{}: {{ref: {}}}",
            scalar(&field.name),
            scalar(&field.name)
        );
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    let expr = type_expr(field);
    parts.push(format!("type: {}", scalar(&expr)));
    if let Some(Kind::Map(values)) = &field.kind {
        let inner = Field {
            kind: Some((**values).clone()),
            array_depth: 0,
            ..Field::default()
        };
        parts.push(format!("values: {}", scalar(&type_expr(&inner))));
    }
    if field.json_string {
        parts.push("encoding: json_string".into());
    }
    if !field.aliases.is_empty() {
        let names: Vec<String> = field.aliases.iter().map(|a| scalar(a)).collect();
        parts.push(format!("aliases: [{}]", names.join(", ")));
    }
    if field.required {
        parts.push("required: true".into());
    }
    if let Some(f) = field.format {
        parts.push(format!("format: {f}"));
    }
    for (k, v) in [("min", &field.min), ("max", &field.max)] {
        if let Some(v) = v.as_deref().and_then(number) {
            parts.push(format!("{k}: {v}"));
        }
    }
    for (k, v) in [
        ("min_items", field.min_items),
        ("max_items", field.max_items),
        ("min_length", field.min_length),
        ("max_length", field.max_length),
        ("max_size", field.max_size),
    ] {
        if let Some(v) = v {
            parts.push(format!("{k}: {v}"));
        }
    }
    if let Some(p) = &field.pattern {
        // Always double-quoted: a JSON string is a valid YAML one, whatever `p` holds.
        parts.push(format!("pattern: {}", serde_json::Value::from(p.as_str())));
    }
    if let Some(d) = &field.default {
        parts.push(format!("default: {}", flow_value(d)));
    }
    if let Some(e) = &field.example {
        parts.push(format!("example: {}", flow_value(e)));
    }
    parts.push(format!(
        "description: {}",
        scalar(if field.description.is_empty() {
            &field.name
        } else {
            &field.description
        })
    ));
    let _ = writeln!(
        out,
        "{pad}{}: {{{}}}",
        scalar(&field.name),
        parts.join(", ")
    );
}

/// A page's number as a YAML number: integers that fit in 64 bits as
/// written, anything larger in exponent form (a 20-digit integer is not a
/// number serde reads), anything else not at all.
fn number(text: &str) -> Option<String> {
    if text.parse::<i64>().is_ok() {
        return Some(text.to_owned());
    }
    let f = text.parse::<f64>().ok().filter(|f| f.is_finite())?;
    Some(if text.contains('.') && text.len() < 18 {
        text.to_owned()
    } else {
        format!("{f:e}")
    })
}

/// The modeline and header every imported file starts with.
pub fn header(sources: &[String]) -> String {
    let mut out =
        String::from("# yaml-language-server: $schema=../../codegen/spec.schema.json\n#\n");
    out.push_str("# Imported by `cargo run -p codegen -- import` from:\n");
    for s in sources {
        let _ = writeln!(out, "#   {}", s.replace(['\n', '\r'], " "));
    }
    out.push_str("# Read every `# review:` note, then delete it.\n");
    out
}

/// The `types:` entries (without the `types:` line), indented by two.
pub fn types_text(types: &[TypeDef]) -> String {
    let mut out = String::new();
    for t in types {
        comment_lines(&mut out, 2, &t.notes);
        let _ = writeln!(out, "  {}:", scalar(&t.name));
        let _ = writeln!(out, "    description: {}", scalar(&t.description));
        match &t.body {
            TypeBody::Struct(fields) => {
                out.push_str("    fields:\n");
                for f in fields {
                    field_line(&mut out, 6, f, false);
                }
            }
            TypeBody::Enum { int, values } => {
                out.push_str("    enum:\n");
                for v in values {
                    comment_lines(&mut out, 6, v.note.as_slice());
                    let value = if *int {
                        v.value.value.clone()
                    } else {
                        scalar_string(&v.value.value)
                    };
                    let mut parts = vec![format!("value: {value}")];
                    if let Some(r) = &v.rust_name {
                        parts.push(format!("rust_name: {}", scalar(r)));
                    }
                    let d = if v.value.description.is_empty() {
                        &v.value.value
                    } else {
                        &v.value.description
                    };
                    parts.push(format!("description: {}", scalar(d)));
                    let _ = writeln!(out, "      - {{{}}}", parts.join(", "));
                }
            }
        }
        out.push('\n');
    }
    out
}

/// A string that must stay a string (`"0"`, `"-1"`): quoted unless plainly text.
fn scalar_string(s: &str) -> String {
    let plain = scalar(s);
    if plain == s && s.parse::<f64>().is_err() {
        plain
    } else {
        format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
    }
}

/// A `|` block. The text is dedented; when its first line is still
/// indented (a page's `  {` above `"code"` at column 0), the indentation is
/// given explicitly, or YAML would take it from that first line.
fn block(out: &mut String, indent: usize, key: &str, text: &str) {
    let pad = " ".repeat(indent);
    let lines: Vec<String> = text
        .replace('\r', "")
        .lines()
        .map(|l| l.replace('\t', "    ").trim_end().to_owned())
        .collect();
    let depth = |l: &str| l.len() - l.trim_start().len();
    let min = lines
        .iter()
        .filter(|l| !l.is_empty())
        .map(|l| depth(l))
        .min()
        .unwrap_or(0);
    let first = lines
        .iter()
        .find(|l| !l.is_empty())
        .map_or(0, |l| depth(l) - min);
    let indicator = if first > 0 { "2" } else { "" };
    let _ = writeln!(out, "{pad}{key}: |{indicator}");
    for line in &lines {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{pad}  {}", &line[min..]);
        }
    }
}

/// One method (without its name line), indented by `indent`.
pub fn method_text(
    ep: &Endpoint,
    indent: usize,
    common_params: &std::collections::BTreeSet<String>,
) -> String {
    let mut out = String::new();
    let pad = " ".repeat(indent);
    comment_lines(&mut out, indent, &ep.notes);
    let line = |out: &mut String, k: &str, v: String| {
        let _ = writeln!(out, "{pad}{k}: {v}");
    };
    line(
        &mut out,
        "summary",
        scalar(if ep.summary.is_empty() {
            &ep.action
        } else {
            &ep.summary
        }),
    );
    if let Some(d) = &ep.description {
        line(&mut out, "description", scalar(d));
    }
    line(&mut out, "method", ep.method.clone());
    line(&mut out, "url", scalar(&ep.url));
    line(
        &mut out,
        "doc_url",
        scalar(
            ep.doc_url
                .as_deref()
                .unwrap_or("https://open.feishu.cn/document/"),
        ),
    );
    let list = |v: &[String]| {
        format!(
            "[{}]",
            v.iter().map(|s| scalar(s)).collect::<Vec<_>>().join(", ")
        )
    };
    line(&mut out, "tokens", list(&ep.tokens));
    if !ep.app_types.is_empty() {
        line(&mut out, "app_types", list(&ep.app_types));
    }
    if !ep.scopes.is_empty() {
        line(&mut out, "scopes", list(&ep.scopes));
    }
    if !ep.field_scopes.is_empty() {
        line(&mut out, "field_scopes", list(&ep.field_scopes));
    }
    match ep.rate_limits.as_slice() {
        [] => {}
        [one] if !one.starts_with('{') => line(&mut out, "rate_limit", one.clone()),
        many => line(&mut out, "rate_limit", format!("[{}]", many.join(", "))),
    }
    if ep.method == "POST"
        && (ep.action.contains("query")
            || ep.action.contains("search")
            || ep.action.starts_with("find")
            || ep.action.starts_with("batch_get")
            || ep.action == "list")
    {
        let _ = writeln!(
            out,
            "{pad}# review: a read over POST is assumed safe to retry"
        );
        line(&mut out, "idempotent", "true".into());
    }
    if let Some(p) = &ep.paging {
        line(&mut out, "paging", p.clone());
    }
    for (key, params) in [
        ("path_params", &ep.path_params),
        ("query_params", &ep.query_params),
        ("header_params", &ep.header_params),
    ] {
        if params.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{pad}{key}:");
        for p in params {
            let common = key == "query_params" && common_params.contains(&p.name);
            field_line(&mut out, indent + 2, p, common);
        }
    }
    if let Some(b) = ep.body.as_ref().filter(|b| !b.fields.is_empty()) {
        let _ = writeln!(out, "{pad}body:");
        if b.multipart {
            let _ = writeln!(out, "{pad}  content_type: multipart");
        }
        let _ = writeln!(out, "{pad}  fields:");
        for f in &b.fields {
            field_line(&mut out, indent + 4, f, false);
        }
    }
    if let Some(r) = ep
        .response
        .as_ref()
        .filter(|r| r.binary || !r.fields.is_empty())
    {
        let _ = writeln!(out, "{pad}response:");
        if r.binary {
            let _ = writeln!(out, "{pad}  content_type: binary");
            if r.partial {
                let _ = writeln!(out, "{pad}  partial: true");
            }
        } else {
            if r.flat {
                let _ = writeln!(out, "{pad}  envelope: flat");
            }
            let _ = writeln!(out, "{pad}  fields:");
            for f in &r.fields {
                field_line(&mut out, indent + 4, f, false);
            }
        }
    }
    if !ep.errors.is_empty() {
        let _ = writeln!(out, "{pad}errors:");
        let mut names = std::collections::BTreeMap::<String, usize>::new();
        for e in &ep.errors {
            *names.entry(error_variant(&e.message)).or_default() += 1;
        }
        for e in &ep.errors {
            let mut parts = vec![
                format!("status: {}", e.status),
                format!("code: {}", e.code),
                format!("message: {}", scalar(&e.message)),
            ];
            if let Some(a) = &e.advice {
                parts.push(format!("advice: {}", scalar(a)));
            }
            if names.get(&error_variant(&e.message)).copied().unwrap_or(0) > 1 {
                parts.push(format!(
                    "rust_name: {}",
                    scalar(&format!("{}_{}", error_variant(&e.message), e.code))
                ));
            }
            let _ = writeln!(out, "{pad}  - {{{}}}", parts.join(", "));
        }
    }
    if ep.request_example.is_some() || ep.response_example.is_some() {
        let _ = writeln!(out, "{pad}examples:");
        if let Some(t) = &ep.request_example {
            block(&mut out, indent + 2, "request", t);
        }
        if let Some(t) = &ep.response_example {
            block(&mut out, indent + 2, "response", t);
        }
    }
    out
}

/// One event (without its key line), indented by `indent`.
pub fn event_text(ev: &Event, indent: usize) -> String {
    let mut out = String::new();
    let pad = " ".repeat(indent);
    comment_lines(&mut out, indent, &ev.notes);
    let line = |out: &mut String, k: &str, v: String| {
        let _ = writeln!(out, "{pad}{k}: {v}");
    };
    line(&mut out, "version", ev.schema.clone());
    line(
        &mut out,
        "summary",
        scalar(if ev.summary.is_empty() {
            &ev.event_type
        } else {
            &ev.summary
        }),
    );
    if let Some(d) = &ev.description {
        line(&mut out, "description", scalar(d));
    }
    if !ev.scopes.is_empty() {
        let list: Vec<String> = ev.scopes.iter().map(|s| scalar(s)).collect();
        line(&mut out, "scopes", format!("[{}]", list.join(", ")));
    }
    line(
        &mut out,
        "doc_url",
        scalar(
            ev.doc_url
                .as_deref()
                .unwrap_or("https://open.feishu.cn/document/"),
        ),
    );
    if ev.fields.is_empty() {
        line(&mut out, "fields", "{}".into());
    } else {
        let _ = writeln!(out, "{pad}fields:");
        for f in &ev.fields {
            field_line(&mut out, indent + 2, f, false);
        }
    }
    if let Some(t) = &ev.example {
        let _ = writeln!(out, "{pad}examples:");
        block(&mut out, indent + 2, "event", t);
    }
    out
}

/// A whole new service file.
pub fn service_file(
    svc: &ServiceOut,
    common_params: &std::collections::BTreeSet<String>,
) -> String {
    let sources: Vec<String> = svc
        .endpoints
        .iter()
        .map(|e| e.source.clone())
        .chain(svc.events.iter().map(|e| e.source.clone()))
        .collect();
    let mut out = header(&sources);
    let _ = writeln!(
        out,
        "\nservice: {}\nversion: {}\n",
        svc.service, svc.version
    );
    if !svc.types.is_empty() {
        out.push_str("types:\n");
        out.push_str(&types_text(&svc.types));
    }
    if !svc.endpoints.is_empty() {
        out.push_str("resources:\n");
    }
    let mut resources: Vec<&str> = svc.endpoints.iter().map(|e| e.resource.as_str()).collect();
    resources.dedup();
    let mut done = std::collections::BTreeSet::new();
    for r in resources {
        if !done.insert(r) {
            continue;
        }
        let _ = writeln!(out, "  {r}:\n    methods:");
        for ep in svc.endpoints.iter().filter(|e| e.resource == r) {
            let _ = writeln!(out, "      {}:", ep.action);
            out.push_str(&method_text(ep, 8, common_params));
        }
    }
    if !svc.events.is_empty() {
        out.push_str("\nevents:\n");
        for ev in &svc.events {
            let _ = writeln!(out, "  {}:", scalar(&ev.event_type));
            out.push_str(&event_text(ev, 4));
        }
    }
    out
}
