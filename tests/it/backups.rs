//! Failure modes of the backup rules (SS003, PM002, PM008, SS004) beyond the
//! fixtures: each builds a small server in a temporary folder and sets the
//! modification times it needs (git keeps none).

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::common::{self, Run, assert_message_has, checked, message, scan};
use serde_json::{Value, json};

/// 12 hours before `common::NOW`: fresh by default.
const FRESH: &str = "2026-11-21T20:00:00Z";
/// 3 days before `common::NOW`.
const STALE: &str = "2026-11-19T08:00:00Z";

const SS: &str = "inetpub/wwwroot/SecretServer";
const TMS: &str = "inetpub/wwwroot/TMS";

/// A live Secret Server folder: (relative path, content).
fn ss_files() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        ("web.config", b"<configuration />\r\n".to_vec()),
        ("encryption.config", vec![0, 1, 2, 3, 250, 251, 252, 253]),
        ("database.config", vec![9, 8, 7, 6]),
        ("bin/SecretServer.dll", b"MZ fixture SecretServer".to_vec()),
        ("bin/Thycotic.Common.dll", b"MZ fixture Common".to_vec()),
    ]
}

struct Snap {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Snap {
    /// A snapshot with the live Secret Server and TMS folders and `facts`.
    fn new(facts: Value) -> Snap {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pam-test");
        fs::create_dir_all(path.join("root")).unwrap();
        fs::write(path.join("facts.json"), facts.to_string()).unwrap();
        let snap = Snap { _dir: dir, path };
        snap.folder(SS, &ss_files());
        snap.file(&format!("{TMS}/web.config"), b"<configuration />\r\n");
        snap
    }

    fn root(&self) -> PathBuf {
        self.path.join("root")
    }

    fn file(&self, rel: &str, bytes: &[u8]) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    fn folder(&self, rel: &str, files: &[(&str, Vec<u8>)]) {
        for (name, bytes) in files {
            self.file(&format!("{rel}/{name}"), bytes);
        }
    }

    /// A zip of `files` at `rel`, under `top/` when given.
    fn zip(&self, rel: &str, files: &[(&str, Vec<u8>)], top: Option<&str>) {
        let path = self.root().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        let mut w = zip::ZipWriter::new(fs::File::create(path).unwrap());
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, bytes) in files {
            let name = match top {
                Some(t) => format!("{t}/{name}"),
                None => name.to_string(),
            };
            w.start_file(name, opts).unwrap();
            w.write_all(bytes).unwrap();
        }
        w.finish().unwrap();
    }

    /// Sets every entry under the root to `time`.
    fn age_all(&self, time: &str) {
        fn walk(p: &Path, t: filetime::FileTime) {
            for e in fs::read_dir(p).unwrap() {
                let path = e.unwrap().path();
                // Setting a FIFO's time opens it (and blocks); links keep theirs.
                let kind = fs::symlink_metadata(&path).unwrap().file_type();
                if kind.is_dir() {
                    walk(&path, t);
                }
                if kind.is_dir() || kind.is_file() {
                    common::set_mtime(&path, t);
                }
            }
        }
        let t = ft(time);
        walk(&self.root(), t);
    }

    fn age(&self, rel: &str, time: &str) {
        common::set_mtime(&self.root().join(rel), ft(time));
    }

    fn scan(&self, phase: &str, extra: &[&str]) -> Run {
        let args: Vec<&str> = ["--format", "json"].iter().chain(extra).copied().collect();
        checked(scan(&self.path, phase, &args))
    }

    fn result(&self, phase: &str, rule: &str, extra: &[&str]) -> Value {
        self.scan(phase, extra).only(rule)
    }
}

fn ft(time: &str) -> filetime::FileTime {
    let ts: jiff::Timestamp = time.parse().unwrap();
    filetime::FileTime::from_unix_time(ts.as_second(), 0)
}

fn ss_facts() -> Value {
    json!({
        "secret_server": { "installed_version": "11.0.000012", "target_version": "11.1.000006",
                           "database_backup_at": FRESH },
        "privilege_manager": { "installed_version": "11.0.1040" }
    })
}

fn status(r: &Value) -> &str {
    r["status"].as_str().unwrap()
}

#[test]
fn a_complete_explorer_copy_beside_the_live_folder_passes() {
    let s = Snap::new(ss_facts());
    s.folder("inetpub/wwwroot/SecretServer - Copy", &ss_files());
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"C:\inetpub\wwwroot\SecretServer - Copy (folder");
    assert_message_has(&r, "encryption.config is byte-identical");
    assert_eq!(
        r["location"]["root_relative"],
        "inetpub/wwwroot/SecretServer - Copy"
    );
}

#[test]
fn paths_compare_case_insensitively() {
    let s = Snap::new(ss_facts());
    let upper: Vec<(String, Vec<u8>)> = ss_files()
        .into_iter()
        .map(|(n, b)| (n.to_uppercase(), b))
        .collect();
    let upper: Vec<(&str, Vec<u8>)> = upper.iter().map(|(n, b)| (n.as_str(), b.clone())).collect();
    s.folder("Backups/SECRETSERVER_2026-11-21", &upper);
    s.age_all(FRESH);
    assert_eq!(status(&s.result("pre", "SS003", &[])), "pass");
}

#[test]
fn a_stale_copy_fails_with_its_age_and_max_backup_age_widens_the_window() {
    let s = Snap::new(ss_facts());
    s.folder("Backups/2026-11-19/SecretServer", &ss_files());
    s.age_all(FRESH);
    s.age("Backups/2026-11-19/SecretServer", STALE);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, "was modified 2026-11-19T08:00:00Z, 3 days before");
    assert_message_has(&r, "a backup counts as fresh for 24 h");
    // The copy's own time counts, not its files' (copying keeps file times).
    assert_eq!(
        status(&s.result("pre", "SS003", &["--max-backup-age", "3d"])),
        "pass"
    );
    assert_eq!(
        status(&s.result("pre", "SS003", &["--max-backup-age", "72h"])),
        "pass"
    );
    assert_eq!(
        status(&s.result("pre", "SS003", &["--max-backup-age", "71"])),
        "fail"
    );
    let bad = scan(&s.path, "pre", &["--max-backup-age", "three days"]);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("--max-backup-age three days"),
        "{}",
        bad.stderr
    );
}

#[test]
fn the_facts_max_age_applies_and_the_flag_overrides_it() {
    let mut facts = ss_facts();
    facts["backups"] = json!({ "max_age_hours": 72 });
    let s = Snap::new(facts);
    s.folder("Backups/SecretServer", &ss_files());
    s.age_all(STALE);
    assert_eq!(status(&s.result("pre", "SS003", &[])), "pass");
    assert_eq!(
        status(&s.result("pre", "SS003", &["--max-backup-age", "24h"])),
        "fail"
    );
}

#[test]
fn an_incomplete_folder_names_what_it_lacks() {
    let s = Snap::new(ss_facts());
    let mut files = ss_files();
    files.retain(|(n, _)| *n != "bin/Thycotic.Common.dll");
    files[0].1.extend_from_slice(b"<!-- more -->");
    s.folder("Backups/SecretServer_2026-11-21", &files);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(
        &r,
        "the only fresh copy, C:\\Backups\\SecretServer_2026-11-21 (folder",
    );
    assert_message_has(&r, "it lacks 1 of 5 files (first: bin/Thycotic.Common.dll)");
    assert_message_has(
        &r,
        "1 differ in size (first: web.config: 19 B live, 32 B in the copy)",
    );
}

#[test]
fn an_incomplete_zip_names_what_it_lacks_and_a_top_folder_is_stripped() {
    let s = Snap::new(ss_facts());
    let mut files = ss_files();
    files.retain(|(n, _)| *n != "database.config");
    s.zip("Backups/SecretServer.zip", &files, Some("SecretServer"));
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, r"C:\Backups\SecretServer.zip (zip");
    assert_message_has(&r, "it lacks 1 of 5 files (first: database.config)");

    s.zip(
        "Backups/SecretServer.zip",
        &ss_files(),
        Some("SecretServer"),
    );
    s.age("Backups/SecretServer.zip", FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, "encryption.config is byte-identical");
}

#[test]
fn a_zip_whose_encryption_config_differs_fails() {
    let s = Snap::new(ss_facts());
    let mut files = ss_files();
    files[1].1 = vec![0, 1, 2, 3, 4, 5, 6, 7];
    s.zip("Backups/SecretServer.zip", &files, None);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(
        &r,
        "its encryption.config is not byte-identical to the live one",
    );
}

#[test]
fn verify_content_compares_bytes_of_folder_copies() {
    let s = Snap::new(ss_facts());
    let mut files = ss_files();
    files[3].1 = b"MZ fixture SecretSErver".to_vec(); // same size, one byte off
    s.folder("Backups/SecretServer", &files);
    s.age_all(FRESH);
    assert_eq!(status(&s.result("pre", "SS003", &[])), "pass");
    let r = s.result("pre", "SS003", &["--verify-content"]);
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, "1 differ in content (first: bin/SecretServer.dll)");
}

#[test]
fn verify_content_checks_crc32_against_the_zip() {
    let s = Snap::new(ss_facts());
    s.zip("Backups/SecretServer.zip", &ss_files(), None);
    s.age_all(FRESH);
    assert_eq!(
        status(&s.result("pre", "SS003", &["--verify-content"])),
        "pass"
    );
    // The live file changed after the zip was made; same size, so only the CRC tells.
    s.file(
        &format!("{SS}/bin/SecretServer.dll"),
        b"MZ fixture SecretSErver",
    );
    s.age_all(FRESH);
    assert_eq!(status(&s.result("pre", "SS003", &[])), "pass");
    let r = s.result("pre", "SS003", &["--verify-content"]);
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, "1 differ in content (first: bin/SecretServer.dll)");
}

#[test]
fn any_zip_counts_in_the_products_own_backup_folder_only() {
    let mut facts = ss_facts();
    facts["secret_server"]["backup_dir"] = json!(r"C:\SecretServerBackups");
    let s = Snap::new(facts);
    s.zip("Backups/nightly.zip", &ss_files(), None);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, r"C:\SecretServerBackups (does not exist)");
    s.zip("SecretServerBackups/nightly.zip", &ss_files(), None);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"C:\SecretServerBackups\nightly.zip (zip");
}

#[test]
fn the_newest_complete_copy_wins_over_a_newer_incomplete_one() {
    let s = Snap::new(ss_facts());
    s.folder("Backups/SecretServer_new", &ss_files()[..2]);
    s.folder("Backups/SecretServer_old", &ss_files());
    s.age_all("2026-11-21T10:00:00Z");
    s.age("Backups/SecretServer_new", "2026-11-22T07:00:00Z");
    let run = s.scan("pre", &[]);
    let r = run.only("SS003");
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, "SecretServer_old");
    let backups = &run.json()["observed_state"]["backups"];
    let new = backups
        .as_array()
        .unwrap()
        .iter()
        .find(|b| b["path"].as_str().unwrap().ends_with("SecretServer_new"))
        .unwrap();
    assert_eq!(new["complete"], false);
}

#[test]
fn a_search_folder_on_an_unmapped_drive_makes_the_result_not_evaluated() {
    let mut facts = ss_facts();
    facts["backups"] = json!({ "search_dirs": [r"C:\Backups", r"E:\Backups"] });
    let s = Snap::new(facts);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(
        &r,
        r"could not search E:\Backups: drive E: is not mapped (pass --drive E:=DIR",
    );
    // Mapped, and holding the copy: a pass.
    let e = tempfile::tempdir().unwrap();
    for (name, bytes) in ss_files() {
        let p = e.path().join("Backups/SecretServer").join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    common::set_mtime(&e.path().join("Backups/SecretServer"), ft(FRESH));
    let drive = format!("E:={}", e.path().display());
    let r = s.result("pre", "SS003", &["--drive", &drive]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"E:\Backups\SecretServer (folder");
}

#[test]
fn a_copy_linked_from_outside_the_root_is_not_read() {
    let s = Snap::new(ss_facts());
    let outside = s.path.join("outside/SecretServer");
    for (name, bytes) in ss_files() {
        let p = outside.join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    fs::create_dir_all(s.root().join("Backups")).unwrap();
    std::os::unix::fs::symlink(&outside, s.root().join("Backups/SecretServer")).unwrap();
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail", "{r}");
}

#[test]
fn an_entry_that_cannot_be_compared_is_never_a_pass() {
    let s = Snap::new(ss_facts());
    s.folder("Backups/SecretServer", &ss_files());
    let fifo = s.root().join(SS).join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(&r, "1 could not be compared (first: pipe:");
}

#[test]
fn without_the_live_folder_or_its_key_file_the_result_is_not_evaluated() {
    let s = Snap::new(ss_facts());
    let mut files = ss_files();
    files.retain(|(n, _)| *n != "encryption.config");
    fs::remove_file(s.root().join(SS).join("encryption.config")).unwrap();
    s.folder("Backups/SecretServer", &files);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "the live folder has no encryption.config");

    fs::remove_dir_all(s.root().join(SS)).unwrap();
    let r = s.result("pre", "SS003", &["--product", "ss", "--product", "pm"]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "nothing to compare a backup with");
}

#[test]
fn pm002_is_a_warning_in_the_offline_procedure_and_an_error_in_the_combined() {
    let s = Snap::new(json!({ "privilege_manager": { "installed_version": "11.0.1040" } }));
    fs::remove_dir_all(s.root().join(SS)).unwrap();
    s.age_all(FRESH);
    let r = s.result("pre", "PM002", &[]);
    assert_eq!(
        (status(&r), r["severity"].as_str()),
        ("fail", Some("warning"))
    );
    let r = s.result("pre", "PM002", &["--product", "ss", "--product", "pm"]);
    assert_eq!(
        (status(&r), r["severity"].as_str()),
        ("fail", Some("error"))
    );
}

#[test]
fn pm008_falls_back_to_the_web_config_time() {
    let s = Snap::new(json!({ "privilege_manager": { "installed_version": "11.1.1156" } }));
    fs::remove_dir_all(s.root().join(SS)).unwrap();
    s.folder(
        "Backups/TMS",
        &[("web.config", b"<configuration />\r\n".to_vec())],
    );
    s.age_all("2026-11-21T23:00:00Z");
    s.age("Backups/TMS", "2026-11-22T06:00:00Z");
    let r = s.result("post", "PM008", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    s.age("Backups/TMS", "2026-11-21T22:00:00Z");
    let r = s.result("post", "PM008", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(
        &r,
        r"before the upgrade finished (2026-11-21T23:00:00Z, the modification time of C:\inetpub\wwwroot\TMS\web.config)",
    );
    // Neither the fact nor web.config: when the upgrade finished is unknown.
    fs::remove_file(s.root().join(TMS).join("web.config")).unwrap();
    let r = s.result("post", "PM008", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "facts.json has no privilege_manager.upgraded_at");
}

#[test]
fn ss004_reads_the_newest_bak_and_says_what_it_found() {
    let facts = json!({ "secret_server": { "database_backup_dir": r"C:\SQLBackups" } });
    let s = Snap::new(facts);
    s.file("SQLBackups/old.bak", b"x");
    s.file("SQLBackups/new.BAK", b"x");
    s.file("SQLBackups/newest.trn", b"x");
    s.age_all(STALE);
    s.age("SQLBackups/new.BAK", FRESH);
    s.age("SQLBackups/newest.trn", "2026-11-22T07:00:00Z");
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"C:\SQLBackups\new.BAK is fresh");
    s.age("SQLBackups/new.BAK", STALE);
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, "3 days before");
}

#[test]
fn ss004_on_an_unmapped_drive_is_not_evaluated_and_database_bak_in_a_search_folder_counts() {
    let facts = json!({ "secret_server": { "database_backup_dir": r"D:\SQLBackups" } });
    let s = Snap::new(facts);
    s.age_all(FRESH);
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "drive D: is not mapped");
    s.file("Backups/database.bak", b"x");
    s.age("Backups/database.bak", FRESH);
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"C:\Backups\database.bak is fresh");
}

#[test]
fn ss004_without_any_fact_says_which_to_add() {
    let s = Snap::new(json!({ "secret_server": {} }));
    s.age_all(FRESH);
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "not_evaluated");
    assert!(
        message(&r).starts_with(
            "facts.json has neither secret_server.database_backup_dir nor secret_server.database_backup_at"
        ),
        "{r}"
    );
}

#[test]
fn a_damaged_zip_is_a_candidate_that_cannot_be_read() {
    let s = Snap::new(ss_facts());
    s.file(
        "Backups/SecretServer.zip",
        b"PK\x03\x04 this is not really a zip",
    );
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(&r, "it could not be read: not a readable zip archive");
}

#[test]
fn a_link_loop_inside_the_live_folder_ends_and_is_never_a_pass() {
    let s = Snap::new(ss_facts());
    s.folder("Backups/SecretServer", &ss_files());
    std::os::unix::fs::symlink("..", s.root().join(SS).join("bin/up")).unwrap();
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(
        &r,
        "could not be compared (first: bin/up: symbolic link loop",
    );
}

#[test]
fn a_copy_without_encryption_config_fails_naming_it() {
    let s = Snap::new(ss_facts());
    let mut files = ss_files();
    files.retain(|(n, _)| *n != "encryption.config");
    s.folder("Backups/SecretServer", &files);
    s.age_all(FRESH);
    let r = s.result("pre", "SS003", &[]);
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(&r, "it lacks 1 of 5 files (first: encryption.config)");
    assert_message_has(&r, "it has no encryption.config");
}

#[test]
fn pm008_an_incomplete_copy_made_after_the_upgrade_fails() {
    let s = Snap::new(json!({ "privilege_manager": {
        "installed_version": "11.1.1156", "upgraded_at": "2026-11-21T23:10:00Z" } }));
    fs::remove_dir_all(s.root().join(SS)).unwrap();
    s.file(&format!("{TMS}/bin/Thycotic.Tms.dll"), b"MZ fixture Tms");
    s.folder(
        "Backups/TMS",
        &[("web.config", b"<configuration />\r\n".to_vec())],
    );
    s.age_all("2026-11-21T23:00:00Z");
    s.age("Backups/TMS", "2026-11-22T06:00:00Z");
    let r = s.result("post", "PM008", &[]);
    assert_eq!(
        (status(&r), r["severity"].as_str()),
        ("fail", Some("warning"))
    );
    assert_message_has(
        &r,
        r"the only copy made after the upgrade, C:\Backups\TMS (folder, modified 2026-11-22T06:00:00Z): it lacks 1 of 2 files (first: bin/Thycotic.Tms.dll)",
    );
}

#[test]
fn ss004_never_counts_an_empty_database_bak_and_names_it() {
    let s = Snap::new(json!({ "secret_server": {} }));
    s.file("Backups/database.bak", b"");
    s.age_all(FRESH);
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "fail", "{r}");
    assert_eq!(
        message(&r),
        r"no backup found; ignored: C:\Backups\database.bak (0 bytes)"
    );
    // A non-empty .bak in the database backup folder counts; the empty one is still named.
    let facts = json!({ "secret_server": { "database_backup_dir": r"C:\SQLBackups" } });
    fs::write(s.path.join("facts.json"), facts.to_string()).unwrap();
    s.file("SQLBackups/SecretServer.bak", b"x");
    s.age("SQLBackups/SecretServer.bak", FRESH);
    let r = s.result("pre", "SS004", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"C:\SQLBackups\SecretServer.bak is fresh");
    assert_message_has(&r, r"; ignored: C:\Backups\database.bak (0 bytes)");
}

#[test]
fn pm008_with_web_config_dated_after_now_cannot_place_any_copy() {
    let s = Snap::new(json!({ "privilege_manager": { "installed_version": "11.1.1156" } }));
    fs::remove_dir_all(s.root().join(SS)).unwrap();
    s.folder(
        "Backups/TMS",
        &[("web.config", b"<configuration />\r\n".to_vec())],
    );
    s.age_all("2026-11-22T07:00:00Z");
    // The server's clock ran ahead when the upgrade rewrote web.config.
    s.age(&format!("{TMS}/web.config"), "2026-11-22T09:00:00Z");
    let r = s.result("post", "PM008", &[]);
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(
        &r,
        r"cannot tell which copies of C:\inetpub\wwwroot\TMS were made after the upgrade: it finished at 2026-11-22T09:00:00Z (the modification time of C:\inetpub\wwwroot\TMS\web.config), 60 min after the scan's time (2026-11-22T08:00:00Z)",
    );
}
