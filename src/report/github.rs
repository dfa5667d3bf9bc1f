//! `--format github`: GitHub Actions workflow commands, one annotation per
//! result that needs attention (`::error`, `::warning`, `::notice`), then the
//! verdict as a plain line. Failing results take their severity's command;
//! `not_evaluated` is a warning and `manual` a notice, so a pre-flight's open
//! items show on the run without failing it.
//!
//! Annotations attach to files by path relative to the workspace: the caller
//! passes the working directory, and a result inside it is given by its path
//! from there; results outside it carry no `file`. Only files: GitHub shows a
//! `file=` annotation in the file's diff, and a folder has none, so a folder's
//! path stays in the message (`at: …`) alone.

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use super::{Emitter, Gate, Report};
use crate::model::{Finding, Severity, Status};

pub struct Github {
    /// The working directory (`$GITHUB_WORKSPACE` in a job), for relative `file=` paths.
    pub workspace: Option<PathBuf>,
}

/// Escapes a workflow command's message (GitHub's `escapeData`).
fn data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow command's property (GitHub's `escapeProperty`).
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(r: &Finding) -> Option<&'static str> {
    match (r.status, r.severity) {
        (Status::Error, _) | (Status::Fail, Severity::Error) => Some("error"),
        (Status::Fail, Severity::Warning) | (Status::NotEvaluated, _) => Some("warning"),
        (Status::Fail, Severity::Note) | (Status::Manual, _) => Some("notice"),
        _ => None,
    }
}

impl Github {
    /// The result's file ([`super::file_of`]) relative to the workspace, when
    /// it lies inside it.
    fn file(&self, report: &Report, r: &Finding) -> Option<String> {
        let rel = super::file_of(r)?;
        let path = PathBuf::from(&report.scan.root).join(rel);
        let inside = path.strip_prefix(self.workspace.as_ref()?).ok()?;
        Some(inside.to_string_lossy().replace('\\', "/"))
    }
}

impl Emitter for Github {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let mut s = String::new();
        for r in &report.results {
            let Some(cmd) = command(r) else { continue };
            let mut props = Vec::new();
            if let Some(file) = self.file(report, r) {
                props.push(format!("file={}", property(&file)));
                if let Some(line) = r.location.as_ref().and_then(|l| l.line) {
                    props.push(format!("line={line}"));
                }
            }
            let status = match r.status {
                Status::Fail => String::new(),
                other => format!(" ({})", super::status_words(other)),
            };
            props.push(format!(
                "title={}",
                property(&format!("{}{status} {}", r.rule_id, r.title))
            ));
            let mut message = r.message.clone();
            if let Some(l) = &r.location {
                let _ = write!(message, "\nat: {}", l.server_path);
                if let Some(line) = l.line {
                    let _ = write!(message, ":{line}");
                }
            }
            if matches!(
                r.status,
                Status::Fail | Status::Error | Status::NotEvaluated
            ) {
                let _ = write!(message, "\nfix: {}", r.remediation);
            }
            let _ = writeln!(s, "::{cmd} {}::{}", props.join(","), data(&message));
        }
        let (tally, failing) = gate.tally(report);
        let why = failing.map(|w| format!(" ({w})")).unwrap_or_default();
        let _ = writeln!(
            s,
            "upgate {}: {tally} — {}{why}",
            data(&report.scan.host),
            gate.verdict(report)
        );
        out.write_all(s.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_and_properties_are_escaped_as_github_does() {
        assert_eq!(data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
