//! The vocabulary every stage shares: products, phases, procedures, statuses,
//! severities, and the result a rule produces.
//!
//! Names and spellings here are part of the JSON contract (`docs/report.md`):
//! they serialize in lower case exactly as the rule catalog writes them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Bumped on any incompatible change to the JSON report (docs/report.md).
pub const SCHEMA_VERSION: u32 = 1;

/// A product family upgate knows the upgrade procedure of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Product {
    /// Delinea (Thycotic) Secret Server.
    Ss,
    /// Delinea (Thycotic) Privilege Manager, the TMS web application.
    Pm,
    /// Netwrix Password Secure.
    Nps,
}

impl Product {
    pub const ALL: [Product; 3] = [Product::Ss, Product::Pm, Product::Nps];

    pub fn code(self) -> &'static str {
        match self {
            Product::Ss => "ss",
            Product::Pm => "pm",
            Product::Nps => "nps",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Product::Ss => "Secret Server",
            Product::Pm => "Privilege Manager",
            Product::Nps => "Netwrix Password Secure",
        }
    }

    /// The product's section in facts.json.
    pub fn facts_section(self) -> &'static str {
        match self {
            Product::Ss => "secret_server",
            Product::Pm => "privilege_manager",
            Product::Nps => "password_secure",
        }
    }

    pub fn from_code(code: &str) -> Option<Product> {
        Product::ALL
            .into_iter()
            .find(|p| p.code().eq_ignore_ascii_case(code))
    }
}

impl fmt::Display for Product {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Before the upgrade (pre-flight) or after it (audit).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Pre,
    Post,
}

impl Phase {
    pub fn code(self) -> &'static str {
        match self {
            Phase::Pre => "pre",
            Phase::Post => "post",
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// The vendor procedure a scan follows (one per seed document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Procedure {
    /// Secret Server and Privilege Manager together (seed 000).
    Combined,
    /// Privilege Manager alone (seed 001).
    Offline,
    /// Secret Server alone: no seed procedure covers it, so only the rules
    /// sound for any Secret Server upgrade apply (backups, the upgrade path).
    Standalone,
    /// Netwrix Password Secure (seed 002).
    Update,
}

impl Procedure {
    pub fn code(self) -> &'static str {
        match self {
            Procedure::Combined => "combined",
            Procedure::Offline => "offline",
            Procedure::Standalone => "standalone",
            Procedure::Update => "update",
        }
    }
}

impl fmt::Display for Procedure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// How bad a failing result is. Ordered: `Note < Warning < Error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Note,
    Warning,
    Error,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_code(code: &str) -> Option<Severity> {
        [Severity::Note, Severity::Warning, Severity::Error]
            .into_iter()
            .find(|s| s.code().eq_ignore_ascii_case(code))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a rule concluded about one subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pass,
    Fail,
    NotApplicable,
    /// An input the rule needs is missing; the message says which and how to supply it.
    NotEvaluated,
    /// A step no file can prove: a checklist item.
    Manual,
    /// The input exists but could not be read or parsed. Never a pass.
    Error,
    Waived,
}

impl Status {
    pub const ALL: [Status; 7] = [
        Status::Pass,
        Status::Fail,
        Status::NotApplicable,
        Status::NotEvaluated,
        Status::Manual,
        Status::Error,
        Status::Waived,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotApplicable => "not_applicable",
            Status::NotEvaluated => "not_evaluated",
            Status::Manual => "manual",
            Status::Error => "error",
            Status::Waived => "waived",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// Where on the server a result points.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// As the vendor writes it: `C:\inetpub\wwwroot\TMS\web.config`.
    pub server_path: String,
    /// Relative to the scanned root with `/` separators, as found on disk:
    /// `inetpub/wwwroot/TMS/web.config`. Absent when the path did not map onto the root.
    pub root_relative: Option<String>,
    pub line: Option<u32>,
    pub column: Option<u32>,
}

impl Location {
    /// A server path that did not map onto the root (no root-relative path, no line).
    pub fn unresolved(server_path: &str) -> Location {
        Location {
            server_path: server_path.to_string(),
            root_relative: None,
            line: None,
            column: None,
        }
    }
}

/// One conclusion of one rule, before the engine adds the rule's metadata.
///
/// Checks build these; they never see titles, remediation or fingerprints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub status: Status,
    /// Overrides the rule's severity for this result (e.g. a warning case of an error rule).
    pub severity: Option<Severity>,
    pub message: String,
    /// What the result is about; with the rule id and host it makes the fingerprint.
    pub subject: String,
    pub location: Option<Location>,
    pub observed: Option<String>,
    pub expected: Option<String>,
}

impl Outcome {
    pub fn new(status: Status, subject: impl Into<String>, message: impl Into<String>) -> Self {
        Outcome {
            status,
            severity: None,
            message: message.into(),
            subject: subject.into(),
            location: None,
            observed: None,
            expected: None,
        }
    }

    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    pub fn at(mut self, location: Location) -> Self {
        self.location = Some(location);
        self
    }

    pub fn observed(mut self, value: impl Into<String>) -> Self {
        self.observed = Some(value.into());
        self
    }

    pub fn expected(mut self, value: impl Into<String>) -> Self {
        self.expected = Some(value.into());
        self
    }
}

/// A result as reported: the outcome plus the rule's metadata.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub rule_id: String,
    pub slug: String,
    pub product: Product,
    pub status: Status,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub subject: String,
    pub location: Option<Location>,
    pub observed: Option<String>,
    pub expected: Option<String>,
    pub remediation: String,
    pub source: String,
    pub fingerprint: String,
    /// The waiver that turned this failing result into `waived`.
    pub waiver: Option<Waiver>,
    /// How it compares with `--baseline`.
    pub baseline: Option<BaselineMark>,
}

impl Finding {
    /// A failing result the gate may act on (`waived` is not active).
    pub fn is_failing(&self) -> bool {
        matches!(self.status, Status::Fail | Status::Error)
    }
}

/// A validated waiver (`--waivers`): parsed and applied by the `waivers` module,
/// recorded on the results it waived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    /// The rule's id (a slug in the file is resolved to it).
    pub rule: String,
    pub host: Option<String>,
    pub subject: Option<String>,
    pub reason: String,
    pub owner: String,
    pub expires: String,
    /// `waivers.toml:12`.
    pub origin: String,
    #[serde(skip)]
    pub expires_on: jiff::civil::Date,
}

/// How a result compares with `--baseline` (set by the `baseline` module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BaselineState {
    New,
    Unchanged,
    Updated,
}

/// A result's baseline mark: its state and, when it was in the baseline, its status there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaselineMark {
    pub state: BaselineState,
    pub previous_status: Option<Status>,
}
