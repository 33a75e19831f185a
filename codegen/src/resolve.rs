//! Validates the loaded specs and resolves them into the [`Model`]. Every
//! problem becomes a located diagnostic; resolution goes on after an error so
//! that one run reports them all.

use std::collections::{BTreeSet, HashMap, HashSet};

use indexmap::IndexMap;

use crate::diagnostic::{Diagnostics, Severity};
use crate::ident::{Case, RustIdent, sanitize};
use crate::load::LoadedSpec;
use crate::model::*;
use crate::source::{Segment, SourceFile, YamlPath, key_path};
use crate::spec::{
    EnumValueSpec, FieldSpec, MethodSpec, PagingSpec, ShapeSpec, SpecFile, TypeSpec,
};
use crate::suggest::did_you_mean;

const PRIMITIVES: &[&str] = &["string", "int", "int64", "float", "bool"];

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
        Model { common, services }
    }

    fn resolve_service(
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
        })
    }

    /// Registers a file's type names, reporting duplicates and Rust-name clashes.
    fn declare_types(
        &mut self,
        source: &SourceFile,
        file: usize,
        spec: &SpecFile,
        home: &TypeHome,
        outer: &HashMap<String, TypeEntry>,
    ) -> HashMap<String, TypeEntry> {
        let mut declared = HashMap::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for (name, ty) in &spec.types {
            let path = key_path(["types", name.as_str()]);
            if outer.contains_key(name) {
                self.error(
                    source,
                    &path,
                    true,
                    format!("type `{name}` is already defined in the shared-definitions file"),
                    Some(format!(
                        "use the shared `{name}`, or give this type a different name"
                    )),
                );
                continue;
            }
            let rust_name = self.rust_name_for(
                source,
                &path,
                name,
                ty.rust_name.as_deref(),
                Case::UpperCamel,
            );
            if rust_name.unraw() == "Unknown" {
                // Not an error in itself, but keep the message consistent with
                // enum variants: `Unknown` is a fine type name.
            }
            if let Some(other) = rust_names.insert(rust_name.source.clone(), name.clone()) {
                self.error(
                    source,
                    &path,
                    true,
                    format!(
                        "types `{other}` and `{name}` both become the Rust type `{}`",
                        rust_name.source
                    ),
                    Some(format!("set `rust_name:` on `{name}` to tell them apart")),
                );
            }
            let is_enum = ty.enum_values.is_some() && ty.fields.is_none();
            declared.insert(
                name.clone(),
                TypeEntry {
                    home: home.clone(),
                    rust_name,
                    is_enum,
                    file,
                },
            );
        }
        declared
    }

    fn rust_name_for(
        &mut self,
        source: &SourceFile,
        path: &[Segment],
        wire: &str,
        override_name: Option<&str>,
        case: Case,
    ) -> RustIdent {
        match override_name {
            Some(name) if is_identifier_like(name) => sanitize(name, case),
            Some(name) => {
                let mut key = path.to_vec();
                key.push(Segment::Key("rust_name".into()));
                let suggestion = sanitize(name, case);
                self.error(
                    source,
                    &key,
                    false,
                    format!("`rust_name: {name}` is not a usable Rust name"),
                    Some(format!(
                        "use ASCII letters, digits and `_`, starting with a letter, e.g. `{}`",
                        suggestion.unraw()
                    )),
                );
                suggestion
            }
            None => sanitize(wire, case),
        }
    }

    fn resolve_types(
        &mut self,
        scope: &Scope<'_>,
        types: &IndexMap<String, TypeSpec>,
    ) -> Vec<TypeDef> {
        let mut out = Vec::new();
        for (name, ty) in types {
            let path = key_path(["types", name.as_str()]);
            let Some(entry) = scope
                .local
                .get(name)
                .or_else(|| self.common_types.get(name))
                .cloned()
            else {
                continue;
            };
            let docs = Docs {
                description: ty.description.clone(),
                description_en: ty.description_en.clone(),
            };
            let kind = match (&ty.fields, &ty.enum_values) {
                (Some(fields), None) => {
                    let mut fields_path = path.clone();
                    fields_path.push(Segment::Key("fields".into()));
                    TypeKind::Struct(self.resolve_fields(
                        scope,
                        &fields_path,
                        fields,
                        FieldRole::Struct,
                    ))
                }
                (None, Some(values)) => {
                    let mut enum_path = path.clone();
                    enum_path.push(Segment::Key("enum".into()));
                    match self.resolve_enum(scope.source, &enum_path, values) {
                        Some(def) => TypeKind::Enum(def),
                        None => continue,
                    }
                }
                (Some(_), Some(_)) => {
                    self.error(scope.source, &path, true, format!("type `{name}` has both `fields` and `enum`"), Some("a type is either a struct (`fields`) or an enum (`enum`); split it in two".into()));
                    continue;
                }
                (None, None) => {
                    self.error(
                        scope.source,
                        &path,
                        true,
                        format!("type `{name}` has neither `fields` nor `enum`"),
                        Some("add `fields:` (a struct) or `enum:` (a list of values)".into()),
                    );
                    continue;
                }
            };
            out.push(TypeDef {
                spec_name: name.clone(),
                rust_name: entry.rust_name,
                docs,
                kind,
            });
        }
        out
    }

    fn resolve_enum(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        values: &[EnumValueSpec],
    ) -> Option<EnumDef> {
        if values.is_empty() {
            self.error(
                source,
                path,
                true,
                "an enum needs at least one value".into(),
                Some("list the values the doc page documents".into()),
            );
            return None;
        }
        let mut repr = None;
        let mut variants = Vec::new();
        let mut seen_values: HashMap<String, usize> = HashMap::new();
        let mut seen_names: HashMap<String, String> = HashMap::new();
        let mut ok = true;
        for (i, value) in values.iter().enumerate() {
            let mut value_path = path.clone();
            value_path.push(Segment::Index(i));
            let mut value_key = value_path.clone();
            value_key.push(Segment::Key("value".into()));
            let wire = match &value.value {
                serde_yaml::Value::String(s) => EnumValue::String(s.clone()),
                serde_yaml::Value::Number(n) if n.as_i64().is_some() => {
                    EnumValue::Int(n.as_i64().unwrap_or_default())
                }
                other => {
                    self.error(
                        source,
                        &value_key,
                        false,
                        format!(
                            "enum value `{}` is neither a string nor an integer",
                            yaml_text(other)
                        ),
                        Some(
                            "quote it to make it a string (`\"-1\"`), or write a whole number"
                                .into(),
                        ),
                    );
                    ok = false;
                    continue;
                }
            };
            let this_repr = match wire {
                EnumValue::String(_) => EnumRepr::String,
                EnumValue::Int(_) => EnumRepr::Int,
            };
            match repr {
                None => repr = Some(this_repr),
                Some(r) if r != this_repr => {
                    self.error(
                        source,
                        &value_key,
                        false,
                        "this enum mixes string and integer values".into(),
                        Some(
                            "the wire carries one kind: quote every value (`\"0\"`) or none".into(),
                        ),
                    );
                    ok = false;
                }
                Some(_) => {}
            }
            let shown = match &wire {
                EnumValue::String(s) => s.clone(),
                EnumValue::Int(n) => n.to_string(),
            };
            if let Some(first) = seen_values.insert(shown.clone(), i) {
                self.error(
                    source,
                    &value_key,
                    false,
                    format!(
                        "enum value `{shown}` is listed twice (first as item {})",
                        first + 1
                    ),
                    Some("remove the duplicate".into()),
                );
                ok = false;
                // Its variant name clashes too; one message is enough.
                continue;
            }
            let rust_name = match (&value.rust_name, &wire) {
                (Some(_), _) => self.rust_name_for(
                    source,
                    &value_path,
                    &shown,
                    value.rust_name.as_deref(),
                    Case::UpperCamel,
                ),
                (None, EnumValue::String(s)) if s.chars().any(|c| c.is_ascii_alphabetic()) => {
                    sanitize(s, Case::UpperCamel)
                }
                (None, _) => {
                    self.error(source, &value_path, false, format!("enum value `{shown}` needs a `rust_name`"), Some("numbers and symbols make poor variant names: add e.g. `rust_name: not_started` from the value's description".into()));
                    ok = false;
                    continue;
                }
            };
            if rust_name.unraw() == "Unknown" {
                self.error(
                    source,
                    &value_path,
                    false,
                    "`Unknown` is reserved for values this crate does not know yet".into(),
                    Some("set `rust_name:` to another name, e.g. `unknown_status`".into()),
                );
                ok = false;
            }
            if let Some(other) = seen_names.insert(rust_name.source.clone(), shown.clone()) {
                self.error(
                    source,
                    &value_path,
                    false,
                    format!(
                        "enum values `{other}` and `{shown}` both become the variant `{}`",
                        rust_name.source
                    ),
                    Some("set `rust_name:` on one of them".into()),
                );
                ok = false;
            }
            variants.push(Variant {
                value: wire,
                rust_name,
                docs: Docs {
                    description: value.description.clone(),
                    description_en: value.description_en.clone(),
                },
                field_scopes: value.field_scopes.clone(),
            });
        }
        if !ok {
            return None;
        }
        Some(EnumDef {
            repr: repr.unwrap_or(EnumRepr::String),
            variants,
        })
    }

    fn resolve_fields(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        fields: &IndexMap<String, FieldSpec>,
        role: FieldRole,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        let mut rust_names: HashMap<String, String> = HashMap::new();
        for (wire, spec) in fields {
            let mut field_path = path.clone();
            field_path.push(Segment::Key(wire.clone()));
            let Some(field) = self.resolve_field(scope, &field_path, wire, spec, role, None) else {
                continue;
            };
            if let Some(other) = rust_names.insert(field.rust_name.source.clone(), wire.clone()) {
                self.error(
                    scope.source,
                    &field_path,
                    true,
                    format!(
                        "`{other}` and `{wire}` both become the Rust name `{}`",
                        field.rust_name.source
                    ),
                    Some(format!("set `rust_name:` on `{wire}` to tell them apart")),
                );
                continue;
            }
            out.push(field);
        }
        out
    }

    fn resolve_field(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        wire: &str,
        spec: &FieldSpec,
        role: FieldRole,
        base: Option<&FieldSpec>,
    ) -> Option<Field> {
        let source = scope.source;
        // Keys set on the field win over the shared parameter's.
        let pick = |f: fn(&FieldSpec) -> Option<String>| f(spec).or_else(|| base.and_then(f));
        let ty_text = spec.ty.clone().or_else(|| base.and_then(|b| b.ty.clone()));
        let description = pick(|f| f.description.clone());
        let mut ok = true;
        let Some(ty_text) = ty_text else {
            self.error(source, path, true, format!("`{wire}` has no `type`"), Some("add `type:` (string, int, int64, float, bool, a type name, or any of these followed by `[]`)".into()));
            return None;
        };
        if description.as_deref().is_none_or(|d| d.trim().is_empty()) {
            self.error(
                source,
                path,
                true,
                format!("`{wire}` has no `description`"),
                Some("copy the description from the doc page".into()),
            );
            ok = false;
        }
        let mut type_path = path.clone();
        type_path.push(Segment::Key("type".into()));
        let ty = self.resolve_type_text(scope, &type_path, &ty_text);
        let format = match pick(|f| f.format.clone()).as_deref() {
            None => None,
            Some("int64") => Some(Format::Int64),
            Some("timestamp_ms") => Some(Format::TimestampMs),
            Some("url") => Some(Format::Url),
            Some(other) => {
                let mut key = path.clone();
                key.push(Segment::Key("format".into()));
                let help = match did_you_mean(other, ["int64", "timestamp_ms", "url"]) {
                    Some(best) => format!(
                        "did you mean `{best}`? The formats are int64, timestamp_ms and url"
                    ),
                    None => "the formats are int64, timestamp_ms and url".into(),
                };
                self.error(
                    source,
                    &key,
                    false,
                    format!("unknown format `{other}`"),
                    Some(help),
                );
                ok = false;
                None
            }
        };
        let constraints = Constraints {
            min: spec.min.or(base.and_then(|b| b.min)),
            max: spec.max.or(base.and_then(|b| b.max)),
            min_items: spec.min_items.or(base.and_then(|b| b.min_items)),
            max_items: spec.max_items.or(base.and_then(|b| b.max_items)),
        };
        if let (Some(min), Some(max)) = (constraints.min, constraints.max)
            && min > max
        {
            let mut key = path.clone();
            key.push(Segment::Key("min".into()));
            self.error(
                source,
                &key,
                true,
                format!("`min` ({min}) is greater than `max` ({max})"),
                Some("swap them, or fix the one the doc page states differently".into()),
            );
            ok = false;
        }
        if let (Some(min), Some(max)) = (constraints.min_items, constraints.max_items)
            && min > max
        {
            let mut key = path.clone();
            key.push(Segment::Key("min_items".into()));
            self.error(
                source,
                &key,
                true,
                format!("`min_items` ({min}) is greater than `max_items` ({max})"),
                Some("swap them".into()),
            );
            ok = false;
        }
        let deprecated = match spec
            .deprecated
            .as_ref()
            .or(base.and_then(|b| b.deprecated.as_ref()))
        {
            None | Some(serde_yaml::Value::Bool(false)) => None,
            Some(serde_yaml::Value::Bool(true)) => Some(String::new()),
            Some(serde_yaml::Value::String(note)) => Some(note.clone()),
            Some(other) => {
                let mut key = path.clone();
                key.push(Segment::Key("deprecated".into()));
                self.error(
                    source,
                    &key,
                    false,
                    format!(
                        "`deprecated: {}` is neither true/false nor a note",
                        yaml_text(other)
                    ),
                    Some("write `deprecated: true` or `deprecated: use kr_weight instead`".into()),
                );
                ok = false;
                None
            }
        };
        let rust_name =
            self.rust_name_for(source, path, wire, spec.rust_name.as_deref(), Case::Snake);
        let required = spec
            .required
            .or(base.and_then(|b| b.required))
            .unwrap_or(role == FieldRole::Path);
        if role == FieldRole::Path && spec.required == Some(false) {
            let mut key = path.clone();
            key.push(Segment::Key("required".into()));
            self.error(
                source,
                &key,
                true,
                "path parameters are always required".into(),
                Some("remove `required: false`".into()),
            );
            ok = false;
        }
        let ty = ty?;
        if matches!(role, FieldRole::Path | FieldRole::Query)
            && !is_query_encodable(&ty, role == FieldRole::Query)
        {
            self.error(
                source,
                &type_path,
                false,
                format!(
                    "`{ty_text}` cannot travel in a {}",
                    if role == FieldRole::Path {
                        "URL path"
                    } else {
                        "query string"
                    }
                ),
                Some(if role == FieldRole::Path {
                    "path parameters are strings, integers or enums".into()
                } else {
                    "query parameters are strings, numbers, booleans, enums, or arrays of these"
                        .into()
                }),
            );
            ok = false;
        }
        if !ok {
            return None;
        }
        Some(Field {
            wire_name: wire.to_owned(),
            rust_name,
            ty,
            required,
            docs: Docs {
                description: description.unwrap_or_default(),
                description_en: pick(|f| f.description_en.clone()),
            },
            example: spec
                .example
                .as_ref()
                .or(base.and_then(|b| b.example.as_ref()))
                .map(yaml_text),
            default: spec
                .default
                .as_ref()
                .or(base.and_then(|b| b.default.as_ref()))
                .map(yaml_text),
            constraints,
            format,
            deprecated,
            aliases: if spec.aliases.is_empty() {
                base.map(|b| b.aliases.clone()).unwrap_or_default()
            } else {
                spec.aliases.clone()
            },
            field_scopes: if spec.field_scopes.is_empty() {
                base.map(|b| b.field_scopes.clone()).unwrap_or_default()
            } else {
                spec.field_scopes.clone()
            },
        })
    }

    fn resolve_type_text(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        text: &str,
    ) -> Option<TypeRef> {
        let text = text.trim();
        if let Some(inner) = text.strip_suffix("[]") {
            return self
                .resolve_type_text(scope, path, inner)
                .map(|t| TypeRef::Array(Box::new(t)));
        }
        match text {
            "string" => return Some(TypeRef::String),
            "int" => return Some(TypeRef::Int),
            "int64" => return Some(TypeRef::Int64),
            "float" | "number" => return Some(TypeRef::Float),
            "bool" | "boolean" => return Some(TypeRef::Bool),
            _ => {}
        }
        let found = scope
            .local
            .get(text)
            .or_else(|| self.common_types.get(text))
            .cloned();
        match found {
            Some(entry) => {
                self.used.insert((entry.file, text.to_owned()));
                Some(TypeRef::Named {
                    home: entry.home,
                    rust_name: entry.rust_name,
                    spec_name: text.to_owned(),
                    is_enum: entry.is_enum,
                })
            }
            None => {
                let known: Vec<&str> = PRIMITIVES
                    .iter()
                    .copied()
                    .chain(scope.local.keys().map(String::as_str))
                    .chain(self.common_types.keys().map(String::as_str))
                    .collect();
                let help = match did_you_mean(text, known.iter().copied()) {
                    Some(best) => format!("did you mean `{best}`?"),
                    None => "define it under `types:` in this file or in spec/common.yaml, or use string, int, int64, float or bool".into(),
                };
                self.error(
                    scope.source,
                    path,
                    false,
                    format!("unknown type `{text}`"),
                    Some(help),
                );
                None
            }
        }
    }

    fn resolve_operation(
        &mut self,
        scope: &Scope<'_>,
        ctx: &OperationContext<'_>,
        method: &MethodSpec,
        common_parameters: Option<(&SourceFile, &IndexMap<String, FieldSpec>)>,
    ) -> Option<Operation> {
        let source = scope.source;
        let path = &ctx.path;
        let at = |key: &str| {
            let mut p = path.clone();
            p.push(Segment::Key(key.to_owned()));
            p
        };
        let mut ok = true;
        let http_method = match method.method.as_str() {
            "GET" => Some(HttpMethod::Get),
            "POST" => Some(HttpMethod::Post),
            "PUT" => Some(HttpMethod::Put),
            "PATCH" => Some(HttpMethod::Patch),
            "DELETE" => Some(HttpMethod::Delete),
            other => {
                let upper = other.to_ascii_uppercase();
                let help = if ["GET", "POST", "PUT", "PATCH", "DELETE"].contains(&upper.as_str()) {
                    format!("write it in upper case: `{upper}`")
                } else {
                    "use GET, POST, PUT, PATCH or DELETE, as in the doc's \"HTTP Method\" row"
                        .into()
                };
                self.error(
                    source,
                    &at("method"),
                    false,
                    format!("invalid HTTP method `{other}`"),
                    Some(help),
                );
                ok = false;
                None
            }
        };

        // The URL: a path under /open-apis/, placeholders matching path_params.
        let mut url = method.url.trim().to_owned();
        for host in ["https://open.feishu.cn", "https://open.larksuite.com"] {
            if let Some(rest) = url.strip_prefix(host) {
                self.report(Severity::Warning, source, &at("url"), false, format!("the URL includes the host `{host}`"), Some("write only the path, starting with /open-apis/; the client chooses the host".into()));
                url = rest.to_owned();
            }
        }
        if !url.starts_with("/open-apis/") {
            self.error(source, &at("url"), false, format!("`{url}` does not start with /open-apis/"), Some("copy the path from the doc's \"HTTP URL\" row, e.g. /open-apis/okr/v1/users/:user_id/okrs".into()));
            ok = false;
        }
        let placeholders: Vec<String> = url
            .split('/')
            .filter_map(|segment| segment.strip_prefix(':'))
            .map(str::to_owned)
            .collect();
        for placeholder in &placeholders {
            if !method.path_params.contains_key(placeholder) {
                self.error(source, &at("url"), false, format!("the URL has the placeholder `:{placeholder}` but `path_params` does not define `{placeholder}`"), Some(format!("add `{placeholder}: {{type: string, description: …}}` under `path_params:`")));
                ok = false;
            }
        }
        for name in method.path_params.keys() {
            if !placeholders.contains(name) {
                let mut p = at("path_params");
                p.push(Segment::Key(name.clone()));
                self.error(
                    source,
                    &p,
                    true,
                    format!("path parameter `{name}` does not appear in the URL"),
                    Some(format!("add `:{name}` to `url:` or remove the parameter")),
                );
                ok = false;
            }
        }

        let mut tokens = Vec::new();
        for (i, token) in method.tokens.iter().enumerate() {
            match token.as_str() {
                "tenant" => tokens.push(TokenType::Tenant),
                "user" => tokens.push(TokenType::User),
                "app" => tokens.push(TokenType::App),
                other => {
                    let mut p = at("tokens");
                    p.push(Segment::Index(i));
                    self.error(source, &p, false, format!("unknown token type `{other}`"), Some("use tenant, user or app (tenant_access_token, user_access_token, app_access_token)".into()));
                    ok = false;
                }
            }
        }
        if method.tokens.is_empty() {
            self.error(
                source,
                &at("tokens"),
                true,
                "`tokens` is empty".into(),
                Some(
                    "list the token types from the doc's Authorization row: [tenant, user]".into(),
                ),
            );
            ok = false;
        }
        let rate_limit = match method.rate_limit.as_deref().map(parse_rate_limit) {
            None => None,
            Some(Ok(limit)) => Some(limit),
            Some(Err(())) => {
                self.error(
                    source,
                    &at("rate_limit"),
                    false,
                    format!(
                        "cannot read the rate limit `{}`",
                        method.rate_limit.as_deref().unwrap_or_default()
                    ),
                    Some("write `100/min` or `5/s` (the doc's 接口频率限制 row)".into()),
                );
                ok = false;
                None
            }
        };

        // Parameters. Path parameters follow the order of their placeholders.
        let path_params_path = at("path_params");
        let mut path_params = self.resolve_params(
            scope,
            &path_params_path,
            &method.path_params,
            FieldRole::Path,
            common_parameters,
        );
        path_params.sort_by_key(|p| placeholders.iter().position(|n| *n == p.wire_name));
        let query_params = self.resolve_params(
            scope,
            &at("query_params"),
            &method.query_params,
            FieldRole::Query,
            common_parameters,
        );

        let request_type = sanitize(
            &format!("{}_{}_request", ctx.action, ctx.resource),
            Case::UpperCamel,
        );
        let body = match &method.body {
            None => None,
            Some(shape) => {
                if http_method == Some(HttpMethod::Get) {
                    self.error(
                        source,
                        &at("body"),
                        true,
                        "a GET request cannot have a body".into(),
                        Some("move the fields to `query_params:`, or fix `method:`".into()),
                    );
                    ok = false;
                }
                self.resolve_shape(
                    scope,
                    &at("body"),
                    shape,
                    format!("{}Body", request_type.source),
                    FieldRole::Body,
                )
            }
        };
        let response = match &method.response {
            None => None,
            Some(shape) => self.resolve_shape(
                scope,
                &at("response"),
                shape,
                sanitize(
                    &format!("{}_{}_response", ctx.action, ctx.resource),
                    Case::UpperCamel,
                )
                .source,
                FieldRole::Struct,
            ),
        };
        // Parameter names share one builder: they must not collide.
        let mut builder_names: HashMap<String, String> = HashMap::new();
        let body_fields: &[Field] = match &body {
            Some(Shape::Inline { fields, .. }) => fields,
            _ => &[],
        };
        let params = (path_params.iter().map(|p| (p, "path_params")))
            .chain(query_params.iter().map(|p| (p, "query_params")))
            .chain(body_fields.iter().map(|p| (p, "body")));
        for (param, section) in params {
            let mut param_path = at(section);
            if section == "body" {
                param_path.push(Segment::Key("fields".into()));
            }
            param_path.push(Segment::Key(param.wire_name.clone()));
            if let Some(other) =
                builder_names.insert(param.rust_name.source.clone(), param.wire_name.clone())
            {
                self.error(
                    source,
                    &param_path,
                    true,
                    format!(
                        "parameters `{other}` and `{}` both become the builder method `{}`",
                        param.wire_name, param.rust_name.source
                    ),
                    Some("set `rust_name:` on one of them".into()),
                );
                ok = false;
            }
            if ["send", "access_token", "options"].contains(&param.rust_name.unraw()) {
                self.error(
                    source,
                    &param_path,
                    true,
                    format!(
                        "parameter `{}` would hide the builder's own `{}` method",
                        param.wire_name,
                        param.rust_name.unraw()
                    ),
                    Some(format!("set `rust_name:` on `{}`", param.wire_name)),
                );
                ok = false;
            }
        }

        let mut errors = Vec::new();
        let mut codes = BTreeSet::new();
        let mut error_names: HashMap<String, i64> = HashMap::new();
        for (i, error) in method.errors.iter().enumerate() {
            let mut p = at("errors");
            p.push(Segment::Index(i));
            if !codes.insert(error.code) {
                self.error(
                    source,
                    &p,
                    false,
                    format!("error code {} is listed twice", error.code),
                    Some("remove the duplicate row".into()),
                );
                ok = false;
            }
            let rust_name = self.rust_name_for(
                source,
                &p,
                &error_name_from_message(&error.message),
                error.rust_name.as_deref(),
                Case::UpperCamel,
            );
            if let Some(other) = error_names.insert(rust_name.source.clone(), error.code) {
                self.error(
                    source,
                    &p,
                    false,
                    format!(
                        "error codes {other} and {} both become the variant `{}`",
                        error.code, rust_name.source
                    ),
                    Some(
                        "add `rust_name:` to one of the rows, e.g. `rust_name: user_not_found`"
                            .into(),
                    ),
                );
                ok = false;
            }
            errors.push(ErrorCode {
                rust_name,
                status: error.status,
                code: error.code,
                message: error.message.clone(),
                advice: error.advice.clone(),
            });
        }
        let mut examples = (None, None);
        if let Some(spec_examples) = &method.examples {
            for (key, text, slot) in [
                ("request", &spec_examples.request, &mut examples.0),
                ("response", &spec_examples.response, &mut examples.1),
            ] {
                if let Some(text) = text {
                    match serde_json::from_str::<serde_json::Value>(text) {
                        Ok(_) => *slot = Some(text.clone()),
                        Err(error) => {
                            let mut p = at("examples");
                            p.push(Segment::Key(key.into()));
                            let start = source.value_position(&p);
                            let (position, message) = json_error_at(source, start, text, &error);
                            self.diagnostics.0.push(source.diagnostic_at(
                                Severity::Error,
                                position,
                                format!("the example {key} is not valid JSON: {message}"),
                                Some("paste the JSON exactly as the doc page shows it, under a `|` block".into()),
                            ));
                            ok = false;
                        }
                    }
                }
            }
        }
        let paging = match &method.paging {
            None => None,
            Some(spec) => {
                let paging = self.resolve_paging(
                    source,
                    &at("paging"),
                    spec,
                    &query_params,
                    body.as_ref(),
                    response.as_ref(),
                );
                ok &= paging.is_some();
                paging
            }
        };
        if !ok {
            return None;
        }
        let error_code_type = RustIdent {
            source: format!(
                "{}ErrorCode",
                request_type.source.trim_end_matches("Request")
            ),
        };
        Some(Operation {
            paging,
            error_code_type,
            action: ctx.action.to_owned(),
            id: format!(
                "{}.{}.{}.{}",
                ctx.service, ctx.version, ctx.resource, ctx.action
            ),
            method_name: sanitize(ctx.action, Case::Snake),
            request_type,
            summary: method.summary.clone(),
            docs: Docs {
                description: method.description.clone().unwrap_or_default(),
                description_en: method.description_en.clone(),
            },
            http_method: http_method?,
            path: url,
            doc_url: method.doc_url.clone(),
            tokens,
            app_types: method.app_types.clone(),
            scopes: method.scopes.clone(),
            field_scopes: method.field_scopes.clone(),
            rate_limit,
            idempotent: method
                .idempotent
                .unwrap_or(http_method == Some(HttpMethod::Get)),
            path_params,
            query_params,
            body,
            response,
            errors,
            example_request: examples.0,
            example_response: examples.1,
        })
    }

    fn resolve_params(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        params: &IndexMap<String, FieldSpec>,
        role: FieldRole,
        common_parameters: Option<(&SourceFile, &IndexMap<String, FieldSpec>)>,
    ) -> Vec<Field> {
        let mut out = Vec::new();
        for (wire, spec) in params {
            let mut param_path = path.clone();
            param_path.push(Segment::Key(wire.clone()));
            let base = match &spec.reference {
                None => None,
                Some(name) => match common_parameters.and_then(|(_, p)| p.get(name)) {
                    Some(base) => Some(base),
                    None => {
                        let mut key = param_path.clone();
                        key.push(Segment::Key("ref".into()));
                        let names: Vec<&str> = common_parameters
                            .map(|(_, p)| p.keys().map(String::as_str).collect())
                            .unwrap_or_default();
                        let help = match did_you_mean(name, names.iter().copied()) {
                            Some(best) => format!("did you mean `{best}`?"),
                            None => "shared parameters are defined under `parameters:` in spec/common.yaml".into(),
                        };
                        self.error(
                            scope.source,
                            &key,
                            false,
                            format!("unknown shared parameter `{name}`"),
                            Some(help),
                        );
                        continue;
                    }
                },
            };
            if let Some(field) = self.resolve_field(scope, &param_path, wire, spec, role, base) {
                out.push(field);
            }
        }
        out
    }

    fn resolve_shape(
        &mut self,
        scope: &Scope<'_>,
        path: &YamlPath,
        shape: &ShapeSpec,
        inline_name: String,
        role: FieldRole,
    ) -> Option<Shape> {
        match (&shape.fields, &shape.ty) {
            (Some(fields), None) => {
                let mut fields_path = path.clone();
                fields_path.push(Segment::Key("fields".into()));
                Some(Shape::Inline {
                    rust_name: RustIdent {
                        source: inline_name,
                    },
                    fields: self.resolve_fields(scope, &fields_path, fields, role),
                })
            }
            (None, Some(ty)) => {
                let mut type_path = path.clone();
                type_path.push(Segment::Key("type".into()));
                self.resolve_type_text(scope, &type_path, ty)
                    .map(Shape::Named)
            }
            (Some(_), Some(_)) => {
                self.error(scope.source, path, true, "give either `fields` or `type`, not both".into(), Some("inline fields describe the shape here; `type` names a type defined under `types:`".into()));
                None
            }
            (None, None) => {
                self.error(
                    scope.source,
                    path,
                    true,
                    "`fields` or `type` is missing".into(),
                    Some(
                        "add `fields:` with the doc's table, or `type:` naming a defined type"
                            .into(),
                    ),
                );
                None
            }
        }
    }

    fn resolve_paging(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        spec: &PagingSpec,
        query_params: &[Field],
        body: Option<&Shape>,
        response: Option<&Shape>,
    ) -> Option<Paging> {
        let at = |key: &str| {
            let mut p = path.clone();
            p.push(Segment::Key(key.to_owned()));
            p
        };
        let Some(Shape::Inline {
            fields: response_fields,
            ..
        }) = response
        else {
            self.error(
                source,
                path,
                true,
                "paging needs a `response` with inline `fields`".into(),
                Some("describe the response data with `fields:` so the page's items, total or token can be found".into()),
            );
            return None;
        };
        let find_response = |name: &str| response_fields.iter().find(|f| f.wire_name == name);
        let mut ok = true;
        let items = match find_response(&spec.items) {
            Some(Field {
                ty: TypeRef::Array(inner),
                rust_name,
                ..
            }) => Some((rust_name.clone(), (**inner).clone())),
            Some(_) => {
                self.error(
                    source,
                    &at("items"),
                    false,
                    format!("`{}` is not an array field of the response", spec.items),
                    Some(
                        "name the response field that holds the page's items, e.g. `items`".into(),
                    ),
                );
                None
            }
            None => {
                let names: Vec<&str> = response_fields
                    .iter()
                    .map(|f| f.wire_name.as_str())
                    .collect();
                self.error(
                    source,
                    &at("items"),
                    false,
                    format!("the response has no field `{}`", spec.items),
                    Some(match did_you_mean(&spec.items, names.iter().copied()) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => format!("the response fields are: {}", names.join(", ")),
                    }),
                );
                None
            }
        };
        match spec.style.as_str() {
            "offset" => {
                let offset_name = spec.offset.as_deref().unwrap_or("offset");
                let offset = query_params.iter().find(|p| p.wire_name == offset_name);
                if !matches!(
                    offset,
                    Some(Field {
                        ty: TypeRef::Int | TypeRef::Int64,
                        ..
                    })
                ) {
                    self.error(
                        source,
                        &at("style"),
                        false,
                        format!("offset paging needs an integer query parameter `{offset_name}`"),
                        Some("declare it under `query_params:` with `type: int`, or name it with `offset:`".into()),
                    );
                    ok = false;
                }
                let total = match spec.total.as_deref() {
                    Some(name) => match find_response(name) {
                        Some(Field {
                            ty: TypeRef::Int | TypeRef::Int64,
                            rust_name,
                            ..
                        }) => Some(rust_name.clone()),
                        _ => {
                            self.error(
                                source,
                                &at("total"),
                                false,
                                format!("the response has no integer field `{name}`"),
                                Some("name the response field that holds the total count".into()),
                            );
                            ok = false;
                            None
                        }
                    },
                    None => find_response("total")
                        .filter(|f| matches!(f.ty, TypeRef::Int | TypeRef::Int64))
                        .map(|f| f.rust_name.clone()),
                };
                let (Some((items, item_type)), Some(offset), true) = (items, offset, ok) else {
                    return None;
                };
                Some(Paging::Offset {
                    offset: offset.clone(),
                    total,
                    items,
                    item_type,
                })
            }
            "page_token" => {
                let token_name = spec.page_token.as_deref().unwrap_or("page_token");
                let body_fields: &[Field] = match body {
                    Some(Shape::Inline { fields, .. }) => fields,
                    _ => &[],
                };
                let in_query = query_params.iter().find(|p| p.wire_name == token_name);
                let in_body = body_fields.iter().find(|p| p.wire_name == token_name);
                let token_in_body = in_query.is_none() && in_body.is_some();
                let token = in_query.or(in_body);
                if !matches!(
                    token,
                    Some(Field {
                        ty: TypeRef::String,
                        required: false,
                        ..
                    })
                ) {
                    self.error(
                        source,
                        &at("style"),
                        false,
                        format!("token paging needs an optional string parameter `{token_name}` (query or body)"),
                        Some("declare it under `query_params:` with `type: string`, or name it with `page_token:`".into()),
                    );
                    ok = false;
                }
                let has_more_name = spec.has_more.as_deref().unwrap_or("has_more");
                let has_more = match find_response(has_more_name) {
                    Some(Field {
                        ty: TypeRef::Bool,
                        rust_name,
                        ..
                    }) => Some(rust_name.clone()),
                    None if spec.has_more.is_none() => None,
                    _ => {
                        self.error(
                            source,
                            &at("has_more"),
                            false,
                            format!("the response has no bool field `{has_more_name}`"),
                            Some(
                                "name the response field that says whether more pages follow"
                                    .into(),
                            ),
                        );
                        ok = false;
                        None
                    }
                };
                let next_name = spec.next_page_token.as_deref().unwrap_or("page_token");
                let next_token = match find_response(next_name) {
                    Some(Field {
                        ty: TypeRef::String,
                        rust_name,
                        ..
                    }) => Some(rust_name.clone()),
                    _ => {
                        self.error(
                            source,
                            &at("style"),
                            false,
                            format!("the response has no string field `{next_name}` with the next page's token"),
                            Some("name it with `next_page_token:`".into()),
                        );
                        ok = false;
                        None
                    }
                };
                let (Some((items, item_type)), Some(token), Some(next_token), true) =
                    (items, token, next_token, ok)
                else {
                    return None;
                };
                Some(Paging::PageToken {
                    token: token.clone(),
                    token_in_body,
                    has_more,
                    next_token,
                    items,
                    item_type,
                })
            }
            other => {
                self.error(
                    source,
                    &at("style"),
                    false,
                    format!("unknown paging style `{other}`"),
                    Some(match did_you_mean(other, ["offset", "page_token"]) {
                        Some(best) => format!("did you mean `{best}`?"),
                        None => "the styles are `offset` (offset/limit/total) and `page_token` (page_token/has_more)".into(),
                    }),
                );
                None
            }
        }
    }

    fn warn_unused(&mut self, specs: &[LoadedSpec]) {
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
}

fn is_query_encodable(ty: &TypeRef, allow_array: bool) -> bool {
    match ty {
        TypeRef::Array(inner) => allow_array && is_query_encodable(inner, false),
        TypeRef::Named { is_enum, .. } => *is_enum,
        TypeRef::String | TypeRef::Int | TypeRef::Int64 | TypeRef::Float | TypeRef::Bool => true,
    }
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

fn parse_rate_limit(text: &str) -> Result<RateLimit, ()> {
    let (count, unit) = text.split_once('/').ok_or(())?;
    let requests: u32 = count.trim().parse().map_err(|_| ())?;
    let per_seconds = match unit.trim() {
        "s" | "sec" | "second" => 1,
        "min" | "minute" => 60,
        "h" | "hour" => 3600,
        _ => return Err(()),
    };
    if requests == 0 {
        return Err(());
    }
    Ok(RateLimit {
        requests,
        per_seconds,
    })
}

/// `User not found.` becomes `UserNotFound`: the first sentence, at most six
/// words, so a long message still gives a readable variant name.
fn error_name_from_message(message: &str) -> String {
    let first = message
        .split(['.', '。', ',', '，', ':', '：'])
        .next()
        .unwrap_or(message);
    let words: Vec<&str> = first.split_whitespace().take(6).collect();
    if words.is_empty() {
        "unknown_code".to_owned()
    } else {
        words.join("_")
    }
}

/// Where in the spec file a JSON error in an example lies, and the error
/// without serde_json's "at line L column C" (which counts from the
/// example's own start). The position is exact when the example is a `|`
/// block whose lines appear verbatim in the file from `start` on; otherwise
/// it is `start` and the message keeps the example-relative place.
fn json_error_at(
    source: &SourceFile,
    start: crate::diagnostic::Position,
    text: &str,
    error: &serde_json::Error,
) -> (crate::diagnostic::Position, String) {
    let bare = crate::diagnostic::without_position(&error.to_string());
    let json_line = error.line().max(1);
    let verbatim = text.lines().take(json_line).enumerate().all(|(i, line)| {
        let in_file = source.line_text(start.line + i).unwrap_or_default();
        let from_start: String = in_file.chars().skip(start.column - 1).collect();
        from_start.trim_end() == line.trim_end()
    });
    if verbatim && text.lines().count() >= json_line {
        let position = crate::diagnostic::Position {
            line: start.line + json_line - 1,
            column: start.column + error.column().max(1) - 1,
        };
        (position, bare)
    } else {
        (
            start,
            format!(
                "{bare} (line {json_line}, column {} of the example)",
                error.column()
            ),
        )
    }
}

/// A YAML scalar or structure as compact JSON text (for docs and messages).
fn yaml_text(value: &serde_yaml::Value) -> String {
    match value {
        serde_yaml::Value::String(s) => serde_json::Value::String(s.clone()).to_string(),
        other => serde_json::to_string(other).unwrap_or_else(|_| format!("{other:?}")),
    }
}
