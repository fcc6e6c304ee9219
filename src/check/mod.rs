//! Check: an exchange and a case's expectation become one verdict per check. Pure functions:
//! nothing here sends, prints or reads a file.
//!
//! [`check`] reads the answer once and hands it to the checks of its kind: `vspc.rs` for the
//! error envelope of the REST API (status, envelope, type, code, field, message), `oauth2.rs`
//! for `POST /token`'s RFC 6749 errors. Each mismatch carries the fact it rests on, and is a
//! failure or a deviation by that fact's strength.

mod oauth2;
mod vspc;

pub use vspc::names_resource;

pub use crate::contract::Check;

use crate::case::{Claim, Expectation, ExpectedError};
use crate::contract::{
    ApiVersion, CodeInfo, Contract, ErrorType, OAUTH2_ERRORS, Readings, Route, Source,
    TrailingSlash, fact, status_for_code,
};
use crate::exchange::{Exchange, Said};
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
    check_answer(expect, observed, readings).0
}

/// [`check`], and what the body said of itself, from the one reading of it.
pub fn check_answer(
    expect: &Expectation,
    observed: Observed,
    readings: Readings,
) -> (Vec<CheckResult>, Said) {
    let body: Option<Value> = serde_json::from_slice(observed.body).ok();
    let said = Said::of(body.as_ref());
    let judge = Judge {
        expect,
        readings,
        observed,
    };
    let results = match (&expect.error, (200..=299).contains(&observed.status)) {
        (ExpectedError::Admitted, true) => judge.let_through(),
        (_, true) => judge.success(),
        (ExpectedError::Vspc { code }, false) => judge.vspc(*code, body.as_ref()),
        (ExpectedError::OAuth2 { accepted }, false) => judge.oauth2(accepted, body.as_ref()),
        (ExpectedError::Admitted, false) => judge.admitted(body.as_ref()),
    };
    (results, said)
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
}

impl Judge<'_> {
    /// A success where the call must be let through: what the case claims.
    fn let_through(&self) -> Vec<CheckResult> {
        let status = CheckResult::new(Check::Status, Verdict::Pass)
            .expected("not 401 or 403")
            .actual(self.observed.status);
        let mut results = vec![status];
        results.extend(Check::ALL[1..].iter().map(|&check| {
            CheckResult::new(check, Verdict::Skip).note("a success answer: no error to check")
        }));
        results
    }

    /// An error where the call must be let through: a refusal (401, 403, by status or code)
    /// fails the status check; every error is judged by its own code's rules, as a case
    /// expecting that code would judge it.
    fn admitted(&self, body: Option<&Value>) -> Vec<CheckResult> {
        let actual = self.observed.status;
        let answered = body
            .and_then(|b| b.get("errors"))
            .and_then(Value::as_array)
            .and_then(|list| list.first())
            .and_then(|e| e.get("code"))
            .and_then(Value::as_i64)
            .and_then(|c| u16::try_from(c).ok())
            .filter(|c| Contract::get().code(*c).is_some());
        let own = answered.unwrap_or(match actual {
            400..=499 => actual,
            _ => 500,
        });
        let expect = Expectation {
            error: ExpectedError::Vspc { code: own },
            ..self.expect.clone()
        };
        let judge = Judge {
            expect: &expect,
            readings: self.readings,
            observed: self.observed,
        };
        let mut results = judge.vspc(own, body);
        if matches!(actual, 401 | 403) || matches!(answered, Some(401 | 403)) {
            let refused = CheckResult::new(Check::Status, Verdict::Fail)
                .expected("not 401 or 403")
                .actual(actual)
                .note(format!(
                    "the spec admits this call anonymously, but the console refused it (HTTP {actual})"
                ));
            if let Some(slot) = results.iter_mut().find(|r| r.check == Check::Status) {
                *slot = self.fail(refused, self.source(Claim::Code));
            }
        }
        results
    }
}

fn no_subject(check: Check) -> CheckResult {
    CheckResult::new(check, Verdict::Skip).note("no error object in the body to check")
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
            inconclusive_on: Arc::from([]),
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

    fn property_case(path: &str) -> Expectation {
        Expectation {
            field: Some(Field::Property(path.into())),
            ..expect(400)
        }
    }

    fn named(member: &str, name: &str) -> String {
        format!(
            r#"{{"errors":[{{"message":"x","type":"logical","code":400,"{member}":"{name}"}}]}}"#
        )
    }

    #[test]
    fn a_property_is_named_by_its_full_path_in_any_form_and_case() {
        let e = property_case("items[0].organizationInput.name");
        for form in [
            "items[0].organizationInput.name",
            "Items[0].OrganizationInput.Name",
            "/items/0/organizationInput/name",
            "$.items[0].organizationInput.name",
            "$['items'][0]['organizationInput']['name']",
        ] {
            let results = run(&e, 400, JSON, &named("propertyName", form));
            assert_eq!(verdict(&results, Check::Field), Verdict::Pass, "{form}");
        }
        // Part of the path names it, but not in the exact form: a deviation.
        for form in [
            "name",
            "organizationInput.name",
            "items.organizationInput.name",
            "input.items[0].organizationInput.name",
        ] {
            let results = run(&e, 400, JSON, &named("propertyName", form));
            assert!(conforms(&results), "{form}");
            assert_eq!(
                verdict(&results, Check::Field),
                Verdict::Deviation,
                "{form}"
            );
        }
    }

    #[test]
    fn naming_the_parent_another_property_or_a_parameter_fails() {
        let e = property_case("organizationInput.name");
        for body in [
            named("propertyName", "organizationInput"),
            named("propertyName", "body"),
            named("propertyName", "organizationInput.alias"),
            named("parameterName", "organizationInput.name"),
        ] {
            assert_eq!(
                failing(&run(&e, 400, JSON, &body)),
                vec![Check::Field],
                "{body}"
            );
        }
    }

    #[test]
    fn with_several_errors_the_one_naming_the_input_is_judged_and_every_other_by_its_rules() {
        let e = property_case("profile.email");
        let both = r#"{"errors":[
            {"message":"x","type":"logical","code":400,"propertyName":"profile.firstName"},
            {"message":"y","type":"logical","code":400,"propertyName":"profile.email"}]}"#;
        let results = run(&e, 400, JSON, both);
        assert!(
            results.iter().all(|r| r.verdict == Verdict::Pass),
            "{results:#?}"
        );
        // Another error that breaks its own code's rules fails the answer.
        let broken = r#"{"errors":[
            {"message":"y","type":"logical","code":400,"propertyName":"profile.email"},
            {"message":"x","type":"logic","code":400}]}"#;
        let results = run(&e, 400, JSON, broken);
        assert_eq!(failing(&results), vec![Check::Type, Check::Field]);
        assert!(
            results[4]
                .note
                .as_deref()
                .unwrap_or("")
                .contains("another error"),
            "{results:#?}"
        );
    }

    #[test]
    fn a_check_made_first_is_skipped_not_failed() {
        let e = Expectation {
            inconclusive_on: Arc::from([404, 401]),
            ..property_case("name")
        };
        let missing = r#"{"errors":[{"message":"Company with UID 'x' does not exist.","type":"logical","code":404}]}"#;
        let results = run(&e, 404, JSON, missing);
        assert!(conforms(&results), "{results:#?}");
        assert_eq!(verdict(&results, Check::Code), Verdict::Skip);
        assert_eq!(verdict(&results, Check::Status), Verdict::Pass);
        // Judged by its own rules: a 404 that breaks them still fails.
        let html = run(&e, 404, "text/html", "<html>Not Found</html>");
        assert_eq!(failing(&html), vec![Check::Envelope]);
        // A 5xx is no check made first.
        let broke = r#"{"errors":[{"message":"Unspecified cause of error.","type":"unspecified","code":500}]}"#;
        assert_eq!(failing(&run(&e, 520, JSON, broke)), vec![Check::Code]);
    }

    #[test]
    fn a_valid_token_refused_with_401_fails_the_status_check() {
        let refused = Expectation {
            inconclusive_on: Arc::from([400, 404]),
            ..expect(403)
        };
        let forbidden = r#"{"errors":[{"message":"Access to the requested resource is forbidden.","type":"security","code":403}]}"#;
        assert!(conforms(&run(&refused, 403, JSON, forbidden)));
        let unauthorized = r#"{"errors":[{"message":"Authorization has been denied for this request.","type":"security","code":401}]}"#;
        let results = run(&refused, 401, JSON, unauthorized);
        assert_eq!(verdict(&results, Check::Status), Verdict::Fail);
        let status = results.iter().find(|r| r.check == Check::Status);
        assert!(
            status
                .and_then(|r| r.source.as_ref())
                .is_some_and(|s| s.text.contains("401 authorization is required")),
            "{status:?}"
        );
        // A 404 first (the id looked up before the role) is no failure.
        let missing = r#"{"errors":[{"message":"Company with UID 'x' does not exist.","type":"logical","code":404}]}"#;
        assert!(conforms(&run(&refused, 404, JSON, missing)));
        // Let through: fails.
        assert!(!conforms(&run(&refused, 200, JSON, "{}")));
    }

    #[test]
    fn an_admitted_call_fails_only_on_a_refusal_and_is_judged_by_its_own_rules() {
        let admitted = Expectation {
            error: ExpectedError::Admitted,
            ..expect(400)
        };
        let results = run(&admitted, 200, JSON, "{}");
        assert!(conforms(&results), "{results:#?}");
        assert_eq!(verdict(&results, Check::Status), Verdict::Pass);
        let missing = r#"{"errors":[{"message":"Organization with UID 'x' does not exist.","type":"logical","code":404}]}"#;
        assert!(conforms(&run(&admitted, 404, JSON, missing)));
        let no_token = r#"{"errors":[{"message":"Authorization has been denied.","type":"security","code":401}]}"#;
        assert_eq!(
            failing(&run(&admitted, 401, JSON, no_token)),
            vec![Check::Status]
        );
        let forbidden = r#"{"errors":[{"message":"Forbidden.","type":"security","code":403}]}"#;
        assert_eq!(
            failing(&run(&admitted, 403, JSON, forbidden)),
            vec![Check::Status]
        );
        // Any other error keeps its own rules: a 404 sent as 520 breaks the status rule.
        assert!(failing(&run(&admitted, 520, JSON, missing)).contains(&Check::Status));
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
