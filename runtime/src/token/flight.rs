//! One token fetch in flight per key, its outcome shared by every caller.
//!
//! The fetch runs as its own task, so a caller that gives up (its call's time budget
//! ran out, or it was dropped) neither cancels it nor makes the others wait for a new
//! one; each caller waits only as long as its own budget allows. The outcome, a token
//! or an error, goes to every caller that joined.
//!
//! After a failed fetch, the next one for the same key starts no sooner than
//! [`FAILED_FETCH_SPACING`] later, and every caller asking meanwhile joins it. Calls
//! that retry after a shared failure come back spread over their jittered backoffs;
//! without the spacing each would start its own fetch, and a failing token endpoint
//! would see one request per call and attempt (about 150 for 50 calls) instead of one
//! per round.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use tokio::time::Instant;
use tracing::Instrument;

use super::store::TokenKey;
use crate::error::{Error, TransportError, TransportErrorKind};
use crate::secret::AccessToken;

/// Minimum time between a failed fetch and the next one for the same key.
pub(crate) const FAILED_FETCH_SPACING: Duration = Duration::from_millis(250);

type SharedFetch = Shared<BoxFuture<'static, Result<AccessToken, Error>>>;

enum Flight {
    Running { id: u64, fetch: SharedFetch },
    Failed { retry_at: Instant },
}

/// The fetches of one token manager, by key.
#[derive(Default)]
pub(crate) struct Flights {
    map: Mutex<HashMap<TokenKey, Flight>>,
    next_id: AtomicU64,
}

impl Flights {
    /// The running fetch for `key`, or `work` started as one.
    pub(crate) fn join_or_start<W>(self: &Arc<Self>, key: &TokenKey, work: W) -> SharedFetch
    where
        W: Future<Output = Result<AccessToken, Error>> + Send + 'static,
    {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        let not_before = match map.get(key) {
            Some(Flight::Running { fetch, .. }) => return fetch.clone(),
            Some(Flight::Failed { retry_at }) => Some(*retry_at),
            None => None,
        };
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let flights = Arc::clone(self);
        let task_key = key.clone();
        let task = tokio::spawn(
            async move {
                if let Some(at) = not_before {
                    tokio::time::sleep_until(at).await;
                }
                let result = work.await;
                flights.finish(&task_key, id, result.is_ok());
                result
            }
            // The token span stays a child of the call that started the fetch.
            .in_current_span(),
        );
        let fetch = async move {
            task.await.unwrap_or_else(|_| {
                Err(TransportError::message(
                    TransportErrorKind::Other,
                    "the token fetch task ended without a result".to_owned(),
                )
                .into())
            })
        }
        .boxed()
        .shared();
        map.insert(
            key.clone(),
            Flight::Running {
                id,
                fetch: fetch.clone(),
            },
        );
        fetch
    }

    /// Retires flight `id`: forgotten after a success (the cache has the token), kept as
    /// a failure to space out the next fetch otherwise.
    fn finish(&self, key: &TokenKey, id: u64, succeeded: bool) {
        let mut map = self.map.lock().unwrap_or_else(PoisonError::into_inner);
        if !matches!(map.get(key), Some(Flight::Running { id: running, .. }) if *running == id) {
            return;
        }
        if succeeded {
            map.remove(key);
        } else {
            let retry_at = Instant::now() + FAILED_FETCH_SPACING;
            map.insert(key.clone(), Flight::Failed { retry_at });
        }
    }
}
