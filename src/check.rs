//! Check: an exchange and a case's expectation become one verdict per check.

use crate::case::{Expectation, ExpectedError};
use crate::contract::{
    Contract, CustomCodeStatus, ErrorType, Readings, RetryAfterReading, status_for_code,
};
use crate::send::Exchange;
use serde::Serialize;
use serde_json::{Map, Value};
use std::fmt;

/// The six checks of the contract, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Check {
    Status,
    Envelope,
    Type,
    Code,
    Field,
    Message,
}

impl Check {
    pub const ALL: [Check; 6] = [
        Check::Status,
        Check::Envelope,
        Check::Type,
        Check::Code,
        Check::Field,
        Check::Message,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Check::Status => "status",
            Check::Envelope => "envelope",
            Check::Type => "type",
            Check::Code => "code",
            Check::Field => "field",
            Check::Message => "message",
        }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A check's verdict. A case conforms when none of its checks fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    Skip,
    /// Allowed by a reading of the contract, but not its canonical form.
    Deviation,
}

/// One check's result: the verdict, and what was expected and seen, as data for every reporter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckResult {
    pub check: Check,
    pub verdict: Verdict,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expected: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<Shown>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A value a check expected or saw, as reports show it: JSON, or a small object kept as its
/// members (the field check's `{"parameterName": "offset"}`). A JSON object is a B-tree node of
/// some 600 bytes however few its members, and a run holds every case's verdicts until its
/// reports are written: two such objects were a third of a passing case's memory.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Json(Value),
    /// A string the contract spells (an error type's name): nothing to allocate.
    Name(&'static str),
    Object(Vec<(&'static str, Value)>),
}

impl Shown {
    /// The value as JSON (objects with their members in key order, as JSON objects have).
    pub fn to_value(&self) -> Value {
        match self {
            Shown::Json(value) => value.clone(),
            Shown::Name(name) => Value::from(*name),
            Shown::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|(name, value)| (name.to_string(), value.clone()))
                    .collect(),
            ),
        }
    }
}

impl Serialize for Shown {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Shown::Json(value) => value.serialize(serializer),
            Shown::Name(name) => serializer.serialize_str(name),
            Shown::Object(_) => self.to_value().serialize(serializer),
        }
    }
}

impl CheckResult {
    fn new(check: Check, verdict: Verdict) -> CheckResult {
        CheckResult {
            check,
            verdict,
            expected: None,
            actual: None,
            note: None,
        }
    }

    fn expected(mut self, value: impl Into<Value>) -> Self {
        self.expected = Some(Shown::Json(value.into()));
        self
    }

    fn actual(mut self, value: impl Into<Value>) -> Self {
        self.actual = Some(Shown::Json(value.into()));
        self
    }

    fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

/// The response as the checks see it: status, content type and body bytes.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
}

impl<'a> From<&'a Exchange> for Observed<'a> {
    fn from(e: &'a Exchange) -> Self {
        Observed {
            status: e.status,
            content_type: e.content_type.as_deref(),
            body: &e.body,
        }
    }
}

/// Evaluates every check of one answer against one expectation. Pure: nothing is printed or
/// sent; the same inputs give the same verdicts.
pub fn check(expect: &Expectation, observed: Observed, readings: Readings) -> Vec<CheckResult> {
    let body: Option<Value> = serde_json::from_slice(observed.body).ok();
    match &expect.error {
        ExpectedError::Vspc { code } => vspc(expect, *code, observed, body.as_ref(), readings),
        ExpectedError::OAuth2 { error } => oauth2(expect, error, observed, body.as_ref()),
    }
}

/// Whether no check failed.
pub fn conforms(results: &[CheckResult]) -> bool {
    results.iter().all(|r| r.verdict != Verdict::Fail)
}

fn vspc(
    expect: &Expectation,
    code: u16,
    observed: Observed,
    body: Option<&Value>,
    readings: Readings,
) -> Vec<CheckResult> {
    let errors = body.and_then(|b| b.get("errors")).and_then(Value::as_array);
    // The error under test: the one with the expected code, else the first.
    let subject = errors.and_then(|list| {
        list.iter()
            .find(|e| e.get("code").and_then(Value::as_i64) == Some(i64::from(code)))
            .or_else(|| list.first())
            .and_then(Value::as_object)
    });
    vec![
        status_check(expect, code, observed.status, subject, readings),
        envelope_check(observed, body),
        type_check(expect, code, subject),
        code_check(code, subject),
        field_check(expect, code, subject, readings),
        message_check(expect, code, subject),
    ]
}

fn status_check(
    expect: &Expectation,
    code: u16,
    actual: u16,
    subject: Option<&Map<String, Value>>,
    readings: Readings,
) -> CheckResult {
    let by_rule = status_for_code(i64::from(code));
    let wanted = expect.status.unwrap_or(by_rule);
    let result = CheckResult::new(Check::Status, Verdict::Pass)
        .expected(wanted)
        .actual(actual);
    if actual != wanted {
        let custom = code >= 1000 && expect.status.is_none();
        if custom
            && readings.custom_code_status == CustomCodeStatus::Allow4xx
            && (400..=499).contains(&actual)
        {
            return CheckResult { verdict: Verdict::Deviation, ..result }.note(format!(
                "custom code {code} travelled with {actual}; the 3.7 spec sends custom codes as 520 (allowed by --custom-code-status 520-or-4xx)"
            ));
        }
        let note = match actual {
            500..=519 | 521..=599 => format!(
                "server errors travel as 520 on the wire, never {actual} (VSPC 5.0+ / API 3.1+)"
            ),
            _ => format!("code {code} travels with HTTP {wanted}"),
        };
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note(note);
    }
    // The body's own code must agree with the status it came with, even if the case did not ask.
    if expect.status.is_none()
        && let Some(body_code) = subject.and_then(|s| s.get("code")).and_then(Value::as_i64)
    {
        let rule = status_for_code(body_code);
        let lenient = body_code >= 1000
            && readings.custom_code_status == CustomCodeStatus::Allow4xx
            && (400..=499).contains(&actual);
        if rule != actual && !lenient {
            return CheckResult { verdict: Verdict::Fail, ..result }.note(format!(
                "the body's code {body_code} travels with HTTP {rule} under the status rule, but came with {actual}"
            ));
        }
    }
    result
}

fn is_json_media_type(content_type: Option<&str>) -> Result<bool, String> {
    let Some(ct) = content_type else {
        return Err("no Content-Type".to_string());
    };
    let media = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if media == "application/json" {
        Ok(true)
    } else if media.starts_with("application/") && media.ends_with("+json") {
        Ok(false)
    } else {
        Err(format!("Content-Type is {ct}, not application/json"))
    }
}

fn envelope_check(observed: Observed, body: Option<&Value>) -> CheckResult {
    let fail = |note: String| CheckResult::new(Check::Envelope, Verdict::Fail).note(note);
    if observed.body.iter().all(u8::is_ascii_whitespace) {
        return fail("the body is empty".into());
    }
    let Some(body) = body else {
        return fail(format!("the body is not JSON: {}", excerpt(observed.body)));
    };
    let media = match is_json_media_type(observed.content_type) {
        Ok(media) => media,
        Err(note) => return fail(note),
    };
    if body.get("errors").is_none() {
        if let Some(error) = body.get("error") {
            if let Some(kind) = error.as_str() {
                return fail(format!("an OAuth2 error (`{kind}`), not the VSPC envelope"));
            }
            let what = error.get("code").and_then(Value::as_str).unwrap_or("error");
            let message = error.get("message").and_then(Value::as_str).unwrap_or("");
            return fail(format!(
                "a foreign error object ({what}: {message}), not the VSPC envelope"
            ));
        }
    }
    let violations = Contract::get().envelope_violations(body);
    if !violations.is_empty() {
        let shown: Vec<&str> = violations.iter().take(3).map(String::as_str).collect();
        return fail(format!("not a VSPC error envelope: {}", shown.join("; ")));
    }
    if !media {
        return CheckResult::new(Check::Envelope, Verdict::Deviation).note(format!(
            "Content-Type {} is a JSON type, but not application/json",
            observed.content_type.unwrap_or("")
        ));
    }
    CheckResult::new(Check::Envelope, Verdict::Pass)
}

fn no_subject(check: Check) -> CheckResult {
    CheckResult::new(check, Verdict::Skip).note("no error object in the body to check")
}

fn type_check(
    expect: &Expectation,
    code: u16,
    subject: Option<&Map<String, Value>>,
) -> CheckResult {
    let Some(subject) = subject else {
        return no_subject(Check::Type);
    };
    let wanted = expect
        .error_type
        .or_else(|| Contract::get().code(code).and_then(|c| c.usual_type));
    let mut result = CheckResult::new(Check::Type, Verdict::Pass);
    if let Some(wanted) = wanted {
        result.expected = Some(Shown::Name(wanted.as_str()));
    }
    let Some(actual) = subject.get("type") else {
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("the error has no `type`");
    };
    // A type spelt as the spec enum spells it is shown by that name, without a copy.
    let canonical = ErrorType::ALL
        .into_iter()
        .map(ErrorType::as_str)
        .find(|name| actual.as_str() == Some(*name));
    result.actual = Some(match canonical {
        Some(name) => Shown::Name(name),
        None => Shown::Json(actual.clone()),
    });
    let Some(text) = actual.as_str() else {
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("`type` is not a string");
    };
    let Some(parsed) = ErrorType::parse(text) else {
        let names = ErrorType::ALL.map(ErrorType::as_str).join(", ");
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note(format!("`{text}` is not an error type ({names})"));
    };
    if let Some(wanted) = wanted
        && parsed != wanted
    {
        let note = match expect.error_type {
            Some(_) => format!("the case expects type `{wanted}`"),
            None => format!("the catalogue gives code {code} type `{wanted}`"),
        };
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note(note);
    }
    if text != parsed.as_str() {
        return CheckResult {
            verdict: Verdict::Deviation,
            ..result
        }
        .note(format!(
            "spelt `{text}`; the spec enum spells `{}`",
            parsed.as_str()
        ));
    }
    if wanted.is_none() {
        return result.note(format!(
            "the catalogue fixes no type for {code}; any known type passes"
        ));
    }
    result
}

fn code_check(code: u16, subject: Option<&Map<String, Value>>) -> CheckResult {
    let Some(subject) = subject else {
        return no_subject(Check::Code);
    };
    let result = CheckResult::new(Check::Code, Verdict::Pass).expected(code);
    match subject.get("code") {
        None => CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("the error has no `code`"),
        Some(actual) if actual.as_i64() == Some(i64::from(code)) => result.actual(actual.clone()),
        Some(actual @ Value::String(_)) => CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .actual(actual.clone())
        .note("`code` is a string; the contract's code is an integer"),
        Some(actual) => CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .actual(actual.clone()),
    }
}

fn field_check(
    expect: &Expectation,
    code: u16,
    subject: Option<&Map<String, Value>>,
    readings: Readings,
) -> CheckResult {
    let Some(subject) = subject else {
        return no_subject(Check::Field);
    };
    let named = |member: &str| subject.get(member).cloned();
    let (parameter, property) = (named("parameterName"), named("propertyName"));
    let shown: Vec<(&'static str, Value)> =
        [("parameterName", &parameter), ("propertyName", &property)]
            .into_iter()
            .filter_map(|(member, value)| Some((member, value.clone()?)))
            .collect();
    let mut result = CheckResult::new(Check::Field, Verdict::Pass);
    if !shown.is_empty() {
        result.actual = Some(Shown::Object(shown));
    }
    if parameter.is_some() && property.is_some() {
        return CheckResult { verdict: Verdict::Fail, ..result }
            .note("both `parameterName` and `propertyName`; propertyName replaces parameterName, never both");
    }
    if let Some(field) = &expect.field {
        result.expected = Some(Shown::Object(vec![(
            field.member(),
            Value::from(field.value()),
        )]));
        let actual = subject.get(field.member()).and_then(Value::as_str);
        if actual != Some(field.value()) {
            let other = if field.member() == "parameterName" {
                &property
            } else {
                &parameter
            };
            let note = match (actual, other) {
                (Some(a), _) => format!("names `{a}`, not `{}`", field.value()),
                (None, Some(_)) => format!(
                    "names the wrong kind of input: expected `{}`",
                    field.member()
                ),
                (None, None) => format!("no `{}`", field.member()),
            };
            return CheckResult {
                verdict: Verdict::Fail,
                ..result
            }
            .note(note);
        }
    }
    // Members the catalogue requires for the code: each rule wants exactly one of its names.
    let Some(info) = Contract::get().code(code) else {
        return result;
    };
    for rule in &info.members {
        let present: Vec<&String> = rule
            .one_of
            .iter()
            .filter(|m| subject.contains_key(m.as_str()))
            .collect();
        if present.is_empty() {
            let names = rule.one_of.join("` or `");
            if rule.one_of.iter().any(|m| m == "retryAfter")
                && readings.retry_after == RetryAfterReading::Optional
            {
                return CheckResult { verdict: Verdict::Deviation, ..result }
                    .note("no `retryAfter` (allowed by --retry-after optional: the throttling page says it may be present)");
            }
            return CheckResult {
                verdict: Verdict::Fail,
                ..result
            }
            .expected(serde_json::json!({ "member": rule.one_of }))
            .note(format!(
                "a {code} error carries `{names}`; this one has none"
            ));
        }
    }
    result
}

fn message_check(
    expect: &Expectation,
    code: u16,
    subject: Option<&Map<String, Value>>,
) -> CheckResult {
    let Some(subject) = subject else {
        return no_subject(Check::Message);
    };
    let mut result = CheckResult::new(Check::Message, Verdict::Pass);
    if let Some(pattern) = &expect.message {
        result = result.expected(format!("/{}/", pattern.as_str()));
    }
    let Some(actual) = subject.get("message") else {
        if code == 429 && expect.message.is_none() {
            return CheckResult {
                verdict: Verdict::Deviation,
                ..result
            }
            .note("no `message`, as in the documented 429 example");
        }
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("the error has no `message`");
    };
    result = result.actual(actual.clone());
    let Some(text) = actual.as_str() else {
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("`message` is not a string");
    };
    if text.trim().is_empty() {
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("`message` is empty");
    }
    if let Some(pattern) = &expect.message
        && !pattern.is_match(text)
    {
        return CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("the message does not match");
    }
    result
}

fn oauth2(
    expect: &Expectation,
    error: &str,
    observed: Observed,
    body: Option<&Value>,
) -> Vec<CheckResult> {
    let wanted = expect.status.unwrap_or(400);
    let mut status = CheckResult::new(Check::Status, Verdict::Pass)
        .expected(wanted)
        .actual(observed.status);
    if observed.status != wanted {
        status = CheckResult {
            verdict: Verdict::Fail,
            ..status
        }
        .note("POST /token answers OAuth2 errors with 400");
    }
    let envelope = oauth2_envelope(observed, body);
    let object = body
        .and_then(Value::as_object)
        .filter(|o| o.contains_key("error"));
    let not_applicable = |check| {
        CheckResult::new(check, Verdict::Skip).note("OAuth2 errors carry no VSPC type or field")
    };
    let (code, message) = match object {
        None => (no_subject(Check::Code), no_subject(Check::Message)),
        Some(o) => {
            let actual = o.get("error").cloned().unwrap_or(Value::Null);
            let mut code = CheckResult::new(Check::Code, Verdict::Pass)
                .expected(error)
                .actual(actual.clone());
            if actual.as_str() != Some(error) {
                code = CheckResult {
                    verdict: Verdict::Fail,
                    ..code
                };
            }
            (code, oauth2_description(expect, o))
        }
    };
    vec![
        status,
        envelope,
        not_applicable(Check::Type),
        code,
        not_applicable(Check::Field),
        message,
    ]
}

fn oauth2_envelope(observed: Observed, body: Option<&Value>) -> CheckResult {
    let fail = |note: String| CheckResult::new(Check::Envelope, Verdict::Fail).note(note);
    if observed.body.iter().all(u8::is_ascii_whitespace) {
        return fail("the body is empty".into());
    }
    let Some(body) = body else {
        return fail(format!("the body is not JSON: {}", excerpt(observed.body)));
    };
    if let Err(note) = is_json_media_type(observed.content_type) {
        return fail(note);
    }
    if body.get("errors").is_some() {
        return fail("a VSPC error envelope; POST /token answers with the OAuth2 shape {\"error\", \"error_description\"}".into());
    }
    let violations = Contract::get().oauth2_violations(body);
    if !violations.is_empty() {
        return fail(format!("not an OAuth2 error: {}", violations.join("; ")));
    }
    CheckResult::new(Check::Envelope, Verdict::Pass)
}

fn oauth2_description(expect: &Expectation, object: &Map<String, Value>) -> CheckResult {
    let mut result = CheckResult::new(Check::Message, Verdict::Pass);
    if let Some(pattern) = &expect.message {
        result = result.expected(format!("/{}/", pattern.as_str()));
    }
    match object.get("error_description").and_then(Value::as_str) {
        Some(text) => {
            result = result.actual(text);
            if let Some(pattern) = &expect.message
                && !pattern.is_match(text)
            {
                return CheckResult {
                    verdict: Verdict::Fail,
                    ..result
                }
                .note("the description does not match");
            }
            result
        }
        None if expect.message.is_some() => CheckResult {
            verdict: Verdict::Fail,
            ..result
        }
        .note("no `error_description`"),
        None => CheckResult {
            verdict: Verdict::Deviation,
            ..result
        }
        .note("no `error_description` (optional in RFC 6749)"),
    }
}

/// The start of a body, for notes: one line, at most 80 characters.
fn excerpt(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() > 80 {
        format!("`{}…`", line.chars().take(80).collect::<String>())
    } else {
        format!("`{line}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::{Field, MessagePattern};

    fn expect(code: u16) -> Expectation {
        Expectation {
            error: ExpectedError::Vspc { code },
            status: None,
            error_type: None,
            field: None,
            message: None,
            lines: Default::default(),
        }
    }

    fn run(expect: &Expectation, status: u16, content_type: &str, body: &str) -> Vec<CheckResult> {
        run_with(expect, status, content_type, body, Readings::default())
    }

    fn run_with(
        e: &Expectation,
        status: u16,
        ct: &str,
        body: &str,
        r: Readings,
    ) -> Vec<CheckResult> {
        let observed = Observed {
            status,
            content_type: (!ct.is_empty()).then_some(ct),
            body: body.as_bytes(),
        };
        check(e, observed, r)
    }

    fn verdict(results: &[CheckResult], check: Check) -> Verdict {
        results
            .iter()
            .find(|r| r.check == check)
            .map(|r| r.verdict)
            .unwrap_or(Verdict::Skip)
    }

    fn failing(results: &[CheckResult]) -> Vec<Check> {
        results
            .iter()
            .filter(|r| r.verdict == Verdict::Fail)
            .map(|r| r.check)
            .collect()
    }

    const JSON: &str = "application/json; charset=utf-8";
    const OFFSET: &str = r#"{"errors":[{"message":"Property value must be larger or equal to 0.","type":"logical","code":400,"parameterName":"offset"}]}"#;

    fn offset_case() -> Expectation {
        Expectation {
            field: Some(Field::Parameter("offset".into())),
            ..expect(400)
        }
    }

    #[test]
    fn the_documented_400_passes_every_check() {
        let results = run(&offset_case(), 400, JSON, OFFSET);
        assert_eq!(results.len(), 6);
        assert!(
            results.iter().all(|r| r.verdict == Verdict::Pass),
            "{results:#?}"
        );
    }

    #[test]
    fn status_fails_on_500_on_the_wire_and_passes_520() {
        let body = r#"{"errors":[{"message":"Unspecified cause of error.","type":"unspecified","code":500}]}"#;
        assert_eq!(
            verdict(&run(&expect(500), 520, JSON, body), Check::Status),
            Verdict::Pass
        );
        let results = run(&expect(500), 500, JSON, body);
        assert_eq!(failing(&results), vec![Check::Status]);
        assert!(results[0].note.as_deref().unwrap_or("").contains("520"));
    }

    #[test]
    fn a_custom_code_with_a_4xx_status_fails_unless_the_lenient_reading_is_chosen() {
        let body = r#"{"errors":[{"message":"x","type":"logical","code":1500}]}"#;
        assert_eq!(
            failing(&run(&expect(1500), 400, JSON, body)),
            vec![Check::Status]
        );
        let lenient = Readings {
            custom_code_status: CustomCodeStatus::Allow4xx,
            ..Readings::default()
        };
        let results = run_with(&expect(1500), 400, JSON, body, lenient);
        assert_eq!(verdict(&results, Check::Status), Verdict::Deviation);
    }

    #[test]
    fn a_body_code_that_disagrees_with_the_status_fails_status_even_unasked() {
        // The case expects 404 and gets 404, but the body says 500: 500 never travels as 404.
        let body = r#"{"errors":[{"message":"x","type":"logical","code":500}]}"#;
        let results = run(&expect(404), 404, JSON, body);
        assert_eq!(verdict(&results, Check::Status), Verdict::Fail);
        assert_eq!(verdict(&results, Check::Code), Verdict::Fail);
    }

    #[test]
    fn a_stated_status_overrides_the_rule() {
        let body = r#"{"errors":[{"message":"x","type":"logical","code":1000}]}"#;
        let e = Expectation {
            status: Some(409),
            ..expect(1000)
        };
        assert_eq!(
            verdict(&run(&e, 409, JSON, body), Check::Status),
            Verdict::Pass
        );
    }

    #[test]
    fn envelope_fails_on_html_text_empty_non_json_and_foreign_shapes() {
        let e = offset_case();
        for (ct, body, note) in [
            ("text/html", OFFSET, "not application/json"),
            ("text/plain", OFFSET, "not application/json"),
            ("text/html", "<html><body>Error</body></html>", "not JSON"),
            (JSON, "", "empty"),
            (JSON, "Internal error", "not JSON"),
            (JSON, r#"{"errors":[]}"#, "not a VSPC error envelope"),
            (
                JSON,
                r#"{"errors":{"code":400}}"#,
                "not a VSPC error envelope",
            ),
            (
                JSON,
                r#"{"error":"invalid_request","error_description":"x"}"#,
                "OAuth2",
            ),
            (
                JSON,
                r#"{"error":{"code":"UnsupportedApiVersion","message":"not supported","innerError":null}}"#,
                "UnsupportedApiVersion",
            ),
        ] {
            let results = run(&e, 400, ct, body);
            let envelope = &results[1];
            assert_eq!(envelope.verdict, Verdict::Fail, "{ct} {body}");
            assert!(
                envelope.note.as_deref().unwrap_or("").contains(note),
                "{:?}",
                envelope.note
            );
        }
    }

    #[test]
    fn envelope_allows_meta_and_data_beside_errors() {
        let body = r#"{"meta":null,"data":{"status":"failed"},"errors":[{"message":"x","type":"logical","code":1050}]}"#;
        assert_eq!(
            verdict(&run(&expect(1050), 520, JSON, body), Check::Envelope),
            Verdict::Pass
        );
    }

    #[test]
    fn type_fails_when_missing_unknown_or_wrong_for_the_code() {
        let missing = r#"{"errors":[{"message":"x","code":401}]}"#;
        let misspelt = r#"{"errors":[{"message":"x","type":"securty","code":401}]}"#;
        let wrong = r#"{"errors":[{"message":"x","type":"logical","code":401}]}"#;
        let right = r#"{"errors":[{"message":"x","type":"security","code":401}]}"#;
        for body in [missing, misspelt, wrong] {
            assert_eq!(
                verdict(&run(&expect(401), 401, JSON, body), Check::Type),
                Verdict::Fail,
                "{body}"
            );
        }
        assert_eq!(
            verdict(&run(&expect(401), 401, JSON, right), Check::Type),
            Verdict::Pass
        );
    }

    #[test]
    fn a_non_canonical_type_spelling_is_a_deviation() {
        let body = r#"{"errors":[{"message":"x","type":"retryablelogical","code":1000}]}"#;
        let e = Expectation {
            error_type: Some(ErrorType::RetryableLogical),
            ..expect(1000)
        };
        let results = run(&e, 520, JSON, body);
        assert_eq!(verdict(&results, Check::Type), Verdict::Deviation);
        assert!(conforms(&results));
    }

    #[test]
    fn code_fails_as_a_string_or_another_number() {
        let string = r#"{"errors":[{"message":"x","type":"logical","code":"404"}]}"#;
        let other = r#"{"errors":[{"message":"x","type":"logical","code":400}]}"#;
        assert_eq!(
            verdict(&run(&expect(404), 404, JSON, string), Check::Code),
            Verdict::Fail
        );
        assert_eq!(
            verdict(&run(&expect(404), 404, JSON, other), Check::Code),
            Verdict::Fail
        );
    }

    #[test]
    fn field_fails_on_both_members_the_wrong_name_or_none() {
        let both = r#"{"errors":[{"message":"x","type":"logical","code":400,"parameterName":"offset","propertyName":"offset"}]}"#;
        let wrong =
            r#"{"errors":[{"message":"x","type":"logical","code":400,"parameterName":"id"}]}"#;
        let none = r#"{"errors":[{"message":"x","type":"logical","code":400}]}"#;
        for body in [both, wrong, none] {
            assert_eq!(
                failing(&run(&offset_case(), 400, JSON, body)),
                vec![Check::Field],
                "{body}"
            );
        }
        // Without an expectation, a 400 must still name one input.
        assert_eq!(
            verdict(&run(&expect(400), 400, JSON, none), Check::Field),
            Verdict::Fail
        );
    }

    #[test]
    fn a_429_needs_retry_after_unless_the_optional_reading_is_chosen() {
        let documented = r#"{"errors":[{"type":"transport","code":429,"retryAfter":25}]}"#;
        let bare = r#"{"errors":[{"type":"transport","code":429,"message":"Too many requests."}]}"#;
        let results = run(&expect(429), 429, JSON, documented);
        assert!(conforms(&results));
        assert_eq!(
            verdict(&results, Check::Message),
            Verdict::Deviation,
            "the documented 429 has no message"
        );
        assert_eq!(
            failing(&run(&expect(429), 429, JSON, bare)),
            vec![Check::Field]
        );
        let optional = Readings {
            retry_after: RetryAfterReading::Optional,
            ..Readings::default()
        };
        assert_eq!(
            verdict(
                &run_with(&expect(429), 429, JSON, bare, optional),
                Check::Field
            ),
            Verdict::Deviation
        );
    }

    #[test]
    fn a_1001_needs_the_failed_json_patch() {
        let without = r#"{"errors":[{"message":"x","type":"logical","code":1001}]}"#;
        assert_eq!(
            failing(&run(&expect(1001), 520, JSON, without)),
            vec![Check::Field]
        );
    }

    #[test]
    fn message_fails_when_missing_empty_or_not_matching() {
        let e = Expectation {
            message: Some(MessagePattern::new(
                regex::Regex::new("(?i)compan").unwrap(),
            )),
            ..expect(404)
        };
        let named = r#"{"errors":[{"message":"Company with UID 'x' does not exist.","type":"logical","code":404}]}"#;
        let unnamed = r#"{"errors":[{"message":"Not found.","type":"logical","code":404}]}"#;
        let empty = r#"{"errors":[{"message":" ","type":"logical","code":404}]}"#;
        let missing = r#"{"errors":[{"type":"logical","code":404}]}"#;
        assert!(conforms(&run(&e, 404, JSON, named)));
        for body in [unnamed, empty, missing] {
            assert_eq!(
                failing(&run(&e, 404, JSON, body)),
                vec![Check::Message],
                "{body}"
            );
        }
    }

    #[test]
    fn without_an_error_object_the_object_checks_are_skipped_not_passed() {
        let results = run(&offset_case(), 400, "text/html", "<html>oops</html>");
        assert_eq!(failing(&results), vec![Check::Envelope]);
        for check in [Check::Type, Check::Code, Check::Field, Check::Message] {
            assert_eq!(verdict(&results, check), Verdict::Skip);
        }
    }

    fn oauth(error: &str) -> Expectation {
        Expectation {
            error: ExpectedError::OAuth2 {
                error: error.into(),
            },
            ..expect(400)
        }
    }

    #[test]
    fn oauth2_errors_are_checked_against_their_own_shape() {
        let good = r#"{"error":"invalid_grant","error_description":"Unknown refresh token.","error_uri":null}"#;
        let results = run(&oauth("invalid_grant"), 400, JSON, good);
        assert!(
            results.iter().all(|r| r.verdict != Verdict::Fail),
            "{results:#?}"
        );
        let vspc = r#"{"errors":[{"message":"x","type":"security","code":400}]}"#;
        assert_eq!(
            failing(&run(&oauth("invalid_grant"), 400, JSON, vspc)),
            vec![Check::Envelope]
        );
        let other = r#"{"error":"invalid_request","error_description":"x"}"#;
        assert_eq!(
            failing(&run(&oauth("invalid_grant"), 400, JSON, other)),
            vec![Check::Code]
        );
        assert_eq!(
            failing(&run(&oauth("invalid_grant"), 401, JSON, good)),
            vec![Check::Status]
        );
    }
}
