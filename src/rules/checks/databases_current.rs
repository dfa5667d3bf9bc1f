//! `databases_current` (NPS006, seed 002 "Patch level update for the
//! databases"): after the Server Manager update the databases are usually
//! deactivated until their patch level is raised. Each database must be active
//! with a patch level equal to the server version; one result per database.
//! "Equal" is release identity ([`Catalog::compare`]): patch level `26.6.100`
//! is server `26.6.100.34161`, the same release in the vendor's short form.

use std::cmp::Ordering;

use serde::Deserialize;

use super::{CheckKind, Context, NoParams};
use crate::facts::{Database, Version};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};
use crate::rules::catalog::Catalog;

const SUBJECT: &str = "password_secure.databases";
const FIX: &str = "reactivate it in Server Manager's Databases module (ribbon button); that updates its patch level";

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
    let databases = ctx
        .facts
        .password_secure
        .as_ref()
        .and_then(|f| f.databases.as_deref());
    judge(ctx.nps_server_version(), databases, ctx.catalog)
}

pub fn judge(
    server: Result<(&Version, &str), String>,
    databases: Option<&[Database]>,
    catalog: &Catalog,
) -> Vec<Outcome> {
    let (server, which) = match server {
        Ok(s) => s,
        Err(why) => return vec![Outcome::new(Status::NotEvaluated, SUBJECT, why)],
    };
    let databases = match databases {
        Some(d) if !d.is_empty() => d,
        _ => {
            return vec![Outcome::new(
                Status::NotEvaluated,
                SUBJECT,
                "facts.json lists no password_secure.databases: add each database's name, whether it is active and its patch level, as Server Manager's Databases module shows them",
            )];
        }
    };
    databases
        .iter()
        .map(|db| one(db, server, which, catalog))
        .collect()
}

fn one(db: &Database, server: &Version, which: &str, catalog: &Catalog) -> Outcome {
    let subject = format!("database {}", db.name);
    let expected = format!("active, patch level {server}");
    let observed = format!(
        "{}, patch level {}",
        if db.active { "active" } else { "deactivated" },
        db.patch_level
            .as_ref()
            .map_or_else(|| "unknown".to_string(), Version::to_string)
    );
    let (status, message) = match (&db.patch_level, db.active) {
        (_, false) => (Status::Fail, format!("{} is deactivated: {FIX}", db.name)),
        (None, true) => (
            Status::NotEvaluated,
            format!(
                "{} is active but facts.json gives no patch_level: add it from the Databases module",
                db.name
            ),
        ),
        (Some(level), true) => {
            let (order, note) = catalog.compare(level, server);
            let note = note.map(|n| format!(" ({n})")).unwrap_or_default();
            match order {
                Ordering::Less => (
                    Status::Fail,
                    format!(
                        "{} is at patch level {level}, behind {which} {server}: {FIX}{note}",
                        db.name
                    ),
                ),
                Ordering::Greater => (
                    Status::Fail,
                    format!(
                        "{} is at patch level {level}, ahead of {which} {server}: check that server_version is the installed Server Manager's version{note}",
                        db.name
                    ),
                ),
                Ordering::Equal => (
                    Status::Pass,
                    format!("{} is active at patch level {level}{note}", db.name),
                ),
            }
        }
    };
    Outcome::new(status, subject, message)
        .observed(observed)
        .expected(expected)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::{catalog, v};

    fn db(name: &str, active: bool, level: Option<&str>) -> Database {
        Database {
            name: name.into(),
            active,
            patch_level: level.map(v),
        }
    }

    fn statuses(dbs: &[Database]) -> Vec<Status> {
        let server = v("9.3.1.33994");
        judge(
            Ok((&server, "the installed server version")),
            Some(dbs),
            &catalog(),
        )
        .into_iter()
        .map(|o| o.status)
        .collect()
    }

    #[test]
    fn each_database_is_judged_on_its_own() {
        let dbs = [
            db("npwsConfigDb_PAM01", true, Some("9.3.1.33994")),
            db("Vault", false, Some("9.3.1.33994")),
            db("Archive", true, Some("9.2.1.32530")),
            db("Future", true, Some("26.3.100.34058")),
            db("Unknown", true, None),
        ];
        assert_eq!(
            statuses(&dbs),
            [
                Status::Pass,
                Status::Fail,
                Status::Fail,
                Status::Fail,
                Status::NotEvaluated
            ]
        );
        let server = v("9.3.1.33994");
        let r = judge(
            Ok((&server, "the installed server version")),
            Some(&dbs),
            &catalog(),
        );
        assert!(r[1].message.contains("Vault is deactivated: reactivate it"));
        assert!(r[2].message.contains("behind the installed server version"));
        assert_eq!(r[2].subject, "database Archive");
    }

    #[test]
    fn no_databases_or_no_server_version_is_not_evaluated() {
        assert_eq!(statuses(&[]), [Status::NotEvaluated]);
        let r = judge(Err("no server version".into()), Some(&[]), &catalog());
        assert_eq!(r[0].status, Status::NotEvaluated);
    }

    #[test]
    fn a_patch_level_in_the_short_form_is_the_same_release() {
        let server = v("26.6.100");
        let dbs = [
            db("npwsConfigDb_PSR06", true, Some("26.6.100.34161")),
            db("Vault", true, Some("26.6.100")),
            db("Archive", true, Some("26.5.1")),
        ];
        let r = judge(
            Ok((&server, "the installed server version")),
            Some(&dbs),
            &catalog(),
        );
        let statuses: Vec<Status> = r.iter().map(|o| o.status).collect();
        assert_eq!(statuses, [Status::Pass, Status::Pass, Status::Fail]);
        assert!(!r[0].message.contains("catalog"), "{}", r[0].message);
        assert!(
            r[2].message
                .contains("behind the installed server version 26.6.100")
        );
    }

    #[test]
    fn an_unknown_release_is_compared_with_the_build_ignored_and_says_so() {
        let server = v("26.10.1");
        let dbs = [
            db("npwsConfigDb_PSR10", true, Some("26.10.1.34250")),
            db("Vault", true, Some("26.9.100.34193")),
        ];
        let r = judge(
            Ok((&server, "the installed server version")),
            Some(&dbs),
            &catalog(),
        );
        assert_eq!(r[0].status, Status::Pass);
        assert!(
            r[0].message
                .contains("the build of 26.10.1.34250 ignored because 26.10.1 has none"),
            "{}",
            r[0].message
        );
        assert_eq!(r[1].status, Status::Fail);
        assert!(r[1].message.contains("compared part by part"));
    }
}
