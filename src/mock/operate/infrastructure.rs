//! Infrastructure the console manages beyond agents: Veeam ONE servers (7000 when one is too
//! old for what is asked) and the failover plans of backup servers (9000 for a failover to a
//! point in time that has not come yet). Failovers are long operations (202 and an async
//! action).

use super::{Cx, data};
use crate::mock::error::{ApiError, Reply};
use crate::mock::state::{self, Kind, Plan};
use crate::mock::{Delivery, Trigger};
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

const START_FAILOVER: &str = "/infrastructure/backupServers/failoverplans/{planUid}/start";

/// Veeam ONE servers older than this major version cannot take alarm options or report data.
const MINIMUM_VONE_MAJOR: u64 = 12;

pub(super) const TRIGGERS: &[Trigger] = &[
    Trigger {
        code: 7000,
        method: "PUT",
        path: "/infrastructure/voneServers/{vOneServerUid}/settings",
        trigger: "a Veeam ONE server older than 12 (`outdatedVOneServerUid`)",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 7000,
        method: "POST",
        path: "/infrastructure/voneServers/{vOneServerUid}/collect",
        trigger: "a data collection from a Veeam ONE server older than 12",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 9000,
        method: "POST",
        path: START_FAILOVER,
        trigger: "a `dateTime` (3.5.1: `date-time`) later than now",
        delivery: Delivery::Answer,
    },
    Trigger {
        code: 400,
        method: "POST",
        path: START_FAILOVER,
        trigger: "a `dateTime` that is no date (`parameterName: dateTime`): the spec's format check from 3.6 on; 3.5.1 declares the parameter as `date-time`, and the mock still reads a `dateTime` and refuses it here",
        delivery: Delivery::Answer,
    },
];

pub(super) fn operate(cx: &mut Cx) -> Option<Result<Reply, ApiError>> {
    let result = match (cx.method(), cx.path()) {
        ("PUT", "/infrastructure/voneServers/{vOneServerUid}/settings") => {
            let server = cx.id("vOneServerUid");
            veeam_one_is_current(cx, &server).map(|()| data(Value::Object(cx.body())))
        }
        ("POST", "/infrastructure/voneServers/{vOneServerUid}/collect") => {
            let server = cx.id("vOneServerUid");
            veeam_one_is_current(cx, &server).map(|()| super::empty())
        }
        ("POST", START_FAILOVER) => start_failover(cx),
        _ => return None,
    };
    Some(result)
}

/// A Veeam ONE server of version 12 or later.
pub(super) fn veeam_one_is_current(cx: &Cx, server: &str) -> Result<(), ApiError> {
    let version = cx
        .state
        .resource(Kind::VOneServer, server)
        .map(|s| state::text(s, "version").to_string())
        .unwrap_or_default();
    let major: u64 = version
        .split('.')
        .next()
        .and_then(|m| m.parse().ok())
        .unwrap_or(0);
    if major < MINIMUM_VONE_MAJOR {
        return Err(ApiError::custom(
            7000,
            format!(
                "Veeam ONE version is outdated: {version}; version {MINIMUM_VONE_MAJOR} or later is required."
            ),
        ));
    }
    Ok(())
}

/// `POST .../failoverplans/{planUid}/start?dateTime=`: the point in time to fail over to. The
/// 3.5.1 spec names the parameter `date-time`; the mock reads either name, `dateTime` first.
fn start_failover(cx: &mut Cx) -> Result<Reply, ApiError> {
    let plan = cx.id("planUid");
    let date_time = cx.query("dateTime").or_else(|| cx.query("date-time"));
    if let Some(text) = date_time.filter(|t| !t.trim().is_empty()) {
        let at = unix_seconds(text).ok_or_else(|| {
            ApiError::bad_parameter(
                "dateTime",
                "Property value must be a date and time in ISO 8601 format.",
            )
        })?;
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        if at > now {
            return Err(ApiError::custom(
                9000,
                format!("Failover to a future date cannot be performed: {text} is later than now."),
            ));
        }
    }
    cx.start(
        Some(&plan),
        Plan::Succeed(json!({"planUid": plan, "status": "InFailover"})),
    )
}

/// `2025-01-15`, `2025-01-15T09:00:00Z`, `2025-01-15T09:00:00.1234567+02:00` as seconds since
/// the Unix epoch; None when the text is no such date and time.
fn unix_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let (date, time) = match text.split_once(['T', 't', ' ']) {
        Some((date, time)) => (date, Some(time)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let year: i64 = number(parts.next()?, 4)?;
    let month: i64 = number(parts.next()?, 2)?;
    let day: i64 = number(parts.next()?, 2)?;
    if parts.next().is_some() || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    if let Some(time) = time {
        let (clock, offset) = split_offset(time)?;
        let mut fields = clock.split(':');
        let hour: i64 = number(fields.next()?, 2)?;
        let minute: i64 = number(fields.next()?, 2)?;
        let second: i64 = match fields.next() {
            Some(s) => number(s.split('.').next()?, 2)?,
            None => 0,
        };
        if fields.next().is_some() || hour > 23 || minute > 59 || second > 60 {
            return None;
        }
        seconds += hour * 3600 + minute * 60 + second - offset;
    }
    Some(seconds)
}

fn number(text: &str, digits: usize) -> Option<i64> {
    (text.len() == digits && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// `09:00:00+02:00` -> (`09:00:00`, 7200 seconds east of UTC); no offset means UTC.
fn split_offset(time: &str) -> Option<(&str, i64)> {
    if let Some(clock) = time.strip_suffix(['Z', 'z']) {
        return Some((clock, 0));
    }
    match time.rfind(['+', '-']) {
        Some(at) => {
            let (clock, offset) = time.split_at(at);
            let sign = if offset.starts_with('-') { -1 } else { 1 };
            let (hours, minutes) = offset[1..].split_once(':')?;
            Some((
                clock,
                sign * (number(hours, 2)? * 3600 + number(minutes, 2)? * 60),
            ))
        }
        None => Some((time, 0)),
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_8601_dates_become_unix_seconds() {
        assert_eq!(unix_seconds("1970-01-01"), Some(0));
        assert_eq!(unix_seconds("1970-01-02T00:00:00Z"), Some(86_400));
        assert_eq!(unix_seconds("2000-03-01T00:00:00Z"), Some(951_868_800));
        assert_eq!(
            unix_seconds("2025-01-15T09:00:00.0000000+00:00"),
            Some(1_736_931_600)
        );
        assert_eq!(
            unix_seconds("2025-01-15T11:00:00+02:00"),
            unix_seconds("2025-01-15T09:00:00Z")
        );
        for bad in [
            "tomorrow",
            "2025-13-01",
            "2025-1-1",
            "2025-01-15T25:00",
            "2025-01-15T09:00+2",
        ] {
            assert_eq!(unix_seconds(bad), None, "{bad}");
        }
    }
}
