//! Client construction, redaction and transport failures.

mod support;

use std::time::Duration;

use feishu_runtime::{
    AccessToken, BaseUrl, Client, ClientBuilder, Empty, Error, Request, RequestOptions,
    TransportErrorKind,
};
use support::{CLIENT_TOKEN, LIST_OKRS, Reply, TestServer};

fn list_okrs() -> Request {
    let mut request = Request::new(&LIST_OKRS);
    request.path_param("user_id", "ou_1");
    request
}

#[test]
fn debug_output_never_contains_tokens() {
    let token = "u-very-secret-token";
    let builder = Client::builder().access_token(CLIENT_TOKEN);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let options = RequestOptions::default()
        .access_token(token)
        .header("x-secret-header", token);
    let mut request = list_okrs();
    request.options(options.clone());

    let outputs = [
        builder_debug,
        format!("{client:?}"),
        format!("{:?}", AccessToken::new(token)),
        AccessToken::new(token).to_string(),
        format!("{options:?}"),
        format!("{request:?}"),
    ];
    for output in &outputs {
        assert!(!output.contains(token), "token leaked: {output}");
        assert!(!output.contains(CLIENT_TOKEN), "token leaked: {output}");
    }
    assert!(
        outputs[1].contains("AccessToken(<redacted>)"),
        "{}",
        outputs[1]
    );
    assert!(outputs[4].contains("x-secret-header"), "{}", outputs[4]);
}

#[test]
fn public_types_and_execute_future_are_thread_safe() {
    fn assert_send_sync<T: Send + Sync + 'static>() {}
    fn assert_send<F: Send>(_future: F) {}
    assert_send_sync::<Client>();
    assert_send_sync::<ClientBuilder<Client>>();
    assert_send_sync::<Request>();
    assert_send_sync::<RequestOptions>();
    assert_send_sync::<AccessToken>();
    assert_send_sync::<Error>();
    // Generated clients are used from spawned tasks, which need a `Send` future.
    let client = Client::builder().build().unwrap();
    assert_send(client.execute::<Empty>(list_okrs()));
}

#[test]
fn bad_base_url_is_config_error() {
    for bad in [
        "not a url",
        "ftp://open.feishu.cn",
        "",
        "https://open.feishu.cn?x=1",
    ] {
        let result = Client::builder().base_url(bad).build();
        assert!(
            matches!(result, Err(Error::Config(_))),
            "{bad:?}: {result:?}"
        );
    }
}

#[test]
fn base_url_defaults_to_feishu_and_drops_trailing_slash() {
    assert_eq!(
        Client::builder().build().unwrap().base_url(),
        BaseUrl::FEISHU
    );
    let lark = Client::builder()
        .base_url(format!("{}/", BaseUrl::LARK))
        .build()
        .unwrap();
    assert_eq!(lark.base_url(), "https://open.larksuite.com");
}

#[test]
fn builder_can_produce_a_wrapping_client_type() {
    struct Wrapper(Client);
    impl From<Client> for Wrapper {
        fn from(client: Client) -> Self {
            Self(client)
        }
    }
    let wrapper: Wrapper = ClientBuilder::<Wrapper>::default()
        .base_url(BaseUrl::LARK)
        .build()
        .unwrap();
    assert_eq!(wrapper.0.base_url(), BaseUrl::LARK);
}

#[tokio::test]
async fn unreachable_server_is_transport_connect_error() {
    // Bind then drop, so the port is (almost certainly) closed.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    drop(listener);

    let client = Client::builder()
        .base_url(format!("http://{address}"))
        .build()
        .unwrap();
    let error = client.execute::<Empty>(list_okrs()).await.unwrap_err();
    let Error::Transport(transport) = &error else {
        panic!("expected Transport, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Connect);
    assert!(
        std::error::Error::source(&error).is_some(),
        "source chain lost"
    );
}

#[tokio::test]
async fn slow_server_is_transport_timeout_error() {
    let server = TestServer::start(Reply::ok().delayed(Duration::from_secs(5))).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.execute::<Empty>(list_okrs()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{error:?}"
    );
}

#[tokio::test]
async fn timeout_applies_to_a_caller_supplied_http_client() {
    let server = TestServer::start(Reply::ok().delayed(Duration::from_secs(5))).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .http_client(reqwest::Client::new())
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = client.execute::<Empty>(list_okrs()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{error:?}"
    );
}

#[tokio::test]
async fn an_unlimited_budget_does_not_overflow_the_deadline() {
    let server = TestServer::start(Reply::ok()).await;
    let client = Client::builder()
        .base_url(&server.base_url)
        .retry_policy(feishu_runtime::RetryPolicy::new().total_budget(Duration::MAX))
        .build()
        .unwrap();
    client.execute::<Empty>(list_okrs()).await.unwrap();
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_foreign_answer_via_a_caller_supplied_client_is_refused() {
    let foreign = TestServer::start(Reply::ok()).await;
    let server = TestServer::start(
        Reply::raw(302, "text/plain", "").header("location", &format!("{}/x", foreign.base_url)),
    )
    .await;
    // reqwest's default policy follows redirects itself.
    let client = Client::builder()
        .base_url(&server.base_url)
        .access_token(CLIENT_TOKEN)
        .http_client(reqwest::Client::new())
        .build()
        .unwrap();
    let error = client.execute::<Empty>(list_okrs()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Redirect),
        "{error:?}"
    );
    assert!(error.to_string().contains(&foreign.base_url), "{error}");
}
