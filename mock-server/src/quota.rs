//! Server-side quota enforcement, with either kind of window a gateway may use.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

use crate::Route;

/// How the mock counts requests against a quota.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WindowMode {
    /// Windows back to back from server start; the count resets at each boundary.
    Fixed,
    /// Any span of one window length holds at most the quota.
    Sliding,
}

/// `requests` per `window`, counted as `mode` says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quota {
    /// Requests allowed per window.
    pub requests: u32,
    /// Window length.
    pub window: Duration,
    /// How windows are placed.
    pub mode: WindowMode,
}

impl Quota {
    /// `requests` per `window` in fixed windows.
    pub fn fixed(requests: u32, window: Duration) -> Self {
        Self {
            requests,
            window,
            mode: WindowMode::Fixed,
        }
    }

    /// `requests` per `window` in a sliding window.
    pub fn sliding(requests: u32, window: Duration) -> Self {
        Self {
            requests,
            window,
            mode: WindowMode::Sliding,
        }
    }
}

#[derive(Debug)]
struct Counter {
    quota: Quota,
    /// Fixed mode: (window index, requests in it).
    fixed: (u128, u32),
    /// Sliding mode: arrival times of accepted requests within the last window.
    arrivals: VecDeque<Instant>,
}

#[derive(Debug, Default)]
pub(crate) struct Quotas {
    counters: HashMap<Route, Counter>,
}

impl Quotas {
    pub(crate) fn set(&mut self, route: Route, quota: Quota) {
        self.counters.insert(
            route,
            Counter {
                quota,
                fixed: (0, 0),
                arrivals: VecDeque::new(),
            },
        );
    }

    /// Counts a request; `Err(reset)` when it is over the quota, with the seconds until
    /// the window frees up (rounded up, as the header carries whole seconds).
    pub(crate) fn admit(
        &mut self,
        route: Route,
        started: Instant,
        now: Instant,
    ) -> Result<(), (u32, u64)> {
        let Some(counter) = self.counters.get_mut(&route) else {
            return Ok(());
        };
        let quota = counter.quota;
        let window = quota.window.max(Duration::from_millis(1));
        let wait = match quota.mode {
            WindowMode::Fixed => {
                let elapsed = now.saturating_duration_since(started);
                let index = elapsed.as_nanos() / window.as_nanos();
                if counter.fixed.0 != index {
                    counter.fixed = (index, 0);
                }
                if counter.fixed.1 < quota.requests {
                    counter.fixed.1 += 1;
                    return Ok(());
                }
                let window_end = window.as_nanos() * (index + 1);
                Duration::from_nanos(
                    u64::try_from(window_end.saturating_sub(elapsed.as_nanos()))
                        .unwrap_or(u64::MAX),
                )
            }
            WindowMode::Sliding => {
                while counter
                    .arrivals
                    .front()
                    .is_some_and(|first| now.saturating_duration_since(*first) >= window)
                {
                    counter.arrivals.pop_front();
                }
                if counter.arrivals.len() < quota.requests as usize {
                    counter.arrivals.push_back(now);
                    return Ok(());
                }
                counter.arrivals.front().map_or(window, |first| {
                    (*first + window).saturating_duration_since(now)
                })
            }
        };
        Err((quota.requests, wait.as_secs_f64().ceil().max(1.0) as u64))
    }
}
