//! The resolved model: every reference checked, every Rust name chosen.
//! Emitters read only this, never the raw spec.

use crate::ident::RustIdent;

/// Everything the specs describe.
#[derive(Clone, Debug)]
pub struct Model {
    /// Shared types (from `spec/common.yaml`), emitted in `crate::common`.
    pub common: Namespace,
    /// Service-version pairs in a stable order.
    pub services: Vec<Service>,
}

/// A set of named types emitted into one Rust module.
#[derive(Clone, Debug, Default)]
pub struct Namespace {
    /// Spec file the types come from (`spec/common.yaml`).
    pub spec_file: String,
    /// The types, in spec order.
    pub types: Vec<TypeDef>,
}

/// Where a named type lives.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TypeHome {
    /// `crate::common`.
    Common,
    /// `crate::<service>::<version>`.
    Service {
        /// Service module name.
        service: RustIdent,
        /// Version module name.
        version: RustIdent,
    },
}

/// A reference to a type.
#[derive(Clone, Debug, PartialEq)]
pub enum TypeRef {
    /// `String`.
    String,
    /// `i32`: the platform's `int`.
    Int,
    /// `i64`.
    Int64,
    /// `f64`.
    Float,
    /// `bool`.
    Bool,
    /// A named type.
    Named {
        /// Its module.
        home: TypeHome,
        /// Its Rust name.
        rust_name: RustIdent,
        /// Its spec name.
        spec_name: String,
        /// Whether it is an enum (enums are query-encodable).
        is_enum: bool,
    },
    /// `Vec<T>`.
    Array(Box<TypeRef>),
    /// Any JSON value (`serde_json::Value`).
    Any,
    /// A JSON object with arbitrary keys: `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A file part of a multipart body (`multipart::FilePart`).
    File,
    /// A string on the wire holding JSON text of the inner (named) type.
    JsonString(Box<TypeRef>),
}

/// A named type.
#[derive(Clone, Debug)]
pub struct TypeDef {
    /// The doc's name (`okr_batch`).
    pub spec_name: String,
    /// The Rust name (`OkrBatch`).
    pub rust_name: RustIdent,
    /// Docs.
    pub docs: Docs,
    /// Struct or enum.
    pub kind: TypeKind,
}

/// The shape of a named type.
#[derive(Clone, Debug)]
pub enum TypeKind {
    /// A struct; every field optional in Rust (responses may omit any).
    Struct(Vec<Field>),
    /// A forward-compatible enum.
    Enum(EnumDef),
}

/// An enum's wire representation and values.
#[derive(Clone, Debug)]
pub struct EnumDef {
    /// Strings or integers on the wire.
    pub repr: EnumRepr,
    /// The documented values.
    pub variants: Vec<Variant>,
}

/// How enum values travel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    /// JSON strings.
    String,
    /// JSON integers.
    Int,
}

/// One documented enum value.
#[derive(Clone, Debug)]
pub struct Variant {
    /// The wire value.
    pub value: EnumValue,
    /// The Rust variant name.
    pub rust_name: RustIdent,
    /// Docs.
    pub docs: Docs,
    /// Scopes needed for this value.
    pub field_scopes: Vec<String>,
}

/// A wire value of an enum.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EnumValue {
    /// A string value.
    String(String),
    /// An integer value.
    Int(i64),
}

/// Descriptions of an item.
#[derive(Clone, Debug, Default)]
pub struct Docs {
    /// Chinese, as on the doc page.
    pub description: String,
    /// English, optional.
    pub description_en: Option<String>,
}

/// A struct field or a request parameter.
#[derive(Clone, Debug)]
pub struct Field {
    /// The name on the wire.
    pub wire_name: String,
    /// The Rust name.
    pub rust_name: RustIdent,
    /// Its type.
    pub ty: TypeRef,
    /// Required on requests.
    pub required: bool,
    /// Docs.
    pub docs: Docs,
    /// The doc's example, as JSON text.
    pub example: Option<String>,
    /// The server-side default, as JSON text.
    pub default: Option<String>,
    /// Validation limits.
    pub constraints: Constraints,
    /// What a string carries.
    pub format: Option<Format>,
    /// `Some(note)` when deprecated (the note may be empty).
    pub deprecated: Option<String>,
    /// Other wire names accepted when decoding.
    pub aliases: Vec<String>,
    /// Scopes without which the server omits the field.
    pub field_scopes: Vec<String>,
    /// Stored as `Option<Box<T>>`: the field closes a cycle of named types
    /// (a department holding its parent department), which would otherwise
    /// be a type of infinite size. Set by the resolver for every such field.
    pub boxed: bool,
}

/// Documented limits on a value.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Constraints {
    /// Smallest number.
    pub min: Option<f64>,
    /// Largest number.
    pub max: Option<f64>,
    /// Fewest array items.
    pub min_items: Option<u32>,
    /// Most array items.
    pub max_items: Option<u32>,
    /// Fewest characters of a string.
    pub min_length: Option<u32>,
    /// Most characters of a string.
    pub max_length: Option<u32>,
    /// Most bytes of a file part.
    pub max_size: Option<u64>,
    /// A regular expression a string must match (checked at generation).
    pub pattern: Option<String>,
}

/// What a string field carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// A 64-bit integer sent as a string so that it never loses precision.
    Int64,
    /// Milliseconds since the Unix epoch, as a string.
    TimestampMs,
    /// A URL.
    Url,
}

/// One `<service>/<version>` spec file.
#[derive(Clone, Debug)]
pub struct Service {
    /// `okr`.
    pub name: String,
    /// `v1`.
    pub version: String,
    /// Module name of the service.
    pub module: RustIdent,
    /// Module name of the version.
    pub version_module: RustIdent,
    /// Docs.
    pub docs: Docs,
    /// The service's named types.
    pub namespace: Namespace,
    /// Resources in spec order.
    pub resources: Vec<Resource>,
    /// Pushed events in spec order (emitted in `<version>::events`).
    pub events: Vec<Event>,
}

/// A group of operations.
#[derive(Clone, Debug)]
pub struct Resource {
    /// `user_okr`.
    pub name: String,
    /// Module and accessor method name.
    pub module: RustIdent,
    /// `UserOkrResource`.
    pub accessor_type: RustIdent,
    /// Docs.
    pub docs: Docs,
    /// Operations in spec order.
    pub operations: Vec<Operation>,
}

/// HTTP methods the platform uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HttpMethod {
    /// GET.
    Get,
    /// POST.
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl HttpMethod {
    /// Upper-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Delete => "DELETE",
        }
    }
}

/// Access token kinds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenType {
    /// tenant_access_token.
    Tenant,
    /// user_access_token.
    User,
    /// app_access_token.
    App,
}

/// A request quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed…
    pub requests: u32,
    /// …per this many seconds…
    pub per_seconds: u32,
    /// …counted per app, tenant or user.
    pub per: LimitScope,
}

/// What a rate-limit window is counted for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LimitScope {
    /// The whole app.
    App,
    /// Each tenant.
    Tenant,
    /// Each user.
    User,
}

/// How a request body travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyKind {
    /// A JSON document.
    Json,
    /// A `multipart/form-data` form: each field is a part.
    Multipart,
}

/// What a response carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ResponseKind {
    /// The JSON envelope, with the fields under `data`.
    Data,
    /// The JSON envelope, with the fields beside `code` and `msg`.
    Flat,
    /// A byte stream (a download).
    Binary {
        /// The endpoint answers 206 to a `Range` request.
        partial: bool,
    },
}

/// A body or response shape.
#[derive(Clone, Debug)]
pub enum Shape {
    /// Inline fields: the generator names the struct.
    Inline {
        /// Rust name of the struct it becomes.
        rust_name: RustIdent,
        /// The fields.
        fields: Vec<Field>,
    },
    /// A named type.
    Named(TypeRef),
}

/// How an operation pages through results.
#[derive(Clone, Debug)]
pub enum Paging {
    /// `offset`/`limit` in the request, a `total` in the response.
    Offset {
        /// The offset parameter (a query parameter of type int).
        offset: Field,
        /// The response field with the total count, if any.
        total: Option<RustIdent>,
        /// The response field with the items.
        items: RustIdent,
        /// The item type.
        item_type: TypeRef,
    },
    /// `page_token` in the request, `has_more`/`page_token` in the response.
    PageToken {
        /// The request's token parameter.
        token: Field,
        /// Whether the token travels in the body (else the query).
        token_in_body: bool,
        /// The response's `has_more` field, if any.
        has_more: Option<RustIdent>,
        /// The response field with the next token.
        next_token: RustIdent,
        /// The response field with the items.
        items: RustIdent,
        /// The item type.
        item_type: TypeRef,
    },
}

/// One row of the error table.
#[derive(Clone, Debug)]
pub struct ErrorCode {
    /// The variant name in the operation's error-code enum.
    pub rust_name: RustIdent,
    /// HTTP status.
    pub status: u16,
    /// Envelope code.
    pub code: i64,
    /// Message.
    pub message: String,
    /// Advice.
    pub advice: Option<String>,
}

/// Parameter values given beside an endpoint's examples: `(wire name, JSON
/// text)` per section, in spec order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExampleParams {
    /// `examples.path`.
    pub path: Vec<(String, String)>,
    /// `examples.query`.
    pub query: Vec<(String, String)>,
    /// `examples.headers`.
    pub headers: Vec<(String, String)>,
}

/// One endpoint.
#[derive(Clone, Debug)]
pub struct Operation {
    /// `list`.
    pub action: String,
    /// `okr.v1.user_okr.list`.
    pub id: String,
    /// Method name on the resource (`list`).
    pub method_name: RustIdent,
    /// Request builder type (`ListUserOkrRequest`).
    pub request_type: RustIdent,
    /// Title of the doc page.
    pub summary: String,
    /// Docs.
    pub docs: Docs,
    /// HTTP method.
    pub http_method: HttpMethod,
    /// Path template with `:name` placeholders.
    pub path: String,
    /// The doc page.
    pub doc_url: String,
    /// Accepted token types; empty when the endpoint takes no token.
    pub tokens: Vec<TokenType>,
    /// App types (`custom`, `isv`).
    pub app_types: Vec<String>,
    /// Scopes, any one of which allows the call.
    pub scopes: Vec<String>,
    /// Scopes that unlock sensitive response fields.
    pub field_scopes: Vec<String>,
    /// The documented quotas, all enforced.
    pub rate_limits: Vec<RateLimit>,
    /// Whether retrying is safe.
    pub idempotent: bool,
    /// Path parameters, in placeholder order.
    pub path_params: Vec<Field>,
    /// Query parameters.
    pub query_params: Vec<Field>,
    /// Header parameters.
    pub header_params: Vec<Field>,
    /// The body.
    pub body: Option<Shape>,
    /// JSON or multipart (meaningful only with a body).
    pub body_kind: BodyKind,
    /// Response `data` (always `None` for a binary response).
    pub response: Option<Shape>,
    /// Where the response's fields sit, or a download.
    pub response_kind: ResponseKind,
    /// The error table.
    pub errors: Vec<ErrorCode>,
    /// The doc's example request body, as JSON text.
    pub example_request: Option<String>,
    /// The doc's example response envelope, as JSON text.
    pub example_response: Option<String>,
    /// Parameter values that go with the examples (`examples.path`,
    /// `examples.query`, `examples.headers`), as JSON text.
    pub example_params: ExampleParams,
    /// The paging style, when the endpoint pages.
    pub paging: Option<Paging>,
    /// Name of the error-code enum (`ListUserOkrErrorCode`).
    pub error_code_type: RustIdent,
}

// ---- Events (issue 13) ----------------------------------------------------

/// The envelope schema an event is delivered with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventSchema {
    /// `{"schema": "2.0", "header", "event"}`.
    V2,
    /// `{"uuid", "token", "ts", "type": "event_callback", "event"}`.
    V1,
}

/// One pushed event.
#[derive(Clone, Debug)]
pub struct Event {
    /// `performance.stage_task.open_result_v2`.
    pub event_type: String,
    /// The struct, and the service enum's variant (`StageTaskOpenResultV2`).
    pub rust_name: RustIdent,
    /// The envelope schema.
    pub schema: EventSchema,
    /// Title of the doc page.
    pub summary: String,
    /// Docs.
    pub docs: Docs,
    /// Scopes, any one of which allows subscribing.
    pub scopes: Vec<String>,
    /// The doc page.
    pub doc_url: String,
    /// The `event` object's fields.
    pub fields: Vec<Field>,
    /// The doc's example envelope, as JSON text.
    pub example: Option<String>,
}

impl Service {
    /// `PerformanceV2Event`: the enum of every event of this service version.
    pub fn event_enum_name(&self) -> RustIdent {
        crate::ident::sanitize(
            &format!("{}_{}_event", self.name, self.version),
            crate::ident::Case::UpperCamel,
        )
    }
}
