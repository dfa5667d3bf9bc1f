//! `iis_global_modules` (NPS014, the vendor's web server requirements: IIS
//! needs URL Rewrite and Application Request Routing): each listed native
//! module is registered in applicationHost.config's
//! `system.webServer/globalModules` after IIS's merge (an `<add>`, not taken
//! out again by a `<remove>` or `<clear/>`), the way NPS008 reads
//! `WebSocketModule`. `globalModules` is AppHostOnly, so only the server
//! level counts. The modules' own versions are not recorded there: the
//! message says so, and what was not checked.

use serde::Deserialize;

use super::web_app::{application_host, elsewhere, hosting};
use super::{CheckKind, Context};
use crate::facts::WebServer;
use crate::iis::{self, ConfigFile};
use crate::inputs::web_server::APPLICATION_HOST;
use crate::inputs::{Inputs, XmlFile};
use crate::model::{Outcome, Status};
use crate::xml::Element;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The native modules that must be registered, each with the feature that registers it.
    pub modules: Vec<Required>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Required {
    /// The name in globalModules (`RewriteModule`).
    pub name: String,
    /// The IIS feature that registers it, as the vendor names it, with its minimum
    /// version (`URL Rewrite 2.1`), for the messages.
    pub feature: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        if self.modules.is_empty()
            || self
                .modules
                .iter()
                .any(|m| m.name.trim().is_empty() || m.feature.trim().is_empty())
        {
            return Err("`modules` must name at least one module, each with its feature".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        if let Some(o) = elsewhere(&hosting(ctx, inputs), WebServer::Iis, ctx.rule) {
            return vec![o];
        }
        match application_host(&inputs.xml(APPLICATION_HOST)) {
            Ok((file, root)) => vec![judge(self, file, root)],
            Err(o) => vec![*o],
        }
    }
}

/// The registrations of applicationHost.config (`root`, parsed from `file`).
pub fn judge(p: &Params, file: &XmlFile, root: &Element) -> Outcome {
    let subject = file.file.server.to_string();
    let shown = |e: &Element| format!("{}:{}", file.file.server, e.pos.line);
    let config = [ConfigFile { root, level: 0 }];
    let layers = iis::layers(&config, &[], &[]);
    let mut found = Vec::new();
    let mut missing = Vec::new();
    let mut first_missing_at = None;
    for m in &p.modules {
        match iis::collection_has(&layers, "globalModules", &m.name) {
            Some((true, d)) => found.push(format!("{} at {}", m.name, shown(d.element))),
            Some((false, d)) => {
                missing.push(format!(
                    "{} ({}; taken out by <{}> at {})",
                    m.name,
                    m.feature,
                    d.element.name,
                    shown(d.element)
                ));
                first_missing_at.get_or_insert(d.element.pos);
            }
            None => missing.push(format!("{} ({})", m.name, m.feature)),
        }
    }
    let names: Vec<&str> = p.modules.iter().map(|m| m.name.as_str()).collect();
    let expected = format!("{} in globalModules", names.join(", "));
    let list = root
        .child("system.webServer")
        .and_then(|w| w.child("globalModules"));
    if missing.is_empty() {
        let features: Vec<&str> = p.modules.iter().map(|m| m.feature.as_str()).collect();
        let o = Outcome::new(
            Status::Pass,
            subject,
            format!(
                "registered in system.webServer/globalModules: {}; applicationHost.config does not record the modules' versions, so the minimums ({}) are not checked",
                found.join(", "),
                features.join("; ")
            ),
        )
        .observed(format!("registered: {}", found.join(", ")))
        .expected(expected);
        return match list {
            Some(l) => o.at(file.at(l.pos)),
            None => o.at(file.file.location()),
        };
    }
    let mut message = format!(
        "not registered in system.webServer/globalModules: {}; install the missing IIS extension(s) (Microsoft's URL Rewrite and Application Request Routing installers register them)",
        missing.join(", ")
    );
    if !found.is_empty() {
        message.push_str(&format!("; registered: {}", found.join(", ")));
    }
    let o = Outcome::new(Status::Fail, subject, message)
        .observed(format!("missing: {}", missing.join(", ")))
        .expected(expected);
    match (first_missing_at, list) {
        (Some(pos), _) => o.at(file.at(pos)),
        (None, Some(l)) => o.at(file.at(l.pos)),
        (None, None) => o.at(file.file.location()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checks::testing::file;

    const HOST: &str = r"C:\Windows\System32\inetsrv\config\applicationHost.config";

    fn params() -> Params {
        Params {
            modules: vec![
                Required {
                    name: "RewriteModule".into(),
                    feature: "URL Rewrite 2.1".into(),
                },
                Required {
                    name: "ApplicationRequestRouting".into(),
                    feature: "Application Request Routing 3.0".into(),
                },
            ],
        }
    }

    fn check(server: &str) -> Outcome {
        let text = format!(
            "<configuration>\n<system.webServer>\n{server}\n</system.webServer>\n</configuration>"
        );
        let f = XmlFile {
            file: file(HOST, text.len() as u64),
            parsed: crate::xml::parse(text.as_bytes()),
        };
        let root = &f.parsed.as_ref().unwrap().root;
        judge(&params(), &f, root)
    }

    #[test]
    fn both_registered_pass_and_say_versions_are_not_checked() {
        let o = check(
            "<globalModules>\n<add name=\"RewriteModule\" image=\"rewrite.dll\" />\n<add name=\"applicationrequestrouting\" image=\"requestRouter.dll\" />\n</globalModules>",
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert!(o.message.starts_with(&format!(
            "registered in system.webServer/globalModules: RewriteModule at {HOST}:4, ApplicationRequestRouting at {HOST}:5;"
        )));
        assert!(o.message.ends_with(
            "so the minimums (URL Rewrite 2.1; Application Request Routing 3.0) are not checked"
        ));
    }

    #[test]
    fn a_missing_or_removed_module_fails_naming_its_feature() {
        let o = check(
            "<globalModules>\n<add name=\"RewriteModule\" image=\"rewrite.dll\" />\n</globalModules>",
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            "not registered in system.webServer/globalModules: ApplicationRequestRouting (Application Request Routing 3.0);"
        ));
        assert!(
            o.message
                .ends_with(&format!("; registered: RewriteModule at {HOST}:4"))
        );
        let o = check(
            "<globalModules>\n<add name=\"RewriteModule\" />\n<add name=\"ApplicationRequestRouting\" />\n<remove name=\"RewriteModule\" />\n</globalModules>",
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(&format!(
            "not registered in system.webServer/globalModules: RewriteModule (URL Rewrite 2.1; taken out by <remove> at {HOST}:6)"
        )));
        // No globalModules at all.
        let o = check("");
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .contains("RewriteModule (URL Rewrite 2.1), ApplicationRequestRouting")
        );
    }
}
