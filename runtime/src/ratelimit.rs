//! Client-side enforcement of each endpoint's documented quota.
//!
//! The platform counts requests per API, per app and per tenant in windows it does not
//! disclose (fixed or sliding). A limiter that allows bursts can put a whole quota into
//! the end of one fixed window and the start of the next and be answered with 429s, so
//! requests are instead spaced evenly at slightly under the quota: any window of the
//! documented length then holds at most the quota even when network jitter moves
//! arrivals by up to about 3 % of the window.
//!
//! Each caller reserves the next free slot and then sleeps until it (GCRA "virtual
//! scheduling" with a burst of one). `governor`'s check-then-sleep loop was measured
//! first: every waiter that wakes a little late pushes all later slots back by that
//! much, which cost 7 % of the quota at 40 requests per second; with reservations a
//! late wake-up delays only its own request.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::operation::{Operation, RateLimit};

/// The share of the documented quota the client uses; the rest absorbs jitter.
const QUOTA_SHARE: f64 = 0.97;

type Key = (&'static str, Option<String>);

/// Evenly spaced slots for one (operation, tenant).
#[derive(Debug)]
struct Pacer {
    interval: Duration,
    /// The earliest instant the next request may go.
    next: Mutex<Option<Instant>>,
}

impl Pacer {
    /// Reserves a slot and waits for it. A caller cancelled while waiting leaves its slot
    /// unused, which can only lower the rate.
    async fn acquire(&self) {
        let slot = {
            let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            // After an idle spell the schedule restarts at `now`: no saved-up burst.
            let slot = next.filter(|next| *next > now).unwrap_or(now);
            *next = Some(slot + self.interval);
            slot
        };
        tokio::time::sleep_until(slot).await;
    }
}

/// The limiters of one client, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct RateLimiters {
    enabled: bool,
    overrides: HashMap<&'static str, RateLimit>,
    pacers: Mutex<HashMap<Key, Arc<Pacer>>>,
}

impl RateLimiters {
    pub(crate) fn new(enabled: bool, overrides: HashMap<&'static str, RateLimit>) -> Self {
        Self {
            enabled,
            overrides,
            pacers: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `operation` may send one more request for `tenant_key`.
    pub(crate) async fn acquire(&self, operation: &Operation, tenant_key: Option<&str>) {
        if let Some(pacer) = self.pacer(operation, tenant_key) {
            pacer.acquire().await;
        }
    }

    fn pacer(&self, operation: &Operation, tenant_key: Option<&str>) -> Option<Arc<Pacer>> {
        if !self.enabled {
            return None;
        }
        let limit = self
            .overrides
            .get(operation.id)
            .copied()
            .or(operation.rate_limit)?;
        let interval = interval(limit)?;
        let key = (operation.id, tenant_key.map(str::to_owned));
        // A poisoned map is still a valid map: a panic elsewhere must not stop limiting.
        let mut pacers = self.pacers.lock().unwrap_or_else(PoisonError::into_inner);
        let pacer = pacers.entry(key).or_insert_with(|| {
            Arc::new(Pacer {
                interval,
                next: Mutex::new(None),
            })
        });
        Some(Arc::clone(pacer))
    }
}

/// One request every `window / (requests × QUOTA_SHARE)`.
fn interval(limit: RateLimit) -> Option<Duration> {
    if limit.requests == 0 || limit.per_seconds == 0 {
        return None;
    }
    Some(
        Duration::from_secs(u64::from(limit.per_seconds))
            .div_f64(f64::from(limit.requests) * QUOTA_SHARE),
    )
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::{Pacer, interval};
    use crate::operation::RateLimit;

    #[test]
    fn quota_is_spread_evenly_under_the_limit() {
        let expected = Duration::from_secs(60).div_f64(97.0);
        assert_eq!(interval(RateLimit::per_minute(100)), Some(expected));
        assert!(interval(RateLimit::per_second(0)).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn slots_are_one_interval_apart_and_idle_time_is_not_saved_up() {
        let pacer = Pacer {
            interval: Duration::from_millis(100),
            next: std::sync::Mutex::new(None),
        };
        let start = tokio::time::Instant::now();
        for expected in [0, 100, 200] {
            pacer.acquire().await;
            assert_eq!(start.elapsed(), Duration::from_millis(expected));
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle_end = tokio::time::Instant::now();
        pacer.acquire().await;
        pacer.acquire().await;
        assert_eq!(idle_end.elapsed(), Duration::from_millis(100));
    }
}
