//! `acl_inherited`: in an `icacls <folder> /T` capture, every entry below the
//! folder has at least one ACE and only inherited ones (PM007: seed 000 step 8,
//! "Replace all child object permission entries with inheritable permission
//! entries from this object"). Only the flags count: principal names and the
//! closing line are localized.

use serde::Deserialize;

use super::{CheckKind, Context, folder_display, valid_path};
use crate::icacls::{self, Ace, Capture, Entry};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Location, Outcome, Status};
use crate::server::{Env, ServerPath};
use crate::target::CAPTURE_FILES;

/// How many entries a failing message names.
const FIRST: usize = 5;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The `captures` key in facts.json: `nugetcache_icacls`.
    pub capture: String,
    /// The folder the capture is of.
    pub folder: String,
    /// The exact command that makes the capture, for the `not_evaluated` message.
    pub command: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        if !CAPTURE_FILES.iter().any(|(k, _)| *k == self.capture) {
            let known: Vec<&str> = CAPTURE_FILES.iter().map(|(k, _)| *k).collect();
            return Err(format!(
                "unknown capture `{}` (known: {})",
                self.capture,
                known.join(", ")
            ));
        }
        valid_path("folder", &self.folder)
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let folder = match inputs.parse(&self.folder) {
            Ok(p) => p,
            Err(e) => {
                return vec![super::unreadable(&Location::unresolved(&self.folder), &e)];
            }
        };
        // The result points at the folder on the server; the capture's lines are in the message.
        let location = match inputs.locate(&self.folder) {
            Loaded::Found(r) => r.location(),
            _ => Location::unresolved(&folder.to_string()),
        };
        let Some(capture) = ctx.captures.get(&self.capture) else {
            let default = CAPTURE_FILES
                .iter()
                .find(|(k, _)| *k == self.capture)
                .map_or("", |(_, f)| *f);
            return vec![
                Outcome::new(
                    Status::NotEvaluated,
                    folder_display(&folder),
                    format!(
                        "no icacls capture of {}: on the server, in an elevated command prompt, run `{}`, then put the file in the snapshot as {default} or name it in facts.json as captures.{}",
                        folder_display(&folder),
                        self.command,
                        self.capture
                    ),
                )
                .at(location),
            ];
        };
        let shown = capture.file.display().to_string();
        let parsed = match icacls::parse(&capture.bytes) {
            Ok(c) => c,
            Err(e) => {
                let pos = e.pos(&capture.bytes);
                return vec![
                    Outcome::new(
                        Status::Error,
                        folder_display(&folder),
                        format!(
                            "{shown}:{}:{}: the capture cannot be decoded: {}",
                            pos.line, pos.column, e.message
                        ),
                    )
                    .at(location),
                ];
            }
        };
        vec![judge(&folder, &parsed, &shown, inputs.env()).at(location)]
    }
}

pub fn judge(folder: &ServerPath, capture: &Capture, shown: &str, env: &Env) -> Outcome {
    let subject = folder_display(folder);
    let path_of = |e: &Entry| ServerPath::parse(&e.path, env).ok();
    let Some(root) = capture
        .entries
        .iter()
        .find(|e| path_of(e).is_some_and(|p| p.same_as(folder)))
    else {
        let first = capture
            .entries
            .first()
            .map_or("no entry at all".to_string(), |e| {
                format!("its first entry is {} (line {})", e.path, e.line)
            });
        return Outcome::new(
            Status::NotEvaluated,
            subject.clone(),
            format!(
                "{shown} is not a capture of {subject}: {first}; capture the folder itself with /T"
            ),
        );
    };
    let below: Vec<&Entry> = capture
        .entries
        .iter()
        .filter(|e| path_of(e).is_some_and(|p| is_below(&p, folder)))
        .collect();
    let offending: Vec<(&Entry, String)> = below
        .iter()
        .filter_map(|e| fault(e).map(|why| (*e, why)))
        .collect();
    let unreadable: Vec<&&Entry> = below.iter().filter(|e| e.error.is_some()).collect();
    let expected = "every entry below the folder: at least one ACE, all inherited (I)";
    if !offending.is_empty() {
        let listed: Vec<String> = offending
            .iter()
            .take(FIRST)
            .map(|(e, why)| format!("{} (line {}: {why})", e.path, e.line))
            .collect();
        let mut message = format!(
            "{} of {} entries below {subject} in {shown} do not inherit all their permissions: {}{}; reset them with icacls {} /reset /T",
            offending.len(),
            below.len(),
            listed.join("; "),
            if offending.len() > FIRST { "; …" } else { "" },
            folder
        );
        if !capture.problems.is_empty() {
            message.push_str(&format!(
                " ({} line(s) of the capture could not be read, first line {})",
                capture.problems.len(),
                capture.problems[0].line
            ));
        }
        return Outcome::new(Status::Fail, subject, message)
            .observed(format!(
                "{} entries with explicit or no ACEs",
                offending.len()
            ))
            .expected(expected);
    }
    // Never a pass over what could not be read.
    if let Some(p) = capture.problems.first() {
        return Outcome::new(
            Status::Error,
            subject,
            format!(
                "{shown}:{}: {} ({} unreadable line(s)); the capture may hide entries",
                p.line,
                p.message,
                capture.problems.len()
            ),
        );
    }
    if let Some(e) = unreadable.first() {
        return Outcome::new(
            Status::Error,
            subject.clone(),
            format!(
                "icacls could not read {} entr{} below {subject} (first: {}, line {}: {}); run the capture as Administrator",
                unreadable.len(),
                if unreadable.len() == 1 { "y" } else { "ies" },
                e.path,
                e.line,
                e.error.as_deref().unwrap_or_default()
            ),
        );
    }
    if below.is_empty() {
        return Outcome::new(
            Status::NotEvaluated,
            subject.clone(),
            format!(
                "{shown} lists only {subject} itself (line {}): capture it with /T so the entries below it are listed",
                root.line
            ),
        );
    }
    Outcome::new(
        Status::Pass,
        subject.clone(),
        format!(
            "all {} entries below {subject} in {shown} inherit every ACE ({} encoding)",
            below.len(),
            capture.encoding
        ),
    )
    .observed(format!("{} entries, all inherited", below.len()))
    .expected(expected)
}

/// Why an entry breaks the rule, if it does.
fn fault(e: &Entry) -> Option<String> {
    if e.error.is_some() {
        return None;
    }
    if e.aces.is_empty() {
        return Some("no ACE at all".into());
    }
    let explicit: Vec<String> = e.aces.iter().filter(|a| !a.inherited()).map(ace).collect();
    if explicit.is_empty() {
        return None;
    }
    Some(format!("explicit {}", explicit.join(", ")))
}

/// `PAM\svc-tms (M)`, `Everyone (DENY W)`
fn ace(a: &Ace) -> String {
    let deny = if a.deny() { "DENY " } else { "" };
    format!("{} ({deny}{})", a.principal, a.rights().join(","))
}

fn is_below(path: &ServerPath, folder: &ServerPath) -> bool {
    let (p, f) = (path.segments(), folder.segments());
    p.len() > f.len() && path.starts_with(folder)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checks::testing::path;

    const CACHE: &str = r"C:\ProgramData\NugetCache";

    fn check(capture: &str) -> Outcome {
        let parsed = icacls::parse(capture.replace('\n', "\r\n").as_bytes()).unwrap();
        let env = Env::new('C', &Default::default());
        judge(&path(CACHE), &parsed, "nugetcache.icacls.txt", &env)
    }

    const ROOT: &str = "C:\\ProgramData\\NugetCache NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)\n                          BUILTIN\\Users:(I)(OI)(CI)(RX)\n";
    const DONE: &str = "Successfully processed 3 files; Failed processing 0 files\n";

    #[test]
    fn entries_that_inherit_everything_pass() {
        let o = check(&format!(
            "{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg NT AUTHORITY\\SYSTEM:(I)(F)\nC:\\ProgramData\\NugetCache\\b.nupkg BUILTIN\\Users:(I)(RX)\n\n{DONE}"
        ));
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_eq!(o.observed.as_deref(), Some("2 entries, all inherited"));
    }

    #[test]
    fn explicit_aces_and_empty_dacls_fail_naming_the_entries() {
        let o = check(&format!(
            "{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg BUILTIN\\Administrators:(F)\n                                          PAM\\svc-tms:(M)\nC:\\ProgramData\\NugetCache\\b.nupkg\nC:\\ProgramData\\NugetCache\\c.nupkg BUILTIN\\Users:(I)(RX)\n\n{DONE}"
        ));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.starts_with(
                r"2 of 3 entries below C:\ProgramData\NugetCache\ in nugetcache.icacls.txt do not inherit all their permissions: C:\ProgramData\NugetCache\a.nupkg (line 3: explicit BUILTIN\Administrators (F), PAM\svc-tms (M)); C:\ProgramData\NugetCache\b.nupkg (line 5: no ACE at all)"
            ),
            "{}",
            o.message
        );
        assert!(
            o.message
                .ends_with(r"reset them with icacls C:\ProgramData\NugetCache /reset /T")
        );
        assert_eq!(
            o.observed.as_deref(),
            Some("2 entries with explicit or no ACEs")
        );
    }

    #[test]
    fn a_capture_of_another_folder_or_without_t_is_not_evaluated() {
        let other = check(&format!("C:\\Temp NT AUTHORITY\\SYSTEM:(I)(F)\n\n{DONE}"));
        assert_eq!(other.status, Status::NotEvaluated);
        assert!(
            other
                .message
                .contains(r"its first entry is C:\Temp (line 1)")
        );
        let flat = check(&format!("{ROOT}\n{DONE}"));
        assert_eq!(flat.status, Status::NotEvaluated);
        assert!(flat.message.contains("capture it with /T"));
    }

    #[test]
    fn entries_icacls_could_not_read_are_an_error() {
        let o = check(&format!(
            "{ROOT}C:\\ProgramData\\NugetCache\\locked: Access is denied.\n\n{DONE}"
        ));
        assert_eq!(o.status, Status::Error, "{}", o.message);
        assert!(
            o.message.contains("run the capture as Administrator"),
            "{}",
            o.message
        );
    }
}
