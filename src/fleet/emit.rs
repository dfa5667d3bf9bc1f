//! `upgate fleet`'s outputs (its emitters): a [`FleetReport`] as text, Markdown, JSON, JUnit
//! and SARIF. Built from the scan emitters' pieces (the text view's rule
//! groups and wrapping, Markdown's cells, JUnit's testcases, SARIF's runs);
//! like them, these only format: the gate decides, and no file is read.
//!
//! The fleet's gate fails when any node's results fail it (as `upgate scan`
//! of that node would) or any fleet result does ([`failed`]).

use std::fmt::Write as _;
use std::io::{self, Write};

use serde::Serialize;

use super::{FleetReport, NodeSummary};
use crate::model::{Finding, Status};
use crate::report::text::{Text, View, escape};
use crate::report::{Gate, Report, Show, Summary};

/// One output format of a fleet.
pub trait FleetEmitter {
    fn emit(&self, report: &FleetReport, gate: &Gate, out: &mut dyn Write) -> io::Result<()>;
}

/// Whether the fleet fails the gate: a node's results or a fleet result trip it.
pub fn failed(report: &FleetReport, gate: &Gate) -> bool {
    report.fleet.iter().any(|r| gate.trips(r)) || node_reports(report).any(|r| gate.failed(r))
}

fn node_reports(report: &FleetReport) -> impl Iterator<Item = &Report> {
    report.nodes.iter().filter_map(|n| n.report.as_ref())
}

/// The fleet's verdict: [`Gate::verdict_of`] every node's results and the fleet's.
pub fn verdict(report: &FleetReport, gate: &Gate) -> String {
    let all = report
        .fleet
        .iter()
        .chain(node_reports(report).flat_map(|r| r.results.iter()));
    gate.verdict_of(all, report.phase)
}

/// A node's verdict, or that it has no report.
fn node_verdict(node: &NodeSummary, gate: &Gate) -> String {
    match &node.report {
        Some(r) => gate.verdict(r),
        None => "NO REPORT".to_string(),
    }
}

/// A node's counts over the products in scope (as scan's summary line counts).
fn node_counts(report: &Report) -> Summary {
    Summary::of(report.in_scope())
}

/// "3 pass, 4 fail" (statuses with a count above zero).
fn counts_text(summary: &Summary) -> String {
    let parts: Vec<String> = Status::ALL
        .iter()
        .filter(|st| summary.count(**st) > 0)
        .map(|st| {
            format!(
                "{} {}",
                summary.count(*st),
                crate::report::status_words(*st)
            )
        })
        .collect();
    if parts.is_empty() {
        "none".to_string()
    } else {
        parts.join(", ")
    }
}

/// The summary line without the verdict: the fleet results' counts and the
/// nodes'; and why the gate fails, when it does.
pub fn tally(report: &FleetReport, gate: &Gate) -> (String, Option<String>) {
    let nodes = report.nodes.len();
    let mut verdicts: Vec<(String, usize)> = Vec::new();
    for n in &report.nodes {
        let v = node_verdict(n, gate);
        match verdicts.iter_mut().find(|(w, _)| *w == v) {
            Some((_, c)) => *c += 1,
            None => verdicts.push((v, 1)),
        }
    }
    let verdicts: Vec<String> = verdicts.iter().map(|(v, c)| format!("{c} {v}")).collect();
    let text = format!(
        "{} fleet results: {}; {nodes} node(s): {}",
        report.fleet.len(),
        counts_text(&report.summary),
        verdicts.join(", ")
    );
    let mut why = Vec::new();
    let tripping: Vec<&str> = report
        .fleet
        .iter()
        .filter(|r| gate.trips(r))
        .map(|r| r.rule_id.as_str())
        .collect();
    if !tripping.is_empty() {
        let mut ids = tripping.clone();
        ids.dedup();
        why.push(format!(
            "{} fleet result(s) fail the gate: {}",
            tripping.len(),
            ids.join(", ")
        ));
    }
    let failing: Vec<&str> = report
        .nodes
        .iter()
        .filter(|n| n.report.as_ref().is_some_and(|r| gate.failed(r)))
        .map(|n| n.name.as_str())
        .collect();
    if !failing.is_empty() {
        why.push(format!(
            "the results of {} fail the gate",
            failing.join(", ")
        ));
    }
    (text, (!why.is_empty()).then(|| why.join("; ")))
}

/// The header's facts: installation, phase, time, window, node count.
fn header_words(report: &FleetReport) -> String {
    format!(
        "{} — {}, {} node(s), window {}, judged at {}",
        report.installation,
        crate::report::phase_words(report.phase),
        report.nodes.len(),
        report.window,
        crate::report::to_the_second(&report.now)
    )
}

/// Escapes each line of an error (its `help:` line stays a line of its own).
fn lines(text: &str) -> String {
    text.split('\n')
        .map(|l| escape(l.trim()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Products as codes: `ss, pm`.
fn products_text(node: &NodeSummary) -> String {
    if node.products.is_empty() {
        return "none".to_string();
    }
    node.products
        .iter()
        .map(|p| p.code())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `--format text`: the header, the fleet results that need attention grouped
/// by rule (as scan's text view groups a node's), one entry per node, and
/// the summary line with the fleet's verdict.
pub struct FleetText {
    pub color: bool,
    /// Columns to wrap to; `None` does not wrap.
    pub width: Option<usize>,
}

impl FleetEmitter for FleetText {
    fn emit(&self, report: &FleetReport, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        use owo_colors::Style;
        let text = Text {
            color: self.color,
            show: Show::Failing,
            quiet: false,
            view: View::Full,
            width: self.width,
        };
        let mut s = String::new();
        let lead = format!("{} ", text.paint("upgate fleet", Style::new().bold()));
        text.line(&mut s, &lead, 13, 4, &escape(&header_words(report)));

        text.heading(&mut s, "Fleet");
        let mut shown: Vec<&Finding> = report
            .fleet
            .iter()
            .filter(|r| Show::Failing.includes(r))
            .collect();
        if shown.is_empty() {
            text.line(
                &mut s,
                "  ",
                2,
                4,
                "every fleet result passes or does not apply",
            );
        } else {
            let (status_width, id_width) = crate::report::text::widths(&shown);
            // By rule, problems first: a fleet has few results, read in id order.
            shown.sort_by_cached_key(|r| {
                let (class, severity, rank, place) = crate::report::text::order(r);
                (class, severity, r.rule_id.clone(), rank, place)
            });
            for group in crate::report::text::by_rule(shown) {
                text.group(&group, gate, status_width, id_width, &mut s);
            }
        }

        text.heading(&mut s, "Nodes");
        if !self.nodes_table(report, gate, &text, &mut s) {
            self.nodes_list(report, gate, &text, &mut s);
        }

        s.push('\n');
        let (tally, why) = tally(report, gate);
        text.verdict_line(
            &escape(&tally),
            &verdict(report, gate),
            why.map(|w| escape(&w)).as_deref(),
            failed(report, gate),
            self.width,
            &mut s,
        );
        out.write_all(s.as_bytes())
    }
}

impl FleetText {
    /// The nodes as a table, when it fits the width: node, host, products,
    /// procedure, counts, verdict; a node without a report says why under
    /// its row. False (and nothing written) when it does not fit.
    fn nodes_table(&self, report: &FleetReport, gate: &Gate, text: &Text, s: &mut String) -> bool {
        use owo_colors::Style;
        let head = [
            "node",
            "host",
            "products",
            "procedure",
            "pass",
            "fail",
            "error",
            "not checked",
            "verdict",
        ];
        let rows: Vec<[String; 9]> = report
            .nodes
            .iter()
            .map(|n| {
                let name = escape(&n.name);
                match &n.report {
                    Some(r) => {
                        let c = node_counts(r);
                        [
                            name,
                            escape(n.host.as_deref().unwrap_or("?")),
                            products_text(n),
                            match n.procedure.as_deref() {
                                None | Some("") => "none".to_string(),
                                Some(p) => p.to_string(),
                            },
                            c.pass.to_string(),
                            c.fail.to_string(),
                            c.error.to_string(),
                            c.not_evaluated.to_string(),
                            gate.verdict(r),
                        ]
                    }
                    None => [
                        name,
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        String::new(),
                        node_verdict(n, gate),
                    ],
                }
            })
            .collect();
        let mut widths = head.map(|h| h.chars().count());
        for row in &rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.chars().count());
            }
        }
        let total = 2 + widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
        if self.width.is_some_and(|max| total > max) {
            return false;
        }
        // Counts right-aligned, words left-aligned; the last column unpadded.
        let line = |cells: &[String], paint: &dyn Fn(usize, &str) -> String| {
            let mut l = String::from("  ");
            for (i, (cell, w)) in cells.iter().zip(widths).enumerate() {
                let pad = " ".repeat(w - cell.chars().count());
                let last = i + 1 == cells.len();
                if (4..8).contains(&i) {
                    l.push_str(&pad);
                    l.push_str(&paint(i, cell));
                } else {
                    l.push_str(&paint(i, cell));
                    if !last {
                        l.push_str(&pad);
                    }
                }
                if !last {
                    l.push_str("  ");
                }
            }
            l.trim_end().to_string()
        };
        let heads: Vec<String> = head.iter().map(|h| h.to_string()).collect();
        let _ = writeln!(
            s,
            "{}",
            line(&heads, &|_, c: &str| text.paint(c, Style::new().dimmed()))
        );
        for (node, row) in report.nodes.iter().zip(&rows) {
            let failing = node.report.as_ref().is_none_or(|r| gate.failed(r));
            let _ = writeln!(
                s,
                "{}",
                line(row, &|i, c: &str| match i {
                    0 => text.paint(c, Style::new().bold()),
                    8 if failing => text.paint(c, Style::new().red().bold()),
                    8 => text.paint(c, Style::new().green()),
                    _ => c.to_string(),
                })
            );
            if node.report.is_none() {
                let error = format!(
                    "error: {}",
                    lines(node.error.as_deref().unwrap_or("no report"))
                );
                text.line(s, "    ", 4, 4, &error);
            }
        }
        true
    }

    /// The nodes as entries, for a terminal too narrow for the table: the
    /// name and verdict, then the host, products, procedure and counts
    /// wrapped beside them.
    fn nodes_list(&self, report: &FleetReport, gate: &Gate, text: &Text, s: &mut String) {
        use owo_colors::Style;
        let name_width = report
            .nodes
            .iter()
            .map(|n| escape(&n.name).chars().count())
            .max()
            .unwrap_or(0);
        let verdicts: Vec<String> = report.nodes.iter().map(|n| node_verdict(n, gate)).collect();
        let verdict_width = verdicts
            .iter()
            .map(|v| v.chars().count())
            .max()
            .unwrap_or(0);
        for (node, v) in report.nodes.iter().zip(&verdicts) {
            let name = escape(&node.name);
            let failing = match &node.report {
                Some(r) => gate.failed(r),
                None => true,
            };
            let style = if failing {
                Style::new().red().bold()
            } else {
                Style::new().green()
            };
            let lead = format!(
                "  {}{}  {}{}  ",
                text.paint(&name, Style::new().bold()),
                " ".repeat(name_width - name.chars().count()),
                text.paint(v, style),
                " ".repeat(verdict_width - v.chars().count())
            );
            let used = 2 + name_width + 2 + verdict_width + 2;
            let details = match (&node.report, &node.error) {
                (Some(r), _) => {
                    let c = node_counts(r);
                    let below = r.in_scope().filter(|f| gate.below(f)).count();
                    let below = if below > 0 {
                        format!(" ({below} below the gate)")
                    } else {
                        String::new()
                    };
                    format!(
                        "host {}; products {}; procedure {}; {} pass, {} fail{below}, {} error, {} not checked",
                        escape(node.host.as_deref().unwrap_or("?")),
                        products_text(node),
                        match node.procedure.as_deref() {
                            None | Some("") => "none",
                            Some(p) => p,
                        },
                        c.pass,
                        c.fail,
                        c.error,
                        c.not_evaluated
                    )
                }
                (None, error) => {
                    format!("error: {}", lines(error.as_deref().unwrap_or("no report")))
                }
            };
            text.line(s, &lead, used, used, &details);
        }
    }
}

/// `--format markdown`: for a change ticket: the header, the fleet results
/// (every one: a ticket records what was checked), then a row per node.
pub struct FleetMarkdown;

impl FleetEmitter for FleetMarkdown {
    fn emit(&self, report: &FleetReport, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        use crate::report::markdown::{cell, finding_text, mark};
        let mut s = String::new();
        let verdict = verdict(report, gate);
        let icon = if failed(report, gate) { "❌" } else { "✅" };
        let _ = writeln!(
            s,
            "## {icon} upgate fleet: {verdict} — {}\n",
            cell(&report.installation)
        );
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| Installation | {} |", cell(&report.installation));
        let _ = writeln!(
            s,
            "| Phase | {} |",
            crate::report::phase_words(report.phase)
        );
        let _ = writeln!(s, "| Nodes | {} |", report.nodes.len());
        let _ = writeln!(s, "| Window | {} |", cell(&report.window));
        let _ = writeln!(
            s,
            "| Judged at | {} |",
            cell(&crate::report::to_the_second(&report.now))
        );
        let (tally, why) = tally(report, gate);
        let why = why.map(|w| format!(" ({})", cell(&w))).unwrap_or_default();
        let _ = writeln!(s, "\n{} — **{verdict}**{why}\n", cell(&tally));

        let _ = writeln!(s, "### Fleet results\n");
        let _ = writeln!(
            s,
            "| Status | Severity | Rule | Subject | Finding | Fix |\n|---|---|---|---|---|---|"
        );
        for r in &report.fleet {
            let gate_note = if gate.below(r) {
                " (below --fail-on)"
            } else {
                ""
            };
            let fix = if r.status == Status::Pass || r.status == Status::NotApplicable {
                String::new()
            } else {
                cell(&r.remediation)
            };
            let _ = writeln!(
                s,
                "| {} | {}{gate_note} | **{}** {} | {} | {} | {fix} |",
                mark(r.status),
                r.severity,
                r.rule_id,
                cell(&r.title),
                cell(&r.subject),
                finding_text(r),
            );
        }
        let _ = writeln!(s, "\n### Nodes\n");
        let _ = writeln!(
            s,
            "| Node | Host | Products | Procedure | Pass | Fail | Error | Not checked | Verdict |\n|---|---|---|---|---|---|---|---|---|"
        );
        for node in &report.nodes {
            match &node.report {
                Some(r) => {
                    let c = node_counts(r);
                    let icon = if gate.failed(r) { "❌" } else { "✅" };
                    let _ = writeln!(
                        s,
                        "| **{}** | {} | {} | {} | {} | {} | {} | {} | {icon} {} |",
                        cell(&node.name),
                        cell(node.host.as_deref().unwrap_or("")),
                        products_text(node),
                        cell(node.procedure.as_deref().unwrap_or("")),
                        c.pass,
                        c.fail,
                        c.error,
                        c.not_evaluated,
                        gate.verdict(r)
                    );
                }
                None => {
                    let _ = writeln!(
                        s,
                        "| **{}** | | | | | | | | ⛔ no report: {} |",
                        cell(&node.name),
                        cell(node.error.as_deref().unwrap_or(""))
                    );
                }
            }
        }
        out.write_all(s.as_bytes())
    }
}

/// `--format json`: the [`FleetReport`] (docs/fleet.md) with the tool and the
/// gate, as scan's JSON report has them (`gate.nodes`: each node's own).
pub struct FleetJson;

#[derive(Serialize)]
struct NodeGate<'a> {
    name: &'a str,
    failed: bool,
    verdict: String,
}

#[derive(Serialize)]
struct FleetGateView<'a> {
    #[serde(flatten)]
    gate: crate::report::json::GateView,
    nodes: Vec<NodeGate<'a>>,
}

#[derive(Serialize)]
struct JsonView<'a> {
    #[serde(flatten)]
    report: &'a FleetReport,
    tool: crate::report::json::Tool,
    gate: FleetGateView<'a>,
}

impl FleetEmitter for FleetJson {
    fn emit(&self, report: &FleetReport, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let view = JsonView {
            report,
            tool: crate::report::json::Tool {
                name: "upgate",
                version: env!("CARGO_PKG_VERSION"),
            },
            gate: FleetGateView {
                gate: crate::report::json::GateView {
                    fail_on: gate.fail_on.map(|s| s.code()),
                    strict: !gate.allow_unevaluated,
                    failed: failed(report, gate),
                    verdict: verdict(report, gate),
                },
                nodes: report
                    .nodes
                    .iter()
                    .map(|n| NodeGate {
                        name: &n.name,
                        failed: n.report.as_ref().is_none_or(|r| gate.failed(r)),
                        verdict: node_verdict(n, gate),
                    })
                    .collect(),
            },
        };
        serde_json::to_writer_pretty(&mut *out, &view)?;
        writeln!(out)
    }
}

/// `--format junit`: one `<testsuite>` per node (its results in scope, judged
/// as `--format junit` of its scan judges them) and one named `fleet`; so
/// `failures + errors` is the number of results that fail the gate.
pub struct FleetJunit;

impl FleetEmitter for FleetJunit {
    fn emit(&self, report: &FleetReport, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        use crate::report::junit::{Counts, escape as x, testcase};
        let timestamp = x(report.now.trim_end_matches('Z'));
        let mut suites = String::new();
        let mut total = Counts::default();
        let mut suite = |name: &str,
                         host: &str,
                         properties: &[(&str, String)],
                         results: &[&Finding],
                         extra: Option<&str>| {
            let mut cases = String::new();
            let mut counts = Counts::default();
            for r in results {
                counts.add(testcase(r, gate, &mut cases));
            }
            let _ = writeln!(
                suites,
                "  <testsuite name=\"{}\" {} timestamp=\"{timestamp}\" hostname=\"{}\">",
                x(name),
                counts.attrs(),
                x(host)
            );
            let _ = writeln!(suites, "    <properties>");
            for (name, value) in properties {
                let _ = writeln!(
                    suites,
                    "      <property name=\"{name}\" value=\"{}\"/>",
                    x(value)
                );
            }
            let _ = writeln!(suites, "    </properties>");
            suites.push_str(&cases);
            if let Some(e) = extra {
                let _ = writeln!(suites, "    <system-err>{}</system-err>", x(e));
            }
            let _ = writeln!(suites, "  </testsuite>");
            total.merge(&counts);
        };
        for node in &report.nodes {
            let mut properties = vec![("phase", report.phase.code().to_string())];
            if let Some(snapshot) = &node.snapshot {
                properties.push(("snapshot", snapshot.clone()));
            }
            match &node.report {
                Some(r) => {
                    properties.push(("procedure", r.scan.procedure.clone()));
                    properties.push(("verdict", gate.verdict(r)));
                    let results: Vec<&Finding> = r.in_scope().collect();
                    suite(&node.name, &r.scan.host, &properties, &results, None);
                }
                None => {
                    let error = node.error.clone().unwrap_or_default();
                    properties.push(("error", error.clone()));
                    suite(&node.name, &node.name, &properties, &[], Some(&error));
                }
            }
        }
        let properties = [
            ("phase", report.phase.code().to_string()),
            ("window", report.window.clone()),
            ("verdict", verdict(report, gate)),
        ];
        let fleet: Vec<&Finding> = report.fleet.iter().collect();
        suite("fleet", &report.installation, &properties, &fleet, None);
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<testsuites name=\"upgate fleet {} {}\" {}>",
            x(&report.installation),
            report.phase.code(),
            total.attrs()
        );
        s.push_str(&suites);
        s.push_str("</testsuites>\n");
        out.write_all(s.as_bytes())
    }
}

/// `--format sarif`: a run per node with a report (its scan's SARIF run,
/// category `upgate/<installation>/<node>/<phase>/`, each result's
/// `properties.node` naming it) and one for the fleet results
/// (`upgate/<installation>/fleet/<phase>/`), located at the inventory's folder.
pub struct FleetSarif<'a> {
    /// The rule set the nodes were scanned with.
    pub rules: &'a crate::rules::RuleSet,
    pub fleet_rules: &'a [super::FleetRule],
    /// The inventory's folder, absolute.
    pub inventory_dir: String,
}

impl FleetEmitter for FleetSarif<'_> {
    fn emit(&self, report: &FleetReport, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        use crate::report::sarif::{self, Described, Sarif};
        use std::collections::{BTreeMap, BTreeSet};
        let part = |s: &str| s.replace('/', "_");
        let installation = part(&report.installation);
        let nodes = Sarif { rules: self.rules };
        let mut runs = Vec::new();
        for node in &report.nodes {
            let Some(r) = &node.report else { continue };
            let category = format!(
                "upgate/{installation}/{}/{}/",
                part(&node.name),
                report.phase
            );
            let mut run = nodes.run(r, gate, category)?;
            for result in run.results.iter_mut().flatten() {
                sarif::tag(result, "node", &node.name);
            }
            runs.push(run);
        }
        let ids: BTreeSet<&str> = report.fleet.iter().map(|f| f.rule_id.as_str()).collect();
        let used: Vec<&super::FleetRule> = self
            .fleet_rules
            .iter()
            .filter(|r| ids.contains(r.id.as_str()))
            .collect();
        let index: BTreeMap<&str, usize> = used
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let mut results = Vec::new();
        for f in report.fleet.iter().filter(|f| sarif::is_alert(f)) {
            let i = index.get(f.rule_id.as_str()).copied().ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("SARIF: fleet rule {} is not in the fleet rules", f.rule_id),
                )
            })?;
            let mut result = sarif::result(f, i, None);
            sarif::tag(&mut result, "installation", &report.installation);
            results.push(result);
        }
        let descriptors = used
            .iter()
            .map(|r| {
                let tags = std::iter::once("fleet")
                    .chain(r.phases.iter().map(|p| p.code()))
                    .map(String::from)
                    .collect();
                sarif::describe(&Described {
                    id: &r.id,
                    slug: &r.slug,
                    title: &r.title,
                    summary: &r.summary,
                    remediation: &r.remediation,
                    source: &r.source,
                    inputs: &[],
                    severity: r.severity,
                    tags,
                })
            })
            .collect();
        let bases = BTreeMap::from([(
            sarif::ROOT_BASE.to_string(),
            sarif::base(
                &self.inventory_dir,
                "The inventory's folder: the fleet results are about the installation",
            ),
        )]);
        runs.push(sarif::run_of(
            descriptors,
            results,
            bases,
            format!("upgate/{installation}/fleet/{}/", report.phase),
            gate.verdict_of(&report.fleet, report.phase),
            report.fleet.iter().any(|r| gate.trips(r)),
        ));
        serde_json::to_writer_pretty(&mut *out, &sarif::log(runs))?;
        writeln!(out)
    }
}
