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

//!
//! An operation may document several windows (5 per second and 100 per minute, say),
//! each counted per app, per tenant or per user. Every window has its own schedule, and
//! one request reserves the same slot in all of them at once (the earliest instant every
//! window allows), under one lock: reserving them one after another would let a request
//! that waited in one window bunch up with others in the next.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, RandomState};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::operation::{LimitScope, RateLimit};

/// The share of the documented quota the client uses; the rest absorbs jitter.
const QUOTA_SHARE: f64 = 0.97;

/// Schedules kept before idle ones are dropped (many users, each with a window).
const PRUNE_ABOVE: usize = 4096;

/// Whose requests a schedule counts.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Scope {
    App,
    Tenant(Option<String>),
    /// A hash of the user token: the limiter never holds a token's text.
    User(Option<u64>),
}

/// (operation id, window index, scope)
type Key = (String, usize, Scope);

/// The limiters of one client, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct RateLimiters {
    enabled: bool,
    overrides: HashMap<&'static str, RateLimit>,
    /// For each schedule, the earliest instant its next request may go.
    next: Mutex<HashMap<Key, Instant>>,
    hasher: RandomState,
}

/// Who is calling, for the tenant- and user-scoped windows.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Caller<'a> {
    pub(crate) tenant_key: Option<&'a str>,
    pub(crate) user_key: Option<u64>,
}

impl RateLimiters {
    pub(crate) fn new(enabled: bool, overrides: HashMap<&'static str, RateLimit>) -> Self {
        Self {
            enabled,
            overrides,
            next: Mutex::new(HashMap::new()),
            hasher: RandomState::new(),
        }
    }

    /// A per-client keyed hash of a user token, for the user-scoped windows.
    pub(crate) fn user_key(&self, token: &[u8]) -> u64 {
        let mut hasher = self.hasher.build_hasher();
        token.hash(&mut hasher);
        std::hash::Hasher::finish(&hasher)
    }

    /// Waits until the operation may send one more request under every one of its
    /// windows. An override configured for the operation id replaces its windows.
    pub(crate) async fn acquire(&self, id: &str, limits: &[RateLimit], caller: Caller<'_>) {
        if let Some(slot) = self.reserve(id, limits, caller) {
            tokio::time::sleep_until(slot).await;
        }
    }

    /// Reserves the earliest slot all windows allow. A caller cancelled while waiting
    /// leaves its slot unused, which can only lower the rate.
    fn reserve(&self, id: &str, limits: &[RateLimit], caller: Caller<'_>) -> Option<Instant> {
        if !self.enabled {
            return None;
        }
        let overridden;
        let limits = match self.overrides.get(id) {
            Some(limit) => {
                overridden = [*limit];
                &overridden[..]
            }
            None => limits,
        };
        let windows: Vec<(Key, Duration)> = limits
            .iter()
            .enumerate()
            .filter_map(|(index, limit)| {
                let scope = match limit.per {
                    LimitScope::App => Scope::App,
                    LimitScope::Tenant => Scope::Tenant(caller.tenant_key.map(str::to_owned)),
                    LimitScope::User => Scope::User(caller.user_key),
                };
                Some(((id.to_owned(), index, scope), interval(*limit)?))
            })
            .collect();
        if windows.is_empty() {
            return None;
        }
        // A poisoned map is still a valid map: a panic elsewhere must not stop limiting.
        let mut next = self.next.lock().unwrap_or_else(PoisonError::into_inner);
        let now = Instant::now();
        if next.len() > PRUNE_ABOVE {
            next.retain(|_, at| *at > now);
        }
        // After an idle spell a schedule restarts at `now`: no saved-up burst.
        let slot = windows
            .iter()
            .filter_map(|(key, _)| next.get(key).copied())
            .fold(now, Instant::max);
        for (key, interval) in windows {
            next.insert(key, slot + interval);
        }
        Some(slot)
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
    use std::collections::HashMap;
    use std::time::Duration;

    use super::{Caller, RateLimiters, interval};
    use crate::operation::{LimitScope, RateLimit};

    /// The paused clock wakes sleepers on whole milliseconds.
    fn about(actual: Duration, expected: Duration) -> bool {
        actual >= expected && actual <= expected + Duration::from_millis(1)
    }

    #[test]
    fn quota_is_spread_evenly_under_the_limit() {
        let expected = Duration::from_secs(60).div_f64(97.0);
        assert_eq!(interval(RateLimit::per_minute(100)), Some(expected));
        assert!(interval(RateLimit::per_second(0)).is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn slots_are_one_interval_apart_and_idle_time_is_not_saved_up() {
        let limiters = RateLimiters::new(true, HashMap::new());
        let limit = [RateLimit {
            requests: 10,
            per_seconds: 1,
            per: LimitScope::App,
        }];
        let step = Duration::from_secs(1).div_f64(9.7);
        let start = tokio::time::Instant::now();
        for n in 0..3 {
            limiters.acquire("op", &limit, Caller::default()).await;
            assert!(about(start.elapsed(), step * n), "{:?}", start.elapsed());
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
        let idle_end = tokio::time::Instant::now();
        limiters.acquire("op", &limit, Caller::default()).await;
        limiters.acquire("op", &limit, Caller::default()).await;
        assert!(about(idle_end.elapsed(), step), "{:?}", idle_end.elapsed());
    }

    /// Two windows: the tighter one governs, and each scope has its own schedule.
    #[tokio::test(start_paused = true)]
    async fn every_window_holds_and_scopes_are_separate() {
        let limiters = RateLimiters::new(true, HashMap::new());
        let limits = [
            RateLimit::per_second(5),
            RateLimit::per_minute(60).scoped(LimitScope::Tenant),
        ];
        let per_minute = interval(limits[1]).unwrap();
        let tenant_a = Caller {
            tenant_key: Some("a"),
            user_key: None,
        };
        let start = tokio::time::Instant::now();
        limiters.acquire("op", &limits, tenant_a).await;
        limiters.acquire("op", &limits, tenant_a).await;
        assert!(
            about(start.elapsed(), per_minute),
            "the per-minute window governs: {:?}",
            start.elapsed()
        );
        // Another tenant has its own per-minute schedule but shares the app's 5/s.
        let before = tokio::time::Instant::now();
        let tenant_b = Caller {
            tenant_key: Some("b"),
            user_key: None,
        };
        limiters.acquire("op", &limits, tenant_b).await;
        assert!(before.elapsed() < interval(limits[0]).unwrap() + Duration::from_millis(1));
    }

    #[test]
    fn user_keys_depend_on_the_token_only() {
        let limiters = RateLimiters::new(true, HashMap::new());
        assert_eq!(limiters.user_key(b"u-1"), limiters.user_key(b"u-1"));
        assert_ne!(limiters.user_key(b"u-1"), limiters.user_key(b"u-2"));
    }
}
