//! `target_above_installed` (SS006, PM009, NPS012): before the upgrade, the
//! target is above the installed version. A target at or below it installs
//! nothing new: the facts name the wrong target, or the wrong package was
//! fetched, and the audit afterwards could not tell an upgrade from none.

use std::cmp::Ordering;

use serde::Deserialize;

use super::{CheckKind, Context, known_fact, no_target, no_version};
use crate::facts::{VERSION_FACTS, Version};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};
use crate::rules::catalog::Catalog;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The installed version: a key of [`VERSION_FACTS`].
    pub installed: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.installed, VERSION_FACTS)
    }

    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let Some(target) = ctx.target() else {
            return vec![no_target(ctx.product)];
        };
        vec![judge(
            self,
            ctx.facts.version(&self.installed),
            target,
            ctx.catalog,
        )]
    }
}

pub fn judge(
    p: &Params,
    installed: Option<&Version>,
    target: &Version,
    catalog: &Catalog,
) -> Outcome {
    let Some(installed) = installed else {
        return no_version(&p.installed);
    };
    let (order, note) = catalog.compare(target, installed);
    let (status, message) = match order {
        Ordering::Greater => (
            Status::Pass,
            format!("the target {target} is above the installed version {installed}"),
        ),
        Ordering::Equal => (
            Status::Fail,
            format!(
                "the target {target} is the version already installed ({installed}): there is nothing to upgrade; check that the target names the version being installed"
            ),
        ),
        Ordering::Less => (
            Status::Fail,
            format!(
                "the target {target} is below the installed version {installed}: an upgrade cannot go back; check that the target names the version being installed"
            ),
        ),
    };
    let message = match note {
        Some(n) => format!("{message} ({n})"),
        None => message,
    };
    Outcome::new(status, p.installed.clone(), message)
        .observed(format!("installed {installed}, target {target}"))
        .expected(format!("a target above {installed}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::v;

    fn params() -> Params {
        Params {
            installed: "privilege_manager.installed_version".into(),
        }
    }

    #[test]
    fn a_higher_target_passes() {
        let o = judge(
            &params(),
            Some(&v("11.0.1040")),
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
    }

    #[test]
    fn the_same_or_a_lower_target_fails_with_both_versions() {
        let same = judge(
            &params(),
            Some(&v("11.1.1156")),
            &v("11.1.1156"),
            &Catalog::EMPTY,
        );
        assert_eq!(same.status, Status::Fail);
        assert!(
            same.message.contains("nothing to upgrade"),
            "{}",
            same.message
        );
        let lower = judge(
            &params(),
            Some(&v("11.1.1156")),
            &v("11.0.1040"),
            &Catalog::EMPTY,
        );
        assert_eq!(lower.status, Status::Fail);
        assert!(
            lower.message.contains("cannot go back"),
            "{}",
            lower.message
        );
        assert_eq!(
            lower.observed.as_deref(),
            Some("installed 11.1.1156, target 11.0.1040")
        );
    }

    #[test]
    fn no_installed_version_is_not_evaluated_with_the_fact() {
        let o = judge(&params(), None, &v("11.1.1156"), &Catalog::EMPTY);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message.contains("privilege_manager.installed_version"),
            "{}",
            o.message
        );
    }
}
