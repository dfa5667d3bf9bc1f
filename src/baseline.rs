//! `--baseline REPORT.json`: compares a scan with an earlier JSON report of
//! the same host, by fingerprint (rule id, host and subject: stable across
//! runs). Each result is `new` (not in the baseline), `unchanged` (there with
//! the same status) or `updated` (there with another status); results of the
//! baseline that this scan no longer produced are `absent`.
//!
//! Parsing takes text (the caller reads the file); applying is pure. The
//! typed reader of earlier reports ([`EarlierReport`]) serves `diff` too.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::error::InputError;
use crate::model::{BaselineMark, BaselineState, Finding, SCHEMA_VERSION, Status};

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

/// The comparison, for the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    pub file: String,
    /// Baseline results this scan did not produce.
    pub absent: Vec<Earlier>,
}

/// An earlier JSON report, as far as `--baseline` and `diff` read it: one set of
/// typed structs for both.
#[derive(Debug, Clone, Deserialize)]
pub struct EarlierReport {
    pub scan: EarlierScan,
    pub results: Vec<EarlierResult>,
    #[serde(default)]
    pub observed_state: EarlierObserved,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EarlierScan {
    pub host: String,
    pub phase: String,
    pub now: String,
    #[serde(default)]
    pub targets: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EarlierResult {
    pub rule_id: String,
    pub subject: String,
    pub status: Status,
    pub fingerprint: String,
    pub message: String,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct EarlierObserved {
    #[serde(default)]
    pub settings: Vec<EarlierSetting>,
    #[serde(default)]
    pub packages: Vec<EarlierPackage>,
    #[serde(default)]
    pub backups: Vec<EarlierBackup>,
    #[serde(default)]
    pub modules: Vec<EarlierModule>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EarlierModule {
    pub server: String,
    pub name: String,
    pub file: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EarlierSetting {
    pub file: String,
    pub key: String,
    pub value: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EarlierPackage {
    pub path: String,
    pub id: Option<String>,
    pub version: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EarlierBackup {
    pub live: String,
    pub path: String,
    pub modified: Option<String>,
}

impl EarlierReport {
    /// Parses an earlier report, refusing what is not an upgate JSON report of
    /// this schema version.
    pub fn parse(text: &str, file: &Path) -> Result<EarlierReport, InputError> {
        let refuse = |e: serde_json::Error| {
            InputError::new(format!("not an upgate JSON report: {e}"))
                .in_file(file)
                .help(
                    "pass a report written by `upgate scan --format json` (or --report json=FILE)",
                )
        };
        let value: serde_json::Value = serde_json::from_str(text).map_err(refuse)?;
        match value
            .get("schema_version")
            .and_then(serde_json::Value::as_u64)
        {
            Some(v) if v == u64::from(SCHEMA_VERSION) => {
                EarlierReport::deserialize(value).map_err(refuse)
            }
            Some(v) => Err(InputError::new(format!(
                "the report has schema_version {v}, and this upgate reads {SCHEMA_VERSION}"
            ))
            .in_file(file)),
            None => {
                Err(InputError::new("not an upgate JSON report: no schema_version").in_file(file))
            }
        }
    }

    pub fn host(&self) -> &str {
        &self.scan.host
    }
}

impl Baseline {
    /// Parses an upgate JSON report.
    pub fn parse(text: &str, file: &Path) -> Result<Baseline, InputError> {
        let r = EarlierReport::parse(text, file)?;
        Ok(Baseline {
            file: file.display().to_string(),
            host: r.scan.host,
            results: r
                .results
                .into_iter()
                .map(|e| Earlier {
                    rule_id: e.rule_id,
                    subject: e.subject,
                    status: e.status,
                    fingerprint: e.fingerprint,
                })
                .collect(),
        })
    }

    /// The baseline limited to the results of the rules `keep` accepts.
    pub fn of_rules(mut self, keep: impl Fn(&str) -> bool) -> Baseline {
        self.results.retain(|e| keep(&e.rule_id));
        self
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
                None => BaselineMark {
                    state: BaselineState::New,
                    previous_status: None,
                },
                Some(e) => BaselineMark {
                    state: if e.status == r.status {
                        BaselineState::Unchanged
                    } else {
                        BaselineState::Updated
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
