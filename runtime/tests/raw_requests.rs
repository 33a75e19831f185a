//! The escape hatch (`Client::request`) against the mock: JSON, multipart, raw bodies,
//! downloads, the token endpoints with a flat envelope, and the same redirect, size and
//! path rules as generated calls.

mod mock;

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use feishu_mock_server::{Fault, MockServer, Quota, Route};
use feishu_runtime::multipart::{FilePart, Form};
use feishu_runtime::{
    Client, Envelope, Error, HttpMethod, InMemoryTokenCache, LimitScope, RateLimit, RequestOptions,
    RetryPolicy, TokenCache, TokenKey, TokenKind, TransportErrorKind,
};
use mock::{OkrPage, StageTasks, builder, server};
use serde::Deserialize;

#[tokio::test]
async fn json_multipart_raw_body_and_download_go_through_the_hatch() {
    let server = server().await;
    let client = builder(&server).build().unwrap();

    let page: OkrPage = client
        .request(HttpMethod::Get, "/open-apis/okr/v1/users/ou_1/okrs")
        .query("offset", 0)
        .query("limit", 5)
        .send()
        .await
        .unwrap();
    assert_eq!(page.okr_list.len(), 5);
    let okr = &server.requests(Route::OkrList)[0];
    assert!(
        okr.header("authorization")
            .is_some_and(|v| v.starts_with("Bearer "))
    );
    assert_eq!(okr.query.as_deref(), Some("offset=0&limit=5"));

    let image = client
        .request(HttpMethod::Post, "/open-apis/im/v1/images")
        .multipart(
            Form::new()
                .text("image_type", "message")
                .file("image", FilePart::bytes(vec![3_u8; 99]).file_name("x.png")),
        )
        .send_json()
        .await
        .unwrap();
    assert!(
        image["image_key"]
            .as_str()
            .is_some_and(|key| key.starts_with("img_v3_mock_"))
    );
    assert_eq!(server.requests(Route::ImageCreate)[0].parts[1].size, 99);

    let body = br#"{"semester_id":"7235911950407352321","user_id_lists":["ou_1","ou_2"]}"#.to_vec();
    let tasks: StageTasks = client
        .request(
            HttpMethod::Post,
            "/open-apis/performance/v1/stage_tasks/find_by_user_list",
        )
        .body(body.clone(), "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(tasks.items.len(), 2);
    let recorded = &server.requests(Route::StageTaskFind)[0];
    assert_eq!(recorded.body, body);
    assert_eq!(recorded.header("content-type"), Some("application/json"));

    let download = client
        .request(HttpMethod::Get, "/open-apis/drive/v1/files/1000/download")
        .header("Range", "bytes=10-19")
        .download()
        .await
        .unwrap();
    assert!(download.is_partial());
    let bytes: Vec<u8> =
        futures::StreamExt::concat(futures::StreamExt::map(download.into_stream(), |chunk| {
            chunk.unwrap().to_vec()
        }))
        .await;
    let expected: Vec<u8> = (10..20).map(feishu_mock_server::file_byte).collect();
    assert_eq!(bytes, expected);
}

#[tokio::test]
async fn the_hatch_keeps_the_redirect_size_header_and_path_rules() {
    let server = server().await;
    let client = builder(&server)
        .max_response_body(64 * 1024)
        .build()
        .unwrap();
    let okrs = || client.request(HttpMethod::Get, "/open-apis/okr/v1/users/ou_1/okrs");

    server.inject(
        Route::OkrList,
        Fault::Redirect {
            http_status: 302,
            location: "https://evil.example/steal".to_owned(),
        },
        1,
    );
    let error = okrs().send_json().await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Redirect),
        "{error:?}"
    );

    server.inject(Route::OkrList, Fault::EndlessBody { http_status: 200 }, 1);
    let error = okrs().send_json().await.unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge),
        "{error:?}"
    );

    server.clear_log();
    for path in [
        "https://evil.example/open-apis/x",
        "//evil.example/open-apis/x",
        "/open-apis/../auth/v3/x",
        "/open-apis/okr/v1/users/ou_1/okrs?x=1",
    ] {
        let error = client
            .request(HttpMethod::Get, path)
            .send_json()
            .await
            .unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{path}: {error:?}"
        );
    }
    for header in ["Authorization", "host", "Content-Length"] {
        let error = okrs().header(header, "x").send_json().await.unwrap_err();
        assert!(
            matches!(error, Error::InvalidRequest(_)),
            "{header}: {error:?}"
        );
    }
    assert!(server.all_requests().is_empty(), "nothing was sent");
}

#[derive(Debug, Deserialize)]
struct TenantToken {
    tenant_access_token: String,
    expire: u64,
}

/// The hand-written token fetch and the token endpoint called like a generated
/// token-less, flat-envelope endpoint read the same answer the same way.
#[tokio::test]
async fn the_token_endpoint_through_the_hatch_agrees_with_the_token_manager() {
    let server = server().await;
    server.set_token_expiry(5000);
    let cache = Arc::new(InMemoryTokenCache::default());
    let client = builder(&server)
        .token_cache(Arc::clone(&cache) as Arc<dyn TokenCache>)
        .build()
        .unwrap();
    let before = SystemTime::now();
    let _: OkrPage = client
        .request(HttpMethod::Get, "/open-apis/okr/v1/users/ou_1/okrs")
        .query("offset", 0)
        .query("limit", 5)
        .send()
        .await
        .unwrap();
    let key = TokenKey::new(
        server.base_url(),
        MockServer::APP_ID,
        None,
        TokenKind::Tenant,
    );
    let cached = cache.get(&key).await.expect("the manager cached a token");
    let used = server.requests(Route::OkrList)[0]
        .header("authorization")
        .unwrap()
        .to_owned();
    assert_eq!(used, format!("Bearer {}", cached.token.expose_secret()));

    let token: TenantToken = client
        .request(HttpMethod::Post, "/open-apis/auth/v3/tenant_access_token/internal")
        .json(&serde_json::json!({"app_id": MockServer::APP_ID, "app_secret": MockServer::APP_SECRET}))
        .tokens(&[])
        .envelope(Envelope::Flat)
        .send()
        .await
        .unwrap();
    assert_eq!(token.expire, 5000);
    let lifetime = cached.expires_at.duration_since(before).unwrap();
    assert!(lifetime <= Duration::from_secs(5001), "{lifetime:?}");
    assert!(lifetime >= Duration::from_secs(4999), "{lifetime:?}");

    let fetches = server.requests(Route::TenantTokenInternal);
    assert_eq!(fetches.len(), 2);
    assert_eq!(
        fetches[1].header("authorization"),
        None,
        "a token-less endpoint"
    );
    let body = |i: usize| serde_json::from_slice::<serde_json::Value>(&fetches[i].body).unwrap();
    assert_eq!(body(0), body(1), "the same request");
    // The token the hatch got works like the managed one.
    let page: OkrPage = client
        .request(HttpMethod::Get, "/open-apis/okr/v1/users/ou_1/okrs")
        .query("offset", 0)
        .query("limit", 5)
        .options(RequestOptions::default().access_token(token.tenant_access_token.as_str()))
        .send()
        .await
        .unwrap();
    assert!(page.total.is_some());
}

/// Two windows on one endpoint, both enforced by the mock: the tighter one governs and
/// the server never refuses.
#[tokio::test]
async fn every_rate_limit_window_is_kept() {
    let server = server().await;
    server.set_quota(Route::OkrList, Quota::sliding(10, Duration::from_secs(1)));
    server.add_quota(Route::OkrList, Quota::sliding(6, Duration::from_secs(2)));
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let calls = (0..9).map(|_| {
        client
            .request(HttpMethod::Get, "/open-apis/okr/v1/users/ou_1/okrs")
            .query("offset", 0)
            .query("limit", 5)
            .rate_limit(RateLimit::per_second(10))
            .rate_limit(RateLimit {
                requests: 6,
                per_seconds: 2,
                per: LimitScope::Tenant,
            })
            .send::<OkrPage>()
    });
    for result in futures::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(server.rate_limited_count(Route::OkrList), 0);
    // 6 per 2 s paced evenly: 8 gaps of at least 2 s / 6.
    assert!(
        started.elapsed() >= Duration::from_secs_f64(8.0 * 2.0 / 6.0),
        "{:?}",
        started.elapsed()
    );
}
