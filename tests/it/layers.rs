//! The module graph points one way. Every top-level module of `src/` has a
//! layer; a module may use modules of its own layer or lower ones, and the
//! graph has no cycle. A new module must be given a layer here.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Lowest first, as `src/lib.rs` describes them.
const LAYERS: &[(&str, &[&str])] = &[
    ("vocabulary", &["model", "error", "text", "path", "glob"]),
    (
        "parsers",
        &["xml", "nuget", "icacls", "iis", "apache", "facts"],
    ),
    ("server and target", &["server", "target"]),
    ("inputs", &["inputs"]),
    ("rules", &["rules"]),
    ("scan", &["scan"]),
    ("collect", &["collect"]),
    ("waivers and baselines", &["waivers", "baseline"]),
    ("results", &["report"]),
    ("emitters, diff and fleet", &["diff", "fleet"]),
    ("command line", &["version", "cli"]),
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS
        .iter()
        .position(|(_, modules)| modules.contains(&module))
}

/// Top-level module → the top-level modules its code names through `crate::`.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut files = vec![src.clone()];
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        let rel = path
            .strip_prefix(&src)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        if !rel.ends_with(".rs") || rel == "lib.rs" || rel == "main.rs" {
            continue;
        }
        let module = rel
            .split('/')
            .next()
            .unwrap()
            .trim_end_matches(".rs")
            .to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let uses = graph.entry(module.clone()).or_default();
        for used in crate_paths(&text) {
            if used != module {
                uses.insert(used);
            }
        }
    }
    graph
}

/// The first segment after every `crate::` in code (comments skipped),
/// including each member of a `crate::{a, b::c}` group.
fn crate_paths(text: &str) -> Vec<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for line in text.lines() {
        let code = line.split("//").next().unwrap_or_default();
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let end = group.find('}').unwrap_or(group.len());
                for member in group[..end].split(',') {
                    let name = ident(member.trim());
                    if !name.is_empty() {
                        out.push(name);
                    }
                }
            } else {
                let name = ident(rest);
                if !name.is_empty() {
                    out.push(name);
                }
            }
        }
    }
    out
}

#[test]
fn every_module_has_a_layer() {
    let unplaced: Vec<String> = graph()
        .into_keys()
        .filter(|m| layer_of(m).is_none())
        .collect();
    assert!(
        unplaced.is_empty(),
        "give these modules a layer in tests/it/layers.rs: {unplaced:?}"
    );
}

#[test]
fn modules_only_use_their_layer_or_lower_ones() {
    let mut upward = Vec::new();
    for (module, uses) in graph() {
        let Some(own) = layer_of(&module) else {
            continue;
        };
        for used in uses {
            match layer_of(&used) {
                Some(l) if l > own => upward.push(format!(
                    "{module} ({}) uses {used} ({})",
                    LAYERS[own].0, LAYERS[l].0
                )),
                _ => {}
            }
        }
    }
    assert!(
        upward.is_empty(),
        "imports that point up:\n{}",
        upward.join("\n")
    );
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = graph();
    // Depth-first search; a module met again while still on the path closes a cycle.
    fn visit<'a>(
        m: &'a str,
        graph: &'a BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<&'a str>,
        done: &mut BTreeSet<&'a str>,
    ) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|p| *p == m) {
            let mut cycle: Vec<String> = path[start..].iter().map(|s| s.to_string()).collect();
            cycle.push(m.to_string());
            return Some(cycle);
        }
        if !done.insert(m) {
            return None;
        }
        path.push(m);
        for next in graph.get(m).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    for m in graph.keys() {
        if let Some(cycle) = visit(m, &graph, &mut Vec::new(), &mut done) {
            panic!("import cycle: {}", cycle.join(" → "));
        }
    }
}

#[test]
fn the_scanner_sees_grouped_and_plain_paths() {
    let text =
        "use crate::{model::Status, text};\n// crate::cli in a comment\nlet x = crate::rules::x();";
    assert_eq!(crate_paths(text), ["model", "text", "rules"]);
}
