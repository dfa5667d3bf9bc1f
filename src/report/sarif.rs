//! `--format sarif`: SARIF 2.1.0 for code-scanning dashboards (GitHub code
//! scanning and the OASIS schema accept it; `tests/it/sarif.rs` holds it to both).
//!
//! One run. `tool.driver.rules` describes every rule that has a result in the
//! report, from the same rule fields `upgate explain` shows. A SARIF result is
//! written for each `fail`, `error` and `waived` finding (waived ones carry an
//! external suppression); passes, `not_applicable`, `not_evaluated` and `manual`
//! items are not problems a dashboard should list, and stay in the JSON report.
//!
//! Every result has exactly one location, never an empty URI:
//! - a file under the scanned root: its root-relative path, percent-encoded,
//!   against the base id `SERVERROOT` (the root as a `file://` URI);
//! - otherwise (a fact such as a version, or a drive mapped outside the root):
//!   the facts file, against `FACTS` (its folder), with the server path added to
//!   the message; without a facts file, the root itself (`./` against
//!   `SERVERROOT`): the finding is about the server as a whole.
//!
//! A waived result's justification is its waiver's reason, owner, expiry and
//! place. With `--baseline`, each result carries `baselineState` (`new`,
//! `unchanged`, `updated`); baseline results that are gone are listed in the
//! JSON report's `baseline.absent`, not here (they have no location any more).
//!
//! A rule's `defaultConfiguration.level` is its own severity, as `explain`
//! shows it; a result's `level` is the finding's (PM002 is a warning in the
//! offline procedure), `error` for an `error` result.
//!
//! Columns count characters, as upgate's locations do (`columnKind`
//! `unicodeCodePoints`). Emitters only format: no status is decided and no file
//! is read here.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Write};
use std::path::Path;

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, PropertyBag,
    Region, ReportingConfiguration, ReportingDescriptor, Result as SarifResult, ResultLevel, Run,
    RunAutomationDetails, Sarif as Log, Suppression, Tool, ToolComponent,
};

use super::{Emitter, Gate, Report};
use crate::model::{Finding, Severity, Status};
use crate::rules::{Rule, RuleSet};

/// The schema the output conforms to (the OASIS errata 01 schema's own id).
const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
/// GitHub code scanning shows at most this many characters of a description.
const MAX_DESCRIPTION: usize = 1024;
pub(crate) const ROOT_BASE: &str = "SERVERROOT";
const FACTS_BASE: &str = "FACTS";

/// Needs the rule set the scan used: findings carry no summary, inputs or phases.
pub struct Sarif<'a> {
    pub rules: &'a RuleSet,
}

impl Emitter for Sarif<'_> {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let log = self.log(report, gate)?;
        serde_json::to_writer_pretty(&mut *out, &log)?;
        writeln!(out)
    }
}

impl Sarif<'_> {
    fn log(&self, report: &Report, gate: &Gate) -> io::Result<Log> {
        // GitHub keeps one analysis per category: pre-flight and audit of a
        // host must not replace each other (`upgate/<host>/<phase>/`).
        let category = format!(
            "upgate/{}/{}/",
            report.scan.host.replace('/', "_"),
            report.scan.phase
        );
        Ok(log(vec![self.run(report, gate, category)?]))
    }

    /// One report as one run, `category` its `automationDetails.id`
    /// (`upgate fleet` writes a run per node).
    pub fn run(&self, report: &Report, gate: &Gate, category: String) -> io::Result<Run> {
        let ids: BTreeSet<&str> = report.results.iter().map(|f| f.rule_id.as_str()).collect();
        let rules = ids
            .into_iter()
            .map(|id| {
                self.rules.iter().find(|r| r.id == id).ok_or_else(|| {
                    io::Error::new(
                        io::ErrorKind::InvalidInput,
                        format!("SARIF: rule {id} has results but is not in the rule set"),
                    )
                })
            })
            .collect::<io::Result<Vec<&Rule>>>()?;

        let facts = report
            .scan
            .facts
            .as_deref()
            .map(FactsFile::of)
            .transpose()?;
        let mut bases = BTreeMap::from([(
            ROOT_BASE.to_string(),
            base(
                &report.scan.root,
                "The scanned root: the server's system drive, or a copy of it",
            ),
        )]);
        if let Some(f) = &facts {
            bases.insert(
                FACTS_BASE.to_string(),
                base(&f.folder, "The folder of the facts file the scan used"),
            );
        }

        // Every finding's rule is in `rules`, so the lookup cannot miss.
        let index: BTreeMap<&str, usize> = rules
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id.as_str(), i))
            .collect();
        let results: Vec<SarifResult> = report
            .results
            .iter()
            .filter(|f| is_alert(f))
            .map(|f| result(f, index[f.rule_id.as_str()], facts.as_ref()))
            .collect();
        let descriptors = rules.iter().map(|r| descriptor(r)).collect();
        // The gate's verdict, as every other format states it (INCOMPLETE
        // has no SARIF result of its own: not_evaluated results are not alerts).
        Ok(run_of(
            descriptors,
            results,
            bases,
            category,
            gate.verdict(report),
            gate.failed(report),
        ))
    }
}

/// Whether a finding is a SARIF result: `fail`, `error` and `waived`.
pub fn is_alert(f: &Finding) -> bool {
    matches!(f.status, Status::Fail | Status::Error | Status::Waived)
}

/// A log of `runs`.
pub fn log(runs: Vec<Run>) -> Log {
    Log::builder()
        .schema(SCHEMA)
        .version(serde_json::json!("2.1.0"))
        .runs(runs)
        .build()
}

/// A run: upgate as the driver with `rules`, its `results`, base ids and
/// category, and the gate's verdict in its properties.
pub fn run_of(
    rules: Vec<ReportingDescriptor>,
    results: Vec<SarifResult>,
    bases: BTreeMap<String, ArtifactLocation>,
    category: String,
    verdict: String,
    gate_failed: bool,
) -> Run {
    let driver = ToolComponent::builder()
        .name("upgate")
        .version(env!("CARGO_PKG_VERSION"))
        .information_uri(env!("CARGO_PKG_REPOSITORY"))
        .rules(rules)
        .build();
    let mut properties = PropertyBag::builder().build();
    properties.additional_properties.extend([
        ("verdict".to_string(), serde_json::json!(verdict)),
        ("gateFailed".to_string(), serde_json::json!(gate_failed)),
    ]);
    Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .properties(properties)
        .automation_details(RunAutomationDetails::builder().id(category).build())
        .original_uri_base_ids(bases)
        .column_kind(serde_json::json!("unicodeCodePoints"))
        .results(results)
        .build()
}

/// Adds `name: value` to a result's properties (the node a fleet's result is of).
pub fn tag(r: &mut SarifResult, name: &str, value: &str) {
    r.properties
        .get_or_insert_with(|| PropertyBag::builder().build())
        .additional_properties
        .insert(name.to_string(), serde_json::json!(value));
}

/// The facts file as a folder (for `FACTS`) and a file name relative to it.
pub(crate) struct FactsFile {
    folder: String,
    name: String,
}

impl FactsFile {
    /// The report names the facts file as the user did, possibly relative:
    /// made absolute against the working directory (no file is read).
    fn of(path: &str) -> io::Result<FactsFile> {
        let path = std::path::absolute(path)?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let folder = path
            .parent()
            .unwrap_or(Path::new("/"))
            .display()
            .to_string();
        Ok(FactsFile { folder, name })
    }
}

pub fn base(folder: &str, description: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(folder_uri(folder, cfg!(windows)))
        .description(text(description))
        .build()
}

fn text(s: impl Into<String>) -> Message {
    Message::builder().text(s).build()
}

fn level(severity: Severity) -> ResultLevel {
    match severity {
        Severity::Error => ResultLevel::Error,
        Severity::Warning => ResultLevel::Warning,
        Severity::Note => ResultLevel::Note,
    }
}

fn descriptor(rule: &Rule) -> ReportingDescriptor {
    let tags: Vec<String> = std::iter::once(rule.product.code())
        .chain(rule.phases().into_iter().map(|p| p.code()))
        .map(String::from)
        .collect();
    describe(&Described {
        id: &rule.id,
        slug: &rule.slug,
        title: &rule.title,
        summary: &rule.summary,
        remediation: &rule.remediation,
        source: &rule.source,
        inputs: &rule.inputs,
        severity: rule.severity,
        tags,
    })
}

/// What a rule descriptor is made of (a product rule's or a fleet rule's fields).
pub struct Described<'a> {
    pub id: &'a str,
    pub slug: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
    pub remediation: &'a str,
    pub source: &'a str,
    pub inputs: &'a [String],
    pub severity: Severity,
    pub tags: Vec<String>,
}

/// A rule's descriptor: its help has the sections of `upgate explain`.
pub fn describe(rule: &Described<'_>) -> ReportingDescriptor {
    let mut properties = PropertyBag::builder().tags(rule.tags.clone()).build();
    // Every check reads files and facts deterministically: no heuristics, so
    // a result is as certain as its input.
    properties
        .additional_properties
        .insert("precision".into(), serde_json::json!("very-high"));
    ReportingDescriptor::builder()
        .id(rule.id)
        .name(rule.slug)
        .short_description(plain(rule.title))
        .full_description(plain(rule.summary))
        .help(
            MultiformatMessageString::builder()
                .text(help_text(rule))
                .markdown(help_markdown(rule))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(serde_json::json!(rule.severity.code()))
                .build(),
        )
        .properties(properties)
        .build()
}

fn plain(s: &str) -> MultiformatMessageString {
    MultiformatMessageString::builder()
        .text(shorten(s, MAX_DESCRIPTION))
        .build()
}

/// At most `max` characters, cut at a space and marked with "…"; the full
/// text is in the rule's help.
fn shorten(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let cut: String = s.chars().take(max - 1).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end())
}

/// The sections of `upgate explain`, as plain text.
fn help_text(rule: &Described<'_>) -> String {
    let mut s = format!(
        "What and why\n{}\n\nHow to fix\n{}\n\nSource\n{}\n",
        rule.summary, rule.remediation, rule.source
    );
    if !rule.inputs.is_empty() {
        s.push_str("\nReads\n");
        for input in rule.inputs {
            s.push_str(&format!("- {input}\n"));
        }
    }
    s
}

/// The same sections as Markdown; rule text is escaped, so a `<id>` or a
/// Windows path renders as written.
fn help_markdown(rule: &Described<'_>) -> String {
    let mut s = format!(
        "## What and why\n\n{}\n\n## How to fix\n\n{}\n\n## Source\n\n{}\n",
        markdown(rule.summary),
        markdown(rule.remediation),
        markdown(rule.source)
    );
    if !rule.inputs.is_empty() {
        s.push_str("\n## Reads\n\n");
        for input in rule.inputs {
            s.push_str(&format!("- {}\n", markdown(input)));
        }
    }
    s
}

fn markdown(s: &str) -> String {
    super::markdown::escape(s, super::markdown::Block::Paragraphs)
}

pub(crate) fn result(f: &Finding, rule_index: usize, facts: Option<&FactsFile>) -> SarifResult {
    let mut message = f.message.clone();
    let on_disk = f.location.as_ref().and_then(|l| l.root_relative.as_deref());
    let (uri, base_id) = match (on_disk, facts) {
        (Some(rel), _) => (relative_uri(rel), ROOT_BASE),
        (None, facts) => {
            // The server path is not in the URI: keep it in the message.
            if let Some(loc) = &f.location {
                message.push_str(&format!("\nat: {}", loc.server_path));
            }
            match facts {
                Some(facts) => (relative_uri(&facts.name), FACTS_BASE),
                None => ("./".to_string(), ROOT_BASE),
            }
        }
    };
    if let Some(v) = &f.observed {
        message.push_str(&format!("\nobserved: {v}"));
    }
    if let Some(v) = &f.expected {
        message.push_str(&format!("\nexpected: {v}"));
    }

    let mut physical = PhysicalLocation::builder()
        .artifact_location(
            ArtifactLocation::builder()
                .uri(uri)
                .uri_base_id(base_id)
                .build(),
        )
        .build();
    // A line only means something in the file the location names.
    if let (Some(_), Some(line)) = (on_disk, f.location.as_ref().and_then(|l| l.line)) {
        let mut region = Region::builder().start_line(i64::from(line)).build();
        region.start_column = f.location.as_ref().and_then(|l| l.column).map(i64::from);
        physical.region = Some(region);
    }

    let severity = if f.status == Status::Error {
        Severity::Error
    } else {
        f.severity
    };
    let mut r = SarifResult::builder()
        .rule_id(f.rule_id.as_str())
        .rule_index(i64::try_from(rule_index).unwrap_or(i64::MAX))
        .level(level(severity))
        .message(text(message))
        .locations(vec![
            Location::builder().physical_location(physical).build(),
        ])
        .partial_fingerprints(BTreeMap::from([(
            "upgate/v1".to_string(),
            f.fingerprint.clone(),
        )]))
        .build();
    if f.status == Status::Waived {
        // The waiver's reason (and who owns it) is the justification.
        let justification = f.waiver.as_ref().map_or_else(
            || f.message.clone(),
            |w| {
                format!(
                    "{} ({}, until {}; {})",
                    w.reason, w.owner, w.expires, w.origin
                )
            },
        );
        r.suppressions = Some(vec![
            Suppression::builder()
                .kind(serde_json::json!("external"))
                .justification(justification)
                .build(),
        ]);
    }
    if let Some(mark) = &f.baseline {
        r.baseline_state = Some(serde_json::json!(match mark.state {
            crate::model::BaselineState::New => "new",
            crate::model::BaselineState::Unchanged => "unchanged",
            crate::model::BaselineState::Updated => "updated",
        }));
    }
    r
}

/// A root-relative path (`/` separators) as a relative URI reference. A colon
/// in the first segment would read as a scheme, so such a path starts with
/// `./` (RFC 3986 §4.2); the root itself is `./`.
fn relative_uri(path: &str) -> String {
    let encoded = encode_path(path);
    let first = encoded.split('/').next().unwrap_or_default();
    if encoded.is_empty() || first.contains(':') {
        format!("./{encoded}")
    } else {
        encoded
    }
}

/// An absolute folder as a `file://` URI ending in `/` (SARIF requires the
/// slash on base ids). On Windows, `\` separates and `C:\…`, `\\server\share\…`
/// and their `\\?\` forms are understood.
fn folder_uri(folder: &str, windows: bool) -> String {
    let mut uri = if windows {
        let path = folder.replace('\\', "/");
        let path = path.strip_prefix("//?/").unwrap_or(&path);
        if let Some(unc) = path
            .strip_prefix("UNC/")
            .or_else(|| path.strip_prefix("//"))
        {
            format!("file://{}", encode_path(unc))
        } else {
            format!("file:///{}", encode_path(path.trim_start_matches('/')))
        }
    } else {
        format!("file://{}", encode_path(folder))
    };
    if !uri.ends_with('/') {
        uri.push('/');
    }
    uri
}

/// Percent-encodes what RFC 3986 does not allow in a path (`pchar` and `/`):
/// spaces, `%`, `?`, `#`, `\`, control and non-ASCII characters (as UTF-8).
fn encode_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        let keep = b.is_ascii_alphanumeric()
            || matches!(
                b,
                b'-' | b'.'
                    | b'_'
                    | b'~'
                    | b'!'
                    | b'$'
                    | b'&'
                    | b'\''
                    | b'('
                    | b')'
                    | b'*'
                    | b'+'
                    | b','
                    | b';'
                    | b'='
                    | b':'
                    | b'@'
                    | b'/'
            );
        if keep {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location as ServerLocation, Phase, Product};
    use crate::report::{ObservedState, ScanInfo, Summary};

    fn finding(rule: &str, status: Status, location: Option<ServerLocation>) -> Finding {
        Finding {
            rule_id: rule.into(),
            slug: String::new(),
            product: Product::Pm,
            status,
            severity: Severity::Warning,
            title: String::new(),
            message: "what was found".into(),
            subject: "subject".into(),
            location,
            observed: None,
            expected: None,
            remediation: String::new(),
            source: String::new(),
            fingerprint: "0123456789abcdef0123456789abcdef".into(),
            waiver: None,
            baseline: None,
        }
    }

    /// The SARIF of a report holding `results`, as JSON.
    fn sarif(results: Vec<Finding>, facts: Option<&str>) -> serde_json::Value {
        let report = Report {
            schema_version: crate::model::SCHEMA_VERSION,
            scan: ScanInfo {
                host: "pam-web-01".into(),
                phase: Phase::Post,
                procedure: "offline".into(),
                products: vec![Product::Pm],
                detection: vec![],
                root: "/snapshots/pam web/root".into(),
                facts: facts.map(String::from),
                now: "2026-11-22T08:00:00Z".into(),
                targets: BTreeMap::new(),
            },
            summary: Summary::of(&results),
            results,
            observed_state: ObservedState::default(),
            waivers: Vec::new(),
            baseline: None,
        };
        let rules = RuleSet::builtin().unwrap();
        let mut out = Vec::new();
        Sarif { rules: &rules }
            .emit(&report, &Gate::default(), &mut out)
            .unwrap();
        let sarif = serde_json::from_slice(&out).unwrap();
        // Cases no fixture reaches (waivers, unmapped drives) are held to the schema here.
        let schema: serde_json::Value =
            serde_json::from_str(include_str!("../../tests/data/sarif-schema-2.1.0.json")).unwrap();
        let mut compiler = boon::Compiler::new();
        compiler.enable_format_assertions();
        compiler.add_resource("file:///sarif.json", schema).unwrap();
        let mut schemas = boon::Schemas::new();
        let index = compiler
            .compile("file:///sarif.json", &mut schemas)
            .unwrap();
        if let Err(e) = schemas.validate(&sarif, index) {
            panic!("{e:#}");
        }
        sarif
    }

    fn artifact(sarif: &serde_json::Value, i: usize) -> &serde_json::Value {
        &sarif["runs"][0]["results"][i]["locations"][0]["physicalLocation"]["artifactLocation"]
    }

    #[test]
    fn only_failing_errors_and_waived_become_results() {
        let statuses = [
            Status::Pass,
            Status::Fail,
            Status::NotApplicable,
            Status::NotEvaluated,
            Status::Manual,
            Status::Error,
            Status::Waived,
        ];
        let s = sarif(
            statuses
                .iter()
                .map(|st| finding("PM001", *st, None))
                .collect(),
            None,
        );
        let results = s["runs"][0]["results"].as_array().unwrap();
        let levels: Vec<&str> = results
            .iter()
            .map(|r| r["level"].as_str().unwrap())
            .collect();
        // fail keeps the finding's severity; error is always "error".
        assert_eq!(levels, ["warning", "error", "warning"]);
        assert!(results[0].get("suppressions").is_none());
        assert_eq!(
            results[2]["suppressions"],
            serde_json::json!([{"kind": "external", "justification": "what was found"}])
        );
        assert_eq!(s["runs"][0]["tool"]["driver"]["rules"][0]["id"], "PM001");
    }

    #[test]
    fn a_result_without_a_file_points_at_the_facts_file_or_the_root() {
        let unmapped = ServerLocation::unresolved(r"D:\Backups");
        let results = vec![
            finding("PM001", Status::Fail, None),
            finding("PM002", Status::Fail, Some(unmapped)),
        ];
        let with_facts = sarif(results.clone(), Some("/snapshots/pam web/facts.json"));
        assert_eq!(
            with_facts["runs"][0]["originalUriBaseIds"]["FACTS"]["uri"],
            "file:///snapshots/pam%20web/"
        );
        for i in 0..2 {
            assert_eq!(
                *artifact(&with_facts, i),
                serde_json::json!({"uri": "facts.json", "uriBaseId": "FACTS"})
            );
        }
        // The unmapped drive's path stays in the message.
        assert_eq!(
            with_facts["runs"][0]["results"][1]["message"]["text"],
            "what was found\nat: D:\\Backups"
        );

        let without = sarif(results, None);
        assert!(
            without["runs"][0]["originalUriBaseIds"]
                .get("FACTS")
                .is_none()
        );
        assert_eq!(
            *artifact(&without, 0),
            serde_json::json!({"uri": "./", "uriBaseId": "SERVERROOT"})
        );
    }

    #[test]
    fn a_file_under_the_root_keeps_its_line_and_column() {
        let mut f = finding(
            "NPS007",
            Status::Fail,
            Some(ServerLocation {
                server_path: r"C:\inetpub\wwwroot\Web Application\config.bat".into(),
                root_relative: Some("inetpub/wwwroot/Web Application/config.bat".into()),
                line: Some(3),
                column: Some(7),
            }),
        );
        f.observed = Some("present".into());
        f.expected = Some("deleted".into());
        let s = sarif(vec![f], None);
        assert_eq!(
            s["runs"][0]["originalUriBaseIds"]["SERVERROOT"]["uri"],
            "file:///snapshots/pam%20web/root/"
        );
        let location = &s["runs"][0]["results"][0]["locations"][0]["physicalLocation"];
        assert_eq!(
            location["artifactLocation"]["uri"],
            "inetpub/wwwroot/Web%20Application/config.bat"
        );
        assert_eq!(
            location["region"],
            serde_json::json!({"startLine": 3, "startColumn": 7})
        );
        assert_eq!(
            s["runs"][0]["results"][0]["message"]["text"],
            "what was found\nobserved: present\nexpected: deleted"
        );
    }

    #[test]
    fn an_empty_report_still_has_results() {
        let s = sarif(vec![], None);
        assert_eq!(s["runs"][0]["results"], serde_json::json!([]));
        assert_eq!(
            s["runs"][0]["tool"]["driver"]["rules"],
            serde_json::json!([])
        );
    }

    #[test]
    fn paths_are_percent_encoded_as_rfc_3986_paths() {
        assert_eq!(
            encode_path("inetpub/wwwroot/Web Application/web.config"),
            "inetpub/wwwroot/Web%20Application/web.config"
        );
        assert_eq!(encode_path("a%b?c#d\\e[f]"), "a%25b%3Fc%23d%5Ce%5Bf%5D");
        assert_eq!(encode_path("Größe/ä"), "Gr%C3%B6%C3%9Fe/%C3%A4");
        assert_eq!(encode_path("x\u{1b}y\tz"), "x%1By%09z");
        // Sub-delimiters, ':' and '@' are allowed in a path and stay.
        assert_eq!(
            encode_path("SecretServer - Copy (2)/a+b,c;d=e!f$g&h'i*j@k:l~m"),
            "SecretServer%20-%20Copy%20(2)/a+b,c;d=e!f$g&h'i*j@k:l~m"
        );
    }

    #[test]
    fn relative_uris_never_look_like_a_scheme_and_are_never_empty() {
        assert_eq!(relative_uri("inetpub/TMS"), "inetpub/TMS");
        assert_eq!(relative_uri("c:odd/name"), "./c:odd/name");
        assert_eq!(relative_uri("dir/a:b"), "dir/a:b");
        assert_eq!(relative_uri(""), "./");
    }

    #[test]
    fn folders_become_file_uris_with_a_trailing_slash() {
        assert_eq!(
            folder_uri("/tmp/my snapshot/root", false),
            "file:///tmp/my%20snapshot/root/"
        );
        assert_eq!(folder_uri("/", false), "file:///");
        assert_eq!(folder_uri("/srv/a\\b/", false), "file:///srv/a%5Cb/");
        assert_eq!(
            folder_uri(r"C:\Snapshots\web 01", true),
            "file:///C:/Snapshots/web%2001/"
        );
        assert_eq!(folder_uri(r"\\?\C:\s\root", true), "file:///C:/s/root/");
        assert_eq!(
            folder_uri(r"\\?\UNC\nas\share\root", true),
            "file://nas/share/root/"
        );
        assert_eq!(
            folder_uri(r"\\nas\share\root", true),
            "file://nas/share/root/"
        );
    }

    #[test]
    fn long_descriptions_are_cut_at_a_word() {
        assert_eq!(shorten("short", 10), "short");
        assert_eq!(shorten("one two three four", 10), "one two…");
        assert!(
            shorten(&"word ".repeat(400), MAX_DESCRIPTION)
                .chars()
                .count()
                <= 1024
        );
    }

    #[test]
    fn markdown_escapes_what_markdown_would_act_on() {
        assert_eq!(
            markdown("C:\\ProgramData\\NugetCache\\ (<id>.<version>.nupkg)\n*.bak"),
            "C:\\\\ProgramData\\\\NugetCache\\\\ (&lt;id&gt;.&lt;version&gt;.nupkg)\n\n\\*.bak"
        );
        assert_eq!(
            markdown("password_secure.web_app_dir, _x_ and a_"),
            "password_secure.web_app_dir, \\_x\\_ and a\\_"
        );
    }
}
