//! docs/facts.md against the code: it documents exactly the keys `src/facts.rs`
//! accepts, its example facts.json files parse and scan without an input error in
//! their procedure, and `upgate facts --template`'s output for each product is refused
//! until its placeholders are filled, then scans (filled with the documented examples).

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use upgate::facts::{Facts, KEYS, placeholder};

use crate::common::{Run, copy_fixture, fixture, repo, run, scan, upgate};

fn reference() -> String {
    fs::read_to_string(repo().join("docs/facts.md")).unwrap()
}

/// The keys docs/facts.md documents: each is a heading holding the key in backticks
/// (`### \`backups.search_dirs\``), so that messages can link to it.
fn documented() -> Vec<String> {
    reference()
        .lines()
        .filter(|l| l.starts_with('#'))
        .filter_map(|l| {
            let rest = l.trim_start_matches('#').trim_start();
            // A section's heading names it after its title: only a leading key counts.
            let key = rest.strip_prefix('`')?.split_once('`')?.0;
            Some(key.to_string())
        })
        .collect()
}

#[test]
fn every_accepted_key_is_documented_and_every_documented_key_accepted() {
    let accepted: BTreeSet<String> = KEYS.iter().map(|(k, _, _)| k.to_string()).collect();
    let documented = documented();
    let unique: BTreeSet<String> = documented.iter().cloned().collect();
    assert_eq!(unique.len(), documented.len(), "a key documented twice");
    let missing: Vec<_> = accepted.difference(&unique).collect();
    let unknown: Vec<_> = unique.difference(&accepted).collect();
    assert!(missing.is_empty(), "not in docs/facts.md: {missing:?}");
    assert!(
        unknown.is_empty(),
        "documented but not accepted: {unknown:?}"
    );
    // Each entry shows the example the template's placeholder gives (and the tests below
    // fill the template with).
    let text = reference();
    for (key, example, _) in KEYS {
        let entry = text
            .split(&format!("`{key}`\n"))
            .nth(1)
            .and_then(|rest| rest.split("\n#").next())
            .unwrap_or_else(|| panic!("{key}: no entry"));
        assert!(
            entry.contains(&format!("`{example}`")),
            "{key}: the entry does not show the example {example}"
        );
    }
}

/// A copy of `fixture` whose facts.json is `facts`, with the NugetCache capture that
/// `captures.nugetcache_icacls` names (relative to the facts file) where it lacks one.
fn with_facts(fixture_name: &str, facts: &str) -> tempfile::TempDir {
    let dir = copy_fixture(fixture_name);
    fs::write(dir.path().join("facts.json"), facts).unwrap();
    let capture = dir.path().join("captures/nugetcache.icacls.txt");
    if !capture.is_file() {
        fs::create_dir_all(capture.parent().unwrap()).unwrap();
        fs::copy(
            fixture("combined-post-ready").join("captures/nugetcache.icacls.txt"),
            &capture,
        )
        .unwrap();
    }
    dir
}

/// Both phases scan without an input error; the procedures the report names.
fn scans(dir: &Path) -> String {
    let mut procedure = String::new();
    for phase in ["pre", "post"] {
        let r: Run = scan(dir, phase, &["--format", "json"]);
        assert!(
            matches!(r.code, 0 | 1),
            "{phase}: exit {}\n{}",
            r.code,
            r.stderr
        );
        procedure = r.json()["scan"]["procedure"]
            .as_str()
            .unwrap_or_default()
            .to_string();
    }
    procedure
}

#[test]
fn each_procedure_s_example_parses_and_scans_in_its_procedure() {
    let text = reference();
    for (procedure, fixture_name) in [
        ("combined", "combined-post-ready"),
        ("offline", "pm-offline-ready"),
        ("update", "nps-pre-ready"),
        ("standalone", "ss-standalone-10-1"),
    ] {
        let rel = format!("facts/{procedure}.json");
        assert!(
            text.contains(&format!("]({rel})")),
            "docs/facts.md does not link {rel}"
        );
        let file = repo().join("docs").join(&rel);
        let facts = fs::read_to_string(&file).unwrap();
        Facts::parse(&facts, &file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
        let dir = with_facts(fixture_name, &facts);
        assert_eq!(scans(dir.path()), procedure, "{rel}");
    }
}

fn template(products: &[&str]) -> String {
    let mut cmd = upgate();
    cmd.args(["facts", "--template"]);
    for p in products {
        cmd.args(["--product", p]);
    }
    let r = run(&mut cmd);
    assert_eq!(r.code, 0, "{}", r.stderr);
    r.stdout
}

/// `template` (JSON) with the value of every [`KEYS`] key it holds set to the key's
/// example, and then `left`'s back to its placeholder; pretty-printed.
fn filled(template: &str, left: Option<&str>) -> String {
    let mut json: serde_json::Value = serde_json::from_str(template).unwrap();
    for (key, example, _) in KEYS.iter().filter(|(k, _, _)| !k.contains("[]")) {
        if let Some(value) = json.pointer_mut(&format!("/{}", key.replace('.', "/"))) {
            *value = match left {
                Some(left) if left == *key => placeholder(key),
                _ => serde_json::from_str(example).unwrap(),
            };
        }
    }
    serde_json::to_string_pretty(&json).unwrap()
}

/// A scan of `dir` with its facts.json is refused (exit 2) at `line` for `key`'s placeholder.
fn refused_for_placeholder(dir: &Path, key: &str, line: usize) {
    let facts = dir.join("facts.json");
    let r: Run = scan(dir, "pre", &["--facts", facts.to_str().unwrap()]);
    assert_eq!(r.code, 2, "{key}: {}", r.stderr);
    let at = format!("facts.json:{line}:");
    let message = format!(": {key}: still the template's placeholder \"<");
    assert!(
        r.stderr.contains(&at) && r.stderr.contains(&message),
        "{key}: {}",
        r.stderr
    );
    assert!(r.stderr.contains(" or delete the key"), "{}", r.stderr);
}

#[test]
fn the_template_of_each_product_is_refused_until_filled_and_then_scans() {
    for (products, sections, fixture_name, left) in [
        (
            &["ss"][..],
            &["secret_server"][..],
            "ss-standalone-10-1",
            "secret_server.database_backup_at",
        ),
        (
            &["pm"],
            &["privilege_manager", "captures"],
            "pm-offline-ready",
            "privilege_manager.installed_version",
        ),
        (
            &["nps"],
            &["password_secure"],
            "nps-pre-ready",
            "password_secure.server_manager_password_noted",
        ),
        (
            &["ss", "pm"],
            &["secret_server", "privilege_manager", "captures"],
            "combined-pre",
            "backups.max_age_hours",
        ),
        (
            &[],
            &[
                "secret_server",
                "privilege_manager",
                "password_secure",
                "captures",
            ],
            "combined-post-ready",
            "host",
        ),
    ] {
        let text = template(products);
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut keys: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        let mut expected = vec!["host", "env", "backups"];
        expected.extend_from_slice(sections);
        keys.sort_unstable();
        expected.sort_unstable();
        assert_eq!(keys, expected, "{products:?}");
        // As printed: refused at its first placeholder, `host` on line 2.
        let dir = with_facts(fixture_name, &text);
        refused_for_placeholder(dir.path(), "host", 2);
        // Filled with the examples: it parses and both phases scan.
        let full = filled(&text, None);
        Facts::parse(&full, Path::new("template.json"))
            .unwrap_or_else(|e| panic!("{products:?}: {e}\n{full}"));
        let dir = with_facts(fixture_name, &full);
        scans(dir.path());
        // One placeholder left: refused, naming that key at its line.
        let one_left = filled(&text, Some(left));
        let field = left.rsplit('.').next().unwrap();
        let line = one_left
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("\"{field}\": \"<")))
            .unwrap_or_else(|| panic!("{left}: not left\n{one_left}"))
            + 1;
        let dir = with_facts(fixture_name, &one_left);
        refused_for_placeholder(dir.path(), left, line);
    }
}

#[test]
fn the_readme_links_the_reference_not_the_spec_outside_the_repository() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    assert!(readme.contains("](docs/facts.md)"));
    assert!(!readme.contains("../shared"));
}
