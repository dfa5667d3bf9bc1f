//! The check kinds: the small, named vocabulary rule files choose from with
//! `check = { kind = "…", … }`. Each kind lives in its own module with its
//! parameters, and is split in two: `run` asks [`Inputs`] for parsed state
//! (the only I/O), then a pure `judge` turns state and facts into outcomes.
//!
//! | kind | rules |
//! |---|---|
//! | `minimum_version` | SS001, PM001 |
//! | `upgrade_path` | SS002 |
//! | `web_folder_backup` | SS003, PM002, PM008 |
//! | `recent_backup_file` | SS004 |
//! | `folder_empty` | SS005 |
//! | `feed_populated` | PM003 |
//! | `app_setting_folder` | PM004 |
//! | `package_integrity` | PM005 |
//! | `installed_matches_highest` | PM006 |
//! | `acl_inherited` | PM007 |
//! | `maintenance_covers_target` | NPS001 |
//! | `client_compatibility` | NPS003 |
//! | `flag_fact` | NPS004, NPS010 |
//! | `services_stopped` | NPS005 |
//! | `databases_current` | NPS006 |
//! | `file_absent` | NPS007 |
//! | `iis_websocket` | NPS008 |
//! | `apache_modules` | NPS009 |
//! | `changelog_review` | NPS011 |

pub mod acl_inherited;
pub mod apache_modules;
pub mod app_setting_folder;
pub mod changelog_review;
pub mod client_compatibility;
pub mod databases_current;
pub mod feed_populated;
pub mod file_absent;
pub mod flag_fact;
pub mod folder_empty;
pub mod iis_websocket;
pub mod installed_matches_highest;
pub mod maintenance_covers_target;
pub mod minimum_version;
pub mod package_integrity;
pub mod recent_backup_file;
pub mod services_stopped;
#[cfg(test)]
mod testing;
pub mod upgrade_path;
pub mod web_app;
pub mod web_folder_backup;

use std::collections::BTreeMap;

use jiff::{SignedDuration, Timestamp};
use serde::Deserialize;

use super::Catalog;
use crate::error::did_you_mean;
use crate::facts::{Facts, Version, fact_help};
use crate::inputs::Inputs;
use crate::model::{Location, Outcome, Phase, Product, Status};
use crate::server::FsError;
use crate::target::Captures;

/// What a check knows about the scan besides the files.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The id of the rule being run, for messages that name it ("waive NPS007").
    pub rule: &'a str,
    pub phase: Phase,
    pub facts: &'a Facts,
    pub now: Timestamp,
    /// Target versions: `--target` over the facts' `target_version`.
    pub targets: &'a BTreeMap<Product, Version>,
    pub backups: BackupOptions,
    /// Captured command output named in facts.json (`captures`).
    pub captures: &'a Captures,
    /// The rule's product's release catalog.
    pub catalog: &'a Catalog,
}

impl<'a> Context<'a> {
    /// Password Secure's "server version" (rules.md): the target before the
    /// upgrade, the installed `server_version` after it; with its source.
    pub fn nps_server_version(&self) -> Result<(&'a Version, &'static str), String> {
        match self.phase {
            Phase::Pre => self
                .targets
                .get(&Product::Nps)
                .map(|v| (v, "the target version"))
                .ok_or_else(|| {
                    "no target version: add password_secure.target_version to facts.json or pass --target nps=VERSION".to_string()
                }),
            Phase::Post => {
                let facts: &'a Facts = self.facts;
                facts
                    .version("password_secure.server_version")
                    .map(|v| (v, "the installed server version"))
                    .ok_or_else(|| {
                        format!(
                            "facts.json has no password_secure.server_version: add {}",
                            fact_help("password_secure.server_version")
                        )
                    })
            }
        }
    }
}

/// How web-folder and database backups are judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackupOptions {
    /// Older than this is stale: `--max-backup-age`, else `backups.max_age_hours`, else 24 h.
    pub max_age: SignedDuration,
    /// `--verify-content`: compare bytes (folders) or CRC-32 (zips), not only sizes.
    pub verify_content: bool,
}

impl BackupOptions {
    pub const DEFAULT_MAX_AGE_HOURS: i64 = 24;
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    MinimumVersion(minimum_version::Params),
    UpgradePath(upgrade_path::Params),
    WebFolderBackup(web_folder_backup::Params),
    RecentBackupFile(recent_backup_file::Params),
    FolderEmpty(FolderParams),
    FeedPopulated(FolderParams),
    AppSettingFolder(app_setting_folder::Params),
    PackageIntegrity(package_integrity::Params),
    InstalledMatchesHighest(FolderParams),
    AclInherited(acl_inherited::Params),
    MaintenanceCoversTarget(NoParams),
    ClientCompatibility(NoParams),
    FlagFact(flag_fact::Params),
    ServicesStopped(services_stopped::Params),
    DatabasesCurrent(NoParams),
    ChangelogReview(NoParams),
    FileAbsent(file_absent::Params),
    IisWebsocket(iis_websocket::Params),
    ApacheModules(apache_modules::Params),
}

impl Check {
    pub fn kind(&self) -> &'static str {
        match self {
            Check::MinimumVersion(_) => "minimum_version",
            Check::UpgradePath(_) => "upgrade_path",
            Check::WebFolderBackup(_) => "web_folder_backup",
            Check::RecentBackupFile(_) => "recent_backup_file",
            Check::FolderEmpty(_) => "folder_empty",
            Check::AclInherited(_) => "acl_inherited",
            Check::FeedPopulated(_) => "feed_populated",
            Check::AppSettingFolder(_) => "app_setting_folder",
            Check::PackageIntegrity(_) => "package_integrity",
            Check::InstalledMatchesHighest(_) => "installed_matches_highest",
            Check::MaintenanceCoversTarget(_) => "maintenance_covers_target",
            Check::ClientCompatibility(_) => "client_compatibility",
            Check::FlagFact(_) => "flag_fact",
            Check::ServicesStopped(_) => "services_stopped",
            Check::DatabasesCurrent(_) => "databases_current",
            Check::ChangelogReview(_) => "changelog_review",
            Check::FileAbsent(_) => "file_absent",
            Check::IisWebsocket(_) => "iis_websocket",
            Check::ApacheModules(_) => "apache_modules",
        }
    }

    /// Parameter checks that serde cannot express (versions parse, paths are absolute).
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Check::MinimumVersion(p) => p.validate(),
            Check::UpgradePath(p) => p.validate(),
            Check::WebFolderBackup(p) => p.validate(),
            Check::RecentBackupFile(p) => p.validate(),
            Check::FolderEmpty(p) => valid_path("folder", &p.folder),
            Check::AclInherited(p) => p.validate(),
            Check::FeedPopulated(p) => valid_path("folder", &p.folder),
            Check::AppSettingFolder(p) => p.validate(),
            Check::PackageIntegrity(p) => p.validate(),
            Check::InstalledMatchesHighest(p) => valid_path("folder", &p.folder),
            Check::FlagFact(p) => p.validate(),
            Check::ServicesStopped(p) => p.validate(),
            Check::FileAbsent(p) => p.validate(),
            Check::IisWebsocket(p) => p.validate(),
            Check::ApacheModules(p) => p.validate(),
            Check::MaintenanceCoversTarget(_)
            | Check::ClientCompatibility(_)
            | Check::DatabasesCurrent(_)
            | Check::ChangelogReview(_) => Ok(()),
        }
    }

    pub fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        match self {
            Check::MinimumVersion(p) => p.run(ctx),
            Check::UpgradePath(p) => p.run(ctx),
            Check::WebFolderBackup(p) => p.run(ctx, inputs),
            Check::RecentBackupFile(p) => p.run(ctx, inputs),
            Check::FolderEmpty(p) => folder_empty::run(p, inputs),
            Check::AclInherited(p) => p.run(ctx, inputs),
            Check::FeedPopulated(p) => feed_populated::run(p, inputs),
            Check::AppSettingFolder(p) => p.run(ctx, inputs),
            Check::PackageIntegrity(p) => p.run(inputs),
            Check::InstalledMatchesHighest(p) => installed_matches_highest::run(p, ctx, inputs),
            Check::MaintenanceCoversTarget(_) => maintenance_covers_target::run(ctx),
            Check::ClientCompatibility(_) => client_compatibility::run(ctx),
            Check::FlagFact(p) => p.run(ctx),
            Check::ServicesStopped(p) => p.run(ctx),
            Check::DatabasesCurrent(_) => databases_current::run(ctx),
            Check::ChangelogReview(_) => changelog_review::run(ctx),
            Check::FileAbsent(p) => p.run(ctx, inputs),
            Check::IisWebsocket(p) => p.run(ctx, inputs),
            Check::ApacheModules(p) => p.run(ctx, inputs),
        }
    }

    /// Another rule this one's messages point to: it must exist in the rule set.
    pub fn referenced_rule(&self) -> Option<&str> {
        match self {
            Check::PackageIntegrity(p) => Some(&p.presence_rule),
            _ => None,
        }
    }
}

/// For kinds whose inputs are fixed facts: `check = { kind = "…" }` and nothing else.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// The one parameter of the kinds that look at a single folder
/// (`folder_empty`, `feed_populated`, `installed_matches_highest`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FolderParams {
    pub folder: String,
}

/// A server path parameter must be absolute once `%VAR%`s are set aside
/// (their values come from facts at scan time).
fn valid_path(name: &str, raw: &str) -> Result<(), String> {
    let env = crate::server::Env::new('C', &Default::default());
    match crate::server::ServerPath::parse(raw, &env) {
        Ok(_) | Err(crate::server::PathError::UnknownVariable(_)) => Ok(()),
        Err(e) => Err(format!("invalid {name}: {e}")),
    }
}

/// A fact key a rule names must be one of `table`'s (a typo would make the
/// rule look for a fact that can never be there).
fn known_fact(key: &str, table: &[(&str, &str)]) -> Result<(), String> {
    if table.iter().any(|(k, _)| *k == key) {
        return Ok(());
    }
    let keys = table.iter().map(|(k, _)| *k);
    Err(match did_you_mean(key, keys.clone()) {
        Some(near) => format!("unknown fact `{key}` (did you mean `{near}`?)"),
        None => format!(
            "unknown fact `{key}` (known: {})",
            keys.collect::<Vec<_>>().join(", ")
        ),
    })
}

/// The outcome for an input that exists but could not be read: `error`, or
/// `not_evaluated` when the user can supply what is missing (a drive mapping,
/// an environment variable).
pub fn unreadable(location: &Location, error: &FsError) -> Outcome {
    let status = if error.is_unsupplied_input() {
        Status::NotEvaluated
    } else {
        Status::Error
    };
    Outcome::new(status, location.server_path.clone(), error.to_string()).at(location.clone())
}

/// A folder path as the vendor writes it: with the final backslash.
pub fn folder_display(path: &crate::server::ServerPath) -> String {
    let s = path.to_string();
    match path {
        crate::server::ServerPath::Windows { .. } if !s.ends_with('\\') => format!("{s}\\"),
        crate::server::ServerPath::Posix { .. } if !s.ends_with('/') => format!("{s}/"),
        _ => s,
    }
}

/// A time for messages, to the second.
pub fn time(t: Timestamp) -> String {
    t.round(jiff::Unit::Second).unwrap_or(t).to_string()
}

pub fn when(t: Option<Timestamp>) -> String {
    t.map_or_else(|| "at an unknown time".into(), time)
}

/// A duration for messages: `26 h`, `3 days`, `40 min`: enough precision to judge a backup's age.
pub fn span(d: SignedDuration) -> String {
    let minutes = d.as_secs() / 60;
    if minutes.abs() < 120 {
        format!("{minutes} min")
    } else if minutes.abs() < 72 * 60 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} days", minutes / (24 * 60))
    }
}
