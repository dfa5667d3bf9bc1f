//! `--format markdown`: a report for a change ticket or a CI job summary
//! (`$GITHUB_STEP_SUMMARY`): a header with host, phase, procedure and verdict,
//! a table of the results `--show` selects, a `- [ ]` checklist of manual
//! items, and the waivers in force.
//!
//! Text from the scanned server is untrusted and job summaries render HTML, so
//! every cell is escaped by [`escape`], the one Markdown escaper (SARIF's rule
//! help and `upgate rules --format markdown` use it too).

use std::fmt::Write as _;
use std::io::{self, Write};

use super::{Emitter, Gate, Report, Show};
use crate::model::{Finding, Status};

pub struct Markdown {
    pub show: Show,
}

/// What escaped text becomes part of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    /// A table cell or list item: one line, so a line break shows as `\n`.
    Inline,
    /// Paragraphs: each line of the text (a paragraph in rule text) stays one.
    Paragraphs,
}

/// Escapes text for Markdown: `<`, `>` and `&` as entities (job summaries
/// render HTML), the characters Markdown acts on (`|` and backticks included,
/// so a value cannot break out of its cell or code span) with a backslash, and
/// control characters as visible escapes. An `_` inside a word
/// (`password_secure`) cannot emphasize and stays as it is.
pub fn escape(s: &str, block: Block) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev = ' ';
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let next = chars.peek().copied().unwrap_or(' ');
        match c {
            '\n' if block == Block::Paragraphs => out.push_str("\n\n"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '_' if prev.is_alphanumeric() && next.is_alphanumeric() => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
        prev = c;
    }
    out
}

/// [`escape`] for a cell or list item.
pub(crate) fn cell(s: &str) -> String {
    escape(s, Block::Inline)
}

pub(crate) fn mark(status: Status) -> &'static str {
    match status {
        Status::Pass => "✅ pass",
        Status::Fail => "❌ fail",
        Status::Error => "⛔ error",
        Status::NotEvaluated => "⚠️ not checked",
        Status::Manual => "📝 manual",
        Status::NotApplicable => "➖ n/a",
        Status::Waived => "💤 waived",
    }
}

/// Where a result points: `C:\…\web.config:14`.
pub(crate) fn place(r: &Finding) -> String {
    match &r.location {
        Some(l) => match l.line {
            Some(line) => format!("{}:{line}", cell(&l.server_path)),
            None => cell(&l.server_path),
        },
        None => cell(&r.subject),
    }
}

impl Emitter for Markdown {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let scan = &report.scan;
        let mut s = String::new();
        let verdict = gate.verdict(report);
        let icon = if gate.failed(report) { "❌" } else { "✅" };
        let _ = writeln!(s, "## {icon} upgate: {verdict} — {}\n", cell(&scan.host));
        let procedure = if scan.procedure.is_empty() {
            "none"
        } else {
            &scan.procedure
        };
        let products: Vec<&str> = scan.products.iter().map(|p| p.name()).collect();
        let _ = writeln!(s, "| | |\n|---|---|");
        let _ = writeln!(s, "| Host | {} |", cell(&scan.host));
        let _ = writeln!(s, "| Phase | {} |", super::phase_words(scan.phase));
        let _ = writeln!(s, "| Procedure | {procedure} |");
        let _ = writeln!(
            s,
            "| Products | {} |",
            if products.is_empty() {
                "none".to_string()
            } else {
                products.join(", ")
            }
        );
        for (product, version) in &scan.targets {
            let _ = writeln!(s, "| Target ({}) | {} |", product.code(), cell(version));
        }
        let _ = writeln!(
            s,
            "| Judged at | {} |",
            cell(&super::to_the_second(&scan.now))
        );
        let (tally, failing) = gate.tally(report);
        let why = failing.map(|w| format!(" ({w})")).unwrap_or_default();
        let _ = writeln!(s, "\n{tally} — **{verdict}**{why}\n");

        let shown: Vec<&Finding> = report
            .results
            .iter()
            .filter(|r| self.show.includes(r) && r.status != Status::Manual)
            .collect();
        if !shown.is_empty() {
            let heading = match self.show {
                Show::Failing => "Results that need attention",
                Show::All => "Results",
            };
            let _ = writeln!(s, "### {heading}\n");
            let _ = writeln!(
                s,
                "| Status | Severity | Rule | Where | Finding | Fix |\n|---|---|---|---|---|---|"
            );
            for r in shown {
                let gate_note = if gate.below(r) {
                    " (below --fail-on)"
                } else {
                    ""
                };
                let _ = writeln!(
                    s,
                    "| {} | {}{gate_note} | **{}** {} | {} | {} | {} |",
                    mark(r.status),
                    r.severity,
                    r.rule_id,
                    cell(&r.title),
                    place(r),
                    finding_text(r),
                    cell(&r.remediation)
                );
            }
            s.push('\n');
        }
        let manual: Vec<&Finding> = report
            .results
            .iter()
            .filter(|r| r.status == Status::Manual)
            .collect();
        if !manual.is_empty() {
            let _ = writeln!(s, "### Checklist\n");
            for r in manual {
                let level = super::raised(r, '(', ')');
                let _ = writeln!(s, "- [ ] **{}**{level} {}", r.rule_id, cell(&r.message));
            }
            s.push('\n');
        }
        let waivers = super::active_waivers(report);
        if !waivers.is_empty() {
            let _ = writeln!(s, "### Waived\n");
            let _ = writeln!(
                s,
                "| Rule | Subject | Reason | Owner | Expires |\n|---|---|---|---|---|"
            );
            for w in waivers {
                let _ = writeln!(
                    s,
                    "| **{}** | {} | {} | {} | {} |",
                    cell(&w.rule),
                    cell(&super::waiver_subject(w)),
                    cell(&w.reason),
                    cell(&w.owner),
                    cell(&w.expires)
                );
            }
            s.push('\n');
        }
        for (title, notes) in super::notes(report) {
            if notes.is_empty() {
                continue;
            }
            let _ = writeln!(s, "### {title}\n");
            for note in notes {
                let _ = writeln!(s, "- {}", cell(&note));
            }
            s.push('\n');
        }
        out.write_all(s.as_bytes())
    }
}

/// The message, with observed and expected values where stated.
pub(crate) fn finding_text(r: &Finding) -> String {
    let mut t = cell(&r.message);
    if let Some(v) = &r.observed {
        let _ = write!(t, "<br>observed: {}", cell(v));
    }
    if let Some(v) = &r.expected {
        let _ = write!(t, "<br>expected: {}", cell(v));
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_text_cannot_break_a_table_or_inject_html() {
        assert_eq!(
            cell("a|b <script>&`x`\r\n*y*"),
            "a\\|b &lt;script&gt;&amp;\\`x\\`\\r\\n\\*y\\*"
        );
        assert_eq!(cell(r"C:\inetpub\wwwroot"), r"C:\\inetpub\\wwwroot");
        assert_eq!(
            cell("password_secure _x_ # ~"),
            "password_secure \\_x\\_ \\# \\~"
        );
    }

    #[test]
    fn paragraphs_keep_their_lines() {
        assert_eq!(
            escape("one\ntwo <id>", Block::Paragraphs),
            "one\n\ntwo &lt;id&gt;"
        );
    }
}
