//! The importer's intermediate form: one endpoint as read from a doc page or
//! the catalog, before types are named. Both inputs produce this, so naming,
//! deduplication and YAML writing exist once.

/// The wire kind of a field, before named types exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A JSON string.
    String,
    /// A 32-bit integer.
    Int,
    /// A 64-bit integer the platform sends as a number.
    Int64,
    /// A float.
    Float,
    /// A boolean.
    Bool,
    /// An object whose fields are the node's children.
    Object,
    /// Any JSON value.
    Any,
    /// A file part of a multipart body.
    File,
    /// A JSON object with arbitrary keys; the values' kind.
    Map(Box<Kind>),
    /// A type the spec already defines (e.g. `i18n` in `spec/common.yaml`).
    Named(String),
}

/// One enum value as the page lists it.
#[derive(Clone, Debug, PartialEq)]
pub struct EnumValue {
    /// The wire value as written (`"0"`, `open_id`).
    pub value: String,
    /// The page's description.
    pub description: String,
}

/// One field, parameter or body part.
#[derive(Clone, Debug, Default)]
pub struct Field {
    /// Wire name.
    pub name: String,
    /// Kind of the element (after removing `array` levels).
    pub kind: Option<Kind>,
    /// How many `[]` wrap the element.
    pub array_depth: u8,
    /// The page's type name for the element (`okr_batch`), when it gives one.
    pub type_hint: Option<String>,
    /// Required in requests.
    pub required: bool,
    /// The page's description, markup removed.
    pub description: String,
    /// Example value.
    pub example: Option<serde_json::Value>,
    /// Server-side default.
    pub default: Option<serde_json::Value>,
    /// Numeric limits.
    pub min: Option<String>,
    /// Numeric limits.
    pub max: Option<String>,
    /// Array limits.
    pub min_items: Option<u64>,
    /// Array limits.
    pub max_items: Option<u64>,
    /// String length limits (characters).
    pub min_length: Option<u64>,
    /// String length limits (characters).
    pub max_length: Option<u64>,
    /// Byte size limit of a `file` field.
    pub max_size: Option<u64>,
    /// A regular expression a string must match (`正则校验`).
    pub pattern: Option<String>,
    /// `int64`, `timestamp_ms`, `url`.
    pub format: Option<&'static str>,
    /// Enum values listed by the page.
    pub enum_values: Vec<EnumValue>,
    /// Whether the values are integers on the wire.
    pub enum_is_int: bool,
    /// Children of an object (or of an array of objects).
    pub children: Vec<Field>,
    /// Review notes: written as `# review:` comments and warned about.
    pub notes: Vec<String>,
    /// A string field carrying JSON text.
    pub json_string: bool,
    /// Other wire names the page's example uses for this field.
    pub aliases: Vec<String>,
}

impl Field {
    /// A field of `kind` named `name`.
    pub fn new(name: &str, kind: Kind) -> Self {
        Field {
            name: name.to_owned(),
            kind: Some(kind),
            ..Field::default()
        }
    }
}

/// One error-table row.
#[derive(Clone, Debug, PartialEq)]
pub struct ErrorRow {
    /// HTTP status.
    pub status: u16,
    /// Envelope code.
    pub code: i64,
    /// The page's message.
    pub message: String,
    /// The page's advice.
    pub advice: Option<String>,
}

/// A body shape.
#[derive(Clone, Debug, Default)]
pub struct Body {
    /// `multipart` for form uploads, else JSON.
    pub multipart: bool,
    /// The fields (form parts).
    pub fields: Vec<Field>,
}

/// A response shape.
#[derive(Clone, Debug, Default)]
pub struct Response {
    /// A byte stream (download).
    pub binary: bool,
    /// Answers 206 to a Range request.
    pub partial: bool,
    /// Fields beside code/msg instead of under `data`.
    pub flat: bool,
    /// The fields of `data` (or of the top level when flat).
    pub fields: Vec<Field>,
}

/// One endpoint.
#[derive(Clone, Debug, Default)]
pub struct Endpoint {
    /// The input it came from (for messages).
    pub source: String,
    /// Service in the URL.
    pub service: String,
    /// Version in the URL.
    pub version: String,
    /// Resource name.
    pub resource: String,
    /// Action name.
    pub action: String,
    /// The page title.
    pub summary: String,
    /// The page's description.
    pub description: Option<String>,
    /// HTTP method.
    pub method: String,
    /// URL path with `:name` placeholders.
    pub url: String,
    /// The doc page.
    pub doc_url: Option<String>,
    /// `tenant`, `user`, `app`, or `none`.
    pub tokens: Vec<String>,
    /// `custom`, `isv`.
    pub app_types: Vec<String>,
    /// Scopes.
    pub scopes: Vec<String>,
    /// Field scopes.
    pub field_scopes: Vec<String>,
    /// Rate limits (`100/min`, or `{limit: 5/s, per: tenant}` already written as YAML flow).
    pub rate_limits: Vec<String>,
    /// Path parameters.
    pub path_params: Vec<Field>,
    /// Query parameters.
    pub query_params: Vec<Field>,
    /// Header parameters.
    pub header_params: Vec<Field>,
    /// Request body.
    pub body: Option<Body>,
    /// Response.
    pub response: Option<Response>,
    /// Error table.
    pub errors: Vec<ErrorRow>,
    /// Request example JSON.
    pub request_example: Option<String>,
    /// Response example JSON.
    pub response_example: Option<String>,
    /// Paging, as a YAML flow mapping.
    pub paging: Option<String>,
    /// Endpoint-level review notes.
    pub notes: Vec<String>,
}

/// One pushed event, as read from its doc page.
#[derive(Clone, Debug, Default)]
pub struct Event {
    /// The input it came from (for messages).
    pub source: String,
    /// Service: the event type's first part.
    pub service: String,
    /// Service version (`v2`), from the event type's `_vN` suffix.
    pub version: String,
    /// The event type (`performance.stage_task.open_result_v2`).
    pub event_type: String,
    /// Envelope schema: `v2.0` or `v1.0`.
    pub schema: String,
    /// The page title.
    pub summary: String,
    /// The page's description.
    pub description: Option<String>,
    /// Scopes (any one allows subscribing).
    pub scopes: Vec<String>,
    /// The doc page.
    pub doc_url: Option<String>,
    /// The fields of the envelope's `event` object.
    pub fields: Vec<Field>,
    /// The whole envelope example, as the page gives it.
    pub example: Option<String>,
    /// Event-level review notes.
    pub notes: Vec<String>,
}
