//! The whole catalogue: every operation answers, with a success or a conforming error.

use crate::{start, var};
use serde_json::json;
use vspc_conformance::contract::{ApiVersion, Contract, status_for_code};
use vspc_conformance::mock::MockConfig;

/// Every operation of the catalogue answers, with a success or a conforming error.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_of_the_catalogue_answers() {
    let (mock, client) = start(MockConfig::default());
    let token = client.login().await;
    let client = std::sync::Arc::new(client);
    let contract = Contract::get();
    let mut requests = Vec::new();
    for op in contract
        .catalogue(ApiVersion::FALLBACK)
        .all()
        .iter()
        .filter(|op| !op.anonymous)
    {
        let mut path = op.path.clone();
        for parameter in &op.path_parameters {
            let value = match parameter.format {
                "uuid" => mock
                    .variables()
                    .get(&parameter.name)
                    .cloned()
                    .unwrap_or_else(|| var(&mock, "companyUid")),
                "integer" => "1".to_string(),
                _ => "name".to_string(),
            };
            path = path.replace(&format!("{{{}}}", parameter.name), &value);
        }
        let body = op.body.as_ref().map(|spec| {
            let text = match spec.kind {
                vspc_conformance::contract::BodyKind::JsonPatch => "[]".to_string(),
                vspc_conformance::contract::BodyKind::Json => json!({"name": "Sweep"}).to_string(),
                _ => "x".to_string(),
            };
            (spec.content_type.clone(), text)
        });
        requests.push((op.method.clone(), path, body));
    }
    let sent = requests.len();
    let chunks: Vec<Vec<_>> = requests.chunks(60).map(<[_]>::to_vec).collect();
    let mut tasks = tokio::task::JoinSet::new();
    for chunk in chunks {
        let (client, token) = (client.clone(), token.clone());
        tasks.spawn(async move {
            let mut seen = Vec::new();
            for (method, path, body) in chunk {
                let body = body.as_ref().map(|(ct, text)| (ct.as_str(), text.clone()));
                let observed = client.send(&method, &path, Some(&token), &[], body).await;
                seen.push((method, path, observed));
            }
            seen
        });
    }
    let mut answered = 0;
    while let Some(seen) = tasks.join_next().await {
        for (method, path, observed) in seen.unwrap() {
            answered += 1;
            if observed.status == 202 {
                assert!(
                    observed.json()["data"]["status"] == "running",
                    "{method} {path}: {}",
                    observed.text
                );
                continue;
            }
            if observed.status == 200 {
                assert!(
                    observed.json().get("data").is_some(),
                    "{method} {path}: {}",
                    observed.text
                );
                continue;
            }
            let body = observed.json();
            assert!(
                contract.envelope_violations(&body).is_empty(),
                "{method} {path}: {body}"
            );
            let code = body["errors"][0]["code"].as_i64().unwrap();
            assert_eq!(
                i64::from(observed.status),
                i64::from(status_for_code(code)),
                "{method} {path}"
            );
            assert!(code != 500 && code != 429, "{method} {path}: {body}");
        }
    }
    // Every operation but the anonymous ones, which the token-less walk leaves out.
    assert_eq!(answered, sent);
    assert!(sent > 900, "{sent}");
}
