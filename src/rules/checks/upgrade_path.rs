//! `upgrade_path`: the target version installs directly from the installed
//! one, per the vendor's stepping table (SS002). The table is rule data
//! (`steps` in `rules/secret-server.toml`), so a correction needs no code.

use serde::Deserialize;

use super::{CheckKind, Context, known_fact};
use crate::facts::{VERSION_FACTS, Version, fact_help};
use crate::inputs::Inputs;
use crate::model::{Outcome, Product, Status};
use crate::nuget::NuGetVersion;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The installed-version fact, e.g. `secret_server.installed_version`.
    pub installed: String,
    /// Whose target version (`--target`, else the facts' `target_version`).
    pub product: Product,
    /// Ascending: from `through` or earlier, `install` first.
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Step {
    pub through: String,
    pub install: String,
}

/// A step with its versions parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stepping {
    pub through: NuGetVersion,
    pub install: NuGetVersion,
}

impl Params {
    pub fn stepping(&self) -> Result<Vec<Stepping>, String> {
        self.steps
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let parse = |v: &str| {
                    v.parse::<NuGetVersion>()
                        .map_err(|e| format!("steps[{i}]: {e}"))
                };
                Ok(Stepping {
                    through: parse(&s.through)?,
                    install: parse(&s.install)?,
                })
            })
            .collect()
    }
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.installed, VERSION_FACTS)?;
        let steps = self.stepping()?;
        for (i, s) in steps.iter().enumerate() {
            if s.install <= s.through {
                return Err(format!(
                    "steps[{i}]: install {} must be newer than through {}",
                    s.install, s.through
                ));
            }
            if let Some(next) = steps.get(i + 1)
                && next.through < s.install
            {
                return Err(format!(
                    "steps[{}]: through {} is below the previous step's install {}; list steps in ascending order",
                    i + 1,
                    next.through,
                    s.install
                ));
            }
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let steps = match self.stepping() {
            Ok(s) => s,
            Err(e) => return vec![Outcome::new(Status::Error, self.installed.clone(), e)],
        };
        vec![judge(
            self,
            &steps,
            ctx.facts.version(&self.installed),
            ctx.targets.get(&self.product),
        )]
    }
}

/// The intermediate versions to install, in order, going from `installed` to `target`.
pub fn intermediates<'s>(
    installed: &NuGetVersion,
    target: &NuGetVersion,
    steps: &'s [Stepping],
) -> Vec<&'s Stepping> {
    let mut current = installed;
    let mut out = Vec::new();
    for step in steps {
        // A target at or below the step's version needs no step.
        if current <= &step.through && target > &step.install {
            out.push(step);
            current = &step.install;
        }
    }
    out
}

pub fn judge(
    p: &Params,
    steps: &[Stepping],
    installed: Option<&Version>,
    target: Option<&Version>,
) -> Outcome {
    let subject = p.installed.clone();
    let Some(installed) = installed else {
        return Outcome::new(
            Status::NotEvaluated,
            subject,
            format!(
                "facts.json has no {}: add {}",
                p.installed,
                fact_help(&p.installed)
            ),
        );
    };
    let Some(target) = target else {
        return Outcome::new(
            Status::NotEvaluated,
            subject,
            format!(
                "no target version: add {}.target_version to facts.json or pass --target {}=VERSION",
                p.product.facts_section(),
                p.product
            ),
        )
        .observed(installed.to_string());
    };
    let observed = format!("{installed} → {target}");
    if target.0 < installed.0 {
        return Outcome::new(
            Status::Fail,
            subject,
            format!(
                "the target {target} is older than the installed {installed}: that is a downgrade, not an upgrade path"
            ),
        )
        .observed(observed)
        .expected(format!("a target newer than {installed}"));
    }
    let needed = intermediates(&installed.0, &target.0, steps);
    if needed.is_empty() {
        let how = if target.0 == installed.0 {
            format!(
                "the target {target} is the installed version; no intermediate version is needed"
            )
        } else {
            format!("{target} installs directly from {installed}")
        };
        return Outcome::new(Status::Pass, subject, how)
            .observed(observed)
            .expected("no intermediate version");
    }
    let chain: Vec<String> = needed.iter().map(|s| s.install.to_string()).collect();
    let why: Vec<String> = needed
        .iter()
        .map(|s| format!("from {} or earlier, {} comes first", s.through, s.install))
        .collect();
    Outcome::new(
        Status::Fail,
        subject,
        format!(
            "{target} cannot be installed directly on {installed}: install {} first, then {target} (vendor stepping: {})",
            chain.join(", then "),
            why.join("; ")
        ),
    )
    .observed(observed)
    .expected(format!("{} → {target}", chain.join(" → ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params() -> Params {
        Params {
            installed: "secret_server.installed_version".into(),
            product: Product::Ss,
            steps: [
                ("8.4.000003", "8.4.000004"),
                ("9.1.000000", "9.1.000001"),
                ("10.9.000003", "10.9.000005"),
            ]
            .into_iter()
            .map(|(t, i)| Step {
                through: t.into(),
                install: i.into(),
            })
            .collect(),
        }
    }

    fn v(s: &str) -> Version {
        Version(s.parse().unwrap())
    }

    fn run(installed: &str, target: &str) -> Outcome {
        let p = params();
        let steps = p.stepping().unwrap();
        judge(&p, &steps, Some(&v(installed)), Some(&v(target)))
    }

    #[test]
    fn the_vendor_table_validates_and_a_reversed_one_does_not() {
        params().validate().unwrap();
        let mut p = params();
        p.steps.swap(0, 2);
        assert!(p.validate().unwrap_err().contains("ascending"));
    }

    #[test]
    fn each_band_names_its_steps() {
        let o = run("8.4.000003", "11.1.000006");
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.expected.as_deref(),
            Some("8.4.000004 → 9.1.000001 → 10.9.000005 → 11.1.000006")
        );
        let o = run("8.4.000004", "11.1.000006");
        assert_eq!(
            o.expected.as_deref(),
            Some("9.1.000001 → 10.9.000005 → 11.1.000006")
        );
        let o = run("9.1.000000", "11.1.000006");
        assert_eq!(
            o.expected.as_deref(),
            Some("9.1.000001 → 10.9.000005 → 11.1.000006")
        );
        let o = run("9.1.000001", "11.1.000006");
        assert_eq!(o.expected.as_deref(), Some("10.9.000005 → 11.1.000006"));
        assert!(
            o.message.contains("install 10.9.000005 first"),
            "{}",
            o.message
        );
        let o = run("10.9.000003", "11.1.000006");
        assert_eq!(o.expected.as_deref(), Some("10.9.000005 → 11.1.000006"));
        for installed in ["10.9.000005", "10.9.000033", "11.0.000001"] {
            assert_eq!(run(installed, "11.1.000006").status, Status::Pass);
        }
    }

    #[test]
    fn a_target_at_or_below_a_step_needs_no_step() {
        assert_eq!(run("9.0.000000", "9.1.000001").status, Status::Pass);
        assert_eq!(run("9.0.000000", "9.1.000000").status, Status::Pass);
        let o = run("8.0.000000", "9.1.000001");
        assert_eq!(o.expected.as_deref(), Some("8.4.000004 → 9.1.000001"));
    }

    #[test]
    fn downgrades_fail_and_reinstalls_pass() {
        assert_eq!(run("11.1.000006", "10.9.000033").status, Status::Fail);
        assert_eq!(run("11.1.000006", "11.1.000006").status, Status::Pass);
    }

    #[test]
    fn missing_facts_are_not_evaluated_and_say_how_to_supply_them() {
        let p = params();
        let steps = p.stepping().unwrap();
        let o = judge(&p, &steps, None, Some(&v("11.1")));
        assert_eq!(o.status, Status::NotEvaluated);
        let o = judge(&p, &steps, Some(&v("10.9.000033")), None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains("--target ss=VERSION"), "{}", o.message);
    }
}
