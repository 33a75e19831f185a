//! Checks each method's `examples` against the method's resolved types, so a
//! stale or mistyped example cannot pass (issue 11 §3): `examples.request`
//! (the body), `examples.response` (the whole envelope: `code`, `msg`, and
//! `data` or, with `envelope: flat`, the fields beside them) and the
//! parameter values `examples.path`/`query`/`headers`. The walk itself is
//! [`super::json_check`].
//!
//! The checker is hand-written over the resolved model rather than a JSON
//! Schema crate: the model already is the schema, and the messages must
//! speak the spec's vocabulary (`format: int64`, `encoding: json_string`).
//! It runs after every file resolved, because a type may come from
//! `spec/common.yaml`. Positions: the diagnostic points at the key or item
//! inside the example block when the block is verbatim in the file (see
//! [`super::json_spans`]), else at the block, and always names the JSON
//! path (`data.items[2].id`).

use serde_json::Value;

use super::Resolver;
use super::json_check::{Checker, Direction, TypeIndex, type_index};
use super::json_spans::{self, Step};
use crate::diagnostic::Severity;
use crate::load::LoadedSpec;
use crate::model::*;
use crate::source::{Segment, key_path};
use crate::suggest::did_you_mean;

/// `examples.path`/`query`/`headers` as JSON text, in spec order.
pub(super) fn example_params(spec: &crate::spec::ExamplesSpec) -> ExampleParams {
    let section = |map: &indexmap::IndexMap<String, serde_yaml::Value>| {
        map.iter()
            .map(|(name, value)| (name.clone(), super::yaml_text(value)))
            .collect()
    };
    ExampleParams {
        path: section(&spec.path),
        query: section(&spec.query),
        headers: section(&spec.headers),
    }
}

impl Resolver {
    /// Checks every method's examples in `model` against its types.
    pub(super) fn check_examples(&mut self, specs: &[LoadedSpec], model: &Model) {
        let types = type_index(model);
        for service in &model.services {
            let Some(loaded) = specs
                .iter()
                .find(|l| l.source.display_path == service.namespace.spec_file)
            else {
                continue;
            };
            for resource in &service.resources {
                for operation in &resource.operations {
                    self.check_operation(loaded, &types, &resource.name, operation);
                }
            }
        }
    }

    fn check_operation(
        &mut self,
        loaded: &LoadedSpec,
        types: &TypeIndex<'_>,
        resource: &str,
        operation: &Operation,
    ) {
        let examples = key_path([
            "resources",
            resource,
            "methods",
            &operation.action,
            "examples",
        ]);
        self.check_example_params(loaded, types, &examples, operation);
        for (key, text) in [
            ("request", &operation.example_request),
            ("response", &operation.example_response),
        ] {
            // Invalid JSON was reported when the operation resolved.
            let Some(value) = text
                .as_deref()
                .and_then(|t| serde_json::from_str::<Value>(t).ok())
            else {
                continue;
            };
            let direction = if key == "request" {
                Direction::Request
            } else {
                Direction::Response
            };
            let mut checker = Checker {
                types,
                direction,
                problems: Vec::new(),
            };
            if key == "request" {
                match &operation.body {
                    Some(shape) => checker.shape(&mut Vec::new(), &value, shape, "the request body"),
                    None => checker.problem(
                        Severity::Error,
                        &[],
                        "the method has no `body`, but the example has a request".into(),
                        "add `body:` with the page's request-body table, or remove `examples.request`".into(),
                    ),
                }
            } else {
                checker.envelope(&value, operation);
            }
            let mut block = examples.clone();
            block.push(Segment::Key(key.into()));
            let start = loaded.source.value_position(&block);
            let text = text.as_deref().unwrap_or_default();
            for problem in checker.problems {
                let position =
                    json_spans::locate(&loaded.source, start, text, &problem.path).unwrap_or(start);
                self.diagnostics.0.push(loaded.source.diagnostic_at(
                    problem.severity,
                    position,
                    format!("example {key}: {}", problem.message),
                    Some(problem.help),
                ));
            }
        }
    }

    /// `examples.path`/`query`/`headers`: each names a parameter of its
    /// section and fits its type.
    fn check_example_params(
        &mut self,
        loaded: &LoadedSpec,
        types: &TypeIndex<'_>,
        examples: &[Segment],
        operation: &Operation,
    ) {
        let p = &operation.example_params;
        for (section, given, params) in [
            ("path", &p.path, &operation.path_params),
            ("query", &p.query, &operation.query_params),
            ("headers", &p.headers, &operation.header_params),
        ] {
            for (name, text) in given {
                let mut at = examples.to_vec();
                at.extend([Segment::Key(section.into()), Segment::Key(name.clone())]);
                let mut checker = Checker {
                    types,
                    direction: Direction::Request,
                    problems: Vec::new(),
                };
                match params.iter().find(|f| f.wire_name == *name) {
                    Some(field) => {
                        let value: Value = serde_json::from_str(text).unwrap_or(Value::Null);
                        checker.field(&mut vec![Step::Key(name.clone())], &value, field);
                    }
                    None => {
                        let names = params.iter().map(|f| f.wire_name.as_str());
                        let help = match did_you_mean(name, names) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => format!(
                                "`examples.{section}` gives values for the method's `{}` only",
                                if section == "headers" {
                                    "header_params"
                                } else if section == "path" {
                                    "path_params"
                                } else {
                                    "query_params"
                                }
                            ),
                        };
                        checker.problem(
                            Severity::Error,
                            &[],
                            format!("`{name}` is not a parameter of this section"),
                            help,
                        );
                    }
                }
                let position = loaded.source.key_position(&at);
                for problem in checker.problems {
                    self.diagnostics.0.push(loaded.source.diagnostic_at(
                        problem.severity,
                        position,
                        format!("examples.{section}: {}", problem.message),
                        Some(problem.help),
                    ));
                }
            }
        }
    }
}
