//! Every claim a shipped case or sweep rule makes names the fact it rests on, so a red result can
//! always say which source the console broke.

use vspc_conformance::case::{self, Claim};
use vspc_conformance::contract::ApiVersion;

#[test]
fn every_shipped_claim_names_its_source_at_every_version() {
    for version in ApiVersion::ALL {
        let loaded = case::load(
            &[concat!(env!("CARGO_MANIFEST_DIR"), "/cases").into()],
            version,
        );
        assert!(loaded.problems.is_empty(), "{:?}", loaded.problems);
        let mut unsourced = Vec::new();
        for case in &loaded.cases {
            let e = &case.expect;
            let made = [
                (Claim::Code, true),
                (Claim::Status, e.status.is_some()),
                (Claim::Type, e.error_type.is_some()),
                (Claim::Field, e.field.is_some()),
                (Claim::Message, e.message.is_some()),
            ];
            for (claim, made) in made {
                if made
                    && e.sources
                        .get(claim)
                        .is_none_or(|s| s.text.trim().is_empty())
                {
                    unsourced.push(format!("{} {claim:?}", case.name));
                }
            }
        }
        assert!(unsourced.is_empty(), "at {version}: {unsourced:#?}");
    }
}
