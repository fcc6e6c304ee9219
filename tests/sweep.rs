//! Sweeps as a user meets them: how many cases the shipped rules generate, their names, name
//! filters, lint diagnostics for rules, and mutating cases skipped against a real console.

mod common;

use common::bin;
use std::path::{Path, PathBuf};
use vspc_conformance::case::{self, Origin, parse_cases};
use vspc_conformance::contract::ApiVersion;

fn shipped() -> Vec<std::sync::Arc<case::Case>> {
    let loaded = case::load(
        &[PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("cases")],
        ApiVersion::FALLBACK,
    );
    assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
    loaded.cases
}

#[test]
fn the_shipped_rules_generate_over_4000_cases_with_stable_names() {
    let cases = shipped();
    let generated: Vec<&std::sync::Arc<case::Case>> = cases
        .iter()
        .filter(|c| matches!(c.origin, Origin::Sweep { .. }))
        .collect();
    assert!(
        generated.len() > 4000,
        "{} generated cases",
        generated.len()
    );
    for case in &generated {
        let Origin::Sweep { rule } = &case.origin else {
            unreachable!()
        };
        let operation = case.operation().unwrap();
        assert!(
            case.name.starts_with(&format!("sweep::{rule}::")),
            "{}",
            case.name
        );
        // An input sweep names the input it breaks: `(query offset)`, `(body organizationInput.name)`.
        if let Some(broken) = &case.broken {
            assert!(
                operation.ends_with(&format!("({})", broken.constraint.input)),
                "{}",
                case.name
            );
        }
        assert!(operation.starts_with(&case.request.method), "{}", case.name);
    }
    let again: Vec<String> = shipped().iter().map(|c| c.name.clone()).collect();
    let names: Vec<String> = cases.iter().map(|c| c.name.clone()).collect();
    assert_eq!(names, again, "names and order are the same on every load");
    for rule in [
        "missing_token",
        "invalid_token",
        "read_only_token",
        "read_only_token_get",
        "role_refused",
        "anonymous_admitted",
        "unknown_uuid",
        "json_as_text_plain",
        "malformed_json_body",
        "patch_not_an_array",
        "patch_unknown_op",
        "required_left_out",
        "wrong_type",
        "below_minimum",
        "above_maximum",
        "too_short",
        "too_long",
        "pattern_mismatch",
        "outside_enum",
        "too_few_items",
        "too_many_items",
        "duplicate_items",
    ] {
        let prefix = format!("sweep::{rule}::");
        assert!(
            names.iter().any(|n| n.starts_with(&prefix)),
            "no case for rule {rule}"
        );
    }
}

#[test]
fn a_rule_filter_selects_exactly_that_rules_cases() {
    let output = bin()
        .args(["run", "--list", "sweep::missing_token"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let listed = String::from_utf8_lossy(&output.stdout);
    // Each line is the name, a tab and where the case comes from.
    let names: Vec<&str> = listed
        .lines()
        .filter_map(|l| l.split('\t').next())
        .collect();
    assert_eq!(
        names.len(),
        937,
        "one case per operation that is not anonymous"
    );
    assert!(
        names
            .iter()
            .all(|n| n.starts_with("sweep::missing_token::"))
    );
    assert!(names.contains(&"sweep::missing_token::GET /organizations/companies"));
}

#[test]
fn path_parameters_are_swept_one_at_a_time() {
    let cases = shipped();
    let swept: Vec<&std::sync::Arc<case::Case>> = cases
        .iter()
        .filter(|c| c.name.starts_with("sweep::wrong_type::GET /organizations/resellers/{resellerUid}/sites/{siteUid} (path "))
        .collect();
    assert_eq!(swept.len(), 2);
    assert_eq!(
        swept[0].request.path,
        format!(
            "/organizations/resellers/not-a-uuid/sites/{}",
            case::MISSING_UUID
        )
    );
    assert_eq!(
        swept[1].request.path,
        format!(
            "/organizations/resellers/{}/sites/not-a-uuid",
            case::MISSING_UUID
        )
    );
    assert_eq!(
        swept[1].expect.field,
        Some(case::Field::Parameter("siteUid".into()))
    );
}

#[test]
fn only_unscoped_writes_of_a_risky_rule_are_mutating() {
    let cases = shipped();
    let rule: Vec<&std::sync::Arc<case::Case>> = cases
        .iter()
        .filter(|c| c.name.starts_with("sweep::missing_token::"))
        .collect();
    let mutating: Vec<&str> = rule
        .iter()
        .filter(|c| c.has_tag("mutating"))
        .map(|c| c.name.as_str())
        .collect();
    assert!(mutating.contains(&"sweep::missing_token::POST /organizations/companies"));
    assert!(
        !mutating.contains(&"sweep::missing_token::DELETE /organizations/companies/{companyUid}")
    );
    assert!(!mutating.iter().any(|n| n.contains("::GET ")));
    let safe_rule = cases
        .iter()
        .filter(|c| c.name.starts_with("sweep::malformed_json_body::"));
    assert!(safe_rule.clone().count() > 0 && safe_rule.into_iter().all(|c| !c.has_tag("mutating")));
}

fn lint(text: &str) -> Vec<String> {
    let (_, problems) = parse_cases(Path::new("cases/s.toml"), text, "s", ApiVersion::FALLBACK);
    problems.iter().map(|p| p.to_string()).collect()
}

#[test]
fn lint_points_at_problems_in_rules() {
    let base = r#"
[[sweep]]
name = "r"
select = { collection = true }
request = { query = { limit = 0 } }
expect = { code = 400, parameter = "limit" }
"#;
    assert!(lint(base).is_empty(), "{:?}", lint(base));
    let nothing = lint(&base.replace(
        "{ collection = true }",
        "{ collection = true, methods = [\"DELETE\"] }",
    ));
    assert!(
        nothing[0].contains("selects no operation") && nothing[0].contains("cases/s.toml:4:"),
        "{nothing:?}"
    );
    let typo = lint(&base.replace("collection = true", "colection = true"));
    assert!(
        typo[0].contains("unknown key `colection`")
            && typo[0].contains("did you mean `collection`?"),
        "{typo:?}"
    );
    let tag = lint(&base.replace("collection = true", "tags = [\"companys\"]"));
    assert!(
        tag[0].contains("no operation of the catalogue has the tag `companys`")
            && tag[0].contains("did you mean `companies`?"),
        "{tag:?}"
    );
    let placeholder = lint(&base.replace("parameter = \"limit\"", "parameter = \"{parameter}\""));
    assert!(
        placeholder[0].contains("`{parameter}` needs `path_parameter`"),
        "{placeholder:?}"
    );
    let code = lint(&base.replace("code = 400", "code = 4000000"));
    assert!(code[0].contains("cases/s.toml:6:"), "{code:?}");
}

#[test]
fn lint_points_at_problems_in_rules_that_break_constraints() {
    let base = r#"
[[sweep]]
name = "r"
select = { tags = ["companies"] }
breaks = { keyword = "maxLength", inputs = ["body"] }
expect = { code = 400 }
"#;
    assert!(lint(base).is_empty(), "{:?}", lint(base));
    let typo = lint(&base.replace("maxLength", "maxlenght"));
    assert!(
        typo[0].contains("`maxlenght` is not a keyword")
            && typo[0].contains("did you mean `maxLength`?"),
        "{typo:?}"
    );
    let change = lint(&base.replace("expect =", "request = { query = { limit = 0 } }\nexpect ="));
    assert!(
        change[0].contains("changes nothing else of the request"),
        "{change:?}"
    );
    let field = lint(&base.replace("code = 400", "code = 400, property = \"name\""));
    assert!(field[0].contains("is its input's own"), "{field:?}");
    let place = lint(&base.replace("\"body\"", "\"cookie\""));
    assert!(place[0].contains("cookie"), "{place:?}");
}

#[test]
fn lint_points_at_problems_in_rules_over_roles() {
    let base = r#"
[[sweep]]
name = "r"
select = { refuses = "CompanyTenant", tags = ["companies"] }
roles = "refused"
expect = { code = 403 }
"#;
    assert!(lint(base).is_empty(), "{:?}", lint(base));
    let typo = lint(&base.replace("\"CompanyTenant\"", "\"CompanyTennant\""));
    assert!(
        typo[0].contains("`CompanyTennant` is not a role") && typo[0].contains("CompanyTenant"),
        "{typo:?}"
    );
    let with_breaks = lint(&base.replace(
        "roles = \"refused\"",
        "roles = \"refused\"\nbreaks = { keyword = \"required\" }",
    ));
    assert!(
        with_breaks
            .iter()
            .any(|p| p.contains("a rule over roles sends each role's token")),
        "{with_breaks:?}"
    );
    let admitted_and_code =
        lint(&base.replace("{ code = 403 }", "{ code = 403, admitted = true }"));
    assert!(
        admitted_and_code[0].contains("`admitted = true` stands alone"),
        "{admitted_and_code:?}"
    );
}

#[test]
fn a_role_rule_makes_a_case_per_role_the_operation_does_not_admit_with_that_roles_token() {
    let cases = shipped();
    let ops = vspc_conformance::contract::Contract::get().catalogue(ApiVersion::FALLBACK);
    let op = ops
        .get("DELETE", "/organizations/companies/{companyUid}")
        .unwrap();
    let swept: Vec<&std::sync::Arc<case::Case>> = cases
        .iter()
        .filter(|c| {
            c.name
                .starts_with("sweep::role_refused::DELETE /organizations/companies/{companyUid} (")
        })
        .collect();
    let refused: Vec<_> = ops.roles().iter().filter(|r| !op.admits(*r)).collect();
    assert_eq!(swept.len(), refused.len());
    for (case, role) in swept.iter().zip(&refused) {
        assert!(case.name.ends_with(&format!("({role})")), "{}", case.name);
        assert_eq!(case.request.credentials.role(), Some(*role));
        assert_eq!(case.expect.error.code(), Some(403));
        // The order of checks is open: validation or an id's lookup first is inconclusive.
        assert!(case.expect.inconclusive_on.contains(&400));
        assert!(case.expect.inconclusive_on.contains(&404));
        assert!(!case.expect.inconclusive_on.contains(&401));
    }
    // A create refused to a role is mutating: a console that let it through would create.
    let create = cases
        .iter()
        .find(|c| {
            c.name
                .starts_with("sweep::role_refused::POST /organizations/companies (")
        })
        .unwrap();
    assert!(create.has_tag("mutating"));
    // Its base body names a reseller that exists nowhere, which a console may look up first.
    assert!(
        create.expect.inconclusive_on.contains(&404),
        "{:?}",
        create.expect.inconclusive_on
    );
    // Without an id in the path or the body, a 404 is judged as the failure it is.
    let about = cases
        .iter()
        .find(|c| c.name.starts_with("sweep::role_refused::GET /about ("))
        .unwrap();
    assert!(
        !about.expect.inconclusive_on.contains(&404),
        "{:?}",
        about.expect.inconclusive_on
    );
}

#[test]
fn a_rule_that_breaks_constraints_names_each_input_and_its_own_field() {
    let cases = shipped();
    let case = cases
        .iter()
        .find(|c| {
            c.name == "sweep::too_long::POST /organizations/companies (body organizationInput.name)"
        })
        .expect("the company name's maxLength is broken");
    assert_eq!(
        case.expect.field,
        Some(case::Field::Property("organizationInput.name".into()))
    );
    assert!(case.has_tag("mutating"), "a create is an unscoped write");
    let broken = case.broken.as_ref().unwrap();
    assert_eq!(broken.constraint.keyword.as_str(), "maxLength");
    let offset = cases
        .iter()
        .find(|c| c.name == "sweep::below_minimum::GET /organizations/companies (query offset)")
        .unwrap();
    assert_eq!(
        offset.request.query,
        vec![("offset".to_string(), "-1".to_string())]
    );
    assert!(!offset.has_tag("mutating"));
}

#[test]
fn mutating_cases_are_skipped_against_a_real_console_unless_allowed() {
    use vspc_conformance::mock::{ADMIN_PASSWORD, MockConfig, MockConsole};
    let mock = MockConsole::start(MockConfig::default()).unwrap();
    let run = |extra: &[&str]| {
        let dir = common::temp_dir(&format!("sweep-mutating-{}", extra.len()));
        let report = dir.join("r.json");
        let output = bin()
            .args([
                "run",
                "sweep::missing_token",
                "--target",
                &mock.uri(),
                "--username",
                "admin",
            ])
            // The mock takes any pace; a real console gets the modest default.
            .args(["--rps", "100000", "--concurrency", "32"])
            .args(extra)
            .env("VSPC_PASSWORD", ADMIN_PASSWORD)
            .arg("--report")
            .arg(format!("json={}", report.display()))
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stdout)
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(report).unwrap()).unwrap();
        (
            json["summary"]["skipped"].as_u64().unwrap(),
            String::from_utf8_lossy(&output.stdout).to_string(),
        )
    };
    let (skipped, shown) = run(&[]);
    assert_eq!(skipped, 37, "the unscoped writes");
    assert!(
        shown.contains("mutating: changes the target; run with --allow-mutations"),
        "{shown}"
    );
    let (skipped, _) = run(&["--allow-mutations"]);
    assert_eq!(skipped, 0);
}
