//! Warnings that need the whole run: types defined but never used.

use super::Resolver;
use crate::diagnostic::Severity;
use crate::load::LoadedSpec;
use crate::source::key_path;

impl Resolver {
    pub(super) fn warn_unused(&mut self, specs: &[LoadedSpec]) {
        for (index, loaded) in specs.iter().enumerate() {
            for name in loaded.spec.types.keys() {
                if !self.used.contains(&(index, name.clone())) {
                    self.report(
                        Severity::Warning,
                        &loaded.source,
                        &key_path(["types", name.as_str()]),
                        true,
                        format!("type `{name}` is defined but never used"),
                        Some("refer to it from a field or endpoint, or remove it".into()),
                    );
                }
            }
        }
    }
}
