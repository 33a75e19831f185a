//! The long-connection mock: `POST /callback/ws/endpoint` (bootstrap) and a WebSocket
//! at `/ws/v2` speaking the platform's protobuf frame protocol (as in the official Go
//! SDK's `ws/` package), with fault switches and a record of the acknowledgements the
//! client sends back.
//!
//! Commands (events, faults) go to the newest live connection, or wait for the next
//! one when none is open.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::State;
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use prost::Message as _;
use serde_json::{Value, json};
use tokio::sync::mpsc;

/// The frame protocol's message, as in the Go SDK's `pbbp2.pb.go`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct Frame {
    /// Sequence id.
    #[prost(uint64, required, tag = "1")]
    pub seq_id: u64,
    /// Log id.
    #[prost(uint64, required, tag = "2")]
    pub log_id: u64,
    /// Service id of the connection.
    #[prost(int32, required, tag = "3")]
    pub service: i32,
    /// 0 control (ping/pong), 1 data (event/card).
    #[prost(int32, required, tag = "4")]
    pub method: i32,
    /// Headers.
    #[prost(message, repeated, tag = "5")]
    pub headers: Vec<FrameHeader>,
    /// Payload encoding.
    #[prost(string, optional, tag = "6")]
    pub payload_encoding: Option<String>,
    /// Payload type.
    #[prost(string, optional, tag = "7")]
    pub payload_type: Option<String>,
    /// Payload.
    #[prost(bytes = "vec", optional, tag = "8")]
    pub payload: Option<Vec<u8>>,
    /// Newer log id.
    #[prost(string, optional, tag = "9")]
    pub log_id_new: Option<String>,
}

/// A frame header.
#[derive(Clone, PartialEq, prost::Message)]
pub struct FrameHeader {
    /// Name.
    #[prost(string, required, tag = "1")]
    pub key: String,
    /// Value.
    #[prost(string, required, tag = "2")]
    pub value: String,
}

impl Frame {
    fn header(&self, key: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|h| h.key == key)
            .map(|h| h.value.as_str())
    }
}

const SERVICE_ID: i32 = 7;

/// An acknowledgement the client sent for a data frame.
#[derive(Clone, Debug)]
pub struct WsAck {
    /// The acknowledged message's `message_id` header.
    pub message_id: String,
    /// `code` of the acknowledgement payload (200 handled, 500 failed).
    pub code: i64,
    /// All headers of the acknowledgement frame.
    pub headers: Vec<(String, String)>,
}

#[derive(Debug)]
enum Command {
    Send(Vec<u8>),
    Silent,
    Drop,
}

#[derive(Debug, Default)]
struct Hub {
    connections: Vec<(u64, mpsc::UnboundedSender<Command>)>,
    pending: VecDeque<Command>,
    acks: Vec<WsAck>,
    accepted: u64,
    bootstraps: u64,
    pings: u64,
    next_message: u64,
    client_config: Option<Value>,
    bootstrap_failures: VecDeque<i64>,
}

/// The long-connection side of a [`crate::MockServer`]; see [`crate::MockServer::ws`].
#[derive(Debug)]
pub struct WsMock {
    address: SocketAddr,
    hub: Mutex<Hub>,
}

impl WsMock {
    pub(crate) fn new(address: SocketAddr) -> Self {
        Self {
            address,
            hub: Mutex::new(Hub::default()),
        }
    }

    fn with<R>(&self, f: impl FnOnce(&mut Hub) -> R) -> R {
        f(&mut self.hub.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn command(&self, command: Command) {
        self.with(|hub| {
            hub.connections.retain(|(_, tx)| !tx.is_closed());
            match hub.connections.last() {
                Some((_, tx)) => {
                    if let Err(mpsc::error::SendError(command)) = tx.send(command) {
                        hub.pending.push_back(command);
                    }
                }
                None => hub.pending.push_back(command),
            }
        });
    }

    fn next_message_id(&self) -> String {
        self.with(|hub| {
            hub.next_message += 1;
            format!("msg_{}", hub.next_message)
        })
    }

    /// Sets the `ClientConfig` the bootstrap answer carries (default: none, so the
    /// client keeps its own settings).
    pub fn set_client_config(&self, config: Value) {
        self.with(|hub| hub.client_config = Some(config));
    }

    /// Answers the next bootstrap requests with these codes (1: system busy, retried;
    /// others: refusals) before answering normally again.
    pub fn fail_bootstraps(&self, codes: &[i64]) {
        self.with(|hub| hub.bootstrap_failures.extend(codes));
    }

    /// Sends `event` (a whole envelope) as one data frame; returns its `message_id`.
    pub fn push_event(&self, event: &Value) -> String {
        self.push_fragmented(event, 1)
    }

    /// Sends `event` split into `parts` fragments (`sum`/`seq` headers), last fragment
    /// first so the client has to reorder; returns the `message_id`.
    pub fn push_fragmented(&self, event: &Value, parts: usize) -> String {
        let message_id = self.next_message_id();
        let payload = event.to_string().into_bytes();
        let parts = parts.clamp(1, payload.len().max(1));
        let size = payload.len().div_ceil(parts);
        let chunks: Vec<&[u8]> = payload.chunks(size.max(1)).collect();
        let sum = chunks.len();
        for (seq, chunk) in chunks.iter().enumerate().rev() {
            let frame = data_frame(&message_id, sum, seq, chunk.to_vec());
            self.command(Command::Send(frame.encode_to_vec()));
        }
        message_id
    }

    /// Sends bytes that are not a protobuf frame.
    pub fn send_bad_frame(&self) {
        self.command(Command::Send(vec![0xff, 0xff, 0xff, 0x07, 0x01]));
    }

    /// The newest connection stops sending anything (no pongs, no events) and ignores
    /// what it receives, without closing.
    pub fn go_silent(&self) {
        self.command(Command::Silent);
    }

    /// The newest connection's TCP connection is dropped without a close frame.
    pub fn drop_connection(&self) {
        self.command(Command::Drop);
    }

    /// Acknowledgements received so far, in arrival order.
    pub fn acks(&self) -> Vec<WsAck> {
        self.with(|hub| hub.acks.clone())
    }

    /// WebSocket connections accepted so far.
    pub fn connections_accepted(&self) -> u64 {
        self.with(|hub| hub.accepted)
    }

    /// Bootstrap requests received so far.
    pub fn bootstraps(&self) -> u64 {
        self.with(|hub| hub.bootstraps)
    }

    /// Pings received so far (silent connections do not count theirs).
    pub fn pings(&self) -> u64 {
        self.with(|hub| hub.pings)
    }
}

fn header(key: &str, value: impl Into<String>) -> FrameHeader {
    FrameHeader {
        key: key.to_owned(),
        value: value.into(),
    }
}

fn data_frame(message_id: &str, sum: usize, seq: usize, payload: Vec<u8>) -> Frame {
    Frame {
        service: SERVICE_ID,
        method: 1,
        headers: vec![
            header("type", "event"),
            header("message_id", message_id),
            header("sum", sum.to_string()),
            header("seq", seq.to_string()),
            header("trace_id", format!("trace_{message_id}")),
        ],
        payload: Some(payload),
        ..Frame::default()
    }
}

pub(crate) fn routes(mock: Arc<WsMock>) -> Router {
    Router::new()
        .route("/callback/ws/endpoint", post(bootstrap))
        .route("/ws/v2", get(upgrade))
        .with_state(mock)
}

async fn bootstrap(State(mock): State<Arc<WsMock>>, body: axum::body::Bytes) -> Response {
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let (number, failure, config) = mock.with(|hub| {
        hub.bootstraps += 1;
        (
            hub.bootstraps,
            hub.bootstrap_failures.pop_front(),
            hub.client_config.clone(),
        )
    });
    if let Some(code) = failure {
        return axum::Json(json!({"code": code, "msg": "injected failure"})).into_response();
    }
    let credentials_ok = request["AppID"] == crate::MockServer::APP_ID
        && request["AppSecret"] == crate::MockServer::APP_SECRET;
    if !credentials_ok {
        return axum::Json(json!({"code": 10003, "msg": "invalid app_id or app_secret"}))
            .into_response();
    }
    let url = format!(
        "ws://{}/ws/v2?device_id={number}&service_id={SERVICE_ID}&access_key=mock-access-key-SECRET&ticket=mock-ticket-{number}",
        mock.address
    );
    let mut data = json!({ "URL": url });
    if let Some(config) = config {
        data["ClientConfig"] = config;
    }
    axum::Json(json!({"code": 0, "msg": "ok", "data": data})).into_response()
}

async fn upgrade(State(mock): State<Arc<WsMock>>, ws: WebSocketUpgrade) -> Response {
    ws.on_upgrade(move |socket| serve(mock, socket))
}

async fn serve(mock: Arc<WsMock>, mut socket: WebSocket) {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let pending: Vec<Command> = mock.with(|hub| {
        hub.accepted += 1;
        let id = hub.accepted;
        hub.connections.push((id, tx));
        hub.pending.drain(..).collect()
    });
    let mut silent = false;
    for command in pending {
        if !apply(&mut socket, command, &mut silent).await {
            return;
        }
    }
    loop {
        tokio::select! {
            message = socket.recv() => match message {
                Some(Ok(Message::Binary(bytes))) if !silent => {
                    if let Some(reply) = received(&mock, &bytes)
                        && socket.send(Message::Binary(reply.encode_to_vec().into())).await.is_err()
                    {
                        return;
                    }
                }
                Some(Ok(Message::Close(_)) | Err(_)) | None => return,
                Some(Ok(_)) => {}
            },
            command = rx.recv() => match command {
                Some(command) => if !apply(&mut socket, command, &mut silent).await { return },
                None => return,
            },
        }
    }
}

/// Carries out a command; `false` when the connection is to end.
async fn apply(socket: &mut WebSocket, command: Command, silent: &mut bool) -> bool {
    match command {
        Command::Send(bytes) => *silent || socket.send(Message::Binary(bytes.into())).await.is_ok(),
        Command::Silent => {
            *silent = true;
            true
        }
        // Returning drops the socket: the TCP connection closes without a close frame.
        Command::Drop => false,
    }
}

/// Records a client frame; returns the pong to send for a ping.
fn received(mock: &WsMock, bytes: &[u8]) -> Option<Frame> {
    let frame = Frame::decode(bytes).ok()?;
    match (frame.method, frame.header("type")) {
        (0, Some("ping")) => {
            mock.with(|hub| hub.pings += 1);
            Some(Frame {
                service: frame.service,
                method: 0,
                headers: vec![header("type", "pong")],
                ..Frame::default()
            })
        }
        (1, _) => {
            let code = frame
                .payload
                .as_deref()
                .and_then(|p| serde_json::from_slice::<Value>(p).ok())
                .and_then(|v| v["code"].as_i64())
                .unwrap_or(-1);
            let ack = WsAck {
                message_id: frame.header("message_id").unwrap_or_default().to_owned(),
                code,
                headers: frame
                    .headers
                    .iter()
                    .map(|h| (h.key.clone(), h.value.clone()))
                    .collect(),
            };
            mock.with(|hub| hub.acks.push(ack));
            None
        }
        _ => None,
    }
}
