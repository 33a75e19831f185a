//! Reads one doc page (either rendering) into an [`Endpoint`].

use serde_json::Value;

use super::ImportError;
use super::fields::{self, from_row};
use super::ir::{Body, Endpoint, ErrorRow, Field, Kind, Response};
use super::nesting::{self, Closed, FlatRow};
use super::page::{self, RawPage, Table};
use super::text::{self, strip_markup};

/// Header names the client sets itself.
pub const OWNED_HEADERS: &[&str] = &[
    "authorization",
    "content-type",
    "content-length",
    "host",
    "user-agent",
    "accept",
    "accept-encoding",
    "connection",
];

pub(super) fn column(table: &Table, names: &[&str]) -> Option<usize> {
    table
        .header
        .iter()
        .position(|h| names.iter().any(|n| h.contains(n)))
}

pub(super) fn cell(row: &page::Row, i: Option<usize>) -> &str {
    i.and_then(|i| row.cells.get(i)).map_or("", String::as_str)
}

/// Strips the `└` markers (and spaces) of a name cell; returns (name, markers).
fn name_and_markers(raw: &str) -> (String, usize) {
    let s = text::one_line(&strip_markup(raw));
    let markers = s.matches('└').count();
    let name: String = s.chars().filter(|c| *c != '└' && *c != '\u{a0}').collect();
    (name.trim().to_owned(), markers)
}

/// The field rows of a table, each made a field (children not yet attached).
pub(super) fn flat_rows(table: &Table, file: &str, notes: &mut Vec<String>) -> Vec<FlatRow> {
    let (n, t, r, d) = (
        column(table, &["名称", "参数", "字段"]).or(Some(0)),
        column(table, &["类型"]),
        column(table, &["必填", "必选"]),
        column(table, &["描述", "说明"]),
    );
    let names: Vec<(String, usize)> = table
        .rows
        .iter()
        .map(|row| name_and_markers(cell(row, n)))
        .collect();
    let explicit_markers = names.iter().any(|(_, m)| *m >= 2);
    let mut out = Vec::new();
    for (row, (name, markers)) in table.rows.iter().zip(names) {
        if name.is_empty()
            || name.len() > 128
            || name.chars().any(|c| c.is_whitespace() || c.is_control())
        {
            notes.push(format!(
                "{file}:{}: skipped a row whose name `{}` is not a field name",
                row.line,
                text::one_line(&name)
            ));
            continue;
        }
        let required = matches!(
            text::one_line(&strip_markup(cell(row, r))).as_str(),
            "是" | "true" | "required" | "Y"
        );
        let field = from_row(&name, cell(row, t), required, cell(row, d));
        let depth = row.level.or(explicit_markers.then_some(markers));
        out.push(FlatRow { field, depth });
    }
    out
}

pub(super) fn parse_json(
    text: &str,
    what: &str,
    line: usize,
    file: &str,
    notes: &mut Vec<String>,
) -> Option<Value> {
    match serde_json::from_str::<Value>(text) {
        Ok(v) => Some(v),
        Err(e) => {
            notes.push(format!(
                "{file}:{}: the {what} example is not valid JSON ({e}); left out of `examples`",
                line + e.line().saturating_sub(1)
            ));
            None
        }
    }
}

/// Splits `/open-apis/okr/v1/users/:user_id/okrs` into service, version and
/// the rest, and derives resource and action from the rest.
pub fn names_from_url(url: &str, method: &str) -> Option<(String, String, String, String)> {
    let rest = url.strip_prefix("/open-apis/")?;
    let segs: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (service, version) = (segs.first()?, segs.get(1)?);
    let tail = &segs[2..];
    let is_ph = |s: &&str| s.starts_with(':');
    let plain: Vec<&str> = tail.iter().filter(|s| !is_ph(s)).copied().collect();
    let last_two_plain =
        tail.len() >= 2 && !is_ph(&tail[tail.len() - 1]) && !is_ph(&tail[tail.len() - 2]);
    let (res_segs, action) = if last_two_plain {
        (
            plain[..plain.len() - 1].to_vec(),
            text::snake(tail[tail.len() - 1]),
        )
    } else {
        let ends_ph = tail.last().is_some_and(is_ph);
        let action = match method {
            "GET" if ends_ph => "get",
            "GET" => "list",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => "delete",
            _ => "call",
        };
        (plain.clone(), action.to_owned())
    };
    let resource = res_segs
        .iter()
        .map(|s| singular(&text::snake(s)))
        .collect::<Vec<_>>()
        .join("_");
    let resource = if resource.is_empty() {
        text::snake(service)
    } else {
        resource
    };
    Some((text::snake(service), text::snake(version), resource, action))
}

fn singular(s: &str) -> String {
    if let Some(b) = s.strip_suffix("ies") {
        format!("{b}y")
    } else if s.ends_with("ss") || s.ends_with("us") {
        s.to_owned()
    } else {
        s.strip_suffix('s').unwrap_or(s).to_owned()
    }
}

/// Reads one page.
pub fn from_page(file: &str, raw: &str, closed: &Closed) -> Result<Endpoint, ImportError> {
    let page = page::parse(raw);
    let mut ep = Endpoint {
        source: file.to_owned(),
        summary: page.title.clone().unwrap_or_default(),
        description: page.description.clone(),
        doc_url: page.source_url.clone(),
        ..Endpoint::default()
    };
    basic_info(&page, file, &mut ep)?;
    let mut notes = Vec::new();
    let mut multipart = false;
    let mut saw_auth = false;
    for table in &page.tables {
        let section = table.section.as_str();
        if table.header.iter().any(|h| h.contains("错误码"))
            && table.header.iter().any(|h| h.contains("HTTP"))
        {
            errors(table, file, &mut ep, &mut notes);
            continue;
        }
        if column(table, &["类型"]).is_none() {
            continue;
        }
        let header_like = |n: &str| {
            !n.is_empty()
                && n.split('-').all(|w| {
                    w.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                        && w.chars().all(|c| c.is_ascii_alphanumeric())
                })
        };
        let known_section =
            ["请求头", "路径参数", "查询参数", "请求体", "响应体"].contains(&section);
        let headers_elsewhere = !known_section
            && !section.starts_with("响应")
            && !table.rows.is_empty()
            && table
                .rows
                .iter()
                .all(|r| header_like(&name_and_markers(cell(r, Some(0))).0));
        let section = if headers_elsewhere {
            "请求头"
        } else {
            section
        };
        match section {
            "请求头" => {
                for row in flat_rows(table, file, &mut notes) {
                    let f = row.field;
                    let lower = f.name.to_ascii_lowercase();
                    if lower == "authorization" {
                        saw_auth = true;
                        let d = strip_markup(
                            &table
                                .rows
                                .iter()
                                .find(|r| name_and_markers(cell(r, Some(0))).0 == f.name)
                                .map(|r| r.cells.join(" "))
                                .unwrap_or_default(),
                        );
                        for (needle, token) in [
                            ("tenant_access_token", "tenant"),
                            ("user_access_token", "user"),
                            ("app_access_token", "app"),
                        ] {
                            if d.contains(needle) {
                                ep.tokens.push(token.to_owned());
                            }
                        }
                    } else if lower == "content-type" {
                        let d = table
                            .rows
                            .iter()
                            .map(|r| r.cells.join(" "))
                            .collect::<String>();
                        multipart |= d.contains("multipart/form-data");
                    } else if !OWNED_HEADERS.contains(&lower.as_str()) {
                        ep.header_params.push(f);
                    }
                }
            }
            "路径参数" => {
                ep.path_params
                    .extend(flat_rows(table, file, &mut notes).into_iter().map(|r| {
                        let mut f = r.field;
                        f.required = true;
                        f
                    }))
            }
            "查询参数" => ep.query_params.extend(
                flat_rows(table, file, &mut notes)
                    .into_iter()
                    .map(|r| r.field),
            ),
            "请求体" => {
                let rows = flat_rows(table, file, &mut notes);
                let form = multipart || rows.iter().any(|r| r.field.kind == Some(Kind::File));
                let example = if form {
                    None
                } else {
                    page::example(&page, raw, "请求体示例").and_then(|(t, l)| {
                        parse_json(&t, "request", l, file, &mut notes).map(|v| (t, v))
                    })
                };
                let mut fields = nesting::rebuild(rows, example.as_ref().map(|(_, v)| v), closed);
                fields::infer_formats(&mut fields);
                let is_multipart = multipart || fields.iter().any(|f| f.kind == Some(Kind::File));
                if !is_multipart {
                    ep.request_example = example.map(|(t, _)| t);
                }
                ep.body = Some(Body {
                    multipart: is_multipart,
                    fields,
                });
            }
            "响应体" => {
                ep.response = Some(response(
                    table, &page, raw, file, &mut ep, &mut notes, closed,
                ))
            }
            _ => {}
        }
    }
    if !saw_auth {
        ep.tokens = vec!["none".to_owned()];
    } else if ep.tokens.is_empty() {
        notes.push("the Authorization header names no token type; assumed tenant".into());
        ep.tokens.push("tenant".into());
    }
    if ep.response.is_none() {
        let resp_text: String = page
            .prose
            .iter()
            .filter(|(s, _)| s.starts_with("响应"))
            .map(|(_, l)| l.as_str())
            .collect();
        if resp_text.contains("二进制") || resp_text.contains("文件流") {
            ep.response = Some(Response {
                binary: true,
                partial: resp_text.contains("206")
                    || ep
                        .header_params
                        .iter()
                        .any(|h| h.name.eq_ignore_ascii_case("range")),
                ..Response::default()
            });
        }
    }
    for f in ep.query_params.iter_mut() {
        // Query values are text on the wire; the spec wants numbers as numbers.
        if ["offset", "limit", "page_size"].contains(&f.name.as_str())
            && f.kind == Some(Kind::String)
            && f.array_depth == 0
        {
            f.kind = Some(Kind::Int);
            if let Some(Value::String(s)) = &f.example
                && let Ok(n) = s.parse::<i64>()
            {
                f.example = Some(Value::from(n));
            }
            if let Some(Value::String(s)) = &f.default
                && let Ok(n) = s.parse::<i64>()
            {
                f.default = Some(Value::from(n));
            }
        }
    }
    fields::infer_formats(&mut ep.query_params);
    fields::infer_formats(&mut ep.path_params);
    if ep.method == "GET" && ep.body.take().is_some_and(|b| !b.fields.is_empty()) {
        notes.push("the page gives a request body for a GET; left out (move what belongs to the query into `query_params`)".into());
    }
    detect_paging(&mut ep);
    ep.notes.extend(notes);
    if ep.doc_url.is_none() {
        ep.notes
            .push("the page has no source URL: fill in `doc_url`".into());
    }
    Ok(ep)
}

fn basic_info(page: &RawPage, file: &str, ep: &mut Endpoint) -> Result<(), ImportError> {
    let table = page
        .tables
        .iter()
        .find(|t| {
            t.rows.iter().any(|r| {
                r.cells
                    .first()
                    .is_some_and(|c| strip_markup(c).trim() == "HTTP URL")
            })
        })
        .ok_or_else(|| {
            ImportError::new(
                file,
                1,
                "no basic-info table (a table with an `HTTP URL` row)",
                "give a doc page of an HTTP endpoint, as under /work/shared/feishu-docs/",
            )
        })?;
    let mut url_line = table.line;
    for row in &table.rows {
        let key = text::one_line(&strip_markup(cell(row, Some(0))));
        let value = row.cells.get(1..).map(|c| c.join(" ")).unwrap_or_default();
        match key.as_str() {
            "HTTP URL" => {
                let v = text::one_line(&strip_markup(&value));
                url_line = row.line;
                let path = v.find("/open-apis/").map(|p| &v[p..]).unwrap_or("");
                ep.url = path.split(['?', ' ']).next().unwrap_or("").to_owned();
            }
            // The first word: the scraped rendering may append the next
            // row's broken-off key (`GET 权限要求`).
            "HTTP Method" => {
                ep.method = text::one_line(&strip_markup(&value))
                    .split(' ')
                    .next()
                    .unwrap_or("")
                    .to_ascii_uppercase()
            }
            "接口频率限制" => {
                ep.rate_limits = text::rate_limits(&value);
                if ep.rate_limits.is_empty() {
                    ep.notes.push(format!(
                        "rate limit `{}` not understood; none written",
                        text::one_line(&strip_markup(&value))
                    ));
                }
            }
            "支持的应用类型" => {
                let v = strip_markup(&value);
                if v.contains("自建应用") || v.contains("custom") {
                    ep.app_types.push("custom".into());
                }
                if v.contains("商店应用") || v.contains("isv") {
                    ep.app_types.push("isv".into());
                }
            }
            // The scraped rendering breaks the 权限要求 key over lines, so the
            // row's key may be its last line (`开启任一权限即可`).
            k if k.contains("字段权限") => ep.field_scopes = text::scopes(&value),
            k if k.contains("权限") => ep.scopes.extend(text::scopes(&value)),
            _ => {}
        }
    }
    let segs_ok = ep.url.split('/').skip(1).all(|s| {
        let s = s.strip_prefix(':').unwrap_or(s);
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.')
    });
    if ep.url.is_empty() || !segs_ok {
        return Err(ImportError::new(
            file,
            url_line,
            "the `HTTP URL` row holds no `/open-apis/…` path",
            "the row should read `HTTP URL | https://open.feishu.cn/open-apis/<service>/<version>/…`",
        ));
    }
    if !["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&ep.method.as_str()) {
        return Err(ImportError::new(
            file,
            table.line,
            format!("the `HTTP Method` row says `{}`", ep.method),
            "expected GET, POST, PUT, PATCH or DELETE",
        ));
    }
    let (service, version, resource, action) = names_from_url(&ep.url, &ep.method)
        .filter(|(s, v, r, a)| {
            text::is_ident(s) && text::is_ident(v) && text::is_ident(r) && text::is_ident(a)
        })
        .ok_or_else(|| {
            ImportError::new(
                file,
                url_line,
                format!(
                    "cannot derive service/version/resource/action names from `{}`",
                    ep.url
                ),
                "the path must be /open-apis/<service>/<version>/<resource>…",
            )
        })?;
    (ep.service, ep.version) = (service, version);
    // The doc URL's last two segments are the official resource and action
    // names when both are identifiers; otherwise derive them from the path.
    let from_doc = ep.doc_url.as_deref().and_then(|u| {
        let segs: Vec<&str> = u.trim_end_matches('/').rsplit('/').take(2).collect();
        (segs.len() == 2 && text::is_ident(segs[0]) && text::is_ident(segs[1]))
            .then(|| (segs[1].to_owned(), segs[0].to_owned()))
    });
    match from_doc {
        Some((r, a)) => (ep.resource, ep.action) = (r, a),
        None => {
            ep.notes.push(format!("resource `{resource}` and action `{action}` were derived from the URL; check them against the SDK names"));
            (ep.resource, ep.action) = (resource, action);
        }
    }
    ep.url = ep
        .url
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(p) => format!(":{p}"),
                None => s.to_owned(),
            },
        )
        .collect::<Vec<_>>()
        .join("/");
    Ok(())
}

fn response(
    table: &Table,
    page: &RawPage,
    raw: &str,
    file: &str,
    ep: &mut Endpoint,
    notes: &mut Vec<String>,
    closed: &Closed,
) -> Response {
    let example = page::example(page, raw, "响应体示例")
        .and_then(|(t, l)| parse_json(&t, "response", l, file, notes).map(|v| (t, v)));
    let rows = flat_rows(table, file, notes);
    let has_data = rows.iter().any(|r| {
        r.field.name == "data"
            && r.depth.unwrap_or(0) == rows.first().and_then(|f| f.depth).unwrap_or(0)
    });
    let mut tree = nesting::rebuild(rows, example.as_ref().map(|(_, v)| v), closed);
    ep.response_example = example.map(|(t, _)| t);
    let fields: Vec<Field> = if has_data {
        let data = tree
            .iter()
            .position(|f| f.name == "data")
            .map(|i| tree.remove(i));
        let mut children = data.map(|d| d.children).unwrap_or_default();
        // Rows the inference left beside `data` that are not the envelope's.
        for f in tree
            .into_iter()
            .filter(|f| f.name != "code" && f.name != "msg" && f.name != "error")
        {
            let mut f = f;
            f.notes
                .push("nesting: listed beside `data`; moved under it".into());
            children.push(f);
        }
        children
    } else {
        tree.into_iter()
            .filter(|f| f.name != "code" && f.name != "msg")
            .collect()
    };
    let mut fields = fields;
    fields::infer_formats(&mut fields);
    Response {
        binary: false,
        partial: false,
        flat: !has_data && !fields.is_empty(),
        fields,
    }
}

fn errors(table: &Table, file: &str, ep: &mut Endpoint, notes: &mut Vec<String>) {
    let (s, c, m, a) = (
        column(table, &["HTTP"]),
        table.header.iter().position(|h| h.trim() == "错误码"),
        column(table, &["描述"]),
        column(table, &["排查建议", "建议"]),
    );
    for row in &table.rows {
        let get = |i| text::one_line(&strip_markup(cell(row, i)));
        let (Ok(status), Ok(code)) = (get(s).parse::<u16>(), get(c).parse::<i64>()) else {
            notes.push(format!(
                "{file}:{}: error row without a numeric status and code; skipped",
                row.line
            ));
            continue;
        };
        if !(100..=599).contains(&status) {
            notes.push(format!(
                "{file}:{}: HTTP status {status} is out of range; row skipped",
                row.line
            ));
            continue;
        }
        if ep.errors.iter().any(|e| e.code == code) {
            notes.push(format!(
                "{file}:{}: error code {code} is listed twice; the first row is kept",
                row.line
            ));
            continue;
        }
        let advice = get(a);
        ep.errors.push(ErrorRow {
            status,
            code,
            message: get(m),
            advice: (!advice.is_empty()).then_some(advice),
        });
    }
}

/// Detects the paging style from parameter and response names.
pub fn detect_paging(ep: &mut Endpoint) {
    let Some(resp) = &ep.response else { return };
    let has_resp = |n: &str| {
        resp.fields
            .iter()
            .any(|f| f.name == n && (n != "total" || f.kind == Some(Kind::Int)))
    };
    let arrays: Vec<&str> = resp
        .fields
        .iter()
        .filter(|f| f.array_depth == 1)
        .map(|f| f.name.as_str())
        .collect();
    let has_param = |n: &str| {
        ep.query_params.iter().any(|f| f.name == n)
            || ep
                .body
                .as_ref()
                .is_some_and(|b| b.fields.iter().any(|f| f.name == n))
    };
    let items = match arrays.as_slice() {
        [one] => Some(*one),
        _ => None,
    };
    if has_param("page_token") && has_resp("page_token") && has_resp("has_more") {
        match items {
            Some(items) => ep.paging = Some(format!("{{style: page_token, items: {items}}}")),
            None => ep.notes.push("paging: page_token style, but no single array field holds the items; add `paging` by hand".into()),
        }
    } else if ep
        .query_params
        .iter()
        .any(|f| f.name == "offset" && f.kind == Some(Kind::Int))
        && has_resp("total")
    {
        match items {
            Some(items) => ep.paging = Some(format!("{{style: offset, items: {items}, total: total}}")),
            None => ep.notes.push("paging: offset style, but no single array field holds the items; add `paging` by hand".into()),
        }
    }
}
