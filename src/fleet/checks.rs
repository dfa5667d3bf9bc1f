//! The fleet check kinds: each compares one thing across the nodes that have
//! it and says which nodes differ and what each has. Pure: they see the
//! nodes' [`NodeState`]s, never a file.
//!
//! Shared conventions:
//! - a value unknown on any node makes the result `not_evaluated` (naming the
//!   node and why), never `pass`; a difference among the known values is
//!   still a `fail`;
//! - a product on a single node has nothing to compare: the result is
//!   `not_applicable`, saying so. Not `pass`: a pass would claim the nodes
//!   agree when nothing was compared, and the gate must not count a
//!   one-node "fleet" as checked; that node's own rules (SS007, PM004, PM011)
//!   judge it alone.

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};

use super::inventory::Inventory;
use super::state::{FileDigest, Known, NodeState};
use crate::model::{Outcome, Phase, Product, Status};

/// One node as the checks see it: its name and its scan, or why it has none.
#[derive(Debug, Clone, Copy)]
pub struct Observed<'a> {
    pub name: &'a str,
    /// The phase it was scanned in and what it showed, or why it could not be scanned.
    pub scanned: Result<(Phase, &'a NodeState), &'a str>,
}

/// The nodes that were scanned and run `product`, in inventory order.
fn nodes_of<'a>(nodes: &[Observed<'a>], product: Product) -> Vec<(&'a str, &'a NodeState)> {
    nodes
        .iter()
        .filter_map(|n| match n.scanned {
            Ok((_, s)) if s.products.contains(&product) => Some((n.name, s)),
            _ => None,
        })
        .collect()
}

/// Nodes grouped by value, the largest group first (ties: in node order).
fn groups<'a>(values: &[(&'a str, String)]) -> Vec<(String, Vec<&'a str>)> {
    let mut out: Vec<(String, Vec<&'a str>)> = Vec::new();
    for (node, value) in values {
        match out.iter_mut().find(|(v, _)| v == value) {
            Some((_, nodes)) => nodes.push(node),
            None => out.push((value.clone(), vec![node])),
        }
    }
    // Stable: equal sizes keep the order the first node of each gave them.
    out.sort_by_key(|g| std::cmp::Reverse(g.1.len()));
    out
}

fn has(nodes: &[&str]) -> String {
    let verb = if nodes.len() == 1 { "has" } else { "have" };
    format!("{} {verb}", nodes.join(", "))
}

/// "pam-web-02 has 11.0.000033 where the other nodes (pam-web-01, pam-web-03) have
/// 11.1.000006", or, with no majority, "pam-web-01 has X; pam-web-02 has Y".
/// `None` when every node has the same value.
fn difference(values: &[(&str, String)]) -> Option<String> {
    let g = groups(values);
    if g.len() < 2 {
        return None;
    }
    let (majority, most) = &g[0];
    if most.len() > g[1].1.len() {
        let others: Vec<String> = g[1..]
            .iter()
            .map(|(v, nodes)| format!("{} {v}", has(nodes)))
            .collect();
        Some(format!(
            "{} where the other node(s) ({}) have {majority}",
            others.join(", "),
            most.join(", ")
        ))
    } else {
        Some(
            g.iter()
                .map(|(v, nodes)| format!("{} {v}", has(nodes)))
                .collect::<Vec<_>>()
                .join("; "),
        )
    }
}

/// "pam-web-01: X; pam-web-02: Y", every node's value, for `observed`.
fn each(values: &[(&str, String)]) -> String {
    values
        .iter()
        .map(|(n, v)| format!("{n}: {v}"))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Nodes whose value is unknown, with why.
fn unknowns<'a, T>(values: &[(&'a str, &Known<T>)]) -> Vec<(&'a str, String)> {
    values
        .iter()
        .filter_map(|(n, v)| match v {
            Known::Unknown(why) => Some((*n, why.clone())),
            Known::Known(_) => None,
        })
        .collect()
}

/// "… is not known on pam-web-02 (facts.json has no …)", nodes with one reason named together.
fn not_evaluated(subject: &str, what: &str, unknown: &[(&str, String)]) -> Outcome {
    let mut by_reason: Vec<(&str, Vec<&str>)> = Vec::new();
    for (node, why) in unknown {
        match by_reason.iter_mut().find(|(w, _)| w == why) {
            Some((_, nodes)) => {
                if !nodes.contains(node) {
                    nodes.push(node);
                }
            }
            None => by_reason.push((why, vec![node])),
        }
    }
    let parts: Vec<String> = by_reason
        .iter()
        .map(|(why, nodes)| format!("{} ({why})", nodes.join(", ")))
        .collect();
    Outcome::new(
        Status::NotEvaluated,
        subject,
        format!("{what} is not known on {}", parts.join("; ")),
    )
}

fn single(subject: &str, product: Product, node: &str) -> Outcome {
    Outcome::new(
        Status::NotApplicable,
        subject,
        format!(
            "only {node} runs {} in this fleet: there is no other node to compare it with (its own scan judges it)",
            product.name()
        ),
    )
}

/// A version's comparison key: NuGet's normalized form (`10.9.000033` = `10.9.33`).
fn version_key(v: &str) -> String {
    v.parse::<crate::nuget::NuGetVersion>()
        .map_or_else(|_| v.to_string(), |v| v.to_normalized_string())
}

/// FLEET001: every inventory node scanned, in `phase`, collected within the window.
pub fn nodes_scanned_together(
    inventory: &Inventory,
    nodes: &[Observed<'_>],
    now: Timestamp,
    phase: Phase,
) -> Outcome {
    let subject = format!("nodes of {}", inventory.installation);
    let mut failures = Vec::new();
    let mut future = Vec::new();
    let mut undated = Vec::new();
    let mut dated: Vec<(&str, Timestamp)> = Vec::new();
    for entry in &inventory.nodes {
        let Some(node) = nodes
            .iter()
            .find(|n| n.name.eq_ignore_ascii_case(&entry.name))
        else {
            failures.push(format!("{} was not scanned", entry.name));
            continue;
        };
        match node.scanned {
            Err(why) => failures.push(format!("{} has no readable snapshot: {why}", node.name)),
            Ok((p, _)) if p != phase => failures.push(format!(
                "{} was scanned in the {p} phase, not the fleet's {phase} phase",
                node.name
            )),
            Ok((_, state)) => match state.collected_at {
                None => undated.push(node.name),
                Some(t) if t > now => future.push(format!(
                    "{} was collected at {t}, after the fleet scan's time {now}",
                    node.name
                )),
                Some(t) => dated.push((node.name, t)),
            },
        }
    }
    for node in nodes {
        if !inventory
            .nodes
            .iter()
            .any(|e| e.name.eq_ignore_ascii_case(node.name))
        {
            failures.push(format!("{} is not in the inventory", node.name));
        }
    }
    // Within the window before the fleet's time: then the nodes are also within
    // it of each other, and none is judged on a state older than the window.
    for (node, t) in &dated {
        let age = now.duration_since(*t);
        if age > inventory.window_length {
            failures.push(format!(
                "{node} was collected at {t}, {} before the fleet scan's time ({now}): more than the window of {}",
                span(age),
                inventory.window
            ));
        }
    }
    let latest = dated.iter().map(|(_, t)| *t).max();
    let observed = {
        let mut times: Vec<String> = dated.iter().map(|(n, t)| format!("{n}: {t}")).collect();
        times.extend(undated.iter().map(|n| format!("{n}: no collected_at")));
        times.join("; ")
    };
    let expected = format!(
        "every node of {} scanned in the {phase} phase, collected within {} before the fleet scan's time",
        inventory.installation, inventory.window
    );
    let outcome = |status, message: String| {
        Outcome::new(status, &subject, message)
            .observed(observed.clone())
            .expected(expected.clone())
    };
    if !failures.is_empty() {
        let mut message = failures.join("; ");
        if !undated.is_empty() {
            message.push_str(&format!(
                "; {} {} no collected_at in facts.json",
                undated.join(", "),
                if undated.len() == 1 { "has" } else { "have" }
            ));
        }
        return outcome(Status::Fail, message);
    }
    if !future.is_empty() {
        // A time after the scan's own is not a time to trust: never a pass.
        return outcome(
            Status::Error,
            format!("{} (check the clocks, or the facts)", future.join("; ")),
        );
    }
    if !undated.is_empty() {
        return outcome(
            Status::NotEvaluated,
            format!(
                "{} {} no collected_at in facts.json, so when {} collected is unknown: collect {} again with `upgate collect`, or set collected_at",
                undated.join(", "),
                if undated.len() == 1 { "has" } else { "have" },
                if undated.len() == 1 {
                    "it was"
                } else {
                    "they were"
                },
                if undated.len() == 1 { "it" } else { "them" },
            ),
        );
    }
    let earliest = dated.iter().map(|(_, t)| *t).min();
    let apart = match (earliest, latest) {
        (Some(a), Some(b)) => b.duration_since(a),
        _ => SignedDuration::ZERO,
    };
    let oldest = earliest.map_or(SignedDuration::ZERO, |t| now.duration_since(t));
    outcome(
        Status::Pass,
        format!(
            "all {} node(s) of {} were scanned in the {phase} phase, collected within {} of each other, the first {} before the fleet scan's time (window {})",
            inventory.nodes.len(),
            inventory.installation,
            span(apart),
            span(oldest),
            inventory.window
        ),
    )
}

/// `3h 05m`, `45m`, `2d 1h`.
fn span(d: SignedDuration) -> String {
    let minutes = d.as_secs().max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, minutes / 60 % 24, minutes % 60);
    match (days, hours) {
        (0, 0) => format!("{mins}m"),
        (0, h) => format!("{h}h {mins:02}m"),
        (d, h) => format!("{d}d {h}h"),
    }
}

/// FLEET002: per product, every node's installed version equal; after the upgrade
/// also equal to the target. One result per product found on any node.
pub fn installed_versions_equal(nodes: &[Observed<'_>], phase: Phase) -> Vec<(Product, Outcome)> {
    let mut out = Vec::new();
    for product in Product::ALL {
        let of = nodes_of(nodes, product);
        if of.is_empty() {
            continue;
        }
        let subject = format!("{} installed version", product.name());
        let unknown_version = Known::Unknown("no product version observed".to_string());
        let known: Vec<(&str, &Known<String>)> = of
            .iter()
            .map(|(n, s)| (*n, s.versions.get(&product).unwrap_or(&unknown_version)))
            .collect();
        out.push((
            product,
            versions_outcome(product, &subject, &of, &known, phase),
        ));
    }
    out
}

fn versions_outcome(
    product: Product,
    subject: &str,
    of: &[(&str, &NodeState)],
    known: &[(&str, &Known<String>)],
    phase: Phase,
) -> Outcome {
    let unknown = unknowns(known);
    let values: Vec<(&str, String)> = known
        .iter()
        .filter_map(|(n, v)| v.known().map(|v| (*n, v.clone())))
        .collect();
    // Grouped by the version's meaning, shown as the first node of each group wrote it.
    let keyed: Vec<(&str, String)> = values
        .iter()
        .map(|(n, v)| {
            let key = version_key(v);
            let shown = values
                .iter()
                .find(|(_, w)| version_key(w) == key)
                .map_or(v.clone(), |(_, w)| w.clone());
            (*n, shown)
        })
        .collect();
    let differ = difference(&keyed);
    if let Some(d) = &differ {
        return Outcome::new(
            Status::Fail,
            subject,
            format!("the nodes run different {} versions: {d}", product.name()),
        )
        .observed(each(&keyed));
    }
    if !unknown.is_empty() {
        return not_evaluated(
            subject,
            &format!("the installed {} version", product.name()),
            &unknown,
        )
        .observed(each(&keyed));
    }
    if of.len() == 1 {
        return single(subject, product, of[0].0).observed(each(&keyed));
    }
    let version = keyed.first().map(|(_, v)| v.clone()).unwrap_or_default();
    let names: Vec<&str> = keyed.iter().map(|(n, _)| *n).collect();
    if phase == Phase::Pre {
        return Outcome::new(
            Status::Pass,
            subject,
            format!(
                "every {} node ({}) runs {version}",
                product.name(),
                names.join(", ")
            ),
        )
        .observed(each(&keyed));
    }
    // After the upgrade: the one target every node names.
    let targets: Vec<(&str, String)> = of
        .iter()
        .filter_map(|(n, s)| s.targets.get(&product).map(|t| (*n, t.clone())))
        .collect();
    let untargeted: Vec<&str> = of
        .iter()
        .filter(|(n, _)| !targets.iter().any(|(t, _)| t == n))
        .map(|(n, _)| *n)
        .collect();
    if let Some(d) = difference(
        &targets
            .iter()
            .map(|(n, t)| (*n, version_key(t)))
            .collect::<Vec<_>>(),
    ) {
        return Outcome::new(
            Status::Fail,
            subject,
            format!("the nodes name different {} targets: {d}", product.name()),
        )
        .observed(each(&keyed));
    }
    if !untargeted.is_empty() {
        return Outcome::new(
            Status::NotEvaluated,
            subject,
            format!(
                "every node runs {version}, but the target {} version is not known on {} (set {}.target_version, or --target {product}=VERSION)",
                product.name(),
                untargeted.join(", "),
                product.facts_section()
            ),
        )
        .observed(each(&keyed));
    }
    let target = targets.first().map(|(_, t)| t.clone()).unwrap_or_default();
    if version_key(&version) != version_key(&target) {
        return Outcome::new(
            Status::Fail,
            subject,
            format!(
                "every {} node ({}) runs {version}, not the target {target}",
                product.name(),
                names.join(", ")
            ),
        )
        .observed(each(&keyed))
        .expected(target);
    }
    Outcome::new(
        Status::Pass,
        subject,
        format!(
            "every {} node ({}) runs the target {target}",
            product.name(),
            names.join(", ")
        ),
    )
    .observed(each(&keyed))
    .expected(target)
}

/// FLEET003: every TMS node's installed package versions equal.
pub fn package_versions_equal(nodes: &[Observed<'_>]) -> Outcome {
    let subject = "Privilege Manager installed packages";
    let of = nodes_of(nodes, Product::Pm);
    if of.is_empty() {
        return no_product(subject, Product::Pm);
    }
    let unknown_tms = Known::Unknown("no TMS state".to_string());
    let known: Vec<(&str, &Known<BTreeMap<String, String>>)> = of
        .iter()
        .map(|(n, s)| {
            (
                *n,
                s.tms
                    .as_ref()
                    .map_or(&unknown_tms, |t| &t.installed_packages),
            )
        })
        .collect();
    let unknown = unknowns(&known);
    // Package id (any case) → (as written, per node its version or "not installed").
    let mut ids: BTreeMap<String, String> = BTreeMap::new();
    for (_, v) in &known {
        for id in v.known().into_iter().flat_map(|m| m.keys()) {
            ids.entry(id.to_lowercase()).or_insert_with(|| id.clone());
        }
    }
    let version_on = |m: &BTreeMap<String, String>, id: &str| {
        m.iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(id))
            .map_or_else(|| "not installed".to_string(), |(_, v)| v.clone())
    };
    let mut diffs = Vec::new();
    let mut observed = Vec::new();
    for (lower, id) in &ids {
        let values: Vec<(&str, String)> = known
            .iter()
            .filter_map(|(n, v)| v.known().map(|m| (*n, version_on(m, lower))))
            .collect();
        observed.push(format!("{id}: {}", each(&values)));
        if let Some(d) = difference(&values) {
            diffs.push(format!("{id}: {d}"));
        }
    }
    let observed = observed.join(" | ");
    if !diffs.is_empty() {
        return Outcome::new(
            Status::Fail,
            subject,
            format!(
                "the TMS nodes have different packages installed: {}",
                diffs.join("; ")
            ),
        )
        .observed(observed);
    }
    if !unknown.is_empty() {
        return not_evaluated(subject, "the installed package versions", &unknown)
            .observed(observed);
    }
    if of.len() == 1 {
        return single(subject, Product::Pm, of[0].0).observed(observed);
    }
    let names: Vec<&str> = of.iter().map(|(n, _)| *n).collect();
    let first = known.first().and_then(|(_, v)| v.known());
    let list: Vec<String> = first
        .into_iter()
        .flat_map(|m| m.iter().map(|(id, v)| format!("{id} {v}")))
        .collect();
    Outcome::new(
        Status::Pass,
        subject,
        format!(
            "every TMS node ({}) has the same packages installed: {}",
            names.join(", "),
            if list.is_empty() {
                "none".to_string()
            } else {
                list.join(", ")
            }
        ),
    )
    .observed(observed)
}

fn no_product(subject: &str, product: Product) -> Outcome {
    Outcome::new(
        Status::NotApplicable,
        subject,
        format!("no node of this fleet runs {}", product.name()),
    )
}

/// How PM004 left one node's SolutionCentre.
enum Source {
    Local(String),
    Other(String),
    Unknown(String),
    NotJudged(String),
}

/// FLEET004: every TMS node's SolutionCentre is its local NugetCache (PM004 passed
/// there), and every node's NugetCache holds the same packages (id, version, hash).
pub fn nugetcache_consistent(nodes: &[Observed<'_>]) -> Vec<Outcome> {
    let of = nodes_of(nodes, Product::Pm);
    let source_subject = super::state::SOLUTION_CENTRE;
    let cache_subject = "NugetCache packages";
    if of.is_empty() {
        return vec![
            no_product(source_subject, Product::Pm),
            no_product(cache_subject, Product::Pm),
        ];
    }
    vec![
        solution_centre(&of, source_subject),
        caches(&of, cache_subject),
    ]
}

fn solution_centre(of: &[(&str, &NodeState)], subject: &str) -> Outcome {
    let sources: Vec<(&str, Source)> = of
        .iter()
        .map(|(n, s)| {
            let tms = s.tms.as_ref();
            let value = tms
                .and_then(|t| t.solution_centre.clone())
                .unwrap_or_else(|| "not set".to_string());
            let source = match tms.and_then(|t| t.pm004.as_ref()) {
                Some((Status::Pass, _)) => Source::Local(value),
                Some((status @ (Status::Fail | Status::Error | Status::Waived), _)) => {
                    let pm004 = match status {
                        Status::Fail => "PM004 fails there",
                        Status::Error => "PM004 could not read it there",
                        _ => "PM004 fails there, waived",
                    };
                    Source::Other(format!("{value} ({pm004})"))
                }
                Some((Status::NotEvaluated, message)) => Source::Unknown(message.clone()),
                Some((status, message)) => Source::NotJudged(format!("PM004 {status}: {message}")),
                None => Source::NotJudged("PM004 did not run".to_string()),
            };
            (*n, source)
        })
        .collect();
    let observed = sources
        .iter()
        .map(|(n, s)| match s {
            Source::Local(v) | Source::Other(v) => format!("{n}: {v}"),
            Source::Unknown(_) => format!("{n}: unknown"),
            Source::NotJudged(_) => format!("{n}: not judged"),
        })
        .collect::<Vec<_>>()
        .join("; ");
    if sources
        .iter()
        .all(|(_, s)| matches!(s, Source::NotJudged(_)))
    {
        let why = match &sources[0].1 {
            Source::NotJudged(why) => why.clone(),
            _ => String::new(),
        };
        return Outcome::new(
            Status::NotApplicable,
            subject,
            format!(
                "PM004 judges no TMS node's SolutionCentre in this phase and procedure ({}: {why}); the combined procedure sets it after the Secret Server upgrade (seed 000 step 9)",
                sources[0].0
            ),
        )
        .observed(observed);
    }
    let local: Vec<&str> = sources
        .iter()
        .filter(|(_, s)| matches!(s, Source::Local(_)))
        .map(|(n, _)| *n)
        .collect();
    let other: Vec<String> = sources
        .iter()
        .filter_map(|(n, s)| match s {
            Source::Other(v) => Some(format!("{n}'s is {v}")),
            _ => None,
        })
        .collect();
    let unknown: Vec<(&str, String)> = sources
        .iter()
        .filter_map(|(n, s)| match s {
            Source::Unknown(why) | Source::NotJudged(why) => Some((*n, why.clone())),
            _ => None,
        })
        .collect();
    if !other.is_empty() {
        let rest = if local.is_empty() {
            String::new()
        } else {
            let (verb, own) = if local.len() == 1 {
                ("names", "its")
            } else {
                ("name", "their")
            };
            format!("; {} {verb} {own} local NugetCache", local.join(", "))
        };
        return Outcome::new(
            Status::Fail,
            subject,
            format!(
                "not every TMS node installs from its local NugetCache: {}{rest}",
                other.join("; ")
            ),
        )
        .observed(observed);
    }
    if !unknown.is_empty() {
        return not_evaluated(
            subject,
            "whether SolutionCentre is the local NugetCache",
            &unknown,
        )
        .observed(observed);
    }
    if of.len() == 1 {
        return single(subject, Product::Pm, of[0].0).observed(observed);
    }
    Outcome::new(
        Status::Pass,
        subject,
        format!(
            "every TMS node ({}) names its local NugetCache (PM004 passes on each)",
            local.join(", ")
        ),
    )
    .observed(observed)
}

/// The first characters of a SHA-256, enough to tell two apart in a message.
pub fn short(hex: &str) -> String {
    format!("sha256 {}…", &hex[..hex.len().min(12)])
}

fn caches(of: &[(&str, &NodeState)], subject: &str) -> Outcome {
    let unknown_cache = Known::Unknown("no TMS state".to_string());
    let known: Vec<(&str, &Known<super::state::Cache>)> = of
        .iter()
        .map(|(n, s)| (*n, s.tms.as_ref().map_or(&unknown_cache, |t| &t.cache)))
        .collect();
    let mut unknown = unknowns(&known);
    // Package key → (label, per node with the cache: its hash, if it holds it).
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for (_, cache) in &known {
        for p in cache.known().into_iter().flat_map(|c| &c.packages) {
            labels.entry(p.key()).or_insert_with(|| p.label());
        }
    }
    let mut diffs = Vec::new();
    let mut observed = Vec::new();
    for (key, label) in &labels {
        let mut holders: Vec<(&str, String)> = Vec::new();
        let mut lacking: Vec<&str> = Vec::new();
        for (node, cache) in &known {
            let Some(cache) = cache.known() else { continue };
            match cache.packages.iter().find(|p| &p.key() == key) {
                None => lacking.push(node),
                Some(p) => match &p.sha256 {
                    Known::Known(hex) => holders.push((node, short(hex))),
                    Known::Unknown(why) => {
                        unknown.push((node, format!("{label}: {why}")));
                    }
                },
            }
        }
        let mut held_by: Vec<&str> = holders.iter().map(|(n, _)| *n).collect();
        held_by.dedup();
        observed.push(format!(
            "{label}: {}{}",
            each(&holders),
            if lacking.is_empty() {
                String::new()
            } else {
                format!("; missing on {}", lacking.join(", "))
            }
        ));
        if !lacking.is_empty() {
            diffs.push(format!(
                "{} {} no {label} ({} {})",
                lacking.join(", "),
                if lacking.len() == 1 { "has" } else { "have" },
                held_by.join(", "),
                if held_by.len() == 1 {
                    "holds it"
                } else {
                    "hold it"
                },
            ));
        }
        if let Some(d) = difference(&holders) {
            diffs.push(format!("{label} differs: {d}"));
        }
    }
    let observed = observed.join(" | ");
    let missing: Vec<String> = known
        .iter()
        .filter_map(|(n, c)| {
            c.known()
                .filter(|c| c.missing)
                .map(|c| format!("{n} has no {} folder", c.folder))
        })
        .collect();
    if !diffs.is_empty() {
        let mut message = format!("the TMS nodes' NugetCaches differ: {}", diffs.join("; "));
        if !missing.is_empty() {
            message.push_str(&format!(" ({})", missing.join("; ")));
        }
        return Outcome::new(Status::Fail, subject, message).observed(observed);
    }
    if !unknown.is_empty() {
        return not_evaluated(subject, "what the NugetCache holds", &unknown).observed(observed);
    }
    if of.len() == 1 {
        return single(subject, Product::Pm, of[0].0).observed(observed);
    }
    let names: Vec<&str> = of.iter().map(|(n, _)| *n).collect();
    Outcome::new(
        Status::Pass,
        subject,
        format!(
            "every TMS node's NugetCache ({}) holds the same {} package(s), by id, version and SHA-256{}",
            names.join(", "),
            labels.len(),
            if labels.is_empty() { String::new() } else { format!(": {}", labels.values().cloned().collect::<Vec<_>>().join(", ")) }
        ),
    )
    .observed(observed)
}

/// FLEET005: every Secret Server node's encryption.config identical, by SHA-256.
/// Only short hash prefixes are shown; the content is never read into a state.
pub fn encryption_config_identical(nodes: &[Observed<'_>]) -> Outcome {
    let subject = "Secret Server encryption.config";
    let of = nodes_of(nodes, Product::Ss);
    if of.is_empty() {
        return no_product(subject, Product::Ss);
    }
    let unknown_digest = Known::Unknown("not observed".to_string());
    let known: Vec<(&str, &Known<FileDigest>)> = of
        .iter()
        .map(|(n, s)| (*n, s.encryption_config.as_ref().unwrap_or(&unknown_digest)))
        .collect();
    let unknown = unknowns(&known);
    let values: Vec<(&str, String)> = known
        .iter()
        .filter_map(|(n, v)| {
            v.known().map(|d| {
                (
                    *n,
                    match d {
                        FileDigest::Sha256(hex) => short(hex),
                        FileDigest::Missing => "no encryption.config".to_string(),
                    },
                )
            })
        })
        .collect();
    if let Some(d) = difference(&values) {
        return Outcome::new(
            Status::Fail,
            subject,
            format!("the Secret Server nodes' encryption.config differ: {d}"),
        )
        .observed(each(&values));
    }
    if !unknown.is_empty() {
        return not_evaluated(subject, "encryption.config's SHA-256", &unknown)
            .observed(each(&values));
    }
    if of.len() == 1 {
        return single(subject, Product::Ss, of[0].0).observed(each(&values));
    }
    let names: Vec<&str> = values.iter().map(|(n, _)| *n).collect();
    let value = values.first().map(|(_, v)| v.clone()).unwrap_or_default();
    let status = if value == "no encryption.config" {
        // The same absence everywhere is no master key anywhere: never a pass.
        Status::Fail
    } else {
        Status::Pass
    };
    Outcome::new(
        status,
        subject,
        match status {
            Status::Pass => format!(
                "every Secret Server node ({}) has the same encryption.config ({value})",
                names.join(", ")
            ),
            _ => format!(
                "no Secret Server node ({}) has an encryption.config in its web folder",
                names.join(", ")
            ),
        },
    )
    .observed(each(&values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::state::{Cache, CachedPackage, TmsState};

    const NOW: &str = "2026-11-22T08:00:00Z";
    const HASH_A: &str = "aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111";
    const HASH_B: &str = "bbbbbbbbbbbb2222222222222222222222222222222222222222222222222222";

    fn now() -> Timestamp {
        NOW.parse().unwrap()
    }

    fn package(id: &str, version: &str, hash: &str) -> CachedPackage {
        CachedPackage {
            file: format!(r"C:\ProgramData\NugetCache\{id}.{version}.nupkg"),
            id: Some(id.into()),
            version: Some(version.into()),
            sha256: Known::Known(hash.into()),
        }
    }

    /// A combined node as every check wants it: Secret Server 11.1.000006 and TMS
    /// 11.1.1156 at their targets, PM004 passing, two packages, one encryption.config.
    fn node() -> NodeState {
        NodeState {
            products: vec![Product::Ss, Product::Pm],
            collected_at: Some("2026-11-22T07:00:00Z".parse().unwrap()),
            versions: BTreeMap::from([
                (Product::Ss, Known::Known("11.1.000006".into())),
                (Product::Pm, Known::Known("11.1.1156".into())),
            ]),
            targets: BTreeMap::from([
                (Product::Ss, "11.1.000006".into()),
                (Product::Pm, "11.1.1156".into()),
            ]),
            tms: Some(TmsState {
                installed_packages: Known::Known(BTreeMap::from([
                    ("ThycoticTms".into(), "11.1.1156".into()),
                    ("ThycoticTmsCoreProduct".into(), "11.1.1156".into()),
                ])),
                solution_centre: Some(r"C:\ProgramData\NugetCache\".into()),
                pm004: Some((Status::Pass, "names the local NugetCache".into())),
                cache: Known::Known(Cache {
                    folder: r"C:\ProgramData\NugetCache\".into(),
                    missing: false,
                    packages: vec![
                        package("ThycoticTms", "11.1.1156", HASH_A),
                        package("ThycoticTmsCoreProduct", "11.1.1156", HASH_B),
                    ],
                }),
            }),
            encryption_config: Some(Known::Known(FileDigest::Sha256(HASH_A.into()))),
        }
    }

    const NAMES: [&str; 3] = ["pam-web-01", "pam-web-02", "pam-web-03"];

    fn inventory(names: &[&str]) -> Inventory {
        let mut text = "installation = \"pam-prod\"\nwindow = \"4h\"\n".to_string();
        for n in names {
            text.push_str(&format!("[[node]]\nname = \"{n}\"\nsnapshot = \"{n}\"\n"));
        }
        crate::fleet::inventory::parse(&text, std::path::Path::new("fleet.toml")).unwrap()
    }

    /// Three good nodes, the `i`th changed by `change`.
    fn fleet(i: usize, change: impl FnOnce(&mut NodeState)) -> Vec<NodeState> {
        let mut states = vec![node(), node(), node()];
        change(&mut states[i]);
        states
    }

    fn observed<'a>(states: &'a [NodeState], phase: Phase) -> Vec<Observed<'a>> {
        states
            .iter()
            .zip(NAMES)
            .map(|(s, name)| Observed {
                name,
                scanned: Ok((phase, s)),
            })
            .collect()
    }

    fn tms(s: &mut NodeState) -> &mut TmsState {
        s.tms.as_mut().unwrap()
    }

    fn cache(s: &mut NodeState) -> &mut Cache {
        match &mut tms(s).cache {
            Known::Known(c) => c,
            Known::Unknown(_) => panic!(),
        }
    }

    fn assert_has(o: &Outcome, part: &str) {
        assert!(o.message.contains(part), "{part:?} not in {:?}", o.message);
    }

    #[test]
    fn fleet001_every_node_scanned_in_the_phase_within_the_window() {
        let inv = inventory(&NAMES);
        let good = fleet(0, |_| {});
        let o = nodes_scanned_together(&inv, &observed(&good, Phase::Pre), now(), Phase::Pre);
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_has(
            &o,
            "all 3 node(s) of pam-prod were scanned in the pre phase",
        );

        // A node of the inventory that was not scanned, or whose snapshot is unreadable.
        let two = &observed(&good, Phase::Pre)[..2];
        let o = nodes_scanned_together(&inv, two, now(), Phase::Pre);
        assert_eq!(
            (o.status, o.message.as_str()),
            (Status::Fail, "pam-web-03 was not scanned")
        );
        let mut nodes = observed(&good, Phase::Pre);
        nodes[1].scanned = Err("the snapshot holds no root/ folder");
        let o = nodes_scanned_together(&inv, &nodes, now(), Phase::Pre);
        assert_eq!(o.status, Status::Fail);
        assert_has(
            &o,
            "pam-web-02 has no readable snapshot: the snapshot holds no root/ folder",
        );
        // Another phase, or a node the inventory does not list.
        let mut nodes = observed(&good, Phase::Pre);
        nodes[2].scanned = Ok((Phase::Post, &good[2]));
        let o = nodes_scanned_together(&inv, &nodes, now(), Phase::Pre);
        assert_has(
            &o,
            "pam-web-03 was scanned in the post phase, not the fleet's pre phase",
        );
        let o = nodes_scanned_together(
            &inventory(&NAMES[..2]),
            &observed(&good, Phase::Pre),
            now(),
            Phase::Pre,
        );
        assert_eq!(o.status, Status::Fail);
        assert_has(&o, "pam-web-03 is not in the inventory");

        // Collected longer than the window before the fleet's time: that node is
        // named, not the others.
        let early = fleet(1, |s| {
            s.collected_at = Some("2026-11-21T20:00:00Z".parse().unwrap())
        });
        let o = nodes_scanned_together(&inv, &observed(&early, Phase::Pre), now(), Phase::Pre);
        assert_eq!(
            (o.status, o.message.as_str()),
            (
                Status::Fail,
                "pam-web-02 was collected at 2026-11-21T20:00:00Z, 12h 00m before the fleet scan's time (2026-11-22T08:00:00Z): more than the window of 4h"
            )
        );
        // Every node collected long ago, however close together: each is named.
        let mut old = fleet(0, |_| {});
        for s in &mut old {
            s.collected_at = Some("2026-11-21T09:00:00Z".parse().unwrap());
        }
        let o = nodes_scanned_together(&inv, &observed(&old, Phase::Pre), now(), Phase::Pre);
        assert_eq!(o.status, Status::Fail);
        for name in NAMES {
            assert_has(
                &o,
                &format!("{name} was collected at 2026-11-21T09:00:00Z, 23h 00m before"),
            );
        }

        // No time: not checked; a time after now: an error. Never a pass.
        let undated = fleet(2, |s| s.collected_at = None);
        let o = nodes_scanned_together(&inv, &observed(&undated, Phase::Pre), now(), Phase::Pre);
        assert_eq!(o.status, Status::NotEvaluated);
        assert_has(&o, "pam-web-03 has no collected_at in facts.json");
        let future = fleet(0, |s| {
            s.collected_at = Some("2026-11-22T09:00:00Z".parse().unwrap())
        });
        let o = nodes_scanned_together(&inv, &observed(&future, Phase::Pre), now(), Phase::Pre);
        assert_eq!(o.status, Status::Error);
        assert_has(
            &o,
            "pam-web-01 was collected at 2026-11-22T09:00:00Z, after the fleet scan's time",
        );
    }

    fn versions(states: &[NodeState], phase: Phase) -> BTreeMap<Product, Outcome> {
        installed_versions_equal(&observed(states, phase), phase)
            .into_iter()
            .collect()
    }

    #[test]
    fn fleet002_versions_are_equal_and_after_the_upgrade_the_target() {
        for phase in [Phase::Pre, Phase::Post] {
            let v = versions(&fleet(0, |_| {}), phase);
            assert_eq!(v.len(), 2);
            assert!(v.values().all(|o| o.status == Status::Pass), "{v:?}");
        }
        // Written differently, the same version.
        let v = versions(
            &fleet(0, |s| {
                s.versions
                    .insert(Product::Ss, Known::Known("11.1.6".into()));
            }),
            Phase::Post,
        );
        assert_eq!(
            v[&Product::Ss].status,
            Status::Pass,
            "{:?}",
            v[&Product::Ss]
        );

        let behind = fleet(1, |s| {
            s.versions
                .insert(Product::Ss, Known::Known("11.0.000012".into()));
        });
        let v = versions(&behind, Phase::Post);
        let ss = &v[&Product::Ss];
        assert_eq!(ss.status, Status::Fail);
        assert_eq!(
            ss.message,
            "the nodes run different Secret Server versions: pam-web-02 has 11.0.000012 where the other node(s) (pam-web-01, pam-web-03) have 11.1.000006"
        );
        assert_eq!(
            ss.observed.as_deref(),
            Some("pam-web-01: 11.1.000006; pam-web-02: 11.0.000012; pam-web-03: 11.1.000006")
        );
        assert_eq!(v[&Product::Pm].status, Status::Pass);

        // Every node on the same old version: fine before, a failure after.
        let mut old = fleet(0, |_| {});
        for s in &mut old {
            s.versions
                .insert(Product::Pm, Known::Known("11.0.1040".into()));
        }
        assert_eq!(
            versions(&old, Phase::Pre)[&Product::Pm].status,
            Status::Pass
        );
        let pm = &versions(&old, Phase::Post)[&Product::Pm];
        assert_eq!(pm.status, Status::Fail);
        assert_has(pm, "runs 11.0.1040, not the target 11.1.1156");

        // No target after the upgrade, or an unknown version: not checked.
        let untargeted = fleet(2, |s| {
            s.targets.remove(&Product::Pm);
        });
        let pm = &versions(&untargeted, Phase::Post)[&Product::Pm];
        assert_eq!(pm.status, Status::NotEvaluated);
        assert_has(pm, "not known on pam-web-03");
        let unknown = fleet(2, |s| {
            s.versions.insert(
                Product::Ss,
                Known::Unknown("facts.json has no secret_server.installed_version".into()),
            );
        });
        let ss = &versions(&unknown, Phase::Pre)[&Product::Ss];
        assert_eq!(ss.status, Status::NotEvaluated);
        assert_has(
            ss,
            "pam-web-03 (facts.json has no secret_server.installed_version)",
        );

        // One node of a product: nothing to compare.
        let one = fleet(0, |s| s.products = vec![Product::Ss]);
        let one: Vec<NodeState> = one
            .into_iter()
            .enumerate()
            .map(|(i, mut s)| {
                if i > 0 {
                    s.products = vec![Product::Pm];
                }
                s
            })
            .collect();
        let ss = &versions(&one, Phase::Pre)[&Product::Ss];
        assert_eq!(ss.status, Status::NotApplicable);
        assert_has(ss, "only pam-web-01 runs Secret Server");
    }

    #[test]
    fn fleet003_package_versions_are_equal_on_every_tms_node() {
        let o = package_versions_equal(&observed(&fleet(0, |_| {}), Phase::Post));
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        let lagging = fleet(2, |s| {
            if let Known::Known(p) = &mut tms(s).installed_packages {
                p.insert("ThycoticTmsCoreProduct".into(), "11.0.1040".into());
                p.remove("ThycoticTms");
            }
        });
        let o = package_versions_equal(&observed(&lagging, Phase::Post));
        assert_eq!(o.status, Status::Fail);
        assert_has(
            &o,
            "ThycoticTms: pam-web-03 has not installed where the other node(s) (pam-web-01, pam-web-02) have 11.1.1156",
        );
        assert_has(&o, "ThycoticTmsCoreProduct: pam-web-03 has 11.0.1040");
        let unknown = fleet(1, |s| {
            tms(s).installed_packages =
                Known::Unknown("facts.json has no privilege_manager.installed_packages".into());
        });
        let o = package_versions_equal(&observed(&unknown, Phase::Post));
        assert_eq!(o.status, Status::NotEvaluated);
        assert_has(
            &o,
            "pam-web-02 (facts.json has no privilege_manager.installed_packages)",
        );
    }

    fn nuget(states: &[NodeState]) -> (Outcome, Outcome) {
        let mut o = nugetcache_consistent(&observed(states, Phase::Post)).into_iter();
        (o.next().unwrap(), o.next().unwrap())
    }

    #[test]
    fn fleet004_every_tms_node_uses_its_own_cache_and_the_caches_agree() {
        let (source, cache_o) = nuget(&fleet(0, |_| {}));
        assert_eq!(source.status, Status::Pass, "{}", source.message);
        assert_eq!(cache_o.status, Status::Pass, "{}", cache_o.message);
        assert_has(&cache_o, "holds the same 2 package(s)");

        // One web.config reverted to the online feed: that node, with its value.
        let reverted = fleet(1, |s| {
            let t = tms(s);
            t.solution_centre = Some("http://tmsnuget.thycotic.com/nuget/".into());
            t.pm004 = Some((Status::Fail, "the online feed".into()));
        });
        let (source, cache_o) = nuget(&reverted);
        assert_eq!(source.status, Status::Fail);
        assert_has(
            &source,
            "pam-web-02's is http://tmsnuget.thycotic.com/nuget/ (PM004 fails there)",
        );
        assert_has(
            &source,
            "pam-web-01, pam-web-03 name their local NugetCache",
        );
        assert_eq!(cache_o.status, Status::Pass);

        // A package missing on one node; another's hash differing.
        let lacking = fleet(2, |s| {
            cache(s).packages.remove(0);
        });
        let (_, o) = nuget(&lacking);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "the TMS nodes' NugetCaches differ: pam-web-03 has no ThycoticTms 11.1.1156 (pam-web-01, pam-web-02 hold it)"
        );
        let differing = fleet(0, |s| {
            cache(s).packages[1].sha256 = Known::Known(HASH_A.into());
        });
        let (_, o) = nuget(&differing);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "the TMS nodes' NugetCaches differ: ThycoticTmsCoreProduct 11.1.1156 differs: pam-web-01 has sha256 aaaaaaaaaaaa… where the other node(s) (pam-web-02, pam-web-03) have sha256 bbbbbbbbbbbb…"
        );
        // An unread hash or cache, a PM004 that could not run: not checked.
        let unread = fleet(1, |s| {
            cache(s).packages[0].sha256 = Known::Unknown("recorded by size and time only".into());
        });
        let (_, o) = nuget(&unread);
        assert_eq!(o.status, Status::NotEvaluated);
        assert_has(
            &o,
            "pam-web-02 (ThycoticTms 11.1.1156: recorded by size and time only)",
        );
        let unread = fleet(1, |s| {
            tms(s).cache = Known::Unknown("permission denied".into())
        });
        assert_eq!(nuget(&unread).1.status, Status::NotEvaluated);
        let unknown = fleet(0, |s| {
            tms(s).pm004 = Some((Status::NotEvaluated, "web.config not collected".into()))
        });
        let (source, _) = nuget(&unknown);
        assert_eq!(source.status, Status::NotEvaluated);
        assert_has(&source, "pam-web-01 (web.config not collected)");
        // PM004 applying on no node (the combined procedure before the upgrade).
        let mut before = fleet(0, |_| {});
        for s in &mut before {
            tms(s).pm004 = Some((
                Status::NotApplicable,
                "applies in the pre phase only to the offline procedure(s)".into(),
            ));
        }
        assert_eq!(nuget(&before).0.status, Status::NotApplicable);
        // A missing cache folder holds nothing.
        let gone = fleet(2, |s| {
            let c = cache(s);
            c.missing = true;
            c.packages.clear();
        });
        let (_, o) = nuget(&gone);
        assert_eq!(o.status, Status::Fail);
        assert_has(&o, "pam-web-03 has no ThycoticTms 11.1.1156");
        assert_has(&o, r"pam-web-03 has no C:\ProgramData\NugetCache\ folder");
    }

    #[test]
    fn fleet005_encryption_config_is_identical_and_never_shown_whole() {
        let o = encryption_config_identical(&observed(&fleet(0, |_| {}), Phase::Pre));
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        let differs = fleet(2, |s| {
            s.encryption_config = Some(Known::Known(FileDigest::Sha256(HASH_B.into())));
        });
        let o = encryption_config_identical(&observed(&differs, Phase::Pre));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "the Secret Server nodes' encryption.config differ: pam-web-03 has sha256 bbbbbbbbbbbb… where the other node(s) (pam-web-01, pam-web-02) have sha256 aaaaaaaaaaaa…"
        );
        let shown = format!(
            "{} {}",
            o.message,
            o.observed.as_deref().unwrap_or_default()
        );
        assert!(
            !shown.contains(HASH_A) && !shown.contains(HASH_B),
            "{shown}"
        );
        let missing = fleet(1, |s| {
            s.encryption_config = Some(Known::Known(FileDigest::Missing))
        });
        let o = encryption_config_identical(&observed(&missing, Phase::Pre));
        assert_eq!(o.status, Status::Fail);
        assert_has(&o, "pam-web-02 has no encryption.config");
        let unknown = fleet(1, |s| {
            s.encryption_config = Some(Known::Unknown("permission denied".into()));
        });
        let o = encryption_config_identical(&observed(&unknown, Phase::Pre));
        assert_eq!(o.status, Status::NotEvaluated);
        assert_has(&o, "pam-web-02 (permission denied)");
    }
}
