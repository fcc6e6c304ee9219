//! Normalized exchanges for insta snapshots: what a reviewer reads in a contract-drift diff.
//! Volatile values (ids, timestamps, retryAfter seconds) and secrets are redacted, and JSON
//! members are sorted, so a diff shows only what changed in the contract.

use super::redact_secrets;
use crate::case::Case;
use crate::exchange::Exchange;
use serde_json::Value;

/// The request (as the case wrote it, variables unresolved) and the response, normalized.
pub fn normalized_exchange(case: &Case, exchange: &Exchange) -> String {
    let query = crate::exchange::query_text(
        exchange
            .request
            .query
            .iter()
            .map(|(k, v)| (k, redact_text(v))),
    );
    let mut out = format!("{} {}{query}", case.request.method, case.request.path);
    out.push_str(&format!(
        "\ncredentials: {}\n",
        case.request.credentials.label()
    ));
    if let Some(ct) = &exchange.request.content_type {
        out.push_str(&format!("content-type: {ct}\n"));
    }
    if let Some(action) = &exchange.async_action {
        // The poll count depends on timing; the path through the action does not.
        out.push_str(&format!(
            "---\nHTTP 202 -> async action -> {}\n",
            action.status
        ));
    }
    out.push_str(&format!("---\nHTTP {}\n", exchange.status));
    out.push_str(&format!(
        "content-type: {}\n",
        exchange.content_type.as_deref().unwrap_or("(none)")
    ));
    if let Some(burst) = &exchange.burst {
        // How many copies were throttled varies run to run; the snapshot keeps what does not.
        out.push_str(&format!("burst: {} sent\n", burst.sent));
    }
    match serde_json::from_slice::<Value>(&exchange.body) {
        Ok(json) => {
            let json = redact_volatile(redact_secrets(json));
            out.push_str(&serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        Err(_) => out.push_str(&redact_text(&String::from_utf8_lossy(&exchange.body))),
    }
    out.push('\n');
    out
}

/// Replaces values that change from run to run.
pub fn redact_volatile(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let v = if k == "retryAfter" && v.is_number() {
                        Value::String("[seconds]".into())
                    } else {
                        redact_volatile(v)
                    };
                    (k, v)
                })
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(redact_volatile).collect()),
        Value::String(s) => Value::String(redact_text(&s)),
        other => other,
    }
}

/// UUIDs become `[uuid]`, ISO 8601 timestamps `[timestamp]`.
pub fn redact_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        if let Some(len) = uuid_at(&chars[i..]) {
            out.push_str("[uuid]");
            i += len;
        } else if let Some(len) = timestamp_at(&chars[i..]) {
            out.push_str("[timestamp]");
            i += len;
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

fn uuid_at(chars: &[char]) -> Option<usize> {
    const GROUPS: [usize; 5] = [8, 4, 4, 4, 12];
    let mut i = 0;
    for (g, len) in GROUPS.iter().enumerate() {
        if g > 0 {
            if chars.get(i) != Some(&'-') {
                return None;
            }
            i += 1;
        }
        for _ in 0..*len {
            if !chars.get(i)?.is_ascii_hexdigit() {
                return None;
            }
            i += 1;
        }
    }
    Some(i)
}

/// `2026-11-25T02:43:00` with optional fraction and zone.
fn timestamp_at(chars: &[char]) -> Option<usize> {
    let pattern = "dddd-dd-ddTdd:dd:dd";
    for (i, p) in pattern.chars().enumerate() {
        let c = *chars.get(i)?;
        let ok = if p == 'd' { c.is_ascii_digit() } else { c == p };
        if !ok {
            return None;
        }
    }
    let mut i = pattern.len();
    if chars.get(i) == Some(&'.') {
        i += 1;
        while chars.get(i).is_some_and(char::is_ascii_digit) {
            i += 1;
        }
    }
    match chars.get(i) {
        Some('Z') => i += 1,
        Some('+') | Some('-') if chars.get(i + 3) == Some(&':') => i += 6,
        _ => {}
    }
    Some(i)
}

/// One sweep rule's answers grouped by shape (status, code, type, field, message with volatile
/// parts redacted), each group listing its operations: a console that answers two operations
/// differently shows up as a new small group, not as thousands of changed files.
pub fn sweep_groups(rule: &str, reports: &[crate::run::CaseReport]) -> String {
    use crate::run::Outcome;
    use std::collections::BTreeMap;
    let mut groups: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for report in reports {
        let Some(operation) = report.case.operation() else {
            continue;
        };
        let shape = match (&report.outcome, &report.exchange) {
            (Outcome::Skipped(reason), _) => format!("skipped: {reason}"),
            (Outcome::Inconclusive(why), _) => format!("inconclusive: {why}"),
            (Outcome::Error(reason), _) => format!("error: {}", redact_text(reason)),
            (_, Some(exchange)) => shape(exchange),
            (_, None) => "no exchange".to_string(),
        };
        groups.entry(shape).or_default().push(operation);
    }
    let mut ordered: Vec<(String, Vec<&str>)> = groups.into_iter().collect();
    ordered.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then_with(|| a.0.cmp(&b.0)));
    let total: usize = ordered.iter().map(|(_, ops)| ops.len()).sum();
    let mut out = format!(
        "sweep::{rule}: {total} cases, {} answer shape{}\n",
        ordered.len(),
        if ordered.len() == 1 { "" } else { "s" }
    );
    for (shape, operations) in ordered {
        out.push_str(&format!("\n[{}] {shape}\n", operations.len()));
        for op in operations {
            out.push_str(&format!("  {op}\n"));
        }
    }
    out
}

/// `HTTP 400 · code 400 · logical · parameterName=offset · "Property value must be ..."`
fn shape(exchange: &Exchange) -> String {
    let mut parts = vec![format!("HTTP {}", exchange.status)];
    let media = exchange
        .content_type
        .as_deref()
        .unwrap_or("(no content type)");
    let json: Option<Value> = serde_json::from_slice(&exchange.body).ok();
    let error = json
        .as_ref()
        .and_then(|b| b.get("errors")?.get(0))
        .and_then(Value::as_object);
    match (json.as_ref(), error) {
        (_, Some(error)) => {
            if !media.starts_with("application/json") {
                parts.push(media.to_string());
            }
            let show = |v: &Value| match v {
                Value::String(s) => redact_text(s),
                other => other.to_string(),
            };
            if let Some(code) = error.get("code") {
                parts.push(format!("code {}", show(code)));
            }
            if let Some(t) = error.get("type") {
                parts.push(show(t));
            }
            for member in ["parameterName", "propertyName"] {
                if let Some(v) = error.get(member) {
                    parts.push(format!("{member}={}", show(v)));
                }
            }
            if error.contains_key("retryAfter") {
                parts.push("retryAfter".into());
            }
            if let Some(m) = error.get("message") {
                parts.push(format!("\"{}\"", show(m)));
            }
        }
        (Some(other), None) => {
            parts.push(media.to_string());
            let text = redact_volatile(redact_secrets(other.clone())).to_string();
            parts.push(text.chars().take(120).collect());
        }
        (None, None) => {
            parts.push(media.to_string());
            let text = redact_text(&String::from_utf8_lossy(&exchange.body));
            let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            parts.push(format!(
                "body: {}",
                line.chars().take(80).collect::<String>()
            ));
        }
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn ids_timestamps_and_retry_after_are_redacted() {
        let text =
            "Company with UID '3f2c9a4e-1b2c-4d5e-8f90-0123456789ab' at 2026-11-25T02:43:00.123Z";
        assert_eq!(
            redact_text(text),
            "Company with UID '[uuid]' at [timestamp]"
        );
        let body = json!({"errors":[{"type":"transport","code":429,"retryAfter":25}]});
        assert_eq!(
            redact_volatile(body),
            json!({"errors":[{"type":"transport","code":429,"retryAfter":"[seconds]"}]})
        );
    }
}
