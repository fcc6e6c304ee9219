//! The base request of every operation, as the input sweeps build it from the spec, is well
//! formed: the mock of each version validates it by its spec and finds nothing to refuse.

use super::*;
use vspc_conformance::case::Body;
use vspc_conformance::case::inputs;
use vspc_conformance::contract::ApiVersion;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_mock_accepts_every_base_request_at_every_version() {
    let mut refused = Vec::new();
    for version in ApiVersion::ALL {
        let (_mock, client) = start(MockConfig {
            api_version: version,
            ..MockConfig::default()
        });
        let token = client.login().await;
        let catalogue = Contract::get().catalogue(version);
        let plan = inputs::plan(version);
        for (op, planned) in catalogue.all().iter().zip(&plan.operations) {
            // POST /token's form is OAuth2's, and its base is no login.
            if op.method == "POST" && op.path == "/token" {
                continue;
            }
            let base = &planned.base;
            assert!(
                base.flaw.is_none(),
                "{version} {} {}: {:?}",
                op.method,
                op.path,
                base.flaw
            );
            let query: String = base
                .query
                .iter()
                .map(|(k, v)| {
                    format!(
                        "{k}={}",
                        percent_encoding::utf8_percent_encode(
                            v,
                            percent_encoding::NON_ALPHANUMERIC
                        )
                    )
                })
                .collect::<Vec<_>>()
                .join("&");
            let path = match query.is_empty() {
                true => base.path.clone(),
                false => format!("{}?{query}", base.path),
            };
            let mut headers: Vec<(&str, &str)> = vec![("X-Client-Version", version.as_str())];
            headers.extend(base.headers.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            let body = match &base.body {
                Body::Empty => None,
                Body::Json(json) => Some(("application/json", json.text())),
                Body::Raw(text) => Some((base.content_type.as_deref().unwrap_or(""), text.clone())),
                Body::Form(_) => Some((base.content_type.as_deref().unwrap_or(""), String::new())),
            };
            let observed = client
                .send(&op.method, &path, Some(&token), &headers, body)
                .await;
            if matches!(observed.status, 400 | 415) {
                refused.push(format!(
                    "{version} {} {}: {} {}",
                    op.method, op.path, observed.status, observed.text
                ));
            }
        }
    }
    assert!(
        refused.is_empty(),
        "{} refused:\n{}",
        refused.len(),
        refused.join("\n")
    );
}
