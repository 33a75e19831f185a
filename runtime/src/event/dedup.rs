//! Event-id de-duplication in a window bounded both by count and by age.
//!
//! The platform re-sends an event it thinks was not received (after 15 s, 5 min, 1 h and
//! 6 h, per the events overview), and a long connection may deliver one event twice. An
//! id is remembered from the start of its handling; if the handler fails the id is
//! forgotten again so the platform's retry reaches the handler.

use std::collections::{HashMap, VecDeque};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Ids longer than this are not remembered (real ids are 32 characters); it bounds the
/// memory an attacker-chosen id can take.
const MAX_ID_LEN: usize = 128;

/// How many event ids to remember, and for how long.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DedupConfig {
    /// At most this many ids; the oldest is forgotten first. `0` turns de-duplication off.
    pub capacity: usize,
    /// Ids older than this are forgotten.
    pub ttl: Duration,
}

impl Default for DedupConfig {
    /// 10,000 ids for 7 hours: the platform's last retry comes about 6 h 20 min after
    /// the first push. At most ~10,000 × 128 bytes of ids.
    fn default() -> Self {
        Self {
            capacity: 10_000,
            ttl: Duration::from_secs(7 * 3600),
        }
    }
}

/// What [`Dedup::begin`] found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Seen {
    /// First time (or forgotten): handle it.
    New,
    /// Already handled or being handled: skip it.
    Duplicate,
}

#[derive(Debug)]
pub(crate) struct Dedup {
    config: DedupConfig,
    inner: Mutex<Window>,
}

#[derive(Debug, Default)]
struct Window {
    /// id -> when it was remembered.
    seen: HashMap<String, Instant>,
    /// Arrival order, for eviction; may hold stale entries of forgotten ids, which
    /// `compact` drops.
    order: VecDeque<(String, Instant)>,
}

impl Dedup {
    pub(crate) fn new(config: DedupConfig) -> Self {
        Self {
            config,
            inner: Mutex::new(Window::default()),
        }
    }

    /// Remembers `id` and says whether it was new.
    pub(crate) fn begin(&self, id: &str) -> Seen {
        self.begin_at(id, Instant::now())
    }

    fn begin_at(&self, id: &str, now: Instant) -> Seen {
        if self.config.capacity == 0 || id.is_empty() || id.len() > MAX_ID_LEN {
            return Seen::New;
        }
        let mut window = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        window.expire(now, self.config.ttl);
        if window.seen.contains_key(id) {
            return Seen::Duplicate;
        }
        while window.seen.len() >= self.config.capacity {
            window.evict_oldest();
        }
        window.seen.insert(id.to_owned(), now);
        window.order.push_back((id.to_owned(), now));
        if window.order.len() > 2 * self.config.capacity {
            window.compact();
        }
        Seen::New
    }

    /// Forgets `id`, so a re-delivery is handled again (its handler failed).
    pub(crate) fn forget(&self, id: &str) {
        let mut window = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        window.seen.remove(id);
    }

    #[cfg(test)]
    fn len(&self) -> (usize, usize) {
        let window = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        (window.seen.len(), window.order.len())
    }
}

impl Window {
    fn expire(&mut self, now: Instant, ttl: Duration) {
        while let Some((_, at)) = self.order.front() {
            if now.saturating_duration_since(*at) < ttl {
                break;
            }
            self.evict_oldest();
        }
    }

    fn evict_oldest(&mut self) {
        if let Some((id, at)) = self.order.pop_front() {
            // Only if the entry is the live one: the id may have been forgotten and
            // remembered again later.
            if self.seen.get(&id) == Some(&at) {
                self.seen.remove(&id);
            }
        }
    }

    fn compact(&mut self) {
        let seen = &self.seen;
        self.order.retain(|(id, at)| seen.get(id) == Some(at));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_seen_within_the_window_and_forgotten_after_it() {
        let dedup = Dedup::new(DedupConfig {
            capacity: 10,
            ttl: Duration::from_secs(60),
        });
        let t0 = Instant::now();
        assert_eq!(dedup.begin_at("a", t0), Seen::New);
        assert_eq!(
            dedup.begin_at("a", t0 + Duration::from_secs(59)),
            Seen::Duplicate
        );
        assert_eq!(dedup.begin_at("a", t0 + Duration::from_secs(61)), Seen::New);
    }

    #[test]
    fn the_window_never_holds_more_than_its_capacity() {
        let dedup = Dedup::new(DedupConfig {
            capacity: 3,
            ttl: Duration::from_secs(3600),
        });
        let t0 = Instant::now();
        for i in 0..1000 {
            assert_eq!(dedup.begin_at(&format!("id{i}"), t0), Seen::New);
            if i % 2 == 0 {
                dedup.forget(&format!("id{i}"));
            }
        }
        let (seen, order) = dedup.len();
        assert!(seen <= 3, "{seen}");
        assert!(order <= 7, "{order}");
        // The newest is still remembered, the first long gone.
        assert_eq!(dedup.begin_at("id999", t0), Seen::Duplicate);
        assert_eq!(dedup.begin_at("id1", t0), Seen::New);
    }

    #[test]
    fn a_forgotten_id_is_handled_again() {
        let dedup = Dedup::new(DedupConfig::default());
        assert_eq!(dedup.begin("x"), Seen::New);
        dedup.forget("x");
        assert_eq!(dedup.begin("x"), Seen::New);
        assert_eq!(dedup.begin("x"), Seen::Duplicate);
    }

    #[test]
    fn empty_and_oversized_ids_are_not_remembered() {
        let dedup = Dedup::new(DedupConfig::default());
        assert_eq!(dedup.begin(""), Seen::New);
        assert_eq!(dedup.begin(""), Seen::New);
        let long = "x".repeat(MAX_ID_LEN + 1);
        assert_eq!(dedup.begin(&long), Seen::New);
        assert_eq!(dedup.begin(&long), Seen::New);
    }
}
