//! Retries, backoff, rate-limit waits and the total time budget, against the mock server.

mod mock;

use std::time::{Duration, Instant};

use feishu_mock_server::{Fault, Route};
use feishu_runtime::{Error, RetryPolicy, TransportErrorKind};
use mock::{
    FIND_STAGE_TASKS, FIND_STAGE_TASKS_NOT_IDEMPOTENT, OkrPage, StageTasks, builder, fast_retries,
    find_stage_tasks, list_okrs, server,
};

#[tokio::test]
async fn server_errors_and_dropped_connections_are_retried_with_backoff() {
    let server = server().await;
    let client = builder(&server)
        .retry_policy(
            fast_retries()
                .max_attempts(5)
                .initial_backoff(Duration::from_millis(100))
                .max_backoff(Duration::from_secs(1)),
        )
        .build()
        .unwrap();
    server.inject(Route::OkrList, Fault::ServerError, 1);
    server.inject(Route::OkrList, Fault::DropConnection, 1);
    server.inject(Route::OkrList, Fault::HtmlBadGateway, 1);
    let page: OkrPage = client.execute(list_okrs("ou_1", 0, 5)).await.unwrap();
    assert_eq!(page.okr_list.len(), 5);
    let requests = server.requests(Route::OkrList);
    let statuses: Vec<u16> = requests.iter().map(|r| r.status).collect();
    assert_eq!(statuses, [500, 0, 502, 200]);
    // Equal-jitter backoff: at least half of 100, 200, 400 ms between attempts.
    let gaps: Vec<Duration> = requests.windows(2).map(|w| w[1].at - w[0].at).collect();
    for (gap, floor) in gaps.iter().zip([50, 100, 200]) {
        assert!(*gap >= Duration::from_millis(floor), "{gaps:?}");
    }
}

#[tokio::test]
async fn retries_stop_after_max_attempts_with_the_last_error() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    server.inject(Route::OkrList, Fault::ServerError, 5);
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some(1009999));
    assert_eq!(error.http_status(), Some(500));
    assert_eq!(server.count(Route::OkrList), 3);
}

#[tokio::test]
async fn non_idempotent_operations_are_never_retried() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    for fault in [
        Fault::ServerError,
        Fault::DropConnection,
        Fault::RateLimited {
            http_status: 429,
            reset_seconds: 0,
        },
    ] {
        server.clear_log();
        server.inject(Route::StageTaskFind, fault.clone(), 1);
        let request = find_stage_tasks(&FIND_STAGE_TASKS_NOT_IDEMPOTENT, &["u1"]);
        let error = client.execute::<StageTasks>(request).await.unwrap_err();
        assert_eq!(
            server.count(Route::StageTaskFind),
            1,
            "{fault:?}: {error:?}"
        );
    }
    // The idempotent declaration of the same endpoint is retried.
    server.clear_log();
    server.inject(Route::StageTaskFind, Fault::DropConnection, 1);
    let tasks: StageTasks = client
        .execute(find_stage_tasks(&FIND_STAGE_TASKS, &["u1", "u2"]))
        .await
        .unwrap();
    assert_eq!(tasks.items.len(), 2);
    assert_eq!(server.count(Route::StageTaskFind), 2);
}

#[tokio::test]
async fn malformed_json_is_a_decode_error_and_not_retried() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    server.inject(Route::OkrList, Fault::MalformedJson, 1);
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    let Error::Decode(decode) = &error else {
        panic!("expected Decode, got {error:?}");
    };
    assert!(decode.body_start.starts_with(r#"{"code":0"#), "{decode:?}");
    assert!(decode.log_id.is_some());
    assert_eq!(server.count(Route::OkrList), 1);
}

#[tokio::test]
async fn rate_limit_reset_is_waited_for_then_retried() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    server.inject(
        Route::OkrList,
        Fault::RateLimited {
            http_status: 429,
            reset_seconds: 1,
        },
        1,
    );
    // Older APIs signal the same with HTTP 400.
    server.inject(
        Route::OkrList,
        Fault::RateLimited {
            http_status: 400,
            reset_seconds: 1,
        },
        1,
    );
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    let requests = server.requests(Route::OkrList);
    assert_eq!(requests.len(), 3);
    for pair in requests.windows(2) {
        let gap = pair[1].at - pair[0].at;
        assert!(gap >= Duration::from_secs(1), "reset not honoured: {gap:?}");
    }
}

#[tokio::test]
async fn rate_limited_error_carries_the_wait_when_retries_run_out() {
    let server = server().await;
    let client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    server.inject(
        Route::OkrList,
        Fault::RateLimited {
            http_status: 429,
            reset_seconds: 7,
        },
        1,
    );
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    let Error::RateLimited(limited) = &error else {
        panic!("expected RateLimited, got {error:?}");
    };
    assert_eq!(limited.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(error.code(), Some(99991400));
    assert_eq!(error.http_status(), Some(429));
    assert!(error.to_string().contains("99991400"), "{error}");
}

#[tokio::test]
async fn a_wait_longer_than_the_budget_fails_at_once() {
    let server = server().await;
    let client = builder(&server)
        .retry_policy(fast_retries().total_budget(Duration::from_secs(2)))
        .build()
        .unwrap();
    server.inject(
        Route::OkrList,
        Fault::RateLimited {
            http_status: 429,
            reset_seconds: 30,
        },
        1,
    );
    let started = Instant::now();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::RateLimited(_)), "{error:?}");
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(server.count(Route::OkrList), 1);
}

#[tokio::test]
async fn the_total_budget_bounds_slow_attempts() {
    let server = server().await;
    let client = builder(&server)
        .timeout(Duration::from_millis(400))
        .retry_policy(
            fast_retries()
                .max_attempts(10)
                .total_budget(Duration::from_millis(900)),
        )
        .build()
        .unwrap();
    // Warm the token so only the slow fixture calls count.
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    server.inject(Route::OkrList, Fault::Slow(Duration::from_secs(3)), 10);
    let started = Instant::now();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap_err();
    let elapsed = started.elapsed();
    assert!(
        matches!(&error, Error::Transport(t) if t.kind() == TransportErrorKind::Timeout),
        "{error:?}"
    );
    assert!(elapsed < Duration::from_millis(1500), "{elapsed:?}");
    // 400 ms timeouts plus backoff: two or three attempts fit in 900 ms, not ten.
    let attempts = server.count(Route::OkrList) - 1;
    assert!((2..=3).contains(&attempts), "{attempts} attempts");
}

#[tokio::test]
async fn unknown_user_is_an_api_error_with_log_id_and_raw_body() {
    let server = server().await;
    let client = builder(&server).build().unwrap();
    let error = client
        .execute::<OkrPage>(list_okrs("ou_nobody", 0, 5))
        .await
        .unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected Api, got {error:?}");
    };
    assert_eq!((api.code, api.http_status), (1001003, 400));
    assert!(api.raw_body.contains("User not found."), "{api:?}");
    let shown = error.to_string();
    assert!(
        shown.contains("1001003") && shown.contains("User not found."),
        "{shown}"
    );
    assert!(shown.contains(api.log_id.as_deref().unwrap()), "{shown}");
    assert_eq!(server.count(Route::OkrList), 1, "4xx is not retried");
}
