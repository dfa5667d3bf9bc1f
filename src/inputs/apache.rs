//! Apache's configuration on the server: the [`ConfigFiles`] adapter through
//! which [`crate::apache`] (which does no I/O) reads the confined file system,
//! and what the Apache rule asks of it.

use super::web_server::APACHE_MAIN;
use super::{CONFIG_LIMIT, Inputs, Loaded, ObservedModule};
use crate::apache::{self, ConfigFiles, EntryKind};
use crate::model::Location;
use crate::server::{FsError, Kind, Resolved, Server, ServerPath};

/// The effective configuration and what Debian offers beside it.
#[derive(Debug, Clone, Default)]
pub struct ApacheConfig {
    pub effective: apache::Effective,
    /// Of the modules asked about, those with a `mods-available/<short>.load`
    /// beside the main file (module → that file): offered, perhaps not enabled.
    pub offered: Vec<(String, String)>,
}

impl Inputs<'_> {
    /// The first of [`APACHE_MAIN`] that is a file.
    pub fn apache_main(&self) -> Option<Resolved> {
        APACHE_MAIN.iter().find_map(|p| match self.locate(p) {
            Loaded::Found(f) if f.kind == Kind::File => Some(f),
            _ => None,
        })
    }

    /// The effective configuration httpd reads from `main`, and which of
    /// `modules` Debian offers; its LoadModules are kept for `observed_state`.
    /// `version` (the fact) decides `<IfVersion>` before the package database does.
    pub fn apache(
        &mut self,
        main: &Resolved,
        modules: &[String],
        version: Option<(u32, u32, u32)>,
    ) -> ApacheConfig {
        let files = ServerFiles(self.server);
        let main_path = main.server.to_string();
        let mut options = apache::Options::for_layout(&main_path, &files);
        if version.is_some() {
            options.version = version;
        }
        let effective = apache::effective_with(&main_path, &files, &options);
        let offered = modules
            .iter()
            .filter_map(|m| Some((m.clone(), files.mods_available(&main.server, m)?)))
            .collect();
        for m in &effective.modules {
            self.record_module(ObservedModule {
                server: "apache",
                name: m.name.clone(),
                file: m.file.clone(),
                line: u32::try_from(m.line).ok(),
            });
        }
        ApacheConfig { effective, offered }
    }

    /// Where an Apache path and line are, for a result.
    pub fn apache_location(&self, file: &str, line: usize) -> Location {
        let mut at = match ServerFiles(self.server).resolve(file) {
            Ok(Some(r)) => r.location(),
            _ => Location::unresolved(file),
        };
        at.line = u32::try_from(line).ok();
        at
    }
}

/// The [`ConfigFiles`] NPS009 reads through, for tests that compare it with httpd.
pub fn config_files(server: &Server) -> impl ConfigFiles + '_ {
    ServerFiles(server)
}

/// [`ConfigFiles`] over the confined server: Apache's paths are server paths.
struct ServerFiles<'s>(&'s Server);

impl ServerFiles<'_> {
    fn resolve(&self, path: &str) -> Result<Option<Resolved>, FsError> {
        match self.0.resolve_str(path) {
            Ok(r) => Ok(Some(r)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Debian's `mods-available/<short>.load` beside the main file, when it
    /// exists: the module is offered but perhaps not enabled.
    fn mods_available(&self, main: &ServerPath, module: &str) -> Option<String> {
        let short = module.strip_suffix("_module")?;
        let file = main
            .parent()
            .join("mods-available")
            .join(&format!("{short}.load"));
        matches!(self.0.resolve(&file), Ok(r) if r.kind == Kind::File).then(|| file.to_string())
    }
}

impl ConfigFiles for ServerFiles<'_> {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        match self.resolve(path).map_err(|e| e.to_string())? {
            None => Ok(None),
            Some(r) => match r.kind {
                Kind::File => Ok(Some(EntryKind::File)),
                Kind::Dir => Ok(Some(EntryKind::Dir)),
                Kind::Other => Err(FsError::NotARegularFile(r.server.to_string()).to_string()),
            },
        }
    }

    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        let r = self
            .resolve(path)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{path} does not exist"))?;
        self.0.read(&r, CONFIG_LIMIT).map_err(|e| e.to_string())
    }

    fn is_link(&self, path: &str) -> Result<bool, String> {
        let Some((dir, name)) = path.rsplit_once('/') else {
            return Ok(false);
        };
        let dir = if dir.is_empty() || dir.ends_with(':') {
            format!("{dir}/")
        } else {
            dir.to_owned()
        };
        match self.resolve(&dir).map_err(|e| e.to_string())? {
            Some(r) => Ok(std::fs::symlink_metadata(r.host.join(name))
                .map(|m| m.file_type().is_symlink())
                .unwrap_or(false)),
            None => Ok(false),
        }
    }

    fn list(&self, dir: &str) -> Result<Vec<String>, String> {
        let r = self
            .resolve(dir)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{dir} does not exist"))?;
        let entries = self.0.list(&r).map_err(|e| e.to_string())?;
        Ok(entries.into_iter().map(|e| e.name).collect())
    }
}
