//! One WebSocket connection, from the handshake until it is lost, found dead or shut
//! down: reads frames, answers nothing but pings' absence, reassembles fragments, runs
//! handlers on spawned tasks (at most `max_in_flight` at once, across connections) and
//! sends each data frame back as its acknowledgement.
//!
//! Back-pressure: when every handler slot is taken, the loop stops reading, so the
//! server's frames wait in the kernel's socket buffer and then in the server, not in
//! this process. The read and pong deadlines are paused meanwhile (the silence is ours).

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures::{SinkExt, StreamExt};
use prost::Message as _;
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore, mpsc, watch};
use tokio::time::sleep_until;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use super::bootstrap::ClientConfig;
use super::frame::{Frame, METHOD_CONTROL, METHOD_DATA, header};
use super::reassemble::Reassembler;
use super::settings::Effective;
use super::status::StatusHandle;
use crate::event::{Dispatcher, EventEnvelope};

pub(crate) type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Why a session ended.
#[derive(Debug)]
pub(crate) enum End {
    /// Asked to stop.
    Shutdown,
    /// Closed, reset or otherwise broken.
    Lost(String),
    /// Alive by TCP's account but silent past a deadline.
    Dead(&'static str),
}

pub(crate) struct Shared {
    pub(crate) dispatcher: Arc<Dispatcher>,
    pub(crate) status: StatusHandle,
    pub(crate) slots: Arc<Semaphore>,
    pub(crate) max_in_flight: usize,
    pub(crate) fragment_budget: usize,
    pub(crate) max_fragments: usize,
    pub(crate) fragment_timeout: Duration,
    pub(crate) shutdown_grace: Duration,
}

/// The acknowledgement payload, as the Go SDK's `Response` serializes it.
#[derive(serde::Serialize)]
struct AckPayload {
    code: u16,
    headers: Option<()>,
    data: Option<()>,
}

pub(crate) async fn run(
    shared: &Shared,
    socket: Socket,
    service: i32,
    timing: &mut Effective,
    server_config: &mut Option<ClientConfig>,
    ping_overridden: bool,
    shutdown: &mut watch::Receiver<bool>,
) -> End {
    let (mut sink, mut stream) = socket.split();
    let (ack_tx, mut ack_rx) = mpsc::channel::<Frame>(shared.max_in_flight.max(1));
    let mut reassembler = Reassembler::new(
        shared.fragment_budget,
        shared.max_fragments,
        shared.fragment_timeout,
    );
    let write_timeout = timing.pong_timeout;
    let mut ping = tokio::time::interval(timing.ping_interval);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut last_frame = Instant::now();
    let mut pong_due: Option<Instant> = None;

    macro_rules! write {
        ($message:expr) => {
            match tokio::time::timeout(write_timeout, sink.send($message)).await {
                Ok(Ok(())) => {}
                Ok(Err(error)) => return End::Lost(format!("write failed: {}", describe(&error))),
                Err(_) => return End::Dead("write deadline"),
            }
        };
    }

    loop {
        let saturated = shared.slots.available_permits() == 0;
        if saturated {
            last_frame = Instant::now();
            pong_due = None;
        }
        let read_deadline = last_frame + timing.read_timeout;
        let (deadline, which) = match pong_due {
            Some(due) if due < read_deadline => (due, "pong deadline"),
            _ => (read_deadline, "read deadline"),
        };
        tokio::select! {
            biased;
            changed = shutdown.changed() => {
                if changed.is_err() || *shutdown.borrow() {
                    drain(shared, &mut ack_rx, &mut sink, write_timeout).await;
                    let _ = tokio::time::timeout(write_timeout, sink.send(Message::Close(None))).await;
                    return End::Shutdown;
                }
            }
            Some(ack) = ack_rx.recv() => {
                write!(Message::Binary(ack.encode_to_vec().into()));
                shared.status.update(|s| s.acks_sent += 1);
            }
            _ = ping.tick() => {
                write!(Message::Binary(Frame::ping(service).encode_to_vec().into()));
                if pong_due.is_none() {
                    pong_due = Some(Instant::now() + timing.pong_timeout);
                }
            }
            () = sleep_until(deadline.into()), if !saturated => {
                tracing::warn!(deadline = which, "long connection silent; replacing it");
                shared.status.update(|s| s.liveness_timeouts += 1);
                return End::Dead(which);
            }
            message = stream.next(), if !saturated => {
                let message = match message {
                    Some(Ok(message)) => message,
                    Some(Err(error)) => return End::Lost(format!("read failed: {}", describe(&error))),
                    None => return End::Lost("connection ended".to_owned()),
                };
                last_frame = Instant::now();
                shared.status.update(|s| {
                    s.frames_received += 1;
                    s.last_frame_at = Some(SystemTime::now());
                });
                let bytes = match message {
                    Message::Binary(bytes) => bytes,
                    Message::Close(_) => return End::Lost("closed by the server".to_owned()),
                    Message::Ping(_) | Message::Pong(_) => continue,
                    Message::Text(_) | Message::Frame(_) => {
                        bad_frame("text message");
                        shared.status.update(|s| s.bad_frames += 1);
                        continue;
                    }
                };
                let Ok(frame) = Frame::decode(bytes.as_ref()) else {
                    bad_frame("not a protobuf frame");
                    shared.status.update(|s| s.bad_frames += 1);
                    continue;
                };
                match frame.method {
                    METHOD_CONTROL => {
                        if frame.header(header::TYPE) == Some("pong") {
                            pong_due = None;
                            if let Some(config) = frame
                                .payload
                                .as_deref()
                                .filter(|p| !p.is_empty())
                                .and_then(|p| serde_json::from_slice::<ClientConfig>(p).ok())
                            {
                                *server_config = Some(config);
                                let before = timing.ping_interval;
                                timing.ping_interval = if ping_overridden { before } else {
                                    super::settings::effective(&Default::default(), timing.pong_timeout, Some(&config)).ping_interval
                                };
                                if timing.ping_interval != before {
                                    ping = tokio::time::interval_at(
                                        (Instant::now() + timing.ping_interval).into(),
                                        timing.ping_interval,
                                    );
                                }
                            }
                        }
                    }
                    METHOD_DATA => {
                        if let Some(ack) = data_frame(shared, &mut reassembler, frame, &ack_tx) {
                            write!(Message::Binary(ack.encode_to_vec().into()));
                            shared.status.update(|s| s.acks_sent += 1);
                        }
                    }
                    _ => {
                        bad_frame("unknown frame method");
                        shared.status.update(|s| s.bad_frames += 1);
                    }
                }
            }
        }
    }
}

fn bad_frame(reason: &'static str) {
    tracing::warn!(reason, "long connection frame ignored");
}

/// Handles a data frame; returns an acknowledgement to send at once (for frames that
/// cannot be handled), or `None` when a handler task will acknowledge it later (or a
/// fragment is still incomplete, or the frame is not one to acknowledge).
fn data_frame(
    shared: &Shared,
    reassembler: &mut Reassembler,
    mut frame: Frame,
    ack_tx: &mpsc::Sender<Frame>,
) -> Option<Frame> {
    let kind = frame.header(header::TYPE).unwrap_or_default();
    if kind != "event" && kind != "card" {
        tracing::debug!(kind, "data frame of a type this client does not handle");
        return None;
    }
    let number = |key| -> Option<usize> {
        match frame.header(key) {
            None => Some(0),
            Some(value) => value.trim().parse().ok(),
        }
    };
    let (Some(sum), Some(seq)) = (number(header::SUM), number(header::SEQ)) else {
        bad_frame("sum or seq is not a number");
        shared.status.update(|s| s.bad_frames += 1);
        return None;
    };
    let payload = frame.payload.take().unwrap_or_default();
    let payload = if sum > 1 {
        let message_id = frame
            .header(header::MESSAGE_ID)
            .unwrap_or_default()
            .to_owned();
        match reassembler.add(&message_id, sum, seq, payload, Instant::now()) {
            Ok(Some(whole)) => whole,
            Ok(None) => return None,
            Err(error) => {
                tracing::warn!(%message_id, ?error, "fragment dropped");
                shared.status.update(|s| s.bad_frames += 1);
                return None;
            }
        }
    } else {
        payload
    };
    let envelope = match EventEnvelope::parse(&payload) {
        Ok(envelope) => envelope,
        Err(error) => {
            tracing::warn!(%error, "long connection payload is not an event envelope");
            shared.status.update(|s| s.bad_frames += 1);
            return Some(acknowledge(frame, 500, Duration::ZERO));
        }
    };
    shared.status.update(|s| s.events_received += 1);
    // The loop only reads while a slot is free and nothing else takes slots.
    let Ok(permit) = Arc::clone(&shared.slots).try_acquire_owned() else {
        return Some(acknowledge(frame, 500, Duration::ZERO));
    };
    let dispatcher = Arc::clone(&shared.dispatcher);
    let ack_tx = ack_tx.clone();
    tokio::spawn(handle(dispatcher, envelope, frame, ack_tx, permit));
    None
}

async fn handle(
    dispatcher: Arc<Dispatcher>,
    envelope: EventEnvelope,
    frame: Frame,
    ack_tx: mpsc::Sender<Frame>,
    permit: OwnedSemaphorePermit,
) {
    let started = Instant::now();
    let event_type = envelope.header.event_type.clone();
    let event_id = envelope.header.event_id.clone();
    let code = match dispatcher.dispatch(envelope).await {
        Ok(outcome) => {
            tracing::debug!(%event_type, %event_id, ?outcome, "long connection event handled");
            200
        }
        Err(error) => {
            tracing::warn!(%event_type, %event_id, %error, "event handler failed");
            500
        }
    };
    // The connection may be gone by now; the server then re-sends the event.
    let _ = ack_tx
        .send(acknowledge(frame, code, started.elapsed()))
        .await;
    drop(permit);
}

/// The data frame sent back with the handler's result, as the Go SDK does.
fn acknowledge(mut frame: Frame, code: u16, took: Duration) -> Frame {
    frame.push_header(header::BIZ_RT, took.as_millis().to_string());
    let payload = AckPayload {
        code,
        headers: None,
        data: None,
    };
    frame.payload = Some(serde_json::to_vec(&payload).unwrap_or_default());
    frame
}

/// Lets running handlers finish (up to the grace period) and sends their acks.
async fn drain<S>(
    shared: &Shared,
    ack_rx: &mut mpsc::Receiver<Frame>,
    sink: &mut S,
    write_timeout: Duration,
) where
    S: futures::Sink<Message> + Unpin,
{
    let all = u32::try_from(shared.max_in_flight).unwrap_or(u32::MAX);
    let idle = shared.slots.acquire_many(all);
    tokio::pin!(idle);
    let grace = tokio::time::sleep(shared.shutdown_grace);
    tokio::pin!(grace);
    loop {
        tokio::select! {
            Some(ack) = ack_rx.recv() => {
                if tokio::time::timeout(write_timeout, sink.send(Message::Binary(ack.encode_to_vec().into()))).await.is_ok() {
                    shared.status.update(|s| s.acks_sent += 1);
                }
            }
            _ = &mut idle => break,
            () = &mut grace => {
                tracing::warn!("shutdown grace period over with handlers still running");
                break;
            }
        }
    }
    while let Ok(ack) = ack_rx.try_recv() {
        if tokio::time::timeout(
            write_timeout,
            sink.send(Message::Binary(ack.encode_to_vec().into())),
        )
        .await
        .is_ok()
        {
            shared.status.update(|s| s.acks_sent += 1);
        }
    }
}

/// A short description of a WebSocket error that cannot carry the URL.
pub(crate) fn describe(error: &tokio_tungstenite::tungstenite::Error) -> String {
    use tokio_tungstenite::tungstenite::Error;
    match error {
        Error::ConnectionClosed | Error::AlreadyClosed => "connection closed".to_owned(),
        Error::Io(io) => format!("I/O error ({:?})", io.kind()),
        Error::Tls(_) => "TLS error".to_owned(),
        Error::Capacity(_) => "message too large".to_owned(),
        Error::Protocol(p) => format!("protocol error: {p}"),
        Error::Http(response) => format!("handshake answered HTTP {}", response.status()),
        Error::Url(_) => "invalid connection URL".to_owned(),
        other => format!("WebSocket error: {}", std::any::type_name_of_val(other)),
    }
}
