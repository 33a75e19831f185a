//! Building responses the way the platform shapes them.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, StatusCode};
use axum::response::Response;
use futures::StreamExt;
use serde_json::{Value, json};

pub(crate) const RATE_LIMITED_CODE: i64 = 99991400;
pub(crate) const TOKEN_INVALID_CODE: i64 = 99991663;

/// A response plus what the request log needs to know about it.
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) code: Option<i64>,
    pub(crate) body: Body,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(&'static str, String)>,
    /// Headers sent as raw bytes (e.g. a hostile `Content-Disposition`).
    pub(crate) byte_headers: Vec<(&'static str, Vec<u8>)>,
}

impl Reply {
    pub(crate) fn json(status: u16, value: &Value) -> Self {
        Self {
            status,
            code: value.get("code").and_then(Value::as_i64),
            body: Body::from(value.to_string()),
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            byte_headers: Vec::new(),
        }
    }

    /// `{code: 0, msg: "success", data}`.
    pub(crate) fn data(data: Value) -> Self {
        Self::json(200, &json!({"code": 0, "msg": "success", "data": data}))
    }

    /// An error envelope with the newer `error` part carrying the log id.
    pub(crate) fn error(status: u16, code: i64, msg: &str) -> Self {
        Self::json(status, &json!({"code": code, "msg": msg}))
    }

    pub(crate) fn token_invalid(status: u16) -> Self {
        Self::error(
            status,
            TOKEN_INVALID_CODE,
            "Invalid access token for authorization. Please make a request with token attached.",
        )
    }

    pub(crate) fn rate_limited(status: u16, limit: u32, reset_seconds: u64) -> Self {
        let mut reply = Self::error(status, RATE_LIMITED_CODE, "request trigger frequency limit");
        reply
            .headers
            .push(("x-ogw-ratelimit-limit", limit.to_string()));
        reply
            .headers
            .push(("x-ogw-ratelimit-reset", reset_seconds.to_string()));
        reply
    }

    pub(crate) fn raw(status: u16, content_type: &'static str, body: impl Into<Body>) -> Self {
        Self {
            status,
            code: None,
            body: body.into(),
            content_type,
            headers: Vec::new(),
            byte_headers: Vec::new(),
        }
    }

    pub(crate) fn redirect(status: u16, location: &str) -> Self {
        let mut reply = Self::raw(status, "text/plain", "redirecting");
        reply.headers.push(("location", location.to_owned()));
        reply
    }

    /// `{"code":0,"data":{"pad":"xxxx...` forever, 64 KiB per chunk, counting what the
    /// client took. Chunked, so no `Content-Length` tells the client to stop.
    pub(crate) fn endless(status: u16, served: Arc<AtomicU64>) -> Self {
        const CHUNK: usize = 64 * 1024;
        let start = Bytes::from_static(br#"{"code":0,"msg":"ok","data":{"pad":""#);
        let pad = Bytes::from(vec![b'x'; CHUNK]);
        let chunks = futures::stream::iter(std::iter::once(start).chain(std::iter::repeat(pad)))
            .map(move |chunk| {
                served.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                Ok::<Bytes, std::io::Error>(chunk)
            });
        Self {
            status,
            code: None,
            body: Body::from_stream(chunks),
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            byte_headers: Vec::new(),
        }
    }

    /// Status and headers go out, then the body fails, so the connection is cut.
    pub(crate) fn dropped() -> Self {
        let failing = futures::stream::once(async {
            Err::<Bytes, std::io::Error>(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "mock: connection dropped",
            ))
        });
        Self {
            status: 200,
            code: None,
            body: Body::from_stream(failing),
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            byte_headers: Vec::new(),
        }
    }

    pub(crate) fn into_response(self, log_id: &str) -> Response {
        let mut response = Response::new(self.body);
        *response.status_mut() =
            StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = response.headers_mut();
        headers.insert("content-type", HeaderValue::from_static(self.content_type));
        if let Ok(value) = HeaderValue::from_str(log_id) {
            headers.insert("x-tt-logid", value);
        }
        for (name, value) in self.headers {
            if let Ok(value) = HeaderValue::from_str(&value) {
                headers.insert(name, value);
            }
        }
        for (name, value) in self.byte_headers {
            if let Ok(value) = HeaderValue::from_bytes(&value) {
                headers.insert(name, value);
            }
        }
        response
    }
}
