//! `installed_matches_highest`: for each package TMS reports as installed, the
//! version equals the highest version of that id in the NugetCache, by NuGet
//! order (PM006; the seeds' closing note: "the version numbers available
//! should match the highest versions available in the NugetCache folder").

use std::collections::BTreeMap;

use super::{Context, FolderParams, folder_display, unreadable};
use crate::facts::Version;
use crate::inputs::{Feed, Inputs, Loaded, PackageFile, PackageState};
use crate::model::{Outcome, Severity, Status};
use crate::nuget::package::Nuspec;

pub fn run(p: &FolderParams, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
    let installed = ctx
        .facts
        .privilege_manager
        .as_ref()
        .and_then(|pm| pm.installed_packages.as_ref());
    judge(&inputs.feed(&p.folder), installed)
}

const FACT: &str = "privilege_manager.installed_packages";

/// The highest readable package per id (ids compared case-insensitively).
/// Defective packages are left out: TMS cannot install them either.
pub fn highest(feed: &Feed) -> BTreeMap<String, (&Nuspec, &PackageFile)> {
    let mut best: BTreeMap<String, (&Nuspec, &PackageFile)> = BTreeMap::new();
    for p in &feed.packages {
        let PackageState::Read(n) = &p.content else {
            continue;
        };
        let key = n.id.to_lowercase();
        match best.get(&key) {
            Some((top, _)) if top.version >= n.version => {}
            _ => {
                best.insert(key, (n, p));
            }
        }
    }
    best
}

pub fn judge(feed: &Loaded<Feed>, installed: Option<&BTreeMap<String, Version>>) -> Vec<Outcome> {
    let (feed, folder) = match feed {
        Loaded::Found(f) => (Some(f), folder_display(&f.folder.server)),
        Loaded::Missing { path, .. } => (None, folder_display(path)),
        Loaded::Failed { location, error } => return vec![unreadable(location, error)],
    };
    let best = feed.map(highest).unwrap_or_default();
    let Some(installed) = installed else {
        let listing = if best.is_empty() {
            "the NugetCache holds no readable package".to_string()
        } else {
            format!(
                "highest in the NugetCache: {}",
                best.values()
                    .map(|(n, _)| format!("{} {}", n.id, n.version))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        return vec![Outcome::new(
            Status::NotEvaluated,
            FACT,
            format!(
                "facts.json has no {FACT} (copy the package versions from the TMS About/Setup page); {listing}"
            ),
        )];
    };
    let cache_note = if feed.is_none() {
        " (the NugetCache folder does not exist)"
    } else {
        ""
    };
    installed
        .iter()
        .map(|(id, version)| {
            let Some((n, top)) = best.get(&id.to_lowercase()) else {
                return Outcome::new(
                    Status::Fail,
                    id.clone(),
                    format!("{id} {version} is installed but the NugetCache has no package of it{cache_note}: the cache cannot serve a repair of this version"),
                )
                .with_severity(Severity::Warning)
                .observed(format!("installed {version}; cached: none"))
                .expected(format!("{id} {version} in {folder}"));
            };
            let o = match version.0.cmp(&n.version) {
                std::cmp::Ordering::Equal => Outcome::new(
                    Status::Pass,
                    id.clone(),
                    format!("{id} {version} is installed, the highest version in the NugetCache"),
                ),
                std::cmp::Ordering::Less => Outcome::new(
                    Status::Fail,
                    id.clone(),
                    format!("{id} {version} is installed but the NugetCache has {}: run Install/Upgrade Products", n.version),
                ),
                std::cmp::Ordering::Greater => Outcome::new(
                    Status::Fail,
                    id.clone(),
                    format!("{id} {version} is installed, higher than every cached version (highest {}): the cache cannot serve a repair of this version", n.version),
                )
                .with_severity(Severity::Warning),
            };
            o.at(top.location())
                .observed(version.to_string())
                .expected(n.version.to_string())
        })
        .collect()
}
