//! Client-side rate limiting against a mock enforcing the same quota, time-compressed:
//! the documented 100/min becomes 40 per second. Assertions use the mock's own counts
//! and arrival times. `benches/rate_limit.rs` measures the same at a real pace.

mod mock;

use std::time::{Duration, Instant};

use feishu_mock_server::{MockServer, Quota, Route};
use feishu_runtime::{Client, RateLimit, RetryPolicy};
use mock::{LIST_OKRS, OkrPage, list_okrs, server};

const QUOTA: u32 = 40;
const WORKERS: usize = 8;
const RUN: Duration = Duration::from_millis(2500);

/// Runs `WORKERS` tasks sharing one client until `RUN` has passed.
async fn bulk_job(client: &Client) {
    let stop = Instant::now() + RUN;
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                while Instant::now() < stop {
                    let _ = client.execute::<OkrPage>(list_okrs("ou_1", 0, 5)).await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
}

fn limited_client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .rate_limit_override(LIST_OKRS.id, RateLimit::per_second(QUOTA))
        // No retries: a 429 must show up as a 429, not be papered over.
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
}

/// Served requests per second between the first and the last arrival.
fn achieved_rate(server: &MockServer) -> f64 {
    let served: Vec<Duration> = server
        .requests(Route::OkrList)
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| r.at)
        .collect();
    let (Some(first), Some(last)) = (served.first(), served.last()) else {
        return 0.0;
    };
    (served.len() - 1) as f64 / (*last - *first).as_secs_f64()
}

async fn check_against(quota: Quota) {
    let server = server().await;
    server.set_quota(Route::OkrList, quota);
    let client = limited_client(&server);
    bulk_job(&client).await;
    let rate = achieved_rate(&server);
    let rejected = server.rate_limited_count(Route::OkrList);
    println!(
        "{:?} window: {} requests, {rate:.2}/s = {:.1}% of quota, {rejected} rate limited",
        quota.mode,
        server.count(Route::OkrList),
        rate / f64::from(QUOTA) * 100.0
    );
    assert_eq!(rejected, 0, "the client exceeded the server's quota");
    assert!(
        rate >= 0.95 * f64::from(QUOTA),
        "only {rate:.2}/s of {QUOTA}/s"
    );
    assert!(rate <= f64::from(QUOTA), "{rate:.2}/s exceeds {QUOTA}/s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_job_uses_95_percent_of_a_fixed_window_quota_without_429s() {
    check_against(Quota::fixed(QUOTA, Duration::from_secs(1))).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_job_uses_95_percent_of_a_sliding_window_quota_without_429s() {
    check_against(Quota::sliding(QUOTA, Duration::from_secs(1))).await;
}

/// The control experiment: the same job without client-side limiting is refused, so the
/// tests above are measuring the limiter and not a lenient server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_client_side_limiting_the_server_refuses() {
    let server = server().await;
    server.set_quota(Route::OkrList, Quota::fixed(QUOTA, Duration::from_secs(1)));
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .rate_limiting(false)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    for _ in 0..60 {
        let _ = client.execute::<OkrPage>(list_okrs("ou_1", 0, 5)).await;
    }
    assert!(server.rate_limited_count(Route::OkrList) > 0);
}

#[tokio::test]
async fn each_tenant_and_operation_has_its_own_limiter() {
    let server = server().await;
    server.accept_token("t-fixed");
    let client = Client::builder()
        .base_url(server.base_url())
        .access_token("t-fixed")
        // 2 per second per tenant: a third call on the same key would wait ~0.5 s.
        .rate_limit_override(
            LIST_OKRS.id,
            RateLimit::per_second(2).scoped(feishu_runtime::LimitScope::Tenant),
        )
        .build()
        .unwrap();
    let started = Instant::now();
    for tenant in ["a", "b", "c"] {
        let mut request = list_okrs("ou_1", 0, 5);
        request.options(feishu_runtime::RequestOptions::default().tenant_key(tenant));
        client.execute::<OkrPage>(request).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(400),
        "{:?}",
        started.elapsed()
    );
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    client
        .execute::<OkrPage>(list_okrs("ou_1", 0, 5))
        .await
        .unwrap();
    let gap = {
        let requests = server.requests(Route::OkrList);
        requests[4].at - requests[3].at
    };
    assert!(gap >= Duration::from_millis(450), "{gap:?}");
}
