//! Bearer tokens, kept out of every `Debug`/`Display` output.

use std::fmt;
use std::sync::Arc;

/// A bearer token (`tenant_access_token`, `user_access_token` or `app_access_token`).
///
/// `Debug` and `Display` never show the token; they print `AccessToken(<redacted>)`.
/// Use [`AccessToken::expose_secret`] where the raw value is really needed.
#[derive(Clone)]
pub struct AccessToken(Arc<str>);

impl AccessToken {
    /// Wraps a token value as issued by the platform (without the `Bearer ` prefix).
    pub fn new(token: impl Into<String>) -> Self {
        Self(Arc::from(token.into()))
    }

    /// Returns the raw token. The name makes every place that leaks it easy to find.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl From<String> for AccessToken {
    fn from(token: String) -> Self {
        Self::new(token)
    }
}

impl From<&str> for AccessToken {
    fn from(token: &str) -> Self {
        Self::new(token)
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

impl fmt::Display for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("AccessToken(<redacted>)")
    }
}

/// Any other credential (app secret, app ticket): held only to be sent, never shown.
#[derive(Clone)]
pub(crate) struct Secret(Arc<str>);

impl Secret {
    pub(crate) fn new(value: impl Into<String>) -> Self {
        Self(Arc::from(value.into()))
    }

    pub(crate) fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::AccessToken;

    #[test]
    fn formatting_hides_the_token() {
        let token = AccessToken::from("t-secret-value");
        assert_eq!(format!("{token:?}"), "AccessToken(<redacted>)");
        assert_eq!(token.to_string(), "AccessToken(<redacted>)");
        assert_eq!(token.expose_secret(), "t-secret-value");
    }
}
