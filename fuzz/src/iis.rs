//! IIS's configuration merge and the judges on it (NPS008 WebSocket, NPS014
//! global modules, PM013 TMS Setup authentication and app pools, the TMS
//! appSettings lookup): records
//! `=== applicationHost.config` (a plain file is one), then
//! `=== web.config` records, the web.configs from the site's root down. A
//! first line `dir: <path>` is the Web Application's folder (`web_app_dir`);
//! without one the site is found by its default name.

use upgate::facts::Version;
use upgate::iis::{self, ConfigFile};
use upgate::inputs::XmlFile;
use upgate::path::{Env, ServerPath};
use upgate::rules::checks::{
    app_setting_folder, iis_application, iis_global_modules, iis_websocket, web_app,
};
use upgate::server::Kind;

const HOST: &str = r"C:\Windows\System32\inetsrv\config\applicationHost.config";

pub fn run(data: &[u8]) {
    let (dir, data) = match data.strip_prefix(b"dir: ") {
        Some(rest) => {
            let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
            let dir = String::from_utf8_lossy(&rest[..end]).into_owned();
            (Some(dir), rest.get(end + 1..).unwrap_or_default())
        }
        None => (None, data),
    };
    let records = crate::support::records(data, "applicationHost.config");
    let parse = |raw: &str, body: &[u8]| XmlFile {
        file: crate::support::resolved(raw, Kind::File, body.len() as u64),
        parsed: upgate::xml::parse(body),
    };
    let host = parse(HOST, records[0].1);
    let Ok(host_doc) = &host.parsed else { return };
    let host_root = &host_doc.root;
    let env = Env::new('C', &Default::default());
    let physical = |raw: &str| ServerPath::parse(raw, &env).ok();
    let sites = iis::sites(host_root);
    let hosted = match &dir {
        Some(dir) => ServerPath::parse(dir, &env)
            .ok()
            .and_then(|d| iis::hosting(&sites, &d, &physical)),
        None => web_app::by_default_name(&sites),
    };
    let modules = iis_global_modules::Params {
        modules: vec![iis_global_modules::Required {
            name: "RewriteModule".into(),
            feature: "URL Rewrite 2.1".into(),
        }],
    };
    let _ = iis_global_modules::judge(&modules, &host, host_root);
    let tms = iis_application::Params {
        folder: r"C:\inetpub\wwwroot\TMS".into(),
        fact: "privilege_manager.web_dir".into(),
        windows_auth: "Setup".into(),
    };
    let folder = match &dir {
        Some(dir) => ServerPath::parse(dir, &env).ok(),
        None => ServerPath::parse(&tms.folder, &env).ok(),
    };
    if let Some(folder) = folder {
        for outcome in iis_application::judge(&tms, &host, host_root, &folder, &physical) {
            assert!(!outcome.message.is_empty());
        }
    }

    // The web.configs, one per level that exists, as the scan reads them.
    let mut web: Vec<(usize, XmlFile)> = Vec::new();
    let mut bodies = records[1..].iter().take(32);
    if let Some(h) = &hosted
        && let Some(site) = sites.iter().find(|s| s.name == h.site)
    {
        let _ = iis::folder_of(site, &h.url, &physical);
        iis::walk_levels(site, &h.url, &physical, &mut |level, folder| {
            let Some((_, body)) = bodies.next() else {
                return false;
            };
            web.push((
                level + 1,
                parse(&folder.join("web.config").to_string(), body),
            ));
            true
        });
    }
    let mut files = vec![&host];
    let mut config = vec![ConfigFile {
        root: host_root,
        level: 0,
    }];
    for (level, file) in &web {
        let Ok(doc) = &file.parsed else { return };
        let _ = app_setting_folder::lookup(&doc.root, "NugetCacheFolder");
        files.push(file);
        config.push(ConfigFile {
            root: &doc.root,
            level: *level,
        });
    }
    let state = iis_websocket::State {
        files,
        config,
        site: hosted.ok_or_else(|| "no site".to_string()),
        declared: None,
    };
    let params = iis_websocket::Params {
        since: Version("8.5.0.14896".parse().expect("a version")),
        module: "WebSocketModule".into(),
    };
    let outcome = iis_websocket::judge(&params, &state);
    assert!(!outcome.message.is_empty());
}
