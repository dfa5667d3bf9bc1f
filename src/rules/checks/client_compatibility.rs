//! `client_compatibility` (NPS003, seed 002 "Checking compatibility"): every
//! client version in use can talk to the server version. "A new client cannot
//! connect to an old server"; a client older than a breaking release at or
//! below the server cannot connect either (26.3.100: all clients must be
//! upgraded with the server). Other older clients connect, but are a note.
//! One result per distinct client version.

use serde::Deserialize;

use super::{CheckKind, Context, NoParams};
use crate::facts::Version;
use crate::inputs::Inputs;
use crate::model::{Outcome, Severity, Status};
use crate::rules::catalog::{Catalog, order};

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
    let server = ctx.nps_server_version();
    let clients = ctx
        .facts
        .password_secure
        .as_ref()
        .and_then(|f| f.client_versions.as_deref());
    judge(server, clients, ctx.catalog)
}

const SUBJECT: &str = "password_secure.client_versions";

pub fn judge(
    server: Result<(&Version, &str), String>,
    clients: Option<&[Version]>,
    catalog: &Catalog,
) -> Vec<Outcome> {
    let (server, which) = match server {
        Ok(s) => s,
        Err(why) => return vec![Outcome::new(Status::NotEvaluated, SUBJECT, why)],
    };
    let clients = match clients {
        Some(c) if !c.is_empty() => c,
        _ => {
            return vec![Outcome::new(
                Status::NotEvaluated,
                SUBJECT,
                "facts.json lists no password_secure.client_versions: add the client versions in use (from software inventory)".to_string(),
            )];
        }
    };
    let mut distinct: Vec<&Version> = Vec::new();
    for c in clients {
        if !distinct.iter().any(|d| order(d, c).is_eq()) {
            distinct.push(c);
        }
    }
    distinct.sort_by(|a, b| order(a, b));
    distinct
        .into_iter()
        .map(|client| one(client, server, which, catalog))
        .collect()
}

fn one(client: &Version, server: &Version, which: &str, catalog: &Catalog) -> Outcome {
    let subject = format!("client {client}");
    let expected = format!("a client at {server} ({which})");
    let outcome = |status, message: String| {
        Outcome::new(status, subject.clone(), message)
            .observed(client.to_string())
            .expected(expected.clone())
    };
    if order(client, server).is_gt() {
        return outcome(
            Status::Fail,
            format!(
                "client {client} is newer than {which} {server}: a new client cannot connect to an old server; update the server first, or install client {server}"
            ),
        );
    }
    let breaking = catalog.breaking_between(client, server);
    if !breaking.is_empty() {
        let named: Vec<String> = breaking
            .iter()
            .map(|r| {
                format!(
                    "{} ({})",
                    r.version,
                    r.breaking.as_deref().unwrap_or_default()
                )
            })
            .collect();
        return outcome(
            Status::Fail,
            format!(
                "client {client} is older than breaking release {}, at or below {which} {server}: it cannot connect; upgrade it to {server} together with the server",
                named.join(", ")
            ),
        );
    }
    if order(client, server).is_lt() {
        return outcome(
            Status::Fail,
            format!(
                "client {client} is older than {which} {server}; no release between them is marked breaking in upgate's catalog, so it can still connect, but update it to {server}"
            ),
        )
        .with_severity(Severity::Note);
    }
    outcome(
        Status::Pass,
        format!("client {client} matches {which} {server}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::{catalog, v};

    fn statuses(server: &str, clients: &[&str]) -> Vec<(String, Status, Option<Severity>)> {
        let server = v(server);
        let clients: Vec<Version> = clients.iter().map(|c| v(c)).collect();
        judge(
            Ok((&server, "the target version")),
            Some(&clients),
            &catalog(),
        )
        .into_iter()
        .map(|o| (o.subject, o.status, o.severity))
        .collect()
    }

    #[test]
    fn one_result_per_distinct_client_version_oldest_first() {
        let r = statuses(
            "9.3.1.33994",
            &["9.3.1.33994", "9.2.1.32530", "9.3.1.33994"],
        );
        assert_eq!(
            r,
            [
                (
                    "client 9.2.1.32530".to_string(),
                    Status::Fail,
                    Some(Severity::Note)
                ),
                ("client 9.3.1.33994".to_string(), Status::Pass, None),
            ]
        );
    }

    #[test]
    fn a_client_newer_than_the_server_fails() {
        let server = v("9.2.1.32530");
        let clients = [v("9.3.1.33994")];
        let o = &judge(
            Ok((&server, "the target version")),
            Some(&clients),
            &catalog(),
        )[0];
        assert_eq!((o.status, o.severity), (Status::Fail, None));
        assert!(
            o.message
                .contains("a new client cannot connect to an old server")
        );
    }

    #[test]
    fn a_client_below_a_breaking_release_at_or_below_the_server_fails() {
        // Exactly at the breaking release and above it.
        for server in ["26.3.100.34058", "26.4.10.34111"] {
            let r = statuses(server, &["9.3.1.33994"]);
            assert_eq!(r[0].1, Status::Fail, "{server}");
            assert_eq!(r[0].2, None, "{server}");
        }
        // A breaking release above the server does not concern today's clients.
        let r = statuses("9.3.1.33994", &["9.2.1.32530"]);
        assert_eq!(r[0].2, Some(Severity::Note));
        // A client at the breaking release is not older than it.
        let r = statuses("26.4.10.34111", &["26.3.100.34058"]);
        assert_eq!(r[0].2, Some(Severity::Note));
    }

    #[test]
    fn missing_inputs_are_not_evaluated() {
        let server = v("9.3.1.33994");
        let o = &judge(Ok((&server, "the target version")), None, &catalog())[0];
        assert_eq!(o.status, Status::NotEvaluated);
        let o = &judge(Ok((&server, "the target version")), Some(&[]), &catalog())[0];
        assert_eq!(o.status, Status::NotEvaluated);
        let o = &judge(Err("no target version".into()), None, &catalog())[0];
        assert_eq!(o.message, "no target version");
    }
}
