//! `installed_matches_highest`: for each package TMS reports as installed, the
//! version equals the highest version of that id in the NugetCache, by NuGet
//! order (PM006; the seeds' closing note: "the version numbers available
//! should match the highest versions available in the NugetCache folder").

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{CheckKind, Context, FolderParams, folder_display, unreadable};
use crate::facts::Version;
use crate::inputs::{Feed, Inputs, Loaded, PackageFile, PackageState};
use crate::model::{Outcome, Severity, Status};
use crate::nuget::package::Nuspec;

/// `folder`: the NugetCache folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Params(pub FolderParams);

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        self.0.validate()
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        run(&self.0, ctx, inputs)
    }
}

fn run(p: &FolderParams, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Integrity;
    use crate::nuget::package::Defect;
    use crate::rules::checks::testing::{feed, nuspec, package, path};

    const CACHE: &str = r"C:\ProgramData\NugetCache";

    fn cache() -> Loaded<Feed> {
        let p = |name: &str, content| package(CACHE, name, None, content, Integrity::NoSidecar);
        feed(
            CACHE,
            vec![
                p("Tms.11.0.1040.nupkg", nuspec("Tms", "11.0.1040")),
                p("Tms.11.1.1156.nupkg", nuspec("Tms", "11.1.1156")),
                // Defective packages do not count: TMS cannot install them either.
                p("Tms.12.0.0.nupkg", PackageState::Defective(Defect::Empty)),
                p("Core.5.0.0.nupkg", nuspec("Core", "5.0.0")),
            ],
        )
    }

    fn installed(pairs: &[(&str, &str)]) -> BTreeMap<String, Version> {
        pairs
            .iter()
            .map(|(id, v)| (id.to_string(), Version(v.parse().unwrap())))
            .collect()
    }

    #[test]
    fn the_highest_cached_version_installed_passes() {
        let out = judge(&cache(), Some(&installed(&[("tms", "11.1.1156")])));
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Pass);
        assert_eq!(out[0].expected.as_deref(), Some("11.1.1156"));
        assert_eq!(
            out[0].location.as_ref().map(|l| l.server_path.as_str()),
            Some(r"C:\ProgramData\NugetCache\Tms.11.1.1156.nupkg")
        );
    }

    #[test]
    fn a_lagging_install_fails_and_a_higher_one_or_an_uncached_one_warns() {
        let out = judge(
            &cache(),
            Some(&installed(&[
                ("Core", "6.0.0"),
                ("Other", "1.0.0"),
                ("Tms", "11.0.1040"),
            ])),
        );
        let by_id = |id: &str| out.iter().find(|o| o.subject == id).unwrap();
        let lagging = by_id("Tms");
        assert_eq!(lagging.status, Status::Fail);
        assert_eq!(lagging.severity, None);
        assert!(
            lagging
                .message
                .contains("the NugetCache has 11.1.1156: run Install/Upgrade Products")
        );
        let higher = by_id("Core");
        assert_eq!(higher.status, Status::Fail);
        assert_eq!(higher.severity, Some(Severity::Warning));
        assert!(
            higher
                .message
                .contains("higher than every cached version (highest 5.0.0)")
        );
        let uncached = by_id("Other");
        assert_eq!(uncached.status, Status::Fail);
        assert_eq!(uncached.severity, Some(Severity::Warning));
        assert_eq!(
            uncached.observed.as_deref(),
            Some("installed 1.0.0; cached: none")
        );
    }

    #[test]
    fn a_missing_cache_is_named_in_each_failure() {
        let missing = Loaded::Missing {
            path: path(CACHE),
            missing: "NugetCache".into(),
        };
        let out = judge(&missing, Some(&installed(&[("Tms", "11.1.1156")])));
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0]
                .message
                .contains("(the NugetCache folder does not exist)")
        );
    }

    #[test]
    fn without_the_fact_it_is_not_evaluated_and_lists_the_highest() {
        let out = judge(&cache(), None);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::NotEvaluated);
        assert_eq!(out[0].subject, FACT);
        assert!(
            out[0]
                .message
                .ends_with("highest in the NugetCache: Core 5.0.0, Tms 11.1.1156"),
            "{}",
            out[0].message
        );
    }
}
