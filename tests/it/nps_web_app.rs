//! NPS016 (the document directory holds only the new Web Application) beyond
//! the fixtures: content under --verify-content, Windows's case-insensitive
//! names, the web server's own files, and a package fact naming nothing.

use std::fs;

use crate::common::{assert_message_has, checked, copy_fixture, scan, set_mtime, set_nps_facts};
use serde_json::Value;

const WEB_APP: &str = "root/inetpub/wwwroot/Web Application";

fn nps016(dir: &std::path::Path, extra: &[&str]) -> Value {
    let mut args = vec!["--format", "json", "--select", "NPS016"];
    args.extend_from_slice(extra);
    checked(scan(dir, "post", &args)).only("NPS016")
}

#[test]
fn a_file_of_the_package_s_size_but_other_bytes_fails_only_with_verify_content() {
    let dir = copy_fixture("nps-post-ready");
    let main = dir.path().join(WEB_APP).join("main.js");
    let len = fs::metadata(&main).unwrap().len() as usize;
    fs::write(&main, "x".repeat(len)).unwrap();
    assert_eq!(nps016(dir.path(), &[])["status"], "pass");
    let r = nps016(dir.path(), &["--verify-content"]);
    assert_eq!(r["status"], "fail", "{r}");
    assert_message_has(&r, "main.js (same size, another CRC-32)");
}

#[test]
fn names_compare_in_any_case_and_the_web_server_s_files_are_no_leftovers() {
    let dir = copy_fixture("nps-post-ready");
    let web_app = dir.path().join(WEB_APP);
    fs::rename(web_app.join("assets"), web_app.join("ASSETS")).unwrap();
    fs::rename(web_app.join("main.js"), web_app.join("Main.JS")).unwrap();
    fs::write(web_app.join(".htaccess"), "Options -Indexes\n").unwrap();
    let r = nps016(dir.path(), &[]);
    assert_eq!(r["status"], "pass", "{r}");
    // Below the top, .htaccess is a file like any other: a leftover.
    fs::write(web_app.join("ASSETS").join(".htaccess"), "x\n").unwrap();
    let r = nps016(dir.path(), &[]);
    assert_eq!(r["status"], "fail", "{r}");
    assert_message_has(&r, r"left from the old version: ASSETS\.htaccess");
}

#[test]
fn a_package_fact_naming_nothing_is_not_evaluated_even_with_a_zip_beside() {
    let dir = copy_fixture("nps-post-ready");
    set_nps_facts(
        dir.path(),
        r#"{"server_version": "26.4.10.34111", "web_server": "iis",
            "web_app_dir": "C:\\inetpub\\wwwroot\\Web Application",
            "web_app_package": "C:\\Install\\WebApplication.zip"}"#,
    );
    let r = nps016(dir.path(), &[]);
    assert_eq!(r["status"], "not_evaluated", "{r}");
    assert_message_has(
        &r,
        r"password_secure.web_app_package names C:\Install\WebApplication.zip, which is not in the snapshot",
    );
}

fn write_zip(path: &std::path::Path, entries: &[(&str, &str)]) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let mut z = zip::ZipWriter::new(fs::File::create(path).unwrap());
    for (name, data) in entries {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut z, data.as_bytes()).unwrap();
    }
    z.finish().unwrap();
}

#[test]
fn the_newest_web_application_zip_is_the_package_and_other_zips_are_not() {
    let dir = copy_fixture("nps-post-ready");
    // Newer, but no index.html: not the Web Application.
    let logs = dir.path().join("root/inetpub/wwwroot/logs.zip");
    write_zip(&logs, &[("u_ex261121.log", "GET /\n")]);
    set_mtime(&logs, filetime::FileTime::from_unix_time(1_795_300_000, 0));
    // The old version's package, older than the new one (the fixture's time).
    let old = dir.path().join("root/Backups/WebApplication_9.3.1.zip");
    write_zip(&old, &[("index.html", "old"), ("old.js", "old")]);
    set_mtime(&old, filetime::FileTime::from_unix_time(1_700_000_000, 0));
    let r = nps016(dir.path(), &[]);
    assert_eq!(r["status"], "pass", "{r}");
    assert_message_has(
        &r,
        r"older Web Application zips set aside: C:\Backups\WebApplication_9.3.1.zip",
    );
}
