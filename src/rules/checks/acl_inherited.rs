//! `acl_inherited`: in an `icacls <folder> /T` capture, every entry below the
//! folder has at least one ACE and only inherited ones (PM007: seed 000 step 8,
//! "Replace all child object permission entries with inheritable permission
//! entries from this object"). Only the flags count: principal names and the
//! closing line are localized.
//!
//! A capture is only evidence of the folder as it was when it was taken, so it
//! is compared with the folder on disk: an entry on disk that the capture does
//! not list (a package the upgrade added after an earlier capture) makes the
//! capture stale, and what would have passed is `not_evaluated` with the
//! command to capture again. Paths compare as Windows compares them
//! (case-insensitively).

use serde::Deserialize;

use super::{CheckKind, Context, folder_display, valid_path};
use crate::icacls::{self, Ace, Capture, Entry};
use crate::inputs::{Inputs, Listing, Loaded};
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
        let disk = inputs.listing(&self.folder);
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
        let env = inputs.env();
        vec![
            judge(&Judged {
                folder: &folder,
                capture: &parsed,
                shown: &shown,
                env,
                disk: &disk,
                command: &self.command,
            })
            .at(location),
        ]
    }
}

/// What PM007 judges: the folder, its parsed capture (`shown` as the file's
/// name), the folder as listed on disk, and the command that captures it.
pub struct Judged<'a> {
    pub folder: &'a ServerPath,
    pub capture: &'a Capture,
    pub shown: &'a str,
    pub env: &'a Env,
    pub disk: &'a Loaded<Listing>,
    pub command: &'a str,
}

/// How a capture compares with the folder on disk.
enum Currency<'a> {
    /// Every entry on disk is in the capture; `gone` it lists are no longer there.
    Current {
        on_disk: usize,
        gone: Vec<&'a Entry>,
    },
    /// Entries on disk the capture lacks.
    Stale(Vec<&'a ServerPath>),
    /// The disk could not be compared: the outcome to give instead of a pass.
    Unknown(Outcome),
}

fn currency<'a>(j: &Judged<'a>, below: &[&'a Entry], subject: &str) -> Currency<'a> {
    let fold = |p: &ServerPath| crate::path::fold(&p.to_string());
    let listing = match j.disk {
        Loaded::Found(l) => l,
        Loaded::Missing { path, missing } => {
            return Currency::Unknown(Outcome::new(
                Status::NotEvaluated,
                subject.to_string(),
                format!(
                    "{path} is not in the snapshot ({missing} does not exist), so {} cannot be checked against it: a capture taken before the upgrade would list none of the new packages; copy the folder into the snapshot",
                    j.shown
                ),
            ));
        }
        Loaded::Failed { location, error } => {
            let mut o = super::unreadable(location, error);
            o.message = format!(
                "{subject} on disk cannot be listed, so {} cannot be checked against it: {error}",
                j.shown
            );
            return Currency::Unknown(o);
        }
    };
    if let Some((at, error)) = listing.unreadable.first() {
        let mut o = super::unreadable(at, error);
        o.message = format!(
            "{} entr{} of {subject} on disk could not be listed (first: {error}), so {} cannot be checked against them",
            listing.unreadable.len(),
            if listing.unreadable.len() == 1 {
                "y"
            } else {
                "ies"
            },
            j.shown
        );
        return Currency::Unknown(o);
    }
    let captured: std::collections::HashSet<String> = below
        .iter()
        .filter_map(|e| ServerPath::parse(&e.path, j.env).ok())
        .map(|p| fold(&p))
        .collect();
    let lacking: Vec<&ServerPath> = listing
        .entries
        .iter()
        .filter(|p| !captured.contains(&fold(p)))
        .collect();
    if !lacking.is_empty() {
        return Currency::Stale(lacking);
    }
    let on_disk: std::collections::HashSet<String> = listing.entries.iter().map(fold).collect();
    let gone = below
        .iter()
        .filter(|e| ServerPath::parse(&e.path, j.env).is_ok_and(|p| !on_disk.contains(&fold(&p))))
        .copied()
        .collect();
    Currency::Current {
        on_disk: listing.entries.len(),
        gone,
    }
}

/// `1 entry`, `3 entries`.
fn entries(n: usize) -> String {
    if n == 1 {
        "1 entry".into()
    } else {
        format!("{n} entries")
    }
}

/// `a, b, c; …`: the first entries of a list, for messages.
fn first_of<T: std::fmt::Display>(items: &[T]) -> String {
    let shown: Vec<String> = items.iter().take(FIRST).map(T::to_string).collect();
    format!(
        "{}{}",
        shown.join(", "),
        if items.len() > FIRST { ", …" } else { "" }
    )
}

fn stale_message(j: &Judged<'_>, subject: &str, lacking: &[&ServerPath]) -> String {
    format!(
        "{} is stale: it does not list {} entr{} of {subject} on disk ({}), so it says nothing about their permissions (a capture taken before the upgrade lists none of its packages); on the server, in an elevated command prompt, run `{}` again and replace {}",
        j.shown,
        lacking.len(),
        if lacking.len() == 1 { "y" } else { "ies" },
        first_of(lacking),
        j.command,
        j.shown
    )
}

pub fn judge(j: &Judged<'_>) -> Outcome {
    let (folder, capture, shown, env) = (j.folder, j.capture, j.shown, j.env);
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
    // `icacls FOLDER /T` lists the folder and what is below it, nothing else: an entry
    // elsewhere means the file was edited or joined with another capture, so what it
    // says about the NugetCache cannot be trusted either.
    let elsewhere: Vec<&Entry> = capture
        .entries
        .iter()
        .filter(|e| !path_of(e).is_some_and(|p| p.same_as(folder) || is_below(&p, folder)))
        .collect();
    if let Some(first) = elsewhere.first() {
        return Outcome::new(
            Status::NotEvaluated,
            subject.clone(),
            format!(
                "{shown} is not a capture of {subject} alone: {} of its entries are not under that folder (first: {}, line {}), which icacls {folder} /T never prints; the file was edited or joined with another capture, so run {} again",
                elsewhere.len(),
                first.path,
                first.line,
                j.command
            ),
        )
        .observed(format!("{} entries outside the folder", elsewhere.len()))
        .expected(format!("only {subject} and the entries below it"));
    }
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
        // Explicit entries seen are a failure even in an old capture (the fix
        // is the same: reset, then capture again); say that it is old too.
        if let Currency::Stale(lacking) = currency(j, &below, &subject) {
            message.push_str(&format!(
                "; besides, {}",
                stale_message(j, &subject, &lacking)
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
    let (on_disk, gone) = match currency(j, &below, &subject) {
        Currency::Current { on_disk, gone } => (on_disk, gone),
        Currency::Stale(lacking) => {
            return Outcome::new(
                Status::NotEvaluated,
                subject.clone(),
                stale_message(j, &subject, &lacking),
            )
            .observed(format!(
                "a capture lacking {} entr{} on disk",
                lacking.len(),
                if lacking.len() == 1 { "y" } else { "ies" }
            ))
            .expected(expected);
        }
        Currency::Unknown(o) => return o,
    };
    let gone_note = if gone.is_empty() {
        String::new()
    } else {
        let paths: Vec<String> = gone
            .iter()
            .map(|e| format!("{} (line {})", e.path, e.line))
            .collect();
        format!(
            "; {} it lists {} no longer on disk ({})",
            entries(gone.len()),
            if gone.len() == 1 { "is" } else { "are" },
            first_of(&paths)
        )
    };
    Outcome::new(
        Status::Pass,
        subject.clone(),
        format!(
            "all {} entries below {subject} in {shown} inherit every ACE ({} encoding), and it lists every entry on disk ({}){gone_note}",
            below.len(),
            capture.encoding,
            entries(on_disk)
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
    use crate::rules::checks::testing::{dir, path};

    const CACHE: &str = r"C:\ProgramData\NugetCache";
    const COMMAND: &str = r"icacls C:\ProgramData\NugetCache /T > nugetcache.icacls.txt";

    /// The cache on disk holding `names` (relative, `\`-separated).
    fn disk(names: &[&str]) -> Loaded<Listing> {
        Loaded::Found(Listing {
            folder: dir(CACHE),
            entries: names
                .iter()
                .map(|n| path(&format!(r"{CACHE}\{n}")))
                .collect(),
            unreadable: Vec::new(),
        })
    }

    fn judged(capture: &str, disk: &Loaded<Listing>) -> Outcome {
        let parsed = icacls::parse(capture.replace('\n', "\r\n").as_bytes()).unwrap();
        let env = Env::new('C', &Default::default());
        judge(&Judged {
            folder: &path(CACHE),
            capture: &parsed,
            shown: "nugetcache.icacls.txt",
            env: &env,
            disk,
            command: COMMAND,
        })
    }

    /// Judged against a disk holding exactly `a.nupkg` and `b.nupkg`.
    fn check(capture: &str) -> Outcome {
        judged(capture, &disk(&["a.nupkg", "b.nupkg"]))
    }

    const ROOT: &str = "C:\\ProgramData\\NugetCache NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)\n                          BUILTIN\\Users:(I)(OI)(CI)(RX)\n";
    const DONE: &str = "Successfully processed 3 files; Failed processing 0 files\n";
    const BOTH: &str = "C:\\ProgramData\\NugetCache\\a.nupkg NT AUTHORITY\\SYSTEM:(I)(F)\nC:\\ProgramData\\NugetCache\\b.nupkg BUILTIN\\Users:(I)(RX)\n";

    #[test]
    fn a_capture_with_entries_outside_the_folder_is_refused() {
        let other = "C:\\Windows\\Temp\\x.txt NT AUTHORITY\\SYSTEM:(F)\n";
        let o = check(&format!("{ROOT}{other}{BOTH}\n{DONE}"));
        assert_eq!(o.status, Status::NotEvaluated, "{}", o.message);
        assert!(
            o.message.starts_with(
                r"nugetcache.icacls.txt is not a capture of C:\ProgramData\NugetCache\ alone: 1 of its entries are not under that folder (first: C:\Windows\Temp\x.txt, line 3)"
            ),
            "{}",
            o.message
        );
        assert!(
            o.message.ends_with(&format!("so run {COMMAND} again")),
            "{}",
            o.message
        );
        // A sibling whose name starts like the folder's is not under it.
        let sibling = "C:\\ProgramData\\NugetCacheOld\\a.nupkg NT AUTHORITY\\SYSTEM:(I)(F)\n";
        let o = check(&format!("{ROOT}{BOTH}{sibling}\n{DONE}"));
        assert_eq!(o.status, Status::NotEvaluated, "{}", o.message);
    }

    #[test]
    fn access_denied_and_code_page_850_principals_are_kept_exact() {
        // German Windows, cmd's `>`: code page 850 bytes (Ä = 0x8E).
        let mut bytes =
            b"C:\\ProgramData\\NugetCache NT-AUTORIT\x8eT\\SYSTEM:(I)(OI)(CI)(F)\r\n".to_vec();
        bytes.extend_from_slice(b"C:\\ProgramData\\NugetCache\\a.nupkg: Access is denied.\r\n");
        bytes.extend_from_slice(
            b"C:\\ProgramData\\NugetCache\\b.nupkg NT-AUTORIT\x8eT\\SYSTEM:(F)\r\n\r\n",
        );
        let parsed = icacls::parse(&bytes).unwrap();
        assert_eq!(parsed.entries[0].aces[0].principal, "NT-AUTORITÄT\\SYSTEM");
        let env = Env::new('C', &Default::default());
        let o = judge(&Judged {
            folder: &path(CACHE),
            capture: &parsed,
            shown: "nugetcache.icacls.txt",
            env: &env,
            disk: &disk(&["a.nupkg", "b.nupkg"]),
            command: COMMAND,
        });
        // The explicit entry fails with its principal spelled as Windows spells it.
        assert_eq!(o.status, Status::Fail, "{}", o.message);
        assert!(
            o.message.contains("explicit NT-AUTORITÄT\\SYSTEM (F)"),
            "{}",
            o.message
        );
    }

    #[test]
    fn entries_that_inherit_everything_pass() {
        let o = check(&format!("{ROOT}{BOTH}\n{DONE}"));
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_eq!(o.observed.as_deref(), Some("2 entries, all inherited"));
        assert!(
            o.message
                .ends_with("and it lists every entry on disk (2 entries)"),
            "{}",
            o.message
        );
    }

    #[test]
    fn a_capture_lacking_entries_on_disk_is_stale_not_a_pass() {
        // Taken before the upgrade: the new package and its folder are not in it.
        let on_disk = disk(&[
            "a.nupkg",
            "b.nupkg",
            "ThycoticTms",
            r"ThycoticTms\11.1.1156",
            r"ThycoticTms\11.1.1156\thycotictms.11.1.1156.nupkg",
        ]);
        let o = judged(&format!("{ROOT}{BOTH}\n{DONE}"), &on_disk);
        assert_eq!(o.status, Status::NotEvaluated, "{}", o.message);
        assert_eq!(
            o.message,
            r"nugetcache.icacls.txt is stale: it does not list 3 entries of C:\ProgramData\NugetCache\ on disk (C:\ProgramData\NugetCache\ThycoticTms, C:\ProgramData\NugetCache\ThycoticTms\11.1.1156, C:\ProgramData\NugetCache\ThycoticTms\11.1.1156\thycotictms.11.1.1156.nupkg), so it says nothing about their permissions (a capture taken before the upgrade lists none of its packages); on the server, in an elevated command prompt, run `icacls C:\ProgramData\NugetCache /T > nugetcache.icacls.txt` again and replace nugetcache.icacls.txt"
        );
        assert_eq!(
            o.observed.as_deref(),
            Some("a capture lacking 3 entries on disk")
        );
    }

    #[test]
    fn paths_compare_as_windows_compares_them() {
        let capture = format!(
            "{ROOT}c:\\PROGRAMDATA\\nugetcache\\A.NUPKG NT AUTHORITY\\SYSTEM:(I)(F)\nC:\\ProgramData\\NugetCache\\B.nupkg BUILTIN\\Users:(I)(RX)\n\n{DONE}"
        );
        let o = check(&capture);
        assert_eq!(o.status, Status::Pass, "{}", o.message);
    }

    #[test]
    fn entries_gone_from_disk_are_named_but_do_not_stop_a_pass() {
        let o = judged(&format!("{ROOT}{BOTH}\n{DONE}"), &disk(&["a.nupkg"]));
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert!(
            o.message.ends_with(
                r"and it lists every entry on disk (1 entry); 1 entry it lists is no longer on disk (C:\ProgramData\NugetCache\b.nupkg (line 4))"
            ),
            "{}",
            o.message
        );
    }

    #[test]
    fn a_stale_capture_with_explicit_entries_still_fails_and_says_it_is_stale() {
        let capture = format!(
            "{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg BUILTIN\\Administrators:(F)\nC:\\ProgramData\\NugetCache\\b.nupkg BUILTIN\\Users:(I)(RX)\n\n{DONE}"
        );
        let o = judged(&capture, &disk(&["a.nupkg", "b.nupkg", "c.nupkg"]));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains(r"; besides, nugetcache.icacls.txt is stale: it does not list 1 entry"),
            "{}",
            o.message
        );
    }

    #[test]
    fn without_the_folder_on_disk_the_capture_cannot_be_checked() {
        let capture = format!("{ROOT}{BOTH}\n{DONE}");
        let missing = Loaded::Missing {
            path: path(CACHE),
            missing: r"C:\ProgramData\NugetCache".into(),
        };
        let o = judged(&capture, &missing);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message.contains("cannot be checked against it"),
            "{}",
            o.message
        );
        let unlisted = Loaded::Found(Listing {
            folder: dir(CACHE),
            entries: vec![path(r"C:\ProgramData\NugetCache\a.nupkg")],
            unreadable: vec![(
                crate::model::Location::unresolved(r"C:\ProgramData\NugetCache\locked"),
                crate::server::FsError::Io {
                    path: r"C:\ProgramData\NugetCache\locked".into(),
                    message: "permission denied".into(),
                },
            )],
        });
        let o = judged(&capture, &unlisted);
        assert_eq!(o.status, Status::Error);
        assert!(
            o.message
                .starts_with(r"1 entry of C:\ProgramData\NugetCache\ on disk could not be listed"),
            "{}",
            o.message
        );
    }

    #[test]
    fn explicit_aces_and_empty_dacls_fail_naming_the_entries() {
        let o = judged(
            &format!(
                "{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg BUILTIN\\Administrators:(F)\n                                          PAM\\svc-tms:(M)\nC:\\ProgramData\\NugetCache\\b.nupkg\nC:\\ProgramData\\NugetCache\\c.nupkg BUILTIN\\Users:(I)(RX)\n\n{DONE}"
            ),
            &disk(&["a.nupkg", "b.nupkg", "c.nupkg"]),
        );
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
