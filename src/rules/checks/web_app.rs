//! What the Web Application rules (NPS007–NPS009) share: which web server
//! hosts the Web Application, and whether the server version is one that
//! needs WebSocket at all.
//!
//! The web server is `password_secure.web_server` when facts.json says;
//! otherwise what the snapshot shows ([`Inputs::web_servers`]). Both may be
//! present.

use super::Context;
use crate::facts::{Version, WebServer};
use crate::inputs::Inputs;
use crate::inputs::web_server::{APACHE_MAIN, Hosting, WWWROOT};
use crate::model::{Outcome, Status};

/// The web servers that may host the Web Application: the fact, else the snapshot's.
pub fn hosting(ctx: &Context<'_>, inputs: &Inputs<'_>) -> Hosting {
    let fact = ctx
        .facts
        .password_secure
        .as_ref()
        .and_then(|f| f.web_server);
    match fact {
        Some(WebServer::Iis) => Hosting {
            iis: Some("password_secure.web_server is iis".into()),
            apache: None,
        },
        Some(WebServer::Apache) => Hosting {
            iis: None,
            apache: Some("password_secure.web_server is apache".into()),
        },
        None => inputs.web_servers(ctx.facts.path("password_secure.apache_config")),
    }
}

/// The outcome for `rule`, about `wanted`, when the Web Application is not
/// hosted there (`not_applicable`) or its host is unknown (`not_evaluated`).
pub fn elsewhere(hosting: &Hosting, wanted: WebServer, rule: &str) -> Option<Outcome> {
    let (mine, other, name, other_name) = match wanted {
        WebServer::Iis => (&hosting.iis, &hosting.apache, "IIS", "Apache"),
        WebServer::Apache => (&hosting.apache, &hosting.iis, "Apache", "IIS"),
    };
    if mine.is_some() {
        return None;
    }
    Some(match other {
        Some(why) => Outcome::new(
            Status::NotApplicable,
            "password_secure.web_server",
            format!("the Web Application runs on {other_name}, not {name} ({why})"),
        ),
        None => Outcome::new(
            Status::NotEvaluated,
            "password_secure.web_server",
            format!(
                "cannot tell which web server hosts the Web Application: the snapshot has no IIS (no applicationHost.config, no {WWWROOT}) and no Apache configuration (looked for {}); set password_secure.web_server, or waive {rule} if the Web Application is not used",
                APACHE_MAIN.join(", ")
            ),
        ),
    })
}

/// The version gate of the WebSocket requirement: `not_applicable` below
/// `since`, as the release catalog orders versions. With no server version known the rule runs (a false alarm is
/// better than a false pass) and `assumed` says so for the message.
pub enum Gate {
    Below(Outcome),
    Applies { assumed: Option<String> },
}

pub fn websocket_gate(ctx: &Context<'_>, since: &Version) -> Gate {
    match ctx.nps_server_version() {
        Ok((v, which)) => match ctx.catalog.compare(v, since) {
            (order, note) if order.is_lt() => Gate::Below(Outcome::new(
                Status::NotApplicable,
                "server version",
                format!(
                    "{which} {v} is below {since}, which first needs WebSocket{}",
                    note.map(|n| format!(" ({n})")).unwrap_or_default()
                ),
            )),
            _ => Gate::Applies { assumed: None },
        },
        Err(why) => Gate::Applies {
            assumed: Some(format!(
                "the server version is unknown ({why}); the requirement applies from {since}"
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rule_about_the_other_web_server_does_not_apply() {
        let apache = Hosting {
            iis: None,
            apache: Some("/etc/apache2/apache2.conf exists".into()),
        };
        let o = elsewhere(&apache, WebServer::Iis, "NPS007").unwrap();
        assert_eq!(o.status, Status::NotApplicable);
        assert_eq!(
            o.message,
            "the Web Application runs on Apache, not IIS (/etc/apache2/apache2.conf exists)"
        );
        assert!(elsewhere(&apache, WebServer::Apache, "NPS009").is_none());
        // Both present: each rule runs.
        let both = Hosting {
            iis: Some("x".into()),
            ..apache
        };
        assert!(elsewhere(&both, WebServer::Iis, "NPS008").is_none());
    }

    #[test]
    fn an_unknown_web_server_is_not_evaluated_and_names_the_rule_to_waive() {
        let o = elsewhere(&Hosting::default(), WebServer::Iis, "NPS008").unwrap();
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(
            o.message
                .contains("no applicationHost.config, no C:\\inetpub\\wwwroot")
        );
        assert!(
            o.message
                .ends_with("or waive NPS008 if the Web Application is not used")
        );
    }
}
