//! IIS configuration as it applies to one URL, from parsed applicationHost.config
//! and web.config trees: which site and path serve a physical folder, and what
//! a `system.webServer` section or collection amounts to after IIS merges its
//! levels. Pure: the caller reads the files and hands in parsed elements.
//!
//! IIS merges configuration by URL level: the server (applicationHost.config's
//! own sections and `<location path="">`), then for each level down the URL
//! (`Site`, `Site/app`, …) the `<location>`s that name exactly that level, in
//! the order of the file that holds them (applicationHost.config first, then
//! each web.config above), then that level's own web.config. Later layers
//! override attributes; collections apply `<add>`, `<remove>` and `<clear/>` in
//! order.

use crate::path::ServerPath;
use crate::text::Pos;
use crate::xml::Element;

/// A site from `system.applicationHost/sites`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Site {
    pub name: String,
    pub pos: Pos,
    pub applications: Vec<Application>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Application {
    /// URL path segments (`/` is empty).
    pub path: Vec<String>,
    pub directories: Vec<VirtualDirectory>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VirtualDirectory {
    /// URL path segments below the application.
    pub path: Vec<String>,
    /// `physicalPath` as written (`%SystemDrive%\inetpub\wwwroot`).
    pub physical: String,
    pub pos: Pos,
}

/// URL path segments of `/a/b/`.
fn url_segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty() && *s != ".")
        .map(str::to_string)
        .collect()
}

fn same(a: &str, b: &str) -> bool {
    crate::path::fold(a) == crate::path::fold(b)
}

fn starts_with(long: &[String], prefix: &[String]) -> bool {
    long.len() >= prefix.len() && long.iter().zip(prefix).all(|(a, b)| same(a, b))
}

/// The sites an applicationHost.config defines.
pub fn sites(root: &Element) -> Vec<Site> {
    let Some(list) = root
        .child("system.applicationHost")
        .and_then(|a| a.child("sites"))
    else {
        return Vec::new();
    };
    list.children_named("site")
        .filter_map(|site| {
            let name = site.attr("name")?.value.clone();
            let applications = site
                .children_named("application")
                .map(|app| Application {
                    path: url_segments(app.attr("path").map_or("/", |a| a.value.as_str())),
                    directories: app
                        .children_named("virtualDirectory")
                        .filter_map(|vd| {
                            Some(VirtualDirectory {
                                path: url_segments(
                                    vd.attr("path").map_or("/", |a| a.value.as_str()),
                                ),
                                physical: vd.attr("physicalPath")?.value.clone(),
                                pos: vd.pos,
                            })
                        })
                        .collect(),
                })
                .collect();
            Some(Site {
                name,
                pos: site.pos,
                applications,
            })
        })
        .collect()
}

/// Where a folder is served: the site, and the URL below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hosted {
    pub site: String,
    /// The site's line in applicationHost.config.
    pub site_pos: Pos,
    /// URL path segments of the folder below the site.
    pub url: Vec<String>,
    /// URL path of the application the folder belongs to.
    pub application: Vec<String>,
}

impl Hosted {
    /// `Site/url/path`, the form `<location path>` uses.
    pub fn config_path(&self) -> String {
        std::iter::once(self.site.as_str())
            .chain(self.url.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join("/")
    }

    /// The deepest URL level, `Site/a/b` (as segments): the site and the URL.
    pub fn target(&self) -> Vec<String> {
        std::iter::once(self.site.clone())
            .chain(self.url.iter().cloned())
            .collect()
    }
}

/// The site and URL that serve `folder`: the virtual directory whose physical
/// path is the longest prefix of it. `physical` turns a `physicalPath` into a
/// server path (expanding `%SystemDrive%`), or `None` when it cannot.
pub fn hosting(
    sites: &[Site],
    folder: &ServerPath,
    physical: &dyn Fn(&str) -> Option<ServerPath>,
) -> Option<Hosted> {
    let mut best: Option<(usize, Hosted)> = None;
    for site in sites {
        for app in &site.applications {
            for vd in &app.directories {
                let Some(base) = physical(&vd.physical) else {
                    continue;
                };
                if !folder.starts_with(&base) {
                    continue;
                }
                let depth = base.segments().len();
                if best.as_ref().is_some_and(|(d, _)| *d >= depth) {
                    continue;
                }
                let rest = &folder.segments()[depth..];
                let url = app
                    .path
                    .iter()
                    .chain(&vd.path)
                    .chain(rest)
                    .cloned()
                    .collect();
                best = Some((
                    depth,
                    Hosted {
                        site: site.name.clone(),
                        site_pos: site.pos,
                        url,
                        application: app.path.clone(),
                    },
                ));
            }
        }
    }
    best.map(|(_, h)| h)
}

/// The physical folder that serves a URL of a site (the virtual directory
/// with the longest URL prefix, plus the rest of the URL).
pub fn folder_of(
    site: &Site,
    url: &[String],
    physical: &dyn Fn(&str) -> Option<ServerPath>,
) -> Option<ServerPath> {
    let best = serving(site, url).into_iter().fold(
        None,
        |best: Option<(usize, &VirtualDirectory)>, (len, vd)| match best {
            Some((b, _)) if b >= len => best,
            _ => Some((len, vd)),
        },
    );
    let (n, vd) = best?;
    let mut path = physical(&vd.physical)?;
    for seg in &url[n..] {
        push(&mut path, seg);
    }
    Some(path)
}

fn push(path: &mut ServerPath, segment: &str) {
    match path {
        ServerPath::Windows { segments, .. } | ServerPath::Posix { segments } => {
            segments.push(segment.to_string())
        }
    }
}

/// The virtual directories whose URL (application path, then its own) is a
/// prefix of `url`, with that prefix's length, in the order IIS lists them.
/// Linear in the segments: no prefix is built.
fn serving<'a>(site: &'a Site, url: &[String]) -> Vec<(usize, &'a VirtualDirectory)> {
    let mut found = Vec::new();
    for app in &site.applications {
        for vd in &app.directories {
            let len = app.path.len() + vd.path.len();
            if len <= url.len()
                && app
                    .path
                    .iter()
                    .chain(&vd.path)
                    .zip(url)
                    .all(|(a, b)| same(a, b))
            {
                found.push((len, vd));
            }
        }
    }
    found
}

/// Calls `visit(level, folder)` with the folder of every level of `url`, as
/// [`folder_of`] finds each, from the site's root (`url[..0]`) down, in one
/// pass: each folder is the one above with one segment pushed in place. When
/// `visit` returns false (that folder does not exist), the levels below it are
/// skipped until a deeper virtual directory takes over: they cannot exist
/// either. So the work is linear in the segments plus the levels that exist
/// (a URL of 10,000 segments took minutes and gigabytes).
pub fn walk_levels(
    site: &Site,
    url: &[String],
    physical: &dyn Fn(&str) -> Option<ServerPath>,
    visit: &mut dyn FnMut(usize, &ServerPath) -> bool,
) {
    let mut vds = serving(site, url);
    // The longest prefix at or above each level wins; among equal ones, the
    // first (the sort is stable).
    vds.sort_by_key(|(len, _)| *len);
    let mut next = 0;
    let mut folder: Option<ServerPath> = None;
    for n in 0..=url.len() {
        let here = vds
            .get(next)
            .filter(|(len, _)| *len == n)
            .map(|(_, vd)| *vd);
        while vds.get(next).is_some_and(|(len, _)| *len == n) {
            next += 1;
        }
        if let Some(vd) = here {
            folder = physical(&vd.physical);
        } else if n > 0 {
            if let Some(f) = folder.as_mut() {
                push(f, &url[n - 1]);
            }
        }
        if let Some(f) = &folder {
            if !visit(n, f) {
                folder = None;
            }
        }
    }
}

/// An application that serves a product, found by its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedApplication {
    pub site: String,
    /// URL path of the application below the site (`["SecretServer", "TMS"]`);
    /// empty for a site of that name's root application.
    pub url: Vec<String>,
    /// The folder serving it (the root virtual directory's `physicalPath`),
    /// or `None` when that path cannot be read as a server path.
    pub folder: Option<ServerPath>,
    /// `physicalPath` as written.
    pub physical: String,
    /// The virtual directory's line in applicationHost.config.
    pub pos: Pos,
}

impl NamedApplication {
    /// `/SecretServer/TMS`, as IIS Manager shows an application's path.
    pub fn url_path(&self) -> String {
        format!("/{}", self.url.join("/"))
    }
}

/// The applications named `name` (any case), in file order: an application
/// whose URL path ends with it (`/TMS`, `/SecretServer/TMS`), or the root
/// application of a site of that name.
pub fn applications_named(
    sites: &[Site],
    name: &str,
    physical: &dyn Fn(&str) -> Option<ServerPath>,
) -> Vec<NamedApplication> {
    let mut out = Vec::new();
    for site in sites {
        for app in &site.applications {
            let named = match app.path.last() {
                Some(last) => same(last, name),
                None => same(&site.name, name),
            };
            // The application's own folder is its root virtual directory's.
            let Some(vd) = app.directories.iter().find(|vd| vd.path.is_empty()) else {
                continue;
            };
            if named {
                out.push(NamedApplication {
                    site: site.name.clone(),
                    url: app.path.clone(),
                    folder: physical(&vd.physical),
                    physical: vd.physical.clone(),
                    pos: vd.pos,
                });
            }
        }
    }
    out
}

/// A `system.webServer` element that applies to the URL, and where it sits.
#[derive(Debug, Clone, Copy)]
pub struct Layer<'a> {
    pub section_group: &'a Element,
    /// Index of the file it came from, in the caller's list.
    pub file: usize,
}

/// A configuration file for [`layers`]: its root element, and the URL level
/// (number of segments, site name included) it sits at: 0 for applicationHost.config.
pub struct ConfigFile<'a> {
    pub root: &'a Element,
    pub level: usize,
}

/// The `system.webServer` layers that apply to `target` (site name then URL
/// segments, as [`Hosted::target`] gives), in IIS's merge order. `files[0]`
/// is applicationHost.config; the others are web.configs at their levels.
/// `application` is the URL of the target's application (for
/// `inheritInChildApplications="false"`).
pub fn layers<'a>(
    files: &[ConfigFile<'a>],
    target: &[String],
    application: &[String],
) -> Vec<Layer<'a>> {
    // (level the layer applies at, level of the file holding it, order seen)
    let mut found: Vec<((usize, usize, usize), Layer<'a>)> = Vec::new();
    let mut seq = 0;
    for (index, file) in files.iter().enumerate() {
        // The file's own URL: what its location paths are relative to.
        let base = &target[..file.level.min(target.len())];
        let mut push = |level: usize, group: &'a Element| {
            found.push((
                (level, file.level, seq),
                Layer {
                    section_group: group,
                    file: index,
                },
            ));
            seq += 1;
        };
        for child in &file.root.children {
            match child.local_name() {
                "system.webServer" => push(file.level, child),
                "location" => {
                    let path: Vec<String> = base
                        .iter()
                        .cloned()
                        .chain(url_segments(
                            child.attr("path").map_or("", |a| a.value.as_str()),
                        ))
                        .collect();
                    if !starts_with(target, &path) {
                        continue;
                    }
                    let inherit = child
                        .attr("inheritInChildApplications")
                        .is_none_or(|a| !a.value.trim().eq_ignore_ascii_case("false"));
                    // The application's config path includes the site name.
                    if !inherit && path.len() < application.len() + 1 {
                        continue;
                    }
                    for group in child.children_named("system.webServer") {
                        push(path.len(), group);
                    }
                }
                _ => {}
            }
        }
    }
    found.sort_by_key(|(key, _)| *key);
    found.into_iter().map(|(_, layer)| layer).collect()
}

/// The elements at `path` below `group`: a section's name (`webSocket`), or
/// its path through section groups (`security/authentication/windowsAuthentication`).
fn nested<'a>(group: &'a Element, path: &str) -> Vec<&'a Element> {
    path.split('/').fold(vec![group], |found, segment| {
        found
            .into_iter()
            .flat_map(|e| e.children_named(segment))
            .collect()
    })
}

/// What applicationHost.config's `<location overrideMode="…">` tags say about
/// delegating a `system.webServer` section (by name or path, as [`attribute`]
/// takes it) to web.config files for `target`.
/// The attribute governs the sections the location holds, so only locations
/// that hold `section` count; the deepest covering one wins. `None` when none says.
pub fn override_mode(host: &Element, target: &[String], section: &str) -> Option<(bool, Pos)> {
    host.children_named("location")
        .filter(|l| {
            l.children_named("system.webServer")
                .any(|g| !nested(g, section).is_empty())
        })
        .filter_map(|l| {
            let path = url_segments(l.attr("path").map_or("", |a| a.value.as_str()));
            let mode = l.attr("overrideMode")?;
            let allow = match mode.value.trim() {
                m if m.eq_ignore_ascii_case("allow") => true,
                m if m.eq_ignore_ascii_case("deny") => false,
                _ => return None,
            };
            starts_with(target, &path).then_some((path.len(), (allow, l.pos)))
        })
        .max_by_key(|(depth, (_, pos))| (*depth, pos.line, pos.column))
        .map(|(_, decided)| decided)
}

/// The element that decided a value, and the layer it is in.
#[derive(Debug, Clone, Copy)]
pub struct Decided<'a> {
    pub element: &'a Element,
    pub file: usize,
}

/// An attribute of a section (`webSocket`'s `enabled`; a section in a group by
/// its path, `security/authentication/windowsAuthentication`) after merging:
/// the last layer that sets it wins. `None` when no layer sets it.
pub fn attribute<'a>(
    layers: &[Layer<'a>],
    section: &str,
    attribute: &str,
) -> Option<(String, Decided<'a>)> {
    let mut last = None;
    for layer in layers {
        for element in nested(layer.section_group, section) {
            if let Some(a) = element.attr(attribute) {
                last = Some((
                    a.value.clone(),
                    Decided {
                        element,
                        file: layer.file,
                    },
                ));
            }
        }
    }
    last
}

/// Whether a collection (`modules`, `globalModules`) holds an entry named
/// `name` (case-insensitively) after merging, and the element that decided:
/// the `<add>`, or the `<remove>`/`<clear/>` that took it out. `None` when no
/// layer mentions it.
pub fn collection_has<'a>(
    layers: &[Layer<'a>],
    collection: &str,
    name: &str,
) -> Option<(bool, Decided<'a>)> {
    let mut state: Option<(bool, Decided<'a>)> = None;
    for layer in layers {
        for list in layer.section_group.children_named(collection) {
            for item in &list.children {
                let names_it = item.attr("name").is_some_and(|a| same(&a.value, name));
                let present = match item.local_name() {
                    "add" if names_it => true,
                    "remove" if names_it => false,
                    "clear" => false,
                    _ => continue,
                };
                // A clear while the entry is absent changes nothing worth pointing at.
                if item.local_name() == "clear" && !state.is_some_and(|(p, _)| p) {
                    continue;
                }
                state = Some((
                    present,
                    Decided {
                        element: item,
                        file: layer.file,
                    },
                ));
            }
        }
    }
    state
}

/// Where an application's pool comes from (IIS: the application's own
/// `applicationPool`, else its site's `<applicationDefaults>`, else the
/// server's `<sites><applicationDefaults>`, else the schema's DefaultAppPool).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PoolFrom {
    Application,
    Site(Pos),
    Server(Pos),
    Schema,
}

/// The pool IIS's schema gives an application no level names one for.
pub const DEFAULT_APP_POOL: &str = "DefaultAppPool";

/// An application and the pool IIS runs it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssignedPool {
    /// URL path of the application below its site (empty: the root application).
    pub application: Vec<String>,
    /// The `<application>` element's line.
    pub pos: Pos,
    pub pool: String,
    pub from: PoolFrom,
}

/// The application that serves `hosted` and the applications below its URL
/// (a product's own sub-applications, `/TMS/Agent`), in file order, each with
/// its pool. Empty when applicationHost.config has no such site.
pub fn serving_pools(root: &Element, hosted: &Hosted) -> Vec<AssignedPool> {
    let Some(sites) = root
        .child("system.applicationHost")
        .and_then(|a| a.child("sites"))
    else {
        return Vec::new();
    };
    let Some(site) = sites
        .children_named("site")
        .find(|s| s.attr("name").is_some_and(|n| same(&n.value, &hosted.site)))
    else {
        return Vec::new();
    };
    let default_of = |e: &Element| {
        e.child("applicationDefaults")
            .and_then(|d| Some((d.attr("applicationPool")?.value.clone(), d.pos)))
    };
    let (default, default_from) = match (default_of(site), default_of(sites)) {
        (Some((name, pos)), _) => (name, PoolFrom::Site(pos)),
        (None, Some((name, pos))) => (name, PoolFrom::Server(pos)),
        (None, None) => (DEFAULT_APP_POOL.to_string(), PoolFrom::Schema),
    };
    let at_or_below = |path: &[String]| {
        (path.len() == hosted.application.len() && starts_with(path, &hosted.application))
            || (path.len() > hosted.url.len() && starts_with(path, &hosted.url))
    };
    site.children_named("application")
        .filter_map(|app| {
            let path = url_segments(app.attr("path").map_or("/", |a| a.value.as_str()));
            if !at_or_below(&path) {
                return None;
            }
            let (pool, from) = match app.attr("applicationPool") {
                Some(a) => (a.value.clone(), PoolFrom::Application),
                None => (default.clone(), default_from),
            };
            Some(AssignedPool {
                application: path,
                pos: app.pos,
                pool,
                from,
            })
        })
        .collect()
}

/// A pool attribute's effective value, and the element that set it (the
/// pool's `<add>` or `<applicationPoolDefaults>`); `None` for the schema's default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PoolSetting<'a> {
    pub value: &'a str,
    pub set_by: Option<&'a Element>,
}

/// An application pool defined in `system.applicationHost/applicationPools`.
#[derive(Debug, Clone, Copy)]
pub struct AppPool<'a> {
    pub element: &'a Element,
    /// Whether W3SVC starts it when IIS starts (schema default `true`).
    pub auto_start: PoolSetting<'a>,
    /// `OnDemand` (the schema default) or `AlwaysRunning`.
    pub start_mode: PoolSetting<'a>,
}

/// The pool named `name` (any case, as IIS compares pool names) after the
/// collection's `<add>`, `<remove>` and `<clear/>`; `None` when it is not defined.
pub fn app_pool<'a>(root: &'a Element, name: &str) -> Option<AppPool<'a>> {
    let list = root
        .child("system.applicationHost")
        .and_then(|a| a.child("applicationPools"))?;
    let mut found = None;
    for item in &list.children {
        let names_it = item.attr("name").is_some_and(|a| same(&a.value, name));
        match item.local_name() {
            "add" if names_it => found = Some(item),
            "remove" if names_it => found = None,
            "clear" => found = None,
            _ => {}
        }
    }
    let element = found?;
    let defaults = list.child("applicationPoolDefaults");
    let setting = |attribute: &str, schema: &'static str| {
        [Some(element), defaults]
            .into_iter()
            .flatten()
            .find_map(|e| {
                Some(PoolSetting {
                    value: e.attr(attribute)?.value.as_str(),
                    set_by: Some(e),
                })
            })
            .unwrap_or(PoolSetting {
                value: schema,
                set_by: None,
            })
    };
    Some(AppPool {
        element,
        auto_start: setting("autoStart", "true"),
        start_mode: setting("startMode", "OnDemand"),
    })
}

/// The URL path of the application that holds `url` in `site`: the longest
/// application path that is a prefix of it (for `inheritInChildApplications`).
pub fn application_of(site: &Site, url: &[String]) -> Vec<String> {
    site.applications
        .iter()
        .filter(|a| starts_with(url, &a.path))
        .max_by_key(|a| a.path.len())
        .map(|a| a.path.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::Env;

    fn parse(text: &str) -> Element {
        crate::xml::parse_str(text).unwrap()
    }

    fn physical(raw: &str) -> Option<ServerPath> {
        ServerPath::parse(raw, &Env::new('C', &Default::default())).ok()
    }

    fn path(raw: &str) -> ServerPath {
        physical(raw).unwrap()
    }

    const HOST: &str = r#"<configuration>
  <system.applicationHost>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" />
        </application>
        <application path="/Web Application">
          <virtualDirectory path="/" physicalPath="D:\PSR\WebApp" />
        </application>
      </site>
      <site name="Intranet" id="2">
        <application path="/">
          <virtualDirectory path="/" physicalPath="C:\inetpub\intranet" />
        </application>
      </site>
    </sites>
  </system.applicationHost>
  <system.webServer>
    <globalModules><add name="WebSocketModule" image="iiswsock.dll" /></globalModules>
    <modules><add name="WebSocketModule" lockItem="true" /></modules>
  </system.webServer>
  <location path="Intranet"><system.webServer><webSocket enabled="false" /></system.webServer></location>
  <location path="Default Web Site"><system.webServer><webSocket enabled="false" /></system.webServer></location>
  <location path="Default Web Site/Web Application"><system.webServer><webSocket enabled="true" /></system.webServer></location>
</configuration>"#;

    #[test]
    fn a_folder_is_served_by_the_longest_matching_virtual_directory() {
        let host = parse(HOST);
        let sites = sites(&host);
        assert_eq!(sites.len(), 2);
        let h = hosting(&sites, &path(r"D:\PSR\WebApp"), &physical).unwrap();
        assert_eq!(h.config_path(), "Default Web Site/Web Application");
        assert_eq!(h.application, ["Web Application"]);
        let h = hosting(
            &sites,
            &path(r"c:\INETPUB\wwwroot\Web Application\sub"),
            &physical,
        )
        .unwrap();
        assert_eq!(h.config_path(), "Default Web Site/Web Application/sub");
        assert!(h.application.is_empty());
        assert!(hosting(&sites, &path(r"E:\elsewhere"), &physical).is_none());
        let site = &sites[0];
        let url = ["Web Application".to_string()];
        assert_eq!(
            folder_of(site, &url, &physical).unwrap().to_string(),
            r"D:\PSR\WebApp"
        );
        assert_eq!(
            folder_of(site, &[], &physical).unwrap().to_string(),
            r"C:\inetpub\wwwroot"
        );
    }

    #[test]
    fn an_application_path_of_thousands_of_segments_is_walked_level_by_level() {
        // Issue 15: 10,000 segments once took over 10 minutes (each level rebuilt
        // every prefix). An application deep down takes over at its level.
        let n = 3_000;
        let segs: Vec<String> = (0..n).map(|i| format!("s{i}")).collect();
        let app = segs[..n / 2].join("/");
        let host = parse(&format!(
            r#"<configuration><system.applicationHost><sites>
  <site name="S" id="1">
    <application path="/"><virtualDirectory path="/" physicalPath="C:\w" /></application>
    <application path="/{app}"><virtualDirectory path="/" physicalPath="D:\deep" /></application>
  </site></sites></system.applicationHost></configuration>"#
        ));
        let site = &sites(&host)[0];
        let mut levels = 0;
        let mut last = None;
        walk_levels(site, &segs, &physical, &mut |i, folder| {
            let (drive, below) = if i < n / 2 {
                ('C', i + 1)
            } else {
                ('D', i - n / 2 + 1)
            };
            assert_eq!(folder.segments().len(), below, "level {i}");
            assert!(folder.to_string().starts_with(drive));
            levels += 1;
            if i == n {
                last = Some(folder.clone());
            }
            true
        });
        assert_eq!(levels, n + 1);
        // A folder that does not exist ends the walk until the next application.
        let mut visited = Vec::new();
        walk_levels(site, &segs, &physical, &mut |i, _| {
            visited.push(i);
            i != 10
        });
        assert_eq!(visited.len(), 11 + (n - n / 2 + 1));
        assert_eq!(visited[11], n / 2);
        assert_eq!(folder_of(site, &segs, &physical), last);
    }

    #[test]
    fn applications_are_found_by_the_last_segment_of_their_path_or_their_site() {
        let host = parse(
            r#"<configuration><system.applicationHost><sites>
  <site name="Default Web Site" id="1">
    <application path="/"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" /></application>
    <application path="/SecretServer"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot\SecretServer" /></application>
    <application path="/SecretServer/tms">
      <virtualDirectory path="/logs" physicalPath="E:\logs" />
      <virtualDirectory path="/" physicalPath="D:\Delinea\TMS\" />
    </application>
    <application path="/TMSAgent"><virtualDirectory path="/" physicalPath="C:\agent" /></application>
    <application path="/NoRoot"><virtualDirectory path="/sub" physicalPath="C:\x" /></application>
  </site>
  <site name="TMS" id="2">
    <application path="/"><virtualDirectory path="/" physicalPath="relative\path" /></application>
  </site>
</sites></system.applicationHost></configuration>"#,
        );
        let sites = sites(&host);
        let tms = applications_named(&sites, "TMS", &physical);
        assert_eq!(tms.len(), 2, "{tms:?}");
        assert_eq!(tms[0].site, "Default Web Site");
        assert_eq!(tms[0].url_path(), "/SecretServer/tms");
        assert_eq!(
            tms[0].folder.as_ref().unwrap().to_string(),
            r"D:\Delinea\TMS"
        );
        assert_eq!(tms[0].pos.line, 7);
        // A site named TMS serves it at its root; its physicalPath is unusable.
        assert_eq!(
            (tms[1].site.as_str(), tms[1].url_path()),
            ("TMS", "/".to_string())
        );
        assert_eq!(tms[1].folder, None);
        assert_eq!(tms[1].physical, r"relative\path");
        let ss = applications_named(&sites, "secretserver", &physical);
        assert_eq!(ss.len(), 1);
        assert_eq!(
            ss[0].folder.as_ref().unwrap().to_string(),
            r"C:\inetpub\wwwroot\SecretServer"
        );
        assert!(applications_named(&sites, "NoRoot", &physical).is_empty());
        assert!(applications_named(&[], "TMS", &physical).is_empty());
    }

    #[test]
    fn locations_merge_by_level_and_the_nearest_wins() {
        let host = parse(HOST);
        let files = [ConfigFile {
            root: &host,
            level: 0,
        }];
        let target = [
            "Default Web Site".to_string(),
            "Web Application".to_string(),
        ];
        let l = layers(&files, &target, &target[1..]);
        let (value, decided) = attribute(&l, "webSocket", "enabled").unwrap();
        assert_eq!(value, "true");
        assert_eq!(decided.element.pos.line, 25);
        // The site root itself is disabled; another site's location does not apply.
        let l = layers(&files, &target[..1], &[]);
        assert_eq!(attribute(&l, "webSocket", "enabled").unwrap().0, "false");
        assert_eq!(
            attribute(&l, "webSocket", "enabled")
                .unwrap()
                .1
                .element
                .pos
                .line,
            24
        );
    }

    #[test]
    fn a_web_config_overrides_the_locations_above_it() {
        let host = parse(HOST);
        let app = parse(
            r#"<configuration><system.webServer><webSocket enabled="false" /><modules><remove name="websocketmodule" /></modules></system.webServer></configuration>"#,
        );
        let files = [
            ConfigFile {
                root: &host,
                level: 0,
            },
            ConfigFile {
                root: &app,
                level: 2,
            },
        ];
        let target = [
            "Default Web Site".to_string(),
            "Web Application".to_string(),
        ];
        let l = layers(&files, &target, &target[1..]);
        let (value, decided) = attribute(&l, "webSocket", "enabled").unwrap();
        assert_eq!((value.as_str(), decided.file), ("false", 1));
        let (present, decided) = collection_has(&l, "modules", "WebSocketModule").unwrap();
        assert!(!present);
        assert_eq!(decided.element.local_name(), "remove");
        let (present, _) = collection_has(&l, "globalModules", "WebSocketModule").unwrap();
        assert!(present);
    }

    #[test]
    fn a_location_that_does_not_inherit_skips_child_applications() {
        let host = parse(
            r#"<configuration>
  <location path="Default Web Site" inheritInChildApplications="false">
    <system.webServer><webSocket enabled="false" /></system.webServer>
  </location>
</configuration>"#,
        );
        let files = [ConfigFile {
            root: &host,
            level: 0,
        }];
        let target = [
            "Default Web Site".to_string(),
            "Web Application".to_string(),
        ];
        // A child application: not covered.
        assert!(
            attribute(
                &layers(&files, &target, &target[1..]),
                "webSocket",
                "enabled"
            )
            .is_none()
        );
        // A plain folder of the root application: covered.
        assert!(attribute(&layers(&files, &target, &[]), "webSocket", "enabled").is_some());
    }

    #[test]
    fn the_deepest_location_decides_delegation() {
        let host = parse(
            r#"<configuration>
  <location path="" overrideMode="Deny"><system.webServer><webSocket /></system.webServer></location>
  <location path="Default Web Site" overrideMode="Allow"><system.webServer><webSocket /></system.webServer></location>
  <location path="Default Web Site/x" overrideMode="Deny"><system.webServer><modules /></system.webServer></location>
</configuration>"#,
        );
        let site = ["Default Web Site".to_string(), "x".to_string()];
        // The deeper location holds another section: it says nothing about webSocket.
        assert_eq!(
            override_mode(&host, &site, "webSocket").map(|(a, p)| (a, p.line)),
            Some((true, 3))
        );
        let other = ["Other".to_string()];
        assert_eq!(
            override_mode(&host, &other, "webSocket").map(|(a, _)| a),
            Some(false)
        );
        assert_eq!(
            override_mode(&parse("<configuration/>"), &other, "webSocket"),
            None
        );
    }

    #[test]
    fn clear_removes_what_was_added_before() {
        let host = parse(
            r#"<configuration><system.webServer>
<modules><clear /><add name="WebSocketModule" /></modules>
<modules><clear /></modules>
</system.webServer></configuration>"#,
        );
        let files = [ConfigFile {
            root: &host,
            level: 0,
        }];
        let l = layers(&files, &["S".to_string()], &[]);
        let (present, decided) = collection_has(&l, "modules", "WebSocketModule").unwrap();
        assert!(!present);
        assert_eq!(decided.element.pos.line, 3);
    }

    const POOLS: &str = r#"<configuration>
  <system.applicationHost>
    <applicationPools>
      <add name="DefaultAppPool" />
      <add name="TMS" startMode="AlwaysRunning" />
      <add name="TMSAgent" autoStart="false" />
      <add name="Old" />
      <remove name="old" />
      <applicationPoolDefaults autoStart="true" managedRuntimeVersion="v4.0" />
    </applicationPools>
    <sites>
      <site name="Default Web Site" id="1">
        <application path="/">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" />
        </application>
        <application path="/TMS" applicationPool="TMS">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot\TMS" />
        </application>
        <application path="/TMS/Agent" applicationPool="TMSAgent">
          <virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot\TMS\Agent" />
        </application>
        <application path="/TMSOther">
          <virtualDirectory path="/" physicalPath="C:\other" />
        </application>
        <applicationDefaults applicationPool="Old" />
      </site>
    </sites>
  </system.applicationHost>
</configuration>"#;

    #[test]
    fn the_applications_at_and_below_a_url_name_their_pools_or_inherit_the_site_default() {
        let host = parse(POOLS);
        let sites = sites(&host);
        let h = hosting(&sites, &path(r"C:\inetpub\wwwroot\TMS"), &physical).unwrap();
        let pools = serving_pools(&host, &h);
        let named: Vec<(String, &str, PoolFrom)> = pools
            .iter()
            .map(|a| (a.application.join("/"), a.pool.as_str(), a.from))
            .collect();
        assert_eq!(
            named,
            [
                ("TMS".to_string(), "TMS", PoolFrom::Application),
                ("TMS/Agent".to_string(), "TMSAgent", PoolFrom::Application),
            ]
        );
        // A plain folder of the root application: the root's pool, from the site's default.
        let h = hosting(&sites, &path(r"C:\inetpub\wwwroot\Plain"), &physical).unwrap();
        let pools = serving_pools(&host, &h);
        assert_eq!(pools.len(), 1);
        assert_eq!(pools[0].application, Vec::<String>::new());
        assert_eq!(pools[0].pool, "Old");
        assert!(matches!(pools[0].from, PoolFrom::Site(p) if p.line == 25));
    }

    #[test]
    fn a_pool_takes_its_settings_from_its_add_then_the_defaults_then_the_schema() {
        let host = parse(POOLS);
        let tms = app_pool(&host, "tms").unwrap();
        assert_eq!(tms.start_mode.value, "AlwaysRunning");
        assert_eq!(tms.auto_start.value, "true");
        assert_eq!(
            tms.auto_start.set_by.map(|e| e.name.as_str()),
            Some("applicationPoolDefaults")
        );
        let agent = app_pool(&host, "TMSAgent").unwrap();
        assert_eq!(agent.auto_start.value, "false");
        assert_eq!(agent.auto_start.set_by.map(|e| e.pos.line), Some(6));
        assert_eq!(agent.start_mode.value, "OnDemand");
        assert!(agent.start_mode.set_by.is_none());
        // Removed again, or never added: not defined.
        assert!(app_pool(&host, "Old").is_none());
        assert!(app_pool(&host, "TMSWorker").is_none());
    }

    #[test]
    fn a_section_in_a_group_is_found_by_its_path() {
        let host = parse(
            r#"<configuration>
  <location path="Default Web Site/TMS/Setup" overrideMode="Allow"><system.webServer><security><authentication><windowsAuthentication enabled="true" /></authentication></security></system.webServer></location>
</configuration>"#,
        );
        let target: Vec<String> = ["Default Web Site", "TMS", "Setup"]
            .map(String::from)
            .to_vec();
        let section = "security/authentication/windowsAuthentication";
        let l = layers(
            &[ConfigFile {
                root: &host,
                level: 0,
            }],
            &target,
            &[],
        );
        let (value, decided) = attribute(&l, section, "enabled").unwrap();
        assert_eq!((value.as_str(), decided.element.pos.line), ("true", 2));
        assert_eq!(
            override_mode(&host, &target, section).map(|(a, _)| a),
            Some(true)
        );
        assert!(
            attribute(
                &layers(
                    &[ConfigFile {
                        root: &host,
                        level: 0
                    }],
                    &target[..2],
                    &[]
                ),
                section,
                "enabled"
            )
            .is_none()
        );
        let sites = sites(&parse(POOLS));
        assert_eq!(application_of(&sites[0], &target[1..]), ["TMS"]);
    }
}
