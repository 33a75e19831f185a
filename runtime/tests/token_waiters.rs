//! Many calls waiting for one token: one fetch in flight, its outcome (token or error)
//! handed to all of them, each bounded by its own call's budget.

mod mock;

use std::time::{Duration, Instant};

use feishu_mock_server::{Fault, Route};
use feishu_runtime::{Error, RetryPolicy, TransportErrorKind};
use futures::future::join_all;
use mock::{OkrPage, builder, fast_retries, list_okrs, server};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_token_fetch_is_shared_by_every_waiter() {
    let server = server().await;
    server.inject(Route::TenantTokenInternal, Fault::ServerError, 1000);
    let client = builder(&server).build().unwrap();
    let calls = (0..50).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.execute::<OkrPage>(list_okrs("ou_1", 0, 5)).await })
    });
    for result in join_all(calls).await {
        let error = result.unwrap().unwrap_err();
        assert_eq!(error.http_status(), Some(500), "{error}");
    }
    // One fetch per attempt round, not one per call and attempt (~150). A call that
    // starts late (a loaded machine) is a round behind the others, so the bound allows
    // for two interleaved sets of rounds.
    let fetches = server.count(Route::TenantTokenInternal);
    let rounds = fast_retries().max_attempts as usize;
    assert!(
        (1..=2 * rounds).contains(&fetches),
        "{fetches} token requests for 50 calls"
    );
    assert_eq!(server.count(Route::OkrList), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiters_on_a_hanging_token_endpoint_all_end_with_the_first_timeout() {
    let server = server().await;
    server.inject(
        Route::TenantTokenInternal,
        Fault::Slow(Duration::from_secs(60)),
        100,
    );
    let timeout = Duration::from_secs(1);
    let client = builder(&server)
        .timeout(timeout)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let started = Instant::now();
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move {
            let result = client.execute::<OkrPage>(list_okrs("ou_1", 0, 5)).await;
            (result, started.elapsed())
        })
    });
    let outcomes = join_all(calls).await;
    for outcome in &outcomes {
        let (result, _) = outcome.as_ref().unwrap();
        assert!(
            matches!(result, Err(Error::Transport(t)) if t.kind() == TransportErrorKind::Timeout),
            "{result:?}"
        );
    }
    // Serialised waiters would each wait out their own fetch: the last after ~10 s.
    let last = outcomes
        .iter()
        .map(|o| o.as_ref().unwrap().1)
        .max()
        .unwrap();
    assert!(last < timeout * 3, "the last call ended after {last:?}");
    assert_eq!(server.count(Route::TenantTokenInternal), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_waiter_is_bounded_by_its_own_budget() {
    let server = server().await;
    server.inject(
        Route::TenantTokenInternal,
        Fault::Slow(Duration::from_secs(60)),
        100,
    );
    let budget = Duration::from_millis(500);
    let client = builder(&server)
        .timeout(Duration::from_secs(30))
        .retry_policy(RetryPolicy::none().total_budget(budget))
        .build()
        .unwrap();
    let started = Instant::now();
    let calls = (0..10).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.execute::<OkrPage>(list_okrs("ou_1", 0, 5)).await })
    });
    for result in join_all(calls).await {
        let error = result.unwrap().unwrap_err();
        assert!(error.to_string().contains("timed out"), "{error}");
    }
    assert!(started.elapsed() < budget * 6, "{:?}", started.elapsed());
    assert_eq!(server.count(Route::TenantTokenInternal), 1);
}
