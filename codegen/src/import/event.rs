//! Reads one event doc page into an [`Event`].
//!
//! An event page has a table with a `事件类型` row (the event type), a
//! `事件体` field table and a `事件体示例` JSON example. Both the table and
//! the example describe the WHOLE envelope (`schema`, `header`, `event`),
//! and the table is flat. So the rows are nested against the whole example
//! (the same [`nesting::rebuild`] as endpoint pages, with the same review
//! notes for rows it cannot place), and only the children of the `event`
//! row are kept: `schema`/`header` (or the 1.0 envelope's `uuid`, `token`,
//! `ts`, `type`) are the platform's, which the runtime already decodes.
//!
//! The service version is the event type's `_vN` suffix, which is how the
//! SDKs file events (the performance pages live under `performance-v1/`
//! yet their events are `_v2` and filed under v2).

use serde_json::Value;

use super::ImportError;
use super::endpoint::{cell, column, flat_rows, parse_json};
use super::fields;
use super::ir::Event;
use super::nesting::{self, Closed};
use super::page::{self, RawPage};
use super::text::{self, strip_markup};

/// Whether a parsed page is an event page (it has a `事件类型` row).
pub fn is_event_page(page: &RawPage) -> bool {
    event_type_row(page).is_some()
}

fn event_type_row(page: &RawPage) -> Option<(String, usize)> {
    page.tables.iter().find_map(|t| {
        t.rows.iter().find_map(|r| {
            let key = text::one_line(&strip_markup(cell(r, Some(0))));
            (key == "事件类型").then(|| (text::one_line(&strip_markup(cell(r, Some(1)))), r.line))
        })
    })
}

/// Whether `t` is `<service>.<part>[.<part>…]` of lower-case letters, digits and `_`.
fn valid_event_type(t: &str) -> bool {
    let parts: Vec<&str> = t.split('.').collect();
    parts.len() >= 2
        && t.len() <= 200
        && parts.iter().all(|p| {
            p.starts_with(|c: char| c.is_ascii_lowercase())
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
}

/// `v2` from `…_v2`.
fn version_suffix(event_type: &str) -> Option<String> {
    let (_, n) = event_type.rsplit_once("_v")?;
    (!n.is_empty() && n.len() <= 3 && n.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("v{n}"))
}

/// Reads one event page.
pub fn from_page(file: &str, raw: &str, closed: &Closed) -> Result<Event, ImportError> {
    let page = page::parse(raw);
    let (event_type, line) = event_type_row(&page).ok_or_else(|| {
        ImportError::new(
            file,
            1,
            "no `事件类型` row",
            "give an event doc page, as under /work/shared/feishu-docs/events/",
        )
    })?;
    if !valid_event_type(&event_type) {
        return Err(ImportError::new(
            file,
            line,
            format!("the `事件类型` row says `{event_type}`, which is not an event type"),
            "the row should read `事件类型 | <service>.<resource>.<event>_vN`",
        ));
    }
    let service = event_type.split('.').next().unwrap_or_default().to_owned();
    let mut notes = Vec::new();
    let version = version_suffix(&event_type).unwrap_or_else(|| {
        notes.push(format!(
            "the event type `{event_type}` has no `_vN` suffix; filed under service version v1"
        ));
        "v1".to_owned()
    });
    let mut ev = Event {
        source: file.to_owned(),
        service,
        version,
        event_type,
        summary: page.title.clone().unwrap_or_default(),
        description: page.description.clone(),
        doc_url: page.source_url.clone(),
        ..Event::default()
    };
    for table in &page.tables {
        let has_type_row = table
            .rows
            .iter()
            .any(|r| text::one_line(&strip_markup(cell(r, Some(0)))) == "事件类型");
        if !has_type_row {
            continue;
        }
        for row in &table.rows {
            let key = text::one_line(&strip_markup(cell(row, Some(0))));
            let value = row.cells.get(1..).map(|c| c.join(" ")).unwrap_or_default();
            // The field-scope row names fields, not subscription scopes.
            if key.contains("权限") && !key.contains("字段权限") {
                ev.scopes.extend(text::scopes(&value));
            }
        }
    }
    let example = page::example(&page, raw, "事件体示例")
        .and_then(|(t, l)| parse_json(&t, "event", l, file, &mut notes).map(|v| (t, v)));
    ev.schema = match example.as_ref().map(|(_, v)| v) {
        Some(v) if v.get("schema").and_then(Value::as_str) == Some("2.0") => "v2.0".into(),
        Some(_) => "v1.0".into(),
        None => {
            notes.push("no JSON example of the envelope; `version: v2.0` assumed".into());
            "v2.0".into()
        }
    };
    let table = page
        .tables
        .iter()
        .find(|t| t.section == "事件体" && column(t, &["类型"]).is_some())
        .or_else(|| {
            page.tables.iter().find(|t| {
                column(t, &["类型"]).is_some()
                    && t.rows
                        .iter()
                        .any(|r| text::one_line(&strip_markup(cell(r, Some(0)))) == "event")
            })
        })
        .ok_or_else(|| {
            ImportError::new(
                file,
                line,
                "no `事件体` field table",
                "the page should have a `### 事件体` table with 名称/类型/描述 columns",
            )
        })?;
    let rows = flat_rows(table, file, &mut notes);
    let mut roots = nesting::rebuild(rows, example.as_ref().map(|(_, v)| v), closed);
    ev.fields = match roots.iter().position(|f| f.name == "event") {
        Some(i) => roots.swap_remove(i).children,
        None => {
            notes.push(
                "the field table has no `event` row; every row but the envelope's is taken".into(),
            );
            roots.retain(|f| !ENVELOPE.contains(&f.name.as_str()));
            roots
        }
    };
    fields::infer_formats(&mut ev.fields);
    if ev.fields.is_empty() {
        notes.push("the `event` object has no fields on the page".into());
    }
    ev.example = example.map(|(t, _)| t);
    if ev.doc_url.is_none() {
        notes.push("the page has no source URL: fill in `doc_url`".into());
    }
    ev.notes.extend(notes);
    Ok(ev)
}

/// The envelope's own keys (2.0 and 1.0).
const ENVELOPE: &[&str] = &["schema", "header", "uuid", "token", "ts", "type"];
