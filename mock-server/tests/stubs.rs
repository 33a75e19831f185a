//! Generic stubs as a user's tests use them: seeded from their own JSON, made to
//! fail in each documented way, and read back.

use std::time::Duration;

use feishu_mock_server::{Fault, MockServer, StubReply, TokenKind};
use serde_json::json;

const OKRS: &str = "/open-apis/okr/v1/users/:user_id/okrs";

fn client(server: &MockServer, retries: bool) -> feishu::Client {
    let builder = feishu::Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .timeout(Duration::from_secs(5));
    let builder = if retries {
        builder
    } else {
        builder.retry_policy(feishu::RetryPolicy::none())
    };
    builder.build().expect("client")
}

async fn json_of(answer: reqwest::Response) -> serde_json::Value {
    serde_json::from_slice(&answer.bytes().await.expect("body")).expect("JSON")
}

fn okr_page() -> serde_json::Value {
    json!({"code": 0, "msg": "success", "data": {"total": 1, "okr_list": [{"id": "7072252816005349396", "name": "Q1"}]}})
}

#[tokio::test]
async fn a_stub_seeded_from_your_json_answers_and_records_the_request() {
    let server = MockServer::start().await.expect("server");
    let stub = server.stub_json("GET", OKRS, okr_page());
    let page = client(&server, false)
        .okr()
        .v1()
        .user_okr()
        .list("ou 1/x", 0, 5)
        .send()
        .await
        .expect("the stub's JSON decodes");
    assert_eq!(page.total, Some(1));
    assert_eq!(page.okr_list.expect("okrs")[0].name.as_deref(), Some("Q1"));

    let requests = stub.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, "/open-apis/okr/v1/users/ou%201%2Fx/okrs");
    assert_eq!(
        request.path_params,
        [("user_id".to_owned(), "ou 1/x".to_owned())]
    );
    assert!(
        request
            .query
            .contains(&("limit".to_owned(), "5".to_owned()))
    );
    assert_eq!(request.token, Some(TokenKind::Tenant));
    assert_eq!(request.status, 200);
    assert!(
        request
            .header("authorization")
            .is_some_and(|a| a.starts_with("Bearer t-"))
    );
}

#[tokio::test]
async fn an_error_code_fault_reaches_the_caller_with_its_code_and_message() {
    let server = MockServer::start().await.expect("server");
    let stub = server.stub_json("GET", OKRS, okr_page());
    stub.fail(
        Fault::Code {
            http_status: 400,
            code: 1001003,
            msg: "User not found.".into(),
        },
        1,
    );
    let client = client(&server, false);
    let error = client
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 0, 5)
        .send()
        .await
        .expect_err("fails");
    assert_eq!(error.code(), Some(1001003));
    assert!(error.to_string().contains("User not found."), "{error}");
    // One failure only: the next call gets the stub's reply.
    client
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 0, 5)
        .send()
        .await
        .expect("answers");
    assert_eq!(
        stub.requests().iter().map(|r| r.status).collect::<Vec<_>>(),
        [400, 200]
    );
}

#[tokio::test]
async fn a_rate_limit_fault_is_429_with_the_reset_header() {
    let server = MockServer::start().await.expect("server");
    let stub = server.stub_json(
        "POST",
        "/open-apis/demo/v1/things",
        json!({"code": 0, "msg": "ok", "data": {}}),
    );
    stub.fail(
        Fault::RateLimited {
            http_status: 429,
            reset_seconds: 7,
        },
        1,
    );
    let url = format!("{}/open-apis/demo/v1/things", server.base_url());
    let http = reqwest::Client::new();
    // The stub accepts tenant and user tokens by default; this one is a user token.
    server.accept_token("u-test");
    let answer = http
        .post(&url)
        .bearer_auth("u-test")
        .send()
        .await
        .expect("answer");
    assert_eq!(answer.status(), 429);
    assert_eq!(answer.headers()["x-ogw-ratelimit-reset"], "7");
    let body: serde_json::Value = json_of(answer).await;
    assert_eq!(body["code"], 99991400);
    let again = http
        .post(&url)
        .bearer_auth("u-test")
        .send()
        .await
        .expect("answer");
    assert_eq!(again.status(), 200);
    assert_eq!(stub.count(), 2);
}

#[tokio::test]
async fn a_server_error_is_retried_by_the_client() {
    let server = MockServer::start().await.expect("server");
    let stub = server.stub_json("GET", OKRS, okr_page());
    stub.fail(Fault::ServerError, 1);
    client(&server, true)
        .okr()
        .v1()
        .user_okr()
        .list("ou_1", 0, 5)
        .send()
        .await
        .expect("the retry gets the stub's reply");
    assert_eq!(
        stub.requests().iter().map(|r| r.status).collect::<Vec<_>>(),
        [500, 200]
    );
}

#[tokio::test]
async fn a_slow_fault_outlasts_a_short_client_timeout() {
    let server = MockServer::start().await.expect("server");
    let stub = server.stub(
        "GET",
        "/open-apis/demo/v1/slow",
        StubReply::data(json!({"ok": true})),
    );
    stub.accept_tokens(&[TokenKind::User]);
    server.accept_token("u-test");
    stub.fail(Fault::Slow(Duration::from_secs(2)), 1);
    let url = format!("{}/open-apis/demo/v1/slow", server.base_url());
    let http = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .expect("client");
    let error = http
        .get(&url)
        .bearer_auth("u-test")
        .send()
        .await
        .expect_err("times out");
    assert!(error.is_timeout(), "{error}");
    let answer = http
        .get(&url)
        .bearer_auth("u-test")
        .send()
        .await
        .expect("fast again");
    assert_eq!(answer.status(), 200);
    assert_eq!(stub.count(), 2, "the slow request was recorded on arrival");
}

#[tokio::test]
async fn revoked_tokens_are_refused_and_the_client_fetches_a_new_one() {
    let server = MockServer::start().await.expect("server");
    let stub = server.stub_json("GET", OKRS, okr_page());
    let client = client(&server, true);
    let list = || client.okr().v1().user_okr().list("ou_1", 0, 5).send();
    list().await.expect("first call");
    server.revoke_tokens();
    list().await.expect("the client replaces the revoked token");
    let requests = stub.requests();
    let statuses: Vec<u16> = requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [200, 400, 200], "{requests:#?}");
    assert_eq!(
        requests[1].token, None,
        "the revoked token is unknown to the mock"
    );
    assert_ne!(
        requests[0].header("authorization"),
        requests[2].header("authorization")
    );
}

#[tokio::test]
async fn a_stub_refuses_tokens_of_kinds_it_does_not_accept() {
    let server = MockServer::start().await.expect("server");
    let none = server.stub_json(
        "POST",
        "/open-apis/demo/v1/open",
        json!({"code": 0, "msg": "ok"}),
    );
    none.accept_tokens(&[]);
    let app_only = server.stub_json(
        "GET",
        "/open-apis/demo/v1/app",
        json!({"code": 0, "msg": "ok"}),
    );
    app_only.accept_tokens(&[TokenKind::App]);
    server.accept_token("u-test");
    let http = reqwest::Client::new();
    let base = server.base_url();

    let code = |answer: serde_json::Value| answer["code"].as_i64();
    let open = http
        .post(format!("{base}/open-apis/demo/v1/open"))
        .send()
        .await
        .expect("answer");
    assert_eq!(code(json_of(open).await), Some(0));
    let with_token = http
        .post(format!("{base}/open-apis/demo/v1/open"))
        .bearer_auth("u-test")
        .send()
        .await
        .expect("answer");
    assert_eq!(
        with_token.status(),
        400,
        "a token-less endpoint refuses an Authorization header"
    );
    let user = http
        .get(format!("{base}/open-apis/demo/v1/app"))
        .bearer_auth("u-test")
        .send()
        .await
        .expect("answer");
    assert_eq!(code(json_of(user).await), Some(99991663));
    assert_eq!(app_only.requests()[0].token, Some(TokenKind::User));
    let unknown = http
        .get(format!("{base}/open-apis/demo/v1/nowhere"))
        .send()
        .await
        .expect("answer");
    assert_eq!(unknown.status(), 404);
}

#[tokio::test]
async fn downloads_and_multipart_uploads_on_stubs() {
    let server = MockServer::start().await.expect("server");
    server.accept_token("u-test");
    let bytes: Vec<u8> = (0..=255).collect();
    server.stub(
        "GET",
        "/open-apis/demo/v1/files/:token",
        StubReply::bytes("image/png", bytes.clone()),
    );
    let upload = server.stub(
        "POST",
        "/open-apis/demo/v1/files",
        StubReply::data(json!({"file_key": "k"})),
    );
    let http = reqwest::Client::new();
    let base = server.base_url();
    let got = http
        .get(format!("{base}/open-apis/demo/v1/files/f1"))
        .bearer_auth("u-test")
        .send()
        .await
        .expect("answer");
    assert_eq!(got.headers()["content-type"], "image/png");
    assert_eq!(got.bytes().await.expect("bytes").to_vec(), bytes);

    let boundary = "XyZ";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nimage\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\nPNGDATA\r\n--{boundary}--\r\n"
    );
    http.post(format!("{base}/open-apis/demo/v1/files"))
        .bearer_auth("u-test")
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .expect("answer");
    let parts = &upload.requests()[0].parts;
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].text.as_deref(), Some("image"));
    assert_eq!(
        (parts[1].file_name.as_deref(), parts[1].size),
        (Some("a.png"), 7)
    );
}
