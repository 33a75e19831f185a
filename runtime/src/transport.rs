//! One HTTP exchange under the limits every call needs: redirects never leave the
//! configured origin, and response bodies are read incrementally under a size cap.
//!
//! Redirects are followed here rather than by reqwest, because reqwest's policy cannot
//! tell which origin a client was configured for, re-sends a body (the token endpoints'
//! body is the app secret) on 307/308 to any host, and adds a `Referer` carrying the
//! original URL. The rules:
//!
//! - A redirect whose target has another scheme, host or port than the base URL is not
//!   followed: the call fails with [`TransportErrorKind::Redirect`], naming only the
//!   foreign origin (never its path or query, which may carry anything).
//! - Same-origin redirects are followed, at most [`MAX_REDIRECTS`] hops. 303, and 301/302
//!   answering a POST, continue as a GET without the body (what browsers and reqwest
//!   do); 307/308 repeat the method and body. No `Referer` is ever sent.
//! - A caller-supplied `reqwest::Client` may follow redirects by itself; its final URL is
//!   checked too, so a foreign answer is never used, but what it sent cannot be unsent,
//!   which is why [`ClientBuilder::http_client`](crate::ClientBuilder::http_client) asks
//!   for `redirect::Policy::none()`.
//!
//! Bodies: a success body larger than the configured cap fails with
//! [`TransportErrorKind::BodyTooLarge`] as soon as the cap is passed (or at once when
//! `Content-Length` already says so), whatever `Content-Length` claimed. An error body
//! (any non-2xx status) is only read up to [`ERROR_BODY_LIMIT`]: the error envelope is
//! short, and a gateway's huge error page must not be downloaded once per retry.
//!
//! Downloads: a 2xx answer to a streamed request is handed back unread (its body is
//! the caller's to stream); the configured timeout then bounds the wait for the
//! response head, and the download bounds each wait for a chunk.

use std::time::Duration;

use reqwest::header::{CONTENT_LENGTH, CONTENT_TYPE, HeaderMap, LOCATION};
use reqwest::{Method, StatusCode, Url};

use bytes::Bytes;

use crate::error::{Error, InvalidRequest, TransportError, TransportErrorKind};
use crate::multipart::Form;
use crate::response::RawResponse;

/// Same-origin redirect hops followed before giving up.
pub(crate) const MAX_REDIRECTS: usize = 5;

/// How much of a non-2xx body is read: error envelopes (with field and permission
/// violations) are well under this; the message and `raw_body` need no more.
pub(crate) const ERROR_BODY_LIMIT: usize = 16 * 1024;

/// One request to send.
pub(crate) struct Outgoing<'a> {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) headers: HeaderMap,
    pub(crate) body: OutBody<'a>,
    pub(crate) timeout: Duration,
    /// The largest success body accepted.
    pub(crate) max_body: usize,
    /// Hand a 2xx response back unread ([`Received::Streaming`]).
    pub(crate) stream: bool,
}

/// A request body as sent; a form is turned into wire form for each hop.
#[derive(Clone, Copy)]
pub(crate) enum OutBody<'a> {
    None,
    Bytes(&'a Bytes),
    Form(&'a Form),
}

/// What came back.
pub(crate) enum Received {
    /// Status, headers and the body (capped).
    Buffered(RawResponse),
    /// A 2xx answer to a streamed request, body unread.
    Streaming(reqwest::Response),
}

impl Received {
    /// The buffered response; a streamed one is read under `max_body` first.
    pub(crate) async fn buffered(self, max_body: usize) -> Result<RawResponse, Error> {
        match self {
            Self::Buffered(raw) => Ok(raw),
            Self::Streaming(response) => {
                let status = response.status().as_u16();
                let headers = response.headers().clone();
                let body = read_body(response, max_body, false).await?;
                Ok(RawResponse {
                    status,
                    headers,
                    body,
                })
            }
        }
    }
}

/// Sends `request` to an URL on `origin`'s origin and reads the response.
pub(crate) async fn send(
    http: &reqwest::Client,
    origin: &Url,
    request: Outgoing<'_>,
) -> Result<Received, Error> {
    let Outgoing {
        mut method,
        mut url,
        mut headers,
        mut body,
        timeout,
        max_body,
        stream,
    } = request;
    let mut hop = 0;
    loop {
        let mut builder = http
            .request(method.clone(), url.clone())
            .headers(headers.clone());
        if !stream {
            // Per request as well as on the built client, so a caller-supplied
            // `reqwest::Client` still honours the configured timeout. Not for a
            // download: reqwest's timeout would also cut the body short.
            builder = builder.timeout(timeout);
        }
        builder = match body {
            OutBody::None => builder,
            OutBody::Bytes(bytes) => builder.body(bytes.clone()),
            OutBody::Form(form) => builder.multipart(form.to_reqwest().await?),
        };
        let response = if stream {
            tokio::time::timeout(timeout, builder.send())
                .await
                .map_err(|_| head_timeout(timeout))?
        } else {
            builder.send().await
        }
        .map_err(send_error)?;
        // A caller-supplied client may have followed a redirect itself.
        if !same_origin(response.url(), origin) {
            return Err(foreign_origin(response.url()));
        }
        let status = response.status();
        if is_followed_redirect(status) {
            let target = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .and_then(|location| url.join(location).ok());
            let Some(target) = target else {
                return Err(redirect_error(format!(
                    "HTTP {} without a usable Location",
                    status.as_u16()
                )));
            };
            if !same_origin(&target, origin) {
                return Err(foreign_origin(&target));
            }
            if hop >= MAX_REDIRECTS {
                return Err(redirect_error(format!(
                    "more than {MAX_REDIRECTS} redirects"
                )));
            }
            let to_get = status == StatusCode::SEE_OTHER
                || (method == Method::POST
                    && matches!(status, StatusCode::MOVED_PERMANENTLY | StatusCode::FOUND));
            if to_get && method != Method::HEAD {
                method = Method::GET;
                body = OutBody::None;
                headers.remove(CONTENT_TYPE);
                headers.remove(CONTENT_LENGTH);
            }
            url = target;
            hop += 1;
            continue;
        }
        let status = status.as_u16();
        if stream && (200..300).contains(&status) {
            return Ok(Received::Streaming(response));
        }
        let headers = response.headers().clone();
        let body = if (200..300).contains(&status) {
            read_body(response, max_body, false).await?
        } else {
            read_body(response, ERROR_BODY_LIMIT, true).await?
        };
        return Ok(Received::Buffered(RawResponse {
            status,
            headers,
            body,
        }));
    }
}

/// Whether `a` has `b`'s scheme, host and port (default ports made explicit).
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

fn is_followed_redirect(status: StatusCode) -> bool {
    matches!(
        status,
        StatusCode::MOVED_PERMANENTLY
            | StatusCode::FOUND
            | StatusCode::SEE_OTHER
            | StatusCode::TEMPORARY_REDIRECT
            | StatusCode::PERMANENT_REDIRECT
    )
}

/// A request reqwest refuses to build cannot be fixed by sending it again.
fn send_error(error: reqwest::Error) -> Error {
    if error.is_builder() {
        return InvalidRequest::new(
            "request",
            "<redacted>",
            format!("must be a sendable HTTP request: {}", error.without_url()),
        )
        .into();
    }
    TransportError::new(error).into()
}

fn foreign_origin(target: &Url) -> Error {
    redirect_error(format!(
        "redirect to the foreign origin {} was not followed; only the configured base URL's origin is trusted",
        target.origin().ascii_serialization()
    ))
}

pub(crate) fn head_timeout(timeout: Duration) -> Error {
    TransportError::message(
        TransportErrorKind::Timeout,
        format!("no response within {} s", timeout.as_secs_f64()),
    )
    .into()
}

fn redirect_error(message: String) -> Error {
    TransportError::message(TransportErrorKind::Redirect, message).into()
}

fn too_large(limit: usize) -> Error {
    TransportError::message(
        TransportErrorKind::BodyTooLarge,
        format!("the body exceeds the limit of {limit} bytes"),
    )
    .into()
}

/// Reads at most `limit` bytes: past it, the rest is cut off (`truncate`) or the read
/// fails. `Content-Length` only sizes the buffer and rejects early; it is never
/// trusted to bound the read.
pub(crate) async fn read_body(
    mut response: reqwest::Response,
    limit: usize,
    truncate: bool,
) -> Result<Vec<u8>, Error> {
    let declared = response.content_length();
    if !truncate && declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large(limit));
    }
    let capacity = declared.map_or(0, |length| {
        usize::try_from(length).unwrap_or(limit).min(limit)
    });
    let mut body = Vec::with_capacity(capacity);
    while let Some(chunk) = response.chunk().await.map_err(TransportError::new)? {
        let room = limit - body.len();
        if chunk.len() > room {
            if !truncate {
                return Err(too_large(limit));
            }
            body.extend_from_slice(&chunk[..room]);
            // Dropping the response closes the connection instead of draining it.
            break;
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use reqwest::Url;

    use super::{same_origin, send_error};
    use crate::error::Error;
    use crate::retry::{Verdict, classify};

    /// A request reqwest cannot build is the caller's to fix: never retried.
    #[test]
    fn unbuildable_requests_are_invalid_not_transport_errors() {
        let Err(error) = reqwest::Client::new().get("no scheme, no host").build() else {
            panic!("reqwest built a request from a non-URL");
        };
        assert!(error.is_builder());
        let error = send_error(error);
        assert!(matches!(error, Error::InvalidRequest(_)), "{error:?}");
        assert_eq!(classify(&error), Verdict::Fail);
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        let base = Url::parse("https://open.feishu.cn").unwrap();
        let same = Url::parse("https://open.feishu.cn:443/open-apis/x?y=1").unwrap();
        assert!(same_origin(&same, &base));
        for other in [
            "http://open.feishu.cn/",
            "https://open.feishu.cn:8443/",
            "https://evil.example/",
            "https://open.feishu.cn.evil.example/",
        ] {
            assert!(!same_origin(&Url::parse(other).unwrap(), &base), "{other}");
        }
    }
}
