//! `--format text` and `--format concise`, and `--statistics`: for a person at
//! a terminal.
//!
//! The full view: a header (host, phase, procedure, how each product was
//! found), then per product in scope the results grouped by rule — its id and
//! title once, one entry per result (status word, severity, where, message,
//! evidence), its fix and source once — problems first, by severity, then
//! path; manual items as a checklist; the waivers in force; a last line with
//! the counts over the products in scope and the verdict. The concise view
//! (Ruff's `concise`): one line per result that fails or could not be
//! checked, `where: ID [severity] message`. Statistics: a count per rule and
//! status.
//!
//! The full view wraps to `width` with hanging indents and never breaks a
//! word (a path, a digest): a longer one overflows its line rather than
//! lose a character. Colour only ever repeats what the words say. Everything
//! that came from the scanned server (paths, values, messages quoting them)
//! is escaped, so a file name with an escape sequence cannot drive the
//! terminal.

use std::cmp::Reverse;
use std::fmt::Write as _;
use std::io::{self, Write};

use owo_colors::{OwoColorize, Style};

use super::{Emitter, Gate, Report, Show};
use crate::model::{Finding, Product, Severity, Status};

/// Which text view.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum View {
    Full,
    Concise,
    Statistics,
}

pub struct Text {
    pub color: bool,
    pub show: Show,
    pub quiet: bool,
    pub view: View,
    /// Columns to wrap the full view to; `None` does not wrap.
    pub width: Option<usize>,
}

/// The status as a word, readable without colour. `not_evaluated` says what it
/// is: upgate could not check, which is neither a pass nor a deliberate skip.
pub fn word(status: Status) -> &'static str {
    match status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::NotApplicable => "N/A",
        Status::NotEvaluated => "NOT CHECKED",
        Status::Manual => "TODO",
        Status::Error => "ERROR",
        Status::Waived => "WAIVED",
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

/// Appends `text` after `lead` (already in `out`, `used` columns wide), filling
/// lines to `width` and starting each further line with `indent` spaces. A
/// newline in `text` starts a new line. Widths count characters.
pub(crate) fn wrap(out: &mut String, used: usize, indent: usize, text: &str, width: Option<usize>) {
    let pad = " ".repeat(indent);
    for (i, paragraph) in text.split('\n').enumerate() {
        let mut column = if i == 0 {
            used
        } else {
            out.push('\n');
            out.push_str(&pad);
            indent
        };
        let mut first = true;
        for w in paragraph.split(' ').filter(|w| !w.is_empty()) {
            let n = w.chars().count();
            if !first {
                if width.is_some_and(|max| column + 1 + n > max) {
                    out.push('\n');
                    out.push_str(&pad);
                    column = indent;
                } else {
                    out.push(' ');
                    column += 1;
                }
            }
            out.push_str(w);
            column += n;
            first = false;
        }
    }
    out.push('\n');
}

/// Where a result points: `path:line:column`, else its subject.
pub(crate) fn place(r: &Finding) -> String {
    match &r.location {
        Some(loc) => {
            let mut at = escape(&loc.server_path);
            if let Some(line) = loc.line {
                let _ = write!(at, ":{line}");
                if let Some(col) = loc.column {
                    let _ = write!(at, ":{col}");
                }
            }
            at
        }
        None => escape(&r.subject),
    }
}

/// A result that fails or could not be checked: the concise view's lines.
pub(crate) fn problem(r: &Finding) -> bool {
    matches!(
        r.status,
        Status::Fail | Status::Error | Status::NotEvaluated
    )
}

/// Problems first, the most severe first, then errors before failures before
/// checks that could not run, then by where; waived, passing and not
/// applicable results after them.
pub(crate) fn order(r: &Finding) -> (u8, Reverse<Severity>, u8, String) {
    let (class, rank) = match r.status {
        Status::Error => (0, 0),
        Status::Fail => (0, 1),
        Status::NotEvaluated => (0, 2),
        Status::Waived => (1, 0),
        Status::Manual => (2, 0),
        Status::Pass => (3, 0),
        Status::NotApplicable => (4, 0),
    };
    (class, Reverse(r.severity), rank, place(r))
}

/// The widths of the status and rule id columns over the results shown.
pub(crate) fn widths(shown: &[&Finding]) -> (usize, usize) {
    let status = shown.iter().map(|r| word(r.status).len()).max();
    let id = shown.iter().map(|r| r.rule_id.len()).max();
    (status.unwrap_or(0), id.unwrap_or(0))
}

/// Sorted results grouped by rule, each group where its first result sorted.
pub(crate) fn by_rule(sorted: Vec<&Finding>) -> Vec<Vec<&Finding>> {
    let mut groups: Vec<Vec<&Finding>> = Vec::new();
    for r in sorted {
        match groups.iter_mut().find(|g| g[0].rule_id == r.rule_id) {
            Some(g) => g.push(r),
            None => groups.push(vec![r]),
        }
    }
    groups
}

/// The severity column: said for what the gate may act on, blank for passes
/// and results that do not apply.
fn severity_word(r: &Finding) -> &'static str {
    match r.status {
        Status::Pass | Status::NotApplicable => "",
        _ => r.severity.code(),
    }
}

impl Emitter for Text {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let mut s = String::new();
        if !self.quiet {
            match self.view {
                View::Full => {
                    self.header(report, &mut s);
                    self.body(report, gate, &mut s);
                }
                View::Concise => self.concise(report, gate, &mut s),
                View::Statistics => self.statistics(report, &mut s),
            }
            if !s.is_empty() {
                s.push('\n');
            }
        }
        self.summary_line(report, gate, &mut s);
        out.write_all(s.as_bytes())
    }
}

impl Text {
    pub(crate) fn paint(&self, text: &str, style: Style) -> String {
        if self.color {
            text.style(style).to_string()
        } else {
            text.to_string()
        }
    }

    pub(crate) fn status_style(status: Status) -> Style {
        let s = Style::new();
        match status {
            Status::Pass => s.green(),
            Status::Fail | Status::Error => s.red().bold(),
            Status::NotEvaluated => s.yellow(),
            Status::Manual => s.cyan(),
            Status::NotApplicable | Status::Waived => s.dimmed(),
        }
    }

    pub(crate) fn heading(&self, s: &mut String, title: &str) {
        let _ = writeln!(
            s,
            "\n{}",
            self.paint(title, Style::new().bold().underline())
        );
    }

    /// `lead` (`used` columns wide) and `text` wrapped under `indent`.
    pub(crate) fn line(&self, s: &mut String, lead: &str, used: usize, indent: usize, text: &str) {
        s.push_str(lead);
        wrap(s, used, indent, text, self.width);
    }

    fn header(&self, report: &Report, s: &mut String) {
        let scan = &report.scan;
        let phase = super::phase_words(scan.phase);
        let procedure = if scan.procedure.is_empty() {
            "none"
        } else {
            &scan.procedure
        };
        let title = format!("{} — {phase}, procedure {procedure}", escape(&scan.host));
        let lead = format!("{} ", self.paint("upgate", Style::new().bold()));
        self.line(s, &lead, 7, 4, &title);
        for reason in &scan.detection {
            let reason = escape(reason);
            let mut line = String::from("  ");
            wrap(&mut line, 2, 4, &reason, self.width);
            s.push_str(&self.paint(line.trim_end(), Style::new().dimmed()));
            s.push('\n');
        }
    }

    fn body(&self, report: &Report, gate: &Gate, s: &mut String) {
        let shown: Vec<&Finding> = report
            .in_scope()
            .filter(|r| self.show.includes(r) && r.status != Status::Manual)
            .collect();
        let (status_width, id_width) = widths(&shown);
        for product in Product::ALL {
            let mut mine: Vec<&Finding> = shown
                .iter()
                .copied()
                .filter(|r| r.product == product)
                .collect();
            if mine.is_empty() {
                continue;
            }
            mine.sort_by_cached_key(|r| (order(r), r.rule_id.clone()));
            self.heading(s, product.name());
            for group in by_rule(mine) {
                self.group(&group, gate, status_width, id_width, s);
            }
        }
        let manual: Vec<&Finding> = report
            .results
            .iter()
            .filter(|r| r.status == Status::Manual)
            .collect();
        if !manual.is_empty() {
            self.heading(s, "Checklist");
            for r in manual {
                let level = super::raised(r, '[', ']');
                let lead = format!("  - [ ] {}{level} ", r.rule_id);
                let used = lead.chars().count();
                self.line(s, &lead, used, 8, &escape(&r.message));
            }
        }
        let waivers = super::active_waivers(report);
        if !waivers.is_empty() {
            self.heading(s, "Waived");
            for w in waivers {
                let text = format!(
                    "{} {}: {} ({}, until {}; {})",
                    w.rule,
                    escape(&super::waiver_subject(w)),
                    escape(&w.reason),
                    escape(&w.owner),
                    w.expires,
                    escape(&w.origin)
                );
                self.line(s, "  ", 2, 4, &text);
            }
        }
        for (title, notes) in super::notes(report) {
            if notes.is_empty() {
                continue;
            }
            self.heading(s, title);
            for note in notes {
                self.line(s, "  ", 2, 4, &escape(&note));
            }
        }
    }

    /// One rule's results: the id and title, an entry per result, and the fix
    /// and source once when any result asks for them.
    pub(crate) fn group(
        &self,
        group: &[&Finding],
        gate: &Gate,
        status_width: usize,
        id_width: usize,
        s: &mut String,
    ) {
        let first = group[0];
        let lead = format!(
            "\n{}{}  ",
            self.paint(&first.rule_id, Style::new().bold()),
            " ".repeat(id_width - first.rule_id.len())
        );
        self.line(s, &lead, id_width + 2, id_width + 2, &escape(&first.title));
        // The message and evidence hang under the severity column.
        let col = 2 + status_width + 2;
        for r in group {
            let mut at = place(r);
            if gate.below(r) {
                at.push_str(" (below --fail-on)");
            }
            let status = word(r.status);
            let lead = format!(
                "  {}{}  {:<7}  ",
                self.paint(status, Self::status_style(r.status)),
                " ".repeat(status_width - status.len()),
                severity_word(r)
            );
            self.line(s, &lead, col + 9, col + 9, &at);
            let pad = " ".repeat(col);
            self.line(s, &pad, col, col, &escape(&r.message));
            let evidence = [
                ("observed:", r.observed.as_deref().map(escape)),
                ("expected:", r.expected.as_deref().map(escape)),
                (
                    "waived:",
                    r.waiver.as_ref().map(|w| {
                        format!(
                            "{} ({}, until {}; {})",
                            escape(&w.reason),
                            escape(&w.owner),
                            w.expires,
                            escape(&w.origin)
                        )
                    }),
                ),
            ];
            for (label, value) in evidence {
                if let Some(value) = value {
                    let lead = format!("{pad}{} ", self.paint(label, Style::new().dimmed()));
                    let used = col + label.len() + 1;
                    self.line(s, &lead, used, used, &value);
                }
            }
        }
        if group.iter().any(|r| problem(r)) {
            for (label, text) in [("fix:", &first.remediation), ("source:", &first.source)] {
                let lead = format!(
                    "  {}{}",
                    self.paint(label, Style::new().dimmed()),
                    " ".repeat(8 - label.len())
                );
                // Rule text is trusted: its newlines are line breaks.
                let text: Vec<String> = text.split('\n').map(escape).collect();
                self.line(s, &lead, 10, 10, &text.join("\n"));
            }
        }
    }

    /// One line per result that fails or could not be checked, most severe
    /// first, then by where.
    fn concise(&self, report: &Report, gate: &Gate, s: &mut String) {
        let mut problems: Vec<&Finding> = report.results.iter().filter(|r| problem(r)).collect();
        problems.sort_by_cached_key(|r| (order(r), r.rule_id.clone()));
        for r in problems {
            let below = if gate.below(r) {
                ", below --fail-on"
            } else {
                ""
            };
            let what = match r.status {
                Status::Fail => "",
                Status::Error => "ERROR: ",
                _ => "NOT CHECKED: ",
            };
            let _ = writeln!(
                s,
                "{}: {} [{}{below}] {what}{}",
                place(r),
                self.paint(&r.rule_id, Style::new().bold()),
                r.severity,
                escape(&r.message)
            );
        }
    }

    /// How many results each rule has of each status the view shows, the
    /// most first.
    fn statistics(&self, report: &Report, s: &mut String) {
        let mut rows: Vec<(usize, &Finding)> = Vec::new();
        for r in report.in_scope().filter(|r| self.show.includes(r)) {
            match rows
                .iter_mut()
                .find(|(_, f)| f.rule_id == r.rule_id && f.status == r.status)
            {
                Some((n, _)) => *n += 1,
                None => rows.push((1, r)),
            }
        }
        rows.sort_by_cached_key(|(n, r)| (Reverse(*n), r.rule_id.clone(), word(r.status)));
        let count_width = rows.iter().map(|(n, _)| n.to_string().len()).max();
        let id_width = rows.iter().map(|(_, r)| r.rule_id.len()).max();
        let status_width = rows.iter().map(|(_, r)| word(r.status).len()).max();
        let (Some(cw), Some(iw), Some(sw)) = (count_width, id_width, status_width) else {
            return;
        };
        for (n, r) in rows {
            let status = word(r.status);
            let lead = format!(
                "{n:>cw$}  {}{}  {}{}  ",
                self.paint(&r.rule_id, Style::new().bold()),
                " ".repeat(iw - r.rule_id.len()),
                self.paint(status, Self::status_style(r.status)),
                " ".repeat(sw - status.len()),
            );
            let _ = writeln!(s, "{lead}{}", escape(&r.title));
        }
    }

    fn summary_line(&self, report: &Report, gate: &Gate, s: &mut String) {
        let (tally, failing) = gate.tally(report);
        // One line for a script reading -q, the concise view or statistics.
        let width = match (self.quiet, self.view) {
            (false, View::Full) => self.width,
            _ => None,
        };
        self.verdict_line(
            &tally,
            &gate.verdict(report),
            failing.as_deref(),
            gate.failed(report),
            width,
            s,
        );
    }

    /// "{tally} — {VERDICT} ({why})", wrapped to `width` under a two-space
    /// indent; the verdict is painted red when the gate `failed`, else green.
    pub(crate) fn verdict_line(
        &self,
        tally: &str,
        verdict: &str,
        why: Option<&str>,
        failed: bool,
        width: Option<usize>,
        s: &mut String,
    ) {
        let style = if failed {
            Style::new().red().bold()
        } else {
            Style::new().green().bold()
        };
        let why = why.map(|w| format!(" ({w})")).unwrap_or_default();
        // The verdict is one word to wrap (no-break spaces), painted after.
        let unbroken = verdict.replace(' ', "\u{a0}");
        let mut line = String::new();
        wrap(
            &mut line,
            0,
            2,
            &format!("{tally} — {unbroken}{why}"),
            width,
        );
        s.push_str(&line.replacen(&unbroken, &self.paint(verdict, style), 1));
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

    fn wrapped(used: usize, indent: usize, text: &str, width: Option<usize>) -> String {
        let mut s = "x".repeat(used);
        wrap(&mut s, used, indent, text, width);
        s
    }

    #[test]
    fn wrapping_hangs_and_never_breaks_a_word() {
        assert_eq!(
            wrapped(4, 2, "aaa bbb ccc", Some(12)),
            "xxxxaaa bbb\n  ccc\n"
        );
        // A word longer than the line stays whole.
        assert_eq!(
            wrapped(2, 2, "C:\\a\\very\\long\\path end", Some(10)),
            "xxC:\\a\\very\\long\\path\n  end\n"
        );
        assert_eq!(wrapped(0, 4, "a\nb c", Some(80)), "a\n    b c\n");
        assert_eq!(wrapped(0, 0, "a  b", None), "a b\n");
        assert_eq!(wrapped(3, 0, "", Some(10)), "xxx\n");
    }

    #[test]
    fn every_wrapped_line_fits_unless_one_word_is_longer() {
        let text = "the SHA-512 does not match ThycoticTmsReporting.11.1.1156.nupkg.hash.json: the package was altered or truncated";
        for width in 20..100 {
            let s = wrapped(6, 6, text, Some(width));
            for line in s.lines() {
                let longest_word = line.split(' ').map(|w| w.chars().count()).max().unwrap();
                assert!(
                    line.chars().count() <= width || longest_word + 6 > width,
                    "{width}: {line:?}"
                );
            }
            let words: Vec<&str> = s[6..].split_whitespace().collect();
            assert_eq!(words.join(" "), text, "no word lost or changed");
        }
    }
}
