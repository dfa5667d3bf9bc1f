//! `iis_websocket` (NPS008, seed 002 "Updating the Web Application": from
//! 8.5.0.14896 IIS needs the WebSocket Protocol): the module is installed
//! (registered in applicationHost.config's `globalModules`), enabled in
//! `modules`, and `webSocket` is not switched off for the Web Application's
//! site: at server level, in a `<location>` that covers it, or in a web.config
//! on its way. IIS declares `<section name="webSocket">` on every server, so
//! that declaration proves nothing.

use std::rc::Rc;

use serde::Deserialize;

use super::web_app::{
    Gate, application_host, elsewhere, hosting, not_parsed, web_app_site, websocket_gate,
};
use super::{CheckKind, Context, unreadable};
use crate::facts::{Version, WebServer};
use crate::iis::{self, ConfigFile, Decided, Hosted};
use crate::inputs::web_server::APPLICATION_HOST;
use crate::inputs::{Inputs, Loaded, XmlFile};
use crate::model::{Outcome, Status};
use crate::server::ServerPath;
use crate::xml::Element;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The first server version that needs WebSocket.
    pub since: Version,
    /// The native module IIS's WebSocket Protocol feature registers.
    pub module: String,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        if self.module.trim().is_empty() {
            return Err("`module` is empty".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        if let Some(o) = elsewhere(&hosting(ctx, inputs), WebServer::Iis, ctx.rule) {
            return vec![o];
        }
        let assumed = match websocket_gate(ctx, &self.since) {
            Gate::Below(o) => return vec![o],
            Gate::Applies { assumed } => assumed,
        };
        let host = inputs.xml(APPLICATION_HOST);
        let (host_file, host_root) = match application_host(&host) {
            Ok(found) => found,
            Err(o) => return vec![*o],
        };
        let registered = host_root
            .child("system.webServer")
            .and_then(|w| w.child("globalModules"))
            .map(|list| list.children_named("add").collect::<Vec<_>>())
            .unwrap_or_default();
        let modules: Vec<crate::inputs::ObservedModule> = registered
            .iter()
            .filter_map(|add| {
                Some(crate::inputs::ObservedModule {
                    server: "iis",
                    name: add.attr("name")?.value.clone(),
                    file: host_file.file.server.to_string(),
                    line: Some(add.pos.line),
                })
            })
            .collect();
        for m in modules {
            inputs.record_module(m);
        }
        let env = inputs.env();
        let physical = |raw: &str| ServerPath::parse(raw, env).ok();
        let sites = iis::sites(host_root);
        let site = web_app_site(ctx, &sites, &physical);
        // The web.configs from the site's root down to the Web Application's folder.
        let mut web_configs: Vec<(usize, Rc<Loaded<XmlFile>>)> = Vec::new();
        let hosted_site = site
            .as_ref()
            .ok()
            .and_then(|h| Some((h, sites.iter().find(|s| s.name == h.site)?)));
        if let Some((hosted, def)) = hosted_site {
            // A level whose folder does not exist holds no web.config, nor do those below.
            iis::walk_levels(def, &hosted.url, &physical, &mut |n, folder| {
                let text = folder.to_string();
                // Only a missing folder ends it: an unreadable one is reported
                // through its web.config, as before.
                if matches!(inputs.folder(&text), Loaded::Missing { .. }) {
                    return false;
                }
                web_configs.push((n + 1, inputs.xml(&folder.join("web.config").to_string())));
                true
            });
        }
        let mut files = vec![(host_file, host_root, 0)];
        for (level, loaded) in &web_configs {
            match &**loaded {
                Loaded::Found(f) => match &f.parsed {
                    Ok(doc) => files.push((f, &doc.root, *level)),
                    Err(e) => return vec![not_parsed(f, e)],
                },
                Loaded::Missing { .. } => {}
                Loaded::Failed { location, error } => return vec![unreadable(location, error)],
            }
        }
        let state = State {
            files: files.iter().map(|(f, _, _)| *f).collect(),
            config: files
                .iter()
                .map(|(_, root, level)| ConfigFile {
                    root,
                    level: *level,
                })
                .collect(),
            site,
            declared: declaration(host_root),
        };
        let mut outcome = judge(self, &state);
        if let Some(note) = assumed {
            outcome.message.push_str(&format!(" ({note})"));
        }
        vec![outcome]
    }
}

/// `<section name="webSocket">` under configSections, for the message that it proves nothing.
fn declaration(root: &Element) -> Option<(crate::text::Pos, bool)> {
    fn find(e: &Element) -> Option<(crate::text::Pos, bool)> {
        e.children.iter().find_map(|c| match c.local_name() {
            "section" if c.attr("name").is_some_and(|a| a.value == "webSocket") => {
                let allows = c
                    .attr("overrideModeDefault")
                    .is_none_or(|a| !a.value.trim().eq_ignore_ascii_case("deny"));
                Some((c.pos, allows))
            }
            "sectionGroup" => find(c),
            _ => None,
        })
    }
    root.child("configSections").and_then(find)
}

/// What `judge` needs: the parsed files in merge order (applicationHost.config
/// first), the site that serves the Web Application (or why it is unknown).
pub struct State<'a> {
    pub files: Vec<&'a XmlFile>,
    pub config: Vec<ConfigFile<'a>>,
    pub site: Result<Hosted, String>,
    /// The `webSocket` section's declaration, and whether it lets web.config
    /// files set it (`overrideModeDefault`, which IIS defaults to Allow).
    pub declared: Option<(crate::text::Pos, bool)>,
}

pub fn judge(p: &Params, s: &State<'_>) -> Outcome {
    let host = s.files[0];
    let subject = host.file.server.to_string();
    let at = |d: &Decided<'_>| s.files[d.file].at(d.element.pos);
    let shown = |d: &Decided<'_>| format!("{}:{}", s.files[d.file].file.server, d.element.pos.line);
    let (target, application) = match &s.site {
        Ok(h) => (h.target(), h.application.clone()),
        Err(_) => (Vec::new(), Vec::new()),
    };
    let config: &[ConfigFile<'_>] = match &s.site {
        Ok(_) => &s.config,
        Err(_) => &s.config[..1],
    };
    let layers = iis::layers(config, &target, &application);
    let for_whom = match &s.site {
        Ok(h) => format!("for {}", h.config_path()),
        Err(_) => "at server level".to_string(),
    };

    let global = iis::collection_has(&layers, "globalModules", &p.module);
    let Some((true, registered)) = global else {
        let declared = s
            .declared
            .map(|(pos, _)| {
                format!(
                    "; the <section name=\"webSocket\"> declaration at line {} proves nothing: IIS 8 and later declare it whether or not the feature is installed",
                    pos.line
                )
            })
            .unwrap_or_default();
        let mut o = Outcome::new(
            Status::Fail,
            subject,
            format!(
                "the WebSocket Protocol is not installed: system.webServer/globalModules registers no {}{}{declared}; install the IIS role service \"WebSocket Protocol\" (Install-WindowsFeature Web-WebSockets)",
                p.module,
                match &global {
                    Some((false, d)) => format!(" (removed at {})", shown(d)),
                    _ => String::new(),
                }
            ),
        )
        .observed(format!("no {} in globalModules", p.module))
        .expected(format!("{} in globalModules", p.module));
        // Point at the removal, else at the list the module is missing from.
        let list = s.config[0]
            .root
            .child("system.webServer")
            .and_then(|w| w.child("globalModules"));
        o = match (&global, list) {
            (Some((_, d)), _) => o.at(at(d)),
            (None, Some(list)) => o.at(host.at(list.pos)),
            (None, None) => o.at(host.file.location()),
        };
        return o;
    };
    match iis::collection_has(&layers, "modules", &p.module) {
        Some((true, _)) => {}
        other => {
            let mut o = Outcome::new(
                Status::Fail,
                subject,
                format!(
                    "{} is installed but not enabled {for_whom}: {}; add <add name=\"{}\" /> to system.webServer/modules",
                    p.module,
                    match &other {
                        Some((_, d)) => format!(
                            "<{}> at {} takes it out of system.webServer/modules",
                            d.element.name,
                            shown(d)
                        ),
                        None => "system.webServer/modules does not list it".to_string(),
                    },
                    p.module
                ),
            )
            .observed(format!("{} not in modules", p.module))
            .expected(format!("{} in modules", p.module));
            o = match &other {
                Some((_, d)) => o.at(at(d)),
                None => o.at(host.file.location()),
            };
            return o;
        }
    }
    // A web.config may only set a section the server delegates; otherwise IIS
    // refuses the whole folder (HTTP 500.19).
    if let Some((declared, default_allows)) = s.declared {
        let delegated = iis::override_mode(s.config[0].root, &target, "webSocket")
            .map_or(default_allows, |(allow, _)| allow);
        let in_web_config = layers.iter().filter(|l| l.file > 0).find_map(|l| {
            l.section_group.child("webSocket").map(|element| Decided {
                element,
                file: l.file,
            })
        });
        if let (false, Some(d)) = (delegated, in_web_config) {
            return Outcome::new(
                Status::Fail,
                subject,
                format!(
                    "{} sets webSocket, but applicationHost.config locks that section (<section name=\"webSocket\"> at line {} denies overrides and no <location overrideMode=\"Allow\"> covers {}): IIS answers HTTP 500.19 there; remove the element or unlock the section for the site",
                    shown(&d),
                    declared.line,
                    target.join("/")
                ),
            )
            .at(at(&d))
            .observed("webSocket set in a locked web.config")
            .expected("webSocket set only where the section is delegated");
        }
    }
    if let Some((value, d)) = iis::attribute(&layers, "webSocket", "enabled")
        && value.trim().eq_ignore_ascii_case("false")
    {
        return Outcome::new(
            Status::Fail,
            subject,
            format!(
                "WebSocket is switched off {for_whom}: <webSocket enabled=\"false\"> at {}; remove it or set enabled=\"true\"",
                shown(&d)
            ),
        )
        .at(at(&d))
        .observed("enabled=\"false\"")
        .expected("enabled=\"true\" (the default)");
    }
    match &s.site {
        Ok(h) => Outcome::new(
            Status::Pass,
            subject,
            format!(
                "the WebSocket Protocol is installed ({} in globalModules at line {}), enabled, and not switched off {for_whom} (site at line {})",
                p.module, registered.element.pos.line, h.site_pos.line
            ),
        )
        .at(at(&registered))
        .observed("installed and enabled")
        .expected("installed and enabled"),
        Err(why) => Outcome::new(
            Status::NotEvaluated,
            subject,
            format!(
                "the WebSocket Protocol is installed and enabled at server level, but upgate cannot tell which site serves the Web Application ({why}), so a site or web.config that switches it off would go unseen; set password_secure.web_app_dir"
            ),
        )
        .at(at(&registered)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checks::testing::file;
    use crate::rules::checks::web_app::by_default_name;

    const HOST: &str = r"C:\Windows\System32\inetsrv\config\applicationHost.config";
    const WEB_CONFIG: &str = r"C:\inetpub\wwwroot\Web Application\web.config";
    const REGISTERED: &str =
        r#"<globalModules><add name="WebSocketModule" image="iiswsock.dll" /></globalModules>"#;
    const ENABLED: &str = r#"<modules><add name="WebSocketModule" /></modules>"#;

    fn params() -> Params {
        Params {
            since: Version("8.5.0.14896".parse().unwrap()),
            module: "WebSocketModule".into(),
        }
    }

    /// An applicationHost.config with the "Web Application" site, the
    /// webSocket declaration (`Allow` or `Deny`, or none), the server-level
    /// system.webServer and anything after it.
    fn host(declared: Option<&str>, server: &str, after: &str) -> String {
        let declaration = declared
            .map(|mode| {
                format!(
                    r#"<configSections><sectionGroup name="system.webServer"><section name="webSocket" overrideModeDefault="{mode}" /></sectionGroup></configSections>"#
                )
            })
            .unwrap_or_default();
        format!(
            "<configuration>{declaration}\n<system.applicationHost><sites>\n<site name=\"Web Application\" id=\"2\"><application path=\"/\"><virtualDirectory path=\"/\" physicalPath=\"C:\\inetpub\\wwwroot\\Web Application\" /></application></site>\n</sites></system.applicationHost>\n<system.webServer>{server}</system.webServer>\n{after}</configuration>"
        )
    }

    fn xml_file(raw: &str, text: &str) -> XmlFile {
        XmlFile {
            file: file(raw, text.len() as u64),
            parsed: crate::xml::parse(text.as_bytes()),
        }
    }

    /// Judges applicationHost.config and, optionally, the site root's web.config;
    /// `known_site` false stands for a site upgate could not find.
    fn check(host_text: &str, web_config: Option<&str>, known_site: bool) -> Outcome {
        let host = xml_file(HOST, host_text);
        let web = web_config.map(|t| xml_file(WEB_CONFIG, t));
        let root = &host.parsed.as_ref().unwrap().root;
        let sites = iis::sites(root);
        let site = if known_site {
            Ok(by_default_name(&sites).unwrap())
        } else {
            Err("no site is named \"Web Application\"".to_string())
        };
        let mut files = vec![&host];
        let mut config = vec![ConfigFile { root, level: 0 }];
        if let Some(w) = &web {
            files.push(w);
            config.push(ConfigFile {
                root: &w.parsed.as_ref().unwrap().root,
                level: 1,
            });
        }
        let state = State {
            files,
            config,
            site,
            declared: declaration(root),
        };
        judge(&params(), &state)
    }

    #[test]
    fn installed_enabled_and_not_switched_off_passes() {
        let o = check(
            &host(Some("Allow"), &format!("{REGISTERED}{ENABLED}"), ""),
            None,
            true,
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
        assert_eq!(
            o.message,
            "the WebSocket Protocol is installed (WebSocketModule in globalModules at line 5), enabled, and not switched off for Web Application (site at line 3)"
        );
        assert_eq!(o.location.as_ref().and_then(|l| l.line), Some(5));
    }

    #[test]
    fn not_registered_in_global_modules_is_not_installed_whatever_is_declared() {
        let o = check(&host(Some("Allow"), ENABLED, ""), None, true);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with("the WebSocket Protocol is not installed: system.webServer/globalModules registers no WebSocketModule; the <section name=\"webSocket\"> declaration at line 1 proves nothing"));
        assert!(
            o.message
                .ends_with("(Install-WindowsFeature Web-WebSockets)")
        );
        assert_eq!(
            o.observed.as_deref(),
            Some("no WebSocketModule in globalModules")
        );
    }

    #[test]
    fn installed_but_not_in_modules_or_removed_for_the_site_is_not_enabled() {
        let o = check(&host(None, REGISTERED, ""), None, true);
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with("WebSocketModule is installed but not enabled for Web Application: system.webServer/modules does not list it"));
        let removed = r#"<location path="Web Application"><system.webServer><modules><remove name="WebSocketModule" /></modules></system.webServer></location>"#;
        let o = check(
            &host(None, &format!("{REGISTERED}{ENABLED}"), removed),
            None,
            true,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains(&format!(
                "<remove> at {HOST}:6 takes it out of system.webServer/modules"
            )),
            "{}",
            o.message
        );
    }

    #[test]
    fn switched_off_at_server_level_for_the_site_or_in_a_web_config_fails() {
        let off = r#"<webSocket enabled="false" />"#;
        let o = check(
            &host(None, &format!("{REGISTERED}{ENABLED}{off}"), ""),
            None,
            true,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(
            "WebSocket is switched off for Web Application: <webSocket enabled=\"false\"> at"
        ));
        let site = format!(
            r#"<location path="Web Application"><system.webServer>{off}</system.webServer></location>"#
        );
        let o = check(
            &host(None, &format!("{REGISTERED}{ENABLED}"), &site),
            None,
            true,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains(&format!("at {HOST}:6")), "{}", o.message);
        let web =
            format!("<configuration><system.webServer>{off}</system.webServer></configuration>");
        let o = check(
            &host(Some("Allow"), &format!("{REGISTERED}{ENABLED}"), ""),
            Some(&web),
            true,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message.contains(&format!("at {WEB_CONFIG}:1")),
            "{}",
            o.message
        );
        assert_eq!(
            o.expected.as_deref(),
            Some("enabled=\"true\" (the default)")
        );
    }

    #[test]
    fn a_web_config_setting_the_locked_section_fails_with_500_19() {
        let web = r#"<configuration><system.webServer><webSocket enabled="true" /></system.webServer></configuration>"#;
        let o = check(
            &host(Some("Deny"), &format!("{REGISTERED}{ENABLED}"), ""),
            Some(web),
            true,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(&format!(
            "{WEB_CONFIG}:1 sets webSocket, but applicationHost.config locks that section"
        )));
        assert!(o.message.contains("IIS answers HTTP 500.19 there"));
        // Unlocked for the site by a location that holds the section: allowed.
        let unlock = r#"<location path="Web Application" overrideMode="Allow"><system.webServer><webSocket /></system.webServer></location>"#;
        let o = check(
            &host(Some("Deny"), &format!("{REGISTERED}{ENABLED}"), unlock),
            Some(web),
            true,
        );
        assert_eq!(o.status, Status::Pass, "{}", o.message);
    }

    #[test]
    fn an_unknown_site_is_not_evaluated_even_when_the_server_level_is_fine() {
        let o = check(
            &host(None, &format!("{REGISTERED}{ENABLED}"), ""),
            None,
            false,
        );
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains("cannot tell which site serves the Web Application (no site is named \"Web Application\")"));
        // A server-level failure is still a failure.
        let o = check(&host(None, ENABLED, ""), None, false);
        assert_eq!(o.status, Status::Fail);
    }
}
