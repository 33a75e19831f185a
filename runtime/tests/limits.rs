//! Hostile sizes: endless bodies, huge error pages, over-long URLs.

// Both helper modules declare the shared operations; this file needs both servers.
#![allow(clippy::duplicate_mod)]

mod mock;
mod support;

use std::time::Duration;

use feishu_mock_server::{Fault, Route};
use feishu_runtime::{Error, Request, TransportErrorKind};
use mock::{OkrPage, builder, list_okrs, server};
use support::{LIST_OKRS, Reply, TestServer};

const MIB: u64 = 1024 * 1024;

/// What the server may have pushed into socket buffers beyond what was read.
const IN_FLIGHT_SLACK: u64 = 48 * MIB;

async fn served_after_settling(server: &feishu_mock_server::MockServer) -> u64 {
    // The server stops writing once it sees the closed connection.
    tokio::time::sleep(Duration::from_millis(200)).await;
    server.body_bytes_served()
}

#[tokio::test]
async fn an_endless_success_body_stops_at_the_cap() {
    let server = server().await;
    server.inject(Route::OkrList, Fault::EndlessBody { http_status: 200 }, 10);
    let client = builder(&server)
        .max_response_body(MIB as usize)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::BodyTooLarge),
        "{error:?}"
    );
    assert!(error.to_string().contains("1048576 bytes"), "{error}");
    assert_eq!(
        server.count(Route::OkrList),
        1,
        "an oversized body is not retried"
    );
    let served = served_after_settling(&server).await;
    assert!(served < MIB + IN_FLIGHT_SLACK, "{served} bytes served");
}

#[tokio::test]
async fn an_endless_error_body_is_read_only_as_far_as_needed() {
    let server = server().await;
    server.inject(Route::OkrList, Fault::EndlessBody { http_status: 502 }, 10);
    let client = builder(&server)
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    // Cut short, the page is no JSON envelope; a 5xx is still retried (3 attempts).
    assert!(
        matches!(&error, Error::Decode(d) if d.http_status == 502),
        "{error:?}"
    );
    assert_eq!(server.count(Route::OkrList), 3);
    let served = served_after_settling(&server).await;
    assert!(
        served < IN_FLIGHT_SLACK,
        "{served} bytes served for 3 error pages"
    );
}

#[tokio::test]
async fn over_long_urls_are_invalid_requests_and_never_sent() {
    let server = TestServer::start(Reply::ok()).await;
    let client = server.client();

    let mut long_path = Request::new(&LIST_OKRS);
    long_path.path_param("user_id", "u".repeat(100 * 1024));
    let mut long_query = Request::new(&LIST_OKRS);
    long_query.path_param("user_id", "ou_1");
    long_query.query("page_token", "p".repeat(9 * 1024));
    for (request, parameter) in [(long_path, "user_id"), (long_query, "page_token")] {
        let error = client
            .execute::<feishu_runtime::Empty>(request)
            .await
            .unwrap_err();
        let Error::InvalidRequest(invalid) = &error else {
            panic!("expected InvalidRequest, got {error:?}");
        };
        assert_eq!(invalid.parameter, parameter);
        assert!(
            error.to_string().len() < 500,
            "the value is not echoed: {error}"
        );
    }
    assert!(server.requests().is_empty());
}
