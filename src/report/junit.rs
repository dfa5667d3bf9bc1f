//! `--format junit`: JUnit XML for CI systems that show test reports
//! (Jenkins, GitLab). One `<testsuite>` per product in scope, one
//! `<testcase>` per result, judged as the gate judges it: a result that fails
//! the gate is a `<failure>`, an `error` result (an input that could not be
//! read) an `<error>`; anything else that is not a pass is `<skipped>` with
//! the reason: `not_applicable`, `waived`, `manual` (the checklist text), a
//! `not_evaluated` below the gate or accepted by `--allow-unevaluated`, and a
//! `fail` below `--fail-on`. So `failures + errors` is the number of results
//! that fail the gate, and Jenkins marks a build unstable only when the gate fails.
//!
//! Text from the scanned server is escaped for XML, and characters XML 1.0
//! cannot hold (most control characters) are written as visible escapes, so
//! the document always parses.

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Emitter, Gate, Report};
use crate::model::{Finding, Product, Status};

pub struct Junit;

/// Escapes text for an XML attribute or element.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\t' => out.push_str("&#9;"),
            c if c.is_control() || matches!(c, '\u{FFFE}' | '\u{FFFF}') => {
                out.extend(c.escape_default())
            }
            c => out.push(c),
        }
    }
    out
}

/// What a testcase was written as.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    Pass,
    Failure,
    Error,
    Skipped,
}

/// A suite's counts, from the outcomes of the testcases written.
#[derive(Default)]
pub(crate) struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    pub(crate) fn add(&mut self, o: Outcome) {
        self.tests += 1;
        match o {
            Outcome::Pass => {}
            Outcome::Failure => self.failures += 1,
            Outcome::Error => self.errors += 1,
            Outcome::Skipped => self.skipped += 1,
        }
    }

    pub(crate) fn merge(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    /// `tests=… failures=… errors=… skipped=…`.
    pub(crate) fn attrs(&self) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

impl Emitter for Junit {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let scan = &report.scan;
        let mut suites = String::new();
        let mut total = Counts::default();
        for product in Product::ALL {
            let results: Vec<&Finding> = report
                .results
                .iter()
                .filter(|r| r.product == product)
                .collect();
            if results.is_empty() || !scan.products.contains(&product) {
                continue;
            }
            let mut cases = String::new();
            let mut counts = Counts::default();
            for r in results {
                counts.add(testcase(r, gate, &mut cases));
            }
            let _ = writeln!(
                suites,
                "  <testsuite name=\"upgate.{} ({})\" {} timestamp=\"{}\" hostname=\"{}\">",
                product.code(),
                product.name(),
                counts.attrs(),
                escape(scan.now.trim_end_matches('Z')),
                escape(&scan.host)
            );
            let _ = writeln!(suites, "    <properties>");
            let verdict = gate.verdict(report);
            for (name, value) in [
                ("phase", scan.phase.code()),
                ("procedure", scan.procedure.as_str()),
                ("verdict", verdict.as_str()),
            ] {
                let _ = writeln!(
                    suites,
                    "      <property name=\"{name}\" value=\"{}\"/>",
                    escape(value)
                );
            }
            if let Some(target) = scan.targets.get(&product) {
                let _ = writeln!(
                    suites,
                    "      <property name=\"target\" value=\"{}\"/>",
                    escape(target)
                );
            }
            let _ = writeln!(suites, "    </properties>");
            suites.push_str(&cases);
            let _ = writeln!(suites, "  </testsuite>");
            total.merge(&counts);
        }
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<testsuites name=\"upgate {} {}\" {}>",
            escape(&scan.host),
            scan.phase.code(),
            total.attrs()
        );
        s.push_str(&suites);
        s.push_str("</testsuites>\n");
        out.write_all(s.as_bytes())
    }
}

pub(crate) fn testcase(r: &Finding, gate: &Gate, s: &mut String) -> Outcome {
    let name = format!("{} {}: {}", r.rule_id, r.slug, r.subject);
    let mut open = format!(
        "    <testcase classname=\"upgate.{}.{}\" name=\"{}\"",
        r.product.code(),
        r.rule_id,
        escape(&name)
    );
    if let Some(l) = &r.location {
        // Files only, never folders (as GitHub annotations).
        if let Some(rel) = super::file_of(r) {
            let _ = write!(open, " file=\"{}\"", escape(rel));
        }
        if let Some(line) = l.line {
            let _ = write!(open, " line=\"{line}\"");
        }
    }
    let status = r.status.code().replace('_', " ");
    let below = gate.fail_on.map_or("the gate is off".to_string(), |s| {
        format!("below --fail-on {}", s.code())
    });
    // A skip, not a pass with `<system-out>`: Jenkins and GitLab count and
    // list skipped tests with their message, without marking the build
    // failed or unstable; a pass's output is shown only when opened.
    let skip = |why: String| {
        format!(
            "      <skipped message=\"{}\"/>\n      <system-out>{}</system-out>\n",
            escape(&why),
            escape(&details(r))
        )
    };
    let (outcome, body) = match r.status {
        Status::Pass => (Outcome::Pass, None),
        Status::Error => (
            Outcome::Error,
            Some(format!(
                "      <error type=\"error {}\" message=\"{}\">{}</error>\n",
                r.severity,
                escape(&r.message),
                escape(&details(r))
            )),
        ),
        // A check that could not run fails the gate (it fails closed), so CI shows it failed.
        Status::Fail | Status::NotEvaluated if gate.trips(r) => (
            Outcome::Failure,
            Some(format!(
                "      <failure type=\"{} {}\" message=\"{}\">{}</failure>\n",
                r.status,
                r.severity,
                escape(&r.message),
                escape(&details(r))
            )),
        ),
        Status::Fail => (
            Outcome::Skipped,
            Some(skip(format!(
                "{status} {}, {below}: {}",
                r.severity, r.message
            ))),
        ),
        Status::NotEvaluated if gate.fail_on.is_some_and(|min| r.severity >= min) => (
            Outcome::Skipped,
            Some(skip(format!(
                "{status}, accepted by --allow-unevaluated: {}",
                r.message
            ))),
        ),
        Status::Manual => (
            Outcome::Skipped,
            Some(format!(
                "      <skipped message=\"checklist: {}\"/>\n",
                escape(&r.message)
            )),
        ),
        Status::NotApplicable | Status::NotEvaluated | Status::Waived => (
            Outcome::Skipped,
            Some(format!(
                "      <skipped message=\"{status}: {}\"/>\n",
                escape(&r.message)
            )),
        ),
    };
    match body {
        None => {
            let _ = writeln!(s, "{open}/>");
        }
        Some(body) => {
            let _ = writeln!(s, "{open}>");
            s.push_str(&body);
            let _ = writeln!(s, "    </testcase>");
        }
    }
    outcome
}

/// The evidence and the fix, as a failure's text.
fn details(r: &Finding) -> String {
    let mut t = r.message.clone();
    if let Some(l) = &r.location {
        let _ = write!(t, "\nat: {}", l.server_path);
        if let Some(line) = l.line {
            let _ = write!(t, ":{line}");
        }
    }
    if let Some(v) = &r.observed {
        let _ = write!(t, "\nobserved: {v}");
    }
    if let Some(v) = &r.expected {
        let _ = write!(t, "\nexpected: {v}");
    }
    let _ = write!(t, "\nfix: {}\nsource: {}", r.remediation, r.source);
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_from_the_server_stays_well_formed_xml() {
        assert_eq!(
            escape("a<b>&\"'\u{1b}\n"),
            "a&lt;b&gt;&amp;&quot;&apos;\\u{1b}&#10;"
        );
        // The repo's strict XML parser accepts what the escaping makes.
        let doc = format!(
            "<x a=\"{}\">{}</x>",
            escape("\u{0}\u{7}<"),
            escape("\u{FFFF}]]>")
        );
        assert!(crate::xml::parse_str(&doc).is_ok(), "{doc}");
    }
}
