//! PM004 (TMS web.config points SolutionCentre at the local NugetCache): one
//! test per failure mode of the catalog (spec/rules.md), each on a copy of
//! `pm-offline-ready` whose web.config is rewritten (CRLF, like the original).

use std::fs;

use crate::common::{
    Run, assert_message_has, copy_fixture, fixture, json_scan, message, scan, scan_only,
};
use serde_json::Value;
use tempfile::TempDir;

const WEB_CONFIG: &str = "root/inetpub/wwwroot/TMS/web.config";
const KEY: &str = "nuget:source:SolutionCentre";
/// The SolutionCentre line of the fixture's web.config (line 9).
const GOOD_LINE: &str =
    r#"    <add key="nuget:source:SolutionCentre" value="C:\ProgramData\NugetCache\" />"#;
const EXPECTED: &str = r"C:\ProgramData\NugetCache\";
const ONLINE: &str = "http://tmsnuget.thycotic.com/nuget/";
const SERVER_PATH: &str = r"C:\inetpub\wwwroot\TMS\web.config";

/// The fixture's web.config, as on disk (CRLF).
fn original() -> String {
    let text = fs::read_to_string(fixture("pm-offline-ready").join(WEB_CONFIG)).unwrap();
    assert!(text.contains("\r\n"), "the fixture's web.config is CRLF");
    assert_eq!(text.matches(GOOD_LINE).count(), 1);
    text
}

/// The fixture's web.config with the SolutionCentre line (line 9) replaced by
/// `lines` (which may be several lines, joined with `\n`, or none).
fn with_line(lines: &str) -> String {
    let text = original();
    if lines.is_empty() {
        text.replace(&format!("{GOOD_LINE}\r\n"), "")
    } else {
        text.replace(GOOD_LINE, &crlf(lines))
    }
}

/// The fixture's web.config with the SolutionCentre value replaced.
fn with_value(value: &str) -> String {
    with_line(&format!(
        r#"    <add key="nuget:source:SolutionCentre" value="{value}" />"#
    ))
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn write_config(dir: &TempDir, text: &str) {
    fs::write(dir.path().join(WEB_CONFIG), text).unwrap();
}

/// A copy of the ready fixture with this web.config.
fn copy_with(text: &str) -> TempDir {
    let dir = copy_fixture("pm-offline-ready");
    write_config(&dir, text);
    dir
}

fn line(result: &Value) -> &Value {
    &result["location"]["line"]
}

/// A failing PM004 result at `line` (None: no line), of severity error, that
/// fails the gate (exit 1).
fn assert_fails(run: &Run, result: &Value, at: Option<u64>) {
    assert_eq!(result["status"], "fail", "{result:#}");
    assert_eq!(result["severity"], "error", "{result:#}");
    match at {
        Some(n) => assert_eq!(line(result), n, "{result:#}"),
        None => assert!(line(result).is_null(), "{result:#}"),
    }
    assert_eq!(
        run.code, 1,
        "a failing PM004 fails the gate\n{}",
        run.stderr
    );
}

#[test]
fn the_unmodified_copy_passes_at_line_9() {
    // The baseline every other test alters: if this fails, so do they, for another reason.
    let dir = copy_with(&original());
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass");
    assert_eq!(r["severity"], "error");
    assert_eq!(line(&r), 9);
    assert_eq!(r["observed"], EXPECTED);
    assert_eq!(r["expected"], EXPECTED);
    assert_eq!(run.code, 0, "{}", run.stderr);
}

#[test]
fn file_missing_fails() {
    let dir = copy_fixture("pm-offline-ready");
    fs::remove_file(dir.path().join(WEB_CONFIG)).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, None);
    assert_eq!(r["subject"], SERVER_PATH);
    assert_message_has(&r, &format!("{SERVER_PATH} does not exist"));
    assert_message_has(&r, &format!("no {KEY} setting"));
    assert!(r["observed"].is_null(), "{r:#}");
    assert_eq!(r["expected"], EXPECTED);
}

#[test]
fn key_missing_fails_at_the_app_settings_line() {
    let dir = copy_with(&with_line(""));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    // <appSettings> is line 6.
    assert_fails(&run, &r, Some(6));
    assert_eq!(
        message(&r),
        format!("<appSettings> has no <add key=\"{KEY}\">")
    );
    assert_eq!(r["observed"], "missing");
    assert_eq!(r["expected"], EXPECTED);
}

#[test]
fn no_app_settings_section_fails() {
    let text = original();
    let start = text.find("  <appSettings>").unwrap();
    let end = text.find("  <system.web>").unwrap();
    let text = format!("{}{}", &text[..start], &text[end..]);
    assert!(!text.contains("appSettings"));
    let dir = copy_with(&text);
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, None);
    assert_eq!(
        message(&r),
        format!("there is no <appSettings> section, so {KEY} is not set")
    );
    assert_eq!(r["observed"], "missing");
    assert_eq!(r["expected"], EXPECTED);
    assert_eq!(r["location"]["server_path"], SERVER_PATH);
}

#[test]
fn key_duplicated_with_the_last_value_right_fails() {
    let dir = copy_with(&with_line(&format!(
        "    <add key=\"{KEY}\" value=\"{ONLINE}\" />\n{GOOD_LINE}"
    )));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(10));
    assert_message_has(
        &r,
        &format!("{KEY} is defined 2 times (lines 9, 10); the last one (line 10) wins"),
    );
    assert_message_has(&r, "its value is right");
    assert_eq!(r["observed"], EXPECTED);
    assert_eq!(r["expected"], EXPECTED);
}

#[test]
fn key_duplicated_with_the_last_value_online_fails() {
    let dir = copy_with(&with_line(&format!(
        "{GOOD_LINE}\n    <add key=\"{KEY}\" value=\"{ONLINE}\" />"
    )));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(10));
    assert_message_has(
        &r,
        &format!("{KEY} is defined 2 times (lines 9, 10); the last one (line 10) wins"),
    );
    assert_message_has(&r, "still names the online feed (tmsnuget.thycotic.com)");
    assert_eq!(r["observed"], ONLINE);
    assert_eq!(r["expected"], EXPECTED);
}

const ONLINE_FEEDS: [&str; 3] = [
    "http://tmsnuget.thycotic.com/nuget/",
    "https://tmsnuget.thycotic.com/nuget/",
    "http://tmsnuget.thycotic.com/",
];

const REWRITE: &str = "an upgrade or repair rewrites web.config";

#[test]
fn online_feed_fails_before_the_upgrade() {
    for feed in ONLINE_FEEDS {
        let dir = copy_with(&with_value(feed));
        let (run, r) = scan_only(dir.path(), "pre", "PM004");
        assert_fails(&run, &r, Some(9));
        assert_eq!(
            message(&r),
            format!(
                "{KEY} still names the online feed (tmsnuget.thycotic.com); an offline server cannot reach it"
            ),
            "{feed}"
        );
        assert_eq!(r["observed"], feed);
        assert_eq!(r["expected"], EXPECTED);
    }
}

#[test]
fn online_feed_fails_after_the_upgrade_and_says_upgrades_rewrite_it() {
    for feed in ONLINE_FEEDS {
        let dir = copy_with(&with_value(feed));
        let (run, r) = scan_only(dir.path(), "post", "PM004");
        assert_fails(&run, &r, Some(9));
        assert_message_has(&r, "still names the online feed (tmsnuget.thycotic.com)");
        assert_message_has(&r, REWRITE);
        assert_eq!(r["observed"], feed);
        assert_eq!(r["expected"], EXPECTED);
    }
}

#[test]
fn another_remote_feed_fails_as_a_remote_feed() {
    for phase in ["pre", "post"] {
        let value = "https://api.nuget.org/v3/index.json";
        let dir = copy_with(&with_value(value));
        let run = json_scan(dir.path(), phase);
        let r = run.only("PM004");
        assert_fails(&run, &r, Some(9));
        assert_eq!(
            message(&r),
            format!("{KEY} names a remote feed (api.nuget.org), not the local NugetCache"),
            "{phase}"
        );
        // Only the vendor's own feed is what an upgrade writes back.
        assert!(!message(&r).contains(REWRITE));
        assert_eq!(r["observed"], value);
    }
}

#[test]
fn another_local_folder_that_exists_fails_and_says_it_exists() {
    let value = r"C:\ProgramData\OtherCache\";
    let dir = copy_with(&with_value(value));
    fs::create_dir_all(dir.path().join("root/ProgramData/OtherCache")).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(9));
    assert_eq!(
        message(&r),
        format!(
            r"{KEY} names another folder, C:\ProgramData\OtherCache (it exists), not the NugetCache"
        )
    );
    assert_eq!(r["observed"], value);
    assert_eq!(r["expected"], EXPECTED);
}

#[test]
fn another_local_folder_that_does_not_exist_fails_and_says_so() {
    let value = r"C:\ProgramData\OtherCache\";
    let dir = copy_with(&with_value(value));
    assert!(!dir.path().join("root/ProgramData/OtherCache").exists());
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(9));
    assert_eq!(
        message(&r),
        format!(
            r"{KEY} names another folder, C:\ProgramData\OtherCache (it does not exist under the root), not the NugetCache"
        )
    );
    assert_eq!(r["observed"], value);
}

#[test]
fn the_right_folder_missing_fails() {
    let dir = copy_fixture("pm-offline-ready");
    fs::remove_dir_all(dir.path().join("root/ProgramData/NugetCache")).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(9));
    assert_eq!(
        message(&r),
        format!(
            r"{KEY} names C:\ProgramData\NugetCache, but that folder does not exist under the root"
        )
    );
    assert_eq!(r["observed"], EXPECTED);
    assert_eq!(r["expected"], EXPECTED);
}

#[test]
fn the_right_folder_as_a_file_fails() {
    let dir = copy_fixture("pm-offline-ready");
    let cache = dir.path().join("root/ProgramData/NugetCache");
    fs::remove_dir_all(&cache).unwrap();
    fs::write(&cache, "not a folder").unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(9));
    assert_eq!(
        message(&r),
        format!(r"{KEY} names C:\ProgramData\NugetCache, which is a file, not a folder")
    );
}

#[test]
fn a_value_without_the_final_backslash_passes_with_a_note() {
    let value = r"C:\ProgramData\NugetCache";
    let dir = copy_with(&with_value(value));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(r["severity"], "note");
    assert_eq!(line(&r), 9);
    assert_message_has(&r, "names the local NugetCache, which exists");
    assert_message_has(&r, "final backslash");
    assert_eq!(r["observed"], value);
    assert_eq!(r["expected"], EXPECTED);
    assert_eq!(run.code, 0, "a pass with a note passes the gate");
}

#[test]
fn a_value_with_slashes_and_another_case_passes() {
    let value = "c:/programdata/nugetcache/";
    let dir = copy_with(&with_value(value));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    // The trailing `/` is a final separator: no note.
    assert_eq!(r["severity"], "error");
    assert_eq!(line(&r), 9);
    assert_eq!(
        message(&r),
        format!("{KEY} names the local NugetCache, which exists")
    );
    assert_eq!(r["observed"], value);
    assert_eq!(r["expected"], EXPECTED);
    assert_eq!(run.code, 0);
}

#[test]
fn a_value_with_the_program_data_variable_passes() {
    let value = r"%ProgramData%\NugetCache\";
    let dir = copy_with(&with_value(value));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(r["severity"], "error");
    assert_eq!(line(&r), 9);
    assert_eq!(r["observed"], value);
    assert_eq!(r["expected"], EXPECTED);
    assert_eq!(run.code, 0);
}

#[test]
fn program_data_moved_to_another_drive_by_facts_passes() {
    let dir = copy_with(&with_value(r"%ProgramData%\NugetCache\"));
    // ProgramData lives on D:\PD on this server; the cache moves with it.
    let drive = tempfile::tempdir().unwrap();
    fs::create_dir(drive.path().join("PD")).unwrap();
    fs::rename(
        dir.path().join("root/ProgramData/NugetCache"),
        drive.path().join("PD/NugetCache"),
    )
    .unwrap();
    let facts_file = dir.path().join("facts.json");
    let mut facts: Value = serde_json::from_str(&fs::read_to_string(&facts_file).unwrap()).unwrap();
    facts["env"] = serde_json::json!({ "ProgramData": r"D:\PD" });
    fs::write(&facts_file, serde_json::to_string_pretty(&facts).unwrap()).unwrap();

    let mapping = format!("D:={}", drive.path().display());
    let run = scan(
        dir.path(),
        "pre",
        &["--format", "json", "--drive", &mapping],
    );
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    let r = run.only("PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(r["severity"], "error");
    assert_eq!(line(&r), 9);
    assert_eq!(r["observed"], r"%ProgramData%\NugetCache\");
    assert_eq!(r["expected"], r"D:\PD\NugetCache\");
    // The whole scan follows: the packages are found on D: too.
    assert_eq!(run.code, 0, "{}\n{}", run.stderr, run.stdout);

    // And the literal C: path is now another folder, which does not exist.
    write_config(&dir, &with_value(EXPECTED));
    let run = scan(
        dir.path(),
        "pre",
        &["--format", "json", "--drive", &mapping],
    );
    let r = run.only("PM004");
    assert_fails(&run, &r, Some(9));
    assert_message_has(&r, "names another folder");
    assert_eq!(r["expected"], r"D:\PD\NugetCache\");
}

#[test]
fn the_key_is_matched_case_insensitively() {
    let dir = copy_with(&with_line(
        r#"    <add key="Nuget:Source:SolutionCentre" value="C:\ProgramData\NugetCache\" />"#,
    ));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(line(&r), 9);
    assert_eq!(r["observed"], EXPECTED);
    assert_eq!(run.code, 0);

    // And a second add spelled otherwise is a duplicate of the first.
    let dir = copy_with(&with_line(&format!(
        "{GOOD_LINE}\n    <add key=\"NUGET:SOURCE:SOLUTIONCENTRE\" value=\"{ONLINE}\" />"
    )));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(10));
    assert_message_has(&r, "is defined 2 times (lines 9, 10)");
}

#[test]
fn a_remove_after_the_add_fails_and_names_its_line() {
    let dir = copy_with(&with_line(&format!(
        "{GOOD_LINE}\n    <remove key=\"{KEY}\" />"
    )));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(10));
    assert_eq!(
        message(&r),
        format!(
            "{KEY} is removed by the <remove>/<clear> at line 10, so TMS falls back to the online feed"
        )
    );
    assert_eq!(r["observed"], "missing");
}

#[test]
fn a_clear_after_the_add_fails_and_names_its_line() {
    let dir = copy_with(&with_line(&format!("{GOOD_LINE}\n    <clear />")));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(10));
    assert_message_has(&r, "removed by the <remove>/<clear> at line 10");
}

/// The fixture's web.config with its `<appSettings>` replaced by `section`.
fn with_section(section: &str) -> String {
    let text = original();
    let start = text.find("  <appSettings>").unwrap();
    let end = text.find("  <system.web>").unwrap();
    format!("{}{}\r\n{}", &text[..start], crlf(section), &text[end..])
}

fn write_tms(dir: &TempDir, name: &str, text: &str) {
    let path = dir.path().join("root/inetpub/wwwroot/TMS").join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, crlf(text)).unwrap();
}

#[test]
fn config_source_replaces_the_section_and_the_file_and_line_are_named() {
    let dir = copy_with(&with_section(
        r#"  <appSettings configSource="Config\appSettings.config" />"#,
    ));
    write_tms(
        &dir,
        r"Config/appSettings.config",
        &format!(
            "<appSettings>\n  <add key=\"other\" value=\"x\" />\n{GOOD_LINE}\n</appSettings>\n"
        ),
    );
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(run.code, 0);
    assert_eq!(
        r["location"]["root_relative"],
        "inetpub/wwwroot/TMS/Config/appSettings.config"
    );
    assert_eq!(line(&r), 3);
    assert_message_has(
        &r,
        r#"read through <appSettings configSource="Config\appSettings.config"> (line 6) in C:\inetpub\wwwroot\TMS\web.config"#,
    );
}

#[test]
fn a_missing_config_source_fails_never_passes() {
    let dir = copy_with(&with_section(
        r#"  <appSettings configSource="appSettings.config" />"#,
    ));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(6));
    assert_message_has(
        &r,
        r"names C:\inetpub\wwwroot\TMS\appSettings.config, which does not exist",
    );
    assert_message_has(&r, "TMS does not start");
}

#[test]
fn a_config_source_outside_the_folder_fails() {
    let dir = copy_with(&with_section(
        r#"  <appSettings configSource="..\appSettings.config" />"#,
    ));
    write_tms(
        &dir,
        "../appSettings.config",
        &format!("<appSettings>\n{GOOD_LINE}\n</appSettings>\n"),
    );
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(6));
    assert_message_has(
        &r,
        "configSource must name a file in the web.config's folder or below",
    );
}

#[test]
fn a_config_source_that_is_not_app_settings_fails() {
    let dir = copy_with(&with_section(
        r#"  <appSettings configSource="appSettings.config" />"#,
    ));
    write_tms(
        &dir,
        "appSettings.config",
        &format!("<configuration>\n{GOOD_LINE}\n</configuration>\n"),
    );
    let (_run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "fail", "{r:#}");
    assert_message_has(&r, "has the root <configuration>, not <appSettings>");
}

#[test]
fn a_config_source_with_inline_adds_fails() {
    let dir = copy_with(&with_section(&format!(
        "  <appSettings configSource=\"appSettings.config\">\n{GOOD_LINE}\n  </appSettings>"
    )));
    write_tms(
        &dir,
        "appSettings.config",
        &format!("<appSettings>\n{GOOD_LINE}\n</appSettings>\n"),
    );
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(6));
    assert_message_has(&r, "may contain no other attributes or elements");
}

#[test]
fn a_file_is_merged_over_the_inline_adds() {
    let dir = copy_with(&with_section(&format!(
        "  <appSettings file=\"Private.config\">\n{GOOD_LINE}\n  </appSettings>"
    )));
    write_tms(
        &dir,
        "Private.config",
        &format!("<appSettings>\n  <add key=\"{KEY}\" value=\"{ONLINE}\" />\n</appSettings>\n"),
    );
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(2));
    assert_eq!(
        r["location"]["root_relative"],
        "inetpub/wwwroot/TMS/Private.config"
    );
    assert_message_has(&r, "still names the online feed");
    assert_message_has(
        &r,
        r#"read through <appSettings file="Private.config"> (line 6)"#,
    );
    // A <clear/> there clears the inline adds too.
    write_tms(
        &dir,
        "Private.config",
        "<appSettings>\n  <clear />\n</appSettings>\n",
    );
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(2));
}

#[test]
fn a_missing_file_is_ignored_as_dotnet_ignores_it() {
    let dir = copy_with(&with_section(&format!(
        "  <appSettings file=\"Private.config\">\n{GOOD_LINE}\n  </appSettings>"
    )));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "pass", "{r:#}");
    assert_eq!(run.code, 0);
    assert_eq!(line(&r), 7);
    assert_message_has(&r, "does not exist, and .NET ignores a missing file= file");
}

#[test]
fn a_location_for_the_application_itself_holds_its_settings() {
    for path in [r#" path=".""#, r#" path="""#, ""] {
        let section = format!(
            "  <location{path} inheritInChildApplications=\"false\">\n  <appSettings>\n{GOOD_LINE}\n  </appSettings>\n  </location>"
        );
        let dir = copy_with(&with_section(&section));
        let (_run, r) = scan_only(dir.path(), "pre", "PM004");
        assert_eq!(r["status"], "pass", "{path}: {r:#}");
        assert_eq!(line(&r), 8, "{path}");
    }
    // A location for a child path is not the application's level.
    let section = format!(
        "  <location path=\"api\">\n  <appSettings>\n{GOOD_LINE}\n  </appSettings>\n  </location>"
    );
    let dir = copy_with(&with_section(&section));
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, None);
    assert_message_has(&r, "there is no <appSettings> section");
}

#[test]
fn a_utf16_declaration_on_utf8_bytes_is_an_error_naming_the_file() {
    let text = original().replacen("encoding=\"utf-8\"", "encoding=\"utf-16\"", 1);
    assert!(text.contains("utf-16"));
    let dir = copy_with(&text);
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(run.code, 1);
    assert_eq!(line(&r), 1);
    assert_message_has(&r, SERVER_PATH);
    assert_message_has(
        &r,
        "There is no Unicode byte order mark. Cannot switch to Unicode.",
    );
}

#[test]
fn a_root_element_other_than_configuration_is_an_error() {
    let text = original()
        .replace("<configuration>", "<settings>")
        .replace("</configuration>", "</settings>");
    let dir = copy_with(&text);
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(line(&r), 2);
    assert_eq!(
        message(&r),
        "the root element is <settings>, not <configuration>: this is not a web.config"
    );
    assert_eq!(run.code, 1, "an error result always fails the gate");
}

#[test]
fn web_config_that_is_a_directory_is_an_error() {
    let dir = copy_fixture("pm-offline-ready");
    let path = dir.path().join(WEB_CONFIG);
    fs::remove_file(&path).unwrap();
    fs::create_dir(&path).unwrap();
    // A folder named like the file, holding a valid web.config, is still not the file.
    fs::write(path.join("web.config"), original()).unwrap();
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_eq!(r["status"], "error", "{r:#}");
    assert_eq!(r["subject"], SERVER_PATH);
    assert_message_has(&r, &format!("{SERVER_PATH} is a folder, not a file"));
    assert_eq!(run.code, 1);
}

#[test]
fn app_settings_twice_fails() {
    let text = original().replace(
        "  <system.web>",
        &crlf("  <appSettings>\n  </appSettings>\n  <system.web>"),
    );
    let dir = copy_with(&text);
    let (run, r) = scan_only(dir.path(), "pre", "PM004");
    assert_fails(&run, &r, Some(6));
    assert_eq!(
        message(&r),
        "<appSettings> appears 2 times (lines 6, 12); .NET refuses such a web.config"
    );
}
