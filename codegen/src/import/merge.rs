//! Merges imported endpoints into an existing service file without touching
//! a byte a human wrote: new types and methods are inserted as text at the
//! end of the `types:` block and of their resource's `methods:` block (or a
//! new resource at the end of `resources:`). Endpoints the file already has
//! are left alone; what the page says differently is reported instead.
//! Events go the same way: a new event type is appended to the `events:`
//! block (created at the end of the file when missing), an existing one is
//! compared field by field and left as written.

use std::collections::BTreeSet;

use serde_yaml::Value;

use super::ImportError;
use super::ir::{Endpoint, Event, Field, Kind};
use super::naming::{ServiceOut, TypeBody, TypeDef, type_expr};
use super::yaml;

/// The type names an existing file defines.
pub fn existing_types(text: &str) -> BTreeSet<String> {
    let value: Value = serde_yaml::from_str(text).unwrap_or(Value::Null);
    value
        .get("types")
        .and_then(Value::as_mapping)
        .map(|m| {
            m.keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// What a merge produced.
#[derive(Debug, Default)]
pub struct Merged {
    /// The new file text.
    pub text: String,
    /// Differences between existing endpoints and the pages, and what was added.
    pub report: Vec<String>,
}

fn indent_of(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

fn is_content(line: &str) -> bool {
    let t = line.trim();
    !t.is_empty() && !t.starts_with('#')
}

/// The line range `[start, end)` of the block under the key line `at`:
/// every following line indented deeper (blank and comment lines at the
/// end belong to whatever follows).
fn block_end(lines: &[&str], at: usize) -> usize {
    let base = indent_of(lines[at]);
    let mut end = at + 1;
    let mut last_content = at + 1;
    while end < lines.len() {
        if is_content(lines[end]) {
            if indent_of(lines[end]) <= base {
                break;
            }
            last_content = end + 1;
        }
        end += 1;
    }
    last_content
}

fn find_key(
    lines: &[&str],
    from: usize,
    to: usize,
    indent: Option<usize>,
    key: &str,
) -> Option<usize> {
    (from..to).find(|&i| {
        let l = lines[i];
        is_content(l)
            && indent.is_none_or(|n| indent_of(l) == n)
            && l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_end() == ":")
    })
}

fn insert(text: &str, at_line: usize, chunk: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::with_capacity(text.len() + chunk.len());
    for l in &lines[..at_line.min(lines.len())] {
        out.push_str(l);
        out.push('\n');
    }
    out.push_str(chunk);
    for l in lines.get(at_line..).unwrap_or(&[]) {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn referenced(fields: &[Field], out: &mut BTreeSet<String>) {
    for f in fields {
        if let Some(Kind::Named(n)) = &f.kind {
            out.insert(n.clone());
        }
    }
}

fn ep_fields(ep: &Endpoint) -> Vec<&Field> {
    let mut v: Vec<&Field> = ep
        .path_params
        .iter()
        .chain(&ep.query_params)
        .chain(&ep.header_params)
        .collect();
    v.extend(ep.body.iter().flat_map(|b| &b.fields));
    v.extend(ep.response.iter().flat_map(|r| &r.fields));
    v
}

/// The types new endpoints need, transitively, in definition order.
fn needed_types<'a>(
    svc: &'a ServiceOut,
    new: &[&Endpoint],
    new_events: &[&Event],
) -> Vec<&'a TypeDef> {
    let mut want = BTreeSet::new();
    for ep in new {
        referenced(
            &ep_fields(ep).into_iter().cloned().collect::<Vec<_>>(),
            &mut want,
        );
    }
    for ev in new_events {
        referenced(&ev.fields, &mut want);
    }
    loop {
        let before = want.len();
        for t in &svc.types {
            if want.contains(&t.name)
                && let TypeBody::Struct(fields) = &t.body
            {
                referenced(fields, &mut want);
            }
        }
        if want.len() == before {
            break;
        }
    }
    svc.types
        .iter()
        .filter(|t| want.contains(&t.name))
        .collect()
}

fn compare_fields(what: &str, page: &[Field], spec: Option<&Value>, report: &mut Vec<String>) {
    let spec_map = spec.and_then(Value::as_mapping);
    let spec_names: BTreeSet<String> = spec_map
        .map(|m| {
            m.keys()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    for f in page {
        match spec_map.and_then(|m| m.get(f.name.as_str())) {
            None => report.push(format!(
                "  {what}: the page has `{}`, the spec does not",
                f.name
            )),
            Some(v) => {
                let spec_required = v.get("required").and_then(Value::as_bool).unwrap_or(false);
                if spec_required != f.required && what != "path_params" {
                    report.push(format!(
                        "  {what}.{}: the page says required: {}, the spec {}",
                        f.name, f.required, spec_required
                    ));
                }
                let page_ty = type_expr(f);
                if let Some(spec_ty) = v.get("type").and_then(Value::as_str) {
                    let scalar = |t: &str| {
                        ["string", "int", "float", "bool"].contains(&t.trim_end_matches("[]"))
                    };
                    if scalar(&page_ty) && scalar(spec_ty) && page_ty != spec_ty {
                        report.push(format!(
                            "  {what}.{}: the page says `{page_ty}`, the spec `{spec_ty}`",
                            f.name
                        ));
                    }
                }
            }
        }
    }
    for n in spec_names {
        if !page.iter().any(|f| f.name == n) {
            report.push(format!("  {what}: the spec has `{n}`, the page does not"));
        }
    }
}

/// Merges `svc` into the existing file text `existing` (shown as `file`).
pub fn merge(
    file: &str,
    existing: &str,
    svc: &ServiceOut,
    common_params: &BTreeSet<String>,
) -> Result<Merged, ImportError> {
    let value: Value = serde_yaml::from_str(existing).map_err(|e| {
        ImportError::new(
            file,
            e.location().map_or(1, |l| l.line()),
            format!("the existing spec is not valid YAML: {e}"),
            "fix the file (`cargo run -p codegen -- --check` shows where) and import again",
        )
    })?;
    let mut merged = Merged {
        text: existing.to_owned(),
        report: Vec::new(),
    };
    let resources = value.get("resources");
    let mut new: Vec<&Endpoint> = Vec::new();
    for ep in &svc.endpoints {
        let mut found = None;
        if let Some(res) = resources.and_then(Value::as_mapping) {
            for (rname, r) in res {
                for (aname, m) in r
                    .get("methods")
                    .and_then(Value::as_mapping)
                    .into_iter()
                    .flatten()
                {
                    let same_url = m.get("url").and_then(Value::as_str) == Some(ep.url.as_str())
                        && m.get("method").and_then(Value::as_str) == Some(ep.method.as_str());
                    let same_name = rname.as_str() == Some(ep.resource.as_str())
                        && aname.as_str() == Some(ep.action.as_str());
                    if same_url || same_name {
                        found = Some((
                            format!(
                                "{}.{}",
                                rname.as_str().unwrap_or("?"),
                                aname.as_str().unwrap_or("?")
                            ),
                            m,
                        ));
                    }
                }
            }
        }
        match found {
            Some((at, m)) => {
                let mut report = Vec::new();
                if m.get("url").and_then(Value::as_str) != Some(ep.url.as_str()) {
                    report.push(format!("  url: the page says `{}`", ep.url));
                }
                if m.get("method").and_then(Value::as_str) != Some(ep.method.as_str()) {
                    report.push(format!("  method: the page says `{}`", ep.method));
                }
                compare_fields(
                    "path_params",
                    &ep.path_params,
                    m.get("path_params"),
                    &mut report,
                );
                compare_fields(
                    "query_params",
                    &ep.query_params,
                    m.get("query_params"),
                    &mut report,
                );
                if let Some(b) = &ep.body {
                    compare_fields(
                        "body",
                        &b.fields,
                        m.get("body").and_then(|b| b.get("fields")),
                        &mut report,
                    );
                }
                if let Some(r) = ep.response.as_ref().filter(|r| !r.binary) {
                    compare_fields(
                        "response",
                        &r.fields,
                        m.get("response").and_then(|b| b.get("fields")),
                        &mut report,
                    );
                }
                let head = format!("{file}: `{at}` exists and was left as written");
                if report.is_empty() {
                    merged.report.push(format!(
                        "{head}; the page agrees with its parameters and fields"
                    ));
                } else {
                    merged
                        .report
                        .push(format!("{head}; the page differs:\n{}", report.join("\n")));
                }
            }
            None => new.push(ep),
        }
    }
    let mut new_events: Vec<&Event> = Vec::new();
    for ev in &svc.events {
        match value
            .get("events")
            .and_then(|e| e.get(ev.event_type.as_str()))
        {
            Some(spec) => {
                let mut report = Vec::new();
                compare_fields("fields", &ev.fields, spec.get("fields"), &mut report);
                let head = format!(
                    "{file}: event `{}` exists and was left as written",
                    ev.event_type
                );
                merged.report.push(if report.is_empty() {
                    format!("{head}; the page agrees with its fields")
                } else {
                    format!("{head}; the page differs:\n{}", report.join("\n"))
                });
            }
            None => new_events.push(ev),
        }
    }
    if new.is_empty() && new_events.is_empty() {
        return Ok(merged);
    }
    // Types first (they sit above `resources:`).
    let types: Vec<TypeDef> = needed_types(svc, &new, &new_events)
        .into_iter()
        .cloned()
        .collect();
    if !types.is_empty() {
        let text = merged.text.clone();
        let lines: Vec<&str> = text.lines().collect();
        let chunk = yaml::types_text(&types);
        merged.text = match find_key(&lines, 0, lines.len(), Some(0), "types") {
            Some(at) => insert(
                &text,
                block_end(&lines, at),
                &format!("\n{}", chunk.trim_end_matches('\n').to_owned() + "\n"),
            ),
            None => {
                let at =
                    find_key(&lines, 0, lines.len(), Some(0), "resources").unwrap_or(lines.len());
                insert(&text, at, &format!("types:\n{chunk}"))
            }
        };
        merged.report.push(format!(
            "{file}: added types {}",
            types
                .iter()
                .map(|t| format!("`{}`", t.name))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for ep in new {
        let text = merged.text.clone();
        let lines: Vec<&str> = text.lines().collect();
        let place_err = |what: &str| {
            ImportError::new(
                file,
                1,
                format!(
                    "cannot find where to add `{}.{}`: {what}",
                    ep.resource, ep.action
                ),
                "the file must use block style for `resources:`, its resources and `methods:`; add the endpoint by hand (run without --out to print it)",
            )
        };
        let res_at = match find_key(&lines, 0, lines.len(), Some(0), "resources") {
            Some(at) => at,
            None => {
                merged.text = format!("{}\nresources:\n", text.trim_end_matches('\n'));
                merged.text.lines().count() - 1
            }
        };
        let text = merged.text.clone();
        let lines: Vec<&str> = text.lines().collect();
        let res_end = block_end(&lines, res_at);
        let method_text = |indent: usize| {
            format!(
                "{}{}:\n{}",
                " ".repeat(indent),
                ep.action,
                yaml::method_text(ep, indent + 2, common_params)
            )
        };
        let res_indent = (res_at + 1..res_end)
            .find(|&i| is_content(lines[i]))
            .map(|i| indent_of(lines[i]));
        if let Some(r_at) =
            res_indent.and_then(|n| find_key(&lines, res_at + 1, res_end, Some(n), &ep.resource))
        {
            let r_end = block_end(&lines, r_at);
            let inner = (r_at + 1..r_end)
                .find(|&i| is_content(lines[i]))
                .map(|i| indent_of(lines[i]));
            let m_at = inner
                .and_then(|n| find_key(&lines, r_at + 1, r_end, Some(n), "methods"))
                .ok_or_else(|| place_err("its resource has no block-style `methods:`"))?;
            let m_end = block_end(&lines, m_at);
            let child = (m_at + 1..m_end)
                .find(|&i| is_content(lines[i]))
                .map_or(indent_of(lines[m_at]) + 2, |i| indent_of(lines[i]));
            merged.text = insert(&text, m_end, &method_text(child));
        } else {
            let child = res_indent.unwrap_or(2);
            let chunk = format!(
                "{}{}:\n{}methods:\n{}",
                " ".repeat(child),
                ep.resource,
                " ".repeat(child + 2),
                method_text(child + 4)
            );
            merged.text = insert(&text, res_end, &chunk);
        }
        merged
            .report
            .push(format!("{file}: added `{}.{}`", ep.resource, ep.action));
    }
    for ev in new_events {
        let text = merged.text.clone();
        let lines: Vec<&str> = text.lines().collect();
        let chunk = |indent: usize| {
            format!(
                "{}{}:\n{}",
                " ".repeat(indent),
                yaml::scalar(&ev.event_type),
                yaml::event_text(ev, indent + 2)
            )
        };
        merged.text = match find_key(&lines, 0, lines.len(), Some(0), "events") {
            Some(at) => {
                let end = block_end(&lines, at);
                let child = (at + 1..end)
                    .find(|&i| is_content(lines[i]))
                    .map_or(2, |i| indent_of(lines[i]));
                insert(&text, end, &format!("\n{}", chunk(child)))
            }
            None => format!("{}\n\nevents:\n{}", text.trim_end_matches('\n'), chunk(2)),
        };
        merged
            .report
            .push(format!("{file}: added event `{}`", ev.event_type));
    }
    if let Err(e) = serde_yaml::from_str::<Value>(&merged.text) {
        return Err(ImportError::new(
            file,
            e.location().map_or(1, |l| l.line()),
            format!("merging produced invalid YAML ({e}); nothing was written"),
            "this is a bug in the importer: add the endpoint by hand",
        ));
    }
    Ok(merged)
}
