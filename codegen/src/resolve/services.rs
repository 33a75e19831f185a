//! One service file: its types and resources, each method handed to the
//! operation resolver.

use std::collections::HashMap;

use indexmap::IndexMap;

use super::{OperationContext, Resolver, Scope, is_module_name, reserved};
use crate::ident::{Case, RustIdent, sanitize};
use crate::load::LoadedSpec;
use crate::model::*;
use crate::source::{SourceFile, key_path};
use crate::spec::FieldSpec;

impl Resolver {
    pub(super) fn resolve_service(
        &mut self,
        index: usize,
        loaded: &LoadedSpec,
        name: &str,
        version: &str,
        common_parameters: Option<(&SourceFile, &IndexMap<String, FieldSpec>)>,
        seen: &mut HashMap<(String, String), String>,
    ) -> Option<Service> {
        let source = &loaded.source;
        let spec = &loaded.spec;
        let mut ok = true;
        for (key, value) in [("service", name), ("version", version)] {
            if !is_module_name(value) {
                ok = false;
                self.error(
                    source,
                    &key_path([key]),
                    false,
                    format!("`{value}` is not a valid {key} name"),
                    Some(format!("use the {key} exactly as it appears in the endpoint URLs: lower-case letters, digits and `_`, starting with a letter")),
                );
            }
        }
        ok &= self.check_reserved(
            source,
            &key_path(["service"]),
            false,
            name,
            &reserved::SERVICE,
        );
        ok &= self.check_reserved(
            source,
            &key_path(["version"]),
            false,
            version,
            &reserved::VERSION,
        );
        if let Some(first) = seen.insert(
            (name.to_owned(), version.to_owned()),
            source.display_path.clone(),
        ) {
            self.error(
                source,
                &key_path(["service"]),
                false,
                format!("service `{name}` version `{version}` is already defined in {first}"),
                Some(
                    "each service-version pair has exactly one spec file; merge the two files"
                        .into(),
                ),
            );
            ok = false;
        }
        if !spec.parameters.is_empty() {
            self.error(
                source,
                &key_path(["parameters"]),
                true,
                "shared `parameters` belong in the shared-definitions file".into(),
                Some("move them to spec/common.yaml and use them with `ref:`".into()),
            );
        }
        let home = TypeHome::Service {
            service: sanitize(name, Case::Snake),
            version: sanitize(version, Case::Snake),
        };
        let common_types = self.common_types.clone();
        let local = self.declare_types(source, index, spec, &home, &common_types);
        // Named types share the version module with its accessor struct.
        let accessor = sanitize(&format!("{name}_{version}"), Case::UpperCamel);
        for (type_name, entry) in &local {
            if entry.rust_name == accessor {
                self.error(
                    source,
                    &key_path(["types", type_name.as_str()]),
                    true,
                    format!(
                        "type `{type_name}` becomes `{}`, the name of this version's generated accessor struct",
                        accessor.source
                    ),
                    Some(format!("set `rust_name:` on `{type_name}` to another name")),
                );
                ok = false;
            }
        }
        let scope = Scope { source, local };
        let types = self.resolve_types(&scope, &spec.types);
        let mut resources = Vec::new();
        let mut resource_modules: HashMap<RustIdent, String> = HashMap::new();
        for (resource_name, resource) in &spec.resources {
            let path = key_path(["resources", resource_name.as_str()]);
            if !is_module_name(resource_name) {
                self.error(
                    source,
                    &path,
                    true,
                    format!("`{resource_name}` is not a valid resource name"),
                    Some("use the resource name from the doc URL: lower-case letters, digits and `_`".into()),
                );
                continue;
            }
            if !self.check_reserved(source, &path, true, resource_name, &reserved::RESOURCE) {
                continue;
            }
            let module = sanitize(resource_name, Case::Snake);
            if let Some(other) = resource_modules.insert(module.clone(), resource_name.clone()) {
                self.error(
                    source,
                    &path,
                    true,
                    format!(
                        "resources `{other}` and `{resource_name}` have the same Rust name `{}`",
                        module.source
                    ),
                    Some("rename one of them".into()),
                );
            }
            let mut operations = Vec::new();
            let mut method_names: HashMap<RustIdent, String> = HashMap::new();
            for (action, method) in &resource.methods {
                let mut method_path = path.clone();
                method_path.extend(key_path(["methods", action.as_str()]));
                if !is_module_name(action) {
                    self.error(
                        source,
                        &method_path,
                        true,
                        format!("`{action}` is not a valid action name"),
                        Some(
                            "use the action from the doc URL: lower-case letters, digits and `_`"
                                .into(),
                        ),
                    );
                    continue;
                }
                if !self.check_reserved(source, &method_path, true, action, &reserved::ACTION) {
                    continue;
                }
                let method_name = sanitize(action, Case::Snake);
                if let Some(other) = method_names.insert(method_name.clone(), action.clone()) {
                    self.error(
                        source,
                        &method_path,
                        true,
                        format!(
                            "actions `{other}` and `{action}` have the same Rust name `{}`",
                            method_name.source
                        ),
                        Some("rename one of them".into()),
                    );
                }
                let ctx = OperationContext {
                    service: name,
                    version,
                    resource: resource_name,
                    action,
                    path: method_path,
                };
                if let Some(operation) =
                    self.resolve_operation(&scope, &ctx, method, common_parameters)
                {
                    operations.push(operation);
                }
            }
            resources.push(Resource {
                name: resource_name.clone(),
                accessor_type: sanitize(&format!("{resource_name}_resource"), Case::UpperCamel),
                module,
                docs: Docs {
                    description: resource.description.clone().unwrap_or_default(),
                    description_en: resource.description_en.clone(),
                },
                operations,
            });
        }
        let events = self.resolve_events(&scope, name, version, &spec.events);
        if !ok {
            return None;
        }
        Some(Service {
            name: name.to_owned(),
            version: version.to_owned(),
            module: sanitize(name, Case::Snake),
            version_module: sanitize(version, Case::Snake),
            docs: Docs {
                description: spec.description.clone().unwrap_or_default(),
                description_en: spec.description_en.clone(),
            },
            namespace: Namespace {
                spec_file: source.display_path.clone(),
                types,
            },
            resources,
            events,
        })
    }
}
