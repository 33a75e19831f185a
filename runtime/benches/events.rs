//! Event throughput and silent-connection detection.
//!
//! - `dispatch/*`: events per second through the [`Dispatcher`] (typed decode of the
//!   documented `performance.review_data.changed_v2` event, de-duplication on, unique
//!   ids), from a parsed envelope and from raw bytes, and through the whole webhook
//!   path (signature check, AES-256-CBC decryption, parse, dispatch).
//! - `long_connection/silent_detection`: time from the mock connection going silent
//!   (no pongs, no close) to the replacement connection being up, with a 50 ms ping
//!   interval and a 100 ms pong timeout. The bound is ping interval + pong timeout +
//!   reconnect; scale the two settings for production values (defaults: the server's
//!   `PingInterval`, 120 s, + 30 s).
//!
//! Run with:
//!
//! ```text
//! cargo bench -p feishu-runtime --bench events
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use feishu_mock_server::MockServer;
use feishu_runtime::event::long_connection::{ConnectionState, LongConnection, ReconnectPolicy};
use feishu_runtime::event::webhook::{WebhookConfig, WebhookReceiver};
use feishu_runtime::event::{Dispatcher, EventEnvelope, EventHeader, EventSet};
use serde::Deserialize;
use serde_json::value::RawValue;
use serde_json::{Value, json};

#[derive(Deserialize)]
#[allow(dead_code)]
struct StageChange {
    stage_id: Option<String>,
    stage_type: Option<String>,
    review_stage_role: Option<String>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct Item {
    user_id: Option<Value>,
    semester_id: Option<String>,
    activity_id: Option<String>,
    stage_changes: Option<Vec<StageChange>>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct ReviewDataChangedV2 {
    items: Option<Vec<Item>>,
}

struct Performance(#[allow(dead_code)] ReviewDataChangedV2);

impl EventSet for Performance {
    fn event_types() -> &'static [&'static str] {
        &["performance.review_data.changed_v2"]
    }
    fn decode(_: &str, raw: &RawValue) -> Result<Self, serde_json::Error> {
        serde_json::from_str(raw.get()).map(Performance)
    }
}

fn envelope(id: u64) -> Value {
    json!({
        "schema": "2.0",
        "header": {"event_id": format!("ev_{id:020}"), "event_type": "performance.review_data.changed_v2",
                   "create_time": "1608725989000", "token": "tok", "app_id": "cli_1", "tenant_key": "t1"},
        "event": {"items": [{
            "user_id": {"union_id": "on_8ed6aa67826108097d9ee143816345", "user_id": "e33ggbyz", "open_id": "ou_84aad35d084aa403a838cf73ee18467"},
            "semester_id": "7343576973861453844", "activity_id": "7343577163150393363",
            "stage_changes": [{"stage_id": "7026250586485114406", "stage_type": "leader_review", "review_stage_role": "solid_line_leader"}]
        }]}
    })
}

fn dispatcher() -> Dispatcher {
    Dispatcher::new().on(|_: EventHeader, event: Performance| async move {
        std::hint::black_box(event);
        Ok(())
    })
}

fn encrypt(plain: &[u8], key: &str) -> String {
    use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
    use base64::Engine;
    use sha2::Digest;
    let key = sha2::Sha256::digest(key.as_bytes());
    let iv = [7u8; 16];
    let ciphertext =
        cbc::Encryptor::<aes::Aes256>::new(&key, &iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plain);
    let mut data = iv.to_vec();
    data.extend_from_slice(&ciphertext);
    base64::engine::general_purpose::STANDARD.encode(data)
}

fn dispatch(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("dispatch");
    group.throughput(Throughput::Elements(1));

    let d = dispatcher();
    let next = AtomicU64::new(0);
    let template = EventEnvelope::parse(envelope(0).to_string().as_bytes()).unwrap();
    group.bench_function("typed_from_envelope", |b| {
        b.to_async(&runtime).iter(|| {
            let mut envelope = template.clone();
            envelope.header.event_id = format!("ev_{:020}", next.fetch_add(1, Ordering::Relaxed));
            let d = &d;
            async move { d.dispatch(envelope).await.unwrap() }
        });
    });

    let bodies: Vec<Vec<u8>> = (0..4096)
        .map(|i| envelope(i).to_string().into_bytes())
        .collect();
    let d = Arc::new(dispatcher().dedup(feishu_runtime::event::DedupConfig {
        capacity: 0,
        ttl: Duration::ZERO,
    }));
    let i = AtomicU64::new(0);
    group.bench_function("typed_from_bytes", |b| {
        b.to_async(&runtime).iter(|| {
            let body = &bodies[(i.fetch_add(1, Ordering::Relaxed) % 4096) as usize];
            let d = &d;
            async move {
                d.dispatch(EventEnvelope::parse(body).unwrap())
                    .await
                    .unwrap()
            }
        });
    });

    let key = "bench-encrypt-key";
    let receiver = WebhookReceiver::new(
        WebhookConfig::new().encrypt_key(key),
        Arc::new(dispatcher().dedup(feishu_runtime::event::DedupConfig {
            capacity: 0,
            ttl: Duration::ZERO,
        })),
    )
    .unwrap();
    let body = json!({"encrypt": encrypt(envelope(1).to_string().as_bytes(), key)})
        .to_string()
        .into_bytes();
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let signature = feishu_runtime::event::crypto::signature(&timestamp, "n", key, &body);
    let mut headers = http::HeaderMap::new();
    headers.insert("x-lark-request-timestamp", timestamp.parse().unwrap());
    headers.insert("x-lark-request-nonce", "n".parse().unwrap());
    headers.insert("x-lark-signature", signature.parse().unwrap());
    group.bench_function("webhook_signed_encrypted", |b| {
        b.to_async(&runtime).iter(|| async {
            let answer = receiver.handle(&headers, &body).await;
            assert_eq!(answer.status, 200);
        });
    });
    group.finish();
}

fn silent_detection(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut group = c.benchmark_group("long_connection");
    group.sample_size(10);
    group.bench_function("silent_detection", |b| {
        b.to_async(&runtime).iter_custom(|iterations| async move {
            let server = MockServer::start().await.unwrap();
            let connection = LongConnection::builder(MockServer::APP_ID, MockServer::APP_SECRET)
                .base_url(server.base_url())
                .ping_interval(Duration::from_millis(50))
                .pong_timeout(Duration::from_millis(100))
                .read_timeout(Duration::from_secs(3600))
                .reconnect_policy(ReconnectPolicy {
                    max_attempts: None,
                    interval: Duration::ZERO,
                    jitter: Duration::ZERO,
                })
                .spawn(Arc::new(Dispatcher::new()))
                .unwrap();
            let status = connection.status();
            let up = |n: u64| {
                let status = status.clone();
                async move {
                    loop {
                        let s = status.get();
                        if s.state == ConnectionState::Connected && s.connections >= n {
                            return;
                        }
                        tokio::time::sleep(Duration::from_millis(1)).await;
                    }
                }
            };
            up(1).await;
            let mut total = Duration::ZERO;
            for i in 0..iterations {
                let started = Instant::now();
                server.ws().go_silent();
                up(i + 2).await;
                total += started.elapsed();
            }
            connection.shutdown().await.unwrap();
            total
        });
    });
    group.finish();
}

criterion_group!(benches, dispatch, silent_detection);
criterion_main!(benches);
