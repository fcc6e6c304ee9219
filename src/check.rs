//! Check: an exchange and a case's expectation become one verdict per check.

pub use crate::contract::Check;

use crate::case::{Claim, Expectation, ExpectedError};
use crate::contract::{
    ApiVersion, CodeInfo, Contract, ErrorType, OAUTH2_ERRORS, Readings, Route, Source,
    TrailingSlash, fact, status_for_code,
};
use crate::exchange::Exchange;
use serde::Serialize;
use serde_json::{Map, Value};

/// A check's verdict. A case conforms when none of its checks fails. Reports spell it `pass`,
/// `fail`, `skip`, `deviation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
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
    /// The fact a failed or deviating check rests on, and how firm it is.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
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
            source: None,
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

/// The response as the checks see it, and the request it answered: status, content type, body
/// bytes, and the method and path the 404 rule reads.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub status: u16,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
    pub method: &'a str,
    /// The path as sent, under `/api/v3`; empty when unknown.
    pub path: &'a str,
}

impl<'a> From<&'a Exchange> for Observed<'a> {
    fn from(e: &'a Exchange) -> Self {
        Observed {
            status: e.status,
            content_type: e.content_type.as_deref(),
            body: &e.body,
            method: &e.request.method,
            path: &e.request.path,
        }
    }
}

/// Evaluates every check of one answer against one expectation. Pure: nothing is printed or
/// sent; the same inputs give the same verdicts.
pub fn check(expect: &Expectation, observed: Observed, readings: Readings) -> Vec<CheckResult> {
    let body: Option<Value> = serde_json::from_slice(observed.body).ok();
    let judge = Judge {
        expect,
        readings,
        observed,
    };
    if (200..=299).contains(&observed.status) {
        return judge.success();
    }
    match &expect.error {
        ExpectedError::Vspc { code } => judge.vspc(*code, body.as_ref()),
        ExpectedError::OAuth2 { accepted } => judge.oauth2(accepted, body.as_ref()),
    }
}

/// Whether no check failed.
pub fn conforms(results: &[CheckResult]) -> bool {
    results.iter().all(|r| r.verdict != Verdict::Fail)
}

/// What a failed or deviating check rests on: shown next to its verdict in every report.
fn ruled(result: CheckResult, verdict: Verdict, source: &Source) -> CheckResult {
    CheckResult {
        verdict,
        source: Some(source.clone()),
        ..result
    }
}

/// One answer under judgement.
struct Judge<'a> {
    expect: &'a Expectation,
    readings: Readings,
    observed: Observed<'a>,
}

impl Judge<'_> {
    /// A mismatch of `source`: a failure when the contract is firm enough, else a deviation.
    fn mismatch(&self, result: CheckResult, source: &Source) -> CheckResult {
        let verdict = if self.readings.fails(source) {
            Verdict::Fail
        } else {
            Verdict::Deviation
        };
        ruled(result, verdict, source)
    }

    fn fail(&self, result: CheckResult, source: &Source) -> CheckResult {
        ruled(result, Verdict::Fail, source)
    }

    fn deviation(&self, result: CheckResult, source: &Source) -> CheckResult {
        ruled(result, Verdict::Deviation, source)
    }

    fn source(&self, claim: Claim) -> &Source {
        self.expect.sources.of(claim)
    }

    /// A 2xx: the console did not refuse the request. That breaks the case's claim only as firmly
    /// as the claim is supported; there is no error left to check.
    fn success(&self) -> Vec<CheckResult> {
        let wanted = self.expect.wanted_status();
        let status = CheckResult::new(Check::Status, Verdict::Pass)
            .expected(wanted)
            .actual(self.observed.status)
            .note(format!(
                "answered {}: the console did not refuse the request",
                self.observed.status
            ));
        let mut results = vec![self.mismatch(status, self.source(Claim::Code))];
        results.extend(Check::ALL[1..].iter().map(|&check| {
            CheckResult::new(check, Verdict::Skip).note("a success answer: no error to check")
        }));
        results
    }

    fn vspc(&self, code: u16, body: Option<&Value>) -> Vec<CheckResult> {
        let errors = body.and_then(|b| b.get("errors")).and_then(Value::as_array);
        // The error under test: the one with the expected code, else the first.
        let subject = errors.and_then(|list| {
            list.iter()
                .find(|e| e.get("code").and_then(Value::as_i64) == Some(i64::from(code)))
                .or_else(|| list.first())
                .and_then(Value::as_object)
        });
        let answered = subject.and_then(|s| s.get("code")).and_then(Value::as_i64);
        // Claims about the case's own error hold only when that error is the one answered; any
        // other code is judged by its own rules.
        let same = answered == Some(i64::from(code));
        let rules_of = answered
            .and_then(|c| u16::try_from(c).ok())
            .and_then(|c| Contract::get().code(c));
        vec![
            self.status_check(code, answered),
            self.envelope_check(body),
            self.type_check(code, same, rules_of, subject),
            self.code_check(code, subject),
            self.field_check(same, rules_of, subject),
            self.message_check(same, rules_of, subject),
        ]
    }

    fn status_check(&self, code: u16, answered: Option<i64>) -> CheckResult {
        let actual = self.observed.status;
        let wanted = self.expect.wanted_status();
        let result = CheckResult::new(Check::Status, Verdict::Pass)
            .expected(wanted)
            .actual(actual);
        if (500..=599).contains(&actual) && actual != 520 {
            return self.fail(result, &fact::SERVER_STATUS).note(format!(
                "server errors travel as 520 on the wire, never {actual}"
            ));
        }
        let Some(body_code) = answered else {
            // No code to hold the status against: the case's own claim decides.
            if actual == wanted {
                return result;
            }
            if self
                .expect
                .tolerate
                .iter()
                .any(|&c| status_for_code(i64::from(c)) == actual)
            {
                return self.deviation(result, &fact::ORDER_OF_CHECKS).note(format!(
                    "HTTP {actual} is the status of a code the case tolerates"
                ));
            }
            return self
                .mismatch(result, self.source(Claim::Code))
                .note(format!("code {code} travels with HTTP {wanted}"));
        };
        if body_code == i64::from(code)
            && let Some(stated) = self.expect.status
        {
            if actual == stated {
                return result;
            }
            return self
                .mismatch(result, self.source(Claim::Status))
                .note(format!("the case expects HTTP {stated} for code {code}"));
        }
        let rule = status_for_code(body_code);
        if actual == rule {
            return match body_code == i64::from(code) {
                true => result,
                false => result.note(format!(
                    "HTTP {actual} is right for the code answered ({body_code}); the code check judges the code"
                )),
            };
        }
        if body_code >= 1000 && (400..=499).contains(&actual) {
            let source = self.readings.custom_code_status();
            return self.mismatch(result, &source).note(format!(
                "custom code {body_code} travelled with {actual}, not 520"
            ));
        }
        let source = if (400..=499).contains(&body_code) {
            &fact::CLIENT_STATUS
        } else {
            &fact::SERVER_STATUS
        };
        self.fail(result, source).note(format!(
            "the body's code {body_code} travels with HTTP {rule}, but came with {actual}"
        ))
    }

    /// The body, when it is JSON sent as JSON (and whether as `application/json` itself), else
    /// the failed envelope check that says why not.
    fn json<'b>(
        &self,
        body: Option<&'b Value>,
        shape: &Source,
    ) -> Result<(&'b Value, bool), Box<CheckResult>> {
        let observed = self.observed;
        let result = CheckResult::new(Check::Envelope, Verdict::Pass);
        if observed.body.iter().all(u8::is_ascii_whitespace) {
            return Err(Box::new(self.fail(result, shape).note("the body is empty")));
        }
        let Some(body) = body else {
            let note = format!("the body is not JSON: {}", excerpt(observed.body));
            return Err(Box::new(self.fail(result, shape).note(note)));
        };
        match is_json_media_type(observed.content_type) {
            Ok(media) => Ok((body, media)),
            Err(note) => Err(Box::new(self.fail(result, &fact::JSON_BODY).note(note))),
        }
    }

    fn envelope_check(&self, body: Option<&Value>) -> CheckResult {
        let observed = self.observed;
        let result = CheckResult::new(Check::Envelope, Verdict::Pass);
        let fail = |note: String| self.fail(result.clone(), &fact::ENVELOPE).note(note);
        let (body, media) = match self.json(body, &fact::ENVELOPE) {
            Ok(json) => json,
            Err(failed) => return *failed,
        };
        if body.get("errors").is_none()
            && let Some(error) = body.get("error")
        {
            if let Some(kind) = error.as_str() {
                return fail(format!("an OAuth2 error (`{kind}`), not the VSPC envelope"));
            }
            let what = error.get("code").and_then(Value::as_str).unwrap_or("error");
            let message = error.get("message").and_then(Value::as_str).unwrap_or("");
            return fail(format!(
                "a foreign error object ({what}: {message}), not the VSPC envelope"
            ));
        }
        let violations = Contract::get().envelope_violations(body);
        if !violations.is_empty() {
            let shown: Vec<&str> = violations.iter().take(3).map(String::as_str).collect();
            return fail(format!("not a VSPC error envelope: {}", shown.join("; ")));
        }
        if !media {
            return self.mismatch(result, &fact::JSON_SUBTYPE).note(format!(
                "Content-Type {} is a JSON type, but not application/json",
                observed.content_type.unwrap_or("")
            ));
        }
        result
    }

    fn type_check(
        &self,
        code: u16,
        same: bool,
        rules_of: Option<&CodeInfo>,
        subject: Option<&Map<String, Value>>,
    ) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Type);
        };
        let claimed = match (same, self.expect.error_type) {
            (true, Some(wanted)) => Some((wanted, self.source(Claim::Type).clone())),
            _ => rules_of.and_then(|info| Some((info.usual_type?, info.type_source.clone()?))),
        };
        let mut result = CheckResult::new(Check::Type, Verdict::Pass);
        if let Some((wanted, _)) = &claimed {
            result.expected = Some(Shown::Name(wanted.as_str()));
        }
        let Some(actual) = subject.get("type") else {
            return self
                .fail(result, &fact::ENVELOPE)
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
            return self
                .fail(result, &fact::TYPE_ENUM)
                .note("`type` is not a string");
        };
        let Some(parsed) = ErrorType::parse(text) else {
            let names = ErrorType::ALL.map(ErrorType::as_str).join(", ");
            return self
                .fail(result, &fact::TYPE_ENUM)
                .note(format!("`{text}` is not an error type ({names})"));
        };
        if let Some((wanted, source)) = &claimed
            && parsed != *wanted
        {
            let note = match same && self.expect.error_type.is_some() {
                true => format!("the case expects type `{wanted}`"),
                false => format!(
                    "code {} has type `{wanted}`",
                    rules_of.map_or(code, |c| c.code)
                ),
            };
            return self.mismatch(result, source).note(note);
        }
        if !is_documented_spelling(text) {
            return self.mismatch(result, &fact::TYPE_CASING).note(format!(
                "spelt `{text}`; the spec enum spells `{}`",
                parsed.as_str()
            ));
        }
        if claimed.is_none() {
            return result.note("no source fixes a type for this code; any known type passes");
        }
        result
    }

    fn code_check(&self, code: u16, subject: Option<&Map<String, Value>>) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Code);
        };
        let result = CheckResult::new(Check::Code, Verdict::Pass).expected(code);
        let Some(actual) = subject.get("code") else {
            return self
                .fail(result, &fact::ENVELOPE)
                .note("the error has no `code`");
        };
        let result = result.actual(actual.clone());
        let Some(answered) = actual.as_i64() else {
            return self
                .fail(result, &fact::CODE_INTEGER)
                .note("`code` is not an integer");
        };
        if answered == i64::from(code) {
            return result;
        }
        let Some(known) = u16::try_from(answered)
            .ok()
            .filter(|c| Contract::get().code(*c).is_some())
        else {
            return self
                .fail(result, &fact::CODE_TABLE)
                .note(format!("{answered} is not a code of the catalogue"));
        };
        if self.expect.tolerate.contains(&known) {
            return self.deviation(result, &fact::ORDER_OF_CHECKS).note(format!(
                "{known} is a code the case tolerates: the console checked something else first"
            ));
        }
        self.mismatch(result, self.source(Claim::Code))
    }

    fn field_check(
        &self,
        same: bool,
        rules_of: Option<&CodeInfo>,
        subject: Option<&Map<String, Value>>,
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
            return self.fail(result, &fact::ONE_NAME).note(
                "both `parameterName` and `propertyName`; propertyName replaces parameterName, never both",
            );
        }
        if let Some(info) = rules_of {
            for rule in &info.members {
                if rule.one_of.iter().any(|m| subject.contains_key(m.as_str())) {
                    continue;
                }
                let names = rule.one_of.join("` or `");
                let source = match rule.one_of.iter().any(|m| m == "retryAfter") {
                    true => self.readings.retry_after(&rule.source),
                    false => rule.source.clone(),
                };
                return self
                    .mismatch(result, &source)
                    .expected(serde_json::json!({ "member": rule.one_of }))
                    .note(format!(
                        "a {} error carries `{names}`; this one has none",
                        info.code
                    ));
            }
        }
        let Some(field) = self.expect.field.as_ref().filter(|_| same) else {
            return result;
        };
        result.expected = Some(Shown::Object(vec![(
            field.member(),
            Value::from(field.value()),
        )]));
        let actual = subject.get(field.member()).and_then(Value::as_str);
        if actual == Some(field.value()) {
            return result;
        }
        if let Some(a) = actual
            && a.eq_ignore_ascii_case(field.value())
        {
            return self.mismatch(result, &fact::FIELD_CASING).note(format!(
                "names `{a}`, spelt `{}` by the spec",
                field.value()
            ));
        }
        let other = match field.member() {
            "parameterName" => &property,
            _ => &parameter,
        };
        // Another input of the operation named instead: the console validated it first, and
        // the contract orders no checks.
        let named_instead = match (&parameter, &property) {
            (Some(Value::String(name)), None) => Some(Input::Parameter(name)),
            (None, Some(Value::String(_))) => Some(Input::Body),
            _ => None,
        };
        if let Some(input) = named_instead
            && self.is_another_input(input)
        {
            return self
                .deviation(result, &fact::ORDER_OF_CHECKS)
                .note("names another input of the operation: the console checked it first");
        }
        let note = match (actual, other) {
            (Some(a), _) => format!("names `{a}`, not `{}`", field.value()),
            (None, Some(_)) => format!(
                "names the wrong kind of input: expected `{}`",
                field.member()
            ),
            (None, None) => format!("no `{}`", field.member()),
        };
        self.mismatch(result, self.source(Claim::Field)).note(note)
    }

    /// Whether the operation answered has this input: a path or query parameter of that name,
    /// or a body.
    fn is_another_input(&self, input: Input) -> bool {
        let path = self.observed.path.split('?').next().unwrap_or("");
        let catalogue = Contract::get().catalogue(self.readings.version);
        let Route::Found(op, _) =
            catalogue.route(self.observed.method, path, TrailingSlash::Ignored)
        else {
            return false;
        };
        match input {
            Input::Parameter(name) => {
                op.path_parameters
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case(name))
                    || op
                        .query_parameters
                        .iter()
                        .any(|p| p.name.eq_ignore_ascii_case(name))
            }
            Input::Body => op.body.is_some(),
        }
    }

    fn message_check(
        &self,
        same: bool,
        rules_of: Option<&CodeInfo>,
        subject: Option<&Map<String, Value>>,
    ) -> CheckResult {
        let Some(subject) = subject else {
            return no_subject(Check::Message);
        };
        let pattern = self.expect.message.as_ref().filter(|_| same);
        let mut result = CheckResult::new(Check::Message, Verdict::Pass);
        if let Some(pattern) = pattern {
            result = result.expected(format!("/{}/", pattern.as_str()));
        }
        let Some(actual) = subject.get("message") else {
            if rules_of.is_some_and(|info| info.code == 429) {
                return self
                    .deviation(result, &fact::MESSAGE_429)
                    .note("no `message`, as in the documented 429 example");
            }
            return self
                .fail(result, &fact::MESSAGE_PRESENT)
                .note("the error has no `message`");
        };
        result = result.actual(actual.clone());
        let Some(text) = actual.as_str() else {
            return self
                .fail(result, &fact::MESSAGE_PRESENT)
                .note("`message` is not a string");
        };
        if text.trim().is_empty() {
            return self
                .fail(result, &fact::MESSAGE_PRESENT)
                .note("`message` is empty");
        }
        if rules_of.is_some_and(|info| info.missing_resource)
            && !names_resource(text, self.observed, self.readings.version)
        {
            return self
                .fail(result, &fact::MESSAGE_NAMES_RESOURCE)
                .note("the message names neither the id sent nor the kind of resource");
        }
        if let Some(pattern) = pattern
            && !pattern.is_match(text)
        {
            return self
                .mismatch(result, self.source(Claim::Message))
                .note("the message does not match");
        }
        result
    }

    fn oauth2(&self, accepted: &[String], body: Option<&Value>) -> Vec<CheckResult> {
        let observed = self.observed;
        let object = body
            .and_then(Value::as_object)
            .filter(|o| o.contains_key("error"));
        let error = object.and_then(|o| o.get("error")).and_then(Value::as_str);
        let wanted = self.expect.wanted_status();
        let status = CheckResult::new(Check::Status, Verdict::Pass)
            .expected(wanted)
            .actual(observed.status);
        let status = match observed.status {
            s if s == wanted => status,
            401 if error == Some("invalid_client") && self.expect.status.is_none() => status,
            _ if self.expect.status.is_some() => self
                .mismatch(status, self.source(Claim::Status))
                .note(format!("the case expects HTTP {wanted}")),
            _ => self
                .fail(status, &fact::OAUTH2_STATUS)
                .note("POST /token answers OAuth2 errors with 400"),
        };
        let envelope = self.oauth2_envelope(body);
        let not_applicable = |check| {
            CheckResult::new(check, Verdict::Skip).note("OAuth2 errors carry no VSPC type or field")
        };
        let (code, message) = match object {
            None => (no_subject(Check::Code), no_subject(Check::Message)),
            Some(o) => {
                let actual = o.get("error").cloned().unwrap_or(Value::Null);
                let code = CheckResult::new(Check::Code, Verdict::Pass)
                    .expected(match accepted {
                        [one] => Value::from(one.as_str()),
                        many => Value::from(many.to_vec()),
                    })
                    .actual(actual);
                let code = match error {
                    Some(e) if accepted.iter().any(|a| a == e) => code,
                    Some(e) if OAUTH2_ERRORS.contains(&e) => {
                        self.mismatch(code, self.source(Claim::Code))
                    }
                    _ => self
                        .fail(code, &fact::OAUTH2_CODES)
                        .note("not an error code of RFC 6749 §5.2"),
                };
                (code, self.oauth2_description(o))
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

    fn oauth2_envelope(&self, body: Option<&Value>) -> CheckResult {
        let result = CheckResult::new(Check::Envelope, Verdict::Pass);
        let fail = |note: String| self.fail(result.clone(), &fact::OAUTH2_SHAPE).note(note);
        let body = match self.json(body, &fact::OAUTH2_SHAPE) {
            Ok((body, _)) => body,
            Err(failed) => return *failed,
        };
        if body.get("errors").is_some() {
            return fail("a VSPC error envelope; POST /token answers with the OAuth2 shape {\"error\", \"error_description\"}".into());
        }
        let violations = Contract::get().oauth2_violations(body);
        if !violations.is_empty() {
            return fail(format!("not an OAuth2 error: {}", violations.join("; ")));
        }
        result
    }

    fn oauth2_description(&self, object: &Map<String, Value>) -> CheckResult {
        let mut result = CheckResult::new(Check::Message, Verdict::Pass);
        let pattern = self.expect.message.as_ref();
        if let Some(pattern) = pattern {
            result = result.expected(format!("/{}/", pattern.as_str()));
        }
        match object.get("error_description").and_then(Value::as_str) {
            Some(text) => {
                result = result.actual(text);
                if let Some(pattern) = pattern
                    && !pattern.is_match(text)
                {
                    return self
                        .mismatch(result, self.source(Claim::Message))
                        .note("the description does not match");
                }
                result
            }
            None if pattern.is_some() => self
                .mismatch(result, self.source(Claim::Message))
                .note("no `error_description`"),
            None => result.note("no `error_description` (optional in RFC 6749 §5.2)"),
        }
    }
}

/// What an error named: a parameter by its name, or a property of the body.
#[derive(Clone, Copy)]
enum Input<'a> {
    Parameter(&'a str),
    Body,
}

/// `retryableLogical` as the spec enum spells it, `retryablelogical` as the prose does, or any
/// other type exactly as the enum spells it.
fn is_documented_spelling(text: &str) -> bool {
    text == "retryablelogical" || ErrorType::ALL.iter().any(|t| t.as_str() == text)
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

fn no_subject(check: Check) -> CheckResult {
    CheckResult::new(check, Verdict::Skip).note("no error object in the body to check")
}

/// Whether a 404 message names the missing resource, read generously: it mentions a value the
/// path carried (the id sent), a word of a path parameter's name (`backupServerUid`: backup,
/// server), or a word of the path's own segments (`companies`: compani...). Only a path with a
/// parameter says which resource is missing; for any other (a resource named in the body, a
/// path outside the catalogue) the rule cannot be judged here, and holds.
pub fn names_resource(message: &str, observed: Observed, version: ApiVersion) -> bool {
    let path = observed.path.split('?').next().unwrap_or("");
    let catalogue = Contract::get().catalogue(version);
    let Route::Found(operation, values) =
        catalogue.route(observed.method, path, TrailingSlash::Ignored)
    else {
        return true;
    };
    if values.is_empty() {
        return true;
    }
    let message = message.to_ascii_lowercase();
    let sent = values.iter().map(|(_, value)| {
        percent_encoding::percent_decode_str(value)
            .decode_utf8_lossy()
            .to_ascii_lowercase()
    });
    let words = operation
        .path
        .split('/')
        .map(|s| s.trim_matches(|c| c == '{' || c == '}'))
        .flat_map(camel_words)
        .map(|w| stem(&w).to_string())
        .filter(|w| w.len() >= 3 && !matches!(w.as_str(), "api" | "uid" | "uids" | "id" | "ids"));
    sent.filter(|value| value.len() >= 3)
        .chain(words)
        .any(|needle| message.contains(needle.as_str()))
}

/// `backupServerUid` -> backup, server, uid (lower case).
fn camel_words(name: &str) -> Vec<String> {
    let mut words = vec![String::new()];
    for c in name.chars() {
        if !c.is_ascii_alphanumeric() {
            words.push(String::new());
            continue;
        }
        let last = words.last_mut().map(|w| w.is_empty());
        if c.is_ascii_uppercase() && last == Some(false) {
            words.push(String::new());
        }
        if let Some(word) = words.last_mut() {
            word.push(c.to_ascii_lowercase());
        }
    }
    words.retain(|w| !w.is_empty());
    words
}

/// `companies` -> `compani`, `servers` -> `server`: enough of a plural to find its singular.
fn stem(word: &str) -> &str {
    word.strip_suffix("es")
        .filter(|w| w.ends_with("i"))
        .or_else(|| word.strip_suffix('s'))
        .unwrap_or(word)
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
    use crate::case::{Field, MessagePattern, Sources};
    use crate::contract::{CustomCodeStatus, RetryAfterReading, Strength};
    use std::sync::Arc;

    fn expect(code: u16) -> Expectation {
        Expectation {
            error: ExpectedError::Vspc { code },
            status: None,
            error_type: None,
            field: None,
            message: None,
            tolerate: Arc::from([]),
            sources: Default::default(),
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
            method: "GET",
            path: "",
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
    fn a_custom_code_with_a_4xx_status_fails_where_the_version_states_520() {
        let body = r#"{"errors":[{"message":"x","type":"logical","code":1500}]}"#;
        let at = |version, custom_code_status| Readings {
            version,
            custom_code_status,
            ..Readings::default()
        };
        let results = run_with(
            &expect(1500),
            400,
            JSON,
            body,
            at(ApiVersion::V3_7, CustomCodeStatus::Auto),
        );
        assert_eq!(failing(&results), vec![Check::Status]);
        assert_eq!(
            results[0].source.as_ref().map(|s| s.strength),
            Some(Strength::Stated)
        );
        // Before 3.7 the 520 rule for custom codes is a reading: a deviation.
        let results = run_with(
            &expect(1500),
            400,
            JSON,
            body,
            at(ApiVersion::V3_6_1, CustomCodeStatus::Auto),
        );
        assert_eq!(verdict(&results, Check::Status), Verdict::Deviation);
        assert_eq!(
            results[0].source.as_ref().map(|s| s.strength),
            Some(Strength::Reading)
        );
        // The user may take it as stated at every version, or allow 4xx at 3.7 too.
        let strict = at(ApiVersion::V3_6_1, CustomCodeStatus::Always520);
        assert_eq!(
            failing(&run_with(&expect(1500), 400, JSON, body, strict)),
            vec![Check::Status]
        );
        let lenient = at(ApiVersion::V3_7, CustomCodeStatus::Allow4xx);
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
    fn both_documented_spellings_pass_and_other_casings_deviate() {
        let e = Expectation {
            error_type: Some(ErrorType::RetryableLogical),
            ..expect(1000)
        };
        for spelling in ["retryableLogical", "retryablelogical"] {
            let body =
                format!(r#"{{"errors":[{{"message":"x","type":"{spelling}","code":1000}}]}}"#);
            assert_eq!(
                verdict(&run(&e, 520, JSON, &body), Check::Type),
                Verdict::Pass,
                "{spelling}"
            );
        }
        let body = r#"{"errors":[{"message":"x","type":"RetryableLogical","code":1000}]}"#;
        let results = run(&e, 520, JSON, body);
        assert_eq!(verdict(&results, Check::Type), Verdict::Deviation);
        assert!(conforms(&results));
    }

    fn sourced(mut e: Expectation, claim: Claim, source: Source) -> Expectation {
        let mut sources = Sources::default();
        match claim {
            Claim::Code => sources.code = Some(source),
            Claim::Field => sources.field = Some(source),
            Claim::Message => sources.message = Some(source),
            Claim::Type => sources.error_type = Some(source),
            Claim::Status => sources.status = Some(source),
        }
        e.sources = Arc::new(sources);
        e
    }

    #[test]
    fn a_claim_resting_on_an_example_deviates_and_fails_only_under_fail_on_example() {
        let e = sourced(
            Expectation {
                message: Some(MessagePattern::new(
                    regex::Regex::new("larger or equal").unwrap(),
                )),
                ..offset_case()
            },
            Claim::Message,
            Source::example("errors page: the documented 400 example"),
        );
        let reworded = r#"{"errors":[{"message":"offset must not be negative","type":"logical","code":400,"parameterName":"offset"}]}"#;
        let results = run(&e, 400, JSON, reworded);
        assert!(conforms(&results));
        let message = &results[5];
        assert_eq!(message.verdict, Verdict::Deviation);
        assert_eq!(
            message.source.as_ref().map(|s| s.text.as_ref()),
            Some("errors page: the documented 400 example")
        );
        let strict = Readings {
            fail_on: Strength::Example,
            ..Readings::default()
        };
        assert_eq!(
            failing(&run_with(&e, 400, JSON, reworded, strict)),
            vec![Check::Message]
        );
    }

    #[test]
    fn a_tolerated_code_deviates_a_code_outside_the_catalogue_fails() {
        let e = Expectation {
            tolerate: Arc::from([404]),
            ..offset_case()
        };
        let not_found =
            r#"{"errors":[{"message":"Company 'x' does not exist.","type":"logical","code":404}]}"#;
        let results = run(&e, 404, JSON, not_found);
        assert!(conforms(&results), "{results:#?}");
        assert_eq!(verdict(&results, Check::Code), Verdict::Deviation);
        // The 400's own claims (the field) are not held against a 404.
        assert_eq!(verdict(&results, Check::Field), Verdict::Pass);
        let unknown = r#"{"errors":[{"message":"x","type":"logical","code":4711}]}"#;
        assert_eq!(
            verdict(&run(&e, 520, JSON, unknown), Check::Code),
            Verdict::Fail
        );
        // Not tolerated, and the case's code claim is stated: a failure.
        let conflict = r#"{"errors":[{"message":"x","type":"logical","code":409}]}"#;
        assert_eq!(failing(&run(&e, 409, JSON, conflict)), vec![Check::Code]);
    }

    #[test]
    fn a_success_answer_fails_a_stated_claim_and_deviates_from_a_reading() {
        let ok = r#"{"meta":null,"data":[],"errors":null}"#;
        let results = run(&offset_case(), 200, JSON, ok);
        assert_eq!(failing(&results), vec![Check::Status]);
        assert!(results[1..].iter().all(|r| r.verdict == Verdict::Skip));
        let reading = sourced(offset_case(), Claim::Code, Source::reading("a reading"));
        let results = run(&reading, 200, JSON, ok);
        assert!(conforms(&results));
        assert_eq!(results[0].verdict, Verdict::Deviation);
    }

    #[test]
    fn naming_another_input_of_the_operation_deviates_naming_none_of_its_inputs_fails() {
        let observed = |body: &'static str| Observed {
            status: 400,
            content_type: Some(JSON),
            body: body.as_bytes(),
            method: "GET",
            path: "/organizations/companies?offset=-1&limit=0",
        };
        let limit =
            r#"{"errors":[{"message":"x","type":"logical","code":400,"parameterName":"limit"}]}"#;
        let results = check(&offset_case(), observed(limit), Readings::default());
        assert_eq!(
            verdict(&results, Check::Field),
            Verdict::Deviation,
            "{results:#?}"
        );
        let id = r#"{"errors":[{"message":"x","type":"logical","code":400,"parameterName":"id"}]}"#;
        let results = check(&offset_case(), observed(id), Readings::default());
        assert_eq!(failing(&results), vec![Check::Field]);
    }

    #[test]
    fn a_field_in_another_casing_deviates() {
        let body =
            r#"{"errors":[{"message":"x","type":"logical","code":400,"parameterName":"Offset"}]}"#;
        let results = run(&offset_case(), 400, JSON, body);
        assert!(conforms(&results));
        assert_eq!(verdict(&results, Check::Field), Verdict::Deviation);
    }

    #[test]
    fn a_404_message_names_the_id_sent_or_the_kind_of_resource() {
        let observed = |path| Observed {
            status: 404,
            content_type: Some(JSON),
            body: b"",
            method: "GET",
            path,
        };
        let path = "/organizations/companies/00000000-0000-4000-8000-000000000404";
        let v = ApiVersion::V3_6_1;
        for named in [
            "Company with UID '00000000-0000-4000-8000-000000000404' does not exist.",
            "No object has the identifier '00000000-0000-4000-8000-000000000404'.",
            "The company was not found.",
            "Companies: nothing found",
        ] {
            assert!(names_resource(named, observed(path), v), "{named}");
        }
        assert!(!names_resource("Not found.", observed(path), v));
        // A path without parameters does not say what is missing: not judged.
        assert!(names_resource(
            "Not found.",
            observed("/organizations/companies"),
            v
        ));
        let body = r#"{"errors":[{"message":"Not found.","type":"logical","code":404}]}"#;
        let results = check(
            &expect(404),
            Observed {
                body: body.as_bytes(),
                ..observed(path)
            },
            Readings::default(),
        );
        assert_eq!(failing(&results), vec![Check::Message]);
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
        // By default retryAfter is what the throttling page says: it may be present.
        assert_eq!(
            verdict(&run(&expect(429), 429, JSON, bare), Check::Field),
            Verdict::Deviation
        );
        let required = Readings {
            retry_after: RetryAfterReading::Required,
            ..Readings::default()
        };
        assert_eq!(
            failing(&run_with(&expect(429), 429, JSON, bare, required)),
            vec![Check::Field]
        );
    }

    #[test]
    fn a_1001_without_the_failed_json_patch_deviates_from_the_documented_example() {
        let without = r#"{"errors":[{"message":"x","type":"logical","code":1001}]}"#;
        let results = run(&expect(1001), 520, JSON, without);
        assert_eq!(verdict(&results, Check::Field), Verdict::Deviation);
        let strict = Readings {
            fail_on: Strength::Example,
            ..Readings::default()
        };
        assert_eq!(
            failing(&run_with(&expect(1001), 520, JSON, without, strict)),
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
                accepted: Arc::from([error.to_string()]),
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
        let unknown = r#"{"error":"wrong_password","error_description":"x"}"#;
        assert!(failing(&run(&oauth("invalid_grant"), 400, JSON, unknown)).contains(&Check::Code));
        // Either of the accepted values passes; a missing description is allowed by RFC 6749.
        let either = Expectation {
            error: ExpectedError::OAuth2 {
                accepted: Arc::from(["invalid_grant".to_string(), "invalid_request".to_string()]),
            },
            ..expect(400)
        };
        let bare = r#"{"error":"invalid_request"}"#;
        let results = run(&either, 400, JSON, bare);
        assert!(
            results
                .iter()
                .all(|r| r.verdict != Verdict::Fail && r.verdict != Verdict::Deviation),
            "{results:#?}"
        );
    }
}
