//! NPS007 (config.bat) and NPS008 (IIS WebSocket) failure modes beyond the
//! fixtures, including the real-world applicationHost.config as it is.

use std::fs;
use std::path::Path;

use crate::common::{self, assert_message_has, checked, copy_fixture, scan, set_nps_facts};
use serde_json::Value;

const APPHOST: &str = "root/Windows/System32/inetsrv/config/applicationHost.config";
const WEB_APP: &str = "root/inetpub/wwwroot/Web Application";

fn result(target: &Path, phase: &str, rule: &str) -> Value {
    checked(scan(target, phase, &["--format", "json"])).only(rule)
}

fn status(r: &Value) -> &str {
    r["status"].as_str().unwrap()
}

fn line(r: &Value) -> u64 {
    r["location"]["line"].as_u64().unwrap_or(0)
}

#[test]
fn nps008_the_real_world_apphost_has_no_websocket_module() {
    // github mattgillard/iis-reverse-proxy: URL Rewrite and ARR, no WebSocket Protocol.
    let dir = copy_fixture("nps-post-ready");
    fs::copy(
        common::repo()
            .join("tests/data/real-world/iis/applicationHost.arr-rewrite-no-websocket.config"),
        dir.path().join(APPHOST),
    )
    .unwrap();
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "fail", "{r}");
    // At the globalModules list it is missing from (line 225 in that file) ...
    assert_eq!(line(&r), 225);
    // ... saying that the declared section (line 104) proves nothing.
    assert_message_has(&r, "declaration at line 104 proves nothing");
    assert_message_has(&r, "Install-WindowsFeature Web-WebSockets");
}

#[test]
fn nps008_the_real_world_apphost_with_the_feature_added_passes_for_a_folder_of_the_default_site() {
    let dir = copy_fixture("nps-post-ready");
    let real = fs::read_to_string(
        common::repo()
            .join("tests/data/real-world/iis/applicationHost.arr-rewrite-no-websocket.config"),
    )
    .unwrap();
    let added = real
        .replace(
            "        </globalModules>",
            "            <add name=\"WebSocketModule\" image=\"%windir%\\System32\\inetsrv\\iiswsock.dll\" />\r\n        </globalModules>",
        )
        .replace(
            "        </modules>",
            "            <add name=\"WebSocketModule\" lockItem=\"true\" />\r\n        </modules>",
        );
    fs::write(dir.path().join(APPHOST), added).unwrap();
    // The Web Application as a plain folder under Default Web Site's root.
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "9.3.1.33994", "web_app_dir": "C:\\inetpub\\wwwroot\\Web Application"}"#,
    );
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(&r, "for Default Web Site/Web Application");
}

#[test]
fn nps008_does_not_apply_below_the_websocket_version() {
    let dir = copy_fixture("nps-pre-blocked");
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "8.4.1.14000", "target_version": "8.4.2.14500"}"#,
    );
    let r = result(dir.path(), "pre", "NPS008");
    assert_eq!(status(&r), "not_applicable", "{r}");
    assert_message_has(&r, "below 8.5.0.14896");
    // At the version exactly, and with no version known, it applies (and says so).
    set_nps_facts(dir.path(), r#"{"target_version": "8.5.0.14896"}"#);
    assert_eq!(status(&result(dir.path(), "pre", "NPS008")), "fail");
    set_nps_facts(dir.path(), r#"{"web_server": "iis"}"#);
    let r = result(dir.path(), "pre", "NPS008");
    assert_eq!(status(&r), "fail");
    assert_message_has(&r, "the server version is unknown");
}

#[test]
fn nps008_an_unknown_site_is_not_evaluated_but_a_server_level_failure_still_fails() {
    let dir = copy_fixture("nps-post-ready");
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "26.4.10.34111", "web_app_dir": "D:\\Elsewhere"}"#,
    );
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "no site in applicationHost.config serves D:\\Elsewhere");
    let host = dir.path().join(APPHOST);
    let text = fs::read_to_string(&host).unwrap();
    fs::write(
        &host,
        text.replace(
            "    </system.webServer>\r\n    <location path=\"\"",
            "        <webSocket enabled=\"false\" />\r\n    </system.webServer>\r\n    <location path=\"\"",
        ),
    )
    .unwrap();
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(&r, "switched off at server level");
}

#[test]
fn nps008_a_module_removed_for_the_site_fails_at_the_remove() {
    let dir = copy_fixture("nps-post-ready");
    fs::write(
        dir.path().join(WEB_APP).join("web.config"),
        "<configuration>\r\n<system.webServer>\r\n<modules>\r\n<remove name=\"WebSocketModule\" />\r\n</modules>\r\n</system.webServer>\r\n</configuration>\r\n",
    )
    .unwrap();
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "fail", "{r}");
    assert_eq!(line(&r), 4);
    assert_message_has(&r, "installed but not enabled");
}

#[test]
fn nps008_a_web_config_setting_a_locked_section_fails_with_500_19() {
    let dir = copy_fixture("nps-post-ready");
    fs::write(
        dir.path().join(WEB_APP).join("web.config"),
        "<configuration><system.webServer><webSocket enabled=\"true\" /></system.webServer></configuration>",
    )
    .unwrap();
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "fail", "{r}");
    assert_message_has(&r, "500.19");
}

#[test]
fn nps008_broken_or_missing_configuration_is_never_a_pass() {
    let dir = copy_fixture("nps-post-ready");
    let web_config = dir.path().join(WEB_APP).join("web.config");
    fs::write(&web_config, "<configuration><system.webServer>").unwrap();
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "error", "{r}");
    assert_message_has(&r, "not well-formed");
    fs::remove_file(&web_config).unwrap();
    // A UTF-16 applicationHost.config ("Unicode" in Notepad) is read, not refused.
    let host = dir.path().join(APPHOST);
    let text = fs::read_to_string(&host).unwrap();
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(
        text.replace("encoding=\"UTF-8\"", "encoding=\"UTF-16\"")
            .encode_utf16()
            .flat_map(u16::to_le_bytes),
    );
    fs::write(&host, utf16).unwrap();
    assert_eq!(status(&result(dir.path(), "post", "NPS008")), "pass");
    fs::remove_file(&host).unwrap();
    let r = result(dir.path(), "post", "NPS008");
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "applicationHost.config");
}

#[test]
fn nps007_and_nps008_wait_for_the_web_server_and_skip_apache() {
    let dir = copy_fixture("nps-post-ready");
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "26.4.10.34111", "web_server": "apache"}"#,
    );
    for rule in ["NPS007", "NPS008"] {
        let r = result(dir.path(), "post", rule);
        assert_eq!(status(&r), "not_applicable", "{rule}: {r}");
        assert_message_has(&r, "runs on Apache");
    }
    // Nothing on disk and no fact: which web server is unknown.
    fs::remove_dir_all(dir.path().join("root/inetpub")).unwrap();
    fs::remove_dir_all(dir.path().join("root/Windows")).unwrap();
    set_nps_facts(dir.path(), r#"{"server_version": "26.4.10.34111"}"#);
    for rule in ["NPS007", "NPS008"] {
        let r = result(dir.path(), "post", rule);
        assert_eq!(status(&r), "not_evaluated", "{rule}: {r}");
        assert_message_has(&r, "set password_secure.web_server");
    }
}

#[test]
fn nps007_searches_the_folder_iis_serves_web_app_dir_else_wwwroot_three_levels_deep() {
    let dir = copy_fixture("nps-post-ready");
    let wwwroot = dir.path().join("root/inetpub/wwwroot");
    let web_app = dir.path().join(WEB_APP);
    // The zip unzipped in the Web Application's folder made a folder of its own.
    fs::create_dir_all(web_app.join("WebApplication")).unwrap();
    fs::write(web_app.join("WebApplication/CONFIG.BAT"), "@echo off\r\n").unwrap();
    // Depth 4 below the Web Application's folder: out of reach.
    fs::create_dir_all(web_app.join("a/b/c")).unwrap();
    fs::write(web_app.join("a/b/c/config.bat"), "@echo off\r\n").unwrap();
    // Another application's folder under wwwroot, which IIS does not serve the Web Application from.
    fs::create_dir_all(wwwroot.join("Intranet/PSR")).unwrap();
    fs::write(wwwroot.join("Intranet/PSR/config.bat"), "@echo off\r\n").unwrap();
    let subjects = |facts: &str| -> Vec<String> {
        set_nps_facts(dir.path(), facts);
        let run = checked(scan(dir.path(), "post", &["--format", "json"]));
        run.results_of("NPS007")
            .iter()
            .map(|r| {
                assert_eq!(status(r), "fail", "{r}");
                r["subject"].as_str().unwrap().to_string()
            })
            .collect()
    };
    // No web_app_dir: the "Web Application" site's folder, from applicationHost.config.
    let iis = r#"{"server_version": "26.4.10.34111", "web_server": "iis"}"#;
    assert_eq!(
        subjects(iis),
        [r"C:\inetpub\wwwroot\Web Application\WebApplication\CONFIG.BAT"]
    );
    // web_app_dir: its own tree, not only its own files.
    assert_eq!(
        subjects(
            r#"{"server_version": "26.4.10.34111", "web_server": "iis", "web_app_dir": "C:\\inetpub\\wwwroot\\Web Application"}"#
        ),
        [r"C:\inetpub\wwwroot\Web Application\WebApplication\CONFIG.BAT"]
    );
    // Neither the fact nor IIS: wwwroot, three levels deep.
    fs::remove_file(dir.path().join(APPHOST)).unwrap();
    set_nps_facts(dir.path(), iis);
    let run = checked(scan(dir.path(), "post", &["--format", "json"]));
    let found = run.results_of("NPS007");
    let got: Vec<&str> = found
        .iter()
        .map(|r| r["subject"].as_str().unwrap())
        .collect();
    assert_eq!(
        got,
        [
            r"C:\inetpub\wwwroot\Intranet\PSR\config.bat",
            r"C:\inetpub\wwwroot\Web Application\WebApplication\CONFIG.BAT"
        ]
    );
    assert_eq!(
        found[1]["location"]["root_relative"],
        "inetpub/wwwroot/Web Application/WebApplication/CONFIG.BAT"
    );
    // A web_app_dir that is not in the snapshot is not evaluated, not passed.
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "26.4.10.34111", "web_server": "iis", "web_app_dir": "C:\\inetpub\\wwwroot\\PSR"}"#,
    );
    let r = result(dir.path(), "post", "NPS007");
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(&r, "correct it");
}

#[test]
fn nps007_finds_config_bat_where_iis_serves_the_web_application_outside_wwwroot() {
    let dir = copy_fixture("nps-post-ready");
    let host = dir.path().join(APPHOST);
    let text = fs::read_to_string(&host).unwrap();
    fs::write(
        &host,
        text.replace(
            r#"physicalPath="C:\inetpub\wwwroot\Web Application""#,
            r#"physicalPath="%SystemDrive%\PSR\WebApp""#,
        ),
    )
    .unwrap();
    set_nps_facts(dir.path(), r#"{"server_version": "26.4.10.34111"}"#);
    // The folder IIS names is not in the snapshot: not evaluated, saying so.
    let r = result(dir.path(), "post", "NPS007");
    assert_eq!(status(&r), "not_evaluated", "{r}");
    assert_message_has(
        &r,
        r#"IIS serves the Web Application from C:\PSR\WebApp (site "Web Application", applicationHost.config line 24), which is not in the snapshot"#,
    );
    fs::create_dir_all(dir.path().join("root/PSR/WebApp")).unwrap();
    let r = result(dir.path(), "post", "NPS007");
    assert_eq!(status(&r), "pass", "{r}");
    assert_message_has(
        &r,
        r#"no config.bat in C:\PSR\WebApp and 2 level(s) of folders below it (served by IIS as site "Web Application", applicationHost.config line 24)"#,
    );
    fs::write(
        dir.path().join("root/PSR/WebApp/config.bat"),
        "@echo off\r\n",
    )
    .unwrap();
    let r = result(dir.path(), "post", "NPS007");
    assert_eq!(status(&r), "fail", "{r}");
    assert_eq!(r["subject"], r"C:\PSR\WebApp\config.bat");
    // A malformed applicationHost.config leaves the search incomplete: no pass.
    fs::remove_file(dir.path().join("root/PSR/WebApp/config.bat")).unwrap();
    fs::write(&host, "<configuration><system.applicationHost>").unwrap();
    let r = result(dir.path(), "post", "NPS007");
    assert_eq!(status(&r), "error", "{r}");
    assert_message_has(
        &r,
        "cannot tell which folder IIS serves the Web Application from",
    );
}

#[cfg(unix)]
#[test]
fn nps007_a_folder_it_cannot_search_is_an_error_not_a_pass() {
    let dir = copy_fixture("nps-post-ready");
    let web_app = dir.path().join(WEB_APP);
    std::os::unix::fs::symlink("loop", web_app.join("loop")).unwrap();
    // A dangling link is nothing to search: harmless.
    std::os::unix::fs::symlink("gone", web_app.join("old")).unwrap();
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "26.4.10.34111", "web_server": "iis"}"#,
    );
    let r = result(dir.path(), "post", "NPS007");
    assert_eq!(status(&r), "error", "{r}");
    assert_message_has(&r, "symbolic link loop");
}
