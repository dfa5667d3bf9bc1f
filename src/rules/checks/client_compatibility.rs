//! `client_compatibility` (NPS003, seed 002 "Checking compatibility"): every
//! client version in use can talk to the server version. Versions compare as
//! releases ([`Catalog::compare`]: `26.6.100` is `26.6.100.34161`).
//!
//! - "A new client cannot connect to an old server": a client newer than the
//!   server version (the target before the update) is an error.
//! - A release the catalog marks `breaks = ["clients"]` locks older clients
//!   out (26.3.100.34058: "all clients need to be upgraded as soon as the
//!   server is upgraded to the newest version. Older clients aren't able to
//!   connect."). After the update, a client below such a release at or below
//!   the installed server is an error. Before it, such a release at or below
//!   the target is a warning listing the clients to update right after the
//!   server (they cannot be updated earlier: a new client cannot connect to an
//!   old server), unless the installed server is already past it (an error:
//!   the client cannot connect today).
//! - Other older clients connect, but are a note; releases breaking something
//!   else (26.6.100.34161: PKCS#11, user rights) are NPS011's.
//!
//! One result per distinct client release.

use serde::Deserialize;

use super::{CheckKind, Context, NoParams};
use crate::facts::Version;
use crate::inputs::Inputs;
use crate::model::{Outcome, Phase, Severity, Status};
use crate::rules::catalog::{Catalog, Release};

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
    let installed = match ctx.phase {
        Phase::Pre => ctx.facts.version("password_secure.server_version"),
        Phase::Post => None,
    };
    let clients = ctx
        .facts
        .password_secure
        .as_ref()
        .and_then(|f| f.client_versions.as_deref());
    judge(ctx.phase, server, installed, clients, ctx.catalog)
}

const SUBJECT: &str = "password_secure.client_versions";

/// `installed` is the installed server version before the update (pre), when
/// known; after it the server version is the installed one.
pub fn judge(
    phase: Phase,
    server: Result<(&Version, &str), String>,
    installed: Option<&Version>,
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
    // A stable sort by the total order, then the first of each equal run: the
    // same versions as keeping each first seen, in O(n log n).
    let mut distinct: Vec<&Version> = clients.iter().collect();
    distinct.sort_by(|a, b| catalog.total_order(a, b));
    distinct.dedup_by(|later, first| catalog.total_order(first, later).is_eq());
    let judged = Judged {
        phase,
        server,
        which,
        installed,
        catalog,
    };
    // Before the update: the clients the target's client-breaking releases will
    // lock out, listed in each of their warnings.
    let to_update: Vec<String> = distinct
        .iter()
        .filter(|c| matches!(judged.verdict(c), Verdict::LockedOutByUpdate(..)))
        .map(|c| c.to_string())
        .collect();
    distinct
        .into_iter()
        .map(|client| judged.outcome(client, &to_update))
        .collect()
}

struct Judged<'a> {
    phase: Phase,
    server: &'a Version,
    which: &'a str,
    installed: Option<&'a Version>,
    catalog: &'a Catalog,
}

enum Verdict<'a> {
    Newer(Option<String>),
    /// Below client-breaking releases at or below the server: after the
    /// update, or before it when the installed server is already past one.
    /// With the installed version where that is what locks it out, and the
    /// comparison's note.
    LockedOut(Vec<&'a Release>, Option<String>, Option<String>),
    /// Before the update: below client-breaking releases the update brings.
    LockedOutByUpdate(Vec<&'a Release>, Option<String>),
    Older(Option<String>),
    Same(Option<String>),
}

impl<'a> Judged<'a> {
    fn verdict(&self, client: &Version) -> Verdict<'a> {
        let (order, note) = self.catalog.compare(client, self.server);
        if order.is_gt() {
            return Verdict::Newer(note);
        }
        let locking: Vec<&Release> = self
            .catalog
            .breaking_between(client, self.server)
            .into_iter()
            .filter(|r| r.breaks_clients())
            .collect();
        if !locking.is_empty() {
            return match (self.phase, self.installed) {
                (Phase::Post, _) => Verdict::LockedOut(locking, None, note),
                (Phase::Pre, Some(installed)) => {
                    let today: Vec<&Release> = locking
                        .iter()
                        .copied()
                        .filter(|r| self.catalog.compare(&r.version, installed).0.is_le())
                        .collect();
                    if today.is_empty() {
                        Verdict::LockedOutByUpdate(locking, note)
                    } else {
                        Verdict::LockedOut(
                            today,
                            Some(format!("the installed server version is {installed}")),
                            note,
                        )
                    }
                }
                (Phase::Pre, None) => Verdict::LockedOutByUpdate(locking, note),
            };
        }
        if order.is_lt() {
            Verdict::Older(note)
        } else {
            Verdict::Same(note)
        }
    }

    fn outcome(&self, client: &Version, to_update: &[String]) -> Outcome {
        let (server, which) = (self.server, self.which);
        let subject = format!("client {client}");
        let expected = format!("a client at {server} ({which})");
        let outcome = |status, message: String| {
            Outcome::new(status, subject.clone(), message)
                .observed(client.to_string())
                .expected(expected.clone())
        };
        let noted = |note: Option<String>| note.map(|n| format!(" ({n})")).unwrap_or_default();
        let named = |rs: &[&Release]| {
            rs.iter()
                .map(|r| r.describe())
                .collect::<Vec<_>>()
                .join(", ")
        };
        match self.verdict(client) {
            Verdict::Newer(note) => outcome(
                Status::Fail,
                format!(
                    "client {client} is newer than {which} {server}: a new client cannot connect to an old server; update the server first, or install client {server}{}",
                    noted(note)
                ),
            ),
            Verdict::LockedOut(rs, installed, note) => outcome(
                Status::Fail,
                match installed {
                    None => format!(
                        "client {client} is older than client-breaking release {}, at or below {which} {server}: it cannot connect; update it to {server}{}",
                        named(&rs),
                        noted(note)
                    ),
                    Some(installed) => format!(
                        "client {client} is older than client-breaking release {}, and {installed}: it cannot connect even now; update it to the installed server's version, and to {server} right after the update{}",
                        named(&rs),
                        noted(note)
                    ),
                },
            ),
            Verdict::LockedOutByUpdate(rs, note) => outcome(
                Status::Fail,
                format!(
                    "client {client} is older than client-breaking release {}, at or below {which} {server}: once the server is updated it cannot connect; update these clients to {server} right after the server (not before: a new client cannot connect to an old server): {}{}",
                    named(&rs),
                    to_update.join(", "),
                    noted(note)
                ),
            )
            .with_severity(Severity::Warning),
            Verdict::Older(note) => outcome(
                Status::Fail,
                format!(
                    "client {client} is older than {which} {server}; no release between them is marked as breaking clients in upgate's catalog, so it can still connect, but update it to {server}{}",
                    noted(note)
                ),
            )
            .with_severity(Severity::Note),
            Verdict::Same(note) => outcome(
                Status::Pass,
                format!(
                    "client {client} matches {which} {server}{}",
                    noted(note)
                ),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::catalog::test_data::{catalog, v};

    type Row = (String, Status, Option<Severity>);

    fn run(phase: Phase, server: &str, installed: Option<&str>, clients: &[&str]) -> Vec<Outcome> {
        let server = v(server);
        let installed = installed.map(v);
        let clients: Vec<Version> = clients.iter().map(|c| v(c)).collect();
        let which = match phase {
            Phase::Pre => "the target version",
            Phase::Post => "the installed server version",
        };
        judge(
            phase,
            Ok((&server, which)),
            installed.as_ref(),
            Some(&clients),
            &catalog(),
        )
    }

    fn rows(os: &[Outcome]) -> Vec<Row> {
        os.iter()
            .map(|o| (o.subject.clone(), o.status, o.severity))
            .collect()
    }

    fn row(subject: &str, status: Status, severity: Option<Severity>) -> Row {
        (subject.to_string(), status, severity)
    }

    #[test]
    fn one_result_per_distinct_client_release_oldest_first() {
        let r = run(
            Phase::Pre,
            "9.3.1.33994",
            None,
            &["9.3.1.33994", "9.2.1.32530", "9.3.1.33994", "9.3.1"],
        );
        assert_eq!(
            rows(&r),
            [
                row("client 9.2.1.32530", Status::Fail, Some(Severity::Note)),
                row("client 9.3.1.33994", Status::Pass, None),
            ]
        );
    }

    #[test]
    fn a_client_newer_than_the_server_fails_in_either_phase() {
        for phase in [Phase::Pre, Phase::Post] {
            let r = run(phase, "9.2.1.32530", None, &["9.3.1.33994"]);
            assert_eq!((r[0].status, r[0].severity), (Status::Fail, None));
            assert!(
                r[0].message
                    .contains("a new client cannot connect to an old server")
            );
        }
        // The short form of the same release is not newer.
        let r = run(Phase::Post, "26.6.100", None, &["26.6.100.34161"]);
        assert_eq!(rows(&r), [row("client 26.6.100.34161", Status::Pass, None)]);
        assert_eq!(
            r[0].message,
            "client 26.6.100.34161 matches the installed server version 26.6.100"
        );
    }

    #[test]
    fn before_the_update_clients_the_target_locks_out_are_a_warning_listing_them() {
        // Target in the vendor's short form: still the breaking release.
        let r = run(
            Phase::Pre,
            "26.3.100",
            Some("9.3.1.33994"),
            &["9.3.1.33994", "9.2.1.32530"],
        );
        assert_eq!(
            rows(&r),
            [
                row("client 9.2.1.32530", Status::Fail, Some(Severity::Warning)),
                row("client 9.3.1.33994", Status::Fail, Some(Severity::Warning)),
            ]
        );
        assert!(
            r[1].message.contains(
                "older than client-breaking release 26.3.100.34058 (breaks clients: \"Older clients aren't able to connect.\"), at or below the target version 26.3.100"
            ),
            "{}",
            r[1].message
        );
        assert!(
            r[1].message
                .ends_with("right after the server (not before: a new client cannot connect to an old server): 9.2.1.32530, 9.3.1.33994"),
            "{}",
            r[1].message
        );
        // Without the installed version, the same.
        let r = run(Phase::Pre, "26.4.10.34111", None, &["9.3.1.33994"]);
        assert_eq!(r[0].severity, Some(Severity::Warning));
    }

    #[test]
    fn before_the_update_a_client_already_locked_out_is_an_error() {
        let r = run(
            Phase::Pre,
            "26.5.1.34120",
            Some("26.4.10.34111"),
            &["9.3.1.33994", "26.4.10.34111"],
        );
        assert_eq!(
            rows(&r),
            [
                row("client 9.3.1.33994", Status::Fail, None),
                row("client 26.4.10.34111", Status::Fail, Some(Severity::Note)),
            ]
        );
        assert!(r[0].message.contains("it cannot connect even now"));
    }

    #[test]
    fn after_the_update_only_client_breaking_releases_lock_clients_out() {
        // At the breaking release and above it.
        for server in ["26.3.100.34058", "26.3.100", "26.4.10.34111"] {
            let r = run(Phase::Post, server, None, &["9.3.1.33994"]);
            assert_eq!(
                (r[0].status, r[0].severity),
                (Status::Fail, None),
                "{server}"
            );
            assert!(r[0].message.contains("it cannot connect; update it to"));
        }
        // 26.6.100 breaks PKCS#11 and user rights, not clients: a note.
        let r = run(Phase::Post, "26.6.100", None, &["26.5.1.34120"]);
        assert_eq!(
            rows(&r),
            [row(
                "client 26.5.1.34120",
                Status::Fail,
                Some(Severity::Note)
            )]
        );
        // A breaking release above the server does not concern today's clients.
        let r = run(Phase::Post, "9.3.1.33994", None, &["9.2.1.32530"]);
        assert_eq!(r[0].severity, Some(Severity::Note));
        // A client at the breaking release is not older than it.
        let r = run(Phase::Post, "26.4.10.34111", None, &["26.3.100"]);
        assert_eq!(r[0].severity, Some(Severity::Note));
    }

    #[test]
    fn an_unknown_release_is_compared_with_the_build_ignored_and_says_so() {
        let r = run(
            Phase::Post,
            "26.10.1",
            None,
            &["26.10.1.34250", "9.3.1.33994"],
        );
        assert_eq!(
            rows(&r),
            [
                row("client 9.3.1.33994", Status::Fail, None),
                row("client 26.10.1.34250", Status::Pass, None),
            ]
        );
        assert!(
            r[0].message
                .ends_with("(26.10.1 is not in upgate's release catalog, so 9.3.1.33994 and 26.10.1 were compared part by part, the build of 9.3.1.33994 ignored because 26.10.1 has none)"),
            "{}",
            r[0].message
        );
        assert!(
            r[1].message.ends_with(
                "(26.10.1.34250 and 26.10.1 are not in upgate's release catalog, so 26.10.1.34250 and 26.10.1 were compared part by part, the build of 26.10.1.34250 ignored because 26.10.1 has none)"
            ),
            "{}",
            r[1].message
        );
    }

    #[test]
    fn missing_inputs_are_not_evaluated() {
        let server = v("9.3.1.33994");
        let s = Ok((&server, "the target version"));
        let o = &judge(Phase::Pre, s.clone(), None, None, &catalog())[0];
        assert_eq!(o.status, Status::NotEvaluated);
        let o = &judge(Phase::Pre, s, None, Some(&[]), &catalog())[0];
        assert_eq!(o.status, Status::NotEvaluated);
        let o = &judge(
            Phase::Pre,
            Err("no target version".into()),
            None,
            None,
            &catalog(),
        )[0];
        assert_eq!(o.message, "no target version");
    }
}
