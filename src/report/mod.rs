//! The report a scan produces, the gate that turns it into an exit status,
//! and one emitter per output format behind one trait. Emitters only format:
//! they never decide a status or read a file.

pub mod json;
pub mod sarif;
pub mod text;

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use crate::inputs::{Integrity, ObservedSetting};
use crate::model::{Finding, Phase, Product, Severity, Status};

/// Bumped on any incompatible change to the JSON report (docs/report.md).
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub scan: ScanInfo,
    pub results: Vec<Finding>,
    pub summary: Summary,
    pub observed_state: ObservedState,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScanInfo {
    pub host: String,
    pub phase: Phase,
    /// `combined`, `offline`, `update`, or several joined by `+`; empty when no product is in scope.
    pub procedure: String,
    pub products: Vec<Product>,
    /// Why each product and procedure was chosen.
    pub detection: Vec<String>,
    pub root: String,
    pub facts: Option<String>,
    pub now: String,
    pub targets: BTreeMap<Product, String>,
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
    pub fn of(results: &[Finding]) -> Summary {
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

/// What the scan saw that a later comparison needs.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ObservedState {
    pub settings: Vec<ObservedSetting>,
    pub packages: Vec<ObservedPackage>,
    /// Copies of web folders found, with their times and whether they were complete.
    pub backups: Vec<crate::inputs::backup::ObservedBackup>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ObservedPackage {
    pub path: String,
    pub id: Option<String>,
    pub version: Option<String>,
    pub integrity: Integrity,
}

/// When the exit status is 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gate {
    /// Lowest severity of a failing result that fails the gate; `None` = never.
    pub fail_on: Option<Severity>,
    /// `not_evaluated` results fail the gate too.
    pub strict: bool,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            fail_on: Some(Severity::Error),
            strict: false,
        }
    }
}

impl Gate {
    /// Whether this result makes the gate fail. An `error` result always does:
    /// an unreadable input is never a pass.
    pub fn trips(&self, r: &Finding) -> bool {
        match r.status {
            Status::Error => true,
            Status::Fail => self.fail_on.is_some_and(|min| r.severity >= min),
            Status::NotEvaluated => self.strict,
            _ => false,
        }
    }

    pub fn failed(&self, report: &Report) -> bool {
        report.results.iter().any(|r| self.trips(r))
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
