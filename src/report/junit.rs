//! `--format junit`: JUnit XML for CI systems that show test reports
//! (Jenkins, GitLab). One `<testsuite>` per product in scope, one
//! `<testcase>` per result: `fail` and `error` carry a `<failure>`;
//! `not_applicable`, `not_evaluated` and `waived` are `<skipped>` with the
//! reason; `manual` is skipped with the checklist text. Passes are plain
//! testcases.
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

#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    skipped: usize,
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
                counts.tests += 1;
                testcase(r, gate, &mut cases, &mut counts);
            }
            let _ = writeln!(
                suites,
                "  <testsuite name=\"upgate.{} ({})\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\" timestamp=\"{}\" hostname=\"{}\">",
                product.code(),
                product.name(),
                counts.tests,
                counts.failures,
                counts.skipped,
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
            total.tests += counts.tests;
            total.failures += counts.failures;
            total.skipped += counts.skipped;
        }
        let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let _ = writeln!(
            s,
            "<testsuites name=\"upgate {} {}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">",
            escape(&scan.host),
            scan.phase.code(),
            total.tests,
            total.failures,
            total.skipped
        );
        s.push_str(&suites);
        s.push_str("</testsuites>\n");
        out.write_all(s.as_bytes())
    }
}

fn testcase(r: &Finding, gate: &Gate, s: &mut String, counts: &mut Counts) {
    let name = format!("{} {}: {}", r.rule_id, r.slug, r.subject);
    let mut open = format!(
        "    <testcase classname=\"upgate.{}.{}\" name=\"{}\"",
        r.product.code(),
        r.rule_id,
        escape(&name)
    );
    if let Some(l) = &r.location {
        if let Some(rel) = &l.root_relative {
            let _ = write!(open, " file=\"{}\"", escape(rel));
        }
        if let Some(line) = l.line {
            let _ = write!(open, " line=\"{line}\"");
        }
    }
    let body = match r.status {
        Status::Pass => None,
        Status::Fail | Status::Error => {
            counts.failures += 1;
            let gate_note = if gate.below(r) {
                " (below --fail-on)"
            } else {
                ""
            };
            Some(format!(
                "      <failure type=\"{}\" message=\"{}\">{}</failure>\n",
                format_args!("{} {}{gate_note}", r.status, r.severity),
                escape(&r.message),
                escape(&details(r))
            ))
        }
        Status::Manual => {
            counts.skipped += 1;
            Some(format!(
                "      <skipped message=\"checklist: {}\"/>\n",
                escape(&r.message)
            ))
        }
        // A check that could not run fails the gate (it fails closed), so CI shows it failed.
        Status::NotEvaluated if gate.trips(r) => {
            counts.failures += 1;
            Some(format!(
                "      <failure type=\"not_evaluated {}\" message=\"{}\">{}</failure>\n",
                r.severity,
                escape(&r.message),
                escape(&details(r))
            ))
        }
        Status::NotApplicable | Status::NotEvaluated | Status::Waived => {
            counts.skipped += 1;
            Some(format!(
                "      <skipped message=\"{}: {}\"/>\n",
                r.status.code().replace('_', " "),
                escape(&r.message)
            ))
        }
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
