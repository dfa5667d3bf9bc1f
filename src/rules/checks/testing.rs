//! Constructed inputs for the kinds' `judge` tests: server paths and
//! resolved entries as `Inputs` would hand them over, without a file system.

use jiff::Timestamp;

use crate::inputs::{Feed, Integrity, Loaded, PackageFile, PackageState};
use crate::nuget::package::Nuspec;
use crate::server::{Env, Kind, Resolved, ServerPath};

/// A server path on a `C:` system drive with the default environment.
pub fn path(raw: &str) -> ServerPath {
    ServerPath::parse(raw, &Env::new('C', &Default::default())).unwrap()
}

/// A resolved entry under the root, with a root-relative path like the real one.
pub fn resolved(raw: &str, kind: Kind, len: u64, modified: Option<&str>) -> Resolved {
    let server = path(raw);
    let rel = server.to_string();
    let rel = rel
        .strip_prefix("C:\\")
        .unwrap_or(&rel)
        .trim_start_matches('/');
    Resolved {
        root_relative: Some(rel.replace('\\', "/")),
        host: std::path::PathBuf::from("/nonexistent").join(rel.replace('\\', "/")),
        server,
        kind,
        len,
        modified: modified.map(at),
    }
}

pub fn file(raw: &str, len: u64) -> Resolved {
    resolved(raw, Kind::File, len, None)
}

pub fn dir(raw: &str) -> Resolved {
    resolved(raw, Kind::Dir, 0, None)
}

pub fn at(time: &str) -> Timestamp {
    time.parse().unwrap()
}

/// A package file in a NugetCache, as `Inputs::feed` reports it.
pub fn package(
    folder: &str,
    file_name: &str,
    folders: Option<(&str, &str)>,
    content: PackageState,
    integrity: Integrity,
) -> PackageFile {
    let raw = match folders {
        Some((id, version)) => format!(r"{folder}\{id}\{version}\{file_name}"),
        None => format!(r"{folder}\{file_name}"),
    };
    PackageFile {
        file_name: file_name.into(),
        file: Ok(file(&raw, 100)),
        server_path: path(&raw),
        folders: folders.map(|(a, b)| (a.into(), b.into())),
        subfolder: None,
        content,
        integrity,
    }
}

/// A readable package's `.nuspec`.
pub fn nuspec(id: &str, version: &str) -> PackageState {
    PackageState::Read(Nuspec {
        entry: format!("{id}.nuspec"),
        id: id.into(),
        version: version.parse().unwrap(),
    })
}

pub fn feed(folder: &str, packages: Vec<PackageFile>) -> Loaded<Feed> {
    Loaded::Found(Feed {
        folder: dir(folder),
        packages,
    })
}
