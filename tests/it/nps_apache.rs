//! NPS009 on Apache layouts beyond the fixtures: Debian's real tree with
//! modules enabled and disabled by links (as a2enmod/a2dismod do), the
//! 2.4.47 downgrade, and configurations that cannot be read in full.
#![cfg(unix)]

use std::fs;
use std::path::Path;

use crate::common::{assert_message_has, checked, copy_fixture, scan, set_nps_facts};
use serde_json::Value;

const MODS: &str = "root/etc/apache2/mods-enabled";

fn nps009(target: &Path) -> Value {
    checked(scan(target, "post", &["--format", "json"])).only("NPS009")
}

fn status(r: &Value) -> (&str, &str) {
    (
        r["status"].as_str().unwrap(),
        r["severity"].as_str().unwrap(),
    )
}

#[test]
fn a2dismod_proxy_wstunnel_fails_and_names_a2enmod() {
    let dir = copy_fixture("nps-apache-debian-ready");
    fs::remove_file(dir.path().join(MODS).join("proxy_wstunnel.load")).unwrap();
    set_nps_facts(dir.path(), r#"{"server_version": "9.3.1.33994"}"#);
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("fail", "error"), "{r}");
    assert_message_has(&r, "run a2enmod proxy_wstunnel");
    // Apache's version unknown: the message says what would downgrade it.
    assert_message_has(&r, "password_secure.apache_version 2.4.47 or later");
    // 2.4.62 with proxy_http loaded: a warning.
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "9.3.1.33994", "apache_version": "2.4.62"}"#,
    );
    assert_eq!(status(&nps009(dir.path())), ("fail", "warning"));
    // ... but not on 2.4.46, and not without proxy_http.
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "9.3.1.33994", "apache_version": "2.4.46"}"#,
    );
    assert_eq!(status(&nps009(dir.path())), ("fail", "error"));
    fs::remove_file(dir.path().join(MODS).join("proxy_http.load")).unwrap();
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "9.3.1.33994", "apache_version": "2.4.62"}"#,
    );
    assert_eq!(status(&nps009(dir.path())), ("fail", "error"));
}

#[test]
fn proxy_wstunnel_without_proxy_fails() {
    let dir = copy_fixture("nps-apache-debian-ready");
    fs::remove_file(dir.path().join(MODS).join("proxy.load")).unwrap();
    let r = nps009(dir.path());
    // httpd cannot load mod_proxy's providers without mod_proxy (undefined symbol
    // ap_proxy_...; measured by the differential test): it refuses to start.
    assert_eq!(status(&r), ("error", "error"), "{r}");
    assert_message_has(&r, "before proxy_module is loaded");
}

#[test]
fn no_mods_enabled_at_all_is_a_plain_failure() {
    // As the package ships it before postinst: IncludeOptional matches nothing.
    let dir = copy_fixture("nps-apache-debian-ready");
    fs::remove_dir_all(dir.path().join(MODS)).unwrap();
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("fail", "error"), "{r}");
    assert_message_has(&r, "proxy_wstunnel_module and proxy_module not loaded");
}

#[test]
fn a_load_module_inside_if_module_counts() {
    let dir = copy_fixture("nps-apache-debian-ready");
    let link = dir.path().join(MODS).join("proxy_wstunnel.load");
    fs::remove_file(&link).unwrap();
    fs::write(
        &link,
        "<IfModule !proxy_wstunnel_module>\n    LoadModule proxy_wstunnel_module /usr/lib/apache2/modules/mod_proxy_wstunnel.so\n</IfModule>\n",
    )
    .unwrap();
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("pass", "error"), "{r}");
    assert_eq!(r["location"]["line"], 2);
}

#[test]
fn an_include_that_cannot_be_followed_is_an_error_not_a_failure_or_a_pass() {
    let dir = copy_fixture("nps-apache-debian-ready");
    fs::remove_file(dir.path().join(MODS).join("proxy_wstunnel.load")).unwrap();
    let conf = dir.path().join("root/etc/apache2/apache2.conf");
    let text = fs::read_to_string(&conf).unwrap();
    fs::write(&conf, format!("{text}\nInclude ${{PSR_CONF_DIR}}/*.conf\n")).unwrap();
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("error", "error"), "{r}");
    assert_message_has(&r, "PSR_CONF_DIR");
    // An Include that matches nothing: httpd refuses to start, and what it would load is unknown.
    fs::write(&conf, format!("{text}\nInclude /etc/psr/*.conf\n")).unwrap();
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("error", "error"), "{r}");
}

#[test]
fn the_main_file_from_facts_must_exist() {
    let dir = copy_fixture("nps-apache-rhel-no-wstunnel");
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "9.3.1.33994", "web_server": "apache", "apache_config": "/etc/httpd/conf/missing.conf"}"#,
    );
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("not_evaluated", "error"), "{r}");
    assert_message_has(&r, "/etc/httpd/conf/missing.conf");
    // Without the fact, the default places are searched: RHEL's is found.
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "9.3.1.33994", "web_server": "apache"}"#,
    );
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("fail", "error"), "{r}");
    assert_eq!(r["location"]["line"], 13);
    assert_eq!(
        r["location"]["root_relative"],
        "etc/httpd/conf.modules.d/00-proxy.conf"
    );
}

#[test]
fn below_the_websocket_version_it_does_not_apply() {
    let dir = copy_fixture("nps-apache-rhel-no-wstunnel");
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "8.4.0.14000", "web_server": "apache"}"#,
    );
    assert_eq!(status(&nps009(dir.path())).0, "not_applicable");
}

/// `apache2.conf` with `extra` appended after everything it loads (so the
/// modules NPS009 wants are already seen when the reader stops).
fn append_to_apache2_conf(dir: &Path, extra: &str) -> usize {
    let conf = dir.join("root/etc/apache2/apache2.conf");
    let text = fs::read_to_string(&conf).unwrap();
    let text = format!("{}\n", text.trim_end());
    let first_new_line = text.lines().count() + 1;
    fs::write(&conf, format!("{text}{extra}")).unwrap();
    first_new_line
}

#[test]
fn a_define_doubling_per_line_stops_with_an_error_naming_the_line() {
    // The reproducer of issue 15: 30 lines would need 2^30 bytes and more.
    let dir = copy_fixture("nps-apache-debian-ready");
    let mut extra = String::from("Define V0 xxxxxxxx\n");
    for i in 1..=30 {
        extra.push_str(&format!("Define V{i} ${{V{}}}${{V{}}}\n", i - 1, i - 1));
    }
    let first = append_to_apache2_conf(dir.path(), &extra);
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("error", "error"), "{r}");
    // V13 holds 8 << 13 = 65536 bytes; the line defining V14 expands to
    // `Define V14 ` and twice that, past MAX_EXPANDED = 131072.
    let line = first + 14;
    assert_message_has(&r, &format!("apache2.conf:{line}:"));
    assert_message_has(&r, "more than 131072 bytes");
    assert_eq!(r["location"]["line"], line, "{r}");
}

#[test]
fn an_included_file_that_cannot_be_read_is_an_error_even_with_the_modules_seen() {
    let dir = copy_fixture("nps-apache-debian-ready");
    let big = dir.path().join("root/etc/apache2/huge.conf");
    // Over the 16 MiB config-file cap (sparse: nothing is written).
    fs::File::create(&big)
        .unwrap()
        .set_len(17 * 1024 * 1024)
        .unwrap();
    append_to_apache2_conf(dir.path(), "Include huge.conf\n");
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("error", "error"), "{r}");
    assert_message_has(&r, "huge.conf");
}

#[test]
fn a_folder_linked_into_itself_is_an_error_even_with_the_modules_seen() {
    let dir = copy_fixture("nps-apache-debian-ready");
    let lp = dir.path().join("root/etc/apache2/loop");
    fs::create_dir(&lp).unwrap();
    // Two links back to the folder itself: 2^depth folders to read.
    std::os::unix::fs::symlink(".", lp.join("a")).unwrap();
    std::os::unix::fs::symlink(".", lp.join("b")).unwrap();
    append_to_apache2_conf(dir.path(), "IncludeOptional loop\n");
    let r = nps009(dir.path());
    assert_eq!(status(&r), ("error", "error"), "{r}");
    let m = r["message"].as_str().unwrap();
    assert!(
        m.contains("gave up after")
            || m.contains("deeper than")
            || m.contains("symbolic link loop"),
        "{m}"
    );
}
