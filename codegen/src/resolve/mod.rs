//! Validates the loaded specs and resolves them into the [`Model`]. Every
//! problem becomes a located diagnostic; resolution goes on after an error so
//! that one run reports them all.
//!
//! One file per concern, each adding methods to the one `Resolver`:
//! `services` walks a service file, `types`, `enums` and `fields`
//! resolve type definitions and references, `operations` resolves one
//! method and its parameters, `paging` its paging, `events` a service's
//! pushed events, `examples` checks each method's example JSON against
//! its types once the whole model is known, and `warnings` holds
//! the checks that need the whole run; `constraints` says where `file`,
//! string limits, patterns and `json_string` fit, `headers` guards header
//! parameters, `content` resolves body and response content types,
//! envelopes and token-less endpoints, and `rate_limits` the quota
//! windows. A new spec shape gets its own file here and one call from the
//! resolver that owns the enclosing construct.

mod constraints;
mod content;
mod cycles;
mod enums;
mod events;
mod examples;
mod fields;
mod headers;
mod json_check;
mod json_spans;
mod operations;
mod paging;
mod rate_limits;
mod reserved;
mod services;
mod types;
mod url;
mod warnings;

use std::collections::{HashMap, HashSet};

use indexmap::IndexMap;

use crate::diagnostic::{Diagnostics, Severity};
use crate::ident::RustIdent;
use crate::load::LoadedSpec;
use crate::model::*;
use crate::source::{Segment, SourceFile, YamlPath, key_path};
use crate::spec::FieldSpec;

/// Resolves loaded specs into a model, or returns every error found.
/// Warnings are returned alongside a successful model.
pub fn resolve(specs: &[LoadedSpec]) -> (Option<Model>, Diagnostics) {
    resolve_with(specs, true)
}

/// [`resolve`], saying whether every spec file of the run loaded. Unused
/// types are reported only when all files loaded and resolved without
/// errors: a file that did not load, or a method skipped after an error, may
/// be the one that uses them, and a false "never used" would mislead.
pub fn resolve_with(specs: &[LoadedSpec], all_loaded: bool) -> (Option<Model>, Diagnostics) {
    let mut resolver = Resolver::default();
    let model = resolver.run(specs, all_loaded);
    let mut diagnostics = resolver.diagnostics;
    diagnostics.sort();
    if diagnostics.has_errors() {
        (None, diagnostics)
    } else {
        (Some(model), diagnostics)
    }
}

/// A named type as seen from references.
#[derive(Clone)]
struct TypeEntry {
    home: TypeHome,
    rust_name: RustIdent,
    is_enum: bool,
    /// Index into `specs`, for the unused-type warning.
    file: usize,
}

#[derive(Default)]
struct Resolver {
    diagnostics: Diagnostics,
    /// Types visible from service files: common types plus the service's own.
    common_types: HashMap<String, TypeEntry>,
    used: HashSet<(usize, String)>,
}

/// The file being resolved and the types it can see.
struct Scope<'a> {
    source: &'a SourceFile,
    local: HashMap<String, TypeEntry>,
}

impl Resolver {
    fn error(
        &mut self,
        source: &SourceFile,
        path: &[Segment],
        at_key: bool,
        message: String,
        help: Option<String>,
    ) {
        self.report(Severity::Error, source, path, at_key, message, help);
    }

    fn report(
        &mut self,
        severity: Severity,
        source: &SourceFile,
        path: &[Segment],
        at_key: bool,
        message: String,
        help: Option<String>,
    ) {
        let position = if at_key {
            source.key_position(path)
        } else {
            source.value_position(path)
        };
        self.diagnostics
            .0
            .push(source.diagnostic_at(severity, position, message, help));
    }

    fn run(&mut self, specs: &[LoadedSpec], all_loaded: bool) -> Model {
        // The shared-definitions file is the one without `service`.
        let mut common_index: Option<usize> = None;
        for (index, loaded) in specs.iter().enumerate() {
            let spec = &loaded.spec;
            match (&spec.service, &spec.version) {
                (None, None) => {
                    if let Some(first) = common_index {
                        let first_path: &str = &specs[first].source.display_path;
                        self.error(
                            &loaded.source,
                            &[],
                            false,
                            "a second shared-definitions file (a file without `service`)".into(),
                            Some(format!(
                                "shared definitions live in {first_path}; add `service:` and `version:` to this file or move its contents there"
                            )),
                        );
                    } else {
                        common_index = Some(index);
                    }
                }
                (Some(_), None) => self.error(
                    &loaded.source,
                    &key_path(["service"]),
                    true,
                    "`service` is set but `version` is missing".into(),
                    Some("add `version: v1` (the version in the endpoint URLs)".into()),
                ),
                (None, Some(_)) => self.error(
                    &loaded.source,
                    &key_path(["version"]),
                    true,
                    "`version` is set but `service` is missing".into(),
                    Some("add `service: <name>` (the service in the endpoint URLs), or remove `version` if this is the shared-definitions file".into()),
                ),
                (Some(_), Some(_)) => {}
            }
        }

        let mut common = Namespace::default();
        if let Some(index) = common_index {
            let loaded = &specs[index];
            common.spec_file = loaded.source.display_path.clone();
            if !loaded.spec.resources.is_empty() {
                self.error(
                    &loaded.source,
                    &key_path(["resources"]),
                    true,
                    "the shared-definitions file cannot define resources".into(),
                    Some("move the resources to their service's file (one with `service:` and `version:`)".into()),
                );
            }
            self.common_types = self.declare_types(
                &loaded.source,
                index,
                &loaded.spec,
                &TypeHome::Common,
                &HashMap::new(),
            );
            let scope = Scope {
                source: &loaded.source,
                local: HashMap::new(),
            };
            common.types = self.resolve_types(&scope, &loaded.spec.types);
        }
        let common_parameters: Option<(&SourceFile, &IndexMap<String, FieldSpec>)> =
            common_index.map(|i| (&specs[i].source, &specs[i].spec.parameters));

        let mut services = Vec::new();
        let mut seen_services: HashMap<(String, String), String> = HashMap::new();
        for (index, loaded) in specs.iter().enumerate() {
            let (Some(name), Some(version)) = (&loaded.spec.service, &loaded.spec.version) else {
                continue;
            };
            if let Some(service) = self.resolve_service(
                index,
                loaded,
                name,
                version,
                common_parameters,
                &mut seen_services,
            ) {
                services.push(service);
            }
        }
        services.sort_by(|a, b| (&a.name, &a.version).cmp(&(&b.name, &b.version)));

        if all_loaded && !self.diagnostics.has_errors() {
            self.warn_unused(specs);
        }
        let mut model = Model { common, services };
        self.check_examples(specs, &model);
        cycles::box_cycles(&mut model);
        model
    }
}

struct OperationContext<'a> {
    service: &'a str,
    version: &'a str,
    resource: &'a str,
    action: &'a str,
    path: YamlPath,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FieldRole {
    Struct,
    Body,
    Path,
    Query,
    Header,
    /// A part of a multipart body.
    Multipart,
}

fn is_module_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// A `rust_name` override may be written in any case; it is then put in the
/// case the item needs (`id_only` becomes the variant `IdOnly`).
fn is_identifier_like(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// A YAML scalar or structure as compact JSON text (for docs and messages).
fn yaml_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    }
}
