//! Apache's effective configuration (`apache::effective_with`) over an
//! in-memory tree: records `=== /etc/apache2/apache2.conf`, `=== /etc/apache2/mods-enabled/x.load`…
//! (a plain file is the Debian main file). The main file is the first record;
//! folders are implied by the paths; a record whose body is `\0unreadable`
//! cannot be read. Whatever the tree, the reader ends with modules and
//! problems, never a panic, and a problem names a line of a file it read.

use std::collections::BTreeMap;
use upgate::apache::{self, ConfigFiles, EntryKind, Options};

const UNREADABLE: &[u8] = b"\0unreadable";

/// Files by path; Windows paths (`X:`) are looked up ignoring case, as on Windows.
struct Mem(BTreeMap<String, (String, Vec<u8>)>);

fn fold(path: &str) -> String {
    if path.as_bytes().get(1) == Some(&b':') {
        path.to_lowercase()
    } else {
        path.to_owned()
    }
}

fn prefix(dir: &str) -> String {
    let dir = fold(dir);
    if dir.ends_with('/') { dir } else { dir + "/" }
}

impl ConfigFiles for Mem {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        if self.0.contains_key(&fold(path)) {
            return Ok(Some(EntryKind::File));
        }
        let prefix = prefix(path);
        Ok(self
            .0
            .keys()
            .any(|k| k.starts_with(&prefix))
            .then_some(EntryKind::Dir))
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        match self.0.get(&fold(path)) {
            Some((_, bytes)) if bytes == UNREADABLE => Err("permission denied".into()),
            Some((_, bytes)) => Ok(bytes.clone()),
            None => Err("no such file".into()),
        }
    }
    fn list(&self, dir: &str) -> Result<Vec<String>, String> {
        let prefix = prefix(dir);
        let mut names: Vec<String> = self
            .0
            .iter()
            .filter(|(k, _)| k.starts_with(&prefix))
            .filter_map(|(_, (orig, _))| orig.get(prefix.len()..))
            .filter_map(|rest| rest.split('/').next())
            .map(str::to_owned)
            .collect();
        names.dedup();
        Ok(names)
    }
}

pub fn run(data: &[u8]) {
    let records = crate::support::records(data, "/etc/apache2/apache2.conf");
    let main = records[0].0.clone();
    let files = Mem(records
        .into_iter()
        .take(64)
        .map(|(path, body)| (fold(&path), (path, body.to_vec())))
        .collect());
    let options = Options::for_layout(&main, &files);
    let effective = apache::effective_with(&main, &files, &options);
    for problem in &effective.problems {
        let _ = problem.kind.refuses();
        assert!(problem.line.is_none_or(|l| l >= 1), "{problem:?}");
    }
    for module in &effective.modules {
        assert!(module.line >= 1, "{module:?}");
        assert!(
            effective.files.contains(&module.file),
            "{module:?} from a file not read"
        );
    }
    let _ = effective.refusal();
    let _ = effective.loaded("rewrite_module");
    let text = String::from_utf8_lossy(data);
    let _ = (apache::envvars(&text), apache::dpkg_version(&text));
    let _ = apache::parse_version(text.lines().next().unwrap_or(""));
}
