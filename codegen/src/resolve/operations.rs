//! One method: HTTP method, URL, tokens, parameters, body, response,
//! error codes and examples.

use std::collections::{BTreeSet, HashMap};

use indexmap::IndexMap;

use super::{FieldRole, OperationContext, Resolver, Scope, reserved};
use crate::diagnostic::Severity;
use crate::ident::{Case, RustIdent, sanitize};
use crate::model::*;
use crate::source::{Segment, SourceFile, YamlPath};
use crate::spec::{FieldSpec, MethodSpec};
use crate::suggest::did_you_mean;

impl Resolver {
    pub(super) fn resolve_operation(
        &mut self,
        scope: &Scope<'_>,
        ctx: &OperationContext<'_>,
        method: &MethodSpec,
        common_parameters: Option<(&SourceFile, &IndexMap<String, FieldSpec>)>,
    ) -> Option<Operation> {
        let source = scope.source;
        let path = &ctx.path;
        let at = |key: &str| {
            let mut p = path.clone();
            p.push(Segment::Key(key.to_owned()));
            p
        };
        let mut ok = true;
        let http_method = match method.method.as_str() {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "PATCH" => Some(HttpMethod::Patch),
            "DELETE" => Some(HttpMethod::Delete),
            other => {
                let upper = other.to_ascii_uppercase();
                let help = if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&upper.as_str()) {
                    format!("write it in upper case: `{upper}`")
                } else {
                    "use GET, POST, PUT, PATCH or DELETE, as in the doc's \"HTTP Method\" row"
                        .into()
                };
                self.error(
                    source,
                    &at("method"),
                    false,
                    format!("invalid HTTP method `{other}`"),
                    Some(help),
                );
                ok = false;
                None
            }
        };

        let (url, url_ok) = self.resolve_url(source, &at("url"), &method.url, ctx);
        ok &= url_ok;
        let placeholders: Vec<String> = url
            .split('/')
            .filter_map(|segment| segment.strip_prefix(':'))
            .map(str::to_owned)
            .collect();
        for placeholder in &placeholders {
            if !method.path_params.contains_key(placeholder) {
                self.error(source, &at("url"), false, format!("the URL has the placeholder `:{placeholder}` but `path_params` does not define `{placeholder}`"), Some(format!("add `{placeholder}: {{type: string, description: …}}` under `path_params:`")));
                ok = false;
            }
        }
        for name in method.path_params.keys() {
            if !placeholders.contains(name) {
                let mut p = at("path_params");
                p.push(Segment::Key(name.clone()));
                self.error(
                    source,
                    &p,
                    true,
                    format!("path parameter `{name}` does not appear in the URL"),
                    Some(format!("add `:{name}` to `url:` or remove the parameter")),
                );
                ok = false;
            }
        }

        let tokens = self.resolve_tokens(source, &at("tokens"), &method.tokens);
        ok &= tokens.is_some();
        let tokens = tokens.unwrap_or_default();
        let rate_limits =
            self.resolve_rate_limits(source, &at("rate_limit"), method.rate_limit.as_ref());
        ok &= rate_limits.is_some();
        let rate_limits = rate_limits.unwrap_or_default();

        // Parameters. Path parameters follow the order of their placeholders.
        let path_params_path = at("path_params");
        let mut path_params = self.resolve_params(
            scope,
            &path_params_path,
            &method.path_params,
            FieldRole::Path,
            common_parameters,
        );
        path_params.sort_by_key(|p| placeholders.iter().position(|n| *n == p.wire_name));
        let query_params = self.resolve_params(
            scope,
            &at("query_params"),
            &method.query_params,
            FieldRole::Query,
            common_parameters,
        );

        ok &= self.check_header_names(source, &at("header_params"), method.header_params.keys());
        let header_params = self.resolve_params(
            scope,
            &at("header_params"),
            &method.header_params,
            FieldRole::Header,
            common_parameters,
        );

        let request_type = sanitize(
            &format!("{}_{}_request", ctx.action, ctx.resource),
            Case::UpperCamel,
        );
        let (body, body_kind) = match &method.body {
            None => (None, BodyKind::Json),
            Some(spec) => {
                if http_method == Some(HttpMethod::Get) {
                    self.error(
                        source,
                        &at("body"),
                        true,
                        "a GET request cannot have a body".into(),
                        Some("move the fields to `query_params:`, or fix `method:`".into()),
                    );
                    ok = false;
                }
                let resolved = self.resolve_body(
                    scope,
                    &at("body"),
                    spec,
                    format!("{}Body", request_type.source),
                );
                ok &= resolved.is_some();
                resolved.unwrap_or((None, BodyKind::Json))
            }
        };
        let (response, response_kind) = match &method.response {
            None => (None, ResponseKind::Data),
            Some(spec) => {
                let resolved = self.resolve_response(
                    scope,
                    &at("response"),
                    spec,
                    sanitize(
                        &format!("{}_{}_response", ctx.action, ctx.resource),
                        Case::UpperCamel,
                    )
                    .source,
                );
                ok &= resolved.is_some();
                resolved.unwrap_or((None, ResponseKind::Data))
            }
        };
        // Parameter names share one builder: they must not collide.
        let mut builder_names: HashMap<String, String> = HashMap::new();
        let body_fields: &[Field] = match &body {
            Some(Shape::Inline { fields, .. }) => fields,
            _ => &[],
        };
        let params = (path_params.iter().map(|p| (p, "path_params")))
            .chain(query_params.iter().map(|p| (p, "query_params")))
            .chain(header_params.iter().map(|p| (p, "header_params")))
            .chain(body_fields.iter().map(|p| (p, "body")));
        for (param, section) in params {
            let mut param_path = at(section);
            if section == "body" {
                param_path.push(Segment::Key("fields".into()));
            }
            param_path.push(Segment::Key(param.wire_name.clone()));
            if let Some(other) =
                builder_names.insert(param.rust_name.source.clone(), param.wire_name.clone())
            {
                self.error(
                    source,
                    &param_path,
                    true,
                    format!(
                        "parameters `{other}` and `{}` both become the builder method `{}`",
                        param.wire_name, param.rust_name.source
                    ),
                    Some("set `rust_name:` on one of them".into()),
                );
                ok = false;
            }
            if reserved::PARAMETER.contains(&param.rust_name.unraw()) {
                self.error(
                    source,
                    &param_path,
                    true,
                    format!(
                        "parameter `{}` would clash with the request builder's own `{}`",
                        param.wire_name,
                        param.rust_name.unraw()
                    ),
                    Some(format!(
                        "set `rust_name:` on `{}`; the builder owns {}",
                        param.wire_name,
                        reserved::PARAMETER
                            .iter()
                            .map(|n| format!("`{n}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )),
                );
                ok = false;
            }
        }

        let mut errors = Vec::new();
        let mut codes = BTreeSet::new();
        let mut error_names: HashMap<String, i64> = HashMap::new();
        for (i, error) in method.errors.iter().enumerate() {
            let mut p = at("errors");
            p.push(Segment::Index(i));
            if !codes.insert(error.code) {
                self.error(
                    source,
                    &p,
                    false,
                    format!("error code {} is listed twice", error.code),
                    Some("remove the duplicate row".into()),
                );
                ok = false;
            }
            let rust_name = self.rust_name_for(
                source,
                &p,
                &error_name_from_message(&error.message),
                error.rust_name.as_deref(),
                Case::UpperCamel,
            );
            if let Some(other) = error_names.insert(rust_name.source.clone(), error.code) {
                self.error(
                    source,
                    &p,
                    false,
                    format!(
                        "error codes {other} and {} both become the variant `{}`",
                        error.code, rust_name.source
                    ),
                    Some(
                        "add `rust_name:` to one of the rows, e.g. `rust_name: user_not_found`"
                            .into(),
                    ),
                );
                ok = false;
            }
            errors.push(ErrorCode {
                rust_name,
                status: error.status,
                code: error.code,
                message: error.message.clone(),
                advice: error.advice.clone(),
            });
        }
        let mut examples = (None, None);
        if let Some(spec_examples) = &method.examples {
            for (key, text, slot) in [
                ("request", &spec_examples.request, &mut examples.0),
                ("response", &spec_examples.response, &mut examples.1),
            ] {
                if let Some(text) = text {
                    match serde_json::from_str::<serde_json::Value>(text) {
                        Ok(_) => *slot = Some(text.clone()),
                        Err(error) => {
                            let mut p = at("examples");
                            p.push(Segment::Key(key.into()));
                            let start = source.value_position(&p);
                            let (position, message) = json_error_at(source, start, text, &error);
                            self.diagnostics.0.push(source.diagnostic_at(
                                Severity::Error,
                                position,
                                format!("the example {key} is not valid JSON: {message}"),
                                Some("paste the JSON exactly as the doc page shows it, under a `|` block".into()),
                            ));
                            ok = false;
                        }
                    }
                }
            }
        }
        let paging = match &method.paging {
            None => None,
            // Read from the spec, not `response_kind`: a binary response
            // with other mistakes resolves to nothing but is still binary.
            Some(_)
                if matches!(response_kind, ResponseKind::Binary { .. })
                    || method
                        .response
                        .as_ref()
                        .is_some_and(|r| r.content_type.as_deref() == Some("binary")) =>
            {
                self.error(
                    source,
                    &at("paging"),
                    true,
                    "a binary response cannot page".into(),
                    Some("remove `paging:`; a download is one byte stream".into()),
                );
                ok = false;
                None
            }
            Some(_) if body_kind == BodyKind::Multipart => {
                self.error(
                    source,
                    &at("paging"),
                    true,
                    "a multipart upload cannot page".into(),
                    Some("remove `paging:`; a file part is sent once and cannot be replayed for every page".into()),
                );
                ok = false;
                None
            }
            Some(spec) => {
                let paging = self.resolve_paging(
                    source,
                    &at("paging"),
                    spec,
                    &query_params,
                    body.as_ref(),
                    response.as_ref(),
                );
                ok &= paging.is_some();
                paging
            }
        };
        if !ok {
            return None;
        }
        let error_code_type = RustIdent {
            source: format!(
                "{}ErrorCode",
                request_type.source.trim_end_matches("Request")
            ),
        };
        Some(Operation {
            paging,
            error_code_type,
            action: ctx.action.to_owned(),
            id: format!(
                "{}.{}.{}.{}",
                ctx.service, ctx.version, ctx.resource, ctx.action
            ),
            method_name: sanitize(ctx.action, Case::Snake),
            request_type,
            summary: method.summary.clone(),
            docs: Docs {
                description: method.description.clone().unwrap_or_default(),
                description_en: method.description_en.clone(),
            },
            http_method: http_method?,
            path: url,
            doc_url: method.doc_url.clone(),
            tokens,
            app_types: method.app_types.clone(),
            scopes: method.scopes.clone(),
            field_scopes: method.field_scopes.clone(),
            rate_limits,
            idempotent: method
                .idempotent
                .unwrap_or(http_method == Some(HttpMethod::Get)),
            path_params,
            query_params,
            header_params,
            body,
            body_kind,
            response,
            response_kind,
            errors,
            example_request: examples.0,
            example_response: examples.1,
            example_params: method
                .examples
                .as_ref()
                .map(super::examples::example_params)
                .unwrap_or_default(),
        })
    }

    pub(super) fn resolve_params(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        params: &IndexMap<String, FieldSpec>,
        role: FieldRole,
        common_parameters: Option<(&SourceFile, &IndexMap<String, FieldSpec>)>,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        for (wire, spec) in params {
            let mut param_path = path.clone();
            param_path.push(Segment::Key(wire.clone()));
            let base = match &spec.reference {
                None => None,
                Some(name) => match common_parameters.and_then(|(_, p)| p.get(name)) {
                    Some(base) => Some(base),
                    None => {
                        let mut key = param_path.clone();
                        key.push(Segment::Key("ref".into()));
                        let names: Vec<&str> = common_parameters
                            .map(|(_, p)| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let help = match did_you_mean(name, names.iter().copied()) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => "shared parameters are defined under `parameters:` in spec/common.yaml".into(),
                        };
                        self.error(
                            scope.source,
                            &key,
                            false,
                            format!("unknown shared parameter `{name}`"),
                            Some(help),
                        );
                        continue;
                    }
                },
            };
            if let Some(field) = self.resolve_field(scope, &param_path, wire, spec, role, base) {
                out.push(field);
            }
        }
        out
    }

    pub(super) fn resolve_shape(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        fields: Option<&IndexMap<String, FieldSpec>>,
        ty: Option<&String>,
        inline_name: String,
        role: FieldRole,
    ) -> Option<Shape> {
        match (fields, ty) {
            (Some(fields), None) => {
                let mut fields_path = path.clone();
                fields_path.push(Segment::Key("fields".into()));
                Some(Shape::Inline {
                    rust_name: RustIdent {
                        source: inline_name,
                    },
                    fields: self.resolve_fields(scope, &fields_path, fields, role),
                })
            }
            (None, Some(ty)) => {
                let mut type_path = path.clone();
                type_path.push(Segment::Key("type".into()));
                self.resolve_type_text(scope, &type_path, ty, None)
                    .map(Shape::Named)
            }
            (Some(_), Some(_)) => {
                self.error(scope.source, path, true, "give either `fields` or `type`, not both".into(), Some("inline fields describe the shape here; `type` names a type defined under `types:`".into()));
                None
            }
            (None, None) => {
                self.error(
                    scope.source,
                    path,
                    true,
                    "`fields` or `type` is missing".into(),
                    Some(
                        "add `fields:` with the doc's table, or `type:` naming a defined type"
                            .into(),
                    ),
                );
                None
            }
        }
    }
}

/// `User not found.` becomes `UserNotFound`: the first sentence, at most six
/// words, so a long message still gives a readable variant name.
fn error_name_from_message(message: &str) -> String {
    let first = message
        .split(['.', '。', ',', '，', ':', '：'])
        .next()
        .unwrap_or(message);
    let words: Vec<&str> = first.split_whitespace().take(6).collect();
    if words.is_empty() {
        "unknown_code".to_owned()
    } else {
        words.join("_")
    }
}

/// Where in the spec file a JSON error in an example lies, and the error
/// without serde_json's "at line L column C" (which counts from the
/// example's own start). The position is exact when the example is a `|`
/// block whose lines appear verbatim in the file from `start` on; otherwise
/// it is `start` and the message keeps the example-relative place.
pub(super) fn json_error_at(
    source: &SourceFile,
    start: crate::diagnostic::Position,
    text: &str,
    error: &serde_json::Error,
) -> (crate::diagnostic::Position, String) {
    let bare = crate::diagnostic::without_position(&error.to_string());
    let json_line = error.line().max(1);
    let verbatim = text.lines().take(json_line).enumerate().all(|(i, line)| {
        let in_file = source.line_text(start.line + i).unwrap_or_default();
        let from_start: String = in_file.chars().skip(start.column - 1).collect();
        from_start.trim_end() == line.trim_end()
    });
    if verbatim && text.lines().count() >= json_line {
        let position = crate::diagnostic::Position {
            line: start.line + json_line - 1,
            column: start.column + error.column().max(1) - 1,
        };
        (position, bare)
    } else {
        (
            start,
            format!(
                "{bare} (line {json_line}, column {} of the example)",
                error.column()
            ),
        )
    }
}
