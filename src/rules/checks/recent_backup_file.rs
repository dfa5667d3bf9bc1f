//! `recent_backup_file`: a backup made recently enough, proven by a file in
//! the backup folder a fact names, a named file in the backup search folders,
//! or a recorded time (SS004: seed 000 step 3, "Make a backup of the
//! Database"; NPS002). Files are matched by extension and judged by their own
//! modification time; an empty file is never a backup, a time after the
//! scan's is never fresh, and a file with the product's own name (`prefer`:
//! Secret Server writes `database.bak`) is taken before other fresh ones.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::web_folder_backup::{Freshness, Timing, after_now, clock_fix};
use super::{CheckKind, Context, known_fact, span, time, valid_path};
use crate::facts::{PATH_FACTS, TIME_FACTS, fact_help};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Location, Outcome, Status};
use crate::server::{FsError, Kind, Resolved};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// A path fact: the folder backups are written to.
    pub dir: String,
    /// A time fact: when the last backup was made.
    pub time: String,
    /// Only files with this extension count in `dir` (`.bak`).
    #[serde(default)]
    pub extension: Option<String>,
    /// A file of this name in `backups.search_dirs` counts too (`database.bak`).
    #[serde(default)]
    pub search_name: Option<String>,
    /// The name the product's own backup gives its file (`database.bak`): a
    /// fresh one is taken before any other fresh file or recorded time.
    #[serde(default)]
    pub prefer: Option<String>,
}

/// A backup file seen, or a recorded time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// "D:\SQLBackups\pam_2026-11-21.bak" or "secret_server.database_backup_at".
    pub what: String,
    /// `None` for a file whose modification time the file system does not give.
    pub at: Option<Timestamp>,
    /// A file's place; `None` for a recorded time.
    pub location: Option<Location>,
    /// A file's size in bytes; `None` for a recorded time.
    pub bytes: Option<u64>,
}

impl Sighting {
    /// A backup file found on the server.
    pub fn file(f: &Resolved) -> Sighting {
        Sighting {
            what: f.server.to_string(),
            at: f.modified,
            location: Some(f.location()),
            bytes: Some(f.len),
        }
    }
}

/// What the rule found, for `judge`.
#[derive(Debug, Clone, Default)]
pub struct Evidence {
    pub sightings: Vec<Sighting>,
    /// The backup folder from the fact, if any, and what became of reading it.
    pub dir: Option<(String, DirState)>,
    /// Search folders that could not be read.
    pub unsearched: Vec<(String, FsError)>,
    /// Search folders looked in for `search_name`.
    pub searched: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirState {
    /// Listed; this many files matched the extension.
    Listed(usize),
    Missing,
    Failed(FsError),
}

impl Params {
    fn matches(&self, name: &str) -> bool {
        match &self.extension {
            Some(ext) => crate::nuget::package::strip_suffix_ignore_case(name, ext).is_some(),
            None => true,
        }
    }

    /// Whether `s` is a file with the product's own backup file name.
    fn preferred(&self, s: &Sighting) -> bool {
        let Some(name) = &self.prefer else {
            return false;
        };
        s.location.is_some()
            && s.what
                .rsplit(['\\', '/'])
                .next()
                .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }

    fn what_files(&self) -> String {
        match &self.extension {
            Some(ext) => format!("*{ext} file"),
            None => "file".to_string(),
        }
    }
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.dir, PATH_FACTS)?;
        known_fact(&self.time, TIME_FACTS)?;
        if let Some(name) = &self.search_name {
            valid_path("search_name", &format!(r"C:\{name}"))?;
        }
        if let Some(name) = &self.prefer {
            valid_path("prefer", &format!(r"C:\{name}"))?;
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let mut ev = Evidence::default();
        if let Some(m) = ctx.facts.moment(&self.time) {
            ev.sightings.push(Sighting {
                what: self.time.clone(),
                at: Some(m.0),
                location: None,
                bytes: None,
            });
        }
        if let Some(dir) = ctx.facts.path(&self.dir) {
            let state = match inputs.entries(dir) {
                Loaded::Missing { .. } => DirState::Missing,
                Loaded::Failed { error, .. } => DirState::Failed(error),
                Loaded::Found((_, entries)) => {
                    let files: Vec<_> = entries
                        .into_iter()
                        .filter_map(|e| e.target.ok().map(|t| (e.name, t)))
                        .filter(|(name, t)| t.kind == Kind::File && self.matches(name))
                        .collect();
                    let n = files.len();
                    ev.sightings
                        .extend(files.iter().map(|(_, f)| Sighting::file(f)));
                    DirState::Listed(n)
                }
            };
            ev.dir = Some((dir.to_string(), state));
        }
        if let Some(name) = &self.search_name {
            for dir in ctx.facts.backup_search_dirs() {
                let raw = format!("{}\\{name}", dir.trim_end_matches(['\\', '/']));
                match inputs.locate(&raw) {
                    // One file reachable from the backup folder too is one sighting.
                    Loaded::Found(f)
                        if f.kind == Kind::File
                            && !ev
                                .sightings
                                .iter()
                                .any(|s| s.what.eq_ignore_ascii_case(&f.server.to_string())) =>
                    {
                        ev.sightings.push(Sighting::file(&f));
                    }
                    Loaded::Failed { error, .. } => ev.unsearched.push((dir.clone(), error)),
                    _ => {}
                }
                ev.searched.push(dir);
            }
        }
        vec![judge(self, &ev, ctx.now, ctx.backups.max_age)]
    }
}

pub fn judge(p: &Params, ev: &Evidence, now: Timestamp, max_age: SignedDuration) -> Outcome {
    let subject = ev
        .dir
        .as_ref()
        .map_or_else(|| p.time.clone(), |(d, _)| d.clone());
    let freshness = Freshness::Within { now, max_age };
    let expected = format!(
        "a backup (a non-empty file, or a recorded time) made between {} and {} (at most {} old, and not after the scan's time)",
        time(freshness.since()),
        time(now),
        span(max_age)
    );
    let mut fresh: Vec<(&Sighting, Timestamp)> = Vec::new();
    let mut early: Vec<(&Sighting, Timestamp)> = Vec::new();
    let mut future: Vec<(&Sighting, Timestamp)> = Vec::new();
    // Files that are no backup whatever their time: (sighting, why).
    let mut rejected: Vec<(&Sighting, &str)> = Vec::new();
    for s in &ev.sightings {
        if s.bytes == Some(0) {
            rejected.push((s, "0 bytes"));
            continue;
        }
        let Some(at) = s.at else {
            rejected.push((s, "no modification time"));
            continue;
        };
        match freshness.timing(Some(at)) {
            Timing::Fresh => fresh.push((s, at)),
            Timing::Future => future.push((s, at)),
            Timing::Early | Timing::Unknown => early.push((s, at)),
        }
    }
    // Newest first; among the fresh, the product's own file name first.
    for list in [&mut fresh, &mut early, &mut future] {
        list.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.what.cmp(&b.0.what)));
    }
    fresh.sort_by_key(|(s, _)| !p.preferred(s));
    let ignored = |with_future: bool, with_early_preferred: bool| -> String {
        let mut items: Vec<String> = rejected
            .iter()
            .map(|(s, why)| format!("{} ({why})", s.what))
            .collect();
        if with_future {
            items.extend(future.iter().map(|(s, at)| {
                format!(
                    "{} (dated {}, after the scan's time {}: check the server's clock and --now)",
                    s.what,
                    time(*at),
                    time(now)
                )
            }));
        }
        if with_early_preferred {
            items.extend(
                early
                    .iter()
                    .filter(|(s, _)| p.preferred(s))
                    .map(|(s, at)| format!("{} (stale: {})", s.what, time(*at))),
            );
        }
        if items.is_empty() {
            String::new()
        } else {
            format!("; ignored: {}", items.join(", "))
        }
    };

    if let Some(&(s, at)) = fresh.first() {
        let mut message = format!(
            "{} is fresh: {}, {} before {}",
            s.what,
            time(at),
            span(now.duration_since(at)),
            time(now)
        );
        if let (true, Some(name)) = (p.preferred(s), &p.prefer)
            && let Some((newer, _)) = fresh.iter().find(|(o, t)| !p.preferred(o) && *t > at)
        {
            message.push_str(&format!(
                " (taken over the newer {}: {name} is the file the product's own backup writes)",
                newer.what
            ));
        }
        message.push_str(&ignored(true, true));
        let mut o = Outcome::new(Status::Pass, subject, message)
            .observed(time(at))
            .expected(expected);
        if let Some(l) = &s.location {
            o = o.at(l.clone());
        }
        return o;
    }

    let mut status = Status::Fail;
    let named = |s: &Sighting| {
        if s.location.is_some() {
            format!("the newest backup file, {},", s.what)
        } else {
            format!("the newest backup recorded in {}", s.what)
        }
    };
    let stale = |s: &Sighting, at: Timestamp| {
        format!(
            "{} is from {}: {} before {} (a backup counts as fresh for {}; --max-backup-age changes that)",
            named(s),
            time(at),
            span(now.duration_since(at)),
            time(now),
            span(max_age)
        )
    };
    let headline = future.first().or(early.first()).copied();
    let mut message = if let Some(&(s, at)) = future.first() {
        // Dated after the scan: never fresh, and a finding of its own.
        let fix = if s.location.is_some() {
            clock_fix("make the backup again")
        } else {
            format!(
                "either {} or --now is wrong: correct the one that is",
                s.what
            )
        };
        let mut m = format!("no fresh backup: {}", after_now(&named(s), at, now, &fix));
        if future.len() > 1 {
            let others: Vec<&str> = future[1..].iter().map(|(s, _)| s.what.as_str()).collect();
            m.push_str(&format!(
                "; dated after the scan's time too: {}",
                others.join(", ")
            ));
        }
        if let Some(&(e, at)) = early.first() {
            m.push_str(&format!("; before the scan, {}", stale(e, at)));
        }
        m
    } else if let Some(&(s, at)) = early.first() {
        stale(s, at)
    } else {
        "no backup found".to_string()
    };
    message.push_str(&ignored(false, false));
    match &ev.dir {
        Some((dir, DirState::Listed(0))) => {
            message.push_str(&format!("; {dir} holds no {}", p.what_files()));
        }
        Some((dir, DirState::Missing)) => message.push_str(&format!("; {dir} does not exist")),
        Some((dir, DirState::Failed(e))) => {
            message.push_str(&format!("; could not read {dir}: {e}"));
            status = if e.is_unsupplied_input() {
                Status::NotEvaluated
            } else {
                Status::Error
            };
        }
        _ => {}
    }
    for (dir, e) in &ev.unsearched {
        message.push_str(&format!("; could not search {dir}: {e}"));
        if status == Status::Fail {
            status = Status::NotEvaluated;
        }
    }
    if ev.sightings.is_empty() && ev.dir.is_none() {
        // Nothing to go on: the administrator has not told us where to look.
        status = Status::NotEvaluated;
        let named = p
            .search_name
            .as_ref()
            .map(|n| format!(" and no {n} in {}", ev.searched.join(", ")))
            .unwrap_or_default();
        message = format!(
            "facts.json has neither {} nor {}{named}; add {} ({}) or {} ({})",
            p.dir,
            p.time,
            p.dir,
            fact_help(&p.dir),
            p.time,
            fact_help(&p.time)
        );
    }
    let mut o = Outcome::new(status, subject, message).expected(expected);
    let shown = headline
        .map(|(s, at)| (s, Some(at)))
        .or(rejected.first().map(|(s, _)| (*s, s.at)));
    if let Some((s, at)) = shown {
        if let Some(at) = at {
            o = o.observed(time(at));
        }
        if let Some(l) = &s.location {
            o = o.at(l.clone());
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checks::testing::at;

    const NOW: &str = "2026-11-21T12:00:00Z";

    fn params() -> Params {
        Params {
            dir: "secret_server.database_backup_dir".into(),
            time: "secret_server.database_backup_at".into(),
            extension: Some(".bak".into()),
            search_name: Some("database.bak".into()),
            prefer: Some("database.bak".into()),
        }
    }

    /// NPS002's: any file in the folder, no preferred name.
    fn nps_params() -> Params {
        Params {
            dir: "password_secure.backup_dir".into(),
            time: "password_secure.backup_at".into(),
            extension: None,
            search_name: None,
            prefer: None,
        }
    }

    fn sized(what: &str, time: &str, bytes: u64) -> Sighting {
        Sighting {
            what: what.into(),
            at: Some(at(time)),
            location: Some(Location::unresolved(what)),
            bytes: Some(bytes),
        }
    }

    fn file_seen(what: &str, time: &str) -> Sighting {
        sized(what, time, 4096)
    }

    fn recorded(key: &str, time: &str) -> Sighting {
        Sighting {
            what: key.into(),
            at: Some(at(time)),
            location: None,
            bytes: None,
        }
    }

    fn run(ev: &Evidence) -> Outcome {
        judge(&params(), ev, at(NOW), SignedDuration::from_hours(24))
    }

    fn in_dir(state: DirState, sightings: Vec<Sighting>) -> Evidence {
        Evidence {
            sightings,
            dir: Some((r"D:\SQLBackups".into(), state)),
            ..Evidence::default()
        }
    }

    fn one(what: &str, time: &str) -> Outcome {
        run(&in_dir(DirState::Listed(1), vec![file_seen(what, time)]))
    }

    #[test]
    fn the_newest_fresh_backup_passes() {
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                file_seen(r"D:\SQLBackups\old.bak", "2026-11-01T00:00:00Z"),
                file_seen(r"D:\SQLBackups\new.bak", "2026-11-21T02:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.subject, r"D:\SQLBackups");
        assert_eq!(
            o.message,
            r"D:\SQLBackups\new.bak is fresh: 2026-11-21T02:00:00Z, 10 h before 2026-11-21T12:00:00Z"
        );
        assert_eq!(o.observed.as_deref(), Some("2026-11-21T02:00:00Z"));
        assert_eq!(
            o.expected.as_deref(),
            Some(
                "a backup (a non-empty file, or a recorded time) made between 2026-11-20T12:00:00Z and 2026-11-21T12:00:00Z (at most 24 h old, and not after the scan's time)"
            )
        );
        // A recorded time counts too.
        let recorded = Evidence {
            sightings: vec![recorded(
                "secret_server.database_backup_at",
                "2026-11-21T11:00:00Z",
            )],
            ..Evidence::default()
        };
        assert_eq!(run(&recorded).status, Status::Pass);
    }

    #[test]
    fn freshness_ends_at_now_minus_the_maximum_age_and_at_now() {
        let f = r"D:\SQLBackups\database.bak";
        // Exactly the maximum age: fresh.
        let o = one(f, "2026-11-20T12:00:00Z");
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert!(o.message.ends_with("24 h before 2026-11-21T12:00:00Z"));
        // One second older: stale.
        let o = one(f, "2026-11-20T11:59:59Z");
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            r"the newest backup file, D:\SQLBackups\database.bak, is from 2026-11-20T11:59:59Z: 24 h before"
        ));
        // Exactly now: fresh.
        let o = one(f, NOW);
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert!(o.message.ends_with("0 s before 2026-11-21T12:00:00Z"));
        // One second after now: never fresh, and said why.
        let o = one(f, "2026-11-21T12:00:01Z");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no fresh backup: the newest backup file, D:\SQLBackups\database.bak, is dated 2026-11-21T12:00:01Z, 1 s after the scan's time (2026-11-21T12:00:00Z), so it does not count: a backup cannot be newer than the scan, so either the server's clock was ahead when it was written or --now is wrong: check the server's clock and the time given as --now (or leave --now out), and if the clock was wrong, correct it and make the backup again"
        );
        assert_eq!(o.observed.as_deref(), Some("2026-11-21T12:00:01Z"));
        assert_eq!(o.location.map(|l| l.server_path).as_deref(), Some(f),);
    }

    #[test]
    fn a_backup_a_year_after_now_is_not_fresh_and_the_one_before_is_named() {
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                file_seen(r"D:\SQLBackups\future.bak", "2027-11-21T12:00:00Z"),
                file_seen(r"D:\SQLBackups\old.bak", "2026-11-18T12:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.starts_with(
                r"no fresh backup: the newest backup file, D:\SQLBackups\future.bak, is dated 2027-11-21T12:00:00Z, 365 days after the scan's time (2026-11-21T12:00:00Z)"
            ),
            "{}",
            o.message
        );
        assert!(o.message.ends_with(
            r"; before the scan, the newest backup file, D:\SQLBackups\old.bak, is from 2026-11-18T12:00:00Z: 3 days before 2026-11-21T12:00:00Z (a backup counts as fresh for 24 h; --max-backup-age changes that)"
        ));
        // A recorded time after now: the fact or --now is wrong.
        let o = run(&Evidence {
            sightings: vec![recorded(
                "secret_server.database_backup_at",
                "2026-11-22T12:00:00Z",
            )],
            ..Evidence::default()
        });
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            "no fresh backup: the newest backup recorded in secret_server.database_backup_at is dated 2026-11-22T12:00:00Z, 24 h after the scan's time"
        ));
        assert!(o.message.ends_with(
            "either secret_server.database_backup_at or --now is wrong: correct the one that is"
        ));
    }

    #[test]
    fn a_fresh_backup_passes_beside_one_dated_after_now_and_names_it() {
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                file_seen(r"D:\SQLBackups\future.bak", "2026-11-21T13:00:00Z"),
                file_seen(r"D:\SQLBackups\database.bak", "2026-11-21T10:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"D:\SQLBackups\database.bak is fresh: 2026-11-21T10:00:00Z, 2 h before 2026-11-21T12:00:00Z; ignored: D:\SQLBackups\future.bak (dated 2026-11-21T13:00:00Z, after the scan's time 2026-11-21T12:00:00Z: check the server's clock and --now)"
        );
    }

    #[test]
    fn an_empty_file_is_never_a_backup_and_is_named() {
        // Only an empty one: no backup, and the folder is not called empty.
        let ev = in_dir(
            DirState::Listed(1),
            vec![sized(
                r"D:\SQLBackups\database.bak",
                "2026-11-21T10:00:00Z",
                0,
            )],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no backup found; ignored: D:\SQLBackups\database.bak (0 bytes)"
        );
        assert_eq!(
            o.location.map(|l| l.server_path).as_deref(),
            Some(r"D:\SQLBackups\database.bak")
        );
        // Beside a stale non-empty one: that one's age is the finding.
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                sized(r"D:\SQLBackups\database.bak", "2026-11-21T10:00:00Z", 0),
                file_seen(r"D:\SQLBackups\old.bak", "2026-11-18T12:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .starts_with(r"the newest backup file, D:\SQLBackups\old.bak, is from")
        );
        assert!(
            o.message
                .ends_with(r"; ignored: D:\SQLBackups\database.bak (0 bytes)")
        );
        // Beside a fresh non-empty one: that one passes, the empty one is named.
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                sized(r"D:\SQLBackups\database.bak", "2026-11-21T11:00:00Z", 0),
                file_seen(r"D:\SQLBackups\full.bak", "2026-11-21T10:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"D:\SQLBackups\full.bak is fresh: 2026-11-21T10:00:00Z, 2 h before 2026-11-21T12:00:00Z; ignored: D:\SQLBackups\database.bak (0 bytes)"
        );
        // A file without a modification time is named too.
        let ev = in_dir(
            DirState::Listed(1),
            vec![Sighting {
                at: None,
                ..file_seen(r"D:\SQLBackups\x.bak", NOW)
            }],
        );
        assert_eq!(
            run(&ev).message,
            r"no backup found; ignored: D:\SQLBackups\x.bak (no modification time)"
        );
    }

    #[test]
    fn the_products_own_file_name_is_preferred_to_a_newer_file() {
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                file_seen(r"D:\SQLBackups\other_db.bak", "2026-11-21T11:00:00Z"),
                file_seen(r"D:\SQLBackups\Database.BAK", "2026-11-21T09:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"D:\SQLBackups\Database.BAK is fresh: 2026-11-21T09:00:00Z, 3 h before 2026-11-21T12:00:00Z (taken over the newer D:\SQLBackups\other_db.bak: database.bak is the file the product's own backup writes)"
        );
        // A stale database.bak does not win: the fresh other file does, and
        // the stale one is named.
        let ev = in_dir(
            DirState::Listed(2),
            vec![
                file_seen(r"D:\SQLBackups\other_db.bak", "2026-11-21T11:00:00Z"),
                file_seen(r"D:\SQLBackups\database.bak", "2026-11-10T09:00:00Z"),
            ],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"D:\SQLBackups\other_db.bak is fresh: 2026-11-21T11:00:00Z, 60 min before 2026-11-21T12:00:00Z; ignored: D:\SQLBackups\database.bak (stale: 2026-11-10T09:00:00Z)"
        );
    }

    #[test]
    fn nps_takes_the_newest_non_empty_file_and_says_which() {
        let ev = Evidence {
            sightings: vec![
                sized(r"C:\NPSBackups\broken.bak", "2026-11-21T11:30:00Z", 0),
                sized(r"C:\NPSBackups\PSR_Backup.bak", "2026-11-21T10:00:00Z", 92),
                sized(
                    r"C:\NPSBackups\PSR_Backup_old.bak",
                    "2026-11-20T10:00:00Z",
                    92,
                ),
            ],
            dir: Some((r"C:\NPSBackups".into(), DirState::Listed(3))),
            ..Evidence::default()
        };
        let o = judge(&nps_params(), &ev, at(NOW), SignedDuration::from_hours(24));
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"C:\NPSBackups\PSR_Backup.bak is fresh: 2026-11-21T10:00:00Z, 2 h before 2026-11-21T12:00:00Z; ignored: C:\NPSBackups\broken.bak (0 bytes)"
        );
        assert_eq!(
            o.location.map(|l| l.server_path).as_deref(),
            Some(r"C:\NPSBackups\PSR_Backup.bak")
        );
    }

    #[test]
    fn a_stale_backup_fails_with_its_age() {
        let o = one(r"D:\SQLBackups\old.bak", "2026-11-18T12:00:00Z");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"the newest backup file, D:\SQLBackups\old.bak, is from 2026-11-18T12:00:00Z: 3 days before 2026-11-21T12:00:00Z (a backup counts as fresh for 24 h; --max-backup-age changes that)"
        );
        let recorded = Evidence {
            sightings: vec![recorded(
                "secret_server.database_backup_at",
                "2026-11-01T00:00:00Z",
            )],
            ..Evidence::default()
        };
        assert!(
            run(&recorded).message.starts_with(
                "the newest backup recorded in secret_server.database_backup_at is from"
            )
        );
    }

    #[test]
    fn an_empty_or_missing_backup_folder_fails_and_says_so() {
        let o = run(&in_dir(DirState::Listed(0), Vec::new()));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"no backup found; D:\SQLBackups holds no *.bak file"
        );
        let o = run(&in_dir(DirState::Missing, Vec::new()));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.message, r"no backup found; D:\SQLBackups does not exist");
    }

    #[test]
    fn a_folder_that_could_not_be_read_is_an_error_or_not_evaluated() {
        let io = FsError::Io {
            path: r"D:\SQLBackups".into(),
            message: "denied".into(),
        };
        let o = run(&in_dir(DirState::Failed(io), Vec::new()));
        assert_eq!(o.status, Status::Error);
        assert!(
            o.message
                .contains(r"could not read D:\SQLBackups: cannot read")
        );
        let o = run(&in_dir(
            DirState::Failed(FsError::DriveNotMapped('D')),
            Vec::new(),
        ));
        assert_eq!(o.status, Status::NotEvaluated);
        // A search folder that could not be searched may hold the backup.
        let mut ev = in_dir(DirState::Listed(0), Vec::new());
        ev.unsearched = vec![(r"E:\Backups".into(), FsError::DriveNotMapped('E'))];
        let o = run(&ev);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains(r"could not search E:\Backups: drive E: is not mapped")
        );
    }

    #[test]
    fn with_nothing_to_go_on_it_is_not_evaluated_and_names_both_facts() {
        let ev = Evidence {
            searched: vec![r"C:\Backups".into()],
            ..Evidence::default()
        };
        let o = run(&ev);
        assert_eq!(o.status, Status::NotEvaluated);
        assert_eq!(o.subject, "secret_server.database_backup_at");
        assert!(
            o.message.starts_with(
                r"facts.json has neither secret_server.database_backup_dir nor secret_server.database_backup_at and no database.bak in C:\Backups; add secret_server.database_backup_dir ("
            ),
            "{}",
            o.message
        );
    }
}
