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
    counters: HashMap<Route, Vec<Counter>>,
}

impl Counter {
    fn new(quota: Quota) -> Self {
        Self {
            quota,
            fixed: (0, 0),
            arrivals: VecDeque::new(),
        }
    }

    /// `Ok` if this window has room now, else the wait until it has.
    fn room(&mut self, started: Instant, now: Instant) -> Result<(), Duration> {
        let quota = self.quota;
        let window = quota.window.max(Duration::from_millis(1));
        match quota.mode {
            WindowMode::Fixed => {
                let elapsed = now.saturating_duration_since(started);
                let index = elapsed.as_nanos() / window.as_nanos();
                if self.fixed.0 != index {
                    self.fixed = (index, 0);
                }
                if self.fixed.1 < quota.requests {
                    return Ok(());
                }
                let window_end = window.as_nanos() * (index + 1);
                Err(Duration::from_nanos(
                    u64::try_from(window_end.saturating_sub(elapsed.as_nanos()))
                        .unwrap_or(u64::MAX),
                ))
            }
            WindowMode::Sliding => {
                while self
                    .arrivals
                    .front()
                    .is_some_and(|first| now.saturating_duration_since(*first) >= window)
                {
                    self.arrivals.pop_front();
                }
                if self.arrivals.len() < quota.requests as usize {
                    return Ok(());
                }
                Err(self.arrivals.front().map_or(window, |first| {
                    (*first + window).saturating_duration_since(now)
                }))
            }
        }
    }

    fn count(&mut self, now: Instant) {
        match self.quota.mode {
            WindowMode::Fixed => self.fixed.1 += 1,
            WindowMode::Sliding => self.arrivals.push_back(now),
        }
    }
}

impl Quotas {
    pub(crate) fn set(&mut self, route: Route, quota: Quota) {
        self.counters.insert(route, vec![Counter::new(quota)]);
    }

    pub(crate) fn add(&mut self, route: Route, quota: Quota) {
        self.counters
            .entry(route)
            .or_default()
            .push(Counter::new(quota));
    }

    /// Counts a request against every window; `Err((limit, reset))` when one is full,
    /// with that window's quota and the seconds until it frees up (rounded up, as the
    /// header carries whole seconds). A refused request counts in no window.
    pub(crate) fn admit(
        &mut self,
        route: Route,
        started: Instant,
        now: Instant,
    ) -> Result<(), (u32, u64)> {
        let Some(counters) = self.counters.get_mut(&route) else {
            return Ok(());
        };
        for counter in counters.iter_mut() {
            if let Err(wait) = counter.room(started, now) {
                return Err((
                    counter.quota.requests,
                    wait.as_secs_f64().ceil().max(1.0) as u64,
                ));
            }
        }
        for counter in counters {
            counter.count(now);
        }
        Ok(())
    }
}
