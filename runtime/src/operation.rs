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

/// Whose requests one rate-limit window counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum LimitScope {
    /// All requests of the app to the endpoint.
    #[default]
    App,
    /// The requests made inside one tenant (keyed by the request's tenant key).
    Tenant,
    /// The requests made with one user access token (keyed by a hash of the token,
    /// never by its text).
    User,
}

/// Documented rate limit of an endpoint: `requests` per `per_seconds` seconds, counted
/// per [`LimitScope`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RateLimit {
    /// Number of requests allowed in one window.
    pub requests: u32,
    /// Window length in seconds.
    pub per_seconds: u32,
    /// Whose requests the window counts.
    pub per: LimitScope,
}

impl RateLimit {
    /// `n` requests per minute per app, the unit most endpoint pages use.
    pub const fn per_minute(n: u32) -> Self {
        Self {
            requests: n,
            per_seconds: 60,
            per: LimitScope::App,
        }
    }

    /// `n` requests per second per app.
    pub const fn per_second(n: u32) -> Self {
        Self {
            requests: n,
            per_seconds: 1,
            per: LimitScope::App,
        }
    }

    /// The same window counted per `scope`.
    pub const fn scoped(self, scope: LimitScope) -> Self {
        Self {
            requests: self.requests,
            per_seconds: self.per_seconds,
            per: scope,
        }
    }
}

/// Where a response's fields sit.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Envelope {
    /// `{"code": 0, "msg": "...", "data": {...}}`: the fields are under `data`.
    #[default]
    Data,
    /// `{"code": 0, "msg": "...", "tenant_access_token": "...", "expire": 7200}`: the
    /// fields sit beside `code` and `msg` (the auth token endpoints).
    Flat,
}

/// Static description of one endpoint, emitted once per endpoint by the generator as a `static`.
///
/// Every field is public so the generator can write a plain struct literal. For the same
/// reason the struct is not `#[non_exhaustive]`: fields are only added in a minor version
/// together with the generator that fills them, and code outside the generated crate
/// should not build `Operation`s by literal (use [`Client::request`](crate::Client::request)
/// for endpoints the spec lacks).
#[derive(Debug)]
pub struct Operation {
    /// Stable identifier, e.g. `"okr.v1.user_okr.list"`; used in tracing.
    pub id: &'static str,
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template; placeholders are whole segments written `:name`,
    /// e.g. `"/open-apis/okr/v1/users/:user_id/okrs"`.
    pub path: &'static str,
    /// Token kinds the endpoint accepts; empty when it takes no token (the auth
    /// endpoints): then no `Authorization` header is sent and no token fetched.
    pub token_types: &'static [TokenType],
    /// Documented rate limits; the client keeps to all of them at once.
    pub rate_limits: &'static [RateLimit],
    /// Whether sending the request twice has the same effect as sending it once.
    pub idempotent: bool,
    /// Where the response's fields sit.
    pub envelope: Envelope,
}
