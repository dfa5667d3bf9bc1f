//! NPS009 on the real Apache trees in `tests/data/real-world/snapshots/apache-*`
//! (each with its SOURCE.txt; copied from `../shared/real-world/snapshots`), with the
//! verdict each deserves from how that distribution starts httpd.

use std::path::{Path, PathBuf};

use crate::common::{checked, scan};

fn snapshot(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/real-world/snapshots")
        .join(name)
}

/// (snapshot, status, severity, a fragment of the message, why this is the verdict).
const TREES: &[(&str, &str, &str, &str, &str)] = &[
    (
        "apache-alpine-1",
        "pass",
        "error",
        "proxy_wstunnel_module at /etc/apache2/conf.d/proxy.conf:19",
        "Alpine's OpenRC script starts httpd with no -D parameters; httpd.conf includes conf.d/*.conf, whose proxy.conf loads mod_proxy (line 7) before mod_proxy_wstunnel (line 19)",
    ),
    (
        "apache-alpine-2",
        "pass",
        "error",
        "proxy_wstunnel_module at /etc/apache2/conf.d/proxy.conf:19",
        "the same tree without the apache_config fact: /etc/apache2/httpd.conf is now on the search list",
    ),
    (
        "apache-apachehaus-1",
        "fail",
        "error",
        "proxy_wstunnel_module is commented out at C:/Apache24/conf/httpd.conf:154",
        "Apache Haus (Windows service httpd -k runservice, no -D): both LoadModules are commented out",
    ),
    (
        "apache-bitnami-1",
        "pass",
        "error",
        "proxy_wstunnel_module at /opt/bitnami/apache2/conf/httpd.conf:123",
        "Bitnami's ctlscript starts /opt/bitnami/apache2/bin/httpd -f conf/httpd.conf; proxy (line 117) is loaded before proxy_wstunnel (line 123), outside any conditional",
    ),
    (
        "apache-centos-1",
        "fail",
        "error",
        "proxy_module is commented out at /etc/httpd/conf.modules.d/00-proxy.conf:2",
        "httpd.service runs httpd -DFOREGROUND; conf.modules.d/00-proxy.conf has every LoadModule commented out",
    ),
    (
        "apache-centos7-1",
        "pass",
        "error",
        "proxy_wstunnel_module at /etc/httpd/conf.modules.d/00-proxy.conf:16",
        "CentOS 7's stock 00-proxy.conf loads mod_proxy (line 2) and mod_proxy_wstunnel (line 16); Include conf.modules.d/*.conf reads it",
    ),
    (
        "apache-docker-1",
        "fail",
        "error",
        "proxy_wstunnel_module is commented out at /usr/local/apache2/conf/httpd.conf:150",
        "Docker's official image runs httpd-foreground (httpd -DFOREGROUND, ServerRoot /usr/local/apache2); the stock file comments the proxy modules out",
    ),
    (
        "apache-kusanagi-1",
        "fail",
        "error",
        "proxy_wstunnel_module not loaded",
        "KUSANAGI (RHEL layout, httpd.service -DFOREGROUND): mod_proxy and mod_proxy_http are loaded, mod_proxy_wstunnel nowhere; the Apache version is unknown, so no downgrade (the message says 2.4.47 would make it a warning)",
    ),
    (
        "apache-lounge-1",
        "fail",
        "error",
        "proxy_wstunnel_module is commented out at C:/Apache24/conf/httpd.conf:158",
        "Apache Lounge (Define SRVROOT, ServerRoot ${SRVROOT}): both LoadModules commented out",
    ),
    (
        "apache-opensuse-1",
        "fail",
        "error",
        "proxy_wstunnel_module and proxy_module not loaded",
        "openSUSE's start_apache2 passes -DSYSCONFIG and -C 'Include sysconfig.d/loadmodule.conf' (written from APACHE_MODULES): the default module list has no proxy",
    ),
    (
        "apache-opensuse-2",
        "fail",
        "error",
        "proxy_wstunnel_module and proxy_module not loaded",
        "the hand-edited /etc/apache2/loadmodule.conf is only read <IfDefine !SYSCONFIG>, and the service always defines SYSCONFIG: its proxy lines never load (a false pass before)",
    ),
    (
        "apache-opensuse-3",
        "fail",
        "error",
        "proxy_wstunnel_module and proxy_module not loaded",
        "sysconfig.d/loadmodule.conf has proxy and proxy_http but not proxy_wstunnel; without /etc/sysconfig/apache2 in the snapshot proxy_module is only 'maybe' (the next start rewrites the file), but proxy_wstunnel is missing either way",
    ),
    (
        "apache-rhel-1",
        "fail",
        "error",
        "proxy_module is commented out at /etc/httpd/conf.modules.d/00-proxy.conf:2",
        "the stock 00-proxy.conf is commented out; the 00-proxy.conf.rpmnew beside it is not matched by conf.modules.d/*.conf",
    ),
    (
        "apache-stream9-1",
        "fail",
        "warning",
        "downgraded to warning",
        "CentOS Stream 9 (httpd.service, -DFOREGROUND): no proxy_wstunnel, but Apache 2.4.57 with mod_proxy_http upgrades WebSocket itself",
    ),
    (
        "apache-windows-1",
        "fail",
        "error",
        "proxy_wstunnel_module is commented out at F:/Apache/start/Apache24/conf/httpd.conf:158",
        "a Windows build on F: (Define SRVROOT, ServerRoot ${SRVROOT}); 2.4.46 is below 2.4.47, so mod_proxy_http does not downgrade",
    ),
];

#[test]
fn every_real_apache_tree_gets_its_verdict() {
    let mut wrong = Vec::new();
    for (name, status, severity, fragment, why) in TREES {
        let dir = snapshot(name);
        let mut extra: Vec<String> = vec!["--format".into(), "json".into()];
        if dir.join("drive_f").exists() {
            let facts = dir.join("facts.json");
            let drive = format!("F:={}", dir.join("drive_f").display());
            extra.extend(["--product".into(), "nps".into(), "--facts".into()]);
            extra.push(facts.display().to_string());
            extra.extend(["--drive".into(), drive]);
        }
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        let r = checked(scan(&dir, "post", &extra)).only("NPS009");
        let got = (
            r["status"].as_str().unwrap(),
            r["severity"].as_str().unwrap(),
        );
        let message = r["message"].as_str().unwrap();
        if got != (*status, *severity) || !message.contains(fragment) {
            wrong.push(format!(
                "{name}: got {got:?}: {message}\n  expected {status}/{severity} with {fragment:?} because {why}"
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
