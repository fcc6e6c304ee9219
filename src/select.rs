//! Which cases a run takes: test-name filters as in `cargo test` (substring, `--exact`,
//! `--skip`) plus tags.

use crate::case::Case;

#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// A case is selected when its name contains any of these (or equals one, with `exact`).
    /// No filters selects every case.
    pub filters: Vec<String>,
    pub exact: bool,
    /// A case whose name contains any of these is left out.
    pub skip: Vec<String>,
    /// A case must carry every one of these tags.
    pub tags: Vec<String>,
}

impl Selection {
    pub fn selects(&self, case: &Case) -> bool {
        let name = case.name.as_str();
        let matched = self.filters.is_empty()
            || self.filters.iter().any(|f| {
                if self.exact {
                    name == f
                } else {
                    name.contains(f.as_str())
                }
            });
        let skipped = self.skip.iter().any(|s| {
            if self.exact {
                name == s
            } else {
                name.contains(s.as_str())
            }
        });
        let tagged = self.tags.iter().all(|t| case.has_tag(t));
        matched && !skipped && tagged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::case::parse_cases;
    use std::path::Path;

    fn cases() -> Vec<std::sync::Arc<Case>> {
        let text = r#"
[[case]]
name = "negative_offset"
tags = ["paging"]
request = { method = "GET", path = "/organizations/companies", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }

[[case]]
name = "negative_offset_locations"
request = { method = "GET", path = "/organizations/locations", query = { offset = -1 } }
expect = { code = 400, parameter = "offset" }
"#;
        let (cases, problems) = parse_cases(
            Path::new("cases/pagination.toml"),
            text,
            "pagination",
            crate::contract::ApiVersion::FALLBACK,
        );
        assert!(problems.is_empty(), "{problems:?}");
        cases
    }

    fn names(selection: &Selection) -> Vec<String> {
        cases()
            .into_iter()
            .filter(|c| selection.selects(c))
            .map(|c| c.name.clone())
            .collect()
    }

    #[test]
    fn filters_work_like_cargo_test() {
        assert_eq!(names(&Selection::default()).len(), 2);
        let sub = Selection {
            filters: vec!["negative_offset".into()],
            ..Default::default()
        };
        assert_eq!(names(&sub).len(), 2);
        let exact = Selection {
            exact: true,
            ..sub.clone()
        };
        assert!(names(&exact).is_empty());
        let exact = Selection {
            filters: vec!["pagination::negative_offset".into()],
            exact: true,
            ..Default::default()
        };
        assert_eq!(names(&exact), vec!["pagination::negative_offset"]);
        let skip = Selection {
            skip: vec!["locations".into()],
            ..Default::default()
        };
        assert_eq!(names(&skip), vec!["pagination::negative_offset"]);
        let tag = Selection {
            tags: vec!["paging".into()],
            ..Default::default()
        };
        assert_eq!(names(&tag), vec!["pagination::negative_offset"]);
    }
}
