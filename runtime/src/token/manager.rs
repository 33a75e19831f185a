//! Managed app and tenant tokens: lazy refresh, single-flight fetching, eviction.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::json;

use super::endpoint::{self, Endpoints, Field};
use super::store::{AppTicketStore, CachedToken, TokenCache, TokenKey, TokenKind};
use crate::error::{AuthError, AuthErrorKind, Error};
use crate::secret::{AccessToken, Secret};

/// Tokens are refreshed when less than this much of their life is left, like the
/// official SDKs do; it also covers clock skew between processes sharing a cache.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(180);

/// Codes meaning "the token you sent is no longer accepted".
const TOKEN_INVALID_CODES: [i64; 5] = [99991663, 99991664, 99991671, 99991668, 99991677];

/// Whether `error` says the token sent was rejected.
pub(crate) fn is_token_invalid(error: &Error) -> bool {
    matches!(error, Error::Api(api) if TOKEN_INVALID_CODES.contains(&api.code))
}

/// How the app obtains its tokens.
#[derive(Clone)]
pub(crate) enum AppKind {
    /// A self-built app: its secret alone yields tokens.
    SelfBuilt,
    /// A marketplace app: tokens need the latest pushed `app_ticket`.
    Marketplace(Arc<dyn AppTicketStore>),
}

/// Obtains and caches the tokens of one app for one client (and its clones).
pub(crate) struct TokenManager {
    app_id: String,
    app_secret: Secret,
    kind: AppKind,
    cache: Arc<dyn TokenCache>,
    endpoints: Endpoints,
    /// One lock per key: whoever holds it fetches, everyone else waits and then reads
    /// the cache, so a cold or expiring cache costs exactly one token request.
    flights: Mutex<HashMap<TokenKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl TokenManager {
    pub(crate) fn new(
        app_id: String,
        app_secret: Secret,
        kind: AppKind,
        cache: Arc<dyn TokenCache>,
        endpoints: Endpoints,
    ) -> Self {
        Self {
            app_id,
            app_secret,
            kind,
            cache,
            endpoints,
            flights: Mutex::new(HashMap::new()),
        }
    }

    pub(crate) fn is_marketplace(&self) -> bool {
        matches!(self.kind, AppKind::Marketplace(_))
    }

    /// A token of `kind` fresh for at least [`REFRESH_MARGIN`].
    pub(crate) async fn token(
        &self,
        kind: TokenKind,
        tenant_key: Option<&str>,
    ) -> Result<AccessToken, Error> {
        match kind {
            TokenKind::App => self.app_token().await,
            TokenKind::Tenant => self.tenant_token(tenant_key).await,
        }
    }

    /// Drops the cached token of `kind` if it is still `rejected`; a token another task
    /// has already refreshed stays.
    pub(crate) async fn evict(
        &self,
        kind: TokenKind,
        tenant_key: Option<&str>,
        rejected: &AccessToken,
    ) {
        let key = self.key(kind, tenant_key);
        let cached = self.cache.get(&key).await;
        if cached.is_some_and(|c| c.token.expose_secret() == rejected.expose_secret()) {
            tracing::debug!(token_kind = ?kind, "evicting a rejected token");
            self.cache.remove(&key).await;
        }
    }

    async fn tenant_token(&self, tenant_key: Option<&str>) -> Result<AccessToken, Error> {
        match &self.kind {
            AppKind::SelfBuilt => {
                let key = self.key(TokenKind::Tenant, None);
                let body = self.credentials_body();
                self.cached(key, || {
                    self.endpoints
                        .fetch(endpoint::TENANT_TOKEN_INTERNAL, body, Field::Tenant)
                })
                .await
            }
            AppKind::Marketplace(_) => {
                let Some(tenant_key) = tenant_key else {
                    return Err(AuthError::new(
                        AuthErrorKind::TenantKeyMissing,
                        "a marketplace app needs the tenant: pass RequestOptions::tenant_key",
                    )
                    .into());
                };
                let key = self.key(TokenKind::Tenant, Some(tenant_key));
                self.cached(key, || self.fetch_marketplace_tenant_token(tenant_key))
                    .await
            }
        }
    }

    async fn fetch_marketplace_tenant_token(&self, tenant_key: &str) -> Result<CachedToken, Error> {
        let app_token = self.app_token().await?;
        let body = json!({
            "app_access_token": app_token.expose_secret(),
            "tenant_key": tenant_key,
        });
        let result = self
            .endpoints
            .fetch(endpoint::TENANT_TOKEN, body, Field::Tenant)
            .await;
        if let Err(Error::Auth(auth)) = &result
            && auth
                .code
                .is_some_and(|code| TOKEN_INVALID_CODES.contains(&code))
        {
            // The app token was revoked early; the next call fetches a new one.
            self.evict(TokenKind::App, None, &app_token).await;
        }
        result
    }

    async fn app_token(&self) -> Result<AccessToken, Error> {
        let key = self.key(TokenKind::App, None);
        match &self.kind {
            AppKind::SelfBuilt => {
                let body = self.credentials_body();
                self.cached(key, || {
                    self.endpoints
                        .fetch(endpoint::APP_TOKEN_INTERNAL, body, Field::App)
                })
                .await
            }
            AppKind::Marketplace(tickets) => {
                self.cached(key, || self.fetch_marketplace_app_token(tickets.as_ref()))
                    .await
            }
        }
    }

    async fn fetch_marketplace_app_token(
        &self,
        tickets: &dyn AppTicketStore,
    ) -> Result<CachedToken, Error> {
        let Some(ticket) = tickets.get(&self.app_id).map(Secret::new) else {
            self.endpoints
                .request_ticket_resend(self.credentials_body())
                .await;
            return Err(AuthError::new(
                AuthErrorKind::TicketMissing,
                "no app_ticket received yet; a resend was requested, retry once the \
                 app_ticket event has been handled",
            )
            .into());
        };
        let body = json!({
            "app_id": self.app_id,
            "app_secret": self.app_secret.expose_secret(),
            "app_ticket": ticket.expose_secret(),
        });
        let result = self
            .endpoints
            .fetch(endpoint::APP_TOKEN, body, Field::App)
            .await;
        if let Err(Error::Auth(auth)) = &result
            && auth.kind == AuthErrorKind::TicketInvalid
        {
            self.endpoints
                .request_ticket_resend(self.credentials_body())
                .await;
        }
        result
    }

    /// The cached token for `key` if still fresh, else the result of one `fetch` shared
    /// by every concurrent caller.
    async fn cached<F, Fut>(&self, key: TokenKey, fetch: F) -> Result<AccessToken, Error>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<CachedToken, Error>>,
    {
        if let Some(token) = self.fresh(&key).await {
            return Ok(token);
        }
        let flight = self.flight(&key);
        let _fetching = flight.lock().await;
        // Whoever held the lock before us may have fetched already.
        if let Some(token) = self.fresh(&key).await {
            return Ok(token);
        }
        let fetched = fetch().await?;
        let token = fetched.token.clone();
        self.cache.put(&key, fetched).await;
        Ok(token)
    }

    async fn fresh(&self, key: &TokenKey) -> Option<AccessToken> {
        let cached = self.cache.get(key).await?;
        let remaining = cached.expires_at.duration_since(SystemTime::now()).ok()?;
        (remaining > REFRESH_MARGIN).then_some(cached.token)
    }

    fn flight(&self, key: &TokenKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut flights = self.flights.lock().unwrap_or_else(PoisonError::into_inner);
        Arc::clone(flights.entry(key.clone()).or_default())
    }

    fn key(&self, kind: TokenKind, tenant_key: Option<&str>) -> TokenKey {
        TokenKey {
            domain: self.endpoints.base_url.clone(),
            app_id: self.app_id.clone(),
            tenant_key: tenant_key.map(str::to_owned),
            kind,
        }
    }

    fn credentials_body(&self) -> serde_json::Value {
        json!({
            "app_id": self.app_id,
            "app_secret": self.app_secret.expose_secret(),
        })
    }
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("app_id", &self.app_id)
            .field("app_secret", &self.app_secret)
            .field("marketplace", &self.is_marketplace())
            .field("cache", &self.cache)
            .finish_non_exhaustive()
    }
}
