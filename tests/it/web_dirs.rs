//! Where the products live (README "Where the products live"): the web folder
//! facts, IIS's applications and the vendor's defaults, on copies of fixtures;
//! and Secret Server alone following the standalone procedure.

use std::fs;

use crate::common::{assert_message_has, copy_fixture, json_scan, message, scan};
use serde_json::Value;

const APPLICATION_HOST: &str = "root/Windows/System32/inetsrv/config/applicationHost.config";

fn facts_with_web_dir(dir: &tempfile::TempDir, web_dir: &str) {
    let file = dir.path().join("facts.json");
    let mut facts: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    facts["privilege_manager"]["web_dir"] = Value::String(web_dir.into());
    fs::write(&file, serde_json::to_string_pretty(&facts).unwrap()).unwrap();
}

fn detection(json: &Value) -> Vec<String> {
    json["scan"]["detection"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn an_unusable_web_dir_fact_makes_every_tms_folder_rule_not_evaluated() {
    for (web_dir, part) in [
        (r"TMS\", r"'TMS\' is not an absolute server path"),
        (r"%APPS%\TMS", "unknown environment variable %APPS%"),
    ] {
        let dir = copy_fixture("pm-tms-web-dir-fact");
        facts_with_web_dir(&dir, web_dir);
        let run = json_scan(dir.path(), "pre");
        for rule in ["PM002", "PM004"] {
            let r = run.only(rule);
            assert_eq!(r["status"], "not_evaluated", "{rule}: {r}");
            assert_eq!(r["subject"], "privilege_manager.web_dir");
            assert_message_has(
                &r,
                &format!("facts.json privilege_manager.web_dir '{web_dir}' is unusable"),
            );
            assert_message_has(&r, part);
        }
        // Rules that do not name the folder are not affected.
        assert_eq!(run.only("PM003")["status"], "pass");
        let json = run.json();
        assert!(
            detection(&json).iter().any(|d| d.starts_with(
                "the TMS web folder is unknown: facts.json privilege_manager.web_dir"
            )),
            "{:?}",
            detection(&json)
        );
    }
}

#[test]
fn a_web_dir_fact_on_another_drive_is_used_once_the_drive_is_mapped() {
    let dir = copy_fixture("pm-tms-web-dir-fact");
    facts_with_web_dir(&dir, r"D:\Delinea\TMS");
    let run = json_scan(dir.path(), "pre");
    let r = run.only("PM004");
    assert_eq!(r["status"], "not_evaluated", "{r}");
    assert_message_has(&r, "D:");
    // Map D: onto the fixture's custom folder's grandparent.
    let d = dir.path().join("d-drive");
    fs::create_dir_all(d.join("Delinea")).unwrap();
    fs::rename(
        dir.path().join("root/Apps/PrivilegeManager/TMS"),
        d.join("Delinea/TMS"),
    )
    .unwrap();
    let mapped = format!("D:={}", d.display());
    let run = crate::common::checked(scan(
        dir.path(),
        "pre",
        &["--format", "json", "--drive", &mapped],
    ));
    let r = run.only("PM004");
    assert_eq!(r["status"], "pass", "{r}");
    assert_eq!(r["subject"], r"D:\Delinea\TMS\web.config");
}

#[test]
fn a_malformed_application_host_is_noted_and_the_default_location_used() {
    let dir = copy_fixture("pm-tms-custom-iis");
    fs::write(
        dir.path().join(APPLICATION_HOST),
        "<configuration><system.applicationHost>",
    )
    .unwrap();
    let run = json_scan(dir.path(), "pre");
    // The leftover default folder is offline: PM004 passes there now.
    let r = run.only("PM004");
    assert_eq!(r["status"], "pass", "{r}");
    assert_eq!(r["subject"], r"C:\inetpub\wwwroot\TMS\web.config");
    let d = detection(&run.json());
    let tms = d
        .iter()
        .find(|l| l.starts_with("the TMS web folder"))
        .unwrap();
    assert!(
        tms.starts_with(r"the TMS web folder is C:\inetpub\wwwroot\TMS, from the vendor's default location (C:\Windows\System32\inetsrv\config\applicationHost.config is not well-formed XML"),
        "{tms}"
    );
}

#[test]
fn the_secret_server_folder_comes_from_its_iis_application() {
    let dir = copy_fixture("combined-pre");
    // Secret Server moved to C:\Apps\SecretServer, served as /SecretServer.
    fs::create_dir_all(dir.path().join("root/Apps")).unwrap();
    fs::rename(
        dir.path().join("root/inetpub/wwwroot/SecretServer"),
        dir.path().join("root/Apps/SecretServer"),
    )
    .unwrap();
    let config = dir.path().join(APPLICATION_HOST);
    fs::create_dir_all(config.parent().unwrap()).unwrap();
    fs::write(
        &config,
        r#"<configuration><system.applicationHost><sites>
<site name="Default Web Site" id="1">
  <application path="/"><virtualDirectory path="/" physicalPath="%SystemDrive%\inetpub\wwwroot" /></application>
  <application path="/SecretServer" applicationPool="SecretServer"><virtualDirectory path="/" physicalPath="%SystemDrive%\Apps\SecretServer" /></application>
</site>
</sites></system.applicationHost></configuration>"#,
    )
    .unwrap();
    let run = json_scan(dir.path(), "pre");
    let r = run.only("SS003");
    assert_eq!(r["status"], "pass", "{r}");
    assert!(
        message(&r).contains(r"of C:\Apps\SecretServer with the same sizes"),
        "{}",
        message(&r)
    );
    let d = detection(&run.json());
    assert!(d.contains(&r#"the Secret Server web folder is C:\Apps\SecretServer, from applicationHost.config, site "Default Web Site" application /SecretServer (line 4)"#.to_string()), "{d:?}");
    assert!(
        d.contains(
            &r"Secret Server (ss): C:\Apps\SecretServer exists and facts.json has secret_server"
                .to_string()
        ),
        "{d:?}"
    );
    assert_eq!(run.json()["scan"]["procedure"], "combined");
}

#[test]
fn secret_server_alone_by_product_follows_the_standalone_procedure() {
    let dir = copy_fixture("combined-pre");
    let run = crate::common::checked(scan(
        dir.path(),
        "pre",
        &["--format", "json", "--product", "ss"],
    ));
    let json = run.json();
    assert_eq!(json["scan"]["procedure"], "standalone");
    let r = run.only("SS001");
    assert_eq!(r["status"], "not_applicable");
    assert!(
        message(&r).starts_with("Secret Server alone follows no seed procedure"),
        "{}",
        message(&r)
    );
    for rule in ["SS002", "SS003", "SS004"] {
        assert_eq!(run.only(rule)["status"], "pass", "{rule}");
    }
    // With Privilege Manager too, the combined procedure.
    let run = crate::common::checked(scan(
        dir.path(),
        "pre",
        &["--format", "json", "--product", "ss", "--product", "pm"],
    ));
    assert_eq!(run.json()["scan"]["procedure"], "combined");
}
