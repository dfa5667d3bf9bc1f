//! `web_folder_backup`: a fresh, complete copy of a web folder exists (SS003
//! and PM002 before the upgrade: seed 000 step 2; PM008 after it: the seeds'
//! closing note). Discovery and comparison are in `inputs::backup`; this
//! module decides what the evidence means and says it.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::{CheckKind, Context, known_fact, span, time, unreadable, valid_path, when};
use crate::facts::{PATH_FACTS, TIME_FACTS, fact_help};
use crate::inputs::backup::{Backups, Candidate, Comparison, Identity, Looked, Query};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Outcome, Status};

/// How many paths a message names before "…".
const FIRST: usize = 3;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The live folder: `C:\inetpub\wwwroot\SecretServer`.
    pub folder: String,
    /// A path fact naming the product's own backup folder, where any zip counts.
    #[serde(default)]
    pub own_backup_dir: Option<String>,
    /// Paths relative to `folder` that must be byte-identical in the copy.
    #[serde(default)]
    pub identical: Vec<String>,
    /// A time fact the copy must be newer than (PM008), instead of the maximum age.
    #[serde(default)]
    pub newer_than: Option<String>,
    /// Without that fact: newer than this file's modification time.
    #[serde(default)]
    pub newer_than_file: Option<String>,
}

impl Params {
    /// What "fresh" means for this rule: within the maximum age, or newer
    /// than the upgrade (from the fact, else from the file's time).
    fn freshness(&self, ctx: &Context<'_>, inputs: &Inputs<'_>) -> Result<Freshness, Box<Outcome>> {
        let Some(fact) = &self.newer_than else {
            return Ok(Freshness::Within {
                now: ctx.now,
                max_age: ctx.backups.max_age,
            });
        };
        if let Some(m) = ctx.facts.moment(fact) {
            return Ok(Freshness::After {
                time: m.0,
                what: fact.clone(),
            });
        }
        let file_time = self
            .newer_than_file
            .as_deref()
            .map(|f| match inputs.locate(f) {
                Loaded::Found(r) => (r.server.to_string(), r.modified),
                Loaded::Missing { path, .. } => (path.to_string(), None),
                Loaded::Failed { location, .. } => (location.server_path, None),
            });
        match file_time {
            Some((file, Some(time))) => Ok(Freshness::After {
                time,
                what: format!("the modification time of {file}"),
            }),
            other => {
                let also = other
                    .map(|(file, _)| format!(", and {file} gives no modification time"))
                    .unwrap_or_default();
                Err(Box::new(Outcome::new(
                    Status::NotEvaluated,
                    self.folder.clone(),
                    format!(
                        "cannot tell when the upgrade finished: facts.json has no {fact}{also}; add {}",
                        fact_help(fact)
                    ),
                )))
            }
        }
    }
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        valid_path("folder", &self.folder)?;
        if let Some(k) = &self.own_backup_dir {
            known_fact(k, PATH_FACTS)?;
        }
        if let Some(k) = &self.newer_than {
            known_fact(k, TIME_FACTS)?;
        }
        if let Some(f) = &self.newer_than_file {
            if self.newer_than.is_none() {
                return Err("newer_than_file is the fallback of newer_than; set both".into());
            }
            valid_path("newer_than_file", f)?;
        }
        for rel in &self.identical {
            let bad = rel.is_empty()
                || rel.contains(':')
                || rel.starts_with(['\\', '/'])
                || rel.split(['\\', '/']).any(|s| s == "..");
            if bad {
                return Err(format!(
                    "identical: `{rel}` must be a path relative to the folder"
                ));
            }
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let freshness = match self.freshness(ctx, inputs) {
            Ok(f) => f,
            Err(outcome) => return vec![*outcome],
        };
        let identical: Vec<String> = self
            .identical
            .iter()
            .map(|r| r.replace('\\', "/"))
            .collect();
        let query = Query {
            live: &self.folder,
            search_dirs: ctx.facts.backup_search_dirs(),
            own_dir: self
                .own_backup_dir
                .as_deref()
                .and_then(|k| ctx.facts.path(k))
                .map(str::to_string),
            identical: &identical,
            verify_content: ctx.backups.verify_content,
        };
        let found = inputs.backups(&query, |c| freshness.fresh(c.modified()));
        vec![judge(&found, &freshness, ctx.backups.verify_content)]
    }
}

/// When a copy counts as fresh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Modified at most `max_age` before `now`.
    Within {
        now: Timestamp,
        max_age: SignedDuration,
    },
    /// Modified after `time`, which `what` names.
    After { time: Timestamp, what: String },
}

impl Freshness {
    pub fn fresh(&self, modified: Option<Timestamp>) -> bool {
        let Some(m) = modified else { return false };
        match self {
            Freshness::Within { now, max_age } => now.duration_since(m) <= *max_age,
            Freshness::After { time, .. } => m > *time,
        }
    }

    fn requirement(&self) -> String {
        match self {
            Freshness::Within { now, max_age } => {
                format!("modified at most {} before {}", span(*max_age), time(*now))
            }
            Freshness::After { time: t, what } => {
                format!("modified after the upgrade ({}, {what})", time(*t))
            }
        }
    }

    /// "fresh copy", or "copy made after the upgrade".
    fn noun(&self) -> &'static str {
        match self {
            Freshness::Within { .. } => "fresh copy",
            Freshness::After { .. } => "copy made after the upgrade",
        }
    }

    fn stale(&self, modified: Option<Timestamp>) -> String {
        let Some(m) = modified else {
            return "has no modification time, so its age is unknown".into();
        };
        match self {
            Freshness::Within { now, max_age } => format!(
                "was modified {}, {} before {} (a backup counts as fresh for {}; --max-backup-age changes that)",
                time(m),
                span(now.duration_since(m)),
                time(*now),
                span(*max_age)
            ),
            Freshness::After { time: t, what } => format!(
                "was modified {}, before the upgrade finished ({}, {what})",
                time(m),
                time(*t)
            ),
        }
    }
}

pub fn judge(found: &Backups, freshness: &Freshness, content: bool) -> Outcome {
    let live = match &found.live {
        Loaded::Found(r) => r,
        Loaded::Missing { path, missing } => {
            return Outcome::new(
                Status::NotEvaluated,
                path.to_string(),
                format!(
                    "{path} is not under the root ({missing} does not exist), so there is nothing to compare a backup with; scan a root that includes it"
                ),
            );
        }
        Loaded::Failed { location, error } => return unreadable(location, error),
    };
    let subject = live.server.to_string();
    if let Some(Err(e)) = &found.live_files {
        return unreadable(&live.location(), e);
    }
    let expected = format!(
        "a copy {} holding every file of {subject} at the same relative path with the same size{}",
        freshness.requirement(),
        if content { " and content" } else { "" }
    );

    if let Some((i, c)) = found
        .compared
        .iter()
        .find(|(_, c)| c.complete() && c.identical_ok())
    {
        let copy = &found.candidates[*i];
        let identical: String = c
            .identical
            .iter()
            .map(|(rel, _)| format!("; {rel} is byte-identical"))
            .collect();
        return Outcome::new(
            Status::Pass,
            subject.clone(),
            format!(
                "{} holds all {} file(s) of {subject} with the same sizes{}{identical}",
                describe(copy),
                c.live_files,
                if content { " and content" } else { "" },
            ),
        )
        .at(copy.place.location())
        .observed(format!("{} ({})", copy.place.server, copy.form))
        .expected(expected);
    }

    let mut status = Status::Fail;
    let mut message;
    let mut location = live.location();
    let observed;
    if found.candidates.is_empty() {
        message = format!("no copy of {subject} found; looked in {}", looked_in(found));
        observed = "no copy".to_string();
    } else if found.compared.is_empty() {
        let newest = &found.candidates[0];
        message = format!(
            "no {} of {subject}: the newest, {}, {}",
            freshness.noun(),
            newest.place.server,
            freshness.stale(newest.modified())
        );
        if found.candidates.len() > 1 {
            message.push_str(&format!(
                " ({} older candidate(s) too)",
                found.candidates.len() - 1
            ));
        }
        location = newest.place.location();
        observed = format!("newest copy modified {}", when(newest.modified()));
    } else {
        let (i, closest) = found
            .compared
            .iter()
            .min_by_key(|(_, c)| c.distance())
            .map(|(i, c)| (*i, c))
            .unwrap_or((found.compared[0].0, &found.compared[0].1));
        let copy = &found.candidates[i];
        let lacks = shortfalls(closest);
        message = format!(
            "{} {}: {}",
            match (found.compared.len() > 1, freshness) {
                (true, Freshness::Within { .. }) => "the closest fresh copy,",
                (false, Freshness::Within { .. }) => "the only fresh copy,",
                (true, Freshness::After { .. }) => "the closest copy made after the upgrade,",
                (false, Freshness::After { .. }) => "the only copy made after the upgrade,",
            },
            describe(copy),
            lacks.join("; ")
        );
        if found.compared.len() > 1 {
            message.push_str(&if found.compared.len() == 2 {
                " (the other fresh copy was further off)".to_string()
            } else {
                format!(
                    " ({} other fresh copies were further off)",
                    found.compared.len() - 1
                )
            });
        }
        if closest.complete()
            && closest
                .identical
                .iter()
                .all(|(_, i)| matches!(i, Identity::Same | Identity::MissingLive))
        {
            // Only the live side is missing: a snapshot may leave the key file out.
            status = Status::NotEvaluated;
        }
        location = copy.place.location();
        observed = format!("{}: {}", copy.place.server, lacks.join("; "));
    }
    // A folder that could not be searched may hold the copy: not a plain fail.
    for l in &found.looked_in {
        if let Looked::Failed(e) = &l.state {
            message.push_str(&format!("; could not search {}: {e}", l.dir));
            status = match status {
                Status::Error => Status::Error,
                _ if !e.is_unsupplied_input() => Status::Error,
                _ => Status::NotEvaluated,
            };
        }
    }
    Outcome::new(status, subject, message)
        .at(location)
        .observed(observed)
        .expected(expected)
}

/// `C:\Backups\SecretServer - Copy (folder, modified 2026-11-21T22:00:00Z)`
fn describe(c: &Candidate) -> String {
    format!(
        "{} ({}, modified {})",
        c.place.server,
        c.form,
        when(c.modified())
    )
}

/// What keeps a copy from counting, most important first.
fn shortfalls(c: &Comparison) -> Vec<String> {
    if let Some(e) = &c.unreadable {
        return vec![format!("it could not be read: {e}")];
    }
    let mut out = Vec::new();
    if !c.missing.is_empty() {
        out.push(format!(
            "it lacks {} of {} files (first: {})",
            c.missing.len(),
            c.live_files,
            first(&c.missing)
        ));
    }
    if !c.size_differs.is_empty() {
        let shown: Vec<String> = c
            .size_differs
            .iter()
            .take(FIRST)
            .map(|d| format!("{}: {} B live, {} B in the copy", d.rel, d.live, d.copy))
            .collect();
        out.push(format!(
            "{} differ in size (first: {}{})",
            c.size_differs.len(),
            shown.join(", "),
            more(c.size_differs.len())
        ));
    }
    if !c.content_differs.is_empty() {
        out.push(format!(
            "{} differ in content (first: {})",
            c.content_differs.len(),
            first(&c.content_differs)
        ));
    }
    if !c.problems.is_empty() {
        out.push(format!(
            "{} could not be compared (first: {})",
            c.problems.len(),
            first(&c.problems)
        ));
    }
    for (rel, identity) in &c.identical {
        match identity {
            Identity::Same => {}
            Identity::Differs => out.push(format!(
                "its {rel} is not byte-identical to the live one"
            )),
            Identity::MissingInCopy => out.push(format!("it has no {rel}")),
            Identity::MissingLive => out.push(format!(
                "the live folder has no {rel} to compare it with (include it in the scanned root, or compare by hand)"
            )),
            Identity::Unreadable(e) => out.push(format!("its {rel} could not be compared: {e}")),
        }
    }
    if out.is_empty() {
        out.push("it is complete".into());
    }
    out
}

fn looked_in(found: &Backups) -> String {
    found
        .looked_in
        .iter()
        .map(|l| match &l.state {
            Looked::Searched { .. } => format!("{} (nothing named like it)", l.dir),
            Looked::Missing => format!("{} (does not exist)", l.dir),
            Looked::Failed(_) => format!("{} (could not be searched)", l.dir),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn first(items: &[String]) -> String {
    let shown: Vec<&str> = items.iter().take(FIRST).map(String::as_str).collect();
    format!("{}{}", shown.join(", "), more(items.len()))
}

fn more(n: usize) -> &'static str {
    if n > FIRST { ", …" } else { "" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::backup::{Form, LookedIn, SizeDiff};
    use crate::rules::checks::testing::{at, dir, path, resolved};
    use crate::server::{FsError, Kind};

    const LIVE: &str = r"C:\inetpub\wwwroot\SecretServer";
    const NOW: &str = "2026-11-21T12:00:00Z";

    fn within() -> Freshness {
        Freshness::Within {
            now: at(NOW),
            max_age: SignedDuration::from_hours(24),
        }
    }

    fn copy(raw: &str, form: Form, modified: &str) -> Candidate {
        let kind = match form {
            Form::Folder => Kind::Dir,
            Form::Zip => Kind::File,
        };
        Candidate {
            place: resolved(raw, kind, 0, Some(modified)),
            form,
        }
    }

    fn found(candidates: Vec<Candidate>, compared: Vec<(usize, Comparison)>) -> Backups {
        Backups {
            live: Loaded::Found(dir(LIVE)),
            looked_in: vec![LookedIn {
                dir: r"C:\Backups".into(),
                state: Looked::Searched {
                    candidates: candidates.len(),
                },
            }],
            live_files: (!compared.is_empty()).then_some(Ok(10)),
            candidates,
            compared,
        }
    }

    fn complete() -> Comparison {
        Comparison {
            live_files: 10,
            identical: vec![("encryption.config".into(), Identity::Same)],
            ..Comparison::default()
        }
    }

    #[test]
    fn a_fresh_complete_copy_passes() {
        let b = found(
            vec![copy(
                r"C:\Backups\SecretServer - Copy",
                Form::Folder,
                "2026-11-21T10:00:00Z",
            )],
            vec![(0, complete())],
        );
        let o = judge(&b, &within(), false);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"C:\Backups\SecretServer - Copy (folder, modified 2026-11-21T10:00:00Z) holds all 10 file(s) of C:\inetpub\wwwroot\SecretServer with the same sizes; encryption.config is byte-identical"
        );
        assert_eq!(
            o.observed.as_deref(),
            Some(r"C:\Backups\SecretServer - Copy (folder)")
        );
        assert!(
            judge(&b, &within(), true)
                .message
                .contains("same sizes and content")
        );
    }

    #[test]
    fn no_copy_fails_naming_where_it_looked() {
        let o = judge(&found(Vec::new(), Vec::new()), &within(), false);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no copy of C:\inetpub\wwwroot\SecretServer found; looked in C:\Backups (nothing named like it)"
        );
        assert_eq!(o.observed.as_deref(), Some("no copy"));
    }

    #[test]
    fn only_stale_copies_fail_with_the_newest_ones_age() {
        let b = found(
            vec![
                copy(
                    r"C:\Backups\SecretServer.zip",
                    Form::Zip,
                    "2026-11-19T12:00:00Z",
                ),
                copy(
                    r"C:\Backups\SecretServer_old",
                    Form::Folder,
                    "2026-10-01T00:00:00Z",
                ),
            ],
            Vec::new(),
        );
        let o = judge(&b, &within(), false);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.starts_with(
                r"no fresh copy of C:\inetpub\wwwroot\SecretServer: the newest, C:\Backups\SecretServer.zip, was modified 2026-11-19T12:00:00Z, 48 h before"
            ),
            "{}",
            o.message
        );
        assert!(o.message.ends_with("(1 older candidate(s) too)"));
        // After the upgrade (PM008) the words change.
        let after = Freshness::After {
            time: at("2026-11-20T00:00:00Z"),
            what: "privilege_manager.upgraded_at".into(),
        };
        let o = judge(&b, &after, false);
        assert!(
            o.message
                .starts_with(r"no copy made after the upgrade of C:\inetpub\wwwroot\SecretServer")
        );
        assert!(o.message.contains(
            "before the upgrade finished (2026-11-20T00:00:00Z, privilege_manager.upgraded_at)"
        ));
    }

    #[test]
    fn an_incomplete_copy_fails_with_what_it_lacks() {
        let lacking = Comparison {
            live_files: 10,
            missing: vec![
                "a.dll".into(),
                "b.dll".into(),
                "c.dll".into(),
                "d.dll".into(),
            ],
            size_differs: vec![SizeDiff {
                rel: "web.config".into(),
                live: 20,
                copy: 10,
            }],
            ..Comparison::default()
        };
        let b = found(
            vec![copy(
                r"C:\Backups\SecretServer",
                Form::Folder,
                "2026-11-21T10:00:00Z",
            )],
            vec![(0, lacking)],
        );
        let o = judge(&b, &within(), false);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"the only fresh copy, C:\Backups\SecretServer (folder, modified 2026-11-21T10:00:00Z): it lacks 4 of 10 files (first: a.dll, b.dll, c.dll, …); 1 differ in size (first: web.config: 20 B live, 10 B in the copy)"
        );
    }

    #[test]
    fn a_differing_encryption_config_fails_but_a_missing_live_one_is_not_evaluated() {
        let with = |identity| Comparison {
            identical: vec![("encryption.config".into(), identity)],
            ..complete()
        };
        let candidates = || {
            vec![copy(
                r"C:\Backups\SecretServer",
                Form::Folder,
                "2026-11-21T10:00:00Z",
            )]
        };
        let o = judge(
            &found(candidates(), vec![(0, with(Identity::Differs))]),
            &within(),
            false,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .ends_with("its encryption.config is not byte-identical to the live one")
        );
        let o = judge(
            &found(candidates(), vec![(0, with(Identity::MissingInCopy))]),
            &within(),
            false,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.ends_with("it has no encryption.config"));
        let o = judge(
            &found(candidates(), vec![(0, with(Identity::MissingLive))]),
            &within(),
            false,
        );
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains("the live folder has no encryption.config to compare it with")
        );
    }

    #[test]
    fn the_closest_of_several_fresh_copies_is_named() {
        let far = Comparison {
            missing: vec!["a".into(), "b".into()],
            ..complete()
        };
        let near = Comparison {
            missing: vec!["a".into()],
            ..complete()
        };
        let b = found(
            vec![
                copy(
                    r"C:\Backups\SecretServer1",
                    Form::Folder,
                    "2026-11-21T11:00:00Z",
                ),
                copy(
                    r"C:\Backups\SecretServer2",
                    Form::Folder,
                    "2026-11-21T10:00:00Z",
                ),
            ],
            vec![(0, far), (1, near)],
        );
        let o = judge(&b, &within(), false);
        assert!(
            o.message
                .starts_with(r"the closest fresh copy, C:\Backups\SecretServer2 ")
        );
        assert!(
            o.message
                .ends_with("(the other fresh copy was further off)")
        );
    }

    #[test]
    fn a_folder_that_could_not_be_searched_is_not_a_plain_fail() {
        let mut b = found(Vec::new(), Vec::new());
        b.looked_in.push(LookedIn {
            dir: r"E:\Backups".into(),
            state: Looked::Failed(FsError::DriveNotMapped('E')),
        });
        let o = judge(&b, &within(), false);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains(r"E:\Backups (could not be searched)"));
        assert!(o.message.ends_with(
            r"could not search E:\Backups: drive E: is not mapped (pass --drive E:=DIR to scan it)"
        ));
        b.looked_in.push(LookedIn {
            dir: r"C:\Locked".into(),
            state: Looked::Failed(FsError::Io {
                path: r"C:\Locked".into(),
                message: "denied".into(),
            }),
        });
        assert_eq!(judge(&b, &within(), false).status, Status::Error);
    }

    #[test]
    fn without_the_live_folder_there_is_nothing_to_compare() {
        let mut b = found(Vec::new(), Vec::new());
        b.live = Loaded::Missing {
            path: path(LIVE),
            missing: "SecretServer".into(),
        };
        let o = judge(&b, &within(), false);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains("there is nothing to compare a backup with")
        );
        let mut b = found(Vec::new(), Vec::new());
        b.live_files = Some(Err(FsError::LinkLoop(LIVE.into())));
        assert_eq!(judge(&b, &within(), false).status, Status::Error);
    }

    #[test]
    fn freshness_is_an_age_or_after_the_upgrade() {
        assert!(within().fresh(Some(at("2026-11-20T12:00:00Z"))));
        assert!(!within().fresh(Some(at("2026-11-20T11:59:59Z"))));
        assert!(!within().fresh(None));
        let after = Freshness::After {
            time: at("2026-11-20T00:00:00Z"),
            what: "x".into(),
        };
        assert!(after.fresh(Some(at("2026-11-20T00:00:01Z"))));
        assert!(!after.fresh(Some(at("2026-11-20T00:00:00Z"))));
    }
}
