//! The check kinds: the small, named vocabulary rule files choose from with
//! `check = { kind = "…", … }`. Each kind lives in its own module with its
//! parameters, and is split in two: `run` asks [`Inputs`] for parsed state
//! (the only I/O), then a pure `judge` turns state and facts into outcomes.
//!
//! | kind | rules |
//! |---|---|
//! | `minimum_version` | SS001, PM001 |
//! | `feed_populated` | PM003 |
//! | `app_setting_folder` | PM004 |
//! | `package_integrity` | PM005 |
//! | `installed_matches_highest` | PM006 |

pub mod app_setting_folder;
pub mod feed_populated;
pub mod installed_matches_highest;
pub mod minimum_version;
pub mod package_integrity;

use jiff::Timestamp;
use serde::Deserialize;

use crate::facts::Facts;
use crate::inputs::Inputs;
use crate::model::{Location, Outcome, Phase, Procedure, Status};
use crate::server::FsError;

/// What a check knows about the scan besides the files.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub phase: Phase,
    pub procedure: Procedure,
    pub facts: &'a Facts,
    pub now: Timestamp,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Check {
    MinimumVersion(minimum_version::Params),
    FeedPopulated(feed_populated::Params),
    AppSettingFolder(app_setting_folder::Params),
    PackageIntegrity(package_integrity::Params),
    InstalledMatchesHighest(installed_matches_highest::Params),
}

impl Check {
    pub fn kind(&self) -> &'static str {
        match self {
            Check::MinimumVersion(_) => "minimum_version",
            Check::FeedPopulated(_) => "feed_populated",
            Check::AppSettingFolder(_) => "app_setting_folder",
            Check::PackageIntegrity(_) => "package_integrity",
            Check::InstalledMatchesHighest(_) => "installed_matches_highest",
        }
    }

    /// Parameter checks that serde cannot express (versions parse, paths are absolute).
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Check::MinimumVersion(p) => p.validate(),
            Check::FeedPopulated(p) => valid_path("folder", &p.folder),
            Check::AppSettingFolder(p) => p.validate(),
            Check::PackageIntegrity(p) => valid_path("folder", &p.folder),
            Check::InstalledMatchesHighest(p) => valid_path("folder", &p.folder),
        }
    }

    pub fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        match self {
            Check::MinimumVersion(p) => p.run(ctx),
            Check::FeedPopulated(p) => p.run(inputs),
            Check::AppSettingFolder(p) => p.run(ctx, inputs),
            Check::PackageIntegrity(p) => p.run(inputs),
            Check::InstalledMatchesHighest(p) => p.run(ctx, inputs),
        }
    }
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
