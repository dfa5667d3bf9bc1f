//! facts.json and `--now` as administrators write them: times need their offset
//! (a time without one is refused, not cut to midnight UTC), dates are dates,
//! enum values in any case and single items for lists (PowerShell's output) are
//! read, and every error is exit 2 naming file:line:column, the key path, what
//! is wrong and the fix.

use std::fs;
use std::path::Path;

use crate::common::{Run, checked, expect, fixture, scan, stage_fixture};

/// Exit 2, no report, and stderr holding every part.
fn assert_refused(run: &Run, parts: &[&str]) {
    assert_eq!(
        run.code, 2,
        "expected exit 2\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "no report:\n{}", run.stdout);
    for part in parts {
        assert!(
            run.stderr.contains(part),
            "{part:?} not in stderr:\n{}",
            run.stderr
        );
    }
}

/// A staged copy of combined-post-ready (its TMS backup copy made at 07:00Z, an hour
/// before NOW) whose upgraded_at is `upgraded_at`, written as the last key of its object.
fn combined_post(upgraded_at: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let e = expect("combined-post-ready");
    let (tmp, staged) = stage_fixture("combined-post-ready", &e.mtimes);
    fs::write(
        staged.join("facts.json"),
        format!(
            r#"{{
  "host": "pam-app-06",
  "secret_server": {{ "installed_version": "11.1.000006", "target_version": "11.1.000006" }},
  "privilege_manager": {{
    "installed_version": "11.1.1156",
    "installed_packages": {{ "ThycoticTms": "11.1.1156", "ThycoticTmsCoreProduct": "11.1.1156" }},
    "target_version": "11.1.1156",
    "upgraded_at": "{upgraded_at}"
  }},
  "captures": {{ "nugetcache_icacls": "captures/nugetcache.icacls.txt" }}
}}
"#
        ),
    )
    .unwrap();
    (tmp, staged)
}

fn pm008(staged: &Path) -> (String, String) {
    let run = checked(scan(
        staged,
        "post",
        &["--format", "json", "--select", "PM008"],
    ));
    let r = run.only("PM008");
    (
        r["status"].as_str().unwrap().to_string(),
        r["message"].as_str().unwrap().to_string(),
    )
}

#[test]
fn upgraded_at_without_an_offset_is_refused_not_read_as_midnight() {
    // Get-Date -Format s: read as 2026-11-22T00:00:00Z before, PM008 passed on a copy
    // (07:00Z) made before the upgrade (07:30 server time).
    let (_tmp, staged) = combined_post("2026-11-22T07:30:00");
    let run = checked(scan(&staged, "post", &["--format", "json"]));
    let facts = staged.join("facts.json");
    assert_refused(
        &run,
        &[
            &format!(
                "error: {}:8:20: privilege_manager.upgraded_at: \"2026-11-22T07:30:00\" has no UTC offset",
                facts.display()
            ),
            "help: add Z or the server's offset, e.g. 2026-11-22T07:30:00Z or 2026-11-22T07:30:00+01:00",
        ],
    );
}

#[test]
fn the_offset_decides_whether_the_copy_is_after_the_upgrade() {
    // 07:30 at +01:00 is 06:30Z: the 07:00Z copy is after it.
    let (_tmp, staged) = combined_post("2026-11-22T07:30:00+01:00");
    assert_eq!(pm008(&staged).0, "pass");
    // The same instant written in UTC, with a fraction and lowercase letters.
    let (_tmp, staged) = combined_post("2026-11-22t06:30:00.000z");
    assert_eq!(pm008(&staged).0, "pass");
    // 07:30Z: the copy was made before the upgrade.
    let (_tmp, staged) = combined_post("2026-11-22T07:30:00Z");
    let (status, message) = pm008(&staged);
    assert_eq!(status, "fail", "{message}");
}

#[test]
fn times_without_offsets_or_dates_alone_are_refused_at_their_value() {
    for (value, message) in [
        ("2026-11-22 06:30", "\"2026-11-22 06:30\" has no UTC offset"),
        (
            "2026-11-22",
            "\"2026-11-22\" is a date, but a time is needed here",
        ),
        ("last night", "\"last night\" is not an RFC 3339 time"),
        ("2026-11-22T06:30:00+0100", "\"+0100\" is not an offset"),
    ] {
        let (_tmp, staged) = combined_post(value);
        let run = checked(scan(&staged, "post", &[]));
        let at = format!("{}:8:20: ", staged.join("facts.json").display());
        assert_refused(
            &run,
            &[&at, "privilege_manager.upgraded_at: ", message, "help: "],
        );
    }
}

/// A copy of nps-pre-ready with `password_secure` replaced by `nps`.
fn nps(nps: &str) -> tempfile::TempDir {
    let dir = crate::common::copy_fixture("nps-pre-ready");
    crate::common::set_nps_facts(dir.path(), nps);
    dir
}

const NPS: &str = r#""server_version": "9.2.1.32530", "target_version": "9.3.1.33994",
    "target_release_date": "2025-11-04", "maintenance_until": "2027-03-31""#;

#[test]
fn a_database_backup_time_without_an_offset_is_refused() {
    let dir = crate::common::copy_fixture("pm-offline-ready");
    let facts = dir.path().join("facts.json");
    fs::write(
        &facts,
        "{\n  \"secret_server\": {\n    \"database_backup_at\": \"2026-12-01 20:00\"\n  }\n}\n",
    )
    .unwrap();
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            &format!(
                "{}:3:27: secret_server.database_backup_at: \"2026-12-01 20:00\" has no UTC offset",
                facts.display()
            ),
            "e.g. 2026-12-01T20:00:00Z or 2026-12-01T20:00:00+01:00",
        ],
    );
}

#[test]
fn a_date_fact_holds_a_date_alone() {
    let dir = nps(
        "{\n  \"target_version\": \"9.3.1.33994\",\n  \"maintenance_until\": \"2027-03-31T00:00:00\"\n}",
    );
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            &format!(
                "{}:3:24: password_secure.maintenance_until: \"2027-03-31T00:00:00\" is a time, but a date is needed here",
                dir.path().join("facts.json").display()
            ),
            "help: write the date alone: 2027-03-31",
        ],
    );
}

#[test]
fn now_needs_an_offset_too() {
    let target = fixture("pm-offline-ready");
    for (now, message, help) in [
        (
            "2026-11-22T08:00:00",
            "error: --now: \"2026-11-22T08:00:00\" has no UTC offset",
            "e.g. 2026-11-22T08:00:00Z or 2026-11-22T08:00:00+01:00",
        ),
        (
            "2026-11-22",
            "error: --now: \"2026-11-22\" is a date, but a time is needed here",
            "e.g. 2026-11-22T22:00:00Z",
        ),
    ] {
        let run = checked(crate::common::run(
            crate::common::upgate()
                .arg("scan")
                .arg(&target)
                .args(["--phase", "pre", "--now", now]),
        ));
        assert_refused(&run, &[message, help]);
    }
    // With an offset: the same scan as at NOW in UTC.
    let at = |now: &str| {
        checked(crate::common::run(
            crate::common::upgate()
                .arg("scan")
                .arg(&target)
                .args(["--phase", "pre", "--format", "json", "--now", now]),
        ))
    };
    let utc = at("2026-11-22T08:00:00Z");
    let cet = at("2026-11-22T09:00:00+01:00");
    assert_eq!(utc.code, cet.code);
    assert_eq!(utc.statuses(), cet.statuses());
    assert_eq!(utc.json()["scan"]["now"], cet.json()["scan"]["now"]);
}

fn nps005(dir: &Path) -> serde_json::Value {
    checked(scan(
        dir,
        "pre",
        &["--format", "json", "--select", "NPS005"],
    ))
    .only("NPS005")
}

#[test]
fn enum_values_and_single_items_are_read_as_powershell_writes_them() {
    // The fixture as it is: both services listed, lowercase.
    let expected = nps005(&fixture("nps-pre-ready"));
    // Get-Service's "Stopped"/"Running", "IIS".
    let dir = nps(&format!(
        r#"{{{NPS}, "web_server": "IIS", "services": [
            {{"name": "Netwrix Password Secure Service", "state": "Stopped"}},
            {{"name": "W3SVC", "state": "RUNNING"}}]}}"#
    ));
    let r = nps005(dir.path());
    assert_eq!(r["status"], expected["status"], "{r}");
    assert_eq!(r["message"], expected["message"]);
    // ConvertTo-Json of one service: the object, not a list of one.
    let dir = nps(&format!(
        r#"{{{NPS}, "services": {{"name": "Netwrix Password Secure Service", "state": "Stopped"}},
            "client_versions": "9.2.1.32530"}}"#
    ));
    let r = nps005(dir.path());
    assert_eq!(r["status"], "pass", "{r}");
    let nps003 = |dir: &Path| {
        checked(scan(
            dir,
            "pre",
            &["--format", "json", "--select", "NPS003"],
        ))
        .only("NPS003")
    };
    let (one, listed) = (nps003(dir.path()), nps003(&fixture("nps-pre-ready")));
    assert_eq!(one["status"], listed["status"], "{one}");
    assert_eq!(one["message"], listed["message"]);
}

#[test]
fn a_bad_enum_value_is_refused_at_the_value_with_the_values() {
    let dir = nps("{\"services\": [\n  {\"name\": \"x\", \"state\": \"Paused\"}\n]}");
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            &format!(
                "{}:2:26: password_secure.services[0].state: \"Paused\" is not a service state",
                dir.path().join("facts.json").display()
            ),
            "help: write \"running\" or \"stopped\" (any case)",
        ],
    );
}

#[test]
fn type_errors_name_the_key_path_the_shape_and_an_example() {
    let dir = nps("{\n  \"services\": [\n    \"Netwrix Password Secure Service\"\n  ]\n}");
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            &format!(
                "{}:3:5: password_secure.services[0]: expected a service, found the string \"Netwrix Password Secure Service\"",
                dir.path().join("facts.json").display()
            ),
            r#"help: for example {"name": "Netwrix Password Secure Service", "state": "stopped"}"#,
        ],
    );
    assert!(!run.stderr.contains("invalid type"), "{}", run.stderr);
    let dir = nps("{\n  \"server_manager_password_noted\": \"yes\"\n}");
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            ":2:36: password_secure.server_manager_password_noted: expected true or false, found the string \"yes\"",
            "help: for example true",
        ],
    );
}

#[test]
fn a_missing_key_points_at_its_object() {
    let dir = nps("{\n  \"services\": {\n    \"state\": \"Stopped\"\n  }\n}");
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            ":2:15: password_secure.services: `name` is missing",
            "help: a service, e.g. {",
        ],
    );
}

#[test]
fn an_unknown_last_key_points_at_itself_with_the_nearest_key() {
    let dir = nps(
        "{\n  \"target_version\": \"9.3.1.33994\",\n  \"maintenance_untill\": \"2027-03-31\"\n}",
    );
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_refused(
        &run,
        &[
            &format!(
                "{}:3:3: unknown key `password_secure.maintenance_untill`",
                dir.path().join("facts.json").display()
            ),
            "help: did you mean `maintenance_until`?",
        ],
    );
}
