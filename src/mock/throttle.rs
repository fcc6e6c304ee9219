//! Stage 1, throttling, as the console's reference pages describe it ("Throttling", "Throttling
//! Settings"): requests are counted in groups, and each group has a maximum of parallel
//! requests and a maximum of requests per unit of time; breaking either is a 429 `transport`
//! error. The console does not publish its limits, so [`ThrottleConfig`] is a list of
//! [`ThrottleRule`]s, each a [`ThrottleLimit`] on a [`ThrottleGroup`]:
//!
//! | group | counted together | without a valid bearer token |
//! |---|---|---|
//! | [`ThrottleGroup::All`] | every request to the console | counted too |
//! | [`ThrottleGroup::User`] | the requests of one user (the token's) | by client IP address |
//! | [`ThrottleGroup::Ip`] | the requests from one client IP address | by client IP address |
//! | [`ThrottleGroup::UserAndIp`] | one user's requests from one address | by client IP address |
//!
//! - [`ThrottleLimit::Parallel`]: a request takes a place that it holds until the operation
//!   stage has finished ([`Slot`]); one over the limit is a 429 with `retryAfter: 1`. (The
//!   throttling page says `retryAfter` comes only with the per-time limit; the mock sends it here
//!   too, so the shipped burst case conforms under the default `--retry-after required` reading.
//!   A console that omits it is what `--retry-after optional` is for.)
//! - [`ThrottleLimit::PerTime`]: at most N requests per time unit, counted in fixed periods: a
//!   period opens with the first request counted after the previous one closed. One over is a
//!   429 whose `retryAfter` is the whole seconds until the period closes (the contract's
//!   "seconds until the next throttling period"), at least 1.
//!
//! A request is admitted only when every rule has room for it, and only an admitted request
//! takes a place in any rule: a refused request uses up nothing, so a client that waits the
//! `retryAfter` it was given gets in. The default, one parallel limit of 32 per user, never
//! throttles an ordinary run (at most 32 in flight) while a burst of 100 usage reports, which
//! hold their place for [`ThrottleConfig::heavy_service_time`], is throttled.

use super::error::ApiError;
use super::personality::{Choice, Personality};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(super) const TRIGGERS: &[super::Trigger] = &[super::Trigger {
    code: 429,
    method: "*",
    path: "*",
    trigger: "more requests in flight than a parallel limit allows for the group (by default 32 per user, `retryAfter: 1`; usage reports hold their place 50 ms, so a burst of them does it), or more in one time unit than a per-time limit allows (`retryAfter`: the seconds until the period ends)",
    delivery: super::Delivery::Answer,
}];

/// Which requests a limit counts together: the console's throttling groups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ThrottleGroup {
    /// Every request to the console.
    All,
    /// Per user: the user of the bearer token; a request without a valid token (a login, a
    /// wrong token) by its client IP address.
    User,
    /// Per client IP address.
    Ip,
    /// Per user and client IP address together; without a valid token, by the address.
    UserAndIp,
}

/// What a limit allows a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThrottleLimit {
    /// At most this many requests in flight at once.
    Parallel(usize),
    /// At most `requests` in each period of `per`.
    PerTime { requests: u32, per: Duration },
}

/// One limit on one group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ThrottleRule {
    pub group: ThrottleGroup,
    pub limit: ThrottleLimit,
}

/// The mock console's throttling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleConfig {
    /// Every rule must have room for a request. Empty: throttling is off (the console's
    /// `Throttling:IsDisabled`). Default: [`ThrottleConfig::DEFAULT_RULE`].
    pub rules: Vec<ThrottleRule>,
    /// How long heavy operations ([`super::is_heavy`]) take; default 50 ms.
    pub heavy_service_time: Duration,
}

impl ThrottleConfig {
    /// At most 32 requests in flight per user.
    pub const DEFAULT_RULE: ThrottleRule = ThrottleRule {
        group: ThrottleGroup::User,
        limit: ThrottleLimit::Parallel(32),
    };

    /// No limits at all.
    pub fn disabled() -> ThrottleConfig {
        ThrottleConfig::only([])
    }

    /// These limits and no others, e.g. a staging console's ten requests per second per user:
    /// `ThrottleConfig::only([(ThrottleGroup::User, ThrottleLimit::PerTime { requests: 10, per:
    /// Duration::from_secs(1) })])`.
    pub fn only(rules: impl IntoIterator<Item = (ThrottleGroup, ThrottleLimit)>) -> ThrottleConfig {
        ThrottleConfig {
            rules: Vec::new(),
            ..ThrottleConfig::default()
        }
        .with_all(rules)
    }

    /// One more limit, beside those already there.
    pub fn with(self, group: ThrottleGroup, limit: ThrottleLimit) -> ThrottleConfig {
        self.with_all([(group, limit)])
    }

    fn with_all(
        mut self,
        rules: impl IntoIterator<Item = (ThrottleGroup, ThrottleLimit)>,
    ) -> ThrottleConfig {
        self.rules.extend(
            rules
                .into_iter()
                .map(|(group, limit)| ThrottleRule { group, limit }),
        );
        self
    }
}

impl Default for ThrottleConfig {
    fn default() -> ThrottleConfig {
        ThrottleConfig {
            rules: vec![ThrottleConfig::DEFAULT_RULE],
            heavy_service_time: Duration::from_millis(50),
        }
    }
}

pub struct Throttle {
    config: ThrottleConfig,
    /// Whether a parallel limit's 429 leaves `retryAfter` out ([`Choice::RetryAfterOnlyPerTime`]).
    retry_after_only_per_time: bool,
    inner: Mutex<Counters>,
}

/// Counters per rule (its index in the configuration) and group key.
type Key = (usize, String);

#[derive(Default)]
struct Counters {
    in_flight: HashMap<Key, usize>,
    periods: HashMap<Key, Period>,
}

struct Period {
    started: Instant,
    count: u32,
}

/// Periods are forgotten once closed, when more than this many are kept.
const PURGE_ABOVE: usize = 4096;

/// Who a request is counted as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Client {
    /// The user of a valid bearer token.
    pub user: Option<String>,
    pub ip: IpAddr,
}

impl Client {
    /// The counter this client shares in a group.
    fn key(&self, group: ThrottleGroup) -> String {
        match (group, &self.user) {
            (ThrottleGroup::All, _) => "all".to_string(),
            (ThrottleGroup::User, Some(user)) => format!("user:{user}"),
            (ThrottleGroup::UserAndIp, Some(user)) => format!("user:{user}@{}", self.ip),
            (ThrottleGroup::Ip | ThrottleGroup::User | ThrottleGroup::UserAndIp, _) => {
                format!("ip:{}", self.ip)
            }
        }
    }
}

/// The parallel places a request holds, given back when dropped.
pub struct Slot<'a> {
    throttle: &'a Throttle,
    held: Vec<Key>,
}

impl Drop for Slot<'_> {
    fn drop(&mut self) {
        if self.held.is_empty() {
            return;
        }
        let mut counters = self.throttle.counters();
        for key in self.held.drain(..) {
            if let Some(n) = counters.in_flight.get_mut(&key) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    counters.in_flight.remove(&key);
                }
            }
        }
    }
}

impl Throttle {
    #[cfg(test)]
    pub fn new(config: ThrottleConfig) -> Throttle {
        Throttle::as_personality(config, Personality::Standard)
    }

    /// The throttle of a console of `personality`. Throttling off by default
    /// ([`Choice::NoDefaultThrottling`]) applies to the default configuration only, so that
    /// limits configured explicitly still show how the personality answers a 429.
    pub fn as_personality(config: ThrottleConfig, personality: Personality) -> Throttle {
        let config = if personality.picks(Choice::NoDefaultThrottling)
            && config == ThrottleConfig::default()
        {
            ThrottleConfig::disabled()
        } else {
            config
        };
        Throttle {
            config,
            retry_after_only_per_time: personality.picks(Choice::RetryAfterOnlyPerTime),
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

    /// The stage: a slot, or a 429 saying how long to wait.
    pub fn admit(&self, client: &Client) -> Result<Slot<'_>, ApiError> {
        let mut slot = Slot {
            throttle: self,
            held: Vec::new(),
        };
        if self.config.rules.is_empty() {
            return Ok(slot);
        }
        let now = Instant::now();
        let keys: Vec<Key> = (self.config.rules.iter().enumerate())
            .map(|(i, rule)| (i, client.key(rule.group)))
            .collect();
        let mut counters = self.counters();
        // First every rule must have room; nothing is counted for a refused request.
        let mut refused = false;
        let mut wait: Option<u64> = None;
        for (rule, key) in self.config.rules.iter().zip(&keys) {
            let (full, seconds) = match rule.limit {
                ThrottleLimit::Parallel(max) => {
                    let full = counters.in_flight.get(key).copied().unwrap_or(0) >= max;
                    (full, (full && !self.retry_after_only_per_time).then_some(1))
                }
                ThrottleLimit::PerTime { requests, per } => {
                    let seconds = counters
                        .periods
                        .get(key)
                        .filter(|p| now.duration_since(p.started) < per && p.count >= requests)
                        .map(|p| whole_seconds((p.started + per).saturating_duration_since(now)));
                    (seconds.is_some(), seconds)
                }
            };
            refused |= full;
            wait = wait.max(seconds);
        }
        if refused {
            return Err(ApiError::throttled(wait));
        }
        if counters.periods.len() > PURGE_ABOVE {
            let rules = &self.config.rules;
            counters.periods.retain(|(i, _), p| match rules[*i].limit {
                ThrottleLimit::PerTime { per, .. } => now.duration_since(p.started) < per,
                ThrottleLimit::Parallel(_) => false,
            });
        }
        for (rule, key) in self.config.rules.iter().zip(keys) {
            match rule.limit {
                ThrottleLimit::Parallel(_) => {
                    *counters.in_flight.entry(key.clone()).or_insert(0) += 1;
                    slot.held.push(key);
                }
                ThrottleLimit::PerTime { per, .. } => {
                    let period = counters.periods.entry(key).or_insert(Period {
                        started: now,
                        count: 0,
                    });
                    if now.duration_since(period.started) >= per {
                        *period = Period {
                            started: now,
                            count: 0,
                        };
                    }
                    period.count = period.count.saturating_add(1);
                }
            }
        }
        Ok(slot)
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
    use ThrottleGroup::{All, Ip, User, UserAndIp};

    const PER_30_S: ThrottleLimit = ThrottleLimit::PerTime {
        requests: 1,
        per: Duration::from_secs(30),
    };

    fn client(user: Option<&str>, ip: [u8; 4]) -> Client {
        Client {
            user: user.map(str::to_string),
            ip: IpAddr::from(ip),
        }
    }

    fn user(name: &str) -> Client {
        client(Some(name), [127, 0, 0, 1])
    }

    fn retry_after(result: Result<Slot<'_>, ApiError>) -> Option<u64> {
        match result {
            Ok(_) => None,
            Err(ApiError::Vspc(e)) if e.code == 429 => e.retry_after,
            Err(other) => panic!("not a 429: {other:?}"),
        }
    }

    #[test]
    fn each_group_counts_together_exactly_the_requests_the_console_groups() {
        let (alice, bob) = (Some("alice"), Some("bob"));
        let (here, there) = ([10, 0, 0, 1], [10, 0, 0, 2]);
        // (group, first request, second request, whether they share the group's counter)
        let table = [
            (All, client(alice, here), client(bob, there), true),
            (All, client(None, here), client(alice, there), true),
            (User, client(alice, here), client(alice, there), true),
            (User, client(alice, here), client(bob, here), false),
            (User, client(None, here), client(None, here), true),
            (User, client(None, here), client(None, there), false),
            (Ip, client(alice, here), client(bob, here), true),
            (Ip, client(alice, here), client(alice, there), false),
            (UserAndIp, client(alice, here), client(alice, here), true),
            (UserAndIp, client(alice, here), client(alice, there), false),
            (UserAndIp, client(alice, here), client(bob, here), false),
            (UserAndIp, client(None, here), client(None, here), true),
        ];
        for limit in [ThrottleLimit::Parallel(1), PER_30_S] {
            for (group, first, second, shared) in &table {
                let throttle = Throttle::new(ThrottleConfig::only([(*group, limit)]));
                let _held = throttle.admit(first).unwrap();
                let refused = retry_after(throttle.admit(second)).is_some();
                assert_eq!(
                    refused, *shared,
                    "{limit:?} on {group:?}: {first:?} then {second:?}"
                );
            }
        }
    }

    #[test]
    fn the_parallel_limit_counts_places_until_they_are_given_back() {
        let throttle = Throttle::new(ThrottleConfig::only([(User, ThrottleLimit::Parallel(2))]));
        let a1 = throttle.admit(&user("a")).unwrap();
        let _a2 = throttle.admit(&user("a")).unwrap();
        let _b1 = throttle.admit(&user("b")).unwrap();
        assert_eq!(retry_after(throttle.admit(&user("a"))), Some(1));
        drop(a1);
        let _a3 = throttle.admit(&user("a")).unwrap();
        assert_eq!(retry_after(throttle.admit(&user("a"))), Some(1));
    }

    #[test]
    fn the_per_time_limit_says_how_long_until_the_period_ends() {
        let limit = ThrottleLimit::PerTime {
            requests: 2,
            per: Duration::from_secs(30),
        };
        let throttle = Throttle::new(ThrottleConfig::only([(User, limit)]));
        // A place in a per-time limit is used up when admitted, not when the answer is sent.
        drop(throttle.admit(&user("a")));
        drop(throttle.admit(&user("a")));
        assert_eq!(retry_after(throttle.admit(&user("a"))), Some(30));
        assert!(throttle.admit(&user("b")).is_ok());
        assert_eq!(whole_seconds(Duration::from_millis(1)), 1);
        assert_eq!(whole_seconds(Duration::from_millis(1001)), 2);
        assert_eq!(whole_seconds(Duration::ZERO), 1);
    }

    #[test]
    fn a_new_period_opens_once_the_last_one_has_closed() {
        let per = Duration::from_millis(100);
        let limit = ThrottleLimit::PerTime { requests: 1, per };
        let throttle = Throttle::new(ThrottleConfig::only([(Ip, limit)]));
        assert!(throttle.admit(&user("a")).is_ok());
        assert_eq!(retry_after(throttle.admit(&user("a"))), Some(1));
        std::thread::sleep(per + Duration::from_millis(20));
        assert!(throttle.admit(&user("a")).is_ok());
        assert_eq!(retry_after(throttle.admit(&user("a"))), Some(1));
    }

    #[test]
    fn every_rule_must_have_room_and_a_refused_request_uses_up_nothing() {
        let config = ThrottleConfig::only([(User, ThrottleLimit::Parallel(1))]).with(
            All,
            ThrottleLimit::PerTime {
                requests: 2,
                per: Duration::from_secs(30),
            },
        );
        let throttle = Throttle::new(config);
        let held = throttle.admit(&user("a")).unwrap();
        // Refused by the parallel limit: not counted in the per-time limit either.
        for _ in 0..5 {
            assert_eq!(retry_after(throttle.admit(&user("a"))), Some(1));
        }
        drop(held);
        // Still one place left in this period, for anyone.
        let _b = throttle.admit(&user("b")).unwrap();
        // Both limits refuse now: the longer wait is the one said.
        assert_eq!(retry_after(throttle.admit(&user("b"))), Some(30));
        assert_eq!(retry_after(throttle.admit(&user("c"))), Some(30));
    }

    #[test]
    fn the_default_is_32_in_flight_per_user_and_disabled_has_no_limit() {
        let throttle = Throttle::new(ThrottleConfig::default());
        let held: Vec<_> = (0..32)
            .map(|_| throttle.admit(&user("a")).unwrap())
            .collect();
        assert_eq!(retry_after(throttle.admit(&user("a"))), Some(1));
        assert!(throttle.admit(&user("b")).is_ok());
        drop(held);
        let off = Throttle::new(ThrottleConfig::disabled());
        let held: Vec<_> = (0..1000).map(|_| off.admit(&user("a")).unwrap()).collect();
        assert_eq!(held.len(), 1000);
    }
}
