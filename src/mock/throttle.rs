//! Stage 1, throttling, per user: requests are grouped by the bearer token's user when the
//! token is valid, else by client IP address (as the console's "by user" and "by IP" groups).
//!
//! - Parallel limit ([`ThrottleConfig::max_parallel_per_user`], default 32): a request takes a
//!   [`Slot`] that it holds until the operation stage has finished; one over the limit is a 429
//!   with `retryAfter: 1`.
//! - Rate limit ([`ThrottleConfig::per_token_window`], default off): at most N requests per
//!   fixed window per token (per IP without a valid token); one over is a 429 whose `retryAfter`
//!   is the whole seconds until the window ends.
//!
//! Every request that reaches the stage counts against the window, answered or not.

use super::ThrottleConfig;
use super::error::ApiError;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(super) const TRIGGERS: &[super::Trigger] = &[super::Trigger {
    code: 429,
    method: "*",
    path: "*",
    trigger: "more than `max_parallel_per_user` requests in flight for one user (`retryAfter: 1`; usage reports hold their slot 50 ms, so a burst of them does it), or more than the per-token window allows (`retryAfter`: the seconds left)",
    delivery: super::Delivery::Answer,
}];

pub struct Throttle {
    config: ThrottleConfig,
    inner: Mutex<Counters>,
}

#[derive(Default)]
struct Counters {
    in_flight: HashMap<String, usize>,
    windows: HashMap<String, Window>,
}

struct Window {
    started: Instant,
    count: u32,
}

/// Who a request is counted as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// `user:<uid>` or `ip:<address>`.
    pub group: String,
    /// `token:<token>` or `ip:<address>`.
    pub rate_key: String,
}

/// A parallel-request slot, given back when dropped.
pub struct Slot<'a> {
    throttle: &'a Throttle,
    group: Option<String>,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        let Some(group) = self.group.take() else {
            return;
        };
        let mut counters = self.throttle.counters();
        if let Some(n) = counters.in_flight.get_mut(&group) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                counters.in_flight.remove(&group);
            }
        }
    }
}

impl Throttle {
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle {
            config,
            inner: Mutex::new(Counters::default()),
        }
    }

    pub fn heavy_service_time(&self) -> Duration {
        self.config.heavy_service_time
    }

    fn counters(&self) -> std::sync::MutexGuard<'_, Counters> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The stage: a slot, or a 429.
    pub fn admit(&self, client: &Client) -> Result<Slot<'_>, ApiError> {
        let now = Instant::now();
        let mut counters = self.counters();
        if let Some((max, period)) = self.config.per_token_window {
            if counters.windows.len() > 4096 {
                counters
                    .windows
                    .retain(|_, w| now.duration_since(w.started) < period);
            }
            let window = counters
                .windows
                .entry(client.rate_key.clone())
                .or_insert(Window {
                    started: now,
                    count: 0,
                });
            if now.duration_since(window.started) >= period {
                *window = Window {
                    started: now,
                    count: 0,
                };
            }
            window.count = window.count.saturating_add(1);
            if window.count > max {
                let left = (window.started + period).saturating_duration_since(now);
                return Err(ApiError::throttled(whole_seconds(left)));
            }
        }
        let Some(max) = self.config.max_parallel_per_user else {
            return Ok(Slot {
                throttle: self,
                group: None,
            });
        };
        let in_flight = counters.in_flight.entry(client.group.clone()).or_insert(0);
        if *in_flight >= max {
            return Err(ApiError::throttled(1));
        }
        *in_flight += 1;
        Ok(Slot {
            throttle: self,
            group: Some(client.group.clone()),
        })
    }
}

/// Seconds rounded up, at least 1: "retry after 0 seconds" would invite a busy loop.
fn whole_seconds(left: Duration) -> u64 {
    let secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn client(user: &str) -> Client {
        Client {
            group: format!("user:{user}"),
            rate_key: format!("token:{user}"),
        }
    }

    fn retry_after(error: ApiError) -> Option<u64> {
        match error {
            ApiError::Vspc(e) if e.code == 429 => e.retry_after,
            _ => None,
        }
    }

    #[test]
    fn the_parallel_limit_counts_slots_per_user_until_they_are_dropped() {
        let throttle = Throttle::new(ThrottleConfig {
            max_parallel_per_user: Some(2),
            per_token_window: None,
            heavy_service_time: Duration::ZERO,
        });
        let a1 = throttle.admit(&client("a")).unwrap();
        let _a2 = throttle.admit(&client("a")).unwrap();
        let _b1 = throttle.admit(&client("b")).unwrap();
        let rejected = throttle.admit(&client("a")).err().unwrap();
        assert_eq!(retry_after(rejected), Some(1));
        drop(a1);
        assert!(throttle.admit(&client("a")).is_ok());
    }

    #[test]
    fn the_rate_limit_says_how_long_until_the_window_ends() {
        let throttle = Throttle::new(ThrottleConfig {
            max_parallel_per_user: None,
            per_token_window: Some((2, Duration::from_secs(30))),
            heavy_service_time: Duration::ZERO,
        });
        drop(throttle.admit(&client("a")));
        drop(throttle.admit(&client("a")));
        let rejected = throttle.admit(&client("a")).err().unwrap();
        assert_eq!(retry_after(rejected), Some(30));
        assert!(throttle.admit(&client("b")).is_ok());
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1001)), 2);
    }
}
