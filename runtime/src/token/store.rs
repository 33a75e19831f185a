//! Where tokens and marketplace app tickets are kept between calls.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Mutex, PoisonError};
use std::time::SystemTime;

use futures::future::BoxFuture;

use crate::secret::AccessToken;

/// Which token a cache entry holds.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// `tenant_access_token`.
    Tenant,
    /// `app_access_token`.
    App,
}

/// Identifies one managed token: tokens differ per deployment (domain), app and tenant.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct TokenKey {
    /// The client's base URL, e.g. `https://open.feishu.cn`.
    pub domain: String,
    /// The app the token was issued to.
    pub app_id: String,
    /// The tenant, for marketplace apps' tenant tokens; `None` otherwise.
    pub tenant_key: Option<String>,
    /// Which token this is.
    pub kind: TokenKind,
}

impl TokenKey {
    /// The key of the `kind` token of `app_id` on `domain` (the client's base URL, without
    /// a trailing `/`), for `tenant_key` when the token is a marketplace tenant token.
    pub fn new(
        domain: impl Into<String>,
        app_id: impl Into<String>,
        tenant_key: Option<String>,
        kind: TokenKind,
    ) -> Self {
        Self {
            domain: domain.into(),
            app_id: app_id.into(),
            tenant_key,
            kind,
        }
    }
}

impl fmt::Display for TokenKey {
    /// A flat form, handy as a key in an external store: `kind:domain:app_id[:tenant_key]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.kind {
            TokenKind::Tenant => "tenant",
            TokenKind::App => "app",
        };
        write!(f, "{kind}:{}:{}", self.domain, self.app_id)?;
        if let Some(tenant) = &self.tenant_key {
            write!(f, ":{tenant}")?;
        }
        Ok(())
    }
}

/// A token with its absolute expiry; wall-clock time so that it means the same in every
/// process sharing a cache.
#[non_exhaustive]
#[derive(Clone, Debug)]
pub struct CachedToken {
    /// The token.
    pub token: AccessToken,
    /// When the platform stops accepting it.
    pub expires_at: SystemTime,
}

impl CachedToken {
    /// A token valid until `expires_at`.
    pub fn new(token: AccessToken, expires_at: SystemTime) -> Self {
        Self { token, expires_at }
    }
}

/// Storage for managed tokens, so several clients or processes can share them.
///
/// Object-safe; methods return boxed futures so an implementation can talk to a remote
/// store. A store that fails should behave as if the entry were missing: the client then
/// fetches a new token, which is always safe.
pub trait TokenCache: Send + Sync + fmt::Debug {
    /// The cached token for `key`, fresh or not (the client decides when to refresh).
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Option<CachedToken>>;
    /// Stores `token` for `key`, replacing any previous one.
    fn put<'a>(&'a self, key: &'a TokenKey, token: CachedToken) -> BoxFuture<'a, ()>;
    /// Forgets the token for `key` (after the platform rejected it).
    fn remove<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, ()>;
}

/// The default [`TokenCache`]: a map in this process.
#[derive(Default)]
pub struct InMemoryTokenCache {
    tokens: Mutex<HashMap<TokenKey, CachedToken>>,
}

impl InMemoryTokenCache {
    fn with_map<R>(&self, f: impl FnOnce(&mut HashMap<TokenKey, CachedToken>) -> R) -> R {
        // A panic while holding the lock cannot leave the map half-updated.
        f(&mut self.tokens.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl TokenCache for InMemoryTokenCache {
    fn get<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, Option<CachedToken>> {
        let token = self.with_map(|tokens| tokens.get(key).cloned());
        Box::pin(async move { token })
    }

    fn put<'a>(&'a self, key: &'a TokenKey, token: CachedToken) -> BoxFuture<'a, ()> {
        self.with_map(|tokens| tokens.insert(key.clone(), token));
        Box::pin(async {})
    }

    fn remove<'a>(&'a self, key: &'a TokenKey) -> BoxFuture<'a, ()> {
        self.with_map(|tokens| tokens.remove(key));
        Box::pin(async {})
    }
}

impl fmt::Debug for InMemoryTokenCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let keys: Vec<String> =
            self.with_map(|tokens| tokens.keys().map(ToString::to_string).collect());
        f.debug_struct("InMemoryTokenCache")
            .field("keys", &keys)
            .finish()
    }
}

/// Where a marketplace app's `app_ticket` is kept. The platform pushes a new ticket about
/// once an hour as an event; the application's event handler calls [`set`](Self::set).
pub trait AppTicketStore: Send + Sync + fmt::Debug {
    /// The latest ticket received for `app_id`.
    fn get(&self, app_id: &str) -> Option<String>;
    /// Records a ticket just received for `app_id`.
    fn set(&self, app_id: &str, ticket: String);
}

/// The default [`AppTicketStore`]: a map in this process.
#[derive(Default)]
pub struct InMemoryAppTicketStore {
    tickets: Mutex<HashMap<String, String>>,
}

impl AppTicketStore for InMemoryAppTicketStore {
    fn get(&self, app_id: &str) -> Option<String> {
        self.tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(app_id)
            .cloned()
    }

    fn set(&self, app_id: &str, ticket: String) {
        self.tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(app_id.to_owned(), ticket);
    }
}

impl fmt::Debug for InMemoryAppTicketStore {
    // Tickets are credentials: only the apps that have one are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let apps: Vec<String> = self
            .tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .keys()
            .cloned()
            .collect();
        f.debug_struct("InMemoryAppTicketStore")
            .field("apps_with_ticket", &apps)
            .finish()
    }
}
