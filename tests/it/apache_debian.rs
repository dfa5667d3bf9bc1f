//! The real Debian 12 apache2 tree, read from disk with a2enmod-style symlinks.
#![cfg(unix)]

use std::fs;
use std::io::ErrorKind;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use upgate::apache::{ConfigFiles, Effective, EntryKind, effective};

/// Maps Apache paths under /etc/apache2 onto a folder; std::fs follows symlinks.
struct Disk(PathBuf);

impl Disk {
    fn local(&self, path: &str) -> Result<PathBuf, String> {
        match path.strip_prefix("/etc/apache2") {
            Some("") => Ok(self.0.clone()),
            Some(rel) if rel.starts_with('/') => Ok(self.0.join(&rel[1..])),
            _ => Err(format!("{path} is outside /etc/apache2")),
        }
    }
}

impl ConfigFiles for Disk {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        match fs::metadata(self.local(path)?) {
            Ok(m) if m.is_dir() => Ok(Some(EntryKind::Dir)),
            Ok(_) => Ok(Some(EntryKind::File)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        fs::read(self.local(path)?).map_err(|e| e.to_string())
    }
    fn list(&self, dir: &str) -> Result<Vec<String>, String> {
        let entries = fs::read_dir(self.local(dir)?).map_err(|e| e.to_string())?;
        entries
            .map(|e| {
                e.map(|e| e.file_name().to_string_lossy().into_owned())
                    .map_err(|e| e.to_string())
            })
            .collect()
    }
}

fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            fs::write(&target, fs::read(entry.path()).unwrap()).unwrap();
        }
    }
}

/// A copy of the Debian tree with `names` enabled the way a2enmod/a2ensite do it.
fn debian(mods: &[&str], sites: &[&str]) -> (tempfile::TempDir, Effective) {
    let tmp = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world/apache/debian12");
    copy_tree(&data, tmp.path());
    for (kind, names) in [("mods", mods), ("sites", sites)] {
        if names.is_empty() {
            continue;
        }
        let enabled = tmp.path().join(format!("{kind}-enabled"));
        fs::create_dir(&enabled).unwrap();
        for name in names.iter() {
            symlink(format!("../{kind}-available/{name}"), enabled.join(name)).unwrap();
        }
    }
    let e = effective("/etc/apache2/apache2.conf", &Disk(tmp.path().to_owned()));
    (tmp, e)
}

#[test]
fn proxy_and_wstunnel_enabled() {
    let mods = ["proxy.conf", "proxy.load", "proxy_wstunnel.load"];
    let (_tmp, e) = debian(&mods, &["000-default.conf"]);
    // ${APACHE_LOG_DIR} etc. are undefined without envvars, but harmless outside paths.
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    let ws = e.loaded("proxy_wstunnel_module").unwrap();
    assert_eq!(
        (ws.file.as_str(), ws.line),
        ("/etc/apache2/mods-enabled/proxy_wstunnel.load", 2)
    );
    assert_eq!(ws.path, "/usr/lib/apache2/modules/mod_proxy_wstunnel.so");
    let proxy = e.loaded("proxy_module").unwrap();
    assert_eq!(
        (proxy.file.as_str(), proxy.line),
        ("/etc/apache2/mods-enabled/proxy.load", 1)
    );
    assert_eq!(
        e.files,
        [
            "/etc/apache2/apache2.conf",
            "/etc/apache2/mods-enabled/proxy.load",
            "/etc/apache2/mods-enabled/proxy_wstunnel.load",
            "/etc/apache2/mods-enabled/proxy.conf",
            "/etc/apache2/ports.conf",
            "/etc/apache2/sites-enabled/000-default.conf",
        ]
    );
    // Debian's compiled-in ServerRoot.
    assert_eq!(e.server_root.as_deref(), Some("/etc/apache2"));
}

#[test]
fn proxy_and_http_only() {
    let (_tmp, e) = debian(&["proxy.conf", "proxy.load", "proxy_http.load"], &[]);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert!(e.loaded("proxy_module").is_some());
    assert!(e.loaded("proxy_http_module").is_some());
    assert!(e.loaded("proxy_wstunnel_module").is_none());
}

#[test]
fn nothing_enabled() {
    let (_tmp, e) = debian(&[], &[]);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert!(e.modules.is_empty());
    // `Include ports.conf` resolves against /etc/apache2 although no ServerRoot is set.
    assert_eq!(
        e.files,
        ["/etc/apache2/apache2.conf", "/etc/apache2/ports.conf"]
    );
}
