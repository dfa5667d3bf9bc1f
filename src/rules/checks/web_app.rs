//! What the Web Application rules (NPS007–NPS009) share: which web server
//! hosts the Web Application, and whether the server version is one that
//! needs WebSocket at all.
//!
//! The web server is `password_secure.web_server` when facts.json says;
//! otherwise what the snapshot shows ([`Inputs::web_servers`]). Both may be
//! present.

use super::{Context, unreadable};
use crate::facts::{Version, WebServer};
use crate::iis::{self, Hosted};
use crate::inputs::web_server::{APACHE_MAIN, APPLICATION_HOST, Hosting};
use crate::inputs::{Inputs, Loaded, XmlFile};
use crate::model::{Outcome, Status};
use crate::server::ServerPath;
use crate::xml::Element;

/// config.bat's defaults: a site, or an application under an existing site, of this name.
pub const DEFAULT_NAME: &str = "Web Application";

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
                "cannot tell which web server hosts the Web Application: the snapshot has no IIS configuration (no {APPLICATION_HOST}) and no Apache configuration (looked for {}); set password_secure.web_server to iis or apache (password_secure.apache_config for Apache's main file elsewhere), or waive {rule} if the Web Application is not used on this server",
                APACHE_MAIN.join(", ")
            ),
        ),
    })
}

/// The site and URL that serve the Web Application in applicationHost.config
/// (NPS007 searches its folder, NPS008 merges its configuration): the virtual
/// directory serving `password_secure.web_app_dir` (longest physical path),
/// else config.bat's "Web Application" site or `/Web Application`
/// application. `Err` says why none is known.
pub fn web_app_site(
    ctx: &Context<'_>,
    sites: &[iis::Site],
    physical: &dyn Fn(&str) -> Option<ServerPath>,
) -> Result<Hosted, String> {
    match ctx.facts.path("password_secure.web_app_dir") {
        Some(raw) => match physical(raw) {
            Some(dir) => iis::hosting(sites, &dir, physical).ok_or_else(|| {
                format!(
                    "no site in applicationHost.config serves {dir} (password_secure.web_app_dir)"
                )
            }),
            None => Err(format!(
                "password_secure.web_app_dir '{raw}' is not a Windows path"
            )),
        },
        None => by_default_name(sites).ok_or_else(|| {
            format!(
                "facts.json has no password_secure.web_app_dir and no site or application is named \"{DEFAULT_NAME}\""
            )
        }),
    }
}

/// Without `web_app_dir`: config.bat's "Web Application" site, else a
/// "/Web Application" application under some site.
pub fn by_default_name(sites: &[iis::Site]) -> Option<Hosted> {
    let named = |a: &str| a.eq_ignore_ascii_case(DEFAULT_NAME);
    if let Some(site) = sites.iter().find(|s| named(&s.name)) {
        return Some(Hosted {
            site: site.name.clone(),
            site_pos: site.pos,
            url: Vec::new(),
            application: Vec::new(),
        });
    }
    sites.iter().find_map(|site| {
        let app = site
            .applications
            .iter()
            .find(|a| matches!(a.path.as_slice(), [one] if named(one)))?;
        Some(Hosted {
            site: site.name.clone(),
            site_pos: site.pos,
            url: app.path.clone(),
            application: app.path.clone(),
        })
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

/// applicationHost.config read and parsed, or the outcome saying why not:
/// missing from the snapshot (`not_evaluated`), unreadable or not well-formed
/// (`error`). Boxed: an outcome is large beside two references.
pub fn application_host(host: &Loaded<XmlFile>) -> Result<(&XmlFile, &Element), Box<Outcome>> {
    match host {
        Loaded::Found(f) => match &f.parsed {
            Ok(doc) => Ok((f, &doc.root)),
            Err(e) => Err(Box::new(not_parsed(f, e))),
        },
        Loaded::Missing { path, missing } => Err(Box::new(Outcome::new(
            Status::NotEvaluated,
            path.to_string(),
            format!(
                "the snapshot has no {path} ({missing} does not exist): copy IIS's applicationHost.config into it"
            ),
        ))),
        Loaded::Failed { location, error } => Err(Box::new(unreadable(location, error))),
    }
}

pub(super) fn not_parsed(file: &XmlFile, e: &crate::xml::XmlError) -> Outcome {
    let mut o = Outcome::new(
        Status::Error,
        file.file.server.to_string(),
        format!("{} is not well-formed XML: {e}", file.file.server),
    );
    o = match e.pos {
        Some(pos) => o.at(file.at(pos)),
        None => o.at(file.file.location()),
    };
    o
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
        assert!(o.message.contains(
            r"no IIS configuration (no %windir%\System32\inetsrv\config\applicationHost.config)"
        ));
        assert!(
            o.message
                .contains("set password_secure.web_server to iis or apache")
        );
        assert!(!o.message.contains("wwwroot"), "{}", o.message);
        assert!(
            o.message
                .ends_with("or waive NPS008 if the Web Application is not used on this server")
        );
    }
}
