//! Everything the mock remembers, behind one lock that is never held across an await.

use std::collections::{HashMap, VecDeque};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

use crate::quota::Quotas;
use crate::stubs::Stubs;
use crate::tokens::Tokens;
use crate::{Fault, RecordedRequest, Route};

#[derive(Debug)]
pub(crate) struct State {
    pub(crate) started: Instant,
    /// Body bytes sent by endless-body faults (shared with their streams).
    pub(crate) served: Arc<AtomicU64>,
    /// File bytes produced by download answers (shared with their streams).
    pub(crate) download_served: Arc<AtomicU64>,
    inner: Mutex<Inner>,
}

#[derive(Debug)]
pub(crate) struct Inner {
    pub(crate) tokens: Tokens,
    pub(crate) quotas: Quotas,
    pub(crate) faults: HashMap<Route, VecDeque<Fault>>,
    /// user id -> (position, for distinct ids; number of OKRs)
    pub(crate) okr_users: HashMap<String, (usize, usize)>,
    /// OKR image file_token -> the target_id it was uploaded for.
    pub(crate) okr_images: HashMap<String, String>,
    pub(crate) log: Vec<RecordedRequest>,
    pub(crate) next_log_id: u64,
    pub(crate) stubs: Stubs,
}

impl State {
    pub(crate) fn new() -> Self {
        Self {
            started: Instant::now(),
            served: Arc::default(),
            download_served: Arc::default(),
            inner: Mutex::new(Inner {
                tokens: Tokens::new(),
                quotas: Quotas::default(),
                faults: HashMap::new(),
                okr_users: HashMap::new(),
                okr_images: HashMap::new(),
                log: Vec::new(),
                next_log_id: 1,
                stubs: Stubs::default(),
            }),
        }
    }

    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Inner) -> R) -> R {
        // A panicking test thread must not take the server down for the others.
        f(&mut self.inner.lock().unwrap_or_else(PoisonError::into_inner))
    }
}
