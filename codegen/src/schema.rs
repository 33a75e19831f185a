//! The JSON Schema of the spec format, derived from the types in
//! [`crate::spec`] so it can never disagree with the loader. Editors use it
//! (every spec file names it in a `yaml-language-server` modeline) and the
//! loader uses it to report every unknown or missing key of a file at once.

use schemars::generate::SchemaSettings;

/// Where the schema is committed, relative to the workspace root.
pub const SCHEMA_PATH: &str = "codegen/spec.schema.json";

/// The schema as JSON, built once per process.
pub fn spec_schema() -> &'static serde_json::Value {
    static SCHEMA: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    SCHEMA.get_or_init(build_schema)
}

fn build_schema() -> serde_json::Value {
    let generator = SchemaSettings::draft07().into_generator();
    let mut schema = generator
        .into_root_schema_for::<crate::spec::SpecFile>()
        .to_value();
    if let Some(object) = schema.as_object_mut() {
        object.insert(
            "title".into(),
            "Feishu API generator spec file (spec/README.md)".into(),
        );
    }
    schema
}

/// The committed file's exact contents.
pub fn schema_file_contents() -> String {
    let mut text = serde_json::to_string_pretty(spec_schema()).unwrap_or_default();
    text.push('\n');
    text
}
