//! `recent_backup_file`: a backup made recently enough, proven by the newest
//! file in the backup folder a fact names, a named file in the backup search
//! folders, or a recorded time (SS004: seed 000 step 3, "Make a backup of the
//! Database"). The vendor does not document file names, so files are matched
//! by extension and judged by their own modification time.

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::web_folder_backup::Freshness;
use super::{CheckKind, Context, known_fact, span, time, valid_path};
use crate::facts::{PATH_FACTS, TIME_FACTS, fact_help};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Location, Outcome, Status};
use crate::server::{FsError, Kind};

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
}

/// Where a backup's time came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sighting {
    /// "D:\SQLBackups\pam_2026-11-21.bak" or "secret_server.database_backup_at".
    pub what: String,
    pub at: Timestamp,
    pub location: Option<Location>,
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
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let mut ev = Evidence::default();
        if let Some(m) = ctx.facts.moment(&self.time) {
            ev.sightings.push(Sighting {
                what: self.time.clone(),
                at: m.0,
                location: None,
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
                    for (_, f) in files {
                        if let Some(at) = f.modified {
                            ev.sightings.push(Sighting {
                                what: f.server.to_string(),
                                at,
                                location: Some(f.location()),
                            });
                        }
                    }
                    DirState::Listed(n)
                }
            };
            ev.dir = Some((dir.to_string(), state));
        }
        if let Some(name) = &self.search_name {
            for dir in ctx.facts.backup_search_dirs() {
                let raw = format!("{}\\{name}", dir.trim_end_matches(['\\', '/']));
                match inputs.locate(&raw) {
                    Loaded::Found(f) if f.kind == Kind::File => {
                        if let Some(at) = f.modified {
                            ev.sightings.push(Sighting {
                                what: f.server.to_string(),
                                at,
                                location: Some(f.location()),
                            });
                        }
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
        "a backup made at most {} before {}",
        span(max_age),
        time(now)
    );
    let newest = ev.sightings.iter().max_by_key(|s| s.at);
    if let Some(s) = newest.filter(|s| freshness.fresh(Some(s.at))) {
        let mut o = Outcome::new(
            Status::Pass,
            subject,
            format!(
                "{} is fresh: {}, {} before {}",
                s.what,
                time(s.at),
                span(now.duration_since(s.at)),
                time(now)
            ),
        )
        .observed(time(s.at))
        .expected(expected);
        if let Some(l) = &s.location {
            o = o.at(l.clone());
        }
        return o;
    }
    let mut status = Status::Fail;
    let mut message = match newest {
        Some(s) => format!(
            "the newest backup {} is from {}: {} before {} (a backup counts as fresh for {}; --max-backup-age changes that)",
            if s.location.is_some() {
                format!("file, {},", s.what)
            } else {
                format!("recorded in {}", s.what)
            },
            time(s.at),
            span(now.duration_since(s.at)),
            time(now),
            span(max_age)
        ),
        None => "no backup found".to_string(),
    };
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
    if newest.is_none() && ev.dir.is_none() {
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
    if let Some(s) = newest {
        o = o.observed(time(s.at));
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
        }
    }

    fn file_seen(what: &str, time: &str) -> Sighting {
        Sighting {
            what: what.into(),
            at: at(time),
            location: Some(Location::unresolved(what)),
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
        assert!(o.message.starts_with(r"D:\SQLBackups\new.bak is fresh: "));
        assert_eq!(o.observed.as_deref(), Some("2026-11-21T02:00:00Z"));
        assert_eq!(
            o.expected.as_deref(),
            Some("a backup made at most 24 h before 2026-11-21T12:00:00Z")
        );
        // A recorded time counts too.
        let recorded = Evidence {
            sightings: vec![Sighting {
                what: "secret_server.database_backup_at".into(),
                at: at("2026-11-21T11:00:00Z"),
                location: None,
            }],
            ..Evidence::default()
        };
        assert_eq!(run(&recorded).status, Status::Pass);
    }

    #[test]
    fn a_stale_backup_fails_with_its_age() {
        let ev = in_dir(
            DirState::Listed(1),
            vec![file_seen(r"D:\SQLBackups\old.bak", "2026-11-18T12:00:00Z")],
        );
        let o = run(&ev);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"the newest backup file, D:\SQLBackups\old.bak, is from 2026-11-18T12:00:00Z: 3 days before 2026-11-21T12:00:00Z (a backup counts as fresh for 24 h; --max-backup-age changes that)"
        );
        let recorded = Evidence {
            sightings: vec![Sighting {
                what: "secret_server.database_backup_at".into(),
                at: at("2026-11-01T00:00:00Z"),
                location: None,
            }],
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
