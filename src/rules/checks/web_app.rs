//! What the Web Application rules (NPS007–NPS009) share: which web server
//! hosts the Web Application, and whether the server version is one that
//! needs WebSocket at all.
//!
//! The web server is `password_secure.web_server` when facts.json says;
//! otherwise it is inferred from the snapshot: IIS when applicationHost.config
//! or `C:\inetpub\wwwroot` exists, Apache when a main configuration file is
//! found (the fact, else the usual places). Both may be present.

use super::Context;
use crate::facts::{Version, WebServer};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Outcome, Status};
use crate::rules::catalog::order;

/// IIS's server-level configuration file.
pub const APPLICATION_HOST: &str = r"%windir%\System32\inetsrv\config\applicationHost.config";
/// IIS's standard web root, where config.bat creates the "Web Application" site.
pub const WWWROOT: &str = r"C:\inetpub\wwwroot";
/// Where Apache's main configuration file is looked for without `apache_config`
/// (Debian/Ubuntu, RHEL, upstream builds, Apache Lounge on Windows).
pub const APACHE_MAIN: &[&str] = &[
    "/etc/apache2/apache2.conf",
    "/etc/httpd/conf/httpd.conf",
    "/usr/local/apache2/conf/httpd.conf",
    r"C:\Apache24\conf\httpd.conf",
];

/// The web servers that may host the Web Application, each with why upgate thinks so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hosting {
    pub iis: Option<String>,
    pub apache: Option<String>,
}

impl Hosting {
    pub fn detect(ctx: &Context<'_>, inputs: &Inputs<'_>) -> Hosting {
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
            None => {
                let exists = |raw: &str| !matches!(inputs.locate(raw), Loaded::Missing { .. });
                let iis = [APPLICATION_HOST, WWWROOT]
                    .into_iter()
                    .find(|p| exists(p))
                    .map(|p| format!("{p} exists"));
                let apache = ctx
                    .facts
                    .path("password_secure.apache_config")
                    .into_iter()
                    .chain(APACHE_MAIN.iter().copied())
                    .find(|p| exists(p))
                    .map(|p| format!("{p} exists"));
                Hosting { iis, apache }
            }
        }
    }

    /// The outcome for a rule about `wanted` when the Web Application is not
    /// hosted there (`not_applicable`) or its host is unknown (`not_evaluated`).
    pub fn elsewhere(&self, wanted: WebServer, rule: &str) -> Option<Outcome> {
        let (mine, other, name, other_name) = match wanted {
            WebServer::Iis => (&self.iis, &self.apache, "IIS", "Apache"),
            WebServer::Apache => (&self.apache, &self.iis, "Apache", "IIS"),
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
}

/// The version gate of the WebSocket requirement: `not_applicable` below
/// `since`. With no server version known the rule runs (a false alarm is
/// better than a false pass) and `assumed` says so for the message.
pub enum Gate {
    Below(Outcome),
    Applies { assumed: Option<String> },
}

pub fn websocket_gate(ctx: &Context<'_>, since: &Version) -> Gate {
    match ctx.nps_server_version() {
        Ok((v, which)) if order(v, since).is_lt() => Gate::Below(Outcome::new(
            Status::NotApplicable,
            "server version",
            format!("{which} {v} is below {since}, which first needs WebSocket"),
        )),
        Ok(_) => Gate::Applies { assumed: None },
        Err(why) => Gate::Applies {
            assumed: Some(format!(
                "the server version is unknown ({why}); the requirement applies from {since}"
            )),
        },
    }
}
