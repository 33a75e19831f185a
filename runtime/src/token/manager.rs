//! Managed app and tenant tokens: lazy refresh, single-flight fetching (see
//! [`flight`](super::flight)), eviction.

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use futures::FutureExt;
use futures::future::BoxFuture;
use serde_json::json;

use super::endpoint::{self, Endpoints, Field};
use super::flight::Flights;
use super::store::{AppTicketStore, CachedToken, TokenCache, TokenKey, TokenKind};
use crate::error::{AuthError, AuthErrorKind, Error};
use crate::secret::{AccessToken, Secret};

/// Tokens are refreshed when less than this much of their life is left, like the
/// official SDKs do; it also covers clock skew between processes sharing a cache.
pub(crate) const REFRESH_MARGIN: Duration = Duration::from_secs(180);

/// Codes meaning "the token you sent is no longer accepted".
/// 99991661 (Authorization missing or malformed) belongs here too: a managed token the
/// platform cannot read is as useless as an expired one.
const TOKEN_INVALID_CODES: [i64; 6] = [99991661, 99991663, 99991664, 99991671, 99991668, 99991677];

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
///
/// Cheap to clone: a fetch task holds a clone while it runs.
#[derive(Clone)]
pub(crate) struct TokenManager {
    inner: Arc<Inner>,
}

struct Inner {
    app_id: String,
    app_secret: Secret,
    kind: AppKind,
    cache: Arc<dyn TokenCache>,
    endpoints: Endpoints,
    /// One fetch per key at a time, shared by every caller, so a cold or expiring
    /// cache costs exactly one token request, and so does a failure.
    flights: Arc<Flights>,
}

type Fetch = BoxFuture<'static, Result<CachedToken, Error>>;

impl TokenManager {
    pub(crate) fn new(
        app_id: String,
        app_secret: Secret,
        kind: AppKind,
        cache: Arc<dyn TokenCache>,
        endpoints: Endpoints,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                app_id,
                app_secret,
                kind,
                cache,
                endpoints,
                flights: Arc::default(),
            }),
        }
    }

    pub(crate) fn is_marketplace(&self) -> bool {
        matches!(self.inner.kind, AppKind::Marketplace(_))
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
        let cached = self.inner.cache.get(&key).await;
        if cached.is_some_and(|c| c.token.expose_secret() == rejected.expose_secret()) {
            tracing::debug!(token_kind = ?kind, "evicting a rejected token");
            self.inner.cache.remove(&key).await;
        }
    }

    async fn tenant_token(&self, tenant_key: Option<&str>) -> Result<AccessToken, Error> {
        match &self.inner.kind {
            AppKind::SelfBuilt => {
                let key = self.key(TokenKind::Tenant, None);
                let body = self.credentials_body();
                self.cached(key, move |manager| {
                    async move {
                        manager
                            .inner
                            .endpoints
                            .fetch(endpoint::TENANT_TOKEN_INTERNAL, body, Field::Tenant)
                            .await
                    }
                    .boxed()
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
                let tenant_key = tenant_key.to_owned();
                self.cached(key, move |manager| {
                    async move { manager.fetch_marketplace_tenant_token(&tenant_key).await }.boxed()
                })
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
            .inner
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
        match &self.inner.kind {
            AppKind::SelfBuilt => {
                let body = self.credentials_body();
                self.cached(key, move |manager| {
                    async move {
                        manager
                            .inner
                            .endpoints
                            .fetch(endpoint::APP_TOKEN_INTERNAL, body, Field::App)
                            .await
                    }
                    .boxed()
                })
                .await
            }
            AppKind::Marketplace(tickets) => {
                let tickets = Arc::clone(tickets);
                self.cached(key, move |manager| {
                    async move { manager.fetch_marketplace_app_token(tickets.as_ref()).await }
                        .boxed()
                })
                .await
            }
        }
    }

    async fn fetch_marketplace_app_token(
        &self,
        tickets: &dyn AppTicketStore,
    ) -> Result<CachedToken, Error> {
        let Some(ticket) = tickets.get(&self.inner.app_id).map(Secret::new) else {
            self.inner
                .endpoints
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
            "app_id": self.inner.app_id,
            "app_secret": self.inner.app_secret.expose_secret(),
            "app_ticket": ticket.expose_secret(),
        });
        let result = self
            .inner
            .endpoints
            .fetch(endpoint::APP_TOKEN, body, Field::App)
            .await;
        if let Err(Error::Auth(auth)) = &result
            && auth.kind == AuthErrorKind::TicketInvalid
        {
            self.inner
                .endpoints
                .request_ticket_resend(self.credentials_body())
                .await;
        }
        result
    }

    /// The cached token for `key` if still fresh, else the result of one `fetch` shared
    /// by every concurrent caller.
    async fn cached<F>(&self, key: TokenKey, fetch: F) -> Result<AccessToken, Error>
    where
        F: FnOnce(TokenManager) -> Fetch + Send + 'static,
    {
        if let Some(token) = self.fresh(&key).await {
            return Ok(token);
        }
        let manager = self.clone();
        let task_key = key.clone();
        let work = async move {
            // The previous flight, or another process sharing the cache, may have
            // fetched since this caller looked.
            if let Some(token) = manager.fresh(&task_key).await {
                return Ok(token);
            }
            let fetched = fetch(manager.clone()).await?;
            let token = fetched.token.clone();
            manager.inner.cache.put(&task_key, fetched).await;
            Ok(token)
        };
        self.inner.flights.join_or_start(&key, work).await
    }

    async fn fresh(&self, key: &TokenKey) -> Option<AccessToken> {
        let cached = self.inner.cache.get(key).await?;
        let remaining = cached.expires_at.duration_since(SystemTime::now()).ok()?;
        (remaining > REFRESH_MARGIN).then_some(cached.token)
    }

    fn key(&self, kind: TokenKind, tenant_key: Option<&str>) -> TokenKey {
        TokenKey {
            domain: self.inner.endpoints.base_url.clone(),
            app_id: self.inner.app_id.clone(),
            tenant_key: tenant_key.map(str::to_owned),
            kind,
        }
    }

    fn credentials_body(&self) -> serde_json::Value {
        json!({
            "app_id": self.inner.app_id,
            "app_secret": self.inner.app_secret.expose_secret(),
        })
    }
}

impl fmt::Debug for TokenManager {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenManager")
            .field("app_id", &self.inner.app_id)
            .field("app_secret", &self.inner.app_secret)
            .field("marketplace", &self.is_marketplace())
            .field("cache", &self.inner.cache)
            .finish_non_exhaustive()
    }
}
