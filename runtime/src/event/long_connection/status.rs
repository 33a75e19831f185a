//! Observable connection state: a cloneable handle a health check can read.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::SystemTime;

/// Where the connection is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectionState {
    /// First bootstrap and handshake under way.
    Connecting,
    /// The WebSocket is open and alive.
    Connected,
    /// Lost (or never reached); waiting or trying again.
    Reconnecting,
    /// Shut down, or gave up (see [`Status::last_error`]).
    Stopped,
}

/// A snapshot of the connection's state and counters.
#[derive(Clone, Debug)]
pub struct Status {
    /// Current state.
    pub state: ConnectionState,
    /// WebSocket connections established so far.
    pub connections: u64,
    /// Connections lost or attempts failed, each followed by a new attempt.
    pub reconnects: u64,
    /// Connections found dead by the read or pong deadline.
    pub liveness_timeouts: u64,
    /// Frames received (any kind).
    pub frames_received: u64,
    /// Events handed to the dispatcher (after reassembly).
    pub events_received: u64,
    /// Acknowledgements sent.
    pub acks_sent: u64,
    /// Frames that could not be decoded or were not understood.
    pub bad_frames: u64,
    /// When the last frame arrived.
    pub last_frame_at: Option<SystemTime>,
    /// The last connection error, without URLs or credentials.
    pub last_error: Option<String>,
}

/// A cloneable, read-only view of a long connection's [`Status`].
#[derive(Clone, Debug)]
pub struct StatusHandle(Arc<Mutex<Status>>);

impl StatusHandle {
    pub(crate) fn new() -> Self {
        Self(Arc::new(Mutex::new(Status {
            state: ConnectionState::Connecting,
            connections: 0,
            reconnects: 0,
            liveness_timeouts: 0,
            frames_received: 0,
            events_received: 0,
            acks_sent: 0,
            bad_frames: 0,
            last_frame_at: None,
            last_error: None,
        })))
    }

    /// The current state and counters.
    pub fn get(&self) -> Status {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub(crate) fn update(&self, f: impl FnOnce(&mut Status)) {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner));
    }

    pub(crate) fn set_state(&self, state: ConnectionState) {
        self.update(|s| s.state = state);
        tracing::info!(?state, "long connection state");
    }
}
