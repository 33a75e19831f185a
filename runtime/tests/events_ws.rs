//! The long-connection client against the mock server's frame protocol, one test per
//! fault: silent connection, dropped TCP connection, fragmented events, duplicate
//! deliveries, a bad frame; plus acknowledgements, back-pressure, shutdown, bootstrap
//! errors and log redaction. Deadlines are short and configurable; assertions are on
//! counters and states, never on how long something took.

mod events_support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use events_support::*;
use feishu_mock_server::MockServer;
use feishu_runtime::event::long_connection::{
    ConnectionState, LongConnection, LongConnectionBuilder, LongConnectionError, ReconnectPolicy,
};
use feishu_runtime::event::{Dispatcher, EventHeader};

fn builder(server: &MockServer) -> LongConnectionBuilder {
    LongConnection::builder(MockServer::APP_ID, MockServer::APP_SECRET)
        .base_url(server.base_url())
        .bootstrap_timeout(Duration::from_secs(5))
        .ping_interval(Duration::from_millis(100))
        .pong_timeout(Duration::from_millis(400))
        .read_timeout(Duration::from_secs(2))
        .reconnect_policy(ReconnectPolicy {
            max_attempts: Some(20),
            interval: Duration::from_millis(50),
            jitter: Duration::from_millis(20),
        })
}

/// Polls `condition` until it holds; generous limit, only to keep a broken build from
/// hanging forever.
async fn until(what: &str, mut condition: impl FnMut() -> bool) {
    for _ in 0..1000 {
        if condition() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("timed out waiting for: {what}");
}

async fn connected(connection: &LongConnection, count: u64) {
    let status = connection.status();
    until("connected", || {
        let s = status.get();
        s.state == ConnectionState::Connected && s.connections >= count
    })
    .await;
}

#[tokio::test]
async fn events_reach_typed_handlers_and_every_frame_is_acknowledged() {
    let server = MockServer::start().await.unwrap();
    let seen = Seen::default();
    let connection = builder(&server).spawn(Arc::new(seen.dispatcher())).unwrap();
    connected(&connection, 1).await;

    let first = server.ws().push_event(&envelope(OPEN_RESULT, "ev_1"));
    let second = server.ws().push_event(&envelope(REVIEW_CHANGED, "ev_2"));
    let failing = server.ws().push_event(&envelope(OPEN_RESULT, "fail_3"));
    until("three acks", || server.ws().acks().len() == 3).await;

    let mut types: Vec<_> = seen
        .typed()
        .iter()
        .map(|(h, _)| h.event_type.clone())
        .collect();
    types.sort();
    assert_eq!(types, [REVIEW_CHANGED, OPEN_RESULT]);
    let acks = server.ws().acks();
    let code_of = |id: &str| acks.iter().find(|a| a.message_id == id).map(|a| a.code);
    assert_eq!(code_of(&first), Some(200));
    assert_eq!(code_of(&second), Some(200));
    assert_eq!(
        code_of(&failing),
        Some(500),
        "a failed handler asks for a re-send"
    );
    assert!(
        acks.iter()
            .all(|a| a.headers.iter().any(|(k, _)| k == "biz_rt"))
    );
    assert!(server.ws().pings() >= 1);

    let status = connection.status();
    assert_eq!(status.get().events_received, 3);
    assert_eq!(status.get().acks_sent, 3);
    connection.shutdown().await.unwrap();
    assert_eq!(status.get().state, ConnectionState::Stopped);
}

#[tokio::test]
async fn a_silent_connection_is_detected_and_replaced() {
    let server = MockServer::start().await.unwrap();
    let seen = Seen::default();
    let connection = builder(&server)
        .read_timeout(Duration::from_secs(3600))
        .spawn(Arc::new(seen.dispatcher()))
        .unwrap();
    connected(&connection, 1).await;

    // No pongs, no close, and a read deadline far away: only the pong deadline can
    // notice.
    server.ws().go_silent();
    connected(&connection, 2).await;
    let status = connection.status().get();
    assert!(status.liveness_timeouts >= 1, "{status:?}");
    assert!(status.reconnects >= 1, "{status:?}");
    assert!(server.ws().bootstraps() >= 2);

    server
        .ws()
        .push_event(&envelope(OPEN_RESULT, "ev_after_silence"));
    until("event on the new connection", || seen.typed().len() == 1).await;
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_connection_that_only_stops_delivering_is_caught_by_the_read_deadline() {
    let server = MockServer::start().await.unwrap();
    // Pings rarely, so the read deadline fires long before any pong is due.
    let connection = builder(&server)
        .ping_interval(Duration::from_secs(3600))
        .pong_timeout(Duration::from_secs(3600))
        .read_timeout(Duration::from_millis(300))
        .spawn(Arc::new(Dispatcher::new()))
        .unwrap();
    connected(&connection, 1).await;
    server.ws().go_silent();
    connected(&connection, 2).await;
    assert!(connection.status().get().liveness_timeouts >= 1);
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_tcp_connection_is_replaced() {
    let server = MockServer::start().await.unwrap();
    let seen = Seen::default();
    let connection = builder(&server).spawn(Arc::new(seen.dispatcher())).unwrap();
    connected(&connection, 1).await;

    server.ws().drop_connection();
    connected(&connection, 2).await;
    assert_eq!(server.ws().connections_accepted(), 2);
    let status = connection.status().get();
    assert_eq!(
        status.liveness_timeouts, 0,
        "a reset is noticed at once, not by a deadline"
    );
    assert!(status.last_error.is_some());

    server
        .ws()
        .push_event(&envelope(REVIEW_CHANGED, "ev_after_drop"));
    until("event on the new connection", || seen.typed().len() == 1).await;
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn fragments_are_reassembled_into_one_event() {
    let server = MockServer::start().await.unwrap();
    let seen = Seen::default();
    let connection = builder(&server).spawn(Arc::new(seen.dispatcher())).unwrap();
    connected(&connection, 1).await;

    let message_id = server
        .ws()
        .push_fragmented(&envelope(REVIEW_CHANGED, "ev_frag"), 4);
    until("one ack", || !server.ws().acks().is_empty()).await;
    let typed = seen.typed();
    assert_eq!(typed.len(), 1);
    assert_eq!(typed[0].0.event_id, "ev_frag");
    assert!(matches!(
        typed[0].1,
        PerformanceEvent::ReviewDataChangedV2(_)
    ));
    let acks = server.ws().acks();
    assert_eq!(acks.len(), 1);
    assert_eq!(
        (acks[0].message_id.as_str(), acks[0].code),
        (message_id.as_str(), 200)
    );
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_duplicate_delivery_is_handled_once_and_acknowledged_twice() {
    let server = MockServer::start().await.unwrap();
    let seen = Seen::default();
    let connection = builder(&server).spawn(Arc::new(seen.dispatcher())).unwrap();
    connected(&connection, 1).await;

    let event = envelope(OPEN_RESULT, "ev_twice");
    server.ws().push_event(&event);
    server.ws().push_event(&event);
    until("two acks", || server.ws().acks().len() == 2).await;
    assert_eq!(seen.typed().len(), 1);
    assert!(server.ws().acks().iter().all(|a| a.code == 200));
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_bad_frame_does_not_kill_the_client() {
    let server = MockServer::start().await.unwrap();
    let seen = Seen::default();
    let connection = builder(&server).spawn(Arc::new(seen.dispatcher())).unwrap();
    connected(&connection, 1).await;

    server.ws().send_bad_frame();
    server
        .ws()
        .push_event(&envelope(OPEN_RESULT, "ev_after_bad"));
    until("event after the bad frame", || seen.typed().len() == 1).await;
    let status = connection.status().get();
    assert_eq!(status.bad_frames, 1);
    assert_eq!(status.connections, 1, "the same connection carries on");
    assert_eq!(server.ws().connections_accepted(), 1);
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn slow_handlers_are_bounded_and_pause_reading_without_killing_the_connection() {
    let server = MockServer::start().await.unwrap();
    let running = Arc::new(AtomicUsize::new(0));
    let most = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicUsize::new(0));
    let dispatcher = {
        let (running, most, done) = (running.clone(), most.clone(), done.clone());
        Dispatcher::new().on(move |_: EventHeader, _: PerformanceEvent| {
            let (running, most, done) = (running.clone(), most.clone(), done.clone());
            async move {
                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                most.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(150)).await;
                running.fetch_sub(1, Ordering::SeqCst);
                done.fetch_add(1, Ordering::SeqCst);
                Ok(())
            }
        })
    };
    // Deadlines shorter than the handlers' total time: reading pauses, so they must too.
    let connection = builder(&server)
        .max_in_flight(2)
        .read_timeout(Duration::from_millis(250))
        .spawn(Arc::new(dispatcher))
        .unwrap();
    connected(&connection, 1).await;
    for i in 0..8 {
        server
            .ws()
            .push_event(&envelope(OPEN_RESULT, &format!("ev_slow_{i}")));
    }
    until("all handled", || done.load(Ordering::SeqCst) == 8).await;
    until("all acked", || server.ws().acks().len() == 8).await;
    assert_eq!(most.load(Ordering::SeqCst), 2);
    assert_eq!(connection.status().get().connections, 1);
    connection.shutdown().await.unwrap();
}

#[tokio::test]
async fn shutdown_lets_a_running_handler_finish_and_acknowledges_it() {
    let server = MockServer::start().await.unwrap();
    let started = Arc::new(AtomicUsize::new(0));
    let dispatcher = {
        let started = started.clone();
        Dispatcher::new().on(move |_: EventHeader, _: PerformanceEvent| {
            let started = started.clone();
            async move {
                started.fetch_add(1, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(200)).await;
                Ok(())
            }
        })
    };
    let connection = builder(&server).spawn(Arc::new(dispatcher)).unwrap();
    connected(&connection, 1).await;
    server
        .ws()
        .push_event(&envelope(OPEN_RESULT, "ev_in_flight"));
    until("handler started", || started.load(Ordering::SeqCst) == 1).await;
    let status = connection.status();
    connection.shutdown().await.unwrap();
    assert_eq!(status.get().state, ConnectionState::Stopped);
    assert_eq!(status.get().acks_sent, 1);
    until("ack recorded", || server.ws().acks().len() == 1).await;
    assert_eq!(server.ws().acks()[0].code, 200);
}

#[tokio::test]
async fn wrong_credentials_stop_the_client_with_an_error() {
    let server = MockServer::start().await.unwrap();
    let connection = LongConnection::builder(MockServer::APP_ID, "wrong secret")
        .base_url(server.base_url())
        .spawn(Arc::new(Dispatcher::new()))
        .unwrap();
    let status = connection.status();
    let error = connection.wait().await.unwrap_err();
    assert!(
        matches!(error, LongConnectionError::Refused(_)),
        "{error:?}"
    );
    assert_eq!(status.get().state, ConnectionState::Stopped);
    assert_eq!(server.ws().bootstraps(), 1, "a refusal is not retried");
    assert!(!error.to_string().contains("wrong secret"));
}

#[tokio::test]
async fn a_busy_bootstrap_is_retried_and_a_policy_can_give_up() {
    let server = MockServer::start().await.unwrap();
    server.ws().fail_bootstraps(&[1, 1]);
    let connection = builder(&server).spawn(Arc::new(Dispatcher::new())).unwrap();
    connected(&connection, 1).await;
    assert_eq!(server.ws().bootstraps(), 3);
    assert_eq!(connection.status().get().reconnects, 2);
    connection.shutdown().await.unwrap();

    server.ws().fail_bootstraps(&[1, 1, 1, 1]);
    let connection = builder(&server)
        .reconnect_policy(ReconnectPolicy {
            max_attempts: Some(2),
            interval: Duration::from_millis(10),
            jitter: Duration::ZERO,
        })
        .spawn(Arc::new(Dispatcher::new()))
        .unwrap();
    let error = connection.wait().await.unwrap_err();
    assert!(
        matches!(error, LongConnectionError::GaveUp { attempts: 3, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_bootstrap_server_that_never_answers_is_timed_out() {
    // Accepts TCP connections and never answers.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let held = Arc::new(Mutex::new(Vec::new()));
    let keep = held.clone();
    let accept = tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            keep.lock().unwrap().push(socket);
        }
    });
    let connection = LongConnection::builder("cli_x", "secret")
        .base_url(format!("http://{address}"))
        .bootstrap_timeout(Duration::from_millis(100))
        .reconnect_policy(ReconnectPolicy {
            max_attempts: Some(1),
            interval: Duration::from_millis(10),
            jitter: Duration::ZERO,
        })
        .spawn(Arc::new(Dispatcher::new()))
        .unwrap();
    let error = connection.wait().await.unwrap_err();
    let LongConnectionError::GaveUp { last_error, .. } = error else {
        panic!("{error:?}");
    };
    assert!(last_error.contains("timed out"), "{last_error}");
    accept.abort();
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn logs_show_the_connection_but_never_its_tickets_or_the_secret() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_ansi(false)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let server = MockServer::start().await.unwrap();
    let connection = builder(&server)
        .spawn(Arc::new(Seen::default().dispatcher()))
        .unwrap();
    connected(&connection, 1).await;
    server.ws().push_event(&envelope(OPEN_RESULT, "ev_log"));
    until("ack", || server.ws().acks().len() == 1).await;
    server.ws().drop_connection();
    connected(&connection, 2).await;
    connection.shutdown().await.unwrap();
    let builder_debug = format!("{:?}", builder(&server));

    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("long connection established"), "{logs}");
    assert!(logs.contains("/ws/v2"), "{logs}");
    for secret in [
        "mock-access-key-SECRET",
        "mock-ticket",
        MockServer::APP_SECRET,
        TOKEN,
    ] {
        assert!(!logs.contains(secret), "{secret} in logs:\n{logs}");
        assert!(
            !builder_debug.contains(secret),
            "{secret} in {builder_debug}"
        );
    }
}
