//! `cache_offers_target` (PM010; seed 001 steps 1–3 copy the offline package's
//! nugetCache folder, and "Install/Upgrade Products" offers what the cache
//! holds): before an offline upgrade, the NugetCache holds the target version
//! of each product package. Which packages: those TMS reports as installed
//! where that fact is given, else the rule's list of product package ids (a
//! cache may hold other packages on their own version lines).

use std::collections::BTreeMap;

use serde::Deserialize;

use super::{CheckKind, Context, folder_display, no_target, unreadable, valid_path};
use crate::facts::Version;
use crate::inputs::{Feed, Inputs, Loaded, PackageState};
use crate::model::{Outcome, Status};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The NugetCache folder.
    pub folder: String,
    /// The rule that reports the folder itself (missing or empty), for messages.
    pub presence_rule: String,
    /// The product packages that carry the product's version, checked when
    /// `privilege_manager.installed_packages` is not given.
    pub packages: Vec<String>,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        if self.packages.is_empty() || self.packages.iter().any(|p| p.trim().is_empty()) {
            return Err("`packages` must name at least one package id".into());
        }
        valid_path("folder", &self.folder)
    }

    fn referenced_rule(&self) -> Option<&str> {
        Some(&self.presence_rule)
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let Some(target) = ctx.target() else {
            return vec![no_target(ctx.product)];
        };
        let installed = ctx.facts.packages("privilege_manager.installed_packages");
        judge(self, &inputs.feed(&self.folder), installed, target)
    }
}

/// One result per product package.
pub fn judge(
    p: &Params,
    feed: &Loaded<Feed>,
    installed: Option<&BTreeMap<String, Version>>,
    target: &Version,
) -> Vec<Outcome> {
    let feed = match feed {
        Loaded::Found(f) => f,
        Loaded::Missing { path, missing } => {
            return vec![
                Outcome::new(
                    Status::Fail,
                    folder_display(path),
                    format!(
                        "the NugetCache folder does not exist ({missing} does not exist), so it cannot offer the target {target} (see {})",
                        p.presence_rule
                    ),
                )
                .expected(format!("packages at {target}")),
            ];
        }
        Loaded::Failed { location, error } => return vec![unreadable(location, error)],
    };
    let folder = folder_display(&feed.folder.server);
    // Every readable version of each id, ids compared case-insensitively.
    let mut offered: BTreeMap<String, Vec<&crate::nuget::NuGetVersion>> = BTreeMap::new();
    for pkg in &feed.packages {
        if let PackageState::Read(n) = &pkg.content {
            offered
                .entry(n.id.to_lowercase())
                .or_default()
                .push(&n.version);
        }
    }
    if offered.is_empty() {
        return vec![
            Outcome::new(
                Status::Fail,
                folder,
                format!(
                    "the NugetCache holds no readable package, so it cannot offer the target {target} (see {})",
                    p.presence_rule
                ),
            )
            .expected(format!("packages at {target}")),
        ];
    }
    let (ids, source): (Vec<String>, &str) = match installed {
        Some(map) => (map.keys().cloned().collect(), "installed package"),
        None => (p.packages.clone(), "product package"),
    };
    ids.iter()
        .map(|id| {
            let versions = offered.get(&id.to_lowercase());
            let has_target = versions.is_some_and(|vs| vs.iter().any(|v| **v == target.0));
            let subject = format!("package {id}");
            if has_target {
                return Outcome::new(
                    Status::Pass,
                    subject,
                    format!("the NugetCache offers {source} {id} at the target {target}"),
                )
                .observed(target.to_string())
                .expected(target.to_string());
            }
            let held = match versions {
                Some(vs) => {
                    let mut vs: Vec<String> = vs.iter().map(|v| v.to_string()).collect();
                    vs.sort();
                    vs.dedup();
                    format!("only {}", vs.join(", "))
                }
                None => "no version of it".to_string(),
            };
            Outcome::new(
                Status::Fail,
                subject,
                format!(
                    "the NugetCache ({folder}) holds {held} of {source} {id}, not the target {target}: copy the nugetCache folder of the target's offline upgrade package into it before Install/Upgrade Products"
                ),
            )
            .observed(held)
            .expected(target.to_string())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::Integrity;
    use crate::rules::catalog::test_data::v;
    use crate::rules::checks::testing::{feed, nuspec, package};

    fn params() -> Params {
        Params {
            folder: r"C:\ProgramData\NugetCache".into(),
            presence_rule: "PM003".into(),
            packages: vec!["ThycoticTms".into(), "ThycoticTmsCoreProduct".into()],
        }
    }

    fn cache(versions: &[(&str, &str)]) -> Loaded<Feed> {
        feed(
            r"C:\ProgramData\NugetCache",
            versions
                .iter()
                .map(|(id, ver)| {
                    package(
                        r"C:\ProgramData\NugetCache",
                        &format!("{id}.{ver}.nupkg"),
                        None,
                        nuspec(id, ver),
                        Integrity::NoSidecar,
                    )
                })
                .collect(),
        )
    }

    #[test]
    fn the_target_in_the_cache_passes_per_product_package() {
        let feed = cache(&[
            ("ThycoticTms", "11.0.1040"),
            ("ThycoticTms", "11.1.1156"),
            ("thycotictmscoreproduct", "11.1.1156"),
            ("ThycoticTmsWorker", "11.1.1150"),
        ]);
        let out = judge(&params(), &feed, None, &v("11.1.1156"));
        assert_eq!(out.len(), 2, "only the product packages: {out:?}");
        assert!(out.iter().all(|o| o.status == Status::Pass), "{out:?}");
    }

    #[test]
    fn a_cache_of_the_old_version_fails_naming_what_it_holds() {
        let feed = cache(&[
            ("ThycoticTms", "11.0.1040"),
            ("ThycoticTmsCoreProduct", "11.0.1040"),
        ]);
        let out = judge(&params(), &feed, None, &v("11.1.1156"));
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|o| o.status == Status::Fail));
        assert!(
            out[0].message.contains("holds only 11.0.1040"),
            "{}",
            out[0].message
        );
    }

    #[test]
    fn installed_packages_decide_which_ids_must_be_there() {
        let feed = cache(&[("ThycoticTms", "11.1.1156")]);
        let installed: BTreeMap<String, Version> = [
            ("ThycoticTms".to_string(), v("11.0.1040")),
            ("ThycoticTmsCoreProduct".to_string(), v("11.0.1040")),
        ]
        .into();
        let out = judge(&params(), &feed, Some(&installed), &v("11.1.1156"));
        let statuses: Vec<Status> = out.iter().map(|o| o.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Fail]);
        assert!(
            out[1].message.contains("no version of it"),
            "{}",
            out[1].message
        );
    }

    #[test]
    fn a_missing_or_empty_cache_fails_pointing_at_the_presence_rule() {
        let missing = Loaded::Missing {
            path: crate::rules::checks::testing::path(r"C:\ProgramData\NugetCache"),
            missing: r"C:\ProgramData".into(),
        };
        let out = judge(&params(), &missing, None, &v("11.1.1156"));
        assert_eq!(out[0].status, Status::Fail);
        assert!(out[0].message.contains("see PM003"), "{}", out[0].message);
        let out = judge(&params(), &cache(&[]), None, &v("11.1.1156"));
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0].message.contains("no readable package"),
            "{}",
            out[0].message
        );
    }
}
