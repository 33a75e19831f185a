//! Tracing: one span per call with the documented fields, and no secret in
//! any recorded event or span. In a test binary of its own: tracing caches
//! callsite interest globally, and a concurrent test that hits the same
//! callsites without a subscriber could make this one miss spans.

mod mock;

use std::io::Write;
use std::sync::{Arc, Mutex};

use feishu_mock_server::{Fault, MockServer, Route};
use feishu_runtime::RequestOptions;
use mock::{OkrPage, builder, list_okrs, server};
use tracing_subscriber::fmt::format::FmtSpan;

/// What generated code does: check the spec's constraints, then send.
/// Collects everything a fmt subscriber writes.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn spans_record_the_call_and_never_a_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_span_events(FmtSpan::CLOSE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = server().await;
    let user_token = "u-user-token-never-logged";
    server.accept_token(user_token);
    let client = builder(&server).build().unwrap();
    // Managed token (fetched with the app secret), a retry after a rejected token,
    // a 5xx retry, an explicit user token, a failure with an error body.
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    server.inject(Route::OkrList, Fault::TokenInvalid { http_status: 400 }, 1);
    server.inject(Route::OkrList, Fault::ServerError, 1);
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    let mut request = list_okrs("ou_1", 0, 5);
    request.options(RequestOptions::default().access_token(user_token));
    client.execute::<OkrPage>(request).await.unwrap();
    let _ = client
        .execute::<OkrPage>(list_okrs("ou_nobody", 0, 5))
        .await;

    let output = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let mut secrets: Vec<String> = server
        .all_requests()
        .iter()
        .filter_map(|r| {
            r.header("authorization")
                .map(|v| v.trim_start_matches("Bearer ").to_owned())
        })
        .collect();
    secrets.push(MockServer::APP_SECRET.to_owned());
    secrets.push(user_token.to_owned());
    assert!(secrets.len() >= 4);
    for secret in &secrets {
        assert!(
            !output.contains(secret.as_str()),
            "{secret} leaked into:\n{output}"
        );
    }
    for expected in [
        "feishu.request",
        "operation=\"okr.v1.user_okr.list\"",
        "method=\"GET\"",
        "path=\"/open-apis/okr/v1/users/:user_id/okrs\"",
        "attempt=3",
        "http.status=200",
        "code=0",
        "code=1001003",
        "log_id=\"mock-log-",
        "latency_ms=",
        "feishu.token",
    ] {
        assert!(
            output.contains(expected),
            "missing {expected} in:\n{output}"
        );
    }
}
