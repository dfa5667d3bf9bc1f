//! The report a scan produces, the gate that turns it into an exit status,
//! and one emitter per output format behind one trait. Emitters only format:
//! they never decide a status or read a file.

pub mod github;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod text;

use std::io::{self, Write};

use serde::Serialize;

use crate::baseline::Baseline;
use crate::model::{Finding, Phase, SCHEMA_VERSION, Severity, Status, Waiver};
use crate::scan::Scan;
pub use crate::scan::{ObservedPackage, ObservedState, ScanInfo};

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub scan: ScanInfo,
    pub results: Vec<Finding>,
    pub summary: Summary,
    pub observed_state: ObservedState,
    /// Each `--waivers` entry and what became of it.
    pub waivers: Vec<crate::waivers::Use>,
    /// The comparison with `--baseline`, if one was given.
    pub baseline: Option<crate::baseline::Comparison>,
}

impl Report {
    /// A scan's results with `--waivers` and `--baseline` applied, counted.
    /// `now` dates the waivers' expiry.
    pub fn new(
        scan: Scan,
        waivers: &[Waiver],
        baseline: Option<&Baseline>,
        now: jiff::Timestamp,
    ) -> Report {
        let Scan {
            info,
            mut results,
            observed_state,
        } = scan;
        let today = now.to_zoned(jiff::tz::TimeZone::UTC).date();
        let waivers = crate::waivers::apply(waivers, &info.host, today, &mut results);
        let baseline = baseline.map(|b| b.apply(&mut results));
        Report {
            schema_version: SCHEMA_VERSION,
            scan: info,
            summary: Summary::of(&results),
            observed_state,
            waivers,
            baseline,
            results,
        }
    }
}

impl Report {
    /// The results of the products in scope: another product's rules only say
    /// they do not apply, which the views for people leave out.
    pub fn in_scope(&self) -> impl Iterator<Item = &Finding> {
        let products = &self.scan.products;
        self.results
            .iter()
            .filter(move |r| products.is_empty() || products.contains(&r.product))
    }
}

/// Results per status; every status is present, zero or not.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub pass: usize,
    pub fail: usize,
    pub not_applicable: usize,
    pub not_evaluated: usize,
    pub manual: usize,
    pub error: usize,
    pub waived: usize,
}

impl Summary {
    pub fn of<'a>(results: impl IntoIterator<Item = &'a Finding>) -> Summary {
        let mut s = Summary::default();
        for r in results {
            *s.slot(r.status) += 1;
        }
        s
    }

    fn slot(&mut self, status: Status) -> &mut usize {
        match status {
            Status::Pass => &mut self.pass,
            Status::Fail => &mut self.fail,
            Status::NotApplicable => &mut self.not_applicable,
            Status::NotEvaluated => &mut self.not_evaluated,
            Status::Manual => &mut self.manual,
            Status::Error => &mut self.error,
            Status::Waived => &mut self.waived,
        }
    }

    pub fn count(&self, status: Status) -> usize {
        match status {
            Status::Pass => self.pass,
            Status::Fail => self.fail,
            Status::NotApplicable => self.not_applicable,
            Status::NotEvaluated => self.not_evaluated,
            Status::Manual => self.manual,
            Status::Error => self.error,
            Status::Waived => self.waived,
        }
    }
}

/// When the exit status is 1. The gate fails closed: a check that could not
/// run at or above `--fail-on` fails it like a failure, unless
/// `--allow-unevaluated` accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// Lowest severity of a failing or unevaluated result that fails the gate;
    /// `None` = never (the gate is off).
    pub fail_on: Option<Severity>,
    /// `--allow-unevaluated`: `not_evaluated` results do not fail the gate.
    pub allow_unevaluated: bool,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            fail_on: Some(Severity::Error),
            allow_unevaluated: false,
        }
    }
}

impl Gate {
    fn at_or_above(&self, r: &Finding) -> bool {
        self.fail_on.is_some_and(|min| r.severity >= min)
    }

    /// A failure the gate acts on. An `error` result always is: an unreadable
    /// input is never a pass.
    fn failing(&self, r: &Finding) -> bool {
        match r.status {
            Status::Error => true,
            Status::Fail => self.at_or_above(r),
            _ => false,
        }
    }

    /// A check that could not run, at or above the gate.
    fn unevaluated(&self, r: &Finding) -> bool {
        r.status == Status::NotEvaluated && self.at_or_above(r)
    }

    /// Whether this result makes the gate fail.
    pub fn trips(&self, r: &Finding) -> bool {
        self.failing(r) || (self.unevaluated(r) && !self.allow_unevaluated)
    }

    /// A failing result the gate does not act on (below `--fail-on`, or the gate is off).
    pub fn below(&self, r: &Finding) -> bool {
        r.status == Status::Fail && !self.failing(r)
    }

    pub fn failed(&self, report: &Report) -> bool {
        report.results.iter().any(|r| self.trips(r))
    }

    /// The verdict in words, agreeing with the counts: `NOT READY` (before the
    /// upgrade) or `PROBLEMS FOUND` (after it) when something fails at or
    /// above the gate; `INCOMPLETE` when nothing fails but a check at or above
    /// it could not run (`INCOMPLETE (accepted)` with `--allow-unevaluated`);
    /// else `READY` or `COMPLIANT`. With the gate off (`--fail-on never`) the
    /// words judge every result and say `(gate off)`.
    pub fn verdict(&self, report: &Report) -> String {
        self.verdict_of(&report.results, report.scan.phase)
    }

    /// [`Gate::verdict`] over any results judged in `phase` (a fleet's: every
    /// node's and the fleet rules').
    pub fn verdict_of<'a>(
        &self,
        results: impl IntoIterator<Item = &'a Finding>,
        phase: Phase,
    ) -> String {
        let results: Vec<&Finding> = results.into_iter().collect();
        let words = |failed: bool, incomplete: bool| match (failed, incomplete, phase) {
            (true, _, Phase::Pre) => "NOT READY",
            (true, _, Phase::Post) => "PROBLEMS FOUND",
            (false, true, _) => "INCOMPLETE",
            (false, false, Phase::Pre) => "READY",
            (false, false, Phase::Post) => "COMPLIANT",
        };
        if self.fail_on.is_none() {
            let failed = results.iter().any(|r| r.is_failing());
            let incomplete = results.iter().any(|r| r.status == Status::NotEvaluated);
            return format!("{} (gate off)", words(failed, incomplete));
        }
        let failed = results.iter().any(|r| self.failing(r));
        let incomplete = results.iter().any(|r| self.unevaluated(r));
        let w = words(failed, incomplete);
        if !failed && incomplete && self.allow_unevaluated {
            format!("{w} (accepted)")
        } else {
            w.to_string()
        }
    }

    /// "24 results for Privilege Manager: 7 pass, 1 fail (below the gate), 16
    /// not applicable" (the products in scope: other products' rules only say
    /// they do not apply) and, when the gate fails, why: how many results fail
    /// it and which checks could not run.
    pub fn tally(&self, report: &Report) -> (String, Option<String>) {
        let products = &report.scan.products;
        let in_scope: Vec<&Finding> = report.in_scope().collect();
        let summary = Summary::of(in_scope.iter().copied());
        let below = in_scope.iter().filter(|r| self.below(r)).count();
        let counts: Vec<String> = Status::ALL
            .iter()
            .filter_map(|st| {
                let n = summary.count(*st);
                let mut c = format!("{n} {}", status_words(*st));
                if *st == Status::Fail && below > 0 {
                    c.push_str(&if below == n {
                        " (below the gate)".to_string()
                    } else {
                        format!(" ({below} below the gate)")
                    });
                }
                (n > 0).then_some(c)
            })
            .collect();
        let tripping: Vec<&Finding> = report.results.iter().filter(|r| self.trips(r)).collect();
        let mut why = Vec::new();
        let failing = tripping.iter().filter(|r| self.failing(r)).count();
        if failing > 0 {
            why.push(format!("{failing} result(s) fail the gate"));
        }
        let mut not_run: Vec<&str> = tripping
            .iter()
            .filter(|r| r.status == Status::NotEvaluated)
            .map(|r| r.rule_id.as_str())
            .collect();
        not_run.dedup();
        if !not_run.is_empty() {
            why.push(format!(
                "{} could not be checked: supply what their results ask for, or pass --allow-unevaluated",
                not_run.join(", ")
            ));
        }
        let scope: Vec<&str> = products.iter().map(|p| p.name()).collect();
        let scope = match scope.as_slice() {
            [] => String::new(),
            [one] => format!(" for {one}"),
            [rest @ .., last] => format!(" for {} and {last}", rest.join(", ")),
        };
        (
            format!("{} results{scope}: {}", in_scope.len(), counts.join(", ")),
            (!why.is_empty()).then(|| why.join("; ")),
        )
    }
}

/// One line per waiver that needs a look: expired (it no longer applies) or
/// unused (it matched no failing result).
pub fn waiver_notes(report: &Report) -> Vec<String> {
    use crate::waivers::State;
    report
        .waivers
        .iter()
        .filter_map(|u| {
            let w = &u.waiver;
            let what = match (&w.subject, &w.host) {
                (Some(s), _) => format!("{} {s}", w.rule),
                (None, Some(h)) => format!("{} on {h}", w.rule),
                (None, None) => w.rule.clone(),
            };
            match u.state {
                State::Applied => None,
                State::Expired => Some(format!(
                    "expired {}: {what} ({}) expired on {}; it no longer applies ({} result(s) fail again)",
                    w.origin,
                    w.owner,
                    w.expires,
                    u.matched.len()
                )),
                State::Unused => Some(format!(
                    "unused {}: {what} ({}) matched no failing result; remove it",
                    w.origin, w.owner
                )),
            }
        })
        .collect()
}

/// The waivers in force: each applied `--waivers` entry, for the text and
/// Markdown reports to list with its rule, subject, reason, owner and expiry.
pub fn active_waivers(report: &Report) -> Vec<&Waiver> {
    report
        .waivers
        .iter()
        .filter(|u| u.state == crate::waivers::State::Applied)
        .map(|u| &u.waiver)
        .collect()
}

/// What a waiver covers: its subject, else every result (on its host).
pub fn waiver_subject(w: &Waiver) -> String {
    match (&w.subject, &w.host) {
        (Some(s), _) => s.clone(),
        (None, Some(h)) => format!("every result on {h}"),
        (None, None) => "every result".to_string(),
    }
}

/// A timestamp to the second (`2026-11-22T08:00:00Z`), for people: the scan's
/// `now` keeps the sub-second digits it was given. Text that is not a
/// timestamp is returned as it is.
pub fn to_the_second(t: &str) -> String {
    t.parse::<jiff::Timestamp>().map_or_else(
        |_| t.to_string(),
        |ts| ts.strftime("%Y-%m-%dT%H:%M:%SZ").to_string(),
    )
}

/// The comparison with `--baseline`, in lines: the counts, then each failing
/// result that is new or changed, then each failing baseline result that is gone.
pub fn baseline_notes(report: &Report) -> Vec<String> {
    use crate::model::BaselineState as State;
    let Some(cmp) = &report.baseline else {
        return Vec::new();
    };
    let count = |state: State| {
        report
            .results
            .iter()
            .filter(|r| r.baseline.as_ref().is_some_and(|m| m.state == state))
            .count()
    };
    let mut lines = vec![format!(
        "compared with {}: {} new, {} unchanged, {} updated, {} absent",
        cmp.file,
        count(State::New),
        count(State::Unchanged),
        count(State::Updated),
        cmp.absent.len()
    )];
    for r in report.results.iter().filter(|r| r.is_failing()) {
        match &r.baseline {
            Some(m) if m.state == State::New => {
                lines.push(format!("new: {} {} ({})", r.rule_id, r.subject, r.status));
            }
            Some(m) if m.state == State::Updated => lines.push(format!(
                "updated: {} {} ({}, was {})",
                r.rule_id,
                r.subject,
                r.status,
                m.previous_status.map_or("?", Status::code)
            )),
            _ => {}
        }
    }
    // Gone failures are news; gone passes are not. A rule this scan ran only
    // as not_applicable was not checked in this phase: not fixed, not judged.
    let judged: std::collections::BTreeSet<&str> = report
        .results
        .iter()
        .filter(|r| r.status != Status::NotApplicable)
        .map(|r| r.rule_id.as_str())
        .collect();
    for e in cmp
        .absent
        .iter()
        .filter(|e| matches!(e.status, Status::Fail | Status::Error | Status::Waived))
    {
        lines.push(if judged.contains(e.rule_id.as_str()) {
            format!("absent: {} {} (was {})", e.rule_id, e.subject, e.status)
        } else {
            format!(
                "not checked in the {} scan: {} {} (was {})",
                report.scan.phase, e.rule_id, e.subject, e.status
            )
        });
    }
    lines
}

/// A titled list of lines (baseline, waivers) for the text and Markdown reports.
pub fn notes(report: &Report) -> [(&'static str, Vec<String>); 2] {
    [
        ("Baseline", baseline_notes(report)),
        ("Waivers", waiver_notes(report)),
    ]
}

/// " [warning]" after a checklist item raised above a note (NPS011 naming a
/// breaking release), in the given brackets; empty for a note.
pub fn raised(r: &Finding, open: char, close: char) -> String {
    if r.severity > Severity::Note {
        format!(" {open}{}{close}", r.severity)
    } else {
        String::new()
    }
}

/// A status for people: `not_evaluated` is "not checked", which says upgate
/// could not check rather than chose not to.
pub fn status_words(status: Status) -> &'static str {
    match status {
        Status::NotApplicable => "not applicable",
        Status::NotEvaluated => "not checked",
        other => other.code(),
    }
}

/// "pre-flight (before the upgrade)" / "audit (after the upgrade)".
/// The result's file relative to the scanned root, for `file=` (GitHub
/// annotations, JUnit). A location names no kind and emitters read no files,
/// so it counts as a file only when it has a line or its last component an
/// extension (`web.config`, not `TMS`): a file without an extension loses its
/// `file=`, which is the safe side.
pub fn file_of(r: &Finding) -> Option<&str> {
    let l = r.location.as_ref()?;
    let rel = l.root_relative.as_deref()?;
    let name = rel.rsplit('/').next().unwrap_or(rel);
    let extension = name.rfind('.').is_some_and(|i| i > 0 && i + 1 < name.len());
    (l.line.is_some() || extension).then_some(rel)
}

pub fn phase_words(phase: Phase) -> &'static str {
    match phase {
        Phase::Pre => "pre-flight (before the upgrade)",
        Phase::Post => "audit (after the upgrade)",
    }
}

/// Which results a person sees (`--show`); never changes the gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Show {
    #[default]
    Failing,
    All,
}

impl Show {
    pub fn includes(self, r: &Finding) -> bool {
        match self {
            Show::All => true,
            Show::Failing => matches!(
                r.status,
                Status::Fail | Status::Error | Status::Manual | Status::NotEvaluated
            ),
        }
    }
}

/// One output format.
pub trait Emitter {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()>;
}
