//! The check kinds: the small, named vocabulary rule files choose from with
//! `check = { kind = "…", … }`. Each kind lives in its own module with its
//! parameters, and is split in two: `run` asks [`Inputs`] for parsed state
//! (the only I/O), then a pure `judge` turns state and facts into outcomes.
//!
//! A kind is one module with its `Params` implementing [`CheckKind`], declared
//! with `pub mod` and registered with one line in the `kinds!` list below;
//! the README's table of kinds and the rules using them is generated from the
//! rule set.

pub mod acl_inherited;
pub mod apache_modules;
pub mod app_setting_folder;
pub mod cache_offers_target;
pub mod changelog_review;
pub mod client_compatibility;
pub mod databases_current;
pub mod feed_populated;
pub mod file_absent;
pub mod flag_fact;
pub mod folder_empty;
pub mod iis_application;
pub mod iis_global_modules;
pub mod iis_websocket;
pub mod installed_is_target;
pub mod installed_matches_highest;
pub mod maintenance_covers_target;
pub mod minimum_version;
pub mod offline_package;
pub mod package_integrity;
pub mod recent_backup_file;
pub mod services_stopped;
pub mod target_above_installed;
#[cfg(test)]
mod testing;
pub mod upgrade_package;
pub mod upgrade_path;
pub mod web_app;
pub mod web_app_clean;
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
    /// The rule's product: whose target and release catalog apply.
    pub product: Product,
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
    /// `--offline-package`: the offline upgrade zip or folder on the auditor's machine.
    pub offline_package: Option<&'a std::path::Path>,
}

impl<'a> Context<'a> {
    /// The target version of the rule's product (without one: [`no_target`]).
    pub fn target(&self) -> Option<&'a Version> {
        let targets: &'a BTreeMap<Product, Version> = self.targets;
        targets.get(&self.product)
    }

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

/// What a check kind's parameters do: validate themselves when the rule file
/// loads, and run against a scan's inputs.
pub trait CheckKind {
    /// Parameter checks that serde cannot express (versions parse, paths are absolute).
    fn validate(&self) -> Result<(), String> {
        Ok(())
    }

    /// Another rule this one's messages point to: it must exist in the rule set.
    fn referenced_rule(&self) -> Option<&str> {
        None
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome>;
}

/// Registers the kinds: each `module => Variant` line names the kind's module,
/// its variant of [`Check`] (holding `module::Params`) and so its name in rule
/// files (the module's). The `pub mod` lines stay outside the macro so that
/// rustfmt finds the modules.
macro_rules! kinds {
    ($($module:ident => $variant:ident,)*) => {
        /// A rule's check: `check = { kind = "…", … }` in its rule file.
        #[derive(Debug, Clone, Deserialize)]
        #[serde(tag = "kind", rename_all = "snake_case")]
        pub enum Check {
            $($variant($module::Params),)*
        }

        impl Check {
            /// Every kind's name, as rule files write it.
            pub const KINDS: &[&str] = &[$(stringify!($module),)*];

            pub fn kind(&self) -> &'static str {
                match self {
                    $(Check::$variant(_) => stringify!($module),)*
                }
            }

            fn params(&self) -> &dyn CheckKind {
                match self {
                    $(Check::$variant(p) => p,)*
                }
            }
        }
    };
}

kinds! {
    minimum_version => MinimumVersion,
    upgrade_path => UpgradePath,
    web_folder_backup => WebFolderBackup,
    recent_backup_file => RecentBackupFile,
    folder_empty => FolderEmpty,
    feed_populated => FeedPopulated,
    app_setting_folder => AppSettingFolder,
    package_integrity => PackageIntegrity,
    installed_matches_highest => InstalledMatchesHighest,
    acl_inherited => AclInherited,
    maintenance_covers_target => MaintenanceCoversTarget,
    client_compatibility => ClientCompatibility,
    flag_fact => FlagFact,
    services_stopped => ServicesStopped,
    databases_current => DatabasesCurrent,
    changelog_review => ChangelogReview,
    file_absent => FileAbsent,
    iis_websocket => IisWebsocket,
    iis_global_modules => IisGlobalModules,
    iis_application => IisApplication,
    apache_modules => ApacheModules,
    target_above_installed => TargetAboveInstalled,
    installed_is_target => InstalledIsTarget,
    cache_offers_target => CacheOffersTarget,
    upgrade_package => UpgradePackage,
    offline_package => OfflinePackage,
    web_app_clean => WebAppClean,
}

impl Check {
    /// Parameter checks that serde cannot express (versions parse, paths are absolute).
    pub fn validate(&self) -> Result<(), String> {
        self.params().validate()
    }

    pub fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        self.params().run(ctx, inputs)
    }

    /// Another rule this one's messages point to: it must exist in the rule set.
    pub fn referenced_rule(&self) -> Option<&str> {
        self.params().referenced_rule()
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

impl FolderParams {
    fn validate(&self) -> Result<(), String> {
        valid_path("folder", &self.folder)
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

/// `not_evaluated`: no target version, and how to give one.
pub fn no_target(product: Product) -> Outcome {
    let key = format!("{}.target_version", product.facts_section());
    Outcome::new(
        Status::NotEvaluated,
        key.clone(),
        format!(
            "no target version: add {key} to facts.json (the version being installed) or pass --target {}=VERSION",
            product.code()
        ),
    )
}

/// `not_evaluated`: a version fact is missing.
pub fn no_version(key: &str) -> Outcome {
    Outcome::new(
        Status::NotEvaluated,
        key,
        format!("facts.json has no {key}: add {}", fact_help(key)),
    )
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

/// A duration for messages: `26 h`, `3 days`, `40 min`, `1 s`: enough precision to judge a
/// backup's age (seconds matter only at the ends of the interval).
pub fn span(d: SignedDuration) -> String {
    let minutes = d.as_secs() / 60;
    if d.as_secs().abs() < 120 {
        format!("{} s", d.as_secs())
    } else if minutes.abs() < 120 {
        format!("{minutes} min")
    } else if minutes.abs() < 72 * 60 {
        format!("{} h", minutes / 60)
    } else {
        format!("{} days", minutes / (24 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rule files name a kind by its module (what `kind()`, `upgate rules` and
    /// the README show); serde derives the name from the variant. They agree.
    #[test]
    fn every_kind_is_spelled_in_rule_files_as_its_module() {
        for kind in Check::KINDS {
            let err = toml::from_str::<Check>(&format!("kind = \"{kind}\""))
                .err()
                .map(|e| e.message().to_string())
                .unwrap_or_default();
            assert!(!err.contains("unknown variant"), "{kind}: {err}");
        }
        let err = toml::from_str::<Check>("kind = \"no_such_kind\"").unwrap_err();
        assert!(
            err.message().contains("unknown variant"),
            "{}",
            err.message()
        );
    }

    /// A module in this folder that is not a helper is a kind, and registered.
    #[test]
    fn every_kind_module_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules/checks");
        let mut modules: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().replace(".rs", ""))
            .filter(|m| !["mod", "testing", "web_app"].contains(&m.as_str()))
            .collect();
        modules.sort();
        let mut kinds: Vec<&str> = Check::KINDS.to_vec();
        kinds.sort();
        assert_eq!(modules, kinds);
    }
}
