//! The connection's timing: local overrides win, then what the server sent in its
//! `ClientConfig`, then the Go SDK's defaults. Server values are clamped so a hostile
//! or broken server cannot make the client spin (interval 0) or go deaf (ping once a
//! year).

use std::time::Duration;

use super::bootstrap::ClientConfig;

/// How to retry after a lost connection or a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Failed attempts in a row before giving up; `None`: never give up.
    pub max_attempts: Option<u32>,
    /// Wait between failed attempts.
    pub interval: Duration,
    /// Up to this much random wait before the first attempt after a loss, so many
    /// clients do not reconnect in the same instant.
    pub jitter: Duration,
}

impl Default for ReconnectPolicy {
    /// The Go SDK's defaults: forever, every 2 minutes, up to 30 s of jitter.
    fn default() -> Self {
        Self {
            max_attempts: None,
            interval: Duration::from_secs(120),
            jitter: Duration::from_secs(30),
        }
    }
}

pub(crate) const DEFAULT_PING_INTERVAL: Duration = Duration::from_secs(120);
const MIN_SERVER_PING: Duration = Duration::from_secs(5);
const MAX_SERVER_PING: Duration = Duration::from_secs(600);
const MIN_SERVER_INTERVAL: Duration = Duration::from_secs(1);
const MAX_SERVER_WAIT: Duration = Duration::from_secs(600);

#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Overrides {
    pub(crate) ping_interval: Option<Duration>,
    pub(crate) read_timeout: Option<Duration>,
    pub(crate) reconnect: Option<ReconnectPolicy>,
}

/// What is in force right now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Effective {
    pub(crate) ping_interval: Duration,
    pub(crate) pong_timeout: Duration,
    pub(crate) read_timeout: Duration,
    pub(crate) reconnect: ReconnectPolicy,
}

fn seconds(value: i64, min: Duration, max: Duration) -> Duration {
    Duration::from_secs(u64::try_from(value).unwrap_or(0)).clamp(min, max)
}

pub(crate) fn effective(
    overrides: &Overrides,
    pong_timeout: Duration,
    server: Option<&ClientConfig>,
) -> Effective {
    let ping_interval = overrides.ping_interval.unwrap_or_else(|| {
        server
            .filter(|c| c.ping_interval > 0)
            .map_or(DEFAULT_PING_INTERVAL, |c| {
                seconds(c.ping_interval, MIN_SERVER_PING, MAX_SERVER_PING)
            })
    });
    let reconnect = overrides.reconnect.unwrap_or_else(|| match server {
        Some(c) => ReconnectPolicy {
            max_attempts: u32::try_from(c.reconnect_count).ok(),
            interval: seconds(c.reconnect_interval, MIN_SERVER_INTERVAL, MAX_SERVER_WAIT),
            jitter: seconds(c.reconnect_nonce, Duration::ZERO, MAX_SERVER_WAIT),
        },
        None => ReconnectPolicy::default(),
    });
    Effective {
        ping_interval,
        pong_timeout,
        read_timeout: overrides
            .read_timeout
            .unwrap_or(ping_interval + pong_timeout),
        reconnect,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_values_apply_but_are_clamped() {
        let server = ClientConfig {
            reconnect_count: 3,
            reconnect_interval: 0,
            reconnect_nonce: 100_000,
            ping_interval: 1,
        };
        let e = effective(
            &Overrides::default(),
            Duration::from_secs(10),
            Some(&server),
        );
        assert_eq!(e.ping_interval, MIN_SERVER_PING);
        assert_eq!(e.reconnect.max_attempts, Some(3));
        assert_eq!(e.reconnect.interval, MIN_SERVER_INTERVAL);
        assert_eq!(e.reconnect.jitter, MAX_SERVER_WAIT);
        assert_eq!(e.read_timeout, MIN_SERVER_PING + Duration::from_secs(10));

        let forever = ClientConfig {
            reconnect_count: -1,
            reconnect_interval: 30,
            ping_interval: 90,
            ..ClientConfig::default()
        };
        let e = effective(
            &Overrides::default(),
            Duration::from_secs(10),
            Some(&forever),
        );
        assert_eq!(e.reconnect.max_attempts, None);
        assert_eq!(e.reconnect.interval, Duration::from_secs(30));
        assert_eq!(e.ping_interval, Duration::from_secs(90));
    }

    #[test]
    fn local_overrides_win() {
        let overrides = Overrides {
            ping_interval: Some(Duration::from_millis(50)),
            read_timeout: Some(Duration::from_millis(300)),
            reconnect: Some(ReconnectPolicy {
                max_attempts: Some(1),
                interval: Duration::ZERO,
                jitter: Duration::ZERO,
            }),
        };
        let server = ClientConfig {
            ping_interval: 100,
            ..ClientConfig::default()
        };
        let e = effective(&overrides, Duration::from_millis(100), Some(&server));
        assert_eq!(e.ping_interval, Duration::from_millis(50));
        assert_eq!(e.read_timeout, Duration::from_millis(300));
        assert_eq!(e.reconnect.interval, Duration::ZERO);
    }
}
