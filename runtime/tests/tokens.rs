//! Managed tokens against the mock server: fetching, caching, refreshing, eviction,
//! marketplace tickets, and which token wins.

mod mock;

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use feishu_mock_server::{Fault, MockServer, Route};
use feishu_runtime::{
    AccessToken, AppTicketStore, AuthErrorKind, CachedToken, Client, Error, InMemoryAppTicketStore,
    InMemoryTokenCache, Request, RequestOptions, TokenCache, TokenKey, TokenKind,
};
use futures::future::join_all;
use mock::{OkrPage, USER_ONLY_OKRS, builder, list_okrs, server};

fn bearer(server: &MockServer, route: Route) -> Vec<String> {
    server
        .requests(route)
        .iter()
        .map(|r| r.header("authorization").unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_on_a_cold_cache_fetch_one_token() {
    let server = server().await;
    // A slow token endpoint widens the window in which callers pile up.
    server.inject(
        Route::TenantTokenInternal,
        Fault::Slow(Duration::from_millis(300)),
        1,
    );
    let client = builder(&server).build().unwrap();
    let calls = (0..20).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.execute::<OkrPage>(list_okrs("ou_1", 0, 5)).await })
    });
    for result in join_all(calls).await {
        result.unwrap().unwrap();
    }
    assert_eq!(server.count(Route::TenantTokenInternal), 1);
    assert_eq!(server.count(Route::OkrList), 20);
}

#[tokio::test]
async fn token_is_cached_and_sent_as_bearer() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    for _ in 0..3 {
        client
            .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
            .await
            .unwrap();
    }
    assert_eq!(server.count(Route::TenantTokenInternal), 1);
    let sent = bearer(&server, Route::OkrList);
    assert!(
        sent.iter().all(|value| value.starts_with("Bearer t-mock-")),
        "{sent:?}"
    );
    let body: serde_json::Value =
        serde_json::from_slice(&server.requests(Route::TenantTokenInternal)[0].body).unwrap();
    assert_eq!(body["app_id"], MockServer::APP_ID);
    assert_eq!(body["app_secret"], MockServer::APP_SECRET);
}

#[tokio::test]
async fn token_is_refreshed_three_minutes_before_expiry() {
    let server = server().await;
    // 179 s of life is already inside the 3-minute refresh margin: every call refreshes.
    server.set_token_expiry(179);
    let client = builder(&server).build().unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 2);

    // 181 s is fresh for one more second, then due for refresh.
    server.set_token_expiry(181);
    let client = builder(&server).build().unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 3);
    tokio::time::sleep(Duration::from_millis(1100)).await;
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 4);
}

#[tokio::test]
async fn a_shared_cache_serves_a_second_client_and_stale_entries_are_refreshed() {
    let server = server().await;
    let cache: Arc<dyn TokenCache> = Arc::new(InMemoryTokenCache::default());
    let first = builder(&server)
        .token_cache(Arc::clone(&cache))
        .build()
        .unwrap();
    let second = builder(&server)
        .token_cache(Arc::clone(&cache))
        .build()
        .unwrap();
    first
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    second
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 1);

    // An entry expiring in 2 minutes is inside the margin: it is replaced, not used.
    let key = TokenKey::new(
        server.base_url(),
        MockServer::APP_ID,
        None,
        TokenKind::Tenant,
    );
    let soon = SystemTime::now() + Duration::from_secs(120);
    cache
        .put(&key, CachedToken::new(AccessToken::new("t-stale"), soon))
        .await;
    first
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 2);
    assert!(!bearer(&server, Route::OkrList).contains(&"Bearer t-stale".to_owned()));
}

#[tokio::test]
async fn rejected_token_is_evicted_and_the_call_retried_once() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    server.revoke_tokens();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 2);
    let sent = bearer(&server, Route::OkrList);
    assert_eq!(sent.len(), 3);
    assert_eq!(sent[0], sent[1], "the revoked token was sent once more");
    assert_ne!(sent[1], sent[2], "the retry used a fresh token");

    // Injected 99991663 with HTTP 200 as well; retried once only, even when not idempotent.
    server.inject(
        Route::StageTaskFind,
        Fault::TokenInvalid { http_status: 200 },
        2,
    );
    let request = mock::find_stage_tasks(&mock::FIND_STAGE_TASKS_NOT_IDEMPOTENT, &["u1"]);
    let error = client
        .execute::<mock::StageTasks>(request)
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(99991663), "{error}");
    assert_eq!(server.count(Route::StageTaskFind), 2);
}

#[tokio::test]
async fn explicit_token_wins_over_managed_and_fixed_tokens() {
    let server = server().await;
    server.accept_token("u-user-token");
    server.accept_token("t-fixed-token");
    let client = builder(&server).build().unwrap();
    let mut request = list_okrs("ou_1", 0, 5);
    request.options(RequestOptions::default().access_token("u-user-token"));
    client.execute::<OkrPage>(request).await.unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 0);

    let fixed = builder(&server)
        .access_token("t-fixed-token")
        .build()
        .unwrap();
    fixed
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    let mut request = list_okrs("ou_1", 0, 5);
    request.options(RequestOptions::default().access_token("u-user-token"));
    fixed.execute::<OkrPage>(request).await.unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 0);
    assert_eq!(
        bearer(&server, Route::OkrList),
        [
            "Bearer u-user-token",
            "Bearer t-fixed-token",
            "Bearer u-user-token"
        ]
    );
}

#[tokio::test]
async fn an_explicit_token_that_is_rejected_is_not_retried() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let mut request = list_okrs("ou_1", 0, 5);
    request.options(RequestOptions::default().access_token("u-unknown"));
    let error = client.execute::<OkrPage>(request).await.unwrap_err();
    assert_eq!(error.code(), Some(99991663));
    assert_eq!(server.count(Route::OkrList), 1);
}

#[tokio::test]
async fn bad_credentials_are_an_auth_error_without_the_secret() {
    let server = server().await;
    let secret = "wrong-secret-must-not-leak";
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, secret)
        .build()
        .unwrap();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error:?}");
    };
    assert_eq!(auth.kind, AuthErrorKind::BadCredentials);
    assert_eq!(error.code(), Some(99991543));
    assert!(error.log_id().is_some_and(|id| id.starts_with("mock-log-")));
    assert_eq!(server.count(Route::OkrList), 0);
    for output in [
        error.to_string(),
        format!("{error:?}"),
        format!("{client:?}"),
    ] {
        assert!(!output.contains(secret), "secret leaked: {output}");
    }
    assert!(error.to_string().contains("99991543"), "{error}");
}

#[tokio::test]
async fn user_only_endpoint_without_a_user_token_is_an_auth_error() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let mut request = Request::new(&USER_ONLY_OKRS);
    request.path_param("user_id", "ou_1");
    let error = client.execute::<OkrPage>(request).await.unwrap_err();
    assert!(
        matches!(&error, Error::Auth(auth) if auth.kind == AuthErrorKind::UserTokenRequired),
        "{error:?}"
    );
    assert!(error.to_string().contains("access_token"), "{error}");
    assert!(server.all_requests().is_empty());
}

fn marketplace(server: &MockServer, tickets: Arc<InMemoryAppTicketStore>) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .marketplace_app(MockServer::APP_ID, MockServer::APP_SECRET, tickets)
        .retry_policy(mock::fast_retries())
        .build()
        .unwrap()
}

fn for_tenant(tenant: &str) -> Request {
    let mut request = list_okrs("ou_1", 0, 5);
    request.options(RequestOptions::default().tenant_key(tenant));
    request
}

#[tokio::test]
async fn marketplace_app_gets_tokens_per_tenant_from_the_ticket() {
    let server = server().await;
    let tickets = Arc::new(InMemoryAppTicketStore::default());
    tickets.set(MockServer::APP_ID, server.issue_app_ticket());
    let client = marketplace(&server, tickets);
    for tenant in ["tenant-a", "tenant-b", "tenant-a"] {
        client.execute::<OkrPage>(for_tenant(tenant)).await.unwrap();
    }
    assert_eq!(
        server.count(Route::AppToken),
        1,
        "one app token for all tenants"
    );
    assert_eq!(
        server.count(Route::TenantToken),
        2,
        "one tenant token per tenant"
    );
    let tenants: Vec<Option<String>> = server
        .requests(Route::OkrList)
        .into_iter()
        .map(|r| r.tenant_key)
        .collect();
    assert_eq!(
        tenants,
        [
            Some("tenant-a".into()),
            Some("tenant-b".into()),
            Some("tenant-a".into())
        ]
    );
    let body: serde_json::Value =
        serde_json::from_slice(&server.requests(Route::TenantToken)[0].body).unwrap();
    assert_eq!(body["tenant_key"], "tenant-a");

    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Auth(auth) if auth.kind == AuthErrorKind::TenantKeyMissing),
        "{error:?}"
    );
}

#[tokio::test]
async fn invalid_ticket_asks_for_a_resend_and_recovers_with_the_new_ticket() {
    let server = server().await;
    let tickets = Arc::new(InMemoryAppTicketStore::default());
    tickets.set(MockServer::APP_ID, "ticket-expired".to_owned());
    let client = marketplace(&server, Arc::clone(&tickets));

    let error = client
        .execute::<OkrPage>(for_tenant("tenant-a"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Auth(auth) if auth.kind == AuthErrorKind::TicketInvalid),
        "{error:?}"
    );
    assert_eq!(error.code(), Some(10012));
    assert_eq!(server.count(Route::TicketResend), 1);
    assert!(!error.to_string().contains("ticket-expired"));

    // The platform pushes a new ticket; the event handler stores it.
    tickets.set(MockServer::APP_ID, server.issue_app_ticket());
    client
        .execute::<OkrPage>(for_tenant("tenant-a"))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TicketResend), 1);
}

#[tokio::test]
async fn missing_ticket_asks_for_a_resend() {
    let server = server().await;
    let client = marketplace(&server, Arc::new(InMemoryAppTicketStore::default()));
    let error = client
        .execute::<OkrPage>(for_tenant("tenant-a"))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Auth(auth) if auth.kind == AuthErrorKind::TicketMissing),
        "{error:?}"
    );
    assert_eq!(server.count(Route::TicketResend), 1);
    assert_eq!(server.count(Route::AppToken), 0);
}

/// A token endpoint answer with this token and `expire`, as raw JSON.
fn token_answer(token_json: &str, expire: &str) -> Fault {
    Fault::Raw {
        http_status: 200,
        body: format!(
            r#"{{"code":0,"msg":"ok","tenant_access_token":{token_json},"expire":{expire}}}"#
        ),
    }
}

#[tokio::test]
async fn a_huge_expire_is_clamped_not_a_panic() {
    for expire in ["18446744073709551615", "9223372036854775807", "1e300"] {
        let server = server().await;
        server.accept_token("t-long-lived");
        server.inject(
            Route::TenantTokenInternal,
            token_answer(r#""t-long-lived""#, expire),
            1,
        );
        let client = builder(&server).build().unwrap();
        for _ in 0..2 {
            client
                .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
                .await
                .unwrap();
        }
        assert_eq!(
            server.count(Route::TenantTokenInternal),
            1,
            "{expire}: cached"
        );
        assert_eq!(bearer(&server, Route::OkrList)[0], "Bearer t-long-lived");
    }
}

#[tokio::test]
async fn a_token_that_is_no_header_value_is_refused_and_not_cached() {
    let server = server().await;
    server.inject(
        Route::TenantTokenInternal,
        token_answer(r#""t-bad\nInjected: header""#, "7200"),
        1,
    );
    let client = builder(&server).build().unwrap();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    let Error::Auth(auth) = &error else {
        panic!("expected Auth, got {error:?}");
    };
    assert_eq!(auth.kind, AuthErrorKind::MalformedTokenResponse);
    assert!(
        !format!("{error} {error:?}").contains("Injected"),
        "{error:?}"
    );
    assert_eq!(server.count(Route::OkrList), 0);
    // Not cached: the next call fetches again and gets a usable token.
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 2);
}

#[tokio::test]
async fn code_99991661_evicts_the_token_and_retries_once() {
    let server = server().await;
    server.inject(
        Route::OkrList,
        Fault::Raw {
            http_status: 400,
            body: r#"{"code":99991661,"msg":"Missing access token for authorization."}"#.into(),
        },
        1,
    );
    let client = builder(&server)
        .retry_policy(feishu_runtime::RetryPolicy::none())
        .build()
        .unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(server.count(Route::TenantTokenInternal), 2);
    assert_eq!(server.count(Route::OkrList), 2);
}
