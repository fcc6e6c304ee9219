//! The direction of flow, drawn as a test: data at the bottom (contract, case, exchange,
//! outcome), the pure steps above it (check, matrix, report), the network below the runner only
//! (send, target), and the mock knowing the contract and nothing of the harness. Each rule reads
//! the crate's own references (`crate::x`, `use reqwest`, ...) in `src/`, comments left out.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every top-level module of `src/` and the text of its files, comments removed.
fn modules() -> BTreeMap<String, String> {
    fn walk(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                walk(&path, files);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&src, &mut files);
    let mut modules = BTreeMap::<String, String>::new();
    for file in files {
        let relative = file.strip_prefix(&src).unwrap();
        let top = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_string();
        if top == "lib" || top == "main" {
            continue;
        }
        let code: String = std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        modules.entry(top).or_default().push_str(&code);
    }
    modules
}

/// The crate modules a module's code names (`crate::send::...`, `use crate::{case, check}`).
fn uses(code: &str, known: &BTreeSet<String>) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + "crate::".len()..];
        let names: Vec<&str> = match rest.strip_prefix('{') {
            Some(group) => group
                .split('}')
                .next()
                .unwrap_or("")
                .split(',')
                .map(|n| n.trim().split("::").next().unwrap_or(""))
                .collect(),
            None => vec![
                rest.split(|c: char| !c.is_alphanumeric() && c != '_')
                    .next()
                    .unwrap_or(""),
            ],
        };
        found.extend(
            names
                .into_iter()
                .filter(|n| known.contains(*n))
                .map(str::to_string),
        );
    }
    found
}

fn graph() -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, String>) {
    let modules = modules();
    let known: BTreeSet<String> = modules.keys().cloned().collect();
    let graph = modules
        .iter()
        .map(|(name, code)| {
            let mut deps = uses(code, &known);
            deps.remove(name);
            (name.clone(), deps)
        })
        .collect();
    (graph, modules)
}

#[test]
fn the_modules_import_each_other_in_one_direction_only() {
    let (graph, _) = graph();
    fn reaches(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
        seen: &mut BTreeSet<String>,
    ) -> bool {
        graph
            .get(from)
            .into_iter()
            .flatten()
            .any(|next| next == to || (seen.insert(next.clone()) && reaches(graph, next, to, seen)))
    }
    let cycles: Vec<String> = graph
        .iter()
        .flat_map(|(from, deps)| deps.iter().map(move |to| (from, to)))
        .filter(|(from, to)| reaches(&graph, to, from, &mut BTreeSet::new()))
        .map(|(from, to)| format!("{from} -> {to} -> ... -> {from}"))
        .collect();
    assert!(cycles.is_empty(), "import cycles: {cycles:#?}");
    // The rule is only worth something if it reads the imports at all.
    assert!(graph["run"].contains("send") && graph["check"].contains("contract"));
}

#[test]
fn the_pure_steps_never_touch_the_network() {
    let (graph, modules) = graph();
    for pure in [
        "contract",
        "baseline",
        "case",
        "exchange",
        "outcome",
        "check",
        "matrix",
        "report",
        "diagnostic",
        "select",
    ] {
        let deps = &graph[pure];
        for network in ["send", "target", "run"] {
            // Reporters consume the runner's events; nothing else below the runner may name it.
            if pure == "report" && network == "run" {
                continue;
            }
            assert!(!deps.contains(network), "`{pure}` imports `{network}`");
        }
        let code = &modules[pure];
        for client in ["reqwest", "tokio::net", "hyper"] {
            assert!(!code.contains(client), "`{pure}` names `{client}`");
        }
    }
}

#[test]
fn the_mock_knows_the_contract_and_nothing_of_the_harness() {
    let (graph, _) = graph();
    let foreign: Vec<&String> = graph["mock"].iter().filter(|m| *m != "contract").collect();
    assert!(foreign.is_empty(), "the mock imports {foreign:?}");
    assert!(
        graph["contract"].is_empty(),
        "the contract imports {:?}",
        graph["contract"]
    );
}

#[test]
fn the_sender_knows_neither_the_mock_nor_who_chose_the_target() {
    let (graph, _) = graph();
    for above in ["mock", "target", "run", "config", "cli"] {
        assert!(
            !graph["send"].contains(above),
            "`send` imports `{above}`: choosing and starting the target belong above the sender"
        );
    }
}
