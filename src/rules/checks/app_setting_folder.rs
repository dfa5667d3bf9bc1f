//! `app_setting_folder`: a web.config `appSettings` key names a local folder
//! that exists (PM004: `nuget:source:SolutionCentre` must point TMS at the
//! NugetCache instead of the online feed; seed 001 step 4, seed 000 step 9).
//!
//! The key is looked up as .NET does: case-insensitively, `<add>` elements in
//! order with the last one winning, `<remove>` and `<clear/>` undoing earlier
//! ones.

use serde::Deserialize;

use super::{CheckKind, Context, folder_display, unreadable};
use crate::inputs::{Inputs, Loaded, ObservedSetting, XmlFile};
use crate::model::{Outcome, Phase, Severity, Status};
use crate::server::{Env, Kind, Resolved, ServerPath};
use crate::text::Pos;
use crate::xml::Element;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The web.config, e.g. `C:\inetpub\wwwroot\TMS\web.config`.
    pub file: String,
    pub key: String,
    /// The folder the key must name, e.g. `%ProgramData%\NugetCache\`.
    pub folder: String,
    /// Hosts of the vendor's online feed, named as such in the failure.
    #[serde(default)]
    pub online_hosts: Vec<String>,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        super::valid_path("file", &self.file)?;
        super::valid_path("folder", &self.folder)?;
        if self.key.trim().is_empty() {
            return Err("`key` is empty".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let expected = match inputs.parse(&self.folder) {
            Ok(p) => p,
            Err(e) => {
                return vec![Outcome::new(
                    Status::NotEvaluated,
                    self.folder.clone(),
                    format!("cannot expand the expected folder: {e}"),
                )];
            }
        };
        let file = inputs.xml(&self.file);
        let (xml, root) = match readable(&self.key, &file, &expected) {
            Ok(read) => read,
            Err(outcome) => return vec![*outcome],
        };
        let found = lookup(root, &self.key);
        let value = match &found {
            Lookup::Found { value, .. } => Some(value.clone()),
            _ => None,
        };
        inputs.record_setting(ObservedSetting {
            file: xml.file.server.to_string(),
            key: self.key.clone(),
            value: value.clone(),
            line: match &found {
                Lookup::Found { pos, .. } => Some(pos.line),
                _ => None,
            },
        });
        // The one extra read: does the folder the value names exist?
        let target = value.filter(|v| !is_url(v)).map(|v| inputs.locate(&v));
        let env = inputs.env();
        vec![judge(
            self,
            ctx.phase,
            xml,
            &found,
            &expected,
            target.as_ref(),
            env,
        )]
    }
}

/// What a web.config says about one appSettings key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    NotConfiguration {
        root: String,
        pos: Pos,
    },
    /// `<appSettings>` appears more than once: .NET refuses the file.
    SeveralSections(Vec<Pos>),
    /// `<appSettings configSource=…>` or `file=…`: the values live elsewhere.
    External {
        attribute: String,
        value: String,
        pos: Pos,
    },
    Missing {
        section: Option<Pos>,
        removed_at: Option<Pos>,
    },
    /// The winning `<add>`, and every `<add>` of the key in order.
    Found {
        value: String,
        pos: Pos,
        adds: Vec<Pos>,
    },
}

pub fn lookup(root: &Element, key: &str) -> Lookup {
    if root.local_name() != "configuration" {
        return Lookup::NotConfiguration {
            root: root.name.clone(),
            pos: root.pos,
        };
    }
    let sections: Vec<&Element> = root.children_named("appSettings").collect();
    let section = match sections.as_slice() {
        [] => {
            return Lookup::Missing {
                section: None,
                removed_at: None,
            };
        }
        [one] => *one,
        many => return Lookup::SeveralSections(many.iter().map(|e| e.pos).collect()),
    };
    for attribute in ["configSource", "file"] {
        if let Some(a) = section.attr(attribute) {
            return Lookup::External {
                attribute: attribute.to_string(),
                value: a.value.clone(),
                pos: a.pos,
            };
        }
    }
    let mut adds: Vec<(&Element, String)> = Vec::new();
    let mut all_adds: Vec<Pos> = Vec::new();
    let mut removed_at = None;
    let matches = |e: &Element| {
        e.attr("key")
            .is_some_and(|k| k.value.eq_ignore_ascii_case(key))
    };
    for child in &section.children {
        match child.local_name() {
            "add" if matches(child) => {
                let value = child
                    .attr("value")
                    .map(|a| a.value.clone())
                    .unwrap_or_default();
                adds.push((child, value));
                all_adds.push(child.pos);
            }
            "remove" if matches(child) => {
                adds.clear();
                removed_at = Some(child.pos);
            }
            "clear" => {
                adds.clear();
                removed_at = Some(child.pos);
            }
            _ => {}
        }
    }
    match adds.pop() {
        Some((element, value)) => Lookup::Found {
            value,
            pos: element.pos,
            adds: all_adds,
        },
        None => Lookup::Missing {
            section: Some(section.pos),
            removed_at,
        },
    }
}

fn is_url(value: &str) -> bool {
    let v = value.trim_start().to_ascii_lowercase();
    v.starts_with("http://") || v.starts_with("https://")
}

fn url_host(value: &str) -> String {
    let v = value.trim();
    let after = v.split_once("://").map_or(v, |(_, rest)| rest);
    let host = after.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit_once('@').map_or(host, |(_, h)| h);
    host.split(':').next().unwrap_or("").to_ascii_lowercase()
}

/// The file's own state: missing, unreadable or not well-formed XML end the
/// check here; otherwise the parsed file and its root element.
pub fn readable<'a>(
    key: &str,
    file: &'a Loaded<XmlFile>,
    expected: &ServerPath,
) -> Result<(&'a XmlFile, &'a Element), Box<Outcome>> {
    let xml = match file {
        Loaded::Missing { path, missing } => {
            return Err(Box::new(Outcome::new(
                Status::Fail,
                path.to_string(),
                format!("{path} does not exist ({missing} does not exist), so TMS has no {key} setting to check"),
            )
            .expected(folder_display(expected))));
        }
        Loaded::Failed { location, error } => return Err(Box::new(unreadable(location, error))),
        Loaded::Found(xml) => xml,
    };
    match &xml.parsed {
        Ok(doc) => Ok((xml, &doc.root)),
        Err(e) => {
            let location = match e.pos {
                Some(pos) => xml.at(pos),
                None => xml.file.location(),
            };
            Err(Box::new(
                Outcome::new(
                    Status::Error,
                    xml.file.server.to_string(),
                    format!("{} is not well-formed XML: {}", xml.file.server, e.message),
                )
                .at(location),
            ))
        }
    }
}

/// The setting's state in a readable web.config.
pub fn judge(
    p: &Params,
    phase: Phase,
    xml: &XmlFile,
    found: &Lookup,
    expected: &ServerPath,
    target: Option<&Loaded<Resolved>>,
    env: &Env,
) -> Outcome {
    let want = folder_display(expected);
    let key = &p.key;
    let subject = xml.file.server.to_string();
    let fail = |message: String, pos: Option<Pos>| {
        let o = Outcome::new(Status::Fail, subject.clone(), message).expected(want.clone());
        match pos {
            Some(pos) => o.at(xml.at(pos)),
            None => o.at(xml.file.location()),
        }
    };
    let (value, pos, adds) = match found.clone() {
        Lookup::NotConfiguration { root, pos } => {
            return Outcome::new(
                Status::Error,
                subject.clone(),
                format!(
                    "the root element is <{root}>, not <configuration>: this is not a web.config"
                ),
            )
            .at(xml.at(pos));
        }
        Lookup::SeveralSections(positions) => {
            let lines = lines_text(&positions);
            return fail(
                format!(
                    "<appSettings> appears {} times (lines {lines}); .NET refuses such a web.config",
                    positions.len()
                ),
                positions.first().copied(),
            );
        }
        Lookup::External {
            attribute,
            value,
            pos,
        } => {
            return Outcome::new(
                Status::NotEvaluated,
                subject.clone(),
                format!("<appSettings {attribute}=\"{value}\"> keeps the settings in another file, which upgate does not follow; check {key} there"),
            )
            .at(xml.at(pos))
            .expected(want);
        }
        Lookup::Missing {
            section,
            removed_at,
        } => {
            let message = match removed_at {
                Some(at) => format!(
                    "{key} is removed by the <remove>/<clear> at line {}, so TMS falls back to the online feed",
                    at.line
                ),
                None if section.is_none() => {
                    format!("there is no <appSettings> section, so {key} is not set")
                }
                None => format!("<appSettings> has no <add key=\"{key}\">"),
            };
            return fail(message, removed_at.or(section)).observed("missing");
        }
        Lookup::Found { value, pos, adds } => (value, pos, adds),
    };
    let duplicated = (adds.len() > 1).then(|| {
        format!(
            "{key} is defined {} times (lines {}); the last one (line {}) wins",
            adds.len(),
            lines_text(&adds),
            pos.line
        )
    });
    let with_duplicate = |message: String| match &duplicated {
        Some(d) => format!("{d}; {message}"),
        None => message,
    };

    if is_url(&value) {
        let host = url_host(&value);
        let online = p.online_hosts.iter().any(|h| h.eq_ignore_ascii_case(&host));
        let mut message = if online {
            format!("{key} still names the online feed ({host}); an offline server cannot reach it")
        } else {
            format!("{key} names a remote feed ({host}), not the local NugetCache")
        };
        if phase == Phase::Post && online {
            message.push_str(": an upgrade or repair rewrites web.config with default settings, so set it back after every upgrade");
        }
        return fail(with_duplicate(message), Some(pos)).observed(value);
    }

    let named = match ServerPath::parse(&value, env) {
        Ok(path) => path,
        Err(e) => {
            return fail(
                with_duplicate(format!("{key}'s value is not a usable path: {e}")),
                Some(pos),
            )
            .observed(value);
        }
    };
    if !named.same_as(expected) {
        let exists = match target {
            Some(Loaded::Found(r)) if r.kind == Kind::Dir => "it exists",
            _ => "it does not exist under the root",
        };
        return fail(
            with_duplicate(format!(
                "{key} names another folder, {named} ({exists}), not the NugetCache"
            )),
            Some(pos),
        )
        .observed(value);
    }
    match target {
        Some(Loaded::Found(r)) if r.kind == Kind::Dir => {}
        Some(Loaded::Failed { location, error }) => {
            let mut o = unreadable(location, error);
            o.subject = subject;
            return o.at(xml.at(pos)).observed(value).expected(want);
        }
        Some(Loaded::Found(_)) => {
            return fail(
                with_duplicate(format!(
                    "{key} names {named}, which is a file, not a folder"
                )),
                Some(pos),
            )
            .observed(value);
        }
        _ => {
            return fail(
                with_duplicate(format!(
                    "{key} names {named}, but that folder does not exist under the root"
                )),
                Some(pos),
            )
            .observed(value);
        }
    }
    if let Some(d) = duplicated {
        return fail(
            format!(
                "{d}; its value is right, but an edit of the other one would be silently ignored"
            ),
            Some(pos),
        )
        .observed(value);
    }
    let trailing = value.trim_end().ends_with(['\\', '/']);
    let outcome = Outcome::new(
        Status::Pass,
        subject,
        format!("{key} names the local NugetCache, which exists"),
    )
    .at(xml.at(pos))
    .observed(value)
    .expected(want);
    if trailing {
        outcome
    } else {
        let mut o = outcome.with_severity(Severity::Note);
        o.message
            .push_str("; note: the vendor writes the value with a final backslash");
        o
    }
}

fn lines_text(positions: &[Pos]) -> String {
    positions
        .iter()
        .map(|p| p.line.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn root(body: &str) -> Element {
        crate::xml::parse(body.as_bytes()).unwrap().root
    }

    #[test]
    fn the_last_add_wins_and_every_add_is_listed() {
        let r = root(
            r#"<configuration><appSettings>
<add key="nuget:source:SolutionCentre" value="a"/>
<add key="Nuget:Source:SolutionCentre" value="b"/>
</appSettings></configuration>"#,
        );
        match lookup(&r, "nuget:source:SolutionCentre") {
            Lookup::Found { value, pos, adds } => {
                assert_eq!(value, "b");
                assert_eq!(pos.line, 3);
                assert_eq!(adds.iter().map(|p| p.line).collect::<Vec<_>>(), [2, 3]);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn remove_and_clear_undo_earlier_adds() {
        let removed = root(
            r#"<configuration><appSettings><add key="k" value="a"/><remove key="K"/></appSettings></configuration>"#,
        );
        assert!(matches!(
            lookup(&removed, "k"),
            Lookup::Missing {
                removed_at: Some(_),
                ..
            }
        ));
        let cleared = root(
            r#"<configuration><appSettings><add key="k" value="a"/><clear/><add key="k" value="c"/></appSettings></configuration>"#,
        );
        assert!(matches!(lookup(&cleared, "k"), Lookup::Found { value, .. } if value == "c"));
    }

    #[test]
    fn external_sections_and_other_roots_are_recognised() {
        let ext =
            root(r#"<configuration><appSettings configSource="app.config"/></configuration>"#);
        assert!(
            matches!(lookup(&ext, "k"), Lookup::External { attribute, .. } if attribute == "configSource")
        );
        assert!(matches!(
            lookup(&root("<other/>"), "k"),
            Lookup::NotConfiguration { .. }
        ));
        let twice = root("<configuration><appSettings/><appSettings/></configuration>");
        assert!(matches!(lookup(&twice, "k"), Lookup::SeveralSections(p) if p.len() == 2));
    }

    #[test]
    fn url_hosts_are_extracted() {
        assert_eq!(
            url_host("http://tmsnuget.thycotic.com/nuget/"),
            "tmsnuget.thycotic.com"
        );
        assert_eq!(
            url_host("HTTPS://user@TMSNuget.Thycotic.com:443"),
            "tmsnuget.thycotic.com"
        );
        assert!(is_url("  https://x") && !is_url(r"C:\ProgramData\NugetCache\"));
    }
}
