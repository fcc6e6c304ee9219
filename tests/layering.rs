//! The direction of flow, drawn as a test: data at the bottom (contract, case, exchange,
//! outcome), the pure steps above it (check, matrix, report), the network below the runner only
//! (send, target), and the mock knowing the contract and nothing of the harness. Each rule reads
//! the crate's own references (`crate::x`, `super::x`, `use reqwest`, ...) in `src/`, comments
//! left out.
//!
//! "One direction" holds at every level: between the top-level modules, and between the files
//! of one folder (`report/curl.rs` and `report/record.rs`), where a folder's own `mod.rs` is
//! the folder itself and not one of its files: it names its files and they may name it.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

/// A module path under the crate root: `["report", "curl"]`; `["report"]` for report/mod.rs.
type Module = Vec<String>;

/// A file of `src/`: its module and its code, comments removed, split where its test module
/// starts (inside `mod tests`, `super` is the file itself).
struct File {
    module: Module,
    code: String,
    tests: String,
}

fn files() -> Vec<File> {
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
    let mut paths = Vec::new();
    walk(&src, &mut paths);
    paths.sort();
    let mut files = Vec::new();
    for path in paths {
        let relative = path.strip_prefix(&src).unwrap();
        let mut module: Module = relative
            .components()
            .map(|c| {
                c.as_os_str()
                    .to_string_lossy()
                    .trim_end_matches(".rs")
                    .to_string()
            })
            .collect();
        if module == ["lib"] || module == ["main"] {
            continue;
        }
        if module.last().is_some_and(|m| m == "mod") {
            module.pop();
        }
        let text: String = std::fs::read_to_string(&path)
            .unwrap()
            .lines()
            .map(|line| line.split("//").next().unwrap_or(""))
            .collect::<Vec<_>>()
            .join("\n");
        let (code, tests) = match text.find("#[cfg(test)]\nmod ") {
            Some(at) => (text[..at].to_string(), text[at..].to_string()),
            None => (text, String::new()),
        };
        files.push(File {
            module,
            code,
            tests,
        });
    }
    files
}

/// Every top-level module of `src/` and the text of its files, comments removed.
fn modules() -> BTreeMap<String, String> {
    let mut modules = BTreeMap::<String, String>::new();
    for file in files() {
        let text = modules.entry(file.module[0].clone()).or_default();
        text.push_str(&file.code);
        text.push_str(&file.tests);
    }
    modules
}

/// The paths a `use` tree names, read from the start of `text`: `a::{b, c::D}` gives `a::b`
/// and `a::c::D`; `self` inside braces is the path before them.
fn use_tree(text: &str) -> Vec<Vec<String>> {
    fn tree(s: &[u8], i: &mut usize, depth: usize) -> Vec<Vec<String>> {
        let skip_space = |i: &mut usize| {
            while *i < s.len() && s[*i].is_ascii_whitespace() {
                *i += 1;
            }
        };
        skip_space(i);
        if depth > 8 || *i >= s.len() {
            return Vec::new();
        }
        if s[*i] == b'{' {
            *i += 1;
            let mut paths = Vec::new();
            loop {
                skip_space(i);
                if *i >= s.len() || s[*i] == b'}' {
                    *i += 1;
                    return paths;
                }
                paths.extend(tree(s, i, depth + 1));
                // What follows a path in a group (`as name`) up to the next one.
                while *i < s.len() && s[*i] != b',' && s[*i] != b'}' {
                    *i += 1;
                }
                if *i < s.len() && s[*i] == b',' {
                    *i += 1;
                }
            }
        }
        let start = *i;
        while *i < s.len() && (s[*i].is_ascii_alphanumeric() || s[*i] == b'_') {
            *i += 1;
        }
        if start == *i {
            return vec![Vec::new()];
        }
        let name = String::from_utf8_lossy(&s[start..*i]).to_string();
        if s[*i..].starts_with(b"::") {
            *i += 2;
            let rest = tree(s, i, depth + 1);
            if !rest.is_empty() {
                return rest
                    .into_iter()
                    .map(|mut path| {
                        path.insert(0, name.clone());
                        path
                    })
                    .collect();
            }
        }
        vec![vec![name]]
    }
    tree(text.as_bytes(), &mut 0, 0)
        .into_iter()
        .map(|path| path.into_iter().filter(|s| s != "self").collect())
        .collect()
}

/// The modules a file's code names, each the longest known module of the path:
/// `crate::send::pacing::Pace` is `send::pacing`, `super::record` from `report::curl` is
/// `report::record`.
fn references(file: &File, known: &BTreeSet<Module>) -> BTreeSet<Module> {
    let mut named: Vec<Module> = Vec::new();
    let mut read = |text: &str, prefix: &str, base: &[String]| {
        for (at, _) in text.match_indices(prefix) {
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            for path in use_tree(&text[at + prefix.len()..]) {
                let mut full = base.to_vec();
                for segment in path {
                    // `super::super::x`
                    if segment == "super" {
                        full.pop();
                    } else {
                        full.push(segment);
                    }
                }
                named.push(full);
            }
        }
    };
    let parent = &file.module[..file.module.len() - 1];
    read(&file.code, "crate::", &[]);
    read(&file.tests, "crate::", &[]);
    read(&file.code, "super::", parent);
    read(&file.code, "self::", &file.module);
    named
        .into_iter()
        .filter_map(|path| {
            (1..=path.len())
                .rev()
                .map(|n| path[..n].to_vec())
                .find(|m| known.contains(m))
        })
        .collect()
}

/// The arrows between the modules of each folder: for the folder `report` (`["report"]`),
/// which of its files names which (`curl -> record`); for the crate root (`[]`), which
/// top-level module names which. A reference from deeper down counts for the folder's entry it
/// is under (`mock/operate/users.rs` naming `mock::state` is `operate -> state` in `mock`);
/// one between a folder and what is inside it counts nowhere.
fn graphs() -> BTreeMap<Module, BTreeMap<String, BTreeSet<String>>> {
    let files = files();
    let known: BTreeSet<Module> = files.iter().map(|f| f.module.clone()).collect();
    let mut graphs = BTreeMap::<Module, BTreeMap<String, BTreeSet<String>>>::new();
    for file in &files {
        let from = &file.module;
        // Every module is a node of its folder's graph, named or not.
        graphs
            .entry(from[..from.len() - 1].to_vec())
            .or_default()
            .entry(from[from.len() - 1].clone())
            .or_default();
        for to in references(file, &known) {
            let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
            if common == from.len() || common == to.len() {
                continue;
            }
            graphs
                .entry(from[..common].to_vec())
                .or_default()
                .entry(from[common].clone())
                .or_default()
                .insert(to[common].clone());
        }
    }
    graphs
}

/// The top-level modules and which of the others each names.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, String>) {
    let mut graphs = graphs();
    (graphs.remove(&Vec::new()).unwrap_or_default(), modules())
}

/// Every arrow of `graph` that closes a cycle, as the cycle it closes: `a -> b -> c -> a`.
fn cycles(graph: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    /// The shortest way from `from` to `to`, both included.
    fn way(
        graph: &BTreeMap<String, BTreeSet<String>>,
        from: &str,
        to: &str,
    ) -> Option<Vec<String>> {
        let mut came_from = BTreeMap::<&str, &str>::new();
        let mut queue = VecDeque::from([from]);
        while let Some(at) = queue.pop_front() {
            if at == to {
                let mut way = vec![to.to_string()];
                let mut step = to;
                while step != from {
                    step = came_from[step];
                    way.push(step.to_string());
                }
                way.reverse();
                return Some(way);
            }
            for next in graph.get(at).into_iter().flatten() {
                if next != from && !came_from.contains_key(next.as_str()) {
                    came_from.insert(next, at);
                    queue.push_back(next);
                }
            }
        }
        None
    }
    graph
        .iter()
        .flat_map(|(from, deps)| deps.iter().map(move |to| (from, to)))
        .filter_map(|(from, to)| {
            let back = way(graph, to, from)?;
            Some(format!("{from} -> {}", back.join(" -> ")))
        })
        .collect()
}

#[test]
fn the_cycle_finder_finds_a_cycle_of_any_length_and_only_cycles() {
    let graph = |arrows: &[(&str, &str)]| {
        let mut graph = BTreeMap::<String, BTreeSet<String>>::new();
        for (from, to) in arrows {
            graph.entry(to.to_string()).or_default();
            graph
                .entry(from.to_string())
                .or_default()
                .insert(to.to_string());
        }
        graph
    };
    assert_eq!(
        cycles(&graph(&[("curl", "record"), ("record", "curl")])),
        ["curl -> record -> curl", "record -> curl -> record"]
    );
    let long = cycles(&graph(&[("a", "b"), ("b", "c"), ("c", "a"), ("d", "a")]));
    assert_eq!(long.len(), 3, "{long:?}");
    assert!(long.contains(&"a -> b -> c -> a".to_string()), "{long:?}");
    assert!(long.iter().all(|c| !c.contains('d')), "{long:?}");
    assert!(cycles(&graph(&[("a", "b"), ("b", "c"), ("a", "c")])).is_empty());
}

#[test]
fn references_are_read_through_use_groups_super_and_full_paths() {
    let known: BTreeSet<Module> = [
        vec!["report"],
        vec!["report", "curl"],
        vec!["report", "record"],
        vec!["report", "json"],
        vec!["matrix"],
        vec!["mock"],
        vec!["mock", "state"],
    ]
    .into_iter()
    .map(|m| m.into_iter().map(String::from).collect())
    .collect();
    let file = File {
        module: vec!["report".into(), "curl".into()],
        code: "use super::{record::RunRecord, SECRET_HEADERS, json as j};\n\
               use crate::{matrix::Matrix, mock::state::{self, Kind}};\n\
               fn f() { let _ = super::super::mock::MockConsole; }"
            .into(),
        tests: "use super::*; use crate::report::json;".into(),
    };
    let found: BTreeSet<String> = references(&file, &known)
        .into_iter()
        .map(|m| m.join("::"))
        .collect();
    assert_eq!(
        found,
        [
            "matrix",
            "mock",
            "mock::state",
            "report",
            "report::json",
            "report::record"
        ]
        .map(String::from)
        .into()
    );
}

#[test]
fn the_modules_import_each_other_in_one_direction_only() {
    let (graph, _) = graph();
    let found = cycles(&graph);
    assert!(found.is_empty(), "import cycles: {found:#?}");
    // The rule is only worth something if it reads the imports at all.
    assert!(graph["run"].contains("send") && graph["check"].contains("contract"));
}

#[test]
fn the_files_of_one_folder_import_each_other_in_one_direction_only() {
    let graphs = graphs();
    let found: Vec<String> = graphs
        .iter()
        .filter(|(folder, _)| !folder.is_empty())
        .flat_map(|(folder, graph)| {
            cycles(graph)
                .into_iter()
                .map(move |cycle| format!("src/{}/: {cycle}", folder.join("/")))
        })
        .collect();
    assert!(found.is_empty(), "import cycles between files: {found:#?}");
    // It reads the folders' files: a reporter names the record, an operation the state.
    assert!(graphs[&vec!["report".to_string()]]["json"].contains("record"));
    assert!(graphs[&vec!["mock".to_string()]]["operate"].contains("state"));
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
