//! PM014 with `--offline-package`: the offline upgrade zip or its extracted
//! folder given from outside the snapshot (the auditor's copy), compared with
//! the NugetCache on the server.

use std::fs;
use std::path::Path;

use crate::common::{assert_message_has, checked, copy_fixture, scan};
use serde_json::Value;

const ZIP: &str = "root/Users/admin/Downloads/PrivilegeManager_Offline_11.1.1156.zip";

fn pm014(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json", "--select", "PM014"];
    args.extend_from_slice(extra);
    checked(scan(dir, "pre", &args)).only("PM014")
}

/// The ready fixture with its zip moved out of the root into `outside`.
fn zip_moved_out(outside: &Path) -> (tempfile::TempDir, String) {
    let dir = copy_fixture("pm-offline-ready");
    let given = outside.join("offline.zip");
    fs::rename(dir.path().join(ZIP), &given).unwrap();
    (dir, given.to_string_lossy().into_owned())
}

#[test]
fn a_zip_given_from_outside_the_snapshot_is_compared_and_without_it_nothing_passes() {
    let outside = tempfile::tempdir().unwrap();
    let (dir, given) = zip_moved_out(outside.path());
    let r = pm014(dir.path(), &["--offline-package", &given]);
    assert_eq!(r["status"], "pass", "{r}");
    assert_message_has(&r, "all 2 packages");
    // Not on the server and not given: the rule cannot see it.
    assert_eq!(pm014(dir.path(), &[])["status"], "not_evaluated");
    // Given but absent.
    let absent = outside.path().join("absent.zip");
    let r = pm014(dir.path(), &["--offline-package", absent.to_str().unwrap()]);
    assert_eq!(r["status"], "error", "{r}");
}

#[test]
fn an_extracted_folder_is_compared_byte_for_byte() {
    let outside = tempfile::tempdir().unwrap();
    let (dir, given) = zip_moved_out(outside.path());
    let folder = outside.path().join("extracted");
    let mut zip = zip::ZipArchive::new(fs::File::open(&given).unwrap()).unwrap();
    zip.extract(&folder).unwrap();
    let folder = folder.to_string_lossy().into_owned();
    assert_eq!(
        pm014(dir.path(), &["--offline-package", &folder])["status"],
        "pass"
    );
    // One byte more in the package than in the cache.
    let package = Path::new(&folder).join("nugetCache/ThycoticTms.11.1.1156.nupkg");
    let mut bytes = fs::read(&package).unwrap();
    bytes.push(b'x');
    fs::write(&package, &bytes).unwrap();
    let r = pm014(dir.path(), &["--offline-package", &folder]);
    assert_eq!(r["status"], "fail", "{r}");
    assert_message_has(&r, "ThycoticTms.11.1.1156.nupkg (");
    assert_message_has(&r, "in the cache");
}
