//! `maintenance_covers_target` (NPS001, seed 002 "Check the software
//! maintenance package"): updates may be installed while the maintenance
//! package is active; after it ends, only versions released during its term.
//! So the target's release date (catalog, else `target_release_date`) must be
//! on or before `maintenance_until`; without a release date, the package must
//! still be active today. The catalog entry is the release the target names,
//! in the vendor's short form (`26.3.100`) or with its build.

use jiff::Timestamp;
use jiff::civil::Date;
use jiff::tz::TimeZone;

use serde::Deserialize;

use super::{CheckKind, Context, NoParams};
use crate::facts::{Version, fact_help};
use crate::inputs::Inputs;
use crate::model::{Outcome, Product, Status};
use crate::rules::catalog::Catalog;

/// Where the target's release date came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Released {
    pub date: Date,
    /// "the release catalog" or "password_secure.target_release_date".
    pub source: &'static str,
}

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
    let target = ctx.targets.get(&Product::Nps);
    let until = ctx
        .facts
        .date("password_secure.maintenance_until")
        .map(|d| d.0);
    let fact = ctx
        .facts
        .date("password_secure.target_release_date")
        .map(|d| d.0);
    let released = release_date(target, ctx.catalog, fact);
    vec![judge(target, until, released, ctx.now)]
}

const SUBJECT: &str = "password_secure.maintenance_until";

/// The target's release date: the catalog's, for the release the target
/// names (`26.3.100` and `26.3.100.34058` are one release), else the fact.
pub fn release_date(
    target: Option<&Version>,
    catalog: &Catalog,
    fact: Option<Date>,
) -> Option<Released> {
    target
        .and_then(|t| catalog.find(t))
        .and_then(|r| r.date)
        .map(|date| Released {
            date,
            source: "the release catalog (rules/password-secure.toml)",
        })
        .or_else(|| {
            fact.map(|date| Released {
                date,
                source: "password_secure.target_release_date",
            })
        })
}

fn day(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

pub fn judge(
    target: Option<&Version>,
    until: Option<Date>,
    released: Option<Released>,
    now: Timestamp,
) -> Outcome {
    let Some(target) = target else {
        return Outcome::new(
            Status::NotEvaluated,
            SUBJECT,
            "no target version: add password_secure.target_version to facts.json or pass --target nps=VERSION",
        );
    };
    let Some(until) = until else {
        return Outcome::new(
            Status::NotEvaluated,
            SUBJECT,
            format!(
                "facts.json has no password_secure.maintenance_until: add {}; updating to {target} is only allowed while it is active, or for versions released before it ended",
                fact_help("password_secure.maintenance_until")
            ),
        );
    };
    let expected = format!("released on or before {until}");
    match released {
        Some(r) if r.date <= until => Outcome::new(
            Status::Pass,
            SUBJECT,
            format!(
                "{target} was released on {} ({}), within the maintenance package, which runs until {until}",
                r.date, r.source
            ),
        )
        .observed(format!("released {}", r.date))
        .expected(expected),
        Some(r) => Outcome::new(
            Status::Fail,
            SUBJECT,
            format!(
                "{target} was released on {} ({}), after the maintenance package ended on {until}: only versions released before {until} may be installed; renew the maintenance package or choose an earlier version",
                r.date, r.source
            ),
        )
        .observed(format!("released {}", r.date))
        .expected(expected),
        None => {
            let today = day(now);
            let unknown = format!(
                "the release date of {target} is unknown to upgate (add password_secure.target_release_date: {})",
                fact_help("password_secure.target_release_date")
            );
            if today <= until {
                Outcome::new(
                    Status::Pass,
                    SUBJECT,
                    format!(
                        "the maintenance package is active until {until}, so {target} may be installed if it was released by then; {unknown}"
                    ),
                )
                .observed(format!("maintenance until {until}"))
                .expected(format!("maintenance active on {today}"))
            } else {
                Outcome::new(
                    Status::Fail,
                    SUBJECT,
                    format!(
                        "the maintenance package ended on {until}: only versions released before it may be installed, and {unknown}"
                    ),
                )
                .observed(format!("maintenance until {until}"))
                .expected(expected)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::{catalog, v};

    fn d(s: &str) -> Date {
        s.parse().unwrap()
    }

    fn now() -> Timestamp {
        "2026-11-22T08:00:00Z".parse().unwrap()
    }

    fn released(s: &str) -> Option<Released> {
        Some(Released {
            date: d(s),
            source: "password_secure.target_release_date",
        })
    }

    #[test]
    fn a_release_within_the_term_passes_even_after_it_ended() {
        let target = v("9.3.1.33994");
        let o = judge(
            Some(&target),
            Some(d("2026-06-30")),
            released("2025-11-04"),
            now(),
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        // The last day counts.
        let o = judge(
            Some(&target),
            Some(d("2026-06-30")),
            released("2026-06-30"),
            now(),
        );
        assert_eq!(o.status, Status::Pass);
    }

    #[test]
    fn a_release_after_the_term_fails() {
        let target = v("26.9.100.34193");
        let o = judge(
            Some(&target),
            Some(d("2026-06-30")),
            released("2026-09-15"),
            now(),
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("only versions released before 2026-06-30")
        );
    }

    #[test]
    fn without_a_release_date_the_package_must_be_active_today() {
        let target = v("26.9.100.34193");
        let o = judge(Some(&target), Some(d("2027-01-31")), None, now());
        assert_eq!(o.status, Status::Pass);
        assert!(o.message.contains("if it was released by then"));
        let o = judge(Some(&target), Some(d("2026-06-30")), None, now());
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("only versions released before it may be installed"),
            "{}",
            o.message
        );
        assert!(
            o.message
                .contains("add password_secure.target_release_date")
        );
    }

    #[test]
    fn missing_facts_are_not_evaluated() {
        let target = v("9.3.1.33994");
        let o = judge(Some(&target), None, released("2025-11-04"), now());
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains("License settings"));
        let o = judge(None, Some(d("2026-06-30")), None, now());
        assert_eq!(o.status, Status::NotEvaluated);
    }

    #[test]
    fn the_catalog_date_is_found_for_the_short_form_of_the_target() {
        let mut c = catalog();
        let mut dated = c.find(&v("26.3.100.34058")).unwrap().clone();
        dated.date = Some(d("2026-03-17"));
        c.extend(vec![dated]);
        for target in ["26.3.100", "26.3.100.34058"] {
            let r = release_date(Some(&v(target)), &c, Some(d("2026-01-01"))).unwrap();
            assert_eq!(r.date, d("2026-03-17"), "{target}");
            assert_eq!(r.source, "the release catalog (rules/password-secure.toml)");
        }
        // Another build of those parts is not that release: the fact counts.
        let r = release_date(Some(&v("26.3.100.4821")), &c, Some(d("2026-01-01"))).unwrap();
        assert_eq!(r.source, "password_secure.target_release_date");
        assert_eq!(release_date(Some(&v("26.4.10")), &c, None), None);
    }
}
