//! `--baseline REPORT.json`: compares a scan with an earlier JSON report of
//! the same host, by fingerprint (rule id, host and subject: stable across
//! runs). Each result is `new` (not in the baseline), `unchanged` (there with
//! the same status) or `updated` (there with another status); results of the
//! baseline that this scan no longer produced are `absent`.
//!
//! Parsing takes text (the caller reads the file); applying is pure.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::model::{Finding, Status};

/// The parts of an earlier report a comparison needs.
#[derive(Debug, Clone)]
pub struct Baseline {
    /// The file as the user named it.
    pub file: String,
    pub host: String,
    results: Vec<Earlier>,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq, Eq)]
pub struct Earlier {
    pub rule_id: String,
    pub subject: String,
    pub status: Status,
    pub fingerprint: String,
}

#[derive(Deserialize)]
struct ReportFile {
    scan: ScanFile,
    results: Vec<Earlier>,
}

#[derive(Deserialize)]
struct ScanFile {
    host: String,
}

/// How a result compares with the baseline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum State {
    New,
    Unchanged,
    Updated,
}

/// A result's mark: its state and, when it was in the baseline, its status there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mark {
    pub state: State,
    pub previous_status: Option<Status>,
}

/// The comparison, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub file: String,
    /// Baseline results this scan did not produce.
    pub absent: Vec<Earlier>,
}

impl Baseline {
    /// Parses an upgate JSON report.
    pub fn parse(text: &str, file: &Path) -> Result<Baseline, InputError> {
        let r: ReportFile = crate::report::read_earlier(text, file)?;
        Ok(Baseline {
            file: file.display().to_string(),
            host: r.scan.host,
            results: r.results,
        })
    }

    /// Marks each result and lists the baseline's results that are gone.
    pub fn apply(&self, results: &mut [Finding]) -> Comparison {
        let earlier: BTreeMap<&str, &Earlier> = self
            .results
            .iter()
            .map(|e| (e.fingerprint.as_str(), e))
            .collect();
        for r in results.iter_mut() {
            r.baseline = Some(match earlier.get(r.fingerprint.as_str()) {
                None => Mark {
                    state: State::New,
                    previous_status: None,
                },
                Some(e) => Mark {
                    state: if e.status == r.status {
                        State::Unchanged
                    } else {
                        State::Updated
                    },
                    previous_status: Some(e.status),
                },
            });
        }
        let now: std::collections::BTreeSet<&str> =
            results.iter().map(|r| r.fingerprint.as_str()).collect();
        Comparison {
            file: self.file.clone(),
            absent: self
                .results
                .iter()
                .filter(|e| !now.contains(e.fingerprint.as_str()))
                .cloned()
                .collect(),
        }
    }
}
