//! Shared helpers for the workspace tests: where things are, how to compare
//! JSON the way the wire means it, and a capturing HTTP server on 127.0.0.1.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri};
use axum::response::IntoResponse;

/// The workspace root: the parent of this test crate. (A compile-time path
/// is right for tests, which check the checkout they were built from; the
/// codegen binary searches from the current directory instead.)
pub fn workspace_root() -> PathBuf {
    let tests = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    tests.parent().unwrap_or(tests).to_path_buf()
}

/// `JSON == JSON` as the wire means it: numbers compare by value, so the
/// doc's `"weight": 40` equals a re-serialized `f64` `40.0`.
pub fn json_equivalent(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(x), Some(y)) => x == y,
            _ => x.as_f64() == y.as_f64(),
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_equivalent(x, y))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_equivalent(v, w)))
        }
        _ => a == b,
    }
}

/// One request as the server saw it.
#[derive(Clone, Debug)]
pub struct Captured {
    /// HTTP method.
    pub method: Method,
    /// Path exactly as sent, percent-encoding kept.
    pub raw_path: String,
    /// Query string exactly as sent.
    pub raw_query: Option<String>,
    /// Request headers.
    pub headers: HeaderMap,
    /// Request body.
    pub body: Bytes,
}

/// What the capture server answers.
#[derive(Clone, Debug)]
pub struct Reply {
    /// HTTP status.
    pub status: u16,
    /// Extra response headers.
    pub headers: Vec<(&'static str, String)>,
    /// Response body.
    pub body: String,
    /// `Content-Type`.
    pub content_type: &'static str,
}

impl Captured {
    /// The value of the first query parameter `name` (not percent-decoded).
    pub fn query_value(&self, name: &str) -> Option<String> {
        self.raw_query.as_deref()?.split('&').find_map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            (key == name).then(|| value.to_owned())
        })
    }

    /// The body as JSON (`Null` when empty or not JSON).
    pub fn json_body(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl Reply {
    /// A success envelope around `data`.
    pub fn data(data: serde_json::Value) -> Self {
        Self::json(
            200,
            serde_json::json!({"code": 0, "msg": "success", "data": data}).to_string(),
        )
    }

    /// A JSON reply.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
            content_type: "application/json; charset=utf-8",
        }
    }

    /// Adds a response header.
    pub fn header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }
}

/// An HTTP server on 127.0.0.1 that records every request and answers each
/// with a reply computed from it. Stops when dropped.
pub struct CaptureServer {
    base_url: String,
    captured: Arc<Mutex<Vec<Captured>>>,
    task: tokio::task::JoinHandle<()>,
}

type Script = Arc<dyn Fn(&Captured) -> Reply + Send + Sync>;

impl CaptureServer {
    /// Starts a server that answers every request with `reply`.
    pub async fn start(reply: Reply) -> std::io::Result<Self> {
        Self::scripted(move |_| reply.clone()).await
    }

    /// Starts a server that answers each request with `script(request)`.
    pub async fn scripted(
        script: impl Fn(&Captured) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<Self> {
        let captured: Arc<Mutex<Vec<Captured>>> = Arc::default();
        let log = Arc::clone(&captured);
        let script: Script = Arc::new(script);
        let app = axum::Router::new().fallback(
            move |method: Method, uri: Uri, headers: HeaderMap, body: Bytes| {
                let log = Arc::clone(&log);
                let script = Arc::clone(&script);
                async move {
                    let request = Captured {
                        method,
                        raw_path: uri.path().to_owned(),
                        raw_query: uri.query().map(str::to_owned),
                        headers,
                        body,
                    };
                    let reply = script(&request);
                    if let Ok(mut log) = log.lock() {
                        log.push(request);
                    }
                    let status = StatusCode::from_u16(reply.status)
                        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
                    let mut response = (status, reply.body).into_response();
                    let headers = response.headers_mut();
                    if let Ok(value) = reply.content_type.parse() {
                        headers.insert("content-type", value);
                    }
                    for (name, value) in reply.headers {
                        if let Ok(value) = value.parse() {
                            headers.insert(name, value);
                        }
                    }
                    response
                }
            },
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(CaptureServer {
            base_url,
            captured,
            task,
        })
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The requests received so far.
    pub fn requests(&self) -> Vec<Captured> {
        self.captured
            .lock()
            .map(|log| log.clone())
            .unwrap_or_default()
    }
}

impl Drop for CaptureServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The example response JSON of an operation, from the spec via the model,
/// so the tests use the doc's example exactly as transcribed.
pub fn example_response(operation_id: &str) -> Option<serde_json::Value> {
    // Loading and resolving the specs once serves every test in the binary.
    static EXAMPLES: std::sync::OnceLock<std::collections::HashMap<String, String>> =
        std::sync::OnceLock::new();
    let examples = EXAMPLES.get_or_init(|| {
        let Ok(generation) = codegen::generate(&codegen::MAIN_TARGET, &workspace_root()) else {
            return std::collections::HashMap::new();
        };
        generation
            .model
            .services
            .iter()
            .flat_map(|s| &s.resources)
            .flat_map(|r| &r.operations)
            .filter_map(|op| Some((op.id.clone(), op.example_response.clone()?)))
            .collect()
    });
    serde_json::from_str(examples.get(operation_id)?).ok()
}

#[cfg(test)]
mod tests {
    use super::json_equivalent;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value_and_everything_else_exactly() {
        assert!(json_equivalent(&json!({"a": [40]}), &json!({"a": [40.0]})));
        assert!(!json_equivalent(&json!({"a": 40}), &json!({"a": 40.5})));
        assert!(!json_equivalent(&json!({"a": "40"}), &json!({"a": 40})));
        assert!(!json_equivalent(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_equivalent(&json!([1, 2]), &json!([2, 1])));
    }
}
