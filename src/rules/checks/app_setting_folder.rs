//! `app_setting_folder`: a web.config `appSettings` key names a local folder
//! that exists (PM004: `nuget:source:SolutionCentre` must point TMS at the
//! NugetCache instead of the online feed; seed 001 step 4, seed 000 step 9).
//!
//! The key is looked up as .NET does: case-insensitively, `<add>` elements in
//! order with the last one winning, `<remove>` and `<clear/>` undoing earlier
//! ones.
//!
//! Where the section is, as System.Configuration reads a web.config:
//! - directly under `<configuration>`, or inside `<location path=".">`,
//!   `<location path="">` or a `<location>` without `path`: all three are the
//!   application's own level (`path` names a child relative to the file; `.`
//!   and empty name the file's own folder). `<location path="child">` is not.
//! - `<appSettings file="x.config">`: "The runtime ignores the attribute, if the
//!   specified file cannot be found. [...] The contents of the separate file are
//!   merged with the appSettings section" (appSettings Element, General Settings
//!   Schema, learn.microsoft.com ms228154). The file's `<add>`/`<remove>`/`<clear>`
//!   apply after the inline ones, so its values win.
//! - `<appSettings configSource="x.config">` replaces the section with the file
//!   (whose root is `<appSettings>`); when that file is missing, unreadable or not
//!   an `<appSettings>`, .NET raises a configuration error and the application
//!   does not start. Its path must be relative and stay in the web.config's
//!   folder or below.
//!
//! Both files are read through `Inputs` like every server file: `..` stops at
//! the root, links are re-rooted. The result names the file and line that decided.

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
        let web = inputs.xml(&self.file);
        let (xml, root) = match readable(&self.key, &web, &expected) {
            Ok(read) => read,
            Err(outcome) => return vec![*outcome],
        };
        let section = match own_section(root) {
            Ok(section) => section,
            Err(found) => {
                return vec![judge(
                    self,
                    ctx.phase,
                    xml,
                    &found,
                    &expected,
                    None,
                    inputs.env(),
                )];
            }
        };
        let want = folder_display(&expected);
        let subject = xml.file.server.to_string();
        let ext;
        // The parts read in order, the files they are in, and what to add to the message.
        let (found, files, via): (Lookup, Vec<&XmlFile>, Option<String>) = match section
            .and_then(external)
        {
            None => {
                let found = match section {
                    Some(s) => settle(&[s], &self.key),
                    None => lookup(root, &self.key),
                };
                (found, vec![xml], None)
            }
            Some((attribute, value, pos)) => {
                let replaces = attribute == "configSource";
                let what = format!("<appSettings {attribute}=\"{value}\"> (line {})", pos.line);
                let refuse = |status: Status, message: String| {
                    vec![
                        Outcome::new(status, subject.clone(), message)
                            .at(xml.at(pos))
                            .expected(want.clone()),
                    ]
                };
                // .NET: "A section using 'configSource' may contain no other
                // attributes or elements."
                let inline = section.expect("a section");
                if replaces && (!inline.children.is_empty() || inline.attr("file").is_some()) {
                    return refuse(
                        Status::Fail,
                        format!(
                            "{what} also has other content (elements or file=); a section using configSource may contain no other attributes or elements, so .NET raises a configuration error and TMS does not start"
                        ),
                    );
                }
                let path = match external_path(&xml.file.server, value, replaces, inputs.env()) {
                    Ok(path) => path,
                    Err(why) => {
                        return refuse(
                            Status::Fail,
                            format!(
                                "{what}: {why}; .NET raises a configuration error, so TMS does not start"
                            ),
                        );
                    }
                };
                ext = inputs.xml(&path.to_string());
                match &*ext {
                    Loaded::Missing { .. } if !replaces => {
                        let found = settle(&[section.expect("a section")], &self.key);
                        let note = format!(
                            "{path}, named by {what}, does not exist, and .NET ignores a missing file= file"
                        );
                        (found, vec![xml], Some(note))
                    }
                    Loaded::Missing { .. } => {
                        return refuse(
                            Status::Fail,
                            format!(
                                "{what} names {path}, which does not exist: .NET raises a configuration error for the section, so TMS does not start"
                            ),
                        );
                    }
                    Loaded::Failed { location, error } => {
                        return vec![unreadable(location, error)];
                    }
                    Loaded::Found(other) => {
                        let doc = match &other.parsed {
                            Ok(doc) => doc,
                            Err(e) => {
                                let at =
                                    e.pos.map_or_else(|| other.file.location(), |p| other.at(p));
                                return vec![
                                        Outcome::new(
                                            Status::Error,
                                            other.file.server.to_string(),
                                            format!("{} (named by {what} in {subject}) is not well-formed XML: {}; .NET cannot read the section", other.file.server, e.message),
                                        )
                                        .at(at),
                                    ];
                            }
                        };
                        if doc.root.local_name() != "appSettings" {
                            return vec![
                                    Outcome::new(
                                        Status::Fail,
                                        other.file.server.to_string(),
                                        format!("{} (named by {what} in {subject}) has the root <{}>, not <appSettings>: .NET raises a configuration error, so TMS does not start", other.file.server, doc.root.name),
                                    )
                                    .at(other.at(doc.root.pos)),
                                ];
                        }
                        let note = format!("read through {what} in {subject}");
                        if replaces {
                            (settle(&[&doc.root], &self.key), vec![other], Some(note))
                        } else {
                            let inline = section.expect("a section");
                            (
                                settle(&[inline, &doc.root], &self.key),
                                vec![xml, other],
                                Some(note),
                            )
                        }
                    }
                }
            }
        };
        let decider = match &found {
            Lookup::Found { file, .. } | Lookup::Missing { file, .. } => files[*file],
            _ => xml,
        };
        let value = match &found {
            Lookup::Found { value, .. } => Some(value.clone()),
            _ => None,
        };
        inputs.record_setting(ObservedSetting {
            file: decider.file.server.to_string(),
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
        let mut outcome = judge(
            self,
            ctx.phase,
            decider,
            &found,
            &expected,
            target.as_ref(),
            env,
        );
        if let Some(via) = via {
            outcome.message.push_str(&format!(" ({via})"));
        }
        vec![outcome]
    }
}

/// The server path of a `file=` or `configSource=` value, relative to the
/// web.config's folder. `configSource` must be relative and stay in that folder or
/// below; `file` may also be absolute. `..` never leaves the root (ServerPath).
fn external_path(
    web_config: &ServerPath,
    value: &str,
    config_source: bool,
    env: &Env,
) -> Result<ServerPath, String> {
    let value = value.trim();
    let bytes = value.as_bytes();
    let absolute = value.starts_with(['\\', '/'])
        || (bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':');
    if config_source {
        if absolute {
            return Err("configSource must be a relative path".into());
        }
        if value.split(['\\', '/']).any(|s| s == "..") {
            return Err("configSource must name a file in the web.config's folder or below".into());
        }
    }
    let raw = if absolute {
        value.to_string()
    } else {
        format!("{}\\{value}", web_config.parent())
    };
    ServerPath::parse(&raw, env).map_err(|e| format!("not a usable path: {e}"))
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
    /// `file` is the index of the part (see [`settle`]) holding `removed_at`, else
    /// the section.
    Missing {
        section: Option<Pos>,
        removed_at: Option<Pos>,
        file: usize,
    },
    /// The winning `<add>`, and every `<add>` of the key in order in the same part;
    /// `file` is the index of that part (see [`settle`]).
    Found {
        value: String,
        pos: Pos,
        adds: Vec<Pos>,
        file: usize,
    },
}

/// `<location>` children of `<configuration>` that stand for the file's own level.
fn own_level(location: &Element) -> bool {
    location
        .attr("path")
        .is_none_or(|p| matches!(p.value.trim(), "" | "."))
}

/// The application's own `<appSettings>`: under `<configuration>` or an own-level
/// `<location>`; `Err` for a root that is not `<configuration>` or a section given
/// more than once.
pub fn own_section(root: &Element) -> Result<Option<&Element>, Lookup> {
    if root.local_name() != "configuration" {
        return Err(Lookup::NotConfiguration {
            root: root.name.clone(),
            pos: root.pos,
        });
    }
    let mut sections: Vec<&Element> = Vec::new();
    for child in &root.children {
        match child.local_name() {
            "appSettings" => sections.push(child),
            "location" if own_level(child) => {
                sections.extend(child.children_named("appSettings"));
            }
            _ => {}
        }
    }
    match sections.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some(*one)),
        many => Err(Lookup::SeveralSections(
            many.iter().map(|e| e.pos).collect(),
        )),
    }
}

/// The key's state after reading `parts` in order (the inline section, then the
/// `file=` one): each part's `<add>`, `<remove>` and `<clear/>` apply to what the
/// parts before left.
pub fn settle(parts: &[&Element], key: &str) -> Lookup {
    let matches = |e: &Element| {
        e.attr("key")
            .is_some_and(|k| k.value.eq_ignore_ascii_case(key))
    };
    // (part, element, value) of the live adds; all adds of the winning part.
    let mut adds: Vec<(usize, &Element, String)> = Vec::new();
    let mut removed_at: Option<(usize, Pos)> = None;
    for (index, section) in parts.iter().enumerate() {
        for child in &section.children {
            match child.local_name() {
                "add" if matches(child) => {
                    let value = child
                        .attr("value")
                        .map(|a| a.value.clone())
                        .unwrap_or_default();
                    adds.push((index, child, value));
                }
                "remove" if matches(child) => {
                    adds.clear();
                    removed_at = Some((index, child.pos));
                }
                "clear" => {
                    adds.clear();
                    removed_at = Some((index, child.pos));
                }
                _ => {}
            }
        }
    }
    match adds.last() {
        Some((file, element, value)) => Lookup::Found {
            value: value.clone(),
            pos: element.pos,
            adds: adds
                .iter()
                .filter(|(f, _, _)| f == file)
                .map(|(_, e, _)| e.pos)
                .collect(),
            file: *file,
        },
        None => Lookup::Missing {
            section: parts.first().map(|s| s.pos),
            removed_at: removed_at.map(|(_, p)| p),
            file: removed_at.map_or(0, |(f, _)| f),
        },
    }
}

/// The key in one web.config on its own: `External` where the section points
/// at another file (which [`Params::run`] then reads).
pub fn lookup(root: &Element, key: &str) -> Lookup {
    let section = match own_section(root) {
        Err(l) => return l,
        Ok(None) => {
            return Lookup::Missing {
                section: None,
                removed_at: None,
                file: 0,
            };
        }
        Ok(Some(s)) => s,
    };
    if let Some((attribute, value, pos)) = external(section) {
        return Lookup::External {
            attribute: attribute.to_string(),
            value: value.to_string(),
            pos,
        };
    }
    settle(&[section], key)
}

/// `configSource=` (first, as it replaces the section) or `file=`.
fn external(section: &Element) -> Option<(&'static str, &str, Pos)> {
    ["configSource", "file"].into_iter().find_map(|attribute| {
        section
            .attr(attribute)
            .map(|a| (attribute, a.value.as_str(), a.pos))
    })
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
            ..
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
        Lookup::Found {
            value, pos, adds, ..
        } => (value, pos, adds),
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
            Lookup::Found {
                value, pos, adds, ..
            } => {
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
    fn a_location_for_the_file_itself_is_the_applications_level() {
        for path in [r#"path=".""#, r#"path="""#, ""] {
            let r = root(&format!(
                r#"<configuration><location {path}><appSettings><add key="k" value="a"/></appSettings></location></configuration>"#
            ));
            assert!(
                matches!(lookup(&r, "k"), Lookup::Found { value, .. } if value == "a"),
                "{path}"
            );
        }
        let child = root(
            r#"<configuration><location path="api"><appSettings><add key="k" value="a"/></appSettings></location></configuration>"#,
        );
        assert!(matches!(
            lookup(&child, "k"),
            Lookup::Missing { section: None, .. }
        ));
        // Beside a top-level section it is the same section twice.
        let twice = root(
            r#"<configuration><appSettings/><location path="."><appSettings/></location></configuration>"#,
        );
        assert!(matches!(lookup(&twice, "k"), Lookup::SeveralSections(p) if p.len() == 2));
    }

    #[test]
    fn a_file_part_applies_after_the_inline_one() {
        let inline = root(
            r#"<appSettings><add key="k" value="inline"/><add key="k" value="inline2"/></appSettings>"#,
        );
        let file = root(r#"<appSettings><add key="K" value="file"/></appSettings>"#);
        match settle(&[&inline, &file], "k") {
            Lookup::Found {
                value, adds, file, ..
            } => {
                assert_eq!((value.as_str(), file), ("file", 1));
                // Overriding the inline value is the point of file=, not a duplicate.
                assert_eq!(adds.len(), 1);
            }
            other => panic!("{other:?}"),
        }
        let clears = root(r#"<appSettings><clear/></appSettings>"#);
        assert!(matches!(
            settle(&[&inline, &clears], "k"),
            Lookup::Missing {
                file: 1,
                removed_at: Some(_),
                ..
            }
        ));
    }

    #[test]
    fn external_paths_are_relative_to_the_web_config_and_confined() {
        let env = Env::new('C', &std::collections::BTreeMap::new());
        let web = ServerPath::parse(r"C:\inetpub\wwwroot\TMS\web.config", &env).unwrap();
        let p = |v: &str, cs: bool| external_path(&web, v, cs, &env).map(|p| p.to_string());
        assert_eq!(
            p(r"Config\a.config", true).unwrap(),
            r"C:\inetpub\wwwroot\TMS\Config\a.config"
        );
        assert_eq!(p(r"..\..\s.config", false).unwrap(), r"C:\inetpub\s.config");
        assert_eq!(
            p(r"..\..\..\..\..\s.config", false).unwrap(),
            r"C:\s.config"
        );
        assert_eq!(p(r"D:\s.config", false).unwrap(), r"D:\s.config");
        assert!(p(r"..\a.config", true).is_err());
        assert!(p(r"C:\a.config", true).is_err());
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
