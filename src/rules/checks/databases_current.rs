//! `databases_current` (NPS006, seed 002 "Patch level update for the
//! databases"): after the Server Manager update the databases are usually
//! deactivated until their patch level is raised. Each database must be active
//! with a patch level equal to the server version; one result per database.

use serde::Deserialize;

use super::{CheckKind, Context, NoParams};
use crate::facts::{Database, Version};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};
use crate::rules::catalog::order;

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
    judge(ctx.nps_server_version(), databases)
}

pub fn judge(
    server: Result<(&Version, &str), String>,
    databases: Option<&[Database]>,
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
    databases.iter().map(|db| one(db, server, which)).collect()
}

fn one(db: &Database, server: &Version, which: &str) -> Outcome {
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
        (Some(level), true) if order(level, server).is_lt() => (
            Status::Fail,
            format!(
                "{} is at patch level {level}, behind {which} {server}: {FIX}",
                db.name
            ),
        ),
        (Some(level), true) if order(level, server).is_gt() => (
            Status::Fail,
            format!(
                "{} is at patch level {level}, ahead of {which} {server}: check that server_version is the installed Server Manager's version",
                db.name
            ),
        ),
        (Some(level), true) => (
            Status::Pass,
            format!("{} is active at patch level {level}", db.name),
        ),
    };
    Outcome::new(status, subject, message)
        .observed(observed)
        .expected(expected)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version(s.parse().unwrap())
    }

    fn db(name: &str, active: bool, level: Option<&str>) -> Database {
        Database {
            name: name.into(),
            active,
            patch_level: level.map(v),
        }
    }

    fn statuses(dbs: &[Database]) -> Vec<Status> {
        let server = v("9.3.1.33994");
        judge(Ok((&server, "the installed server version")), Some(dbs))
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
        let r = judge(Ok((&server, "the installed server version")), Some(&dbs));
        assert!(r[1].message.contains("Vault is deactivated: reactivate it"));
        assert!(r[2].message.contains("behind the installed server version"));
        assert_eq!(r[2].subject, "database Archive");
    }

    #[test]
    fn no_databases_or_no_server_version_is_not_evaluated() {
        assert_eq!(statuses(&[]), [Status::NotEvaluated]);
        let r = judge(Err("no server version".into()), Some(&[]));
        assert_eq!(r[0].status, Status::NotEvaluated);
    }
}
