//! Redirects never take credentials, bodies or the caller's URL to another origin.
//! Two local servers on two ports are two origins: the mock is the configured one, a
//! recording server plays the foreign one.

// Both helper modules declare the shared operations; this file needs both servers.
#![allow(clippy::duplicate_mod)]

mod mock;
mod support;

use feishu_mock_server::{Fault, MockServer, Route};
use feishu_runtime::{Client, Empty, Error, TransportErrorKind};
use mock::{OkrPage, builder, list_okrs, server};
use support::{Reply, TestServer};

fn assert_refused_redirect(error: &Error, foreign: &TestServer) {
    let Error::Transport(transport) = error else {
        panic!("expected a refused redirect, got {error:?}");
    };
    assert_eq!(transport.kind(), TransportErrorKind::Redirect, "{error}");
    assert!(
        error.to_string().contains(&foreign.base_url),
        "the message names the foreign origin: {error}"
    );
}

#[tokio::test]
async fn token_endpoint_redirected_to_another_origin_gets_nothing() {
    let server = server().await;
    let foreign = TestServer::start(Reply::json(
        200,
        serde_json::json!({"code": 0, "tenant_access_token": "t-foreign", "expire": 7200}),
    ))
    .await;
    for status in [307, 308, 302] {
        server.inject(
            Route::TenantTokenInternal,
            Fault::Redirect {
                http_status: status,
                location: format!("{}/steal?from=feishu", foreign.base_url),
            },
            1,
        );
        let client = builder(&server).build().unwrap();
        let error = client
            .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
            .await
            .unwrap_err();
        assert_refused_redirect(&error, &foreign);
        let text = format!("{error} {error:?}");
        assert!(!text.contains(MockServer::APP_SECRET), "{text}");
        assert!(!text.contains("steal"), "only the origin is named: {text}");
    }
    assert!(
        foreign.requests().is_empty(),
        "the foreign origin received {:?}",
        foreign.requests()
    );
    assert_eq!(server.count(Route::OkrList), 0, "no foreign token was used");
}

#[tokio::test]
async fn api_call_redirected_to_another_origin_gets_nothing() {
    let server = server().await;
    let foreign = TestServer::start(Reply::ok()).await;
    let client = builder(&server).build().unwrap();
    for (status, location) in [
        (
            302,
            format!("{}/open-apis/okr/v1/users/ou_1/okrs", foreign.base_url),
        ),
        (307, format!("{}/x", foreign.base_url)),
        // Protocol-relative: the scheme and host stay, the port differs.
        (
            301,
            format!("//{}/y", foreign.base_url.trim_start_matches("http://")),
        ),
    ] {
        server.inject(
            Route::OkrList,
            Fault::Redirect {
                http_status: status,
                location,
            },
            1,
        );
        let error = client
            .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
            .await
            .unwrap_err();
        assert_refused_redirect(&error, &foreign);
    }
    assert!(foreign.requests().is_empty(), "{:?}", foreign.requests());
    assert_eq!(
        server.count(Route::OkrList),
        3,
        "a refused redirect is not retried"
    );
}

#[tokio::test]
async fn same_origin_redirects_are_followed_without_referer() {
    let server = server().await;
    server.inject(
        Route::OkrList,
        Fault::Redirect {
            http_status: 307,
            location: "/open-apis/okr/v1/users/ou_2/okrs?offset=0&limit=5".into(),
        },
        1,
    );
    let client = builder(&server).build().unwrap();
    let page = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    assert_eq!(page.total, Some(3), "the redirect target answered");
    let requests = server.requests(Route::OkrList);
    assert_eq!(requests.len(), 2);
    assert!(requests[1].path.contains("ou_2"));
    assert_eq!(
        requests[0].header("authorization"),
        requests[1].header("authorization")
    );
    assert!(
        requests.iter().all(|r| r.header("referer").is_none()),
        "{requests:?}"
    );
}

#[tokio::test]
async fn see_other_after_a_post_continues_as_a_get_without_the_body() {
    let server = server().await;
    server.inject(
        Route::StageTaskFind,
        Fault::Redirect {
            http_status: 303,
            location: "/open-apis/okr/v1/users/ou_1/okrs?offset=0&limit=5".into(),
        },
        1,
    );
    let client = builder(&server).build().unwrap();
    let request = mock::find_stage_tasks(&mock::FIND_STAGE_TASKS, &["u1"]);
    client.execute::<Empty>(request).await.unwrap();
    let get = &server.requests(Route::OkrList)[0];
    assert_eq!(get.method, "GET");
    assert!(get.body.is_empty(), "the POST body was re-sent");
    assert!(get.header("content-type").is_none());
    assert!(get.header("referer").is_none());
}

#[tokio::test]
async fn redirect_loops_end_with_an_error() {
    let server = server().await;
    server.inject(
        Route::OkrList,
        Fault::Redirect {
            http_status: 302,
            location: "/open-apis/okr/v1/users/ou_1/okrs".into(),
        },
        100,
    );
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .rate_limiting(false)
        .build()
        .unwrap();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Redirect),
        "{error:?}"
    );
    assert_eq!(
        server.count(Route::OkrList),
        6,
        "the first request and 5 hops"
    );
}
