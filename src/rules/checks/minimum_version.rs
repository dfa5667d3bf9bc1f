//! `minimum_version`: a version fact is at least a minimum (SS001, PM001:
//! "ONLY applicable when upgrading from versions 10.2 and higher").

use serde::Deserialize;

use super::{CheckKind, Context, known_fact};
use crate::facts::{VERSION_FACTS, Version, fact_help};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};
use crate::nuget::NuGetVersion;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// A key of [`VERSION_FACTS`], e.g. `privilege_manager.installed_version`.
    pub fact: String,
    pub minimum: String,
}

impl Params {
    fn minimum_version(&self) -> Result<NuGetVersion, String> {
        self.minimum
            .parse()
            .map_err(|e| format!("invalid minimum: {e}"))
    }
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.fact, VERSION_FACTS)?;
        self.minimum_version().map(|_| ())
    }

    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        vec![judge(self, ctx.facts.version(&self.fact))]
    }
}

pub fn judge(p: &Params, installed: Option<&Version>) -> Outcome {
    let minimum = match p.minimum_version() {
        Ok(m) => m,
        Err(e) => return Outcome::new(Status::Error, p.fact.clone(), e),
    };
    let Some(installed) = installed else {
        let how = fact_help(&p.fact);
        return Outcome::new(
            Status::NotEvaluated,
            p.fact.clone(),
            format!("facts.json has no {}: add {how}", p.fact),
        )
        .expected(format!(">= {}", p.minimum));
    };
    let (status, message) = if installed.0 >= minimum {
        (
            Status::Pass,
            format!("installed version {installed} is at least {}", p.minimum),
        )
    } else {
        (
            Status::Fail,
            format!(
                "installed version {installed} is below {}: the offline upgrade does not apply; use the standard upgrade path",
                p.minimum
            ),
        )
    };
    Outcome::new(status, p.fact.clone(), message)
        .observed(installed.to_string())
        .expected(format!(">= {}", p.minimum))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            fact: "privilege_manager.installed_version".into(),
            minimum: "10.2".into(),
        }
    }

    fn v(s: &str) -> Version {
        Version(s.parse().unwrap())
    }

    #[test]
    fn at_or_above_the_minimum_passes() {
        assert_eq!(judge(&params(), Some(&v("10.2"))).status, Status::Pass);
        assert_eq!(judge(&params(), Some(&v("10.2.0.0"))).status, Status::Pass);
        assert_eq!(judge(&params(), Some(&v("11.0.1040"))).status, Status::Pass);
    }

    #[test]
    fn below_the_minimum_fails_pointing_to_the_standard_path() {
        let o = judge(&params(), Some(&v("10.1.999")));
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("standard upgrade path"));
        assert_eq!(o.observed.as_deref(), Some("10.1.999"));
        assert_eq!(o.expected.as_deref(), Some(">= 10.2"));
        // Numeric, not textual: 9.10 < 10.2 although "9" > "1".
        assert_eq!(judge(&params(), Some(&v("9.10"))).status, Status::Fail);
    }

    #[test]
    fn a_missing_fact_is_not_evaluated_and_says_where_to_read_it() {
        let o = judge(&params(), None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert_eq!(
            o.message,
            "facts.json has no privilege_manager.installed_version: add the version on the TMS About page"
        );
    }

    #[test]
    fn validation_names_unknown_facts() {
        let mut p = params();
        p.fact = "privilege_manager.installed_versoin".into();
        assert!(
            p.validate()
                .unwrap_err()
                .contains("did you mean `privilege_manager.installed_version`")
        );
    }
}
