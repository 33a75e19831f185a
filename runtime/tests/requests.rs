//! What goes over the wire: URL, query, headers, body.

mod support;

use feishu_runtime::{Empty, Error, Request, RequestOptions};
use serde_json::json;
use support::{CLIENT_TOKEN, CREATE_THING, LIST_OKRS, Reply, TestServer};

fn list_okrs(user_id: &str) -> Request {
    let mut request = Request::new(&LIST_OKRS);
    request.path_param("user_id", user_id);
    request
}

#[tokio::test]
async fn path_value_with_reserved_characters_arrives_as_one_segment() {
    let server = TestServer::start(Reply::ok()).await;
    let _: Empty = server
        .client()
        .execute(list_okrs("a/b?c#d %é"))
        .await
        .unwrap();

    let received = server.single_request();
    assert_eq!(
        received.path,
        "/open-apis/okr/v1/users/a%2Fb%3Fc%23d%20%25%C3%A9/okrs"
    );
    assert_eq!(received.user_id.as_deref(), Some("a/b?c#d %é"));
    assert_eq!(received.query, None);
    assert_eq!(received.method, "GET");
}

#[tokio::test]
async fn dot_and_empty_path_values_are_rejected_before_sending() {
    let server = TestServer::start(Reply::ok()).await;
    let client = server.client();
    for bad in ["..", ".", ""] {
        let error = client.execute::<Empty>(list_okrs(bad)).await.unwrap_err();
        let Error::InvalidRequest(invalid) = &error else {
            panic!("expected InvalidRequest for {bad:?}, got {error:?}");
        };
        assert_eq!(invalid.parameter, "user_id");
        assert_eq!(invalid.value, bad);
        assert!(
            error.to_string().starts_with(&format!(
                "invalid request: parameter `user_id` = {bad:?}: must not be"
            )),
            "{error}"
        );
    }
    assert!(server.requests().is_empty(), "a rejected request was sent");
}

#[tokio::test]
async fn missing_or_unknown_path_parameter_is_rejected_before_sending() {
    let server = TestServer::start(Reply::ok()).await;
    let client = server.client();

    let missing = client
        .execute::<Empty>(Request::new(&LIST_OKRS))
        .await
        .unwrap_err();
    assert!(
        matches!(&missing, Error::InvalidRequest(e) if e.parameter == "user_id"),
        "{missing:?}"
    );

    let mut unknown = list_okrs("ou_1");
    unknown.path_param("okr_id", 42);
    let unknown = client.execute::<Empty>(unknown).await.unwrap_err();
    assert!(
        matches!(&unknown, Error::InvalidRequest(e) if e.parameter == "okr_id"),
        "{unknown:?}"
    );

    assert!(server.requests().is_empty(), "a rejected request was sent");
}

#[tokio::test]
async fn repeated_query_keys_keep_call_order() {
    let server = TestServer::start(Reply::ok()).await;
    let mut request = list_okrs("ou_1");
    request.query("offset", 0);
    request.query("limit", 5);
    request.query("period_ids", "6990181559036610092");
    request.query("lang", "zh cn&x=y");
    request.query("period_ids", "6990181559036610093");
    let _: Empty = server.client().execute(request).await.unwrap();

    assert_eq!(
        server.single_request().query.as_deref(),
        Some(
            "offset=0&limit=5&period_ids=6990181559036610092&lang=zh%20cn%26x%3Dy\
             &period_ids=6990181559036610093"
        )
    );
}

#[tokio::test]
async fn client_token_is_sent_as_bearer_and_request_token_overrides_it() {
    let server = TestServer::start(Reply::ok()).await;
    let client = server.client();

    let _: Empty = client.execute(list_okrs("ou_1")).await.unwrap();
    let mut overridden = list_okrs("ou_1");
    overridden.options(RequestOptions::default().access_token("u-user-token"));
    let _: Empty = client.execute(overridden).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let expected_client = format!("Bearer {CLIENT_TOKEN}");
    assert_eq!(
        requests[0].header("authorization"),
        Some(expected_client.as_str())
    );
    assert_eq!(
        requests[1].header("authorization"),
        Some("Bearer u-user-token")
    );
}

#[tokio::test]
async fn no_authorization_header_without_any_token() {
    let server = TestServer::start(Reply::ok()).await;
    let client = feishu_runtime::Client::builder()
        .base_url(&server.base_url)
        .build()
        .unwrap();
    let _: Empty = client.execute(list_okrs("ou_1")).await.unwrap();
    assert_eq!(server.single_request().header("authorization"), None);
}

#[tokio::test]
async fn json_body_is_sent_with_content_type() {
    let server = TestServer::start(Reply::ok()).await;
    let client = server.client();

    let mut create = Request::new(&CREATE_THING);
    create
        .json_body(&json!({"name": "n", "ids": ["1", "2"]}))
        .unwrap();
    let _: Empty = client.execute(create).await.unwrap();
    let _: Empty = client.execute(list_okrs("ou_1")).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    assert_eq!(requests[0].method, "POST");
    assert_eq!(
        requests[0].header("content-type"),
        Some("application/json; charset=utf-8")
    );
    let body: serde_json::Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(body, json!({"name": "n", "ids": ["1", "2"]}));
    // No body, no content type.
    assert_eq!(requests[1].header("content-type"), None);
    assert!(requests[1].body.is_empty());
}

#[tokio::test]
async fn user_agent_and_custom_headers_are_sent() {
    let server = TestServer::start(Reply::ok()).await;
    let default_agent = server.client();
    let custom_agent = feishu_runtime::Client::builder()
        .base_url(format!("{}/", server.base_url))
        .user_agent("my-app/1.2")
        .build()
        .unwrap();

    let _: Empty = default_agent.execute(list_okrs("ou_1")).await.unwrap();
    let mut with_header = list_okrs("ou_1");
    with_header.options(RequestOptions::default().header("x-request-id", "req-7"));
    let _: Empty = custom_agent.execute(with_header).await.unwrap();

    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let expected_default = format!("feishu-rust/{}", env!("CARGO_PKG_VERSION"));
    assert_eq!(
        requests[0].header("user-agent"),
        Some(expected_default.as_str())
    );
    assert_eq!(requests[1].header("user-agent"), Some("my-app/1.2"));
    assert_eq!(requests[1].header("x-request-id"), Some("req-7"));
    // The trailing slash of the base URL must not double up.
    assert_eq!(requests[1].path, "/open-apis/okr/v1/users/ou_1/okrs");
}
