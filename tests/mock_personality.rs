//! The two personalities of the mock console side by side: for every [`Choice`], the same
//! request sent to a Standard and to an Alternative console answers differently in the way the
//! choice says (status, member, content type, message, order of checks), while both answers
//! keep every rule the contract states.

mod common;

use common::answer::Observed;
use serde_json::{Value, json};
use std::time::Duration;
use vspc_conformance::contract::{Contract, ErrorType, status_for_code};
use vspc_conformance::mock::{
    ADMIN_PASSWORD, ADMIN_USERNAME, Choice, MockConfig, MockConsole, Personality, ThrottleConfig,
    ThrottleGroup, ThrottleLimit,
};

/// One console of a personality, logged in as the administrator.
struct Console {
    mock: MockConsole,
    http: reqwest::Client,
    token: String,
}

/// A request; the token is the administrator's unless told.
#[derive(Clone, Default)]
struct Req<'a> {
    method: &'a str,
    path: String,
    token: Option<Option<String>>,
    headers: Vec<(&'a str, &'a str)>,
    body: Option<(&'a str, String)>,
}

fn get(path: impl Into<String>) -> Req<'static> {
    Req {
        method: "GET",
        path: path.into(),
        ..Req::default()
    }
}

fn with_body<'a>(method: &'a str, path: impl Into<String>, kind: &'a str, body: &str) -> Req<'a> {
    Req {
        method,
        path: path.into(),
        body: Some((kind, body.to_string())),
        ..Req::default()
    }
}

impl Console {
    async fn start(personality: Personality, configure: impl FnOnce(&mut MockConfig)) -> Console {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut config = MockConfig {
            personality,
            ..MockConfig::default()
        };
        configure(&mut config);
        let mock = MockConsole::start(config).unwrap();
        let http = reqwest::Client::new();
        let mut console = Console {
            mock,
            http,
            token: String::new(),
        };
        console.token = console.login(false).await;
        console
    }

    fn var(&self, name: &str) -> String {
        self.mock.variables()[name].clone()
    }

    async fn login(&self, read_only: bool) -> String {
        let form = format!(
            "grant_type=password&username={ADMIN_USERNAME}&password={ADMIN_PASSWORD}&readOnly={read_only}"
        );
        let observed = self
            .send(with_body(
                "POST",
                "/token",
                "application/x-www-form-urlencoded",
                &form,
            ))
            .await;
        assert_eq!(observed.status, 200, "{}", observed.text);
        observed.json()["access_token"]
            .as_str()
            .unwrap()
            .to_string()
    }

    async fn send(&self, req: Req<'_>) -> Observed {
        let method = reqwest::Method::from_bytes(req.method.as_bytes()).unwrap();
        let url = if req.path.starts_with("http") {
            req.path.clone()
        } else {
            format!("{}/api/v3{}", self.mock.uri(), req.path)
        };
        let mut request = self.http.request(method, url);
        let token = match &req.token {
            Some(token) => token.clone(),
            None => Some(self.token.clone()),
        };
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        for (name, value) in &req.headers {
            request = request.header(*name, *value);
        }
        if let Some((kind, body)) = req.body {
            if !kind.is_empty() {
                request = request.header("Content-Type", kind);
            }
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let (status, content_type, location) = (
            response.status().as_u16(),
            header("content-type").unwrap_or_default(),
            header("location"),
        );
        let text = response.text().await.unwrap();
        Observed {
            status,
            content_type,
            location,
            text,
        }
    }
}

/// A Standard and an Alternative console.
struct Pair {
    standard: Console,
    alternative: Console,
}

impl Pair {
    async fn start() -> Pair {
        Pair::configured(|_| {}).await
    }

    async fn configured(configure: impl Fn(&mut MockConfig)) -> Pair {
        Pair {
            standard: Console::start(Personality::Standard, &configure).await,
            alternative: Console::start(Personality::Alternative, &configure).await,
        }
    }

    fn var(&self, name: &str) -> String {
        let value = self.standard.var(name);
        assert_eq!(value, self.alternative.var(name), "{name} differs");
        value
    }

    /// The same request to both; both answers are checked against the stated rules.
    async fn both(&self, req: Req<'_>) -> (Observed, Observed) {
        let standard = self.standard.send(req.clone()).await;
        let alternative = self.alternative.send(req).await;
        stated_rules(&standard);
        stated_rules(&alternative);
        (standard, alternative)
    }
}

/// What the contract states of any error answer, whichever personality gave it.
fn stated_rules(observed: &Observed) {
    if observed.status < 400 {
        return;
    }
    assert!(
        observed.content_type.starts_with("application/json"),
        "{observed:?}"
    );
    let body = observed.json();
    let contract = Contract::get();
    if body.get("error").is_some() {
        assert_eq!(observed.status, 400, "{body}");
        assert!(contract.oauth2_violations(&body).is_empty(), "{body}");
        return;
    }
    assert!(contract.envelope_violations(&body).is_empty(), "{body}");
    let error = &body["errors"][0];
    let code = error["code"].as_u64().unwrap() as u16;
    assert_eq!(observed.status, status_for_code(i64::from(code)), "{body}");
    let kind = ErrorType::parse(error["type"].as_str().unwrap()).unwrap();
    let documented = match code {
        400 => Some(ErrorType::Logical),
        401 | 403 => Some(ErrorType::Security),
        429 => Some(ErrorType::Transport),
        _ => None,
    };
    if let Some(documented) = documented {
        assert_eq!(kind, documented, "{body}");
    }
    if code != 429 {
        assert!(
            error["message"].as_str().is_some_and(|m| !m.is_empty()),
            "{body}"
        );
    }
    if code == 400 {
        let names = ["parameterName", "propertyName"]
            .iter()
            .filter(|m| error.get(**m).is_some())
            .count();
        assert_eq!(names, 1, "{body}");
    }
}

fn message(observed: &Observed) -> String {
    observed.error()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn reworded_messages_still_name_the_missing_resource_and_say_why() {
    let pair = Pair::start().await;
    let missing = pair.var("missingUid");
    let (s, a) = pair
        .both(get(format!("/organizations/companies/{missing}")))
        .await;
    assert_eq!((s.status, a.status), (404, 404));
    assert_eq!(
        message(&s),
        format!("Company with UID '{missing}' does not exist.")
    );
    assert_eq!(
        message(&a),
        format!("No object has the identifier '{missing}'.")
    );
    let (s, a) = pair.both(get("/organizations/companies?offset=-1")).await;
    assert_eq!(message(&s), "Property value must be larger or equal to 0.");
    assert_ne!(message(&a), message(&s));
    assert!(message(&a).contains('0'), "{}", message(&a));
    let running = pair.var("runningAsyncActionId");
    let (s, a) = pair
        .both(get(format!("/asyncActions/{running}/result")))
        .await;
    assert_eq!((s.code(), a.code()), (json!(1000), json!(1000)));
    assert_ne!(message(&a), message(&s));
    assert!(message(&a).contains("still running"), "{}", message(&a));
    let (s, a) = pair.both(get("/no/such/thing")).await;
    assert_ne!(message(&a), message(&s));
    assert!(message(&a).contains("/api/v3/no/such/thing"));
}

#[tokio::test]
async fn nested_properties_are_named_by_dotted_path_or_by_pointer() {
    let pair = Pair::start().await;
    let body = json!({
        "organizationUid": pair.var("companyUid"), "role": "CompanyAdministrator",
        "profile": {"email": 5}, "credentials": {"userName": "someone", "password": "Secret-1"}
    });
    let (s, a) = pair
        .both(with_body(
            "POST",
            "/users",
            "application/json",
            &body.to_string(),
        ))
        .await;
    assert_eq!((s.status, a.status), (400, 400), "{} {}", s.text, a.text);
    assert_eq!(s.error()["propertyName"], "profile.email");
    assert_eq!(a.error()["propertyName"], "/profile/email");
}

#[tokio::test]
async fn every_violation_or_the_first_is_an_error() {
    let pair = Pair::start().await;
    // No organizationInput.name, and an ownerCredentials.userName that ends with a dot.
    let body = json!({
        "organizationInput": {"alias": "initech"},
        "ownerCredentials": {"userName": "initech.", "password": "Secret-1"}
    });
    let (s, a) = pair
        .both(with_body(
            "POST",
            "/organizations/companies",
            "application/json",
            &body.to_string(),
        ))
        .await;
    assert_eq!((s.status, a.status), (400, 400), "{} {}", s.text, a.text);
    let named = |o: &Observed| -> Vec<Value> {
        o.json()["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["propertyName"].clone())
            .collect()
    };
    assert_eq!(named(&s), vec![json!("organizationInput.name")]);
    assert_eq!(
        named(&a),
        vec![
            json!("/organizationInput/name"),
            json!("/ownerCredentials/userName")
        ]
    );
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_property_or_a_parameter() {
    let pair = Pair::start().await;
    let (s, a) = pair
        .both(with_body(
            "POST",
            "/organizations/companies",
            "application/json",
            "{",
        ))
        .await;
    assert_eq!(s.error()["propertyName"], "body");
    assert_eq!(a.error()["parameterName"], "body");
    assert!(a.error().get("propertyName").is_none());
}

#[tokio::test]
async fn a_bad_patch_operation_is_named_by_member_or_by_pointer() {
    let pair = Pair::start().await;
    let company = format!("/organizations/companies/{}", pair.var("companyUid"));
    let patch = r#"[{"op":"replace","path":"/name","value":"x"},{"op":"frobnicate","path":"/name","value":"x"}]"#;
    let (s, a) = pair
        .both(with_body("PATCH", company, "application/json", patch))
        .await;
    assert_eq!(s.error()["propertyName"], "[1].op");
    assert_eq!(a.error()["propertyName"], "/1/op");
}

#[tokio::test]
async fn wrong_credentials_are_invalid_request_or_invalid_grant() {
    let pair = Pair::start().await;
    let token = |form: &str| {
        let mut req = with_body("POST", "/token", "application/x-www-form-urlencoded", form);
        req.token = Some(None);
        req
    };
    let wrong = format!("grant_type=password&username={ADMIN_USERNAME}&password=nope");
    let (s, a) = pair.both(token(&wrong)).await;
    assert_eq!(
        (s.json()["error"].clone(), a.json()["error"].clone()),
        (json!("invalid_request"), json!("invalid_grant"))
    );
    let (s, a) = pair
        .both(token("grant_type=password&username=nobody&password=x"))
        .await;
    assert_eq!(a.json()["error"], "invalid_grant", "{}", s.text);
    // Stated by RFC 6749 itself: the same in both.
    for (form, error) in [
        ("grant_type=frobnicate", "unsupported_grant_type"),
        ("grant_type=password&username=x", "invalid_request"),
    ] {
        let (s, a) = pair.both(token(form)).await;
        assert_eq!(s.json()["error"], error);
        assert_eq!(a.json()["error"], error);
    }
}

#[tokio::test]
async fn an_unknown_path_without_a_token_is_401_or_404() {
    let pair = Pair::start().await;
    let mut req = get("/no/such/thing");
    req.token = Some(None);
    let (s, a) = pair.both(req.clone()).await;
    assert_eq!((s.status, a.status), (401, 404));
    req.path = "/about".into();
    let (s, a) = pair.both(req).await;
    assert_eq!((s.status, a.status), (401, 401));
}

#[tokio::test]
async fn an_unknown_id_with_a_bad_query_is_400_or_404() {
    let pair = Pair::start().await;
    let missing = pair.var("missingUid");
    let (s, a) = pair
        .both(get(format!("/organizations/{missing}/users?limit=0")))
        .await;
    assert_eq!((s.status, a.status), (400, 404));
    // A malformed id is still the first thing refused.
    let (s, a) = pair
        .both(get("/organizations/not-a-uuid/users?limit=0"))
        .await;
    assert_eq!((s.status, a.status), (400, 400));
    assert_eq!(a.error()["parameterName"], "organizationUid");
}

#[tokio::test]
async fn a_read_only_token_on_a_bad_write_is_403_or_the_validation_error_never_404() {
    let pair = Pair::start().await;
    let company = format!("/organizations/companies/{}", pair.var("companyUid"));
    let missing = format!(
        "/organizations/companies/{}?removeAllAgents=false",
        pair.var("missingUid")
    );
    let (s_token, a_token) = (
        pair.standard.login(true).await,
        pair.alternative.login(true).await,
    );
    let send = |req: Req<'static>| {
        let (s_token, a_token) = (s_token.clone(), a_token.clone());
        let pair = &pair;
        async move {
            let mut s_req = req.clone();
            s_req.token = Some(Some(s_token));
            let mut a_req = req;
            a_req.token = Some(Some(a_token));
            let (s, a) = (
                pair.standard.send(s_req).await,
                pair.alternative.send(a_req).await,
            );
            stated_rules(&s);
            stated_rules(&a);
            (s, a)
        }
    };
    // A malformed id: validated before the role on the alternative.
    let mut malformed = get("/organizations/companies/not-a-uuid?removeAllAgents=false");
    malformed.method = "DELETE";
    let (s, a) = send(malformed).await;
    assert_eq!((s.status, a.status), (403, 400));
    // An id that exists nowhere: never looked up before the role is refused.
    let mut delete = get(missing);
    delete.method = "DELETE";
    let (s, a) = send(delete).await;
    assert_eq!((s.status, a.status), (403, 403));
    let good = r#"[{"op":"replace","path":"/name","value":"Acme"}]"#;
    let (s, a) = send(with_body("PATCH", company, "application/json", good)).await;
    assert_eq!((s.status, a.status), (403, 403));
}

#[tokio::test]
async fn a_trailing_slash_is_ignored_or_significant() {
    let pair = Pair::start().await;
    let (s, a) = pair.both(get("/about/")).await;
    assert_eq!((s.status, a.status), (200, 404));
    let (s, a) = pair.both(get("/plugins")).await;
    assert_eq!((s.status, a.status), (200, 404));
    let (s, a) = pair.both(get("/plugins/")).await;
    assert_eq!((s.status, a.status), (200, 200));
}

/// A burst of heavy requests all in flight at once, as `tests/mock/throttling.rs` throttles it
/// by default.
async fn burst(console: &Console) -> Vec<Observed> {
    let mut burst = tokio::task::JoinSet::new();
    for _ in 0..100 {
        let http = console.http.clone();
        let url = format!(
            "{}/api/v3/organizations/companies/usage",
            console.mock.uri()
        );
        let token = console.token.clone();
        burst.spawn(async move {
            let response = http.get(url).bearer_auth(token).send().await.unwrap();
            let status = response.status().as_u16();
            let content_type = response
                .headers()
                .get("content-type")
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string();
            let text = response.text().await.unwrap();
            Observed {
                status,
                content_type,
                location: None,
                text,
            }
        });
    }
    let mut answers = Vec::new();
    while let Some(observed) = burst.join_next().await {
        answers.push(observed.unwrap());
    }
    answers
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_default_throttling_is_on_or_off() {
    let pair = Pair::start().await;
    let throttled = |answers: &[Observed]| answers.iter().filter(|o| o.status == 429).count();
    let standard = burst(&pair.standard).await;
    let alternative = burst(&pair.alternative).await;
    standard.iter().chain(&alternative).for_each(stated_rules);
    assert!(throttled(&standard) > 0);
    assert_eq!(throttled(&alternative), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_configured_parallel_limit_answers_with_or_without_retry_after_and_message() {
    let pair = Pair::configured(|config| {
        config.throttle = ThrottleConfig::only([(ThrottleGroup::User, ThrottleLimit::Parallel(1))])
    })
    .await;
    for (console, retry_after, has_message) in [
        (&pair.standard, true, true),
        (&pair.alternative, false, false),
    ] {
        let answers = burst(console).await;
        answers.iter().for_each(stated_rules);
        let throttled = answers.iter().find(|o| o.status == 429).expect("a 429");
        let error = throttled.error();
        assert_eq!(error["type"], "transport");
        assert_eq!(error.get("retryAfter").is_some(), retry_after, "{error}");
        assert_eq!(error.get("message").is_some(), has_message, "{error}");
    }
}

#[tokio::test]
async fn a_configured_per_time_limit_answers_retry_after_in_both() {
    let pair = Pair::configured(|config| {
        config.throttle = ThrottleConfig::only([(
            ThrottleGroup::User,
            ThrottleLimit::PerTime {
                requests: 1,
                per: Duration::from_secs(30),
            },
        )])
    })
    .await;
    pair.both(get("/about")).await;
    let (s, a) = pair.both(get("/about")).await;
    assert_eq!((s.status, a.status), (429, 429));
    assert!(s.error()["retryAfter"].is_u64());
    assert!(a.error()["retryAfter"].is_u64());
    assert!(s.error().get("message").is_some());
    assert!(a.error().get("message").is_none());
}

#[tokio::test]
async fn undocumented_types_differ_and_documented_ones_stay() {
    let pair = Pair::start().await;
    let kind = |o: &Observed| ErrorType::parse(o.error()["type"].as_str().unwrap()).unwrap();
    for (fault, standard, alternative) in [
        ("500", ErrorType::Unspecified, ErrorType::Transport),
        ("504", ErrorType::Transport, ErrorType::Unspecified),
    ] {
        let mut req = get("/about");
        req.headers = vec![("X-Mock-Fault", fault)];
        let (s, a) = pair.both(req).await;
        assert_eq!((kind(&s), kind(&a)), (standard, alternative), "{fault}");
    }
    let missing = pair.var("missingUid");
    let (s, a) = pair
        .both(get(format!("/organizations/companies/{missing}")))
        .await;
    assert_eq!(
        (kind(&s), kind(&a)),
        (ErrorType::Logical, ErrorType::Unspecified)
    );
    let company = format!("/organizations/companies/{}", pair.var("companyUid"));
    let read_only = r#"[{"op":"replace","path":"/instanceUid","value":"x"}]"#;
    let (s, a) = pair
        .both(with_body("PATCH", company, "application/json", read_only))
        .await;
    assert_eq!((s.code(), a.code()), (json!(1001), json!(1001)));
    assert_eq!(
        (kind(&s), kind(&a)),
        (ErrorType::Logical, ErrorType::RetryableLogical)
    );
    let running = pair.var("runningAsyncActionId");
    let (s, a) = pair
        .both(get(format!("/asyncActions/{running}/result")))
        .await;
    assert_eq!(
        (kind(&s), kind(&a)),
        (ErrorType::RetryableLogical, ErrorType::Logical)
    );
    let (s, a) = pair.both(get("/organizations/companies?limit=0")).await;
    assert_eq!(
        (kind(&s), kind(&a)),
        (ErrorType::Logical, ErrorType::Logical)
    );
}

#[tokio::test]
async fn retryable_logical_is_spelt_as_the_spec_or_as_the_prose() {
    let pair = Pair::start().await;
    let running = pair.var("runningAsyncActionId");
    let (s, _) = pair
        .both(get(format!("/asyncActions/{running}/result")))
        .await;
    assert_eq!(s.error()["type"], "retryableLogical");
    let company = format!("/organizations/companies/{}", pair.var("companyUid"));
    let read_only = r#"[{"op":"replace","path":"/instanceUid","value":"x"}]"#;
    let (_, a) = pair
        .both(with_body("PATCH", company, "application/json", read_only))
        .await;
    assert_eq!(a.error()["type"], "retryablelogical");
}

#[tokio::test]
async fn error_bodies_differ_in_content_type_and_members_beside_errors() {
    let pair = Pair::start().await;
    let (s, a) = pair.both(get("/organizations/companies?limit=0")).await;
    assert_eq!(s.content_type, "application/json; charset=utf-8");
    assert_eq!(a.content_type, "application/json");
    assert!(s.json().get("meta").is_none());
    assert_eq!(a.json()["meta"], Value::Null);
    assert_eq!(a.json()["data"], Value::Null);
    assert!(a.json().as_object().unwrap().contains_key("data"));
}

#[tokio::test]
async fn a_json_body_as_text_plain_is_415_or_400_naming_the_content_type() {
    let pair = Pair::start().await;
    let body = json!({
        "organizationInput": {"name": "Initech"},
        "ownerCredentials": {"userName": "initech.owner", "password": "Secret-1"}
    })
    .to_string();
    let (s, a) = pair
        .both(with_body(
            "POST",
            "/organizations/companies",
            "text/plain",
            &body,
        ))
        .await;
    assert_eq!((s.status, a.status), (415, 400));
    assert_eq!(a.error()["parameterName"], "Content-Type");
    let (s, a) = pair
        .both(with_body("POST", "/organizations/companies", "", &body))
        .await;
    assert_eq!((s.status, a.status), (415, 415));
}

#[tokio::test]
async fn a_missing_identity_provider_is_1200_or_404() {
    let pair = Pair::start().await;
    let path = format!(
        "/organizations/{}/identityProviders/nobody-here",
        pair.var("companyUid")
    );
    let (s, a) = pair.both(get(path)).await;
    assert_eq!((s.code(), a.code()), (json!(1200), json!(404)));
    assert_eq!((s.status, a.status), (520, 404));
    assert!(message(&a).contains("nobody-here"));
}

#[tokio::test]
async fn long_operations_answer_202_or_at_once() {
    let pair = Pair::start().await;
    let install = |computer: &str| {
        format!(
            "/discovery/computers/{}/installBackupAgent",
            pair.var(computer)
        )
    };
    let (s, a) = pair
        .both(with_body(
            "POST",
            install("computerUid"),
            "application/json",
            "{}",
        ))
        .await;
    assert_eq!((s.status, a.status), (202, 200), "{}", a.text);
    assert!(s.location.is_some());
    assert!(a.location.is_none());
    let (s, a) = pair
        .both(with_body(
            "POST",
            install("unreachableComputerUid"),
            "application/json",
            "{}",
        ))
        .await;
    assert_eq!(s.status, 202);
    assert_eq!((a.status, a.code()), (520, json!(3000)));
    let (_, a) = pair
        .both(with_body(
            "POST",
            install("silentComputerUid"),
            "application/json",
            "{}",
        ))
        .await;
    assert_eq!(a.code(), json!(1051));
}

#[tokio::test]
async fn query_names_match_in_any_case_or_exactly() {
    let pair = Pair::start().await;
    let (s, a) = pair.both(get("/organizations/companies?LIMIT=0")).await;
    assert_eq!((s.status, a.status), (400, 200));
}

#[tokio::test]
async fn a_repeated_query_parameter_binds_its_first_or_its_last_value() {
    let pair = Pair::start().await;
    let (s, a) = pair
        .both(get("/organizations/companies?limit=0&limit=5"))
        .await;
    assert_eq!((s.status, a.status), (400, 200));
    let (s, a) = pair
        .both(get("/organizations/companies?limit=5&limit=0"))
        .await;
    assert_eq!((s.status, a.status), (200, 400));
}

/// Each test above is about one choice; this keeps the list honest when a choice is added.
#[test]
fn every_choice_has_a_test_here() {
    let source = include_str!("mock_personality.rs");
    let tested: &[(Choice, &str)] = &[
        (Choice::RewordedMessages, "reworded_messages_"),
        (Choice::PointerPropertyPaths, "nested_properties_"),
        (
            Choice::EveryValidationError,
            "every_violation_or_the_first_",
        ),
        (Choice::BodyAsParameter, "a_body_that_is_not_json_"),
        (Choice::InvalidGrantForCredentials, "wrong_credentials_"),
        (Choice::RouteBeforeAuth, "an_unknown_path_without_a_token_"),
        (
            Choice::ExistenceBeforeValidation,
            "an_unknown_id_with_a_bad_query_",
        ),
        (
            Choice::RoleAfterValidation,
            "a_read_only_token_on_a_bad_write_",
        ),
        (Choice::SignificantTrailingSlash, "a_trailing_slash_"),
        (Choice::NoDefaultThrottling, "the_default_throttling_"),
        (Choice::OtherErrorTypes, "undocumented_types_differ_"),
        (Choice::LowercaseRetryable, "retryable_logical_is_spelt_"),
        (
            Choice::PlainJsonContentType,
            "error_bodies_differ_in_content_type",
        ),
        (
            Choice::NullMetaAndData,
            "error_bodies_differ_in_content_type_and_members",
        ),
        (
            Choice::RetryAfterOnlyPerTime,
            "a_configured_parallel_limit_",
        ),
        (
            Choice::ThrottleWithoutMessage,
            "a_configured_per_time_limit_",
        ),
        (Choice::ContentTypeAsParameter, "a_json_body_as_text_plain_"),
        (Choice::MissingProviderIs404, "a_missing_identity_provider_"),
        (Choice::SynchronousLongOperations, "long_operations_answer_"),
        (Choice::CaseSensitiveQueryNames, "query_names_match_"),
        (Choice::LastQueryValue, "a_repeated_query_parameter_"),
    ];
    for choice in Choice::ALL {
        let Some((_, prefix)) = tested.iter().find(|(c, _)| *c == choice) else {
            panic!("no test for {choice}");
        };
        assert!(
            source.contains(&format!("async fn {prefix}")),
            "{choice}: {prefix}"
        );
    }
}
