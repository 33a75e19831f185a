//! The spec format as written in YAML: what `serde_yaml` reads, before any
//! validation. Every struct rejects unknown keys so a typo never passes
//! silently. `spec/README.md` documents each key.

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::Deserialize;

/// One spec file: either a service-version file (`service` and `version` set)
/// or the shared-definitions file (neither set).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SpecFile {
    /// Service name as in the URL, e.g. `okr`.
    pub service: Option<String>,
    /// Service version as in the URL, e.g. `v1`.
    pub version: Option<String>,
    /// The service's description (Chinese, as on the doc pages).
    pub description: Option<String>,
    /// An English description.
    pub description_en: Option<String>,
    /// Named types, keyed by the doc's own type name.
    #[serde(default)]
    pub types: IndexMap<String, TypeSpec>,
    /// Parameters shared by many endpoints (shared-definitions file only).
    #[serde(default)]
    pub parameters: IndexMap<String, FieldSpec>,
    /// Resources, keyed by the doc's resource name (`user_okr`).
    #[serde(default)]
    pub resources: IndexMap<String, ResourceSpec>,
    /// Events the platform pushes, keyed by event type
    /// (`performance.stage_task.open_result_v2`).
    #[serde(default)]
    pub events: IndexMap<String, EventSpec>,
}

/// A named type: a struct (`fields`) or an enum (`enum`).
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TypeSpec {
    /// Chinese description.
    pub description: String,
    /// English description.
    pub description_en: Option<String>,
    /// Overrides the Rust name derived from the type name.
    pub rust_name: Option<String>,
    /// Struct fields, keyed by wire name, in wire order.
    pub fields: Option<IndexMap<String, FieldSpec>>,
    /// Enum values.
    #[serde(rename = "enum")]
    pub enum_values: Option<Vec<EnumValueSpec>>,
}

/// One documented enum value.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EnumValueSpec {
    /// The wire value: a string (`"-1"`, `open_id`) or an integer (`0`).
    #[schemars(with = "serde_json::Value")]
    pub value: serde_yaml::Value,
    /// The Rust variant name (any case); derived from a string value when absent.
    pub rust_name: Option<String>,
    /// Chinese description.
    pub description: String,
    /// English description.
    pub description_en: Option<String>,
    /// Scopes needed when this value is used.
    #[serde(default)]
    pub field_scopes: Vec<String>,
}

/// A struct field or a request parameter.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Uses the shared parameter of this name; keys given here override it.
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    /// `string`, `int`, `int64`, `float`, `bool`, `any` (any JSON value),
    /// `map` (a JSON object; needs `values`), `file` (a multipart file part),
    /// a named type, or any of these followed by `[]`.
    #[serde(rename = "type")]
    pub ty: Option<String>,
    /// The value type of a `map` (a type expression, e.g. `any`, `okr_batch`).
    pub values: Option<String>,
    /// `json_string`: the field is a string on the wire holding JSON text of
    /// its (named) type.
    pub encoding: Option<String>,
    /// Required on requests. Response fields are always optional in Rust.
    pub required: Option<bool>,
    /// Chinese description.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Overrides the Rust name derived from the wire name.
    pub rust_name: Option<String>,
    /// The doc's example value.
    #[schemars(with = "Option<serde_json::Value>")]
    pub example: Option<serde_yaml::Value>,
    /// The server-side default.
    #[schemars(with = "Option<serde_json::Value>")]
    pub default: Option<serde_yaml::Value>,
    /// Smallest allowed number.
    pub min: Option<f64>,
    /// Largest allowed number.
    pub max: Option<f64>,
    /// Fewest items of an array.
    pub min_items: Option<u32>,
    /// Most items of an array.
    pub max_items: Option<u32>,
    /// Fewest characters of a string.
    pub min_length: Option<u32>,
    /// Most characters of a string.
    pub max_length: Option<u32>,
    /// Most bytes of a `file` field.
    pub max_size: Option<u64>,
    /// A regular expression (syntax of the `regex` crate) a string must match.
    pub pattern: Option<String>,
    /// What a string carries: `int64`, `timestamp_ms` or `url`.
    pub format: Option<String>,
    /// `true`, or a note saying what to use instead.
    #[schemars(with = "Option<serde_json::Value>")]
    pub deprecated: Option<serde_yaml::Value>,
    /// Other wire names accepted when decoding.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Scopes without which the server omits this field.
    #[serde(default)]
    pub field_scopes: Vec<String>,
}

/// A resource: a group of methods.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResourceSpec {
    /// Chinese description.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Methods keyed by action name (`list`, `find_by_user_list`).
    pub methods: IndexMap<String, MethodSpec>,
}

/// One endpoint.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// The doc page's title.
    pub summary: String,
    /// The doc page's description.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// `GET`, `POST`, `PUT`, `PATCH` or `DELETE`.
    pub method: String,
    /// Path with `:name` placeholders, starting `/open-apis/`.
    pub url: String,
    /// The doc page.
    pub doc_url: String,
    /// Token types: `tenant`, `user`, `app`; or `[none]` alone for an
    /// endpoint that takes no access token.
    pub tokens: Vec<String>,
    /// App types: `custom` (self-built), `isv` (marketplace).
    #[serde(default)]
    pub app_types: Vec<String>,
    /// Scopes, any one of which allows the call.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Scopes that unlock sensitive response fields.
    #[serde(default)]
    pub field_scopes: Vec<String>,
    /// `N/min` or `N/s`, or a list of such strings and `{limit: N/s, per: app|tenant|user}`.
    pub rate_limit: Option<RateLimitSpec>,
    /// Whether a retry is safe. Default: true for GET, false otherwise.
    pub idempotent: Option<bool>,
    /// Path parameters keyed by placeholder name.
    #[serde(default)]
    pub path_params: IndexMap<String, FieldSpec>,
    /// Query parameters keyed by wire name.
    #[serde(default)]
    pub query_params: IndexMap<String, FieldSpec>,
    /// Header parameters keyed by header name (e.g. `Range`).
    #[serde(default)]
    pub header_params: IndexMap<String, FieldSpec>,
    /// The request body (JSON or multipart).
    pub body: Option<BodySpec>,
    /// The response envelope's `data` (or a binary download).
    pub response: Option<ResponseSpec>,
    /// The doc's error-code table.
    #[serde(default)]
    pub errors: Vec<ErrorSpec>,
    /// The doc's example JSON.
    pub examples: Option<ExamplesSpec>,
    /// How the endpoint pages through results.
    pub paging: Option<PagingSpec>,
}

/// An endpoint's paging style and the names it uses.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PagingSpec {
    /// `offset` (offset/limit with a total) or `page_token` (page_token/has_more).
    pub style: String,
    /// The response field holding the page's items (an array).
    pub items: String,
    /// Offset style: the request's offset parameter. Default `offset`.
    pub offset: Option<String>,
    /// Offset style: the response's total count field. Default `total` when present.
    pub total: Option<String>,
    /// Token style: the request's page-token parameter (query or body). Default `page_token`.
    pub page_token: Option<String>,
    /// Token style: the response's `has_more` field. Default `has_more`.
    pub has_more: Option<String>,
    /// Token style: the response field with the next token. Default `page_token`.
    pub next_page_token: Option<String>,
}

/// A rate limit: one window or several.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RateLimitSpec {
    /// `100/min`.
    One(String),
    /// Several windows, all enforced.
    Many(Vec<RateLimitEntry>),
}

/// One window of a rate-limit list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RateLimitEntry {
    /// `5/s`, counted per app.
    Text(String),
    /// `{limit: 5/s, per: tenant}`.
    Scoped(ScopedRateLimit),
}

/// A window with the scope it is counted in.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopedRateLimit {
    /// `N/s`, `N/min` or `N/h`.
    pub limit: String,
    /// `app` (default), `tenant` or `user`.
    pub per: Option<String>,
}

/// A request body: inline fields or a named type.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BodySpec {
    /// `json` (default) or `multipart` (the fields are form parts).
    pub content_type: Option<String>,
    /// Inline fields, keyed by wire name.
    pub fields: Option<IndexMap<String, FieldSpec>>,
    /// A named type instead of inline fields.
    #[serde(rename = "type")]
    pub ty: Option<String>,
}

/// A response: inline fields, a named type, or a binary download.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ResponseSpec {
    /// `json` (default) or `binary` (a byte stream; no `fields`).
    pub content_type: Option<String>,
    /// `data` (default: fields under `data`) or `flat` (beside `code`/`msg`).
    pub envelope: Option<String>,
    /// Binary responses: the endpoint answers 206 to a `Range` request.
    pub partial: Option<bool>,
    /// Inline fields, keyed by wire name.
    pub fields: Option<IndexMap<String, FieldSpec>>,
    /// A named type instead of inline fields.
    #[serde(rename = "type")]
    pub ty: Option<String>,
}

/// One row of the doc's error-code table.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ErrorSpec {
    /// HTTP status code.
    pub status: u16,
    /// The envelope's `code`.
    pub code: i64,
    /// The doc's message.
    pub message: String,
    /// The doc's troubleshooting advice.
    pub advice: Option<String>,
    /// The variant name in the operation's error-code enum (any case);
    /// derived from the message's first sentence when absent.
    pub rust_name: Option<String>,
}

/// The doc's example JSON, as text copied from the page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ExamplesSpec {
    /// Example request body.
    pub request: Option<String>,
    /// Example response (the whole envelope).
    pub response: Option<String>,
    /// Path parameter values that go with the example (`{user_id: ou_1}`),
    /// used by the generic end-to-end test; a parameter without one falls
    /// back to its own `example:`, then to a value made up from its type.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, serde_json::Value>")]
    pub path: IndexMap<String, serde_yaml::Value>,
    /// Query parameter values that go with the example, as `path`.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, serde_json::Value>")]
    pub query: IndexMap<String, serde_yaml::Value>,
    /// Header parameter values that go with the example, as `path`.
    #[serde(default)]
    #[schemars(with = "IndexMap<String, serde_json::Value>")]
    pub headers: IndexMap<String, serde_yaml::Value>,
}

// ---- Events (issue 13) ----------------------------------------------------

/// One pushed event, as its doc page describes it.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventSpec {
    /// The envelope schema the platform sends it with: `v2.0` (`{schema,
    /// header, event}`) or `v1.0` (`{uuid, token, ts, type, event}`).
    pub version: String,
    /// The doc page's title.
    pub summary: String,
    /// The doc page's description.
    pub description: Option<String>,
    /// English description.
    pub description_en: Option<String>,
    /// Scopes, any one of which allows subscribing.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// The doc page.
    pub doc_url: String,
    /// The fields of the envelope's `event` object, keyed by wire name.
    pub fields: IndexMap<String, FieldSpec>,
    /// Overrides the Rust name derived from the event type.
    pub rust_name: Option<String>,
    /// The doc's example JSON.
    pub examples: Option<EventExamplesSpec>,
}

/// An event page's example JSON, as text copied from the page.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventExamplesSpec {
    /// The whole delivered envelope (`{"schema": "2.0", "header": …, "event": …}`).
    pub event: Option<String>,
}
