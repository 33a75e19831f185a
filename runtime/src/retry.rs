//! When a failed attempt is worth repeating, and how long to wait first.

use std::time::Duration;

use crate::error::{Error, TransportErrorKind};

/// Retry and time-budget settings for every call a client makes.
///
/// Only operations the spec marks idempotent are retried (both on transport failures
/// and on retryable responses); a rejected token is the one exception, see
/// [`Client::execute`](crate::Client::execute).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts per call, the first one included; `1` disables retrying.
    pub max_attempts: u32,
    /// Backoff before the first retry; doubled for each later one.
    pub initial_backoff: Duration,
    /// Upper bound of one backoff (not of a wait the server asked for).
    pub max_backoff: Duration,
    /// Wall-clock limit for the whole call: rate-limit waits, attempts and backoffs.
    pub total_budget: Duration,
}

impl RetryPolicy {
    /// The default policy: 3 attempts, 200 ms initial backoff, 5 s maximum backoff,
    /// 120 s total budget (long enough to sit out one per-minute rate-limit window).
    pub fn new() -> Self {
        Self {
            max_attempts: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(5),
            total_budget: Duration::from_secs(120),
        }
    }

    /// A policy that never retries (the total budget still applies).
    pub fn none() -> Self {
        Self::new().max_attempts(1)
    }

    /// Sets the attempts per call, the first one included; `0` is treated as `1`.
    pub fn max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff before the first retry.
    pub fn initial_backoff(mut self, backoff: Duration) -> Self {
        self.initial_backoff = backoff;
        self
    }

    /// Sets the largest backoff between two attempts.
    pub fn max_backoff(mut self, backoff: Duration) -> Self {
        self.max_backoff = backoff;
        self
    }

    /// Sets the wall-clock limit for a whole call.
    pub fn total_budget(mut self, budget: Duration) -> Self {
        self.total_budget = budget;
        self
    }

    /// Exponential backoff with "equal jitter": half the step is fixed so retries never
    /// hammer the server back-to-back, the other half is random so that many clients
    /// failing together do not retry in lockstep.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponent = retry.saturating_sub(1).min(20);
        let step = self
            .initial_backoff
            .saturating_mul(1_u32 << exponent)
            .min(self.max_backoff);
        let half = step / 2;
        half + half.mul_f64(fastrand::f64())
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::new()
    }
}

/// What to do after a failed attempt.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Not worth repeating: the same request would fail the same way.
    Fail,
    /// A transient failure; retry after a backoff.
    Backoff,
    /// Rate limited; retry after the server's wait (or a backoff if it gave none).
    Wait(Option<Duration>),
}

/// Transport failures, 5xx (including gateway HTML pages) and rate limiting are transient.
/// A refused redirect or an oversized body would come back the same, and anything
/// rejected before sending (`InvalidRequest`, including requests reqwest cannot build)
/// is the caller's to fix: those fail at once.
pub(crate) fn classify(error: &Error) -> Verdict {
    match error {
        Error::Transport(transport)
            if matches!(
                transport.kind(),
                TransportErrorKind::Redirect | TransportErrorKind::BodyTooLarge
            ) =>
        {
            Verdict::Fail
        }
        Error::Transport(_) => Verdict::Backoff,
        Error::RateLimited(limited) => Verdict::Wait(limited.retry_after),
        Error::Api(api) if api.http_status >= 500 => Verdict::Backoff,
        Error::Decode(decode) if decode.http_status >= 500 => Verdict::Backoff,
        // A 429 whose body is not an envelope is still a rate limit.
        Error::Decode(decode) if decode.http_status == 429 => Verdict::Wait(None),
        _ => Verdict::Fail,
    }
}

/// The wait the server asked for, plus a little jitter so that every task released
/// by the same window reset does not arrive in the same millisecond.
pub(crate) fn server_wait(wait: Duration) -> Duration {
    let spread = (wait / 10).min(Duration::from_millis(250));
    wait + spread.mul_f64(fastrand::f64())
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::RetryPolicy;

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy::new()
            .initial_backoff(Duration::from_millis(100))
            .max_backoff(Duration::from_millis(350));
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!((Duration::from_millis(50)..=Duration::from_millis(100)).contains(&first));
            let second = policy.backoff(2);
            assert!((Duration::from_millis(100)..=Duration::from_millis(200)).contains(&second));
            let capped = policy.backoff(30);
            assert!(capped <= Duration::from_millis(350), "{capped:?}");
        }
    }

    #[test]
    fn zero_attempts_means_one() {
        assert_eq!(RetryPolicy::new().max_attempts(0).max_attempts, 1);
        assert_eq!(RetryPolicy::none().max_attempts, 1);
    }
}
