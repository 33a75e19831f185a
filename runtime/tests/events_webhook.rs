//! Webhook deliveries end to end through `WebhookReceiver::handle` and the axum router:
//! real signatures and AES-256-CBC bodies computed here from the documented algorithm
//! (independently of the crate's own crypto), URL verification, token checks,
//! de-duplication, limits, and the dispatcher's routing.

mod events_support;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aes::cipher::{BlockEncryptMut, KeyIvInit, block_padding::Pkcs7};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use events_support::*;
use feishu_runtime::event::webhook::{WebhookConfig, WebhookReceiver};
use feishu_runtime::event::{EventEnvelope, Outcome, Schema, UnhandledReason};
use http::{HeaderMap, HeaderValue, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

const ENCRYPT_KEY: &str = "encrypt-key-DO-NOT-LOG-9a8b7c";

fn encrypt(plain: &[u8], key: &str) -> String {
    let key = Sha256::digest(key.as_bytes());
    let iv: [u8; 16] = std::array::from_fn(|i| (i as u8).wrapping_mul(37).wrapping_add(5));
    let ciphertext =
        cbc::Encryptor::<aes::Aes256>::new(&key, &iv.into()).encrypt_padded_vec_mut::<Pkcs7>(plain);
    let mut data = iv.to_vec();
    data.extend_from_slice(&ciphertext);
    STANDARD.encode(data)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// Signature headers for `body`, as the platform computes them.
fn signed(body: &[u8], key: &str, timestamp: u64) -> HeaderMap {
    let timestamp = timestamp.to_string();
    let nonce = "nonce-1234";
    let mut content = Vec::new();
    content.extend_from_slice(timestamp.as_bytes());
    content.extend_from_slice(nonce.as_bytes());
    content.extend_from_slice(key.as_bytes());
    content.extend_from_slice(body);
    let signature = format!("{:x}", Sha256::digest(&content));
    let mut headers = HeaderMap::new();
    headers.insert(
        "X-Lark-Request-Timestamp",
        HeaderValue::from_str(&timestamp).unwrap(),
    );
    headers.insert("X-Lark-Request-Nonce", HeaderValue::from_static(nonce));
    headers.insert(
        "X-Lark-Signature",
        HeaderValue::from_str(&signature).unwrap(),
    );
    headers
}

fn encrypted_body(plain: &Value) -> Vec<u8> {
    json!({ "encrypt": encrypt(plain.to_string().as_bytes(), ENCRYPT_KEY) })
        .to_string()
        .into_bytes()
}

fn token_receiver(seen: &Seen) -> WebhookReceiver {
    WebhookReceiver::new(
        WebhookConfig::new().verification_token(TOKEN),
        Arc::new(seen.dispatcher()),
    )
    .unwrap()
}

fn encrypted_receiver(seen: &Seen) -> WebhookReceiver {
    WebhookReceiver::new(
        WebhookConfig::new()
            .encrypt_key(ENCRYPT_KEY)
            .verification_token(TOKEN),
        Arc::new(seen.dispatcher()),
    )
    .unwrap()
}

fn body_json(body: &[u8]) -> Value {
    serde_json::from_slice(body).unwrap()
}

#[tokio::test]
async fn a_signed_encrypted_event_reaches_its_typed_handler() {
    let seen = Seen::default();
    let receiver = encrypted_receiver(&seen);
    let body = encrypted_body(&envelope(REVIEW_CHANGED, "ev_1"));
    let answer = receiver
        .handle(&signed(&body, ENCRYPT_KEY, now_secs()), &body)
        .await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{:?}",
        String::from_utf8_lossy(&answer.body)
    );
    let typed = seen.typed();
    assert_eq!(typed.len(), 1);
    assert_eq!(typed[0].0.event_id, "ev_1");
    assert_eq!(typed[0].0.tenant_key, "2ca1d211f64f6438");
    let PerformanceEvent::ReviewDataChangedV2(event) = &typed[0].1 else {
        panic!("wrong variant: {:?}", typed[0].1);
    };
    let item = &event.items.as_ref().unwrap()[0];
    assert_eq!(item.semester_id.as_deref(), Some("7343576973861453844"));
    assert_eq!(
        item.stage_changes.as_ref().unwrap()[0]
            .stage_type
            .as_deref(),
        Some("leader_review")
    );
}

#[tokio::test]
async fn bad_missing_or_stale_signatures_are_refused_before_any_handler_runs() {
    let seen = Seen::default();
    let receiver = encrypted_receiver(&seen);
    let body = encrypted_body(&envelope(OPEN_RESULT, "ev_2"));

    let mut tampered = signed(&body, ENCRYPT_KEY, now_secs());
    tampered.insert("X-Lark-Signature", HeaderValue::from_static("00ff"));
    assert_eq!(
        receiver.handle(&tampered, &body).await.status,
        StatusCode::UNAUTHORIZED
    );

    let wrong_key = signed(&body, "another key", now_secs());
    assert_eq!(
        receiver.handle(&wrong_key, &body).await.status,
        StatusCode::UNAUTHORIZED
    );

    // Signed over a different body.
    let other = encrypted_body(&envelope(OPEN_RESULT, "ev_3"));
    let headers = signed(&other, ENCRYPT_KEY, now_secs());
    assert_eq!(
        receiver.handle(&headers, &body).await.status,
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(
        receiver.handle(&HeaderMap::new(), &body).await.status,
        StatusCode::UNAUTHORIZED
    );

    let stale = signed(&body, ENCRYPT_KEY, now_secs() - 301);
    assert_eq!(
        receiver.handle(&stale, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    let future = signed(&body, ENCRYPT_KEY, now_secs() + 301);
    assert_eq!(
        receiver.handle(&future, &body).await.status,
        StatusCode::UNAUTHORIZED
    );

    assert!(seen.typed().is_empty() && seen.fallback().is_empty());

    // A timestamp in milliseconds is read as such, not as far in the future.
    let millis = signed(&body, ENCRYPT_KEY, now_secs() * 1000);
    assert_eq!(receiver.handle(&millis, &body).await.status, StatusCode::OK);
    let stale_millis = signed(&body, ENCRYPT_KEY, (now_secs() - 301) * 1000);
    assert_eq!(
        receiver.handle(&stale_millis, &body).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(seen.typed().len(), 1);

    // The same stale delivery passes when the age check is widened.
    let lenient = WebhookReceiver::new(
        WebhookConfig::new()
            .encrypt_key(ENCRYPT_KEY)
            .max_age(Some(Duration::from_secs(3600))),
        Arc::new(seen.dispatcher()),
    )
    .unwrap();
    let other_id = encrypted_body(&envelope(OPEN_RESULT, "ev_2b"));
    let stale = signed(&other_id, ENCRYPT_KEY, now_secs() - 301);
    assert_eq!(
        lenient.handle(&stale, &other_id).await.status,
        StatusCode::OK
    );
    assert_eq!(seen.typed().len(), 2);
}

#[tokio::test]
async fn url_verification_is_answered_plain_and_encrypted_when_the_token_matches() {
    let seen = Seen::default();
    let challenge =
        json!({"challenge": "ajls384kdjx98XX", "token": TOKEN, "type": "url_verification"});

    let plain = token_receiver(&seen)
        .handle(&HeaderMap::new(), challenge.to_string().as_bytes())
        .await;
    assert_eq!(plain.status, StatusCode::OK);
    assert_eq!(
        body_json(&plain.body),
        json!({"challenge": "ajls384kdjx98XX"})
    );

    // Encrypted, and unsigned as the platform sends it.
    let encrypted = encrypted_receiver(&seen)
        .handle(&HeaderMap::new(), &encrypted_body(&challenge))
        .await;
    assert_eq!(encrypted.status, StatusCode::OK);
    assert_eq!(
        body_json(&encrypted.body),
        json!({"challenge": "ajls384kdjx98XX"})
    );

    let wrong = json!({"challenge": "c", "token": "forged", "type": "url_verification"});
    let refused = token_receiver(&seen)
        .handle(&HeaderMap::new(), wrong.to_string().as_bytes())
        .await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(!String::from_utf8_lossy(&refused.body).contains("challenge"));
}

#[tokio::test]
async fn the_verification_token_guards_plaintext_deliveries() {
    let seen = Seen::default();
    let receiver = token_receiver(&seen);
    let good = envelope(OPEN_RESULT, "ev_4");
    let answer = receiver
        .handle(&HeaderMap::new(), good.to_string().as_bytes())
        .await;
    assert_eq!(answer.status, StatusCode::OK);

    let mut forged = envelope(OPEN_RESULT, "ev_5");
    forged["header"]["token"] = json!("rvaYgkND1GOiu5MM0E1rncYC6PLtF7JX");
    let answer = receiver
        .handle(&HeaderMap::new(), forged.to_string().as_bytes())
        .await;
    assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
    let ids: Vec<_> = seen.typed().into_iter().map(|(h, _)| h.event_id).collect();
    assert_eq!(ids, ["ev_4"]);
}

#[tokio::test]
async fn a_redelivered_event_runs_once_but_a_failed_one_runs_again() {
    let seen = Seen::default();
    let receiver = encrypted_receiver(&seen);
    let body = encrypted_body(&envelope(OPEN_RESULT, "ev_dup"));
    for _ in 0..3 {
        let answer = receiver
            .handle(&signed(&body, ENCRYPT_KEY, now_secs()), &body)
            .await;
        assert_eq!(answer.status, StatusCode::OK);
    }
    assert_eq!(seen.typed().len(), 1);

    // A failing handler answers 500 so the platform retries, and the retry is not
    // swallowed as a duplicate.
    let failing = encrypted_body(&envelope(OPEN_RESULT, "fail_1"));
    for _ in 0..2 {
        let answer = receiver
            .handle(&signed(&failing, ENCRYPT_KEY, now_secs()), &failing)
            .await;
        assert_eq!(answer.status, StatusCode::INTERNAL_SERVER_ERROR);
    }
}

#[tokio::test]
async fn malformed_oversized_and_mismatched_bodies_get_clear_refusals() {
    let seen = Seen::default();
    let small = WebhookReceiver::new(
        WebhookConfig::new()
            .verification_token(TOKEN)
            .max_body_bytes(64),
        Arc::new(seen.dispatcher()),
    )
    .unwrap();
    let big = envelope(OPEN_RESULT, "ev_big").to_string();
    assert_eq!(
        small.handle(&HeaderMap::new(), big.as_bytes()).await.status,
        StatusCode::PAYLOAD_TOO_LARGE
    );

    let receiver = token_receiver(&seen);
    for body in [
        &b"not json"[..],
        b"[1,2]",
        b"{\"schema\":\"2.0\"}",
        b"{\"schema\":\"3.0\",\"header\":{},\"event\":{}}",
    ] {
        let answer = receiver.handle(&HeaderMap::new(), body).await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{}",
            String::from_utf8_lossy(body)
        );
    }
    // Encrypted body without a key, and a plaintext body when a key is configured.
    let encrypted = encrypted_body(&envelope(OPEN_RESULT, "ev_6"));
    assert_eq!(
        receiver.handle(&HeaderMap::new(), &encrypted).await.status,
        StatusCode::BAD_REQUEST
    );
    let plain = envelope(OPEN_RESULT, "ev_7").to_string().into_bytes();
    let keyed = encrypted_receiver(&seen);
    assert_eq!(
        keyed
            .handle(&signed(&plain, ENCRYPT_KEY, now_secs()), &plain)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    // Encrypted with the wrong key but correctly signed.
    let wrong = json!({"encrypt": encrypt(b"{\"schema\":\"2.0\"}", "other")})
        .to_string()
        .into_bytes();
    assert_eq!(
        keyed
            .handle(&signed(&wrong, ENCRYPT_KEY, now_secs()), &wrong)
            .await
            .status,
        StatusCode::BAD_REQUEST
    );
    assert!(seen.typed().is_empty());
}

#[tokio::test]
async fn unknown_types_and_undecodable_events_reach_the_fallback_with_raw_json() {
    let seen = Seen::default();
    let dispatcher = seen.dispatcher();

    let unknown = EventEnvelope::parse(
        envelope("im.message.receive_v1", "ev_u")
            .to_string()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        dispatcher.dispatch(unknown).await.unwrap(),
        Outcome::Fallback
    );

    let mut broken = envelope(OPEN_RESULT, "ev_b");
    broken["event"] = json!({"items": "not a list"});
    let broken = EventEnvelope::parse(broken.to_string().as_bytes()).unwrap();
    assert_eq!(
        dispatcher.dispatch(broken).await.unwrap(),
        Outcome::Fallback
    );

    let fallback = seen.fallback();
    assert_eq!(fallback.len(), 2);
    assert_eq!(fallback[0].reason, UnhandledReason::UnknownType);
    assert_eq!(
        body_json(fallback[0].envelope.event.get().as_bytes()),
        json!({"something": "new"})
    );
    assert!(matches!(
        fallback[1].reason,
        UnhandledReason::DecodeFailed(_)
    ));
    assert!(seen.typed().is_empty());
}

#[tokio::test]
async fn schema_1_events_are_read_into_the_same_header() {
    let v1 = json!({
        "uuid": "41b5f371157e3d5341b38b20396e77a3",
        "token": TOKEN,
        "ts": "1502199207.7171419",
        "type": "event_callback",
        "event": {"type": "out_approval", "app_id": "cli_x", "tenant_key": "t_1", "instance_code": "A1"}
    });
    let envelope = EventEnvelope::parse(v1.to_string().as_bytes()).unwrap();
    assert_eq!(envelope.schema, Schema::V1);
    assert_eq!(envelope.header.event_id, "41b5f371157e3d5341b38b20396e77a3");
    assert_eq!(envelope.header.event_type, "out_approval");
    assert_eq!(envelope.header.tenant_key, "t_1");

    let seen = Seen::default();
    let answer = token_receiver(&seen)
        .handle(&HeaderMap::new(), v1.to_string().as_bytes())
        .await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(
        seen.fallback()[0].envelope.header.event_type,
        "out_approval"
    );
}

#[test]
fn secrets_never_show_in_debug_output() {
    let config = WebhookConfig::new()
        .encrypt_key(ENCRYPT_KEY)
        .verification_token(TOKEN);
    let shown = format!("{config:?}");
    assert!(
        !shown.contains(ENCRYPT_KEY) && !shown.contains(TOKEN),
        "{shown}"
    );
    let envelope =
        EventEnvelope::parse(envelope(OPEN_RESULT, "ev_d").to_string().as_bytes()).unwrap();
    let shown = format!("{envelope:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
    assert!(
        WebhookReceiver::new(WebhookConfig::new(), Arc::new(Seen::default().dispatcher())).is_err()
    );
}

#[tokio::test]
async fn the_axum_router_serves_the_receiver_over_http() {
    let seen = Seen::default();
    let router = feishu_runtime::event::axum::router(
        "/events",
        WebhookReceiver::new(
            WebhookConfig::new()
                .encrypt_key(ENCRYPT_KEY)
                .max_body_bytes(4096),
            Arc::new(seen.dispatcher()),
        )
        .unwrap(),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let http = reqwest::Client::new();
    let url = format!("http://{address}/events");

    let body = encrypted_body(&envelope(OPEN_RESULT, "ev_http"));
    let mut request = http.post(&url).body(body.clone());
    for (name, value) in &signed(&body, ENCRYPT_KEY, now_secs()) {
        request = request.header(name.as_str(), value.to_str().unwrap());
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(seen.typed().len(), 1);

    let response = http
        .post(&url)
        .body(vec![b' '; 10_000])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
    server.abort();
}

#[tokio::test]
async fn unsigned_encrypted_bodies_all_get_the_same_answer() {
    // Without a signature, whether a body decrypts must not show (a padding oracle);
    // only a genuine URL verification gets a different answer.
    let seen = Seen::default();
    let receiver = encrypted_receiver(&seen);
    let event = encrypted_body(&envelope(OPEN_RESULT, "ev_unsigned"));
    let garbage = json!({"encrypt": STANDARD.encode([0x5a_u8; 48])})
        .to_string()
        .into_bytes();
    let not_json = json!({"encrypt": encrypt(b"plain words", ENCRYPT_KEY)})
        .to_string()
        .into_bytes();
    let bad_token =
        encrypted_body(&json!({"challenge": "c", "token": "forged", "type": "url_verification"}));
    let mut answers = Vec::new();
    for body in [&event, &garbage, &not_json, &bad_token] {
        answers.push(receiver.handle(&HeaderMap::new(), body).await);
    }
    for answer in &answers {
        assert_eq!(answer, &answers[0]);
    }
    assert_eq!(answers[0].status, StatusCode::UNAUTHORIZED);
    assert!(seen.typed().is_empty());
}
