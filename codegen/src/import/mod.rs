//! `codegen import`: turns doc pages and catalog files into spec YAML.
//!
//! The pipeline, one module per step: [`page`] splits a markdown page (both
//! renderings), [`endpoint`] reads it into the intermediate form of [`ir`]
//! ([`fields`] reads one row, [`nesting`] rebuilds the lost nesting, [`text`]
//! reads cell prose); [`event`] reads an event page the same way into an
//! [`ir::Event`]; [`catalog`] reads the machine-readable metadata into
//! the same form; [`naming`] names and deduplicates types; [`yaml`] writes a
//! new file and [`merge`] inserts into an existing one; [`cli`] is the
//! command.
//!
//! Nothing is guessed silently: every inference the page does not settle
//! becomes a note, written as a `# review:` comment at the field and printed
//! as a warning.

pub mod catalog;
pub mod cli;
pub mod endpoint;
pub mod event;
pub mod fields;
pub mod ir;
pub mod merge;
pub mod naming;
pub mod nesting;
pub mod page;
pub mod text;
pub mod yaml;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use ir::{Endpoint, Event, Field};
use naming::{Known, ServiceOut, TypeBody};

/// Inputs larger than this are refused (hostile input; real pages are < 200 KB).
pub const MAX_INPUT_BYTES: usize = 8 << 20;

/// A problem with one input: file, line, what, and how to fix it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportError {
    /// The input as shown.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub hint: String,
}

impl ImportError {
    /// A new error.
    pub fn new(
        file: &str,
        line: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) -> Self {
        ImportError {
            file: file.to_owned(),
            line: line.max(1),
            message: message.into(),
            hint: hint.into(),
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error: {}:{}: {}\n  = help: {}",
            self.file, self.line, self.message, self.hint
        )
    }
}

impl std::error::Error for ImportError {}

/// What one input holds.
#[derive(Debug, Default)]
pub struct Read {
    /// Endpoints (an endpoint page, or a catalog's).
    pub endpoints: Vec<Endpoint>,
    /// Events (an event page).
    pub events: Vec<Event>,
}

/// Reads one input: a catalog when it is a JSON object with `servicePath`,
/// an event page when it has a `事件类型` row, else an endpoint page.
pub fn read_input(file: &str, text: &str, known: &Known) -> Result<Read, ImportError> {
    if text.len() > MAX_INPUT_BYTES {
        return Err(ImportError::new(
            file,
            1,
            format!(
                "{} bytes is more than a doc page or catalog file can be",
                text.len()
            ),
            format!("inputs are limited to {MAX_INPUT_BYTES} bytes"),
        ));
    }
    let trimmed = text.trim_start_matches('\u{feff}').trim_start();
    if trimmed.starts_with('{') {
        return catalog::from_catalog(file, trimmed).map(|endpoints| Read {
            endpoints,
            events: Vec::new(),
        });
    }
    if event::is_event_page(&page::parse(text)) {
        return event::from_page(file, text, &known.common_fields).map(|e| Read {
            endpoints: Vec::new(),
            events: vec![e],
        });
    }
    endpoint::from_page(file, text, &known.common_fields).map(|e| Read {
        endpoints: vec![e],
        events: Vec::new(),
    })
}

/// Reads the shared names from `spec/common.yaml` text.
pub fn known_from_common(text: &str) -> Known {
    let value: serde_yaml::Value = serde_yaml::from_str(text).unwrap_or(serde_yaml::Value::Null);
    let keys = |k: &str| -> BTreeSet<String> {
        value
            .get(k)
            .and_then(serde_yaml::Value::as_mapping)
            .map(|m| {
                m.keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    };
    let common_fields = value
        .get("types")
        .and_then(serde_yaml::Value::as_mapping)
        .into_iter()
        .flatten()
        .filter_map(|(name, t)| {
            let fields = t.get("fields")?.as_mapping()?;
            Some((
                name.as_str()?.to_owned(),
                fields
                    .keys()
                    .filter_map(|k| k.as_str().map(str::to_owned))
                    .collect(),
            ))
        })
        .collect();
    Known {
        common_types: keys("types"),
        common_params: keys("parameters"),
        common_fields,
    }
}

/// One output file.
#[derive(Debug)]
pub struct OutFile {
    /// Service.
    pub service: String,
    /// Version.
    pub version: String,
    /// The YAML text.
    pub text: String,
}

/// What an import produced.
#[derive(Debug, Default)]
pub struct Output {
    /// One file per service-version.
    pub files: Vec<OutFile>,
    /// Every review note, as `source: where: note`.
    pub warnings: Vec<String>,
    /// Merge report (differences with existing endpoints, what was added).
    pub report: Vec<String>,
}

fn field_notes(prefix: &str, fields: &[Field], out: &mut Vec<String>) {
    for f in fields {
        let at = format!("{prefix}.{}", f.name);
        out.extend(f.notes.iter().map(|n| format!("{at}: {n}")));
        field_notes(&at, &f.children, out);
    }
}

fn collect_warnings(svc: &ServiceOut, out: &mut Vec<String>) {
    for ep in &svc.endpoints {
        let at = format!("{}: {}.{}", ep.source, ep.resource, ep.action);
        out.extend(ep.notes.iter().map(|n| format!("{at}: {n}")));
        field_notes(&format!("{at}: path_params"), &ep.path_params, out);
        field_notes(&format!("{at}: query_params"), &ep.query_params, out);
        field_notes(&format!("{at}: header_params"), &ep.header_params, out);
        if let Some(b) = &ep.body {
            field_notes(&format!("{at}: body"), &b.fields, out);
        }
        if let Some(r) = &ep.response {
            field_notes(&format!("{at}: response"), &r.fields, out);
        }
    }
    for ev in &svc.events {
        let at = format!("{}: event {}", ev.source, ev.event_type);
        out.extend(ev.notes.iter().map(|n| format!("{at}: {n}")));
        field_notes(&format!("{at}: fields"), &ev.fields, out);
    }
    for t in &svc.types {
        let at = format!("{}/{}: type {}", svc.service, svc.version, t.name);
        out.extend(t.notes.iter().map(|n| format!("{at}: {n}")));
        match &t.body {
            TypeBody::Struct(fields) => field_notes(&at, fields, out),
            TypeBody::Enum { values, .. } => {
                out.extend(values.iter().filter_map(|v| {
                    v.note
                        .as_ref()
                        .map(|n| format!("{at}: value {}: {n}", v.value.value))
                }));
            }
        }
    }
}

/// Two endpoints with one resource and action: the second gets a new action name.
fn dedup_names(endpoints: &mut [Endpoint]) {
    let mut seen: BTreeSet<(String, String, String, String)> = BTreeSet::new();
    for ep in endpoints.iter_mut() {
        let key = |ep: &Endpoint, a: &str| {
            (
                ep.service.clone(),
                ep.version.clone(),
                ep.resource.clone(),
                a.to_owned(),
            )
        };
        if seen.contains(&key(ep, &ep.action)) {
            let mut i = 2;
            while seen.contains(&key(ep, &format!("{}_{i}", ep.action))) {
                i += 1;
            }
            let new = format!("{}_{i}", ep.action);
            ep.notes.push(format!(
                "another input is also `{}.{}`; renamed to `{new}`",
                ep.resource, ep.action
            ));
            ep.action = new;
        }
        seen.insert(key(ep, &ep.action));
    }
}

/// Imports `inputs` (display name, text). `existing` holds the text of
/// service files to merge into, keyed by (service, version).
pub fn import(
    inputs: &[(String, String)],
    known: &Known,
    existing: &BTreeMap<(String, String), (String, String)>,
) -> Result<Output, Vec<ImportError>> {
    let mut endpoints = Vec::new();
    let mut events: Vec<Event> = Vec::new();
    let mut errors = Vec::new();
    for (file, text) in inputs {
        match read_input(file, text, known) {
            Ok(read) => {
                endpoints.extend(read.endpoints);
                for ev in read.events {
                    // The spec keys events by type: a second page of one type
                    // would overwrite the first.
                    if let Some(first) = events.iter().find(|e| e.event_type == ev.event_type) {
                        errors.push(ImportError::new(
                            file,
                            1,
                            format!("`{}` is also the event of {}", ev.event_type, first.source),
                            "give each event page once",
                        ));
                    } else {
                        events.push(ev);
                    }
                }
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    dedup_names(&mut endpoints);
    let existing_names: BTreeMap<(String, String), BTreeSet<String>> = existing
        .iter()
        .map(|(k, (_, text))| (k.clone(), merge::existing_types(text)))
        .collect();
    let services = naming::name_types(endpoints, events, known, &existing_names);
    let mut out = Output::default();
    for svc in &services {
        collect_warnings(svc, &mut out.warnings);
        let key = (svc.service.clone(), svc.version.clone());
        let text = match existing.get(&key) {
            Some((shown, text)) => match merge::merge(shown, text, svc, &known.common_params) {
                Ok(m) => {
                    out.report.extend(m.report);
                    m.text
                }
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            },
            None => yaml::service_file(svc, &known.common_params),
        };
        out.files.push(OutFile {
            service: svc.service.clone(),
            version: svc.version.clone(),
            text,
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}
