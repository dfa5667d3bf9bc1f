//! A NugetCache entry: the `.nupkg` (a zip holding the `.nuspec`), its
//! `.hash.json` sidecar and its file name. Any bytes give a nuspec or a
//! defect; the first line, as a file name, gives an identity or none.

use std::io::Cursor;
use upgate::nuget::package;

pub fn run(data: &[u8]) {
    let nuspec = package::read_nuspec(Cursor::new(data), data.len() as u64);
    let _ = package::parse_sidecar(data);
    let _ = package::sha512_base64(data);
    let text = crate::support::text(data);
    let name = text.lines().next().unwrap_or("");
    if let Some((id, version)) = package::identity_from_name(name) {
        assert!(!id.is_empty(), "{name:?} names no id");
        let _ = version.to_normalized_string();
    }
    if let Ok(nuspec) = nuspec {
        let _ = package::name_agrees(name, &nuspec);
        let _ = package::name_agrees(&format!("{}.nupkg", nuspec.id), &nuspec);
    }
}
