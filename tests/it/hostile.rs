//! Hostile inputs: a copied server root is untrusted, and so are the user's own
//! files and flags. Whatever they hold, upgate never panics, never reads outside
//! the root, never hangs, and never passes silently: each case ends in a precise
//! result, or in exit status 2 with one clear message on stderr.

use std::fs;
use std::io::Write;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::time::Duration;

use crate::common::{
    NOW, Run, assert_message_has, checked, copy_fixture, fixture, json_scan, message, run, scan,
    scan_only, upgate,
};
use serde_json::Value;

const WEB_CONFIG: &str = "root/inetpub/wwwroot/TMS/web.config";
const TMS: &str = "root/inetpub/wwwroot/TMS";
const CACHE: &str = "root/ProgramData/NugetCache";
const SERVER_PATH: &str = r"C:\inetpub\wwwroot\TMS\web.config";

/// upgate with exactly these arguments (for flags the `scan` helper already sets).
fn raw(args: &[&str]) -> Run {
    checked(run(upgate().args(args)))
}

/// Exit status 2, nothing on stdout, and stderr holding every part.
fn assert_input_error(run: &Run, parts: &[&str]) {
    assert_eq!(
        run.code, 2,
        "expected exit 2\nstdout:\n{}\nstderr:\n{}",
        run.stdout, run.stderr
    );
    assert!(
        run.stdout.is_empty(),
        "no report on an input error:\n{}",
        run.stdout
    );
    assert!(
        run.stderr.starts_with("error: "),
        "stderr: {:?}",
        run.stderr
    );
    for part in parts {
        assert!(
            run.stderr.contains(part),
            "{part:?} not in stderr:\n{}",
            run.stderr
        );
    }
}

/// The PM005 result whose subject contains `name`.
fn pm005_for(run: &Run, name: &str) -> Value {
    let matching: Vec<Value> = run
        .results_of("PM005")
        .into_iter()
        .filter(|r| r["subject"].as_str().unwrap().contains(name))
        .collect();
    assert_eq!(
        matching.len(),
        1,
        "expected one PM005 result for {name:?}:\n{}",
        run.stdout
    );
    matching.into_iter().next().unwrap()
}

fn original_web_config() -> Vec<u8> {
    fs::read(fixture("pm-offline-ready").join(WEB_CONFIG)).unwrap()
}

// ---------------------------------------------------------------------------
// Symbolic links: confined to the root

/// A valid web.config outside the root that a followed link would read; its
/// value is spelled distinctively so a leak would show in the report.
fn plant_outside(dir: &Path) -> std::path::PathBuf {
    let outside = dir.join("outside");
    fs::create_dir(&outside).unwrap();
    let text = String::from_utf8(original_web_config())
        .unwrap()
        .replace(r"C:\ProgramData\NugetCache\", r"c:\programdata\nugetcache\");
    assert!(text.contains(r"c:\programdata\nugetcache\"));
    fs::write(outside.join("web.config"), text).unwrap();
    outside.join("web.config")
}

fn assert_not_followed_out(dir: &Path, link_target: &str) {
    let link = dir.join(WEB_CONFIG);
    fs::remove_file(&link).unwrap();
    symlink(link_target, &link).unwrap();
    // The host itself would follow the link to the valid outside file...
    let via_host = fs::read_to_string(&link).unwrap();
    assert!(
        via_host.contains(r"c:\programdata\nugetcache\"),
        "{link_target}"
    );

    // ...upgate does not: inside the root there is nothing there.
    let (run, r) = scan_only(dir, "pre", "PM004");
    assert_eq!(r["status"], "fail", "{link_target}: {r:#}");
    assert_eq!(r["severity"], "error");
    assert_message_has(&r, &format!("{SERVER_PATH} does not exist"));
    assert!(r["observed"].is_null(), "{r:#}");
    let json = run.json();
    assert_eq!(
        json["observed_state"]["settings"],
        serde_json::json!([]),
        "no setting may be read from outside the root"
    );
    // The outside file's distinctive spelling (JSON-escaped) appears nowhere.
    assert!(
        !run.stdout.contains(r"c:\\programdata\\nugetcache"),
        "{}",
        run.stdout
    );
    assert_eq!(run.code, 1);
}

#[test]
fn an_absolute_link_out_of_the_root_is_not_followed() {
    let dir = copy_fixture("pm-offline-ready");
    let outside = plant_outside(dir.path());
    assert!(outside.is_absolute());
    assert_not_followed_out(dir.path(), outside.to_str().unwrap());
}

#[test]
fn a_relative_link_climbing_out_of_the_root_is_clamped() {
    let dir = copy_fixture("pm-offline-ready");
    let outside = plant_outside(dir.path());
    // TMS -> wwwroot -> inetpub -> root -> the temporary folder holding `outside`.
    assert_not_followed_out(dir.path(), "../../../../outside/web.config");
    // Far more `..` than needed, to the host's `/`, then down to the file.
    let deep = format!(
        "{}{}",
        "../".repeat(40),
        outside.to_str().unwrap().trim_start_matches('/')
    );
    assert_not_followed_out(dir.path(), &deep);
}

#[test]
fn an_absolute_link_is_reread_inside_the_root() {
    for target in [
        "/inetpub/wwwroot/TMS/real.config",
        r"C:\inetpub\wwwroot\TMS\real.config",
    ] {
        let dir = copy_fixture("pm-offline-ready");
        let tms = dir.path().join(TMS);
        fs::rename(tms.join("web.config"), tms.join("real.config")).unwrap();
        symlink(target, tms.join("web.config")).unwrap();
        // On the host the link leads nowhere.
        assert!(fs::metadata(tms.join("web.config")).is_err());

        let (run, r) = scan_only(dir.path(), "pre", "PM004");
        assert_eq!(r["status"], "pass", "{target}: {r:#}");
        assert_eq!(r["location"]["line"], 9);
        assert_eq!(
            r["location"]["root_relative"],
            "inetpub/wwwroot/TMS/real.config"
        );
        assert_eq!(r["observed"], r"C:\ProgramData\NugetCache\");
        assert_eq!(run.code, 0, "{}", run.stderr);
    }
}

#[test]
fn a_link_loop_is_an_error_naming_the_loop() {
    let dir = copy_fixture("pm-offline-ready");
    let tms = dir.path().join(TMS);
    fs::remove_file(tms.join("web.config")).unwrap();
    symlink("a.config", tms.join("web.config")).unwrap();
    symlink("b.config", tms.join("a.config")).unwrap();
    symlink("a.config", tms.join("b.config")).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_message_has(&r, "symbolic link loop");
    assert_message_has(&r, r"C:\inetpub\wwwroot\TMS\a.config");
    assert_eq!(run.code, 1);

    // A link to itself, too.
    fs::remove_file(tms.join("web.config")).unwrap();
    symlink("web.config", tms.join("web.config")).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(message(&r), format!("symbolic link loop at {SERVER_PATH}"));
    assert_eq!(run.code, 1);
}

#[test]
fn a_long_link_chain_is_an_error() {
    let dir = copy_fixture("pm-offline-ready");
    let tms = dir.path().join(TMS);
    fs::rename(tms.join("web.config"), tms.join("l45.config")).unwrap();
    for i in 0..45 {
        symlink(
            format!("l{}.config", i + 1),
            tms.join(format!("l{i}.config")),
        )
        .unwrap();
    }
    symlink("l0.config", tms.join("web.config")).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(
        message(&r),
        format!("more than 40 symbolic links while resolving {SERVER_PATH}")
    );
    assert_eq!(run.code, 1);
}

// ---------------------------------------------------------------------------
// Odd entries in the NugetCache

#[test]
fn control_characters_in_a_file_name_print_inert() {
    let dir = copy_fixture("pm-offline-ready");
    let name = "Evil\x1b[31m\x07\r.11.0.nupkg";
    fs::write(
        dir.path().join(CACHE).join(name),
        b"\x00\xff garbage, not a zip \x1b]0;owned\x07",
    )
    .unwrap();

    let run = json_scan(dir.path(), "pre");
    let r = pm005_for(&run, "Evil");
    assert_eq!(r["status"], "fail", "{r:#}");
    assert_eq!(r["severity"], "error");
    assert_message_has(&r, "not a readable zip archive");
    // JSON keeps the name exactly (escaped by JSON, not altered).
    assert_eq!(r["subject"], format!(r"C:\ProgramData\NugetCache\{name}"));
    assert!(!run.stdout.contains('\x1b'), "raw ESC in the JSON");
    assert_eq!(run.code, 1);

    let text = checked(scan(dir.path(), "pre", &["--show", "all"]));
    assert_eq!(text.code, 1);
    assert!(
        !text.stdout.contains(['\x1b', '\x07', '\r']),
        "raw control characters in the text output:\n{:?}",
        text.stdout
    );
    assert!(
        text.stdout.contains(r"Evil\u{1b}[31m\u{7}\r.11.0.nupkg"),
        "the name is shown escaped:\n{}",
        text.stdout
    );
    assert!(!text.stderr.contains('\x1b'), "{:?}", text.stderr);
}

/// Makes a FIFO at `path` (a reader of it would block forever).
fn mkfifo(path: &Path) {
    let made = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(made.success());
}

/// A JSON scan, killed after a minute: a FIFO opened by mistake would block
/// it for ever, and the test must fail rather than hang the run.
fn scan_within_a_minute(target: &Path, phase: &str) -> Run {
    let out = upgate()
        .arg("scan")
        .arg(target)
        .args(["--phase", phase, "--now", NOW, "--format", "json"])
        .timeout(Duration::from_secs(60))
        .output()
        .expect("the scan must finish, not block on the FIFO");
    checked(Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

#[test]
fn a_fifo_named_like_a_package_does_not_hang_the_scan() {
    let dir = copy_fixture("pm-offline-ready");
    let fifo = dir.path().join(CACHE).join("ThycoticTms.11.1.1156.nupkg");
    fs::remove_file(&fifo).unwrap();
    mkfifo(&fifo);
    let run = scan_within_a_minute(dir.path(), "pre");
    let r = pm005_for(&run, "ThycoticTms.11.1.1156.nupkg");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(
        message(&r),
        r"C:\ProgramData\NugetCache\ThycoticTms.11.1.1156.nupkg is not a regular file (device, FIFO or socket)"
    );
    // The other package is still checked.
    assert_eq!(
        pm005_for(&run, "ThycoticTmsCoreProduct.11.1.1156.nupkg")["status"],
        "pass"
    );
    assert_eq!(run.code, 1);
}

/// A zip holding one deflated entry of `size` zero bytes.
fn zip_of_zeros(entry: &str, size: usize) -> Vec<u8> {
    let mut buf = std::io::Cursor::new(Vec::new());
    let mut zip = zip::ZipWriter::new(&mut buf);
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    zip.start_file(entry, options).unwrap();
    let chunk = vec![0u8; 1024 * 1024];
    for _ in 0..size / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap();
    buf.into_inner()
}

#[test]
fn a_nuspec_that_inflates_past_the_limit_fails_at_the_limit() {
    let dir = copy_fixture("pm-offline-ready");
    let bomb = zip_of_zeros("Bomb.nuspec", 16 * 1024 * 1024);
    assert!(
        bomb.len() < 128 * 1024,
        "compressed to {} bytes",
        bomb.len()
    );
    fs::write(dir.path().join(CACHE).join("Bomb.1.0.0.nupkg"), &bomb).unwrap();

    // The message names the limit: inflating stopped there.
    let run = json_scan(dir.path(), "pre");
    let r = pm005_for(&run, "Bomb.1.0.0.nupkg");
    assert_eq!(r["status"], "fail", "{r:#}");
    assert_eq!(r["severity"], "error");
    assert_eq!(message(&r), "Bomb.nuspec: larger than 1048576 bytes");
    assert_eq!(run.code, 1);
}

// ---------------------------------------------------------------------------
// A hostile web.config

#[test]
fn a_web_config_over_the_size_limit_is_an_error() {
    let dir = copy_fixture("pm-offline-ready");
    let mut bytes = original_web_config();
    let tail = b"<!-- padding -->\r\n".repeat(17 * 1024 * 1024 / 18 + 1);
    bytes.extend_from_slice(&tail);
    assert!(bytes.len() > 17 * 1024 * 1024);
    fs::write(dir.path().join(WEB_CONFIG), &bytes).unwrap();

    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(
        message(&r),
        format!("{SERVER_PATH} is larger than 16777216 bytes; refusing to read it")
    );
    assert_eq!(run.code, 1);
}

#[test]
fn invalid_utf8_is_an_error_with_its_position() {
    let dir = copy_fixture("pm-offline-ready");
    let text = original_web_config();
    // Line 4 starts after the third CRLF; put a lone 0xFF there.
    let line4 = text
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w == b"\r\n")
        .nth(2)
        .map(|(i, _)| i + 2)
        .unwrap();
    let mut bytes = text[..line4].to_vec();
    bytes.extend_from_slice(b"  \xff");
    bytes.extend_from_slice(&text[line4..]);
    fs::write(dir.path().join(WEB_CONFIG), &bytes).unwrap();

    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(r["location"]["line"], 4);
    assert_eq!(r["location"]["column"], 3);
    assert_message_has(&r, &format!("{SERVER_PATH} is not well-formed XML"));
    assert_message_has(&r, "invalid UTF-8 (bytes FF)");
    assert_message_has(&r, &format!("byte offset {}", line4 + 2));
    assert_eq!(run.code, 1);
}

#[test]
fn binary_garbage_is_an_error_with_a_position() {
    let dir = copy_fixture("pm-offline-ready");
    // Deterministic noise, mostly invalid UTF-8.
    let garbage: Vec<u8> = (0u32..8192)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    fs::write(dir.path().join(WEB_CONFIG), &garbage).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_message_has(&r, "is not well-formed XML");
    assert!(r["location"]["line"].as_u64().is_some(), "{r:#}");
    assert!(r["location"]["column"].as_u64().is_some(), "{r:#}");
    assert_eq!(run.code, 1);
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

#[test]
fn utf16_without_a_byte_order_mark_is_an_error_naming_utf16() {
    let dir = copy_fixture("pm-offline-ready");
    let text = String::from_utf8(original_web_config()).unwrap();
    fs::write(dir.path().join(WEB_CONFIG), utf16le(&text)).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_message_has(&r, "looks like UTF-16 without a byte order mark");
    assert_message_has(&r, "little-endian");
    assert_eq!(r["location"]["line"], 1);
    assert_eq!(run.code, 1);

    // The same file with its byte order mark is what Notepad writes: it passes.
    let mut with_bom = vec![0xFF, 0xFE];
    with_bom.extend(utf16le(&text));
    fs::write(dir.path().join(WEB_CONFIG), with_bom).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(r["location"]["line"], 9);
    assert_eq!(run.code, 0);
}

#[test]
fn two_entries_differing_only_in_case_are_an_error_naming_both() {
    let dir = copy_fixture("pm-offline-ready");
    let tms = dir.path().join(TMS);
    fs::copy(tms.join("web.config"), tms.join("Web.config")).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_message_has(
        &r,
        r"C:\inetpub\wwwroot\TMS holds entries that differ only in case (Web.config, web.config)",
    );
    assert_eq!(run.code, 1);
}

// ---------------------------------------------------------------------------
// The user's own files: facts.json and rule folders

#[test]
fn invalid_facts_json_is_refused_with_its_line() {
    let dir = copy_fixture("pm-offline-ready");
    let facts = dir.path().join("facts.json");
    // A missing comma after line 2.
    fs::write(
        &facts,
        "{\n  \"host\": \"pam-web-01\"\n  \"privilege_manager\": {}\n}\n",
    )
    .unwrap();
    let run = json_scan(dir.path(), "pre");
    assert_input_error(
        &run,
        &[&format!("{}:3:3: expected `,` or `}}`", facts.display())],
    );
}

#[test]
fn an_unknown_facts_key_is_refused_with_a_suggestion() {
    let dir = copy_fixture("pm-offline-ready");
    let facts = dir.path().join("facts.json");
    fs::write(
        &facts,
        "{\n  \"host\": \"pam-web-01\",\n  \"privilege_manger\": { \"installed_version\": \"11.0.1040\" }\n}\n",
    )
    .unwrap();
    let run = json_scan(dir.path(), "pre");
    assert_input_error(
        &run,
        &[
            &format!("{}:3:", facts.display()),
            "unknown key `privilege_manger`",
            "did you mean `privilege_manager`?",
        ],
    );
}

/// A valid extra rule pack (lines: `[[rule]]` 3, `check` 12).
fn pack(id: &str, slug: &str, kind: &str) -> String {
    format!(
        r#"product = "pm"

[[rule]]
id = "{id}"
slug = "{slug}"
title = "t"
summary = "s"
remediation = "r"
source = "local"
severity = "error"
applies = {{ pre = ["offline"] }}
check = {{ kind = "{kind}", fact = "privilege_manager.installed_version", minimum = "10.2" }}
"#
    )
}

#[test]
fn a_valid_extra_rule_pack_is_loaded() {
    // The control for the two malformed packs below.
    let dir = copy_fixture("pm-offline-ready");
    let rules = tempfile::tempdir().unwrap();
    fs::write(
        rules.path().join("a.toml"),
        pack("PM900", "pm-local-check", "minimum_version"),
    )
    .unwrap();
    let run = checked(scan(
        dir.path(),
        "pre",
        &[
            "--format",
            "json",
            "--rules",
            rules.path().to_str().unwrap(),
        ],
    ));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let r = run.results_of("PM900");
    assert_eq!(r.len(), 1);
    assert_eq!(r[0]["status"], "pass");
}

#[test]
fn a_rule_with_an_unknown_check_kind_is_refused_with_file_and_line() {
    let dir = copy_fixture("pm-offline-ready");
    let rules = tempfile::tempdir().unwrap();
    let file = rules.path().join("a.toml");
    fs::write(&file, pack("PM900", "pm-local-check", "maximum_version")).unwrap();
    let run = checked(scan(
        dir.path(),
        "pre",
        &["--rules", rules.path().to_str().unwrap()],
    ));
    assert_input_error(
        &run,
        &[
            &format!("{}:12:", file.display()),
            "unknown variant `maximum_version`",
        ],
    );
}

#[test]
fn a_rule_id_defined_in_two_files_is_refused_with_both_places() {
    let dir = copy_fixture("pm-offline-ready");
    let rules = tempfile::tempdir().unwrap();
    let a = rules.path().join("a.toml");
    let b = rules.path().join("b.toml");
    fs::write(&a, pack("PM900", "pm-local-check", "minimum_version")).unwrap();
    fs::write(&b, pack("PM900", "pm-other-check", "minimum_version")).unwrap();
    let run = checked(scan(
        dir.path(),
        "pre",
        &["--rules", rules.path().to_str().unwrap()],
    ));
    assert_input_error(
        &run,
        &[
            &format!("{}:3: duplicate rule id PM900", b.display()),
            &format!("PM900 is already defined at {}:3", a.display()),
        ],
    );
}

// ---------------------------------------------------------------------------
// Targets

#[test]
fn a_target_that_does_not_exist_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing");
    let run = checked(scan(&missing, "pre", &[]));
    assert_input_error(
        &run,
        &[&format!("{}: cannot read the target", missing.display())],
    );
}

#[test]
fn a_target_that_is_a_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("server.zip");
    fs::write(&file, "PK").unwrap();
    let run = checked(scan(&file, "pre", &[]));
    assert_input_error(
        &run,
        &[&format!(
            "{}: the target is a file; expected a folder",
            file.display()
        )],
    );
}

#[test]
fn an_empty_folder_has_no_product() {
    let dir = tempfile::tempdir().unwrap();
    let run = checked(scan(dir.path(), "pre", &[]));
    assert_input_error(&run, &["no product found under"]);
}

// ---------------------------------------------------------------------------
// Flags

fn target() -> String {
    fixture("pm-offline-ready").display().to_string()
}

#[test]
fn a_bad_now_names_the_flag() {
    let t = target();
    let run = raw(&["scan", &t, "--phase", "pre", "--now", "yesterday"]);
    assert_input_error(
        &run,
        &[
            "--now: \"yesterday\" is not an RFC 3339 time",
            "help: write the date, the time and Z or the server's offset",
        ],
    );
}

#[test]
fn a_drive_mapped_to_a_missing_folder_names_the_flag() {
    let run = checked(scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--drive", "D:=/nonexistent"],
    ));
    assert_input_error(
        &run,
        &["--drive D:=/nonexistent: /nonexistent is not a folder"],
    );
}

#[test]
fn a_bad_target_version_names_the_flag() {
    let run = checked(scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--target", "pm=abc"],
    ));
    assert_input_error(
        &run,
        &["--target pm=abc: 'abc' is not a valid NuGet version"],
    );
}

#[test]
fn an_unknown_severity_level_names_the_flag() {
    let run = checked(scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--set-severity", "PM004=fatal"],
    ));
    assert_input_error(
        &run,
        &[
            "--set-severity PM004=fatal: unknown level `fatal`",
            "use error, warning or note",
        ],
    );
}

#[test]
fn a_report_under_the_scanned_root_is_refused() {
    let dir = copy_fixture("pm-offline-ready");
    let report = dir.path().join("root/inetpub/report.json");
    let spec = format!("json={}", report.display());
    let run = checked(scan(dir.path(), "pre", &["--report", &spec]));
    // The message names the flag and the report file.
    assert_input_error(
        &run,
        &[
            &format!(
                "{}: --report {spec}: refusing to write a report under the scanned root",
                report.display()
            ),
            "help: write it outside the root",
        ],
    );
    assert!(!report.exists(), "nothing may be written under the root");

    // Outside the root it is written.
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("report.json");
    let spec = format!("json={}", report.display());
    let run = checked(scan(dir.path(), "pre", &["--report", &spec]));
    assert_eq!(run.code, 0, "{}", run.stderr);
    let written: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["schema_version"], 1);
}

#[test]
fn a_fifo_among_apache_includes_does_not_hang_the_scan() {
    let dir = copy_fixture("nps-apache-debian-ready");
    let fifo = dir
        .path()
        .join("root/etc/apache2/mods-enabled/zz_fifo.load");
    mkfifo(&fifo);
    fs::remove_file(
        dir.path()
            .join("root/etc/apache2/mods-enabled/proxy_wstunnel.load"),
    )
    .unwrap();
    let run = scan_within_a_minute(dir.path(), "post");
    // The FIFO could hold the missing LoadModule: unknown, so an error, not a failure.
    let r = run.only("NPS009");
    assert_eq!(r["status"], "error", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("not a regular file"),
        "{r}"
    );
}

#[test]
fn an_oversized_application_host_config_is_refused_not_parsed() {
    let dir = copy_fixture("nps-post-ready");
    let host = dir
        .path()
        .join("root/Windows/System32/inetsrv/config/applicationHost.config");
    let f = fs::File::create(&host).unwrap();
    f.set_len(upgate::inputs::CONFIG_LIMIT + 1).unwrap();
    let run = checked(scan(dir.path(), "post", &["--format", "json"]));
    let r = run.only("NPS008");
    assert_eq!(r["status"], "error", "{r}");
    assert!(
        r["message"]
            .as_str()
            .unwrap()
            .contains("refusing to read it"),
        "{r}"
    );
}

// ---------------------------------------------------------------------------
// Password Secure versions: sorting must see a total order (issue 15, item 1)

/// Three- and four-part versions mixed: `26.4.10.34111 ≤ 9.1.0.309920` by build,
/// `9.1.0.309920 ≤ 26` by parts, yet `26.4.10.34111 > 26`; an order like that
/// made `sort_by` panic. Repeated and shuffled so the sort sees many triples.
const MIXED_VERSIONS: [&str; 12] = [
    "26.4.10.34111",
    "9.1.0.309920",
    "26",
    "9.3.1",
    "26.4.10",
    "9.3.1.33994",
    "26.3.100.1",
    "9.1",
    "26.3.100",
    "8.5.0.14896",
    "26.10.1.2",
    "26.10.1",
];

fn mixed_version_list() -> Vec<&'static str> {
    // A fixed shuffle (no randomness in tests): 240 entries.
    (0..240usize)
        .map(|i| MIXED_VERSIONS[(i * 7 + i / 12) % MIXED_VERSIONS.len()])
        .collect()
}

#[test]
fn mixed_three_and_four_part_client_versions_do_not_panic() {
    let dir = copy_fixture("nps-pre-ready");
    let facts = dir.path().join("facts.json");
    let mut json: Value = serde_json::from_str(&fs::read_to_string(&facts).unwrap()).unwrap();
    json["password_secure"]["client_versions"] = serde_json::json!(mixed_version_list());
    fs::write(&facts, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    for phase in ["pre", "post"] {
        let run = json_scan(dir.path(), phase);
        assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
        let nps003 = run.results_of("NPS003");
        assert!(!nps003.is_empty(), "NPS003 ran:\n{}", run.stdout);
    }
}

#[test]
fn a_rule_pack_adding_mixed_form_releases_loads_without_panic() {
    let rules = tempfile::tempdir().unwrap();
    let mut text = String::from("product = \"nps\"\n");
    // One entry per release (the same three parts twice is refused): 3-, 4- and
    // 2-part forms interleaved with the built-in catalog's releases.
    for (i, v) in [
        "26.4.11.34111",
        "9.1.5.309920",
        "27",
        "9.9",
        "26.4.12",
        "9.3.2.33994",
        "26.3.101.1",
        "8.5.1",
        "26.10.2.2",
        "26.10.3",
    ]
    .iter()
    .enumerate()
    {
        let breaking = if i % 3 == 0 {
            "breaks = [\"clients\"]\nbreaking = \"x\"\n"
        } else {
            ""
        };
        text.push_str(&format!("\n[[release]]\nversion = \"{v}\"\n{breaking}"));
    }
    fs::write(rules.path().join("releases.toml"), text).unwrap();
    let dir = rules.path().to_str().unwrap();
    let listed = raw(&["rules", "--rules", dir]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let target = copy_fixture("nps-pre-client-locked-out");
    let run = checked(scan(
        target.path(),
        "pre",
        &["--format", "json", "--rules", dir],
    ));
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

#[test]
fn a_facts_file_over_the_size_limit_is_refused_naming_it() {
    let dir = copy_fixture("pm-offline-ready");
    let facts = dir.path().join("facts.json");
    // 16 MiB is the cap; a sparse 17 MiB file is not read whole.
    fs::File::create(&facts)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    let run = json_scan(dir.path(), "pre");
    assert_input_error(
        &run,
        &[&facts.display().to_string(), "larger than 16777216 bytes"],
    );
}

#[test]
fn thousands_of_packages_with_sidecars_are_each_judged_once() {
    // Issue 15: each package searched every entry for its sidecar (100,000
    // packages took minutes). Empty files: each is a defective package.
    let dir = copy_fixture("pm-offline-ready");
    let cache = dir.path().join(CACHE);
    let n = 3_000;
    for i in 0..n {
        fs::write(cache.join(format!("Junk.{i}.0.0.nupkg")), "").unwrap();
        // Every other sidecar in another case, as Windows would still match it.
        let sidecar = if i % 2 == 0 {
            format!("Junk.{i}.0.0.nupkg.hash.json")
        } else {
            format!("JUNK.{i}.0.0.NUPKG.HASH.JSON")
        };
        fs::write(cache.join(sidecar), "{}").unwrap();
    }
    let run = json_scan(dir.path(), "pre");
    assert_eq!(run.code, 1, "{}", run.stderr);
    let junk = run
        .results_of("PM005")
        .into_iter()
        .filter(|r| r["subject"].as_str().unwrap().contains("Junk."))
        .count();
    assert_eq!(junk, n, "one PM005 result per package");
}

// ---------------------------------------------------------------------------
// Read-only: upgate never writes under the root

/// Every entry under `dir` (links not followed): its kind, bytes (of a file) or
/// target (of a link), permissions and modification time.
fn tree_state(
    dir: &Path,
) -> Vec<(
    std::path::PathBuf,
    String,
    Vec<u8>,
    u32,
    std::time::SystemTime,
)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(p) = pending.pop() {
        let meta = fs::symlink_metadata(&p).unwrap();
        let kind = meta.file_type();
        let (what, bytes) = if kind.is_symlink() {
            let target = fs::read_link(&p).unwrap();
            ("link", target.to_string_lossy().into_owned().into_bytes())
        } else if kind.is_dir() {
            let mut names: Vec<_> = fs::read_dir(&p)
                .unwrap()
                .map(|e| e.unwrap().path())
                .collect();
            names.sort();
            pending.extend(names);
            ("dir", Vec::new())
        } else if kind.is_file() {
            ("file", fs::read(&p).unwrap())
        } else {
            ("other", Vec::new())
        };
        out.push((
            p.strip_prefix(dir).unwrap().to_path_buf(),
            what.to_string(),
            bytes,
            meta.permissions().mode(),
            meta.modified().unwrap(),
        ));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Sets every entry's write bits off (`on` false) or back on, links untouched.
fn set_writable(dir: &Path, on: bool) {
    use std::os::unix::fs::PermissionsExt;
    let meta = fs::symlink_metadata(dir).unwrap();
    if meta.file_type().is_symlink() {
        return;
    }
    if meta.is_dir() && on {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
    }
    if meta.is_dir() {
        for e in fs::read_dir(dir).unwrap() {
            set_writable(&e.unwrap().path(), on);
        }
    }
    let mode = meta.permissions().mode();
    let mode = if on { mode | 0o200 } else { mode & !0o222 };
    fs::set_permissions(dir, fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn scanning_a_read_only_copy_of_every_fixture_changes_nothing() {
    let mut scanned = 0;
    let mut names: Vec<_> = fs::read_dir(crate::common::repo().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("root").is_dir())
        .collect();
    names.sort();
    for fixture_dir in names {
        let name = fixture_dir
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let dir = copy_fixture(&name);
        set_writable(dir.path(), false);
        // Modification times are read after the permission change (which sets
        // only the change time, not the modification time).
        let before = tree_state(dir.path());
        for phase in ["pre", "post"] {
            // The output format does not change what is read.
            let run = checked(scan(dir.path(), phase, &["--format", "json"]));
            assert!(run.code <= 1, "{name} {phase}: {}", run.stderr);
        }
        let after = tree_state(dir.path());
        set_writable(dir.path(), true);
        assert_eq!(
            before.len(),
            after.len(),
            "{name}: entries added or removed"
        );
        for (b, a) in before.iter().zip(&after) {
            assert!(b == a, "{name}: {} changed", b.0.display());
        }
        scanned += 1;
    }
    assert!(scanned >= 40, "only {scanned} fixtures found");
}
