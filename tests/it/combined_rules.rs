//! Failure modes of SS002, SS005 and PM007 beyond the fixtures.

use std::fs;
use std::path::Path;

use crate::common::{self, assert_message_has, checked, copy_fixture, scan};
use serde_json::Value;

fn result(target: &Path, phase: &str, rule: &str, extra: &[&str]) -> Value {
    let args: Vec<&str> = ["--format", "json"].iter().chain(extra).copied().collect();
    checked(scan(target, phase, &args)).only(rule)
}

fn status(r: &Value) -> &str {
    r["status"].as_str().unwrap()
}

#[test]
fn ss002_each_stepping_band_names_its_intermediate_versions() {
    let dir = copy_fixture("combined-pre");
    let bands = [
        (
            "8.4.000001",
            "8.4.000004 → 9.1.000001 → 10.9.000005 → 11.1.000006",
        ),
        ("8.4.000004", "9.1.000001 → 10.9.000005 → 11.1.000006"),
        ("9.1.000000", "9.1.000001 → 10.9.000005 → 11.1.000006"),
        ("9.1.000001", "10.9.000005 → 11.1.000006"),
        ("10.9.000003", "10.9.000005 → 11.1.000006"),
    ];
    for (installed, chain) in bands {
        fs::write(
            dir.path().join("facts.json"),
            format!(r#"{{"secret_server": {{"installed_version": "{installed}", "target_version": "11.1.000006"}}}}"#),
        )
        .unwrap();
        let r = result(dir.path(), "pre", "SS002", &[]);
        assert_eq!(status(&r), "fail", "{installed}: {r}");
        assert_eq!(r["expected"], chain, "{installed}");
    }
    // From 10.9.000005 on, the latest installs directly; without a target, no verdict.
    fs::write(
        dir.path().join("facts.json"),
        r#"{"secret_server": {"installed_version": "10.9.000005"}}"#,
    )
    .unwrap();
    let r = result(dir.path(), "pre", "SS002", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "--target ss=VERSION");
    let r = result(dir.path(), "pre", "SS002", &["--target", "ss=11.1.000006"]);
    assert_eq!(status(&r), "pass", "{r}");
}

#[test]
fn ss002_the_target_flag_overrides_the_facts() {
    // combined-pre-stale-backups: installed 10.9.000003, target 11.1.000006 (a step needed).
    let target = common::fixture("combined-pre-stale-backups");
    assert_eq!(status(&result(&target, "pre", "SS002", &[])), "fail");
    let r = result(&target, "pre", "SS002", &["--target", "ss=10.9.000005"]);
    assert_eq!(status(&r), "pass", "{r}");
}

#[test]
fn ss005_lists_files_at_any_depth_and_an_empty_folder_passes() {
    let dir = copy_fixture("combined-pre");
    let cache = dir.path().join("root/ProgramData/NugetCache");
    fs::create_dir_all(cache.join("ThycoticTms/11.0.1040")).unwrap();
    let r = result(dir.path(), "pre", "SS005", &[]);
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, r"C:\ProgramData\NugetCache\ holds no files");
    fs::write(
        cache.join("ThycoticTms/11.0.1040/thycotictms.11.0.1040.nupkg"),
        b"x",
    )
    .unwrap();
    let r = result(dir.path(), "pre", "SS005", &[]);
    assert_eq!(
        (status(&r), r["severity"].as_str()),
        ("fail", Some("warning"))
    );
    assert_message_has(
        &r,
        "still holds 1 file(s), 1 bytes (first: ThycoticTms/11.0.1040/thycotictms.11.0.1040.nupkg)",
    );
}

/// combined-post-ready with another capture in place.
fn with_capture(bytes: &[u8]) -> tempfile::TempDir {
    let dir = copy_fixture("combined-post-ready");
    fs::write(dir.path().join("captures/nugetcache.icacls.txt"), bytes).unwrap();
    dir
}

/// PM007's result on combined-post-ready with `capture` in place.
fn pm007(capture: &[u8]) -> Value {
    let dir = with_capture(capture);
    result(dir.path(), "post", "PM007", &[])
}

const ROOT: &str = "C:\\ProgramData\\NugetCache NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)\r\n                          BUILTIN\\Users:(I)(OI)(CI)(RX)\r\n";

#[test]
fn pm007_without_a_capture_gives_the_command_to_make_one() {
    let dir = copy_fixture("combined-post-ready");
    fs::remove_file(dir.path().join("captures/nugetcache.icacls.txt")).unwrap();
    let facts = dir.path().join("facts.json");
    let text = fs::read_to_string(&facts).unwrap();
    let without: Value = {
        let mut v: Value = serde_json::from_str(&text).unwrap();
        v.as_object_mut().unwrap().remove("captures");
        v
    };
    fs::write(&facts, without.to_string()).unwrap();
    let r = result(dir.path(), "post", "PM007", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(
        &r,
        "run `icacls C:\\ProgramData\\NugetCache /T > nugetcache.icacls.txt`",
    );
    assert_message_has(&r, "captures/nugetcache.icacls.txt");
}

#[test]
fn pm007_a_capture_facts_names_but_that_is_missing_is_an_input_error() {
    let dir = copy_fixture("combined-post-ready");
    fs::remove_file(dir.path().join("captures/nugetcache.icacls.txt")).unwrap();
    let run = scan(dir.path(), "post", &[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("cannot read the capture captures.nugetcache_icacls"),
        "{}",
        run.stderr
    );
}

#[test]
fn pm007_a_plain_text_capture_with_explicit_entries_fails_listing_them() {
    let capture = format!(
        "{ROOT}C:\\ProgramData\\NugetCache\\ThycoticTms.11.1.1156.nupkg BUILTIN\\Administrators:(F)\r\n\r\nSuccessfully processed 2 files; Failed processing 0 files\r\n"
    );
    let r = pm007(capture.as_bytes());
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(
        &r,
        "C:\\ProgramData\\NugetCache\\ThycoticTms.11.1.1156.nupkg (line 3: explicit BUILTIN\\Administrators (F))",
    );
    assert_message_has(&r, "icacls C:\\ProgramData\\NugetCache /reset /T");
}

#[test]
fn pm007_an_entry_without_any_ace_fails() {
    let capture = format!("{ROOT}C:\\ProgramData\\NugetCache\\orphan.nupkg\r\n");
    let r = pm007(capture.as_bytes());
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(&r, "orphan.nupkg (line 3: no ACE at all)");
}

#[test]
fn pm007_entries_icacls_could_not_read_are_an_error() {
    let capture = format!(
        "{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg NT AUTHORITY\\SYSTEM:(I)(F)\r\nC:\\ProgramData\\NugetCache\\locked.nupkg: Access is denied.\r\n"
    );
    let r = pm007(capture.as_bytes());
    assert_eq!(status(&r), "error", "{r}");
    assert_message_has(&r, "icacls could not read 1 entry");
    assert_message_has(&r, "locked.nupkg, line 4");
}

#[test]
fn pm007_only_the_folder_itself_or_another_folder_is_not_evaluated() {
    let r = pm007(ROOT.as_bytes());
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "capture it with /T");
    let other = "C:\\ProgramData\\Other NT AUTHORITY\\SYSTEM:(I)(OI)(CI)(F)\r\n";
    let r = pm007(other.as_bytes());
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "is not a capture of C:\\ProgramData\\NugetCache\\");
}

#[test]
fn pm007_an_unreadable_line_is_never_a_pass() {
    let capture = format!(
        "{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg NT AUTHORITY\\SYSTEM:(I)(F)\r\n      this is not an ACE\r\n"
    );
    let r = pm007(capture.as_bytes());
    assert_eq!(status(&r), "error", "{r}");
    assert_message_has(&r, "nugetcache.icacls.txt:4:");
}

#[test]
fn pm007_utf16_without_a_byte_order_mark_is_an_error_with_its_position() {
    let text =
        format!("{ROOT}C:\\ProgramData\\NugetCache\\a.nupkg NT AUTHORITY\\SYSTEM:(I)(F)\r\n");
    let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    let r = pm007(&bytes);
    assert_eq!(status(&r), "error", "{r}");
    assert_message_has(&r, "looks like UTF-16 without a byte order mark");
}

#[test]
fn pm007_a_capture_that_is_a_fifo_is_refused_without_hanging() {
    let dir = copy_fixture("combined-post-ready");
    let capture = dir.path().join("captures/nugetcache.icacls.txt");
    fs::remove_file(&capture).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&capture)
        .status()
        .unwrap();
    assert!(made.success());
    let run = checked(scan(dir.path(), "post", &[]));
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
}

#[test]
fn pm007_a_capture_without_the_cache_on_disk_to_compare_is_not_evaluated() {
    let dir = copy_fixture("combined-post-ready");
    assert_eq!(status(&result(dir.path(), "post", "PM007", &[])), "pass");
    fs::remove_dir_all(dir.path().join("root/ProgramData/NugetCache")).unwrap();
    let r = result(dir.path(), "post", "PM007", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "cannot be checked against it");
}

#[test]
fn pm007_a_package_added_after_the_capture_makes_it_stale() {
    let dir = copy_fixture("combined-post-ready");
    let cache = dir.path().join("root/ProgramData/NugetCache");
    // A hierarchical entry, added since: both its folders and the file are missing from the capture.
    fs::create_dir_all(cache.join("ThycoticTms/11.1.1200")).unwrap();
    fs::write(
        cache.join("ThycoticTms/11.1.1200/thycotictms.11.1.1200.nupkg"),
        "x",
    )
    .unwrap();
    // A link back to the cache itself is listed once, not walked forever.
    #[cfg(unix)]
    std::os::unix::fs::symlink(".", cache.join("ThycoticTms/again")).unwrap();
    let r = result(dir.path(), "post", "PM007", &[]);
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(
        &r,
        r"is stale: it does not list 4 entries of C:\ProgramData\NugetCache\ on disk (C:\ProgramData\NugetCache\ThycoticTms, C:\ProgramData\NugetCache\ThycoticTms\11.1.1200, C:\ProgramData\NugetCache\ThycoticTms\again, C:\ProgramData\NugetCache\ThycoticTms\11.1.1200\thycotictms.11.1.1200.nupkg)",
    );
    assert_message_has(
        &r,
        "run `icacls C:\\ProgramData\\NugetCache /T > nugetcache.icacls.txt` again",
    );
}
