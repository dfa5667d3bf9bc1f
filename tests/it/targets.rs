//! What `upgate scan` takes for a root and what for a snapshot: root/ with
//! facts.json or captures/, or `--snapshot`; no target is this machine's root.

use std::fs;
use std::path::Path;

use crate::common::*;

const FIXTURE: &str = "nps-apache-debian-ready";

/// The fixture's copy with its facts.json moved out to `<tmp>/facts.json`,
/// returned beside the copy.
fn without_facts() -> (tempfile::TempDir, tempfile::TempDir, std::path::PathBuf) {
    let snap = copy_fixture(FIXTURE);
    let outside = tempfile::tempdir().unwrap();
    let facts = outside.path().join("facts.json");
    fs::rename(snap.path().join("facts.json"), &facts).unwrap();
    (snap, outside, facts)
}

fn json(target: &[&std::ffi::OsStr], extra: &[&str]) -> Run {
    checked(run(upgate()
        .arg("scan")
        .args(target)
        .args(["--phase", "pre", "--now", NOW, "--format", "json"])
        .args(extra)))
}

fn scanned_root(run: &Run) -> String {
    run.json()["scan"]["root"].as_str().unwrap().to_string()
}

fn root_of(dir: &Path) -> String {
    dir.join("root").display().to_string()
}

#[test]
fn root_and_facts_json_is_a_snapshot() {
    let snap = copy_fixture(FIXTURE);
    let r = json(&[snap.path().as_os_str()], &[]);
    assert_eq!(scanned_root(&r), root_of(snap.path()));
    assert!(!r.stderr.contains("note:"), "{}", r.stderr);
}

#[test]
fn root_alone_is_a_root_with_a_note_and_snapshot_makes_it_one() {
    let (snap, _outside, facts) = without_facts();
    let facts = facts.to_str().unwrap();
    let dir = snap.path().display().to_string();
    let r = json(&[snap.path().as_os_str()], &["--facts", facts]);
    assert_eq!(scanned_root(&r), dir);
    assert!(
        r.stderr.contains(&format!(
            "note: {dir} holds root/ but no facts.json or captures/, so it is scanned as a root; --snapshot {dir} scans it as a snapshot"
        )),
        "{}",
        r.stderr
    );

    let given = json(
        &["--snapshot".as_ref(), snap.path().as_os_str()],
        &["--facts", facts],
    );
    assert_eq!(scanned_root(&given), root_of(snap.path()));
    assert!(!given.stderr.contains("note:"), "{}", given.stderr);
    let original = json(&[copy_fixture(FIXTURE).path().as_os_str()], &[]);
    assert_eq!(given.statuses(), original.statuses());
}

#[test]
fn root_and_captures_is_a_snapshot() {
    let (snap, _outside, facts) = without_facts();
    fs::create_dir(snap.path().join("captures")).unwrap();
    let r = json(
        &[snap.path().as_os_str()],
        &["--facts", facts.to_str().unwrap()],
    );
    assert_eq!(scanned_root(&r), root_of(snap.path()));
    assert!(!r.stderr.contains("note:"), "{}", r.stderr);
}

#[test]
fn snapshot_without_root_is_an_input_error_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    let r = json(&["--snapshot".as_ref(), dir.path().as_os_str()], &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("the snapshot holds no root/ folder"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&dir.path().display().to_string()),
        "{}",
        r.stderr
    );
}

#[test]
fn snapshot_with_target_or_root_is_refused() {
    let snap = copy_fixture(FIXTURE);
    let p = snap.path().as_os_str();
    let (snapshot, root) = ("--snapshot".as_ref(), "--root".as_ref());
    for args in [vec![p, snapshot, p], vec![root, p, snapshot, p]] {
        let r = json(&args, &[]);
        assert_eq!(r.code, 2);
        assert!(r.stderr.contains("give the target once"), "{}", r.stderr);
    }
}

/// Scans this machine's `/` (Windows: its system drive), so only a rule that
/// reads facts alone runs: the result does not depend on the machine.
#[test]
fn no_target_scans_the_system_root_and_says_so() {
    let r = json(&[], &["--product", "nps", "--select", "NPS001"]);
    let root = if cfg!(windows) {
        format!("{}\\", std::env::var("SystemDrive").unwrap_or("C:".into()))
    } else {
        "/".to_string()
    };
    let note = format!("no target given: scanning this machine's root {root}");
    assert!(r.stderr.contains(&format!("note: {note}")), "{}", r.stderr);
    let json = r.json();
    assert_eq!(json["scan"]["root"], root.as_str());
    assert_eq!(json["scan"]["detection"][0], note.as_str());
}

/// A shipped fixture or real-world snapshot without facts.json or captures/
/// would be scanned as a root: its root/ would become a server folder and
/// every result change.
#[test]
fn every_fixture_is_a_snapshot() {
    let folders = ["fixtures", "tests/data/real-world/snapshots"];
    for entry in folders
        .iter()
        .flat_map(|f| fs::read_dir(repo().join(f)).unwrap())
    {
        let dir = entry.unwrap().path();
        if dir.join("root").is_dir() {
            assert!(
                dir.join("facts.json").is_file() || dir.join("captures").is_dir(),
                "{} has root/ but no facts.json or captures/",
                dir.display()
            );
        }
    }
}
