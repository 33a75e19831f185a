//! Client configuration: the settings a [`ClientBuilder`](crate::ClientBuilder) collects,
//! their defaults and their validation. The client is built from a [`Config`] by
//! `Client::new`; this module knows nothing of the client, so the dependency runs one
//! way (builder -> client -> config).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::Url;

use crate::error::Error;
use crate::operation::RateLimit;
use crate::retry::RetryPolicy;
use crate::secret::{AccessToken, Secret};
use crate::token::{AppKind, TokenCache};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_USER_AGENT: &str = concat!("feishu-rust/", env!("CARGO_PKG_VERSION"));

/// Default cap on a success response body: 16 MiB.
///
/// The largest JSON responses the platform documents are spreadsheet range reads, which
/// it caps at 10 MB; everything else (pages of at most a few hundred items) is far
/// smaller. 16 MiB leaves headroom above that without letting a broken or hostile server
/// make the client buffer hundreds of MiB.
pub(crate) const DEFAULT_MAX_RESPONSE_BODY: usize = 16 * 1024 * 1024;

/// Base URLs of the two platform deployments; the same `/open-apis/...` paths exist on both.
#[derive(Debug)]
pub struct BaseUrl;

impl BaseUrl {
    /// Feishu (China).
    pub const FEISHU: &'static str = "https://open.feishu.cn";
    /// Lark (international).
    pub const LARK: &'static str = "https://open.larksuite.com";
}

/// Every setting of a client, as collected by the builder (not yet validated).
pub(crate) struct Config {
    pub(crate) base_url: String,
    pub(crate) access_token: Option<AccessToken>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) user_agent: String,
    pub(crate) http_client: Option<reqwest::Client>,
    pub(crate) app: Option<AppCredentials>,
    pub(crate) token_cache: Option<Arc<dyn TokenCache>>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limiting: bool,
    pub(crate) rate_limit_overrides: HashMap<&'static str, RateLimit>,
    pub(crate) max_response_body: usize,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            base_url: BaseUrl::FEISHU.to_owned(),
            access_token: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: DEFAULT_USER_AGENT.to_owned(),
            http_client: None,
            app: None,
            token_cache: None,
            retry: RetryPolicy::new(),
            rate_limiting: true,
            rate_limit_overrides: HashMap::new(),
            max_response_body: DEFAULT_MAX_RESPONSE_BODY,
        }
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url)
            .field("access_token", &self.access_token)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("user_agent", &self.user_agent)
            .field("http_client", &self.http_client.is_some())
            .field("app", &self.app)
            .field("token_cache", &self.token_cache)
            .field("retry", &self.retry)
            .field("rate_limiting", &self.rate_limiting)
            .field("rate_limit_overrides", &self.rate_limit_overrides)
            .field("max_response_body", &self.max_response_body)
            .finish()
    }
}

/// App id and secret as configured; the secret never shows in `Debug`.
pub(crate) struct AppCredentials {
    pub(crate) app_id: String,
    pub(crate) app_secret: Secret,
    pub(crate) kind: AppKind,
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("app_id", &self.app_id)
            .field("app_secret", &self.app_secret)
            .field("marketplace", &matches!(self.kind, AppKind::Marketplace(_)))
            .finish()
    }
}

/// Returns the base URL without trailing slashes, ready to have `/open-apis/...` appended.
pub(crate) fn validate_base_url(raw: &str) -> Result<String, Error> {
    let trimmed = raw.trim_end_matches('/');
    // The URL itself is not echoed: it may carry credentials.
    let url = Url::parse(trimmed)
        .map_err(|error| Error::Config(format!("base URL is not a valid URL: {error}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "base URL must use http or https, not `{}`",
            url.scheme()
        )));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config("base URL has no host".into()));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(
            "base URL must not contain credentials; use access_token".into(),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(Error::Config(
            "base URL must not have a query or fragment: endpoint paths are appended to it".into(),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::validate_base_url;

    #[test]
    fn accepts_http_and_https_and_trims_slashes() {
        assert_eq!(
            validate_base_url("https://open.feishu.cn//")
                .ok()
                .as_deref(),
            Some("https://open.feishu.cn")
        );
        assert_eq!(
            validate_base_url("http://127.0.0.1:8080/proxy/")
                .ok()
                .as_deref(),
            Some("http://127.0.0.1:8080/proxy")
        );
    }

    #[test]
    fn rejects_unusable_urls() {
        for bad in [
            "",
            "open.feishu.cn",
            "ftp://open.feishu.cn",
            "https://user:pw@open.feishu.cn",
            "https://open.feishu.cn?x=1",
            "https://open.feishu.cn#x",
        ] {
            assert!(validate_base_url(bad).is_err(), "{bad:?} was accepted");
        }
    }
}
