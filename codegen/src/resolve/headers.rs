//! Header parameters. The client owns the headers that frame the request
//! (authentication, body framing, connection), so a spec may not declare
//! them: a spec `Authorization` parameter would let a caller replace the
//! access token silently, a `Content-Length` would corrupt the framing.

use super::Resolver;
use crate::source::{Segment, SourceFile, YamlPath};

/// Headers the client (runtime or HTTP stack) sets itself, lower case.
const OWNED: &[&str] = &[
    "authorization",
    "content-type",
    "content-length",
    "content-encoding",
    "transfer-encoding",
    "host",
    "user-agent",
    "cookie",
    "connection",
    "accept-encoding",
    "te",
    "trailer",
    "upgrade",
    "keep-alive",
    "proxy-authorization",
    "expect",
];

impl Resolver {
    /// Reports header parameters whose names the client owns or that are
    /// not valid header names. Returns whether all are usable.
    pub(super) fn check_header_names<'a>(
        &mut self,
        source: &SourceFile,
        path: &YamlPath,
        names: impl IntoIterator<Item = &'a String>,
    ) -> bool {
        let mut ok = true;
        for name in names {
            let mut at = path.clone();
            at.push(Segment::Key(name.clone()));
            let lower = name.to_ascii_lowercase();
            if OWNED.contains(&lower.as_str()) {
                self.error(
                    source,
                    &at,
                    true,
                    format!("the header `{name}` is set by the client, not by a parameter"),
                    Some("remove it: tokens, body framing and connection headers come from the runtime".into()),
                );
                ok = false;
            } else if name.is_empty() || !name.bytes().all(is_token_byte) {
                self.error(
                    source,
                    &at,
                    true,
                    format!("`{name}` is not a valid HTTP header name"),
                    Some("header names are ASCII letters, digits and `-` (e.g. `Range`)".into()),
                );
                ok = false;
            }
        }
        ok
    }
}

/// RFC 9110 `tchar`.
fn is_token_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

#[cfg(test)]
mod tests {
    use super::is_token_byte;

    #[test]
    fn header_name_bytes() {
        assert!(b"X-Request-Id".iter().all(|b| is_token_byte(*b)));
        assert!(!b"Bad Header".iter().all(|b| is_token_byte(*b)));
        assert!(!"Rängé".bytes().all(is_token_byte));
    }
}
