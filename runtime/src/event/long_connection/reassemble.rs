//! Joins a message the server split into `sum` fragments (`seq` 0..sum, sharing a
//! `message_id`). Memory is bounded: at most `max_bytes` of fragments are held across
//! all messages, fragment counts above `max_parts` are refused, and a message not
//! complete within `timeout` is dropped (the platform re-sends unacknowledged ones).

use std::collections::HashMap;
use std::time::{Duration, Instant};

#[derive(Debug)]
struct Partial {
    parts: Vec<Option<Vec<u8>>>,
    bytes: usize,
    started: Instant,
}

/// Why a fragment was dropped.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum FragmentError {
    /// `seq` not below `sum`, `sum` zero or too large, or `sum` differs between fragments.
    Inconsistent,
    /// Holding it would exceed the byte budget; the whole message is dropped.
    TooLarge,
}

#[derive(Debug)]
pub(crate) struct Reassembler {
    partials: HashMap<String, Partial>,
    held_bytes: usize,
    max_bytes: usize,
    max_parts: usize,
    timeout: Duration,
}

impl Reassembler {
    pub(crate) fn new(max_bytes: usize, max_parts: usize, timeout: Duration) -> Self {
        Self {
            partials: HashMap::new(),
            held_bytes: 0,
            max_bytes,
            max_parts,
            timeout,
        }
    }

    /// Adds fragment `seq` of `sum`; returns the whole payload once every fragment is in.
    pub(crate) fn add(
        &mut self,
        message_id: &str,
        sum: usize,
        seq: usize,
        payload: Vec<u8>,
        now: Instant,
    ) -> Result<Option<Vec<u8>>, FragmentError> {
        self.expire(now);
        if sum == 0 || sum > self.max_parts || seq >= sum {
            return Err(FragmentError::Inconsistent);
        }
        if self.held_bytes + payload.len() > self.max_bytes {
            self.drop_message(message_id);
            return Err(FragmentError::TooLarge);
        }
        let partial = self
            .partials
            .entry(message_id.to_owned())
            .or_insert_with(|| Partial {
                parts: vec![None; sum],
                bytes: 0,
                started: now,
            });
        if partial.parts.len() != sum {
            self.drop_message(message_id);
            return Err(FragmentError::Inconsistent);
        }
        let added = payload.len();
        if let Some(old) = partial.parts[seq].replace(payload) {
            partial.bytes -= old.len();
            self.held_bytes -= old.len();
        }
        partial.bytes += added;
        self.held_bytes += added;
        if partial.parts.iter().any(Option::is_none) {
            return Ok(None);
        }
        let partial = self
            .partials
            .remove(message_id)
            .expect("the entry was just updated");
        self.held_bytes -= partial.bytes;
        let mut whole = Vec::with_capacity(partial.bytes);
        for part in partial.parts.into_iter().flatten() {
            whole.extend_from_slice(&part);
        }
        Ok(Some(whole))
    }

    /// Drops messages older than the timeout.
    pub(crate) fn expire(&mut self, now: Instant) {
        let timeout = self.timeout;
        let mut freed = 0;
        self.partials.retain(|message_id, partial| {
            let keep = now.saturating_duration_since(partial.started) < timeout;
            if !keep {
                tracing::warn!(%message_id, "incomplete fragmented message dropped");
                freed += partial.bytes;
            }
            keep
        });
        self.held_bytes -= freed;
    }

    fn drop_message(&mut self, message_id: &str) {
        if let Some(partial) = self.partials.remove(message_id) {
            self.held_bytes -= partial.bytes;
        }
    }

    #[cfg(test)]
    pub(crate) fn held_bytes(&self) -> usize {
        self.held_bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reassembler() -> Reassembler {
        Reassembler::new(100, 8, Duration::from_secs(5))
    }

    #[test]
    fn joins_fragments_in_any_order() {
        let mut r = reassembler();
        let now = Instant::now();
        assert_eq!(r.add("m", 3, 2, b"c".to_vec(), now), Ok(None));
        assert_eq!(r.add("m", 3, 0, b"a".to_vec(), now), Ok(None));
        assert_eq!(
            r.add("m", 3, 1, b"b".to_vec(), now),
            Ok(Some(b"abc".to_vec()))
        );
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn refuses_inconsistent_fragments() {
        let mut r = reassembler();
        let now = Instant::now();
        assert_eq!(
            r.add("m", 2, 2, vec![1], now),
            Err(FragmentError::Inconsistent)
        );
        assert_eq!(
            r.add("m", 0, 0, vec![1], now),
            Err(FragmentError::Inconsistent)
        );
        assert_eq!(
            r.add("m", 9, 0, vec![1], now),
            Err(FragmentError::Inconsistent)
        );
        assert_eq!(r.add("m", 2, 0, vec![1], now), Ok(None));
        assert_eq!(
            r.add("m", 3, 1, vec![1], now),
            Err(FragmentError::Inconsistent)
        );
        assert_eq!(r.held_bytes(), 0);
    }

    #[test]
    fn bounds_memory_and_drops_stale_messages() {
        let mut r = reassembler();
        let now = Instant::now();
        assert_eq!(r.add("a", 2, 0, vec![0; 60], now), Ok(None));
        assert_eq!(
            r.add("b", 2, 0, vec![0; 60], now),
            Err(FragmentError::TooLarge)
        );
        assert_eq!(r.held_bytes(), 60);
        r.expire(now + Duration::from_secs(6));
        assert_eq!(r.held_bytes(), 0);
        // The late second half alone does not complete anything.
        assert_eq!(
            r.add("a", 2, 1, vec![0; 10], now + Duration::from_secs(6)),
            Ok(None)
        );
    }
}
