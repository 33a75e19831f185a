//! Reads the platform's machine-readable API metadata (the catalog files of
//! the official CLI, see /work/shared/feishu-catalog/README.md): services →
//! resources → methods with typed parameters and nested bodies.

use serde_json::{Map, Value};

use super::ImportError;
use super::endpoint::{detect_paging, names_from_url};
use super::fields::infer_formats;
use super::ir::{Body, Endpoint, EnumValue, Field, Kind, Response};
use super::text;

/// Nesting deeper than this is refused (hostile input).
const MAX_DEPTH: usize = 32;

fn s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

/// Reads a catalog file into endpoints.
pub fn from_catalog(file: &str, raw: &str) -> Result<Vec<Endpoint>, ImportError> {
    let root: Value = serde_json::from_str(raw).map_err(|e| {
        ImportError::new(
            file,
            e.line(),
            format!("not valid JSON: {e}"),
            "give a catalog file as in /work/shared/feishu-catalog/",
        )
    })?;
    let service_path = s(&root, "servicePath").ok_or_else(|| {
        ImportError::new(
            file,
            1,
            "no `servicePath`",
            "a catalog file has `servicePath`, e.g. `/open-apis/okr/v2`",
        )
    })?;
    let resources = root
        .get("resources")
        .and_then(Value::as_object)
        .ok_or_else(|| {
            ImportError::new(
                file,
                1,
                "no `resources` object",
                "a catalog file has `resources` → `<name>` → `methods`",
            )
        })?;
    let mut out = Vec::new();
    for (res_name, res) in resources {
        let Some(methods) = res.get("methods").and_then(Value::as_object) else {
            continue;
        };
        for (action, m) in methods {
            let at = format!("{file}: resources.{res_name}.methods.{action}");
            let path = s(m, "path").ok_or_else(|| {
                ImportError::new(
                    file,
                    1,
                    format!("{at} has no `path`"),
                    "every method has a `path`",
                )
            })?;
            let method = s(m, "httpMethod").unwrap_or("").to_ascii_uppercase();
            if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&method.as_str()) {
                return Err(ImportError::new(
                    file,
                    1,
                    format!("{at}: `httpMethod` is `{method}`"),
                    "expected GET, POST, PUT, PATCH or DELETE",
                ));
            }
            let url = format!(
                "{}/{}",
                service_path.trim_end_matches('/'),
                path.trim_start_matches('/')
            );
            let url: String = url
                .split('/')
                .map(
                    |seg| match seg.strip_prefix('{').and_then(|x| x.strip_suffix('}')) {
                        Some(p) => format!(":{p}"),
                        None => seg.to_owned(),
                    },
                )
                .collect::<Vec<_>>()
                .join("/");
            let (service, version, _, _) = names_from_url(&url, &method)
                .filter(|(sv, v, _, _)| text::is_ident(sv) && text::is_ident(v))
                .ok_or_else(|| {
                    ImportError::new(
                        file,
                        1,
                        format!("{at}: cannot read service and version from `{url}`"),
                        "the path must be /open-apis/<service>/<version>/…",
                    )
                })?;
            let resource = text::snake(res_name);
            let action_name = text::snake(action);
            if !text::is_ident(&resource) || !text::is_ident(&action_name) {
                return Err(ImportError::new(
                    file,
                    1,
                    format!("{at}: names do not make identifiers"),
                    "resource and method names are letters, digits and `_`",
                ));
            }
            let mut ep = Endpoint {
                source: file.to_owned(),
                service,
                version,
                resource,
                action: action_name,
                summary: s(m, "description").unwrap_or(action).to_owned(),
                method: method.clone(),
                url,
                doc_url: s(m, "docUrl").map(str::to_owned),
                ..Endpoint::default()
            };
            ep.tokens = strings(m.get("accessTokens"))
                .into_iter()
                .filter(|t| ["tenant", "user", "app"].contains(&t.as_str()))
                .collect();
            if ep.tokens.is_empty() {
                ep.tokens.push("tenant".into());
                ep.notes
                    .push("the catalog lists no access tokens; assumed tenant".into());
            }
            ep.scopes = strings(m.get("scopes"));
            if let Some(params) = m.get("parameters").and_then(Value::as_object) {
                for (name, p) in params {
                    let mut f = field(name, p, 0)?;
                    match s(p, "location") {
                        Some("path") => {
                            f.required = true;
                            ep.path_params.push(f);
                        }
                        Some("query") => ep.query_params.push(f),
                        Some("header") => ep.header_params.push(f),
                        other => ep.notes.push(format!(
                            "parameter `{name}` has location {other:?}; left out"
                        )),
                    }
                }
            }
            if let Some(body) = m.get("requestBody").and_then(Value::as_object) {
                let mut fields = object_fields(body, 0)?;
                infer_formats(&mut fields);
                let multipart = fields.iter().any(|f| f.kind == Some(Kind::File));
                ep.body = Some(Body { multipart, fields });
            }
            if let Some(body) = m.get("responseBody").and_then(Value::as_object) {
                let mut fields = object_fields(body, 0)?;
                infer_formats(&mut fields);
                ep.response = Some(Response {
                    fields,
                    ..Response::default()
                });
            }
            infer_formats(&mut ep.query_params);
            infer_formats(&mut ep.path_params);
            detect_paging(&mut ep);
            out.push(ep);
        }
    }
    Ok(out)
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn object_fields(map: &Map<String, Value>, depth: usize) -> Result<Vec<Field>, ImportError> {
    map.iter().map(|(name, v)| field(name, v, depth)).collect()
}

fn field(name: &str, v: &Value, depth: usize) -> Result<Field, ImportError> {
    if depth > MAX_DEPTH {
        return Err(ImportError::new(
            "catalog",
            1,
            format!("`{name}` is nested more than {MAX_DEPTH} levels deep"),
            "the catalog is malformed",
        ));
    }
    let ty = s(v, "type").unwrap_or("");
    let mut f = Field {
        name: name.to_owned(),
        required: v.get("required").and_then(Value::as_bool).unwrap_or(false),
        description: text::one_line(s(v, "description").unwrap_or("")),
        type_hint: s(v, "ref").filter(|r| text::is_ident(r)).map(str::to_owned),
        ..Field::default()
    };
    let props = v.get("properties").and_then(Value::as_object);
    let element = |f: &mut Field, t: &str| -> Kind {
        match t {
            "string" => Kind::String,
            "integer" => Kind::Int,
            "number" => Kind::Float,
            "boolean" => Kind::Bool,
            "file" => Kind::File,
            "object" => Kind::Object,
            other => {
                f.notes.push(format!(
                    "the catalog gives the type `{other}`; written as `any`"
                ));
                Kind::Any
            }
        }
    };
    let kind = if ty == "array" {
        f.array_depth = 1;
        if props.is_some() {
            Kind::Object
        } else {
            match v
                .get("example")
                .and_then(Value::as_array)
                .and_then(|a| a.first())
            {
                Some(Value::String(_)) => Kind::String,
                Some(Value::Number(n)) if n.is_i64() => Kind::Int,
                Some(Value::Number(_)) => Kind::Float,
                Some(Value::Bool(_)) => Kind::Bool,
                _ => {
                    f.notes.push(
                        "the catalog does not say what this array holds; written as `any[]`".into(),
                    );
                    Kind::Any
                }
            }
        }
    } else {
        element(&mut f, ty)
    };
    f.kind = Some(kind);
    if let Some(props) = props {
        f.children = object_fields(props, depth + 1)?;
    }
    if let Some(opts) = v.get("options").and_then(Value::as_array) {
        f.enum_values = opts
            .iter()
            .filter_map(|o| {
                let value = match o.get("value")? {
                    Value::String(s) => s.clone(),
                    Value::Number(n) => n.to_string(),
                    _ => return None,
                };
                Some(EnumValue {
                    value,
                    description: text::one_line(s(o, "description").unwrap_or("")),
                })
            })
            .collect();
        f.enum_is_int = f.kind == Some(Kind::Int);
        if !matches!(f.kind, Some(Kind::String | Kind::Int))
            || f.enum_values
                .iter()
                .any(|e| e.value.chars().any(char::is_whitespace))
        {
            f.enum_values.clear();
        }
    }
    let num = |k: &str| {
        v.get(k).and_then(|x| match x {
            Value::String(s) if s.parse::<f64>().is_ok() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    match (f.kind.as_ref(), f.array_depth) {
        (Some(Kind::Int | Kind::Float), 0) => {
            f.min = num("min");
            f.max = num("max");
        }
        (_, 1) => {
            f.min_items = num("min").and_then(|n| n.parse().ok());
            f.max_items = num("max").and_then(|n| n.parse().ok());
        }
        (Some(Kind::String), 0) => {
            f.min_length = num("min").and_then(|n| n.parse().ok());
            f.max_length = num("max").and_then(|n| n.parse().ok());
        }
        _ => {}
    }
    f.example = v.get("example").filter(|e| !e.is_object()).cloned();
    f.default = v
        .get("default")
        .filter(|e| !e.is_object() && !e.is_array())
        .cloned();
    Ok(f)
}
