//! Full-speed rate-limit benchmark: a bulk job against the mock server enforcing a real
//! quota (20 requests per second, fixed 1 s windows, then a sliding window), 10 s each.
//! Prints the achieved rate, its share of the quota, and how many requests the server
//! refused with 429.
//!
//! Run with:
//!
//! ```text
//! CARGO_TARGET_DIR=target-runtime cargo bench -p feishu-runtime --bench rate_limit
//! ```

use std::process::ExitCode;
use std::time::{Duration, Instant};

use feishu_mock_server::{MockServer, Quota, Route};
use feishu_runtime::{Client, HttpMethod, Operation, RateLimit, Request, RetryPolicy, TokenType};

static LIST_OKRS: Operation = Operation {
    id: "okr.v1.user_okr.list",
    method: HttpMethod::Get,
    path: "/open-apis/okr/v1/users/:user_id/okrs",
    token_types: &[TokenType::Tenant, TokenType::User],
    rate_limits: &[RateLimit::per_minute(100)],
    idempotent: true,
    envelope: feishu_runtime::Envelope::Data,
};

const QUOTA: u32 = 20;
const RUN: Duration = Duration::from_secs(10);
const WORKERS: usize = 16;

fn main() -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start tokio: {error}");
            return ExitCode::FAILURE;
        }
    };
    let mut ok = true;
    for quota in [
        Quota::fixed(QUOTA, Duration::from_secs(1)),
        Quota::sliding(QUOTA, Duration::from_secs(1)),
    ] {
        match runtime.block_on(run(quota)) {
            Ok(passed) => ok &= passed,
            Err(error) => {
                eprintln!("benchmark failed: {error}");
                return ExitCode::FAILURE;
            }
        }
    }
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

async fn run(quota: Quota) -> Result<bool, Box<dyn std::error::Error>> {
    let server = MockServer::start().await?;
    server.add_okr_user("ou_1", 14);
    server.set_quota(Route::OkrList, quota);
    let client = Client::builder()
        .base_url(server.base_url())
        .app_credentials(MockServer::APP_ID, MockServer::APP_SECRET)
        .rate_limit_override(LIST_OKRS.id, RateLimit::per_second(QUOTA))
        .retry_policy(RetryPolicy::none())
        .build()?;
    let started = Instant::now();
    let stop = started + RUN;
    let workers: Vec<_> = (0..WORKERS)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move {
                while Instant::now() < stop {
                    let mut request = Request::new(&LIST_OKRS);
                    request.path_param("user_id", "ou_1");
                    request.query("offset", 0);
                    request.query("limit", 5);
                    let _ = client.execute::<feishu_runtime::Empty>(request).await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await?;
    }
    let elapsed = started.elapsed();
    let requests = server.requests(Route::OkrList);
    let served = requests.iter().filter(|r| r.status == 200).count();
    let refused = server.rate_limited_count(Route::OkrList);
    let rate = served as f64 / elapsed.as_secs_f64();
    let share = rate / f64::from(QUOTA) * 100.0;
    println!(
        "{:?} window, quota {QUOTA}/s, {WORKERS} workers, {:.2} s: {served} served, \
         {rate:.2}/s = {share:.1}% of quota, {refused} answered 429",
        quota.mode,
        elapsed.as_secs_f64()
    );
    Ok(refused == 0 && share >= 95.0)
}
