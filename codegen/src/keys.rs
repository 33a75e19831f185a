//! Checks every mapping of a spec file against the schema before serde sees
//! it, so that all unknown and missing keys of a file are reported together
//! (serde stops at the first), each at its own `line:column` with a
//! "did you mean".

use serde_json::Value as Json;
use serde_yaml::Value as Yaml;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{Segment, SourceFile, YamlPath};
use crate::suggest::did_you_mean;

/// Every unknown or missing key in `document`. Unknown keys are removed
/// after being reported, so the rest of the file can still be checked.
pub fn check_keys(source: &SourceFile, document: &mut Yaml, schema: &Json) -> Vec<Diagnostic> {
    let mut checker = Checker {
        source,
        root: schema,
        found: Vec::new(),
    };
    checker.check(document, schema, &mut Vec::new());
    checker.found
}

struct Checker<'a> {
    source: &'a SourceFile,
    root: &'a Json,
    found: Vec<Diagnostic>,
}

impl<'a> Checker<'a> {
    /// Follows `$ref`s and picks the branch of an `anyOf` (an `Option<T>`,
    /// or an untagged enum such as a rate limit that is a string or a list)
    /// whose JSON type fits `value`, else the first non-null one.
    fn resolve(&self, schema: &'a Json, value: &Yaml) -> &'a Json {
        let mut schema = schema;
        for _ in 0..32 {
            if let Some(reference) = schema.get("$ref").and_then(Json::as_str) {
                let target = reference.strip_prefix("#/").map(|path| {
                    path.split('/')
                        .try_fold(self.root, |node, key| node.get(key))
                });
                match target {
                    Some(Some(next)) => schema = next,
                    _ => return schema,
                }
            } else if let Some(branches) = schema.get("anyOf").and_then(Json::as_array) {
                let wanted = match value {
                    Yaml::Mapping(_) => Some("object"),
                    Yaml::Sequence(_) => Some("array"),
                    _ => None,
                };
                let fits = |b: &&Json| {
                    let b = self.deref(b);
                    wanted.is_some() && b.get("type").and_then(Json::as_str) == wanted
                };
                match branches.iter().find(fits).or_else(|| {
                    branches
                        .iter()
                        .find(|b| b.get("type").and_then(Json::as_str) != Some("null"))
                }) {
                    Some(next) => schema = next,
                    None => return schema,
                }
            } else {
                return schema;
            }
        }
        schema
    }

    /// One `$ref` followed, for looking at a branch's type.
    fn deref(&self, schema: &'a Json) -> &'a Json {
        schema
            .get("$ref")
            .and_then(Json::as_str)
            .and_then(|r| r.strip_prefix("#/"))
            .and_then(|path| {
                path.split('/')
                    .try_fold(self.root, |node, key| node.get(key))
            })
            .unwrap_or(schema)
    }

    fn check(&mut self, value: &mut Yaml, schema: &'a Json, path: &mut YamlPath) {
        let schema = self.resolve(schema, value);
        match value {
            Yaml::Mapping(mapping) => {
                if let Some(properties) = schema.get("properties").and_then(Json::as_object) {
                    let closed = schema.get("additionalProperties") == Some(&Json::Bool(false));
                    let mut unknown = Vec::new();
                    for (key, child) in mapping.iter_mut() {
                        let name = key_text(key);
                        path.push(Segment::Key(name.clone()));
                        match properties.get(&name) {
                            Some(child_schema) => self.check(child, child_schema, path),
                            None if closed => {
                                self.unknown_key(&name, properties.keys(), path);
                                unknown.push(key.clone());
                            }
                            None => {}
                        }
                        path.pop();
                    }
                    for key in unknown {
                        mapping.remove(&key);
                    }
                    let required = schema.get("required").and_then(Json::as_array);
                    for name in required.into_iter().flatten().filter_map(Json::as_str) {
                        if !mapping.contains_key(name) {
                            self.missing_key(name, path);
                        }
                    }
                } else if let Some(values) =
                    schema.get("additionalProperties").filter(|v| v.is_object())
                {
                    for (key, child) in mapping.iter_mut() {
                        path.push(Segment::Key(key_text(key)));
                        self.check(child, values, path);
                        path.pop();
                    }
                }
            }
            Yaml::Sequence(items) => {
                if let Some(item_schema) = schema.get("items") {
                    for (i, item) in items.iter_mut().enumerate() {
                        path.push(Segment::Index(i));
                        self.check(item, item_schema, path);
                        path.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn unknown_key<'k>(
        &mut self,
        key: &str,
        allowed: impl Iterator<Item = &'k String>,
        path: &YamlPath,
    ) {
        let allowed: Vec<&str> = allowed.map(String::as_str).collect();
        let help = match did_you_mean(key, allowed.iter().copied()) {
            Some(best) => format!("did you mean `{best}`?"),
            None => format!("the keys allowed here are: {}", allowed.join(", ")),
        };
        let position = self.source.key_position(path);
        self.found.push(self.source.diagnostic_at(
            Severity::Error,
            position,
            format!("unknown key `{key}`"),
            Some(help),
        ));
    }

    fn missing_key(&mut self, key: &str, path: &YamlPath) {
        let position = self.source.key_position(path);
        let place = match path.last() {
            Some(Segment::Key(parent)) => format!("`{parent}`"),
            Some(Segment::Index(i)) => format!("item {}", i + 1),
            None => "the file".to_owned(),
        };
        self.found.push(self.source.diagnostic_at(
            Severity::Error,
            position,
            format!("{place} is missing the required key `{key}`"),
            Some(format!(
                "add `{key}:`; spec/README.md lists the keys each section needs"
            )),
        ));
    }
}

/// A mapping key as text (`2fa`, `0`, `true`).
fn key_text(key: &Yaml) -> String {
    match key {
        Yaml::String(s) => s.clone(),
        Yaml::Number(n) => n.to_string(),
        Yaml::Bool(b) => b.to_string(),
        Yaml::Null => "null".to_owned(),
        other => serde_yaml::to_string(other)
            .unwrap_or_default()
            .trim()
            .to_owned(),
    }
}
