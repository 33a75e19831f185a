//! The token endpoints and the bearer check every fixture route makes.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::MockServer;
use crate::reply::Reply;
use crate::stubs::TokenKind;

const BAD_CREDENTIALS: i64 = 99991543;
const TICKET_INVALID: i64 = 10012;
const APP_TOKEN_INVALID: i64 = 99991664;
const HEADER_MISSING: i64 = 99991661;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Tenant,
    App,
}

#[derive(Debug)]
struct Issued {
    kind: Kind,
    tenant_key: Option<String>,
    expires_at: Instant,
}

#[derive(Debug)]
pub(crate) struct Tokens {
    app_id: String,
    app_secret: String,
    pub(crate) expire_seconds: u64,
    issued: HashMap<String, Issued>,
    fixed: HashSet<String>,
    tickets: HashSet<String>,
    serial: u64,
}

impl Tokens {
    pub(crate) fn new() -> Self {
        Self {
            app_id: MockServer::APP_ID.to_owned(),
            app_secret: MockServer::APP_SECRET.to_owned(),
            expire_seconds: MockServer::DEFAULT_EXPIRE_SECONDS,
            issued: HashMap::new(),
            fixed: HashSet::new(),
            tickets: HashSet::new(),
            serial: 0,
        }
    }

    pub(crate) fn set_credentials(&mut self, app_id: &str, app_secret: &str) {
        app_id.clone_into(&mut self.app_id);
        app_secret.clone_into(&mut self.app_secret);
    }

    pub(crate) fn accept_fixed(&mut self, token: &str) {
        self.fixed.insert(token.to_owned());
    }

    pub(crate) fn revoke_all(&mut self) {
        self.issued.clear();
    }

    pub(crate) fn issue_ticket(&mut self) -> String {
        self.serial += 1;
        let ticket = format!("ticket-mock-{}", self.serial);
        self.tickets.insert(ticket.clone());
        ticket
    }

    pub(crate) fn invalidate_tickets(&mut self) {
        self.tickets.clear();
    }

    fn issue(&mut self, kind: Kind, tenant_key: Option<String>) -> String {
        self.serial += 1;
        let prefix = match kind {
            Kind::Tenant => "t",
            Kind::App => "a",
        };
        let token = format!("{prefix}-mock-{:04}-secret", self.serial);
        let expires_at = Instant::now() + Duration::from_secs(self.expire_seconds);
        self.issued.insert(
            token.clone(),
            Issued {
                kind,
                tenant_key,
                expires_at,
            },
        );
        token
    }

    fn credentials_ok(&self, body: &Value) -> bool {
        text(body, "app_id") == Some(self.app_id.as_str())
            && text(body, "app_secret") == Some(self.app_secret.as_str())
    }

    fn bad_credentials() -> Reply {
        Reply::error(400, BAD_CREDENTIALS, "app_id or app_secret is invalid")
    }

    /// `tenant_access_token/internal`: flat response, no `data`.
    pub(crate) fn tenant_internal(&mut self, body: &Value) -> Reply {
        if !self.credentials_ok(body) {
            return Self::bad_credentials();
        }
        let token = self.issue(Kind::Tenant, None);
        Reply::json(
            200,
            &json!({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": self.expire_seconds}),
        )
    }

    /// `app_access_token/internal`: also returns a tenant token, like the platform.
    pub(crate) fn app_internal(&mut self, body: &Value) -> Reply {
        if !self.credentials_ok(body) {
            return Self::bad_credentials();
        }
        let app = self.issue(Kind::App, None);
        let tenant = self.issue(Kind::Tenant, None);
        Reply::json(
            200,
            &json!({"code": 0, "msg": "ok", "app_access_token": app, "tenant_access_token": tenant, "expire": self.expire_seconds}),
        )
    }

    /// Marketplace `app_access_token`: needs a valid ticket.
    pub(crate) fn app_token(&mut self, body: &Value) -> Reply {
        if !self.credentials_ok(body) {
            return Self::bad_credentials();
        }
        if !text(body, "app_ticket").is_some_and(|ticket| self.tickets.contains(ticket)) {
            return Reply::error(400, TICKET_INVALID, "app_ticket is invalid");
        }
        let app = self.issue(Kind::App, None);
        Reply::json(
            200,
            &json!({"code": 0, "msg": "ok", "app_access_token": app, "expire": self.expire_seconds}),
        )
    }

    /// Marketplace `tenant_access_token`: an app token plus the tenant.
    pub(crate) fn tenant_token(&mut self, body: &Value) -> Reply {
        let app_ok = text(body, "app_access_token")
            .and_then(|token| self.issued.get(token))
            .is_some_and(|issued| issued.kind == Kind::App && issued.expires_at > Instant::now());
        if !app_ok {
            return Reply::error(400, APP_TOKEN_INVALID, "app access token is invalid");
        }
        let Some(tenant_key) = text(body, "tenant_key").filter(|key| !key.is_empty()) else {
            return Reply::error(400, 10002, "tenant_key is required");
        };
        let token = self.issue(Kind::Tenant, Some(tenant_key.to_owned()));
        Reply::json(
            200,
            &json!({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": self.expire_seconds}),
        )
    }

    /// `app_ticket/resend`: a new ticket is "pushed" (see `MockServer::issue_app_ticket`).
    pub(crate) fn resend(&mut self, body: &Value) -> Reply {
        if !self.credentials_ok(body) {
            return Self::bad_credentials();
        }
        Reply::json(200, &json!({"code": 0, "msg": "ok"}))
    }

    /// Checks `Authorization: Bearer <token>`; `Ok` carries the token's tenant.
    pub(crate) fn authorize(&self, authorization: Option<&str>) -> Result<Option<String>, Reply> {
        let Some(token) = authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .filter(|token| !token.is_empty())
        else {
            return Err(Reply::error(
                400,
                HEADER_MISSING,
                "Authorization header missing or empty",
            ));
        };
        if self.fixed.contains(token) {
            return Ok(None);
        }
        match self.issued.get(token) {
            Some(issued) if issued.kind == Kind::Tenant && issued.expires_at > Instant::now() => {
                Ok(issued.tenant_key.clone())
            }
            _ => Err(Reply::token_invalid(400)),
        }
    }
}

/// What an `Authorization` header carried, for the stubs (which accept chosen kinds).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Bearer {
    /// No header, or not `Bearer <token>`.
    Missing,
    /// A token this mock did not issue, or one expired or revoked.
    Unknown,
    /// A live token of this kind, with its tenant for marketplace tenant tokens.
    Known(TokenKind, Option<String>),
}

impl Tokens {
    /// Classifies `Authorization: Bearer <token>`.
    pub(crate) fn bearer(&self, authorization: Option<&str>) -> Bearer {
        let Some(token) = authorization
            .and_then(|value| value.strip_prefix("Bearer "))
            .filter(|token| !token.is_empty())
        else {
            return Bearer::Missing;
        };
        if self.fixed.contains(token) {
            return Bearer::Known(TokenKind::User, None);
        }
        match self.issued.get(token) {
            Some(issued) if issued.expires_at > Instant::now() => {
                let kind = match issued.kind {
                    Kind::Tenant => TokenKind::Tenant,
                    Kind::App => TokenKind::App,
                };
                Bearer::Known(kind, issued.tenant_key.clone())
            }
            _ => Bearer::Unknown,
        }
    }
}

fn text<'a>(body: &'a Value, key: &str) -> Option<&'a str> {
    body.get(key).and_then(Value::as_str)
}
