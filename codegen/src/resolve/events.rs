//! A service file's `events:`: each pushed event's type string, envelope
//! schema, Rust name, `event` fields and example.
//!
//! The event type must start with `<service>.` of its file: the platform
//! names every event after the service that sends it, and a type filed under
//! the wrong service would be generated into the wrong module and cargo
//! feature. The Rust name comes from the rest of the type
//! (`stage_task.open_result_v2` becomes `StageTaskOpenResultV2`), so two
//! types that differ only in punctuation collide and must be told apart with
//! `rust_name:`. The example, when given, must be JSON and, when it names
//! its event type, name this one: a pasted example from the wrong page
//! would otherwise pin the wrong shape in the tests that replay it.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::operations::json_error_at;
use super::{FieldRole, Resolver, Scope, is_module_name};
use crate::diagnostic::Severity;
use crate::ident::{Case, RustIdent, sanitize};
use crate::model::{Docs, Event, EventSchema};
use crate::source::{Segment, key_path};
use crate::spec::EventSpec;

impl Resolver {
    /// Every event of one service file; an event with an error is left out
    /// (and the error reported), the others still resolve.
    pub(super) fn resolve_events(
        &mut self,
        scope: &Scope<'_>,
        service: &str,
        version: &str,
        events: &IndexMap<String, EventSpec>,
    ) -> Vec<Event> {
        let source = scope.source;
        let enum_name = sanitize(&format!("{service}_{version}_event"), Case::UpperCamel);
        let mut names: HashMap<RustIdent, String> = HashMap::new();
        let mut out = Vec::new();
        for (event_type, spec) in events {
            let path = key_path(["events", event_type.as_str()]);
            let at = |key: &str| {
                let mut p = path.clone();
                p.push(Segment::Key(key.into()));
                p
            };
            let Some(rest) = event_type_rest(service, event_type) else {
                self.error(
                    source,
                    &path,
                    true,
                    format!("`{event_type}` is not an event type of the `{service}` service"),
                    Some(format!(
                        "use the event type exactly as the doc page shows it, `{service}.<resource>.<event>` (lower-case letters, digits and `_`, parts joined by `.`)"
                    )),
                );
                continue;
            };
            let mut ok = true;
            let schema = match spec.version.as_str() {
                "v2.0" => EventSchema::V2,
                "v1.0" => EventSchema::V1,
                other => {
                    self.error(
                        source,
                        &at("version"),
                        false,
                        format!("`{other}` is not an event envelope version"),
                        Some("use `v2.0` (an envelope with `schema` and `header`) or `v1.0` (an `event_callback` envelope with `uuid` and `ts`)".into()),
                    );
                    ok = false;
                    EventSchema::V2
                }
            };
            let rust_name = self.rust_name_for(
                source,
                &path,
                &rest.replace('.', "_"),
                spec.rust_name.as_deref(),
                Case::UpperCamel,
            );
            if rust_name == enum_name {
                self.error(
                    source,
                    &path,
                    true,
                    format!(
                        "event `{event_type}` becomes `{}`, the name of this version's generated event enum",
                        rust_name.source
                    ),
                    Some("set `rust_name:` on the event to another name".into()),
                );
                ok = false;
            } else if let Some(other) = names.insert(rust_name.clone(), event_type.clone()) {
                self.error(
                    source,
                    &path,
                    true,
                    format!(
                        "events `{other}` and `{event_type}` both become the Rust name `{}`",
                        rust_name.source
                    ),
                    Some(format!(
                        "set `rust_name:` on `{event_type}` to tell them apart"
                    )),
                );
                ok = false;
            }
            if !is_doc_url(&spec.doc_url) {
                self.error(
                    source,
                    &at("doc_url"),
                    false,
                    "`doc_url` is not an https URL".into(),
                    Some("use the doc page's address, `https://open.feishu.cn/document/…`, without spaces".into()),
                );
                ok = false;
            }
            let fields_path = at("fields");
            let errors_before = self.diagnostics.0.len();
            let fields = self.resolve_fields(scope, &fields_path, &spec.fields, FieldRole::Struct);
            ok &= !self.diagnostics.0[errors_before..]
                .iter()
                .any(|d| d.severity == Severity::Error);
            let example = match spec.examples.as_ref().and_then(|e| e.event.as_ref()) {
                None => None,
                Some(text) => {
                    let mut example_path = at("examples");
                    example_path.push(Segment::Key("event".into()));
                    match self.check_event_example(scope, &example_path, event_type, text) {
                        true => Some(text.clone()),
                        false => {
                            ok = false;
                            None
                        }
                    }
                }
            };
            if ok {
                out.push(Event {
                    event_type: event_type.clone(),
                    rust_name,
                    schema,
                    summary: spec.summary.clone(),
                    docs: Docs {
                        description: spec.description.clone().unwrap_or_default(),
                        description_en: spec.description_en.clone(),
                    },
                    scopes: spec.scopes.clone(),
                    doc_url: spec.doc_url.clone(),
                    fields,
                    example,
                });
            }
        }
        out
    }

    /// Whether the example is JSON naming no other event type; reports why not.
    fn check_event_example(
        &mut self,
        scope: &Scope<'_>,
        path: &[Segment],
        event_type: &str,
        text: &str,
    ) -> bool {
        let source = scope.source;
        let value = match serde_json::from_str::<serde_json::Value>(text) {
            Ok(value) => value,
            Err(error) => {
                let start = source.value_position(path);
                let (position, message) = json_error_at(source, start, text, &error);
                self.diagnostics.0.push(source.diagnostic_at(
                    Severity::Error,
                    position,
                    format!("the example event is not valid JSON: {message}"),
                    Some(
                        "paste the JSON exactly as the doc page shows it, under a `|` block".into(),
                    ),
                ));
                return false;
            }
        };
        // Schema 2.0 names the type in `header`, schema 1.0 inside `event`.
        let named = value
            .pointer("/header/event_type")
            .or_else(|| value.pointer("/event/type"))
            .and_then(serde_json::Value::as_str);
        match named {
            Some(named) if named != event_type => {
                self.error(
                    source,
                    path,
                    false,
                    format!("the example is a `{named}` event, not `{event_type}`"),
                    Some("copy the example from this event's own doc page".into()),
                );
                false
            }
            _ => true,
        }
    }
}

/// The part of `event_type` after `<service>.`, when the type belongs to
/// the service and every dot-separated part is a lower-case name.
fn event_type_rest<'a>(service: &str, event_type: &'a str) -> Option<&'a str> {
    let rest = event_type.strip_prefix(service)?.strip_prefix('.')?;
    rest.split('.').all(is_module_name).then_some(rest)
}

/// An https URL without whitespace or control characters, which would end
/// the rustdoc link it becomes.
fn is_doc_url(url: &str) -> bool {
    url.strip_prefix("https://")
        .is_some_and(|rest| !rest.is_empty())
        && !url.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::{event_type_rest, is_doc_url};

    #[test]
    fn doc_urls_are_https_without_spaces() {
        assert!(is_doc_url("https://open.feishu.cn/document/x"));
        assert!(!is_doc_url("http://open.feishu.cn/document/x"));
        assert!(!is_doc_url("https://"));
        assert!(!is_doc_url("https://a b"));
        assert!(!is_doc_url("https://a\n)"));
    }

    #[test]
    fn event_types_belong_to_their_service() {
        assert_eq!(
            event_type_rest("performance", "performance.stage_task.open_result_v2"),
            Some("stage_task.open_result_v2")
        );
        assert_eq!(event_type_rest("performance", "okr.okr.changed_v1"), None);
        assert_eq!(event_type_rest("performance", "performance"), None);
        assert_eq!(event_type_rest("performance", "performance."), None);
        assert_eq!(event_type_rest("performance", "performancex.a"), None);
        assert_eq!(event_type_rest("performance", "performance.a..b"), None);
        assert_eq!(event_type_rest("performance", "performance.A.b"), None);
        assert_eq!(event_type_rest("performance", "performance.a-b"), None);
    }
}
