//! Runtime overhead of the generated client.
//!
//!     cargo bench -p feishu-bench --bench runtime
//!
//! - `decode`: a large OKR response (1,000 objectives with their key
//!   results, several MB) into the generated types vs into
//!   `serde_json::Value`, in MB/s.
//! - `call`: one full `GET` over loopback through the generated client vs
//!   the same request written with bare reqwest + serde_json.
//! - `concurrent`: 1,000 concurrent calls through one client with managed
//!   tokens (single-flight) and client-side rate limiting under a generous
//!   quota, against the mock server, vs the same calls with both off.

use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use feishu::okr::v1::user_okr::ListUserOkrResponse;
use serde_json::{Value, json};

/// An OKR list `data` with `objectives` objectives of three KRs each.
fn large_okr_data(objectives: usize) -> Value {
    let user =
        json!({"open_id": "ou_a79faffdb6aee3618f0da4d42b192466", "user_id": "6887399402823058952"});
    let kr = |i: usize| {
        json!({
            "id": format!("70733604719901{i:05}"), "content": "1111@张三9", "score": 100, "weight": 50,
            "kr_weight": 33.5, "deadline": "1648656000000",
            "progress_rate": {"percent": 60, "status": "1"},
            "progress_record_list": [{"id": "7073411057431199764"}],
            "progress_rate_percent_last_updated_time": "1646907176099",
            "progress_rate_status_last_updated_time": "1646907176099",
            "progress_record_last_updated_time": "1646907586253",
            "progress_report_last_updated_time": "0",
            "score_last_updated_time": "1646907586244",
            "mentioned_user_list": [user.clone()]
        })
    };
    let objective = |i: usize| {
        json!({
            "id": format!("70733605137316{i:05}"), "permission": 1, "content": "需求@刘三",
            "progress_report": "红豆泥", "score": 100, "weight": 40.0, "deadline": "1648656000000",
            "progress_rate": {"percent": 30, "status": "0"},
            "kr_list": [kr(i), kr(i + 1), kr(i + 2)],
            "aligned_objective_list": [{"id": "1", "okr_id": "2", "owner": user.clone()}],
            "aligning_objective_list": [],
            "progress_record_list": [{"id": "7073360502990061587"}],
            "progress_rate_percent_last_updated_time": "1646907261326",
            "progress_rate_status_last_updated_time": "1646907261326",
            "progress_record_last_updated_time": "1646907590448",
            "progress_report_last_updated_time": "1646907387911",
            "score_last_updated_time": "1646907590472",
            "mentioned_user_list": [user.clone()]
        })
    };
    let objectives: Vec<Value> = (0..objectives).map(objective).collect();
    json!({
        "total": 1,
        "okr_list": [{
            "id": "7072252816005349396", "name": "2022 年 3 月", "permission": 1,
            "period_id": "7067724095781142548", "confirm_status": 4, "objective_list": objectives
        }]
    })
}

fn decode(c: &mut Criterion) {
    let body = serde_json::to_vec(&large_okr_data(1_000)).expect("JSON");
    let mut group = c.benchmark_group("decode");
    group.throughput(Throughput::Bytes(body.len() as u64));
    group.bench_function("generated_types", |b| {
        b.iter(|| serde_json::from_slice::<ListUserOkrResponse>(&body).expect("decodes"))
    });
    group.bench_function("generated_types_with_error_paths", |b| {
        // What the runtime does: serde_path_to_error keeps the JSON path of a
        // failing field for the decode error.
        b.iter(|| {
            let mut de = serde_json::Deserializer::from_slice(&body);
            serde_path_to_error::deserialize::<_, ListUserOkrResponse>(&mut de).expect("decodes")
        })
    });
    group.bench_function("serde_json_value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(&body).expect("decodes"))
    });
    group.finish();
    println!("decode: body is {:.2} MB", body.len() as f64 / 1e6);
}

/// A loopback server answering every request with an OKR envelope, on a
/// thread and runtime of its own so that client and server never compete
/// for one runtime's workers (which made run-to-run results drift by 40%).
fn loopback_server_thread() -> String {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime");
        runtime.block_on(async move {
            let url = loopback_server().await;
            let _ = sender.send(url);
            std::future::pending::<()>().await;
        });
    });
    receiver.recv().expect("server started")
}

/// A loopback server answering every request with the OKR example envelope.
async fn loopback_server() -> String {
    let envelope = json!({"code": 0, "msg": "success", "data": large_okr_data(2)}).to_string();
    let app = axum::Router::new().fallback(move || {
        let envelope = envelope.clone();
        async move { ([("content-type", "application/json")], envelope) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    url
}

fn call(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = runtime.block_on(loopback_server());
    let client = feishu::Client::builder()
        .base_url(&base)
        .access_token("t-bench")
        // The quota (100/min) would measure the limiter, not the overhead.
        .rate_limiting(false)
        .build()
        .expect("client");
    let bare = reqwest::Client::new();
    // What a careful hand-written client does too: bounded waits.
    let bare_with_timeouts = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client");
    let url = format!("{base}/open-apis/okr/v1/users/ou_1/okrs");

    let mut group = c.benchmark_group("call");
    group.bench_function("generated_client", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .okr()
                .v1()
                .user_okr()
                .list("ou_1", 0, 10)
                .send()
                .await
                .expect("ok")
        })
    });
    for (name, http) in [
        ("bare_reqwest", &bare),
        ("bare_reqwest_with_timeouts", &bare_with_timeouts),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| async {
                let response = http
                    .get(&url)
                    .query(&[("offset", "0"), ("limit", "10")])
                    .bearer_auth("t-bench")
                    .send()
                    .await
                    .expect("sent");
                let bytes = response.bytes().await.expect("body");
                #[derive(serde::Deserialize)]
                struct Envelope {
                    code: i64,
                    data: ListUserOkrResponse,
                }
                let envelope: Envelope = serde_json::from_slice(&bytes).expect("decodes");
                assert_eq!(envelope.code, 0);
                envelope.data
            })
        });
    }
    group.finish();
}

fn concurrent(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = runtime
        .block_on(feishu_mock_server::MockServer::start())
        .expect("mock");
    server.add_okr_user("ou_1", 5);
    let base = server.base_url().to_owned();
    let mut group = c.benchmark_group("concurrent_1000_calls");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for (name, managed) in [
        ("managed_tokens_and_rate_limit", true),
        ("fixed_token_no_limit", false),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter_custom(|iterations| {
                let base = base.clone();
                let server = &server;
                async move {
                    let mut total = Duration::ZERO;
                    for _ in 0..iterations {
                        // A fresh client each iteration: a cold token cache.
                        let builder = feishu::Client::builder().base_url(&base);
                        let client = if managed {
                            builder
                                .app_credentials(
                                    feishu_mock_server::MockServer::APP_ID,
                                    feishu_mock_server::MockServer::APP_SECRET,
                                )
                                .rate_limit_override(
                                    "okr.v1.user_okr.list",
                                    feishu::runtime::RateLimit {
                                        requests: 1_000_000,
                                        per_seconds: 1,
                                        per: feishu::runtime::LimitScope::App,
                                    },
                                )
                        } else {
                            server.accept_token("t-fixed-bench");
                            builder.access_token("t-fixed-bench").rate_limiting(false)
                        }
                        .build()
                        .expect("client");
                        let start = Instant::now();
                        let calls = (0..1_000).map(|_| {
                            let client = client.clone();
                            tokio::spawn(async move {
                                client
                                    .okr()
                                    .v1()
                                    .user_okr()
                                    .list("ou_1", 0, 10)
                                    .send()
                                    .await
                            })
                        });
                        for call in futures::future::join_all(calls).await {
                            call.expect("joined").expect("ok");
                        }
                        total += start.elapsed();
                    }
                    total
                }
            })
        });
    }
    group.finish();
}

/// The generated client and bare reqwest, interleaved in rounds so that
/// drift (CPU frequency, scheduling) hits both alike; prints the median
/// per-call time of each and their ratio.
fn call_ratio(_: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = loopback_server_thread();
    let client = feishu::Client::builder()
        .base_url(&base)
        .access_token("t-bench")
        .rate_limiting(false)
        .build()
        .expect("client");
    let bare = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .connect_timeout(Duration::from_secs(10))
        .build()
        .expect("reqwest client");
    let url = format!("{base}/open-apis/okr/v1/users/ou_1/okrs");
    #[derive(serde::Deserialize)]
    struct Envelope {
        code: i64,
        data: ListUserOkrResponse,
    }
    let (rounds, calls) = (30, 200);
    let (mut generated, mut hand_written) = (Vec::new(), Vec::new());
    runtime.block_on(async {
        for _ in 0..rounds {
            let start = Instant::now();
            for _ in 0..calls {
                client
                    .okr()
                    .v1()
                    .user_okr()
                    .list("ou_1", 0, 10)
                    .send()
                    .await
                    .expect("ok");
            }
            generated.push(start.elapsed() / calls);
            let start = Instant::now();
            for _ in 0..calls {
                let response = bare
                    .get(&url)
                    .query(&[("offset", "0"), ("limit", "10")])
                    .bearer_auth("t-bench")
                    .send()
                    .await
                    .expect("sent");
                let bytes = response.bytes().await.expect("body");
                let envelope: Envelope = serde_json::from_slice(&bytes).expect("decodes");
                assert_eq!(envelope.code, 0);
                std::hint::black_box(envelope.data);
            }
            hand_written.push(start.elapsed() / calls);
        }
    });
    generated.sort();
    hand_written.sort();
    let (g, h) = (generated[rounds / 2], hand_written[rounds / 2]);
    println!(
        "call_ratio: generated client {g:?}/call, bare reqwest {h:?}/call (medians of {rounds} interleaved rounds of {calls}); ratio {:.3}",
        g.as_secs_f64() / h.as_secs_f64()
    );
}

criterion_group!(benches, decode, call, concurrent, call_ratio);
criterion_main!(benches);
