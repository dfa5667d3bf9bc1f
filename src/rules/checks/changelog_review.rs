//! `changelog_review` (NPS011, seed 002: "Please always check the Changelog
//! for requirements or breaking changes before updating!"): a checklist item,
//! never a pass. When the release catalog marks releases between the
//! installed and the target version as breaking (whatever they break:
//! clients, PKCS#11, user rights), the item names every one with what it
//! breaks and the vendor's words, and becomes a warning. Versions compare as
//! releases ([`Catalog::compare`]), so a target written `26.3.100` crosses
//! 26.3.100.34058.

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
    let note = catalog
        .compare(installed, target)
        .1
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    let breaking = catalog.breaking_between(installed, target);
    if breaking.is_empty() {
        return Outcome::new(
            Status::Manual,
            SUBJECT,
            format!(
                "{ask} from {installed} to {target}; upgate's catalog marks no release in between as breaking{note}"
            ),
        );
    }
    let named: Vec<String> = breaking.iter().map(|r| r.describe()).collect();
    Outcome::new(
        Status::Manual,
        SUBJECT,
        format!(
            "{ask} from {installed} to {target}; breaking release(s) in between: {}{note}",
            named.join("; ")
        ),
    )
    .with_severity(Severity::Warning)
    .observed(
        breaking
            .iter()
            .map(|r| r.version.to_string())
            .collect::<Vec<_>>()
            .join(", "),
    )
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
            o.message.contains(
                "26.3.100.34058 (breaks clients: \"Older clients aren't able to connect.\")"
            ),
            "{}",
            o.message
        );
        assert_eq!(o.observed.as_deref(), Some("26.3.100.34058"));
    }

    #[test]
    fn a_target_in_the_short_form_still_crosses_its_breaking_release() {
        let o = judge(Some(&v("9.3.1.33994")), Some(&v("26.3.100")), &catalog());
        assert_eq!(o.severity, Some(Severity::Warning));
        assert!(o.message.contains("26.3.100.34058 (breaks clients"));
        assert!(!o.message.contains("catalog,"), "{}", o.message);
    }

    #[test]
    fn every_breaking_release_in_between_is_named_whatever_it_breaks() {
        let o = judge(Some(&v("9.3.1")), Some(&v("26.9.100")), &catalog());
        assert_eq!(o.severity, Some(Severity::Warning));
        assert_eq!(
            o.observed.as_deref(),
            Some("26.3.100.34058, 26.6.100.34161")
        );
        assert!(
            o.message.contains(
                "; 26.6.100.34161 (breaks pkcs11, user-rights: \"breaking changes related both to the PKCS#11 integration"
            ),
            "{}",
            o.message
        );
        // 26.9.100 is not in the test catalog: the message says how it was compared.
        assert!(
            o.message.ends_with(
                "(26.9.100 is not in upgate's release catalog, so 9.3.1 and 26.9.100 were compared part by part, the build of 9.3.1.33994 ignored because 26.9.100 has none)"
            ),
            "{}",
            o.message
        );
        let o = judge(Some(&v("26.5.1.34120")), Some(&v("26.6.100")), &catalog());
        assert_eq!(o.observed.as_deref(), Some("26.6.100.34161"));
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
