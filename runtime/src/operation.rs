//! Static endpoint descriptions emitted by the generator.

/// HTTP method of an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `PATCH`
    Patch,
    /// `DELETE`
    Delete,
}

impl HttpMethod {
    /// The method name as sent on the wire, e.g. `"GET"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }

    pub(crate) fn to_reqwest(self) -> reqwest::Method {
        match self {
            Self::Get => reqwest::Method::GET,
            Self::Post => reqwest::Method::POST,
            Self::Put => reqwest::Method::PUT,
            Self::Patch => reqwest::Method::PATCH,
            Self::Delete => reqwest::Method::DELETE,
        }
    }
}

/// Kind of access token an endpoint accepts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenType {
    /// `tenant_access_token`: the app acting inside one tenant.
    Tenant,
    /// `user_access_token`: the app acting on behalf of a signed-in user.
    User,
    /// `app_access_token`: the app itself, outside any tenant.
    App,
}

/// Documented rate limit of an endpoint: `requests` per `per_seconds` seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Number of requests allowed in one window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
}

impl RateLimit {
    /// `n` requests per minute, the unit most endpoint pages use.
    pub const fn per_minute(n: u32) -> Self {
        Self {
            requests: n,
            per_seconds: 60,
        }
    }

    /// `n` requests per second.
    pub const fn per_second(n: u32) -> Self {
        Self {
            requests: n,
            per_seconds: 1,
        }
    }
}

/// Static description of one endpoint, emitted once per endpoint by the generator as a `static`.
///
/// Every field is public so the generator can write a plain struct literal.
#[derive(Debug)]
pub struct Operation {
    /// Stable identifier, e.g. `"okr.v1.user_okr.list"`; used in tracing.
    pub id: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template; placeholders are whole segments written `:name`,
    /// e.g. `"/open-apis/okr/v1/users/:user_id/okrs"`.
    pub path: &'static str,
    /// Token kinds the endpoint accepts.
    pub token_types: &'static [TokenType],
    /// Documented rate limit, if the endpoint page states one.
    pub rate_limit: Option<RateLimit>,
    /// Whether sending the request twice has the same effect as sending it once.
    pub idempotent: bool,
}
