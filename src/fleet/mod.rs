//! Fleets: every node of one installation, checked together (issue 19).
//!
//! Both Delinea procedures warn that "offline upgrades on multiple servers will
//! need to be done manually": node by node, which is where nodes drift apart.
//! This module takes an inventory ([`inventory`], `fleet.toml`) and, for each
//! node, its scan's [`Report`] (as `upgate scan` makes it) and its
//! [`NodeState`] ([`state::observe`], what the fleet rules compare, read
//! through [`Server`]), and runs the fleet rules ([`rules`], data in
//! `rules/fleet.toml`; logic in [`checks`]): every node scanned together, the
//! same product and package versions, every TMS node on its own NugetCache
//! with the same packages, one encryption.config. [`run`] and [`evaluate`]
//! are pure; [`scan_node`] reads one node's snapshot.
//!
//! The result is a [`FleetReport`]: each node's own results, as a scan of
//! it gives them, and the fleet's (`FLEET…` ids), each naming the nodes that
//! differ and the value on each.

pub mod checks;
pub mod emit;
pub mod inventory;
pub mod rules;
pub mod state;

use std::collections::BTreeMap;
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use crate::error::InputError;
use crate::facts::Version;
use crate::model::{Finding, Outcome, Phase, Product, SCHEMA_VERSION, Status};
use crate::report::{Report, Summary};
use crate::rules::RuleSet;
use crate::rules::checks::BackupOptions;
use crate::scan::{ScanInput, fingerprint, scan};
use crate::server::{Env, Server};
use crate::target::{Given, Target};

pub use checks::Observed;
pub use inventory::Inventory;
pub use rules::{FleetRule, Kind};
pub use state::{NodeState, observe};

/// The fleet's report: each node as its own scan saw it, then the fleet's findings.
#[derive(Debug, Clone, Serialize)]
pub struct FleetReport {
    pub schema_version: u32,
    pub installation: String,
    pub phase: Phase,
    pub now: String,
    /// The inventory's window, as written.
    pub window: String,
    /// In inventory order, then any node scanned that the inventory does not list.
    pub nodes: Vec<NodeSummary>,
    /// The fleet rules' results, sorted by rule id then subject.
    pub fleet: Vec<Finding>,
    /// The fleet's results per status.
    pub summary: Summary,
}

/// A node's scan: its report and state, or why it has none.
pub type NodeScanned = Result<(Report, NodeState), InputError>;

/// A node's scan with the reason as text.
type Scanned = Result<(Report, NodeState), String>;

/// One node of the fleet.
#[derive(Debug, Clone, Serialize)]
pub struct NodeSummary {
    pub name: String,
    /// The snapshot as the inventory names it (`None`: a node it does not list).
    pub snapshot: Option<String>,
    /// Why the node has no report: its snapshot could not be read, or it was not scanned.
    pub error: Option<String>,
    pub host: Option<String>,
    pub products: Vec<Product>,
    pub procedure: Option<String>,
    /// Its own results per status.
    pub summary: Option<Summary>,
    pub state: Option<NodeState>,
    /// Its scan's report, as `upgate scan` gives it.
    pub report: Option<Report>,
}

/// Runs the fleet rules over the nodes' scans: `nodes` are (node name, its report
/// and state, or why it has none), in any order; a node of the inventory absent
/// from them was not scanned, which FLEET001 fails.
pub fn run(
    inventory: &Inventory,
    nodes: Vec<(String, NodeScanned)>,
    now: Timestamp,
    phase: Phase,
) -> Result<FleetReport, InputError> {
    let rules = rules::builtin()?;
    let nodes: Vec<(String, Scanned)> = nodes
        .into_iter()
        .map(|(n, r)| (n, r.map_err(|e| e.to_string())))
        .collect();
    let observed: Vec<Observed<'_>> = nodes
        .iter()
        .map(|(name, r)| Observed {
            name,
            scanned: match r {
                Ok((report, state)) => Ok((report.scan.phase, state)),
                Err(e) => Err(e.as_str()),
            },
        })
        .collect();
    let fleet = evaluate(&rules, inventory, &observed, now, phase);
    let mut summaries = Vec::new();
    let mut rest: Vec<Option<(String, Scanned)>> = nodes.into_iter().map(Some).collect();
    for entry in &inventory.nodes {
        let found = rest.iter_mut().find(|n| {
            n.as_ref()
                .is_some_and(|(name, _)| name.eq_ignore_ascii_case(&entry.name))
        });
        let summary = match found.and_then(Option::take) {
            Some((_, outcome)) => summary(&entry.name, Some(&entry.snapshot), outcome),
            None => summary(
                &entry.name,
                Some(&entry.snapshot),
                Err("not scanned".to_string()),
            ),
        };
        summaries.push(summary);
    }
    for (name, outcome) in rest.into_iter().flatten() {
        summaries.push(summary(&name, None, outcome));
    }
    Ok(FleetReport {
        schema_version: SCHEMA_VERSION,
        installation: inventory.installation.clone(),
        phase,
        now: now.to_string(),
        window: inventory.window.clone(),
        nodes: summaries,
        summary: Summary::of(&fleet),
        fleet,
    })
}

fn summary(name: &str, snapshot: Option<&str>, outcome: Scanned) -> NodeSummary {
    let mut s = NodeSummary {
        name: name.to_string(),
        snapshot: snapshot.map(str::to_string),
        error: None,
        host: None,
        products: Vec::new(),
        procedure: None,
        summary: None,
        state: None,
        report: None,
    };
    match outcome {
        Ok((report, state)) => {
            s.host = Some(report.scan.host.clone());
            s.products = report.scan.products.clone();
            s.procedure = Some(report.scan.procedure.clone());
            s.summary = Some(report.summary.clone());
            s.state = Some(state);
            s.report = Some(report);
        }
        Err(e) => s.error = Some(e),
    }
    s
}

/// The fleet rules' findings (pure): each rule of `rules` that applies in `phase`
/// runs its check kind over `nodes`; a rule outside its phases says so.
pub fn evaluate(
    rules: &[FleetRule],
    inventory: &Inventory,
    nodes: &[Observed<'_>],
    now: Timestamp,
    phase: Phase,
) -> Vec<Finding> {
    // A rule about the whole fleet carries the first product on any node (a
    // finding names one product; issue 19 leaves the report's shape to later).
    let fleet_product = Product::ALL
        .into_iter()
        .find(|p| {
            nodes
                .iter()
                .any(|n| matches!(n.scanned, Ok((_, s)) if s.products.contains(p)))
        })
        .unwrap_or(Product::Ss);
    let mut out = Vec::new();
    for rule in rules {
        let product = rule.product.unwrap_or(fleet_product);
        if !rule.phases.contains(&phase) {
            let only: Vec<&str> = rule.phases.iter().map(|p| p.code()).collect();
            out.push(finding(
                rule,
                product,
                &inventory.installation,
                Outcome::new(
                    Status::NotApplicable,
                    &inventory.installation,
                    format!("applies only in the {} phase(s)", only.join("/")),
                ),
            ));
            continue;
        }
        let outcomes: Vec<(Product, Outcome)> = match rule.check {
            Kind::NodesScannedTogether => vec![(
                product,
                checks::nodes_scanned_together(inventory, nodes, now, phase),
            )],
            Kind::InstalledVersionsEqual => {
                let per_product = checks::installed_versions_equal(nodes, phase);
                if per_product.is_empty() {
                    vec![(
                        product,
                        Outcome::new(
                            Status::NotApplicable,
                            "installed versions",
                            "no scanned node runs a product upgate knows",
                        ),
                    )]
                } else {
                    per_product
                }
            }
            Kind::PackageVersionsEqual => {
                vec![(product, checks::package_versions_equal(nodes))]
            }
            Kind::NugetcacheConsistent => checks::nugetcache_consistent(nodes)
                .into_iter()
                .map(|o| (product, o))
                .collect(),
            Kind::EncryptionConfigIdentical => {
                vec![(product, checks::encryption_config_identical(nodes))]
            }
        };
        for (product, outcome) in outcomes {
            out.push(finding(rule, product, &inventory.installation, outcome));
        }
    }
    out.sort_by(|a, b| (&a.rule_id, &a.subject).cmp(&(&b.rule_id, &b.subject)));
    out
}

fn finding(rule: &FleetRule, product: Product, installation: &str, o: Outcome) -> Finding {
    Finding {
        fingerprint: fingerprint(&rule.id, installation, &o.subject),
        rule_id: rule.id.clone(),
        slug: rule.slug.clone(),
        product,
        status: o.status,
        severity: o.severity.unwrap_or(rule.severity),
        title: rule.title.clone(),
        message: o.message,
        subject: o.subject,
        location: o.location,
        observed: o.observed,
        expected: o.expected,
        remediation: rule.remediation.clone(),
        source: rule.source.clone(),
        waiver: None,
        baseline: None,
    }
}

/// What a node's scan takes besides its snapshot: the fleet's phase and time,
/// the rules, and `--target` overrides.
pub struct NodeScan<'a> {
    pub rules: &'a RuleSet,
    pub phase: Phase,
    pub now: Timestamp,
    pub targets: BTreeMap<Product, Version>,
}

/// Scans one inventory node's snapshot (relative to `base`, the inventory's
/// folder) as `upgate scan --snapshot` would, with the default options, and
/// observes its [`NodeState`]. An unreadable snapshot is the error.
pub fn scan_node(base: &Path, node: &inventory::Node, how: &NodeScan<'_>) -> NodeScanned {
    let dir = base.join(&node.snapshot);
    let target = Target::resolve(
        Given {
            snapshot: Some(&dir),
            ..Given::default()
        },
        None,
    )?;
    let facts = target.load_facts()?;
    let captures = target.load_captures(&facts)?;
    let env = Env::new('C', &facts.env);
    let mut server = Server::new(&target.root, 'C', &BTreeMap::new(), env)
        .map_err(|e| InputError::new(format!("cannot open the root: {e}")).in_file(&target.root))?;
    if let Some(manifest) = target.load_manifest()? {
        server = server.with_manifest(manifest);
    }
    let host = facts.host.clone().unwrap_or_else(|| node.name.clone());
    let max_age_hours = facts
        .backups
        .as_ref()
        .and_then(|b| b.max_age_hours)
        .map_or(BackupOptions::DEFAULT_MAX_AGE_HOURS, i64::from);
    let input = ScanInput {
        server: &server,
        rules: how.rules,
        facts: &facts,
        facts_file: target.facts_file.as_ref().map(|f| f.display().to_string()),
        host,
        phase: how.phase,
        products: Vec::new(),
        targets: how.targets.clone(),
        now: how.now,
        backups: BackupOptions {
            max_age: jiff::SignedDuration::from_hours(max_age_hours),
            verify_content: false,
        },
        captures: &captures,
        offline_package: None,
        every_rule: false,
    };
    let report = Report::new(scan(&input), &[], None, how.now);
    let state = observe(&server, &facts, &report);
    Ok((report, state))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inventory() -> Inventory {
        inventory::parse(
            "installation = \"pam-prod\"\n[[node]]\nname = \"a\"\nsnapshot = \"a\"\n[[node]]\nname = \"b\"\nsnapshot = \"b\"\n",
            Path::new("fleet.toml"),
        )
        .unwrap()
    }

    #[test]
    fn with_no_node_scanned_the_fleet_fails_and_compares_nothing() {
        let rules = rules::builtin().unwrap();
        let nodes = [
            Observed {
                name: "a",
                scanned: Err("the snapshot holds no root/ folder"),
            },
            Observed {
                name: "b",
                scanned: Err("cannot read facts file"),
            },
        ];
        let now = "2026-11-22T08:00:00Z".parse().unwrap();
        let found = evaluate(&rules, &inventory(), &nodes, now, Phase::Pre);
        let got: Vec<(&str, Status)> = found
            .iter()
            .map(|f| (f.rule_id.as_str(), f.status))
            .collect();
        assert_eq!(
            got,
            [
                ("FLEET001", Status::Fail),
                ("FLEET002", Status::NotApplicable),
                ("FLEET003", Status::NotApplicable),
                ("FLEET004", Status::NotApplicable),
                ("FLEET004", Status::NotApplicable),
                ("FLEET005", Status::NotApplicable),
            ]
        );
        assert!(found[0].message.contains("a has no readable snapshot"));
        assert!(found[0].message.contains("b has no readable snapshot"));
        // Fingerprints: rule, installation and subject, as a scan's are.
        assert_eq!(
            found[0].fingerprint,
            fingerprint("FLEET001", "pam-prod", "nodes of pam-prod")
        );
        assert_eq!(found[5].product, Product::Ss);
        // A rule outside its phases says so.
        let mut post_only = rules.clone();
        post_only[0].phases = vec![Phase::Post];
        let found = evaluate(&post_only, &inventory(), &nodes, now, Phase::Pre);
        assert_eq!(found[0].status, Status::NotApplicable);
        assert_eq!(found[0].message, "applies only in the post phase(s)");
    }

    #[test]
    fn every_inventory_node_has_a_summary_scanned_or_not() {
        let now = "2026-11-22T08:00:00Z".parse().unwrap();
        let report = run(
            &inventory(),
            vec![
                ("B".into(), Err(InputError::new("cannot read facts file"))),
                ("c".into(), Err(InputError::new("x"))),
            ],
            now,
            Phase::Post,
        )
        .unwrap();
        let nodes: Vec<(&str, Option<&str>, Option<&str>)> = report
            .nodes
            .iter()
            .map(|n| (n.name.as_str(), n.snapshot.as_deref(), n.error.as_deref()))
            .collect();
        assert_eq!(
            nodes,
            [
                ("a", Some("a"), Some("not scanned")),
                ("b", Some("b"), Some("cannot read facts file")),
                ("c", None, Some("x")),
            ]
        );
        let f001 = &report.fleet[0];
        assert!(
            f001.message.contains("a was not scanned"),
            "{}",
            f001.message
        );
        assert!(
            f001.message.contains("c is not in the inventory"),
            "{}",
            f001.message
        );
        assert_eq!(report.summary.fail, 1);
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["nodes"][0]["report"], serde_json::Value::Null);
        assert_eq!(json["fleet"][0]["rule_id"], "FLEET001");
    }
}
