//! Client-side enforcement of each endpoint's documented quota.
//!
//! The platform counts requests per API, per app and per tenant in windows it does not
//! disclose (fixed or sliding). A limiter that allows bursts can put a whole quota into
//! the end of one fixed window and the start of the next and be answered with 429s, so
//! requests are instead spaced evenly (a GCRA with a burst of one) at slightly under the
//! quota: any window of the documented length then holds at most the quota even when
//! network jitter moves arrivals by up to about 3 % of the window.

use std::collections::HashMap;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};

use crate::operation::{Operation, RateLimit};

/// The share of the documented quota the client uses; the rest absorbs jitter.
const QUOTA_SHARE: f64 = 0.97;

type Key = (&'static str, Option<String>);

/// The limiters of one client, shared by its clones.
#[derive(Debug, Default)]
pub(crate) struct RateLimiters {
    enabled: bool,
    overrides: HashMap<&'static str, RateLimit>,
    limiters: Mutex<HashMap<Key, Arc<DefaultDirectRateLimiter>>>,
}

impl RateLimiters {
    pub(crate) fn new(enabled: bool, overrides: HashMap<&'static str, RateLimit>) -> Self {
        Self {
            enabled,
            overrides,
            limiters: Mutex::new(HashMap::new()),
        }
    }

    /// Waits until `operation` may send one more request for `tenant_key`.
    pub(crate) async fn acquire(&self, operation: &Operation, tenant_key: Option<&str>) {
        let Some(limiter) = self.limiter(operation, tenant_key) else {
            return;
        };
        let clock = DefaultClock::default();
        // `check` + a tokio sleep rather than governor's own timer, so waiting follows
        // the tokio clock like every other wait in the client.
        while let Err(not_until) = limiter.check() {
            tokio::time::sleep(not_until.wait_time_from(clock.now())).await;
        }
    }

    fn limiter(
        &self,
        operation: &Operation,
        tenant_key: Option<&str>,
    ) -> Option<Arc<DefaultDirectRateLimiter>> {
        if !self.enabled {
            return None;
        }
        let limit = self
            .overrides
            .get(operation.id)
            .copied()
            .or(operation.rate_limit)?;
        let quota = smooth_quota(limit)?;
        let key = (operation.id, tenant_key.map(str::to_owned));
        // A poisoned map is still a valid map: a panic elsewhere must not stop limiting.
        let mut limiters = self
            .limiters
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let limiter = limiters
            .entry(key)
            .or_insert_with(|| Arc::new(RateLimiter::direct(quota)));
        Some(Arc::clone(limiter))
    }
}

/// One request every `window / (requests × QUOTA_SHARE)`, never more than one at once.
fn smooth_quota(limit: RateLimit) -> Option<Quota> {
    if limit.requests == 0 || limit.per_seconds == 0 {
        return None;
    }
    let period = Duration::from_secs(u64::from(limit.per_seconds))
        .div_f64(f64::from(limit.requests) * QUOTA_SHARE);
    Some(Quota::with_period(period)?.allow_burst(NonZeroU32::MIN))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::smooth_quota;
    use crate::operation::RateLimit;

    #[test]
    fn quota_is_spread_evenly_under_the_limit() {
        let quota = smooth_quota(RateLimit::per_minute(100)).map(|q| q.replenish_interval());
        let expected = Duration::from_secs(60).div_f64(97.0);
        assert_eq!(quota, Some(expected));
        assert!(smooth_quota(RateLimit::per_second(0)).is_none());
    }
}
