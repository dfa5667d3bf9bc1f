//! `installed_is_target` (SS007, PM011, NPS013): after the upgrade, the
//! installed version is the target, and so is every installed package where
//! the product reports them (TMS). A server still at its old version means the
//! upgrade did not happen, or did not finish; the result names both versions.

use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::Deserialize;

use super::{CheckKind, Context, known_fact, no_target, no_version};
use crate::facts::{PACKAGE_FACTS, VERSION_FACTS, Version, fact_help};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};
use crate::rules::catalog::Catalog;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The installed version: a key of [`VERSION_FACTS`].
    pub installed: String,
    /// Installed packages (id → version), each of which must be at the target:
    /// a key of [`PACKAGE_FACTS`].
    #[serde(default)]
    pub packages: Option<String>,
    /// What a server still behind means and what finishes the upgrade, for its message.
    pub fix: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.installed, VERSION_FACTS)?;
        if let Some(key) = &self.packages {
            known_fact(key, PACKAGE_FACTS)?;
        }
        if self.fix.trim().is_empty() {
            return Err("`fix` is empty".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let Some(target) = ctx.target() else {
            return vec![no_target(ctx.product)];
        };
        let packages = self.packages.as_deref().map(|k| (k, ctx.facts.packages(k)));
        judge(
            self,
            ctx.facts.version(&self.installed),
            packages,
            target,
            ctx.catalog,
        )
    }
}

/// One result for the installed version and one per installed package.
pub fn judge(
    p: &Params,
    installed: Option<&Version>,
    packages: Option<(&str, Option<&BTreeMap<String, Version>>)>,
    target: &Version,
    catalog: &Catalog,
) -> Vec<Outcome> {
    let mut out = vec![match installed {
        Some(v) => at_target(p, &p.installed, "the installed version", v, target, catalog),
        None => no_version(&p.installed),
    }];
    match packages {
        None => {}
        Some((key, None)) => out.push(Outcome::new(
            Status::NotEvaluated,
            key,
            format!(
                "facts.json has no {key}, so the installed packages cannot be compared with the target {target}: add {}",
                fact_help(key)
            ),
        )),
        Some((key, Some(packages))) => {
            for (id, version) in packages {
                out.push(at_target(
                    p,
                    &format!("package {id}"),
                    &format!("installed package {id} ({key})"),
                    version,
                    target,
                    catalog,
                ));
            }
        }
    }
    out
}

fn at_target(
    p: &Params,
    subject: &str,
    what: &str,
    version: &Version,
    target: &Version,
    catalog: &Catalog,
) -> Outcome {
    let (order, note) = catalog.compare(version, target);
    let (status, message) = match order {
        Ordering::Equal => (Status::Pass, format!("{what} is the target {target}")),
        Ordering::Less => (
            Status::Fail,
            format!(
                "{what} is still {version}, below the target {target}: {}",
                p.fix
            ),
        ),
        Ordering::Greater => (
            Status::Fail,
            format!(
                "{what} is {version}, above the target {target}: record the version that was installed as the target, then audit again"
            ),
        ),
    };
    let message = match note {
        Some(n) => format!("{message} ({n})"),
        None => message,
    };
    Outcome::new(status, subject, message)
        .observed(version.to_string())
        .expected(target.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::v;

    fn params(packages: bool) -> Params {
        Params {
            installed: "privilege_manager.installed_version".into(),
            packages: packages.then(|| "privilege_manager.installed_packages".into()),
            fix: "it was not upgraded; run the upgrade".into(),
        }
    }

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, Version> {
        pairs
            .iter()
            .map(|(id, ver)| (id.to_string(), v(ver)))
            .collect()
    }

    #[test]
    fn an_upgraded_server_passes_with_every_package() {
        let pkgs = map(&[
            ("ThycoticTms", "11.1.1156"),
            ("ThycoticTmsCoreProduct", "11.1.1156"),
        ]);
        let out = judge(
            &params(true),
            Some(&v("11.1.1156")),
            Some(("privilege_manager.installed_packages", Some(&pkgs))),
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        assert_eq!(out.len(), 3);
        assert!(out.iter().all(|o| o.status == Status::Pass), "{out:?}");
    }

    #[test]
    fn a_server_never_upgraded_fails_naming_both_versions_and_the_fix() {
        let pkgs = map(&[("ThycoticTms", "11.0.1040")]);
        let out = judge(
            &params(true),
            Some(&v("11.0.1040")),
            Some(("privilege_manager.installed_packages", Some(&pkgs))),
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        assert!(out.iter().all(|o| o.status == Status::Fail), "{out:?}");
        assert!(
            out[0]
                .message
                .contains("still 11.0.1040, below the target 11.1.1156")
        );
        assert!(out[0].message.contains("run the upgrade"));
        assert_eq!(out[1].subject, "package ThycoticTms");
    }

    #[test]
    fn one_package_behind_fails_alone() {
        let pkgs = map(&[
            ("ThycoticTms", "11.1.1156"),
            ("ThycoticTmsCoreProduct", "11.0.1040"),
        ]);
        let out = judge(
            &params(true),
            Some(&v("11.1.1156")),
            Some(("privilege_manager.installed_packages", Some(&pkgs))),
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        let statuses: Vec<Status> = out.iter().map(|o| o.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Pass, Status::Fail]);
    }

    #[test]
    fn above_the_target_fails_and_missing_facts_are_not_evaluated() {
        let out = judge(
            &params(false),
            Some(&v("11.2")),
            None,
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].status, Status::Fail);
        assert!(
            out[0].message.contains("above the target"),
            "{}",
            out[0].message
        );
        let out = judge(
            &params(true),
            None,
            Some(("privilege_manager.installed_packages", None)),
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        assert_eq!(out[0].status, Status::NotEvaluated);
        assert_eq!(out[1].status, Status::NotEvaluated);
        assert!(
            out[1]
                .message
                .contains("privilege_manager.installed_packages")
        );
    }
}
