//! Events through the GENERATED types: every event's spec example replayed
//! through a `Dispatcher` with typed handlers (per event and per service
//! enum), an unknown event type reaching the fallback with its raw JSON, and
//! one generated event delivered end to end over a signed, encrypted webhook
//! and over the long connection of the mock server.

use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use feishu::event::long_connection::{ConnectionState, LongConnection, ReconnectPolicy};
use feishu::event::webhook::{WebhookConfig, WebhookReceiver};
use feishu::event::{Dispatcher, EventEnvelope, EventHeader, EventSet, Outcome, UnhandledReason};
use feishu::performance::v2::events::{
    PerformanceV2Event, ReviewDataChangedV2, StageTaskOpenResultV2,
};
use feishu::performance::v2::{ReviewStageRole, StageType};
use feishu_fixture_events::events_fixture::v1::events::{
    EventsFixtureV1Event, LegacyPing, NodeMovedV1,
};
use feishu_mock_server::MockServer;
use feishu_tests::{json_equivalent, workspace_root};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

/// The `examples.event` text of every event in a spec file, by event type.
fn spec_examples(relative: &str) -> Vec<(String, String)> {
    let path = workspace_root().join(relative);
    let text = std::fs::read_to_string(&path).unwrap();
    let (loaded, diagnostics) = codegen::load::load_str(relative, &text);
    let loaded = loaded.unwrap_or_else(|| panic!("{relative} does not load: {diagnostics:?}"));
    loaded
        .spec
        .events
        .iter()
        .map(|(event_type, spec)| {
            let example = spec
                .examples
                .as_ref()
                .and_then(|e| e.event.clone())
                .unwrap_or_else(|| panic!("{event_type} has no example"));
            (event_type.clone(), example)
        })
        .collect()
}

fn example(relative: &str, event_type: &str) -> String {
    spec_examples(relative)
        .into_iter()
        .find(|(t, _)| t == event_type)
        .map(|(_, e)| e)
        .unwrap_or_else(|| panic!("no example for {event_type}"))
}

const PERFORMANCE: &str = "spec/performance/v2.yaml";
const FIXTURE: &str = "tests/specs/events/events_fixture/v1.yaml";

type Recorded<T> = Arc<Mutex<Vec<(EventHeader, T)>>>;

/// A dispatcher that records typed events of set `E` and fallbacks.
fn recording<E: EventSet + Clone + Sync>() -> (
    Dispatcher,
    Recorded<E>,
    Arc<Mutex<Vec<feishu::event::Unhandled>>>,
) {
    let typed: Recorded<E> = Arc::default();
    let fallback = Arc::new(Mutex::new(Vec::new()));
    let (t, f) = (Arc::clone(&typed), Arc::clone(&fallback));
    let dispatcher = Dispatcher::new()
        .on(move |header: EventHeader, event: E| {
            let t = Arc::clone(&t);
            async move {
                t.lock().unwrap().push((header, event));
                Ok(())
            }
        })
        .fallback(move |unhandled| {
            let f = Arc::clone(&f);
            async move {
                f.lock().unwrap().push(unhandled);
                Ok(())
            }
        });
    (dispatcher, typed, fallback)
}

/// The example's `event` object equals the typed value serialized back: no
/// field of the example was lost on the way into the generated struct.
fn assert_round_trip<T: serde::Serialize>(example: &str, typed: &T) {
    let envelope: Value = serde_json::from_str(example).unwrap();
    let back = serde_json::to_value(typed).unwrap();
    assert!(
        json_equivalent(&envelope["event"], &back),
        "fields lost in decoding:\nexample: {}\ntyped:   {back}",
        envelope["event"]
    );
}

#[tokio::test]
async fn every_performance_example_reaches_the_service_enum_handler() {
    let examples = spec_examples(PERFORMANCE);
    assert_eq!(examples.len(), 2, "both performance events are in the spec");
    assert_eq!(
        PerformanceV2Event::event_types(),
        [
            StageTaskOpenResultV2::EVENT_TYPE,
            ReviewDataChangedV2::EVENT_TYPE
        ]
    );
    let (dispatcher, typed, fallback) = recording::<PerformanceV2Event>();
    for (i, (event_type, text)) in examples.iter().enumerate() {
        // The two page examples share one event id: make them distinct so
        // de-duplication does not drop the second.
        let mut value: Value = serde_json::from_str(text).unwrap();
        value["header"]["event_id"] = json!(format!("ev-{i}"));
        let envelope = EventEnvelope::parse(value.to_string().as_bytes()).unwrap();
        assert_eq!(&envelope.header.event_type, event_type);
        assert_eq!(
            dispatcher.dispatch(envelope).await.unwrap(),
            Outcome::Handled
        );
    }
    assert!(fallback.lock().unwrap().is_empty());
    let typed = typed.lock().unwrap().clone();
    assert_eq!(typed.len(), 2);
    for ((header, event), (event_type, text)) in typed.iter().zip(&examples) {
        assert_eq!(&header.event_type, event_type);
        assert_eq!(event.event_type(), event_type);
        assert_eq!(header.tenant_key, "2ca1d211f64f6438");
        match event {
            PerformanceV2Event::StageTaskOpenResultV2(e) => assert_round_trip(text, e),
            PerformanceV2Event::ReviewDataChangedV2(e) => assert_round_trip(text, e),
            other => panic!("unexpected variant {other:?}"),
        }
    }
}

#[tokio::test]
async fn per_event_handlers_get_typed_fields() {
    let (dispatcher, opened, _) = recording::<StageTaskOpenResultV2>();
    let text = example(PERFORMANCE, StageTaskOpenResultV2::EVENT_TYPE);
    let outcome = dispatcher
        .dispatch(EventEnvelope::parse(text.as_bytes()).unwrap())
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Handled);
    let (_, event) = opened.lock().unwrap()[0].clone();
    let item = &event.items.as_ref().unwrap()[0];
    let user = item.user_id.as_ref().unwrap();
    assert_eq!(
        user.open_id.as_deref(),
        Some("ou_84aad35d084aa403a838cf73ee18467")
    );
    assert_eq!(user.user_id.as_deref(), Some("e33ggbyz"));
    assert_eq!(item.semester_id.as_deref(), Some("7343576973861453844"));
    assert_eq!(item.open_time.as_deref(), Some("1704038400000"));

    let (dispatcher, changed, _) = recording::<ReviewDataChangedV2>();
    let text = example(PERFORMANCE, ReviewDataChangedV2::EVENT_TYPE);
    dispatcher
        .dispatch(EventEnvelope::parse(text.as_bytes()).unwrap())
        .await
        .unwrap();
    let (_, event) = changed.lock().unwrap()[0].clone();
    let stage = &event.items.as_ref().unwrap()[0]
        .stage_changes
        .as_ref()
        .unwrap()[0];
    assert_eq!(stage.stage_id.as_deref(), Some("7026250586485114406"));
    assert_eq!(stage.stage_type, Some(StageType::LeaderReview));
    assert_eq!(
        stage.review_stage_role,
        Some(ReviewStageRole::SolidLineLeader)
    );
}

#[tokio::test]
async fn unknown_types_and_other_events_reach_the_fallback_with_raw_json() {
    // Only one event registered: the other performance event is as unknown
    // to this dispatcher as a brand-new type.
    let (dispatcher, typed, fallback) = recording::<StageTaskOpenResultV2>();
    let mut new_type: Value =
        serde_json::from_str(&example(PERFORMANCE, ReviewDataChangedV2::EVENT_TYPE)).unwrap();
    new_type["header"]["event_type"] = json!("performance.something.new_v9");
    new_type["header"]["event_id"] = json!("ev-new");
    new_type["event"] = json!({"anything": [1, 2, 3]});
    let outcome = dispatcher
        .dispatch(EventEnvelope::parse(new_type.to_string().as_bytes()).unwrap())
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Fallback);
    let other = example(PERFORMANCE, ReviewDataChangedV2::EVENT_TYPE);
    let outcome = dispatcher
        .dispatch(EventEnvelope::parse(other.as_bytes()).unwrap())
        .await
        .unwrap();
    assert_eq!(outcome, Outcome::Fallback);
    assert!(typed.lock().unwrap().is_empty());
    let fallback = fallback.lock().unwrap();
    assert_eq!(fallback.len(), 2);
    assert_eq!(fallback[0].reason, UnhandledReason::UnknownType);
    let raw: Value = serde_json::from_str(fallback[0].envelope.event.get()).unwrap();
    assert_eq!(raw, json!({"anything": [1, 2, 3]}));
    assert_eq!(
        fallback[1].envelope.header.event_type,
        ReviewDataChangedV2::EVENT_TYPE
    );
}

#[test]
fn decode_refuses_types_outside_the_set_without_echoing_them() {
    let raw = serde_json::value::RawValue::from_string("{}".into()).unwrap();
    let error = PerformanceV2Event::decode("secret.token.abc", &raw).unwrap_err();
    assert!(!error.to_string().contains("secret"), "{error}");
    let error = StageTaskOpenResultV2::decode(ReviewDataChangedV2::EVENT_TYPE, &raw).unwrap_err();
    assert!(!error.to_string().contains("review_data"), "{error}");
    // A body of the wrong shape is an error (the dispatcher's DecodeFailed), never a panic.
    let bad = serde_json::value::RawValue::from_string(r#"{"items": {"not": "an array"}}"#.into())
        .unwrap();
    assert!(PerformanceV2Event::decode(StageTaskOpenResultV2::EVENT_TYPE, &bad).is_err());
}

#[tokio::test]
async fn recursive_and_common_typed_fields_and_schema_1_events_decode() {
    let (dispatcher, typed, fallback) = recording::<EventsFixtureV1Event>();
    for (_, text) in spec_examples(FIXTURE) {
        let outcome = dispatcher
            .dispatch(EventEnvelope::parse(text.as_bytes()).unwrap())
            .await
            .unwrap();
        assert_eq!(outcome, Outcome::Handled);
    }
    assert!(fallback.lock().unwrap().is_empty());
    let typed = typed.lock().unwrap().clone();
    let EventsFixtureV1Event::NodeMovedV1(moved) = &typed[0].1 else {
        panic!("{:?}", typed[0].1);
    };
    let node = moved.node.as_ref().unwrap();
    let grandparent = node.parent.as_ref().unwrap().parent.as_ref().unwrap();
    assert_eq!(grandparent.id.as_deref(), Some("a"));
    assert_eq!(moved.title.as_ref().unwrap().zh_cn.as_deref(), Some("节点"));
    assert_round_trip(&example(FIXTURE, NodeMovedV1::EVENT_TYPE), moved);
    let EventsFixtureV1Event::LegacyPing(ping) = &typed[1].1 else {
        panic!("{:?}", typed[1].1);
    };
    assert_eq!(typed[1].0.event_id, "ev-legacy-1");
    assert_eq!(ping.note.as_deref(), Some("hi"));
    assert_eq!(LegacyPing::EVENT_TYPE, "events_fixture.legacy_ping");
}

const ENCRYPT_KEY: &str = "encrypt-key-events-test";
const TOKEN: &str = "rvaYgkND1GOiu5MM0E1rncYC6PLtF7JV";

/// AES-256-CBC with a SHA-256 of the key, IV first, base64: the platform's algorithm.
fn encrypt(plain: &[u8]) -> String {
    let key = Sha256::digest(ENCRYPT_KEY.as_bytes());
    let iv: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(29).wrapping_add(3));
    let ciphertext =
        cbc::Encryptor::<aes::Aes256>::new(&key, &iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plain);
    let mut data = iv.to_vec();
    data.extend_from_slice(&ciphertext);
    STANDARD.encode(data)
}

fn signed(body: &[u8]) -> http::HeaderMap {
    let timestamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
        .to_string();
    let nonce = "nonce-events";
    let mut content = Vec::new();
    content.extend_from_slice(timestamp.as_bytes());
    content.extend_from_slice(nonce.as_bytes());
    content.extend_from_slice(ENCRYPT_KEY.as_bytes());
    content.extend_from_slice(body);
    let signature = format!("{:x}", Sha256::digest(&content));
    let mut headers = http::HeaderMap::new();
    headers.insert("X-Lark-Request-Timestamp", timestamp.parse().unwrap());
    headers.insert(
        "X-Lark-Request-Nonce",
        http::HeaderValue::from_static(nonce),
    );
    headers.insert("X-Lark-Signature", signature.parse().unwrap());
    headers
}

#[tokio::test]
async fn a_signed_encrypted_webhook_delivers_a_generated_event() {
    let (dispatcher, typed, fallback) = recording::<PerformanceV2Event>();
    let receiver = WebhookReceiver::new(
        WebhookConfig::new()
            .encrypt_key(ENCRYPT_KEY)
            .verification_token(TOKEN),
        Arc::new(dispatcher),
    )
    .unwrap();
    let text = example(PERFORMANCE, ReviewDataChangedV2::EVENT_TYPE);
    let body = json!({"encrypt": encrypt(text.as_bytes())})
        .to_string()
        .into_bytes();

    let mut tampered = signed(&body);
    tampered.insert("X-Lark-Signature", http::HeaderValue::from_static("00"));
    let answer = receiver.handle(&tampered, &body).await;
    assert_ne!(answer.status, http::StatusCode::OK);
    assert!(
        typed.lock().unwrap().is_empty(),
        "a bad signature must not dispatch"
    );

    let answer = receiver.handle(&signed(&body), &body).await;
    assert_eq!(
        answer.status,
        http::StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    assert!(fallback.lock().unwrap().is_empty());
    let typed = typed.lock().unwrap();
    assert_eq!(typed.len(), 1);
    let PerformanceV2Event::ReviewDataChangedV2(event) = &typed[0].1 else {
        panic!("{:?}", typed[0].1);
    };
    assert_round_trip(&text, event);
}

async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

#[tokio::test]
async fn the_long_connection_delivers_a_generated_event() {
    let server = MockServer::start().await.unwrap();
    let (dispatcher, typed, fallback) = recording::<StageTaskOpenResultV2>();
    let connection = LongConnection::builder(MockServer::APP_ID, MockServer::APP_SECRET)
        .base_url(server.base_url())
        .bootstrap_timeout(Duration::from_secs(5))
        .reconnect_policy(ReconnectPolicy {
            max_attempts: Some(20),
            interval: Duration::from_millis(50),
            jitter: Duration::from_millis(20),
        })
        .spawn(Arc::new(dispatcher))
        .unwrap();
    let status = connection.status();
    until("connected", || {
        status.get().state == ConnectionState::Connected
    })
    .await;

    let text = example(PERFORMANCE, StageTaskOpenResultV2::EVENT_TYPE);
    let envelope: Value = serde_json::from_str(&text).unwrap();
    let message_id = server.ws().push_event(&envelope);
    until("ack", || {
        server
            .ws()
            .acks()
            .iter()
            .any(|a| a.message_id == message_id)
    })
    .await;
    let ack = server
        .ws()
        .acks()
        .into_iter()
        .find(|a| a.message_id == message_id)
        .unwrap();
    assert_eq!(ack.code, 200);
    assert!(fallback.lock().unwrap().is_empty());
    let typed = typed.lock().unwrap().clone();
    assert_eq!(typed.len(), 1);
    assert_eq!(typed[0].0.event_type, StageTaskOpenResultV2::EVENT_TYPE);
    assert_round_trip(&text, &typed[0].1);
    connection.shutdown().await.unwrap();
}
