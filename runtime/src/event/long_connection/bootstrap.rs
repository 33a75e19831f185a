//! `POST {base}/callback/ws/endpoint` with `{"AppID", "AppSecret"}` (as the Go SDK
//! does): the WebSocket URL plus the server's `ClientConfig`.

use std::time::Duration;

use serde::Deserialize;

use super::ConnectError;

/// The endpoint path, relative to the base URL.
pub const ENDPOINT_PATH: &str = "/callback/ws/endpoint";
/// Bootstrap answers are a few hundred bytes; anything much larger is refused.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

// Codes the Go SDK treats as transient; every other non-zero code is the client's fault
// (wrong credentials, app not allowed long connections) and retrying cannot help.
const SYSTEM_BUSY: i64 = 1;
const INTERNAL_ERROR: i64 = 1_000_040_343;

/// Reconnect and ping settings the server hands out (all in seconds).
#[derive(Clone, Copy, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct ClientConfig {
    /// Attempts per outage; negative means forever.
    #[serde(rename = "ReconnectCount")]
    pub reconnect_count: i64,
    /// Seconds between attempts.
    #[serde(rename = "ReconnectInterval")]
    pub reconnect_interval: i64,
    /// Up to this many seconds of random delay before the first attempt.
    #[serde(rename = "ReconnectNonce")]
    pub reconnect_nonce: i64,
    /// Seconds between pings.
    #[serde(rename = "PingInterval")]
    pub ping_interval: i64,
}

#[derive(Deserialize)]
struct EndpointResponse {
    code: i64,
    #[serde(default)]
    msg: String,
    data: Option<Endpoint>,
}

#[derive(Deserialize)]
struct Endpoint {
    #[serde(rename = "URL", default)]
    url: String,
    #[serde(rename = "ClientConfig")]
    client_config: Option<ClientConfig>,
}

pub(crate) struct Bootstrap {
    pub(crate) url: String,
    pub(crate) config: Option<ClientConfig>,
}

pub(crate) async fn fetch(
    http: &reqwest::Client,
    base_url: &str,
    app_id: &str,
    app_secret: &str,
    timeout: Duration,
) -> Result<Bootstrap, ConnectError> {
    let url = format!("{}{ENDPOINT_PATH}", base_url.trim_end_matches('/'));
    let request = async {
        let response = http
            .post(&url)
            .header("locale", "zh")
            .header("content-type", "application/json; charset=utf-8")
            .body(serde_json::json!({ "AppID": app_id, "AppSecret": app_secret }).to_string())
            .send()
            .await
            .map_err(|e| {
                ConnectError::Transient(format!("bootstrap request failed: {}", e.without_url()))
            })?;
        let status = response.status();
        if !status.is_success() {
            return Err(ConnectError::Transient(format!(
                "bootstrap answered HTTP {status}"
            )));
        }
        read_limited(response).await
    };
    let body = tokio::time::timeout(timeout, request)
        .await
        .map_err(|_| ConnectError::Transient(format!("bootstrap timed out after {timeout:?}")))??;
    let answer: EndpointResponse = serde_json::from_slice(&body).map_err(|e| {
        ConnectError::Transient(format!(
            "bootstrap answer is not the expected JSON: {}",
            crate::event::envelope::describe(&e)
        ))
    })?;
    let msg: String = answer.msg.chars().take(200).collect();
    match answer.code {
        0 => {}
        SYSTEM_BUSY | INTERNAL_ERROR => {
            return Err(ConnectError::Transient(format!(
                "bootstrap code {}: {msg}",
                answer.code
            )));
        }
        code => return Err(ConnectError::Fatal(format!("bootstrap code {code}: {msg}"))),
    }
    match answer.data {
        Some(endpoint) if !endpoint.url.is_empty() => Ok(Bootstrap {
            url: endpoint.url,
            config: endpoint.client_config,
        }),
        _ => Err(ConnectError::Transient(
            "bootstrap answer has no URL".to_owned(),
        )),
    }
}

async fn read_limited(mut response: reqwest::Response) -> Result<Vec<u8>, ConnectError> {
    if response.content_length().unwrap_or(0) > MAX_RESPONSE_BYTES as u64 {
        return Err(ConnectError::Transient(
            "bootstrap answer too large".to_owned(),
        ));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| {
        ConnectError::Transient(format!("bootstrap answer cut: {}", e.without_url()))
    })? {
        if body.len() + chunk.len() > MAX_RESPONSE_BYTES {
            return Err(ConnectError::Transient(
                "bootstrap answer too large".to_owned(),
            ));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// `scheme://host/path` of the connection URL: its query holds credentials-like
/// tickets, so only this part is ever logged.
pub(crate) fn redact_url(url: &str) -> String {
    let cut = url.find(['?', '#']).unwrap_or(url.len());
    url[..cut].to_owned()
}

/// The `service_id` query parameter, sent back in every ping.
pub(crate) fn service_id(url: &str) -> i32 {
    query_param(url, "service_id")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// The `device_id` query parameter: the connection id, safe to log.
pub(crate) fn device_id(url: &str) -> String {
    query_param(url, "device_id")
        .unwrap_or_default()
        .chars()
        .take(64)
        .collect()
}

fn query_param<'a>(url: &'a str, name: &str) -> Option<&'a str> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_helpers_never_keep_the_query() {
        let url = "wss://msg.example/ws/v2?fpid=1&aid=2&device_id=77&access_key=SECRET&service_id=33&ticket=T";
        assert_eq!(redact_url(url), "wss://msg.example/ws/v2");
        assert_eq!(service_id(url), 33);
        assert_eq!(device_id(url), "77");
        assert_eq!(service_id("wss://x/ws?service_id=zz"), 0);
        assert_eq!(device_id("wss://x/ws"), "");
    }
}
