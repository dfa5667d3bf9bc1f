//! `--format text`: for a person at a terminal. Grouped by product, one line
//! per result (status word, id, title), then indented evidence and the fix;
//! manual items as a checklist; the waivers in force; a last line with
//! counts and the verdict.
//!
//! Colour only ever repeats what the words say. Everything that came from the
//! scanned server (paths, values, messages quoting them) is escaped, so a file
//! name with an escape sequence cannot drive the terminal.

use std::fmt::Write as _;
use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};

use super::{Emitter, Gate, Report, Show};
use crate::model::{Finding, Product, Status};

pub struct Text {
    pub color: bool,
    pub show: Show,
    pub quiet: bool,
}

impl Text {
    fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    fn status_style(status: Status) -> Style {
        let s = Style::new();
        match status {
            Status::Pass => s.green(),
            Status::Fail | Status::Error => s.red().bold(),
            Status::NotEvaluated => s.yellow(),
            Status::Manual => s.cyan(),
            Status::NotApplicable | Status::Waived => s.dimmed(),
        }
    }
}

/// The status as a fixed-width word: readable without colour.
fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS ",
        Status::Fail => "FAIL ",
        Status::NotApplicable => "N/A  ",
        Status::NotEvaluated => "SKIP ",
        Status::Manual => "TODO ",
        Status::Error => "ERROR",
        Status::Waived => "WAIVE",
    }
}

/// Escapes control characters (ESC, CR, BEL, …) so untrusted text prints inert.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

impl Emitter for Text {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let mut s = String::new();
        if !self.quiet {
            self.header(report, &mut s);
            self.body(report, gate, &mut s);
        }
        self.summary_line(report, gate, &mut s);
        out.write_all(s.as_bytes())
    }
}

impl Text {
    fn header(&self, report: &Report, s: &mut String) {
        let scan = &report.scan;
        let phase = super::phase_words(scan.phase);
        let procedure = if scan.procedure.is_empty() {
            "none"
        } else {
            &scan.procedure
        };
        let _ = writeln!(
            s,
            "{} {} — {phase}, procedure {procedure}",
            self.paint("upgate", Style::new().bold()),
            escape(&scan.host)
        );
        for reason in &scan.detection {
            let _ = writeln!(
                s,
                "  {}",
                self.paint(&escape(reason), Style::new().dimmed())
            );
        }
    }

    fn body(&self, report: &Report, gate: &Gate, s: &mut String) {
        for product in Product::ALL {
            let shown: Vec<&Finding> = report
                .results
                .iter()
                .filter(|r| {
                    r.product == product && self.show.includes(r) && r.status != Status::Manual
                })
                .collect();
            if shown.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "\n{}",
                self.paint(product.name(), Style::new().bold().underline())
            );
            for r in shown {
                self.result(r, gate, s);
            }
        }
        let manual: Vec<&Finding> = report
            .results
            .iter()
            .filter(|r| r.status == Status::Manual)
            .collect();
        if !manual.is_empty() {
            let _ = writeln!(
                s,
                "\n{}",
                self.paint("Checklist", Style::new().bold().underline())
            );
            for r in manual {
                let level = super::raised(r, '[', ']');
                let _ = writeln!(s, "  - [ ] {}{level} {}", r.rule_id, escape(&r.message));
            }
        }
        let waivers = super::active_waivers(report);
        if !waivers.is_empty() {
            let _ = writeln!(
                s,
                "\n{}",
                self.paint("Waived", Style::new().bold().underline())
            );
            for w in waivers {
                let _ = writeln!(
                    s,
                    "  {} {}: {} ({}, until {}; {})",
                    w.rule,
                    escape(&super::waiver_subject(w)),
                    escape(&w.reason),
                    escape(&w.owner),
                    w.expires,
                    escape(&w.origin)
                );
            }
        }
        for (title, notes) in super::notes(report) {
            if notes.is_empty() {
                continue;
            }
            let _ = writeln!(
                s,
                "\n{}",
                self.paint(title, Style::new().bold().underline())
            );
            for note in notes {
                let _ = writeln!(s, "  {}", escape(&note));
            }
        }
    }

    fn result(&self, r: &Finding, gate: &Gate, s: &mut String) {
        let severity = if matches!(r.status, Status::Fail | Status::Error)
            || r.severity != crate::model::Severity::Error
        {
            format!(" [{}]", r.severity)
        } else {
            String::new()
        };
        let gate_note = if gate.below(r) {
            " (below --fail-on)"
        } else {
            ""
        };
        let _ = writeln!(
            s,
            "  {}  {}  {}{severity}{gate_note}",
            self.paint(mark(r.status), Self::status_style(r.status)),
            self.paint(&r.rule_id, Style::new().bold()),
            escape(&r.title),
        );
        let pad = "         ";
        let _ = writeln!(s, "{pad}{}", escape(&r.message));
        if let Some(loc) = &r.location {
            let mut at = escape(&loc.server_path);
            if let Some(line) = loc.line {
                let _ = write!(at, ":{line}");
                if let Some(col) = loc.column {
                    let _ = write!(at, ":{col}");
                }
            }
            let _ = writeln!(s, "{pad}{} {at}", self.paint("at:", Style::new().dimmed()));
        }
        if let Some(w) = &r.waiver {
            let _ = writeln!(
                s,
                "{pad}{} {} ({}, until {}; {})",
                self.paint("waived:", Style::new().dimmed()),
                escape(&w.reason),
                escape(&w.owner),
                w.expires,
                escape(&w.origin)
            );
        }
        if let Some(v) = &r.observed {
            let _ = writeln!(
                s,
                "{pad}{} {}",
                self.paint("observed:", Style::new().dimmed()),
                escape(v)
            );
        }
        if let Some(v) = &r.expected {
            let _ = writeln!(
                s,
                "{pad}{} {}",
                self.paint("expected:", Style::new().dimmed()),
                escape(v)
            );
        }
        if matches!(
            r.status,
            Status::Fail | Status::Error | Status::NotEvaluated
        ) {
            let _ = writeln!(
                s,
                "{pad}{} {}",
                self.paint("fix:", Style::new().dimmed()),
                escape(&r.remediation)
            );
            let _ = writeln!(
                s,
                "{pad}{} {}",
                self.paint("source:", Style::new().dimmed()),
                escape(&r.source)
            );
        }
    }

    fn summary_line(&self, report: &Report, gate: &Gate, s: &mut String) {
        let (tally, failing) = gate.tally(report);
        let style = if gate.failed(report) {
            Style::new().red().bold()
        } else {
            Style::new().green().bold()
        };
        let why = failing.map(|w| format!(" ({w})")).unwrap_or_default();
        let _ = writeln!(
            s,
            "\n{tally} — {}{why}",
            self.paint(&gate.verdict(report), style)
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(escape("a\u{1b}[31mb\r\n\u{7}"), "a\\u{1b}[31mb\\r\\n\\u{7}");
        assert_eq!(escape("Web Application é"), "Web Application é");
    }
}
