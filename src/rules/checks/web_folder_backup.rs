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
                now: ctx.now,
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
                now: ctx.now,
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

/// When a copy counts as fresh: a closed interval of modification times
/// that ends at the scan's time (a time after it is never fresh).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Freshness {
    /// Modified from `now - max_age` to `now`.
    Within {
        now: Timestamp,
        max_age: SignedDuration,
    },
    /// Modified from `time`, which `what` names (the upgrade), to `now`.
    After {
        time: Timestamp,
        what: String,
        now: Timestamp,
    },
}

/// Where a modification time falls against a [`Freshness`] interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timing {
    /// Inside the interval: the backup counts.
    Fresh,
    /// Before it: older than the maximum age, or made before the upgrade.
    Early,
    /// After the scan's time: the server's clock or `--now` is wrong.
    Future,
    /// No modification time to judge.
    Unknown,
}

impl Freshness {
    /// The scan's time, where the interval ends.
    pub fn now(&self) -> Timestamp {
        match self {
            Freshness::Within { now, .. } | Freshness::After { now, .. } => *now,
        }
    }

    /// Where the interval starts.
    pub fn since(&self) -> Timestamp {
        match self {
            Freshness::Within { now, max_age } => {
                now.checked_sub(*max_age).unwrap_or(Timestamp::MIN)
            }
            Freshness::After { time, .. } => *time,
        }
    }

    pub fn timing(&self, modified: Option<Timestamp>) -> Timing {
        match modified {
            None => Timing::Unknown,
            Some(m) if m > self.now() => Timing::Future,
            Some(m) if m < self.since() => Timing::Early,
            Some(_) => Timing::Fresh,
        }
    }

    pub fn fresh(&self, modified: Option<Timestamp>) -> bool {
        self.timing(modified) == Timing::Fresh
    }

    fn requirement(&self) -> String {
        match self {
            Freshness::Within { now, max_age } => format!(
                "modified between {} and {} (at most {} old, and not after the scan's time)",
                time(self.since()),
                time(*now),
                span(*max_age)
            ),
            Freshness::After { time: t, what, now } => format!(
                "modified between the upgrade ({}, {what}) and the scan's time ({})",
                time(*t),
                time(*now)
            ),
        }
    }

    /// "fresh copy", or "copy made after the upgrade".
    fn noun(&self) -> &'static str {
        match self {
            Freshness::Within { .. } => "fresh copy",
            Freshness::After { .. } => "copy made after the upgrade",
        }
    }

    /// Why a copy before the interval (or without a time) does not count.
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
            Freshness::After { time: t, what, .. } => format!(
                "was modified {}, before the upgrade finished ({}, {what})",
                time(m),
                time(*t)
            ),
        }
    }
}

/// Why a time after the scan's cannot stand for a backup, and what to do:
/// `{what} is dated …, 2 h after the scan's time (…), so it does not count: …; {fix}`.
pub(super) fn after_now(what: &str, at: Timestamp, now: Timestamp, fix: &str) -> String {
    format!(
        "{what} is dated {}, {} after the scan's time ({}), so it does not count: a backup cannot be \
         newer than the scan, so {fix}",
        time(at),
        span(at.duration_since(now)),
        time(now)
    )
}

/// The fix for a file dated after the scan: `again` once the clock is right.
pub(super) fn clock_fix(again: &str) -> String {
    format!(
        "either the server's clock was ahead when it was written or --now is wrong: check the \
         server's clock and the time given as --now (or leave --now out), and if the clock was \
         wrong, correct it and {again}"
    )
}

/// The copies dated after the scan's time, newest first.
fn future_copies<'a>(found: &'a Backups, freshness: &Freshness) -> Vec<&'a Candidate> {
    found
        .candidates
        .iter()
        .filter(|c| freshness.timing(c.modified()) == Timing::Future)
        .collect()
}

/// `; ignored, dated after the scan's time (…): C:\Backups\TMS (…)` when
/// copies were.
fn ignored_future(future: &[&Candidate], now: Timestamp) -> String {
    if future.is_empty() {
        return String::new();
    }
    let shown: Vec<String> = future
        .iter()
        .take(FIRST)
        .map(|c| format!("{} ({})", c.place.server, when(c.modified())))
        .collect();
    format!(
        "; ignored, dated after the scan's time ({}; check the server's clock and --now): {}{}",
        time(now),
        shown.join(", "),
        more(future.len())
    )
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
    if let Freshness::After { time: t, what, now } = freshness
        && t > now
    {
        // No copy can lie between the upgrade and the scan.
        return Outcome::new(
            Status::Fail,
            subject,
            format!(
                "cannot tell which copies of {} were made after the upgrade: it finished at {} ({what}), {} after the scan's time ({}), so no copy can lie between the two; either {what} or --now is wrong, or the server's clock was ahead: check the server's clock, the time given as --now (or leave --now out) and {what}",
                live.server,
                time(*t),
                span(t.duration_since(*now)),
                time(*now)
            ),
        )
        .at(live.location())
        .observed(format!("upgrade finished {}", time(*t)))
        .expected(format!(
            "an upgrade time not after the scan's time ({})",
            time(*now)
        ));
    }
    let future = future_copies(found, freshness);
    let ignored = ignored_future(&future, freshness.now());
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
                "{} holds all {} file(s) of {subject} with the same sizes{}{identical}{ignored}",
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
    } else if let Some(newest) = future.first().filter(|_| found.compared.is_empty()) {
        // Dated after the scan: never fresh, and a finding of its own.
        let now = freshness.now();
        message = format!(
            "no {} of {subject}: {}",
            freshness.noun(),
            after_now(
                &newest.place.server.to_string(),
                newest.modified().unwrap_or(now),
                now,
                &clock_fix("copy the folder again")
            )
        );
        if future.len() > 1 {
            let others: Vec<String> = future[1..]
                .iter()
                .map(|c| c.place.server.to_string())
                .collect();
            message.push_str(&format!(
                "; dated after the scan's time too: {}",
                first(&others)
            ));
        }
        let earlier: Vec<&Candidate> = found
            .candidates
            .iter()
            .filter(|c| freshness.timing(c.modified()) != Timing::Future)
            .collect();
        if let Some(e) = earlier.first() {
            message.push_str(&format!(
                "; the newest copy before it, {}, {}",
                e.place.server,
                freshness.stale(e.modified())
            ));
        }
        location = newest.place.location();
        observed = format!(
            "newest copy modified {}, after the scan's time",
            when(newest.modified())
        );
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
        let but_content = Comparison {
            content_unavailable: None,
            ..closest.clone()
        };
        if but_content.complete()
            && closest
                .identical
                .iter()
                .all(|(_, i)| matches!(i, Identity::Same | Identity::MissingLive))
        {
            // Only what a snapshot may leave out is missing: the live key file,
            // or the content `--verify-content` needs.
            status = Status::NotEvaluated;
        }
        message.push_str(&ignored);
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
    if let Some(rel) = &c.content_unavailable {
        out.push(format!(
            "its content could not be verified: the snapshot records {rel} (and maybe more) by size and time only; collect it with `upgate collect --hash` for --verify-content"
        ));
    }
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
            now: at(NOW),
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

    fn after(upgrade: &str) -> Freshness {
        Freshness::After {
            time: at(upgrade),
            what: "privilege_manager.upgraded_at".into(),
            now: at(NOW),
        }
    }

    #[test]
    fn freshness_is_an_interval_that_ends_at_now() {
        use Timing::*;
        let w = within();
        // now − max_age and now are both inside; a second past either end is not.
        assert_eq!(w.timing(Some(at("2026-11-20T12:00:00Z"))), Fresh);
        assert_eq!(w.timing(Some(at("2026-11-20T11:59:59Z"))), Early);
        assert_eq!(w.timing(Some(at(NOW))), Fresh);
        assert_eq!(w.timing(Some(at("2026-11-21T12:00:01Z"))), Future);
        assert_eq!(w.timing(Some(at("2027-11-21T12:00:00Z"))), Future);
        assert_eq!(w.timing(None), Unknown);
        assert!(!w.fresh(Some(at("2026-11-21T12:00:01Z"))));
        assert!(!w.fresh(None));
        // After the upgrade: from the upgrade itself to now.
        let a = after("2026-11-20T00:00:00Z");
        assert_eq!(a.timing(Some(at("2026-11-20T00:00:00Z"))), Fresh);
        assert_eq!(a.timing(Some(at("2026-11-19T23:59:59Z"))), Early);
        assert_eq!(a.timing(Some(at(NOW))), Fresh);
        assert_eq!(a.timing(Some(at("2026-11-21T12:00:01Z"))), Future);
        // A maximum age of zero: only a copy made at the scan's time.
        let zero = Freshness::Within {
            now: at(NOW),
            max_age: SignedDuration::ZERO,
        };
        assert!(zero.fresh(Some(at(NOW))));
        assert!(!zero.fresh(Some(at("2026-11-21T11:59:59Z"))));
    }

    fn one_copy(modified: &str) -> Backups {
        let c = copy(r"C:\Backups\SecretServer", Form::Folder, modified);
        let fresh = within().fresh(c.modified());
        found(
            vec![c],
            if fresh {
                vec![(0, complete())]
            } else {
                Vec::new()
            },
        )
    }

    #[test]
    fn a_complete_copy_passes_at_both_ends_of_the_interval_only() {
        let o = judge(&one_copy("2026-11-20T12:00:00Z"), &within(), false);
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        let o = judge(&one_copy(NOW), &within(), false);
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        let o = judge(&one_copy("2026-11-20T11:59:59Z"), &within(), false);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("was modified 2026-11-20T11:59:59Z, 24 h before")
        );
        let o = judge(&one_copy("2026-11-21T12:00:01Z"), &within(), false);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no fresh copy of C:\inetpub\wwwroot\SecretServer: C:\Backups\SecretServer is dated 2026-11-21T12:00:01Z, 1 s after the scan's time (2026-11-21T12:00:00Z), so it does not count: a backup cannot be newer than the scan, so either the server's clock was ahead when it was written or --now is wrong: check the server's clock and the time given as --now (or leave --now out), and if the clock was wrong, correct it and copy the folder again"
        );
        assert_eq!(
            o.observed.as_deref(),
            Some("newest copy modified 2026-11-21T12:00:01Z, after the scan's time")
        );
        assert_eq!(
            o.expected.as_deref(),
            Some(
                r"a copy modified between 2026-11-20T12:00:00Z and 2026-11-21T12:00:00Z (at most 24 h old, and not after the scan's time) holding every file of C:\inetpub\wwwroot\SecretServer at the same relative path with the same size"
            )
        );
    }

    #[test]
    fn a_copy_dated_after_now_is_its_own_finding_beside_stale_and_fresh_ones() {
        let future = copy(
            r"C:\Backups\SecretServer_next",
            Form::Folder,
            "2027-11-21T12:00:00Z",
        );
        let stale = copy(
            r"C:\Backups\SecretServer_old",
            Form::Folder,
            "2026-11-18T12:00:00Z",
        );
        let fresh = copy(
            r"C:\Backups\SecretServer",
            Form::Folder,
            "2026-11-21T10:00:00Z",
        );
        // Beside a stale one: the future one is the finding, the stale one named after it.
        let o = judge(
            &found(vec![future.clone(), stale.clone()], Vec::new()),
            &within(),
            false,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            r"no fresh copy of C:\inetpub\wwwroot\SecretServer: C:\Backups\SecretServer_next is dated 2027-11-21T12:00:00Z, 365 days after the scan's time (2026-11-21T12:00:00Z)"
        ));
        assert!(o.message.ends_with(
            r"; the newest copy before it, C:\Backups\SecretServer_old, was modified 2026-11-18T12:00:00Z, 3 days before 2026-11-21T12:00:00Z (a backup counts as fresh for 24 h; --max-backup-age changes that)"
        ));
        assert_eq!(
            o.location.map(|l| l.server_path).as_deref(),
            Some(r"C:\Backups\SecretServer_next")
        );
        // Beside a fresh complete one: that one passes and the future one is named.
        let o = judge(
            &found(vec![future.clone(), fresh.clone()], vec![(1, complete())]),
            &within(),
            false,
        );
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.ends_with(
            r"; ignored, dated after the scan's time (2026-11-21T12:00:00Z; check the server's clock and --now): C:\Backups\SecretServer_next (2027-11-21T12:00:00Z)"
        ));
        // Beside a fresh incomplete one: that one's shortfall, then the future one.
        let lacking = Comparison {
            missing: vec!["a.dll".into()],
            ..complete()
        };
        let o = judge(
            &found(vec![future, fresh], vec![(1, lacking)]),
            &within(),
            false,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            r"the only fresh copy, C:\Backups\SecretServer (folder, modified 2026-11-21T10:00:00Z): it lacks 1 of 10 files (first: a.dll)"
        ));
        assert!(
            o.message
                .contains(r"; ignored, dated after the scan's time")
        );
    }

    #[test]
    fn after_the_upgrade_means_between_the_upgrade_and_now() {
        let tms = |modified: &str| {
            let c = copy(r"C:\Backups\TMS", Form::Folder, modified);
            let a = after("2026-11-21T08:00:00Z");
            let fresh = a.fresh(c.modified());
            found(
                vec![c],
                if fresh {
                    vec![(0, complete())]
                } else {
                    Vec::new()
                },
            )
        };
        let a = after("2026-11-21T08:00:00Z");
        assert_eq!(
            judge(&tms("2026-11-21T08:00:00Z"), &a, false).status,
            Status::Pass
        );
        assert_eq!(judge(&tms(NOW), &a, false).status, Status::Pass);
        let o = judge(&tms("2026-11-21T07:59:59Z"), &a, false);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains(
            "before the upgrade finished (2026-11-21T08:00:00Z, privilege_manager.upgraded_at)"
        ));
        // A copy made after the scan's time is not "after the upgrade".
        let o = judge(&tms("2026-11-21T12:00:01Z"), &a, false);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            r"no copy made after the upgrade of C:\inetpub\wwwroot\SecretServer: C:\Backups\TMS is dated 2026-11-21T12:00:01Z, 1 s after the scan's time"
        ), "{}", o.message);
        assert_eq!(
            o.expected.as_deref(),
            Some(
                r"a copy modified between the upgrade (2026-11-21T08:00:00Z, privilege_manager.upgraded_at) and the scan's time (2026-11-21T12:00:00Z) holding every file of C:\inetpub\wwwroot\SecretServer at the same relative path with the same size"
            )
        );
        // An upgrade after the scan's time leaves no room for any copy.
        let late = after("2026-11-21T12:00:01Z");
        let o = judge(&tms(NOW), &late, false);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"cannot tell which copies of C:\inetpub\wwwroot\SecretServer were made after the upgrade: it finished at 2026-11-21T12:00:01Z (privilege_manager.upgraded_at), 1 s after the scan's time (2026-11-21T12:00:00Z), so no copy can lie between the two; either privilege_manager.upgraded_at or --now is wrong, or the server's clock was ahead: check the server's clock, the time given as --now (or leave --now out) and privilege_manager.upgraded_at"
        );
    }
}
