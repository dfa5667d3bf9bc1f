//! `changelog_review` (NPS011, seed 002: "Please always check the Changelog
//! for requirements or breaking changes before updating!"): a checklist item,
//! never a pass. When the release catalog marks a release between the
//! installed and the target version as breaking, the item names it and
//! becomes a warning.

use serde::Deserialize;

use super::{CheckKind, Context, NoParams};
use crate::facts::Version;
use crate::inputs::Inputs;
use crate::model::{Outcome, Product, Severity, Status};
use crate::rules::catalog::Catalog;

const SUBJECT: &str = "Changelog";

/// No parameters: the inputs are facts.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Params(NoParams);

impl CheckKind for Params {
    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        run(ctx)
    }
}

fn run(ctx: &Context<'_>) -> Vec<Outcome> {
    vec![judge(
        ctx.facts.version("password_secure.server_version"),
        ctx.targets.get(&Product::Nps),
        ctx.catalog,
    )]
}

pub fn judge(installed: Option<&Version>, target: Option<&Version>, catalog: &Catalog) -> Outcome {
    let ask = "check the Changelog for requirements or breaking changes before updating";
    let (Some(installed), Some(target)) = (installed, target) else {
        return Outcome::new(
            Status::Manual,
            SUBJECT,
            format!(
                "{ask} (with password_secure.server_version and the target version in facts.json, upgate names the breaking releases it knows)"
            ),
        );
    };
    let breaking = catalog.breaking_between(installed, target);
    if breaking.is_empty() {
        return Outcome::new(
            Status::Manual,
            SUBJECT,
            format!(
                "{ask} from {installed} to {target}; upgate's catalog marks no release in between as breaking"
            ),
        );
    }
    let named: Vec<String> = breaking
        .iter()
        .map(|r| {
            format!(
                "{}: {}",
                r.version,
                r.breaking.as_deref().unwrap_or_default()
            )
        })
        .collect();
    Outcome::new(
        Status::Manual,
        SUBJECT,
        format!(
            "{ask} from {installed} to {target}; breaking release(s) in between: {}",
            named.join("; ")
        ),
    )
    .with_severity(Severity::Warning)
    .observed(named.join("; "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::{catalog, v};

    #[test]
    fn a_breaking_release_in_between_makes_a_named_warning() {
        let o = judge(
            Some(&v("9.3.1.33994")),
            Some(&v("26.4.10.34111")),
            &catalog(),
        );
        assert_eq!(
            (o.status, o.severity),
            (Status::Manual, Some(Severity::Warning))
        );
        assert!(
            o.message
                .contains("26.3.100.34058: older clients cannot connect")
        );
    }

    #[test]
    fn otherwise_it_stays_a_plain_checklist_item() {
        let o = judge(Some(&v("9.2.1.32530")), Some(&v("9.3.1.33994")), &catalog());
        assert_eq!((o.status, o.severity), (Status::Manual, None));
        // Already past the breaking release.
        let o = judge(
            Some(&v("26.3.100.34058")),
            Some(&v("26.4.10.34111")),
            &catalog(),
        );
        assert_eq!(o.severity, None);
        let o = judge(None, Some(&v("26.4.10.34111")), &catalog());
        assert_eq!(o.status, Status::Manual);
    }
}
