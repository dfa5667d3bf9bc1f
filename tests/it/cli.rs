//! The command line: exit statuses, the gate options, `--select`, colour, `rules` and `explain`.

use crate::common::{self, NOW, fixture, scan, upgate};

#[test]
fn exit_status_follows_the_gate() {
    assert_eq!(scan(&fixture("pm-offline-ready"), "pre", &[]).code, 0);
    assert_eq!(scan(&fixture("pm-defective-packages"), "pre", &[]).code, 1);
    // An unreadable input fails the gate even with --fail-on never.
    assert_eq!(
        scan(
            &fixture("pm-broken-webconfig"),
            "pre",
            &["--fail-on", "never"]
        )
        .code,
        1
    );
    assert_eq!(
        scan(
            &fixture("pm-defective-packages"),
            "pre",
            &["--fail-on", "never"]
        )
        .code,
        0
    );
}

#[test]
fn fail_on_counts_lower_severities_only_when_asked() {
    // The only failing PM006 result at warning level is the ThycoticTmsAgent one.
    let lagging = fixture("pm-post-installed-lagging");
    let warn_only = ["--set-severity", "PM006=warning", "--select", "PM006"];
    assert_eq!(scan(&lagging, "post", &warn_only).code, 0);
    assert_eq!(
        scan(
            &lagging,
            "post",
            &[&warn_only[..], &["--fail-on", "warning"]].concat()
        )
        .code,
        1
    );
    // The integrity note of PM005 fails the gate only at --fail-on note
    // (PM002's missing TMS backup, a warning here, is set aside as a note too).
    let defective = fixture("pm-defective-packages");
    let only_note = [
        "--set-severity",
        "PM005=note",
        "--set-severity",
        "PM002=note",
        "--select",
        "PM002,PM005",
    ];
    assert_eq!(
        scan(
            &defective,
            "pre",
            &[&only_note[..], &["--fail-on", "warning"]].concat()
        )
        .code,
        0
    );
    assert_eq!(
        scan(
            &defective,
            "pre",
            &[&only_note[..], &["--fail-on", "note"]].concat()
        )
        .code,
        1
    );
}

#[test]
fn unevaluated_checks_fail_the_gate_unless_accepted() {
    let dir = common::copy_fixture("pm-offline-ready");
    std::fs::write(
        dir.path().join("facts.json"),
        r#"{"privilege_manager": {}}"#,
    )
    .unwrap();
    let run = scan(dir.path(), "pre", &["--format", "json"]);
    assert_eq!(run.code, 1, "the gate fails closed");
    assert_eq!(run.results_of("PM001")[0]["status"], "not_evaluated");
    assert_eq!(run.json()["gate"]["verdict"], "INCOMPLETE");
    // -q: the summary on one line, unwrapped.
    let text = scan(dir.path(), "pre", &["-q"]);
    assert!(text.stdout.contains("— INCOMPLETE ("), "{}", text.stdout);
    assert!(
        text.stdout
            .contains("PM001, PM009, PM010, PM012, PM014 could not be checked"),
        "{}",
        text.stdout
    );
    let accepted = scan(dir.path(), "pre", &["--allow-unevaluated", "-q"]);
    assert_eq!(accepted.code, 0);
    assert!(
        accepted.stdout.contains("— INCOMPLETE (accepted)"),
        "{}",
        accepted.stdout
    );
    // The old flag still runs, with a notice: what it asked for is the default.
    let strict = scan(dir.path(), "pre", &["--strict"]);
    assert_eq!(strict.code, 1);
    assert!(
        strict.stderr.contains("--strict is the default now"),
        "{}",
        strict.stderr
    );
}

#[test]
fn the_verdict_words_agree_with_the_counts() {
    // A warning below the gate: the exit status is 0, and the tally says why.
    let lagging = fixture("pm-post-installed-lagging");
    let below = scan(
        &lagging,
        "post",
        &["--set-severity", "PM006=warning", "--select", "PM006"],
    );
    assert_eq!(below.code, 0);
    assert!(
        below.stdout.contains("2 fail (below the gate)") && below.stdout.contains("— COMPLIANT"),
        "{}",
        below.stdout
    );
    // With the gate off the words still judge every result.
    let off = scan(
        &fixture("pm-defective-packages"),
        "pre",
        &["--fail-on", "never"],
    );
    assert_eq!(off.code, 0);
    assert!(
        off.stdout.contains("— NOT READY (gate off)"),
        "{}",
        off.stdout
    );
}

#[test]
fn show_and_quiet_change_the_display_not_the_gate() {
    let failing = scan(&fixture("pm-post-reverted-to-online"), "post", &[]);
    assert!(
        failing.stdout.contains("\nPM004  ") && failing.stdout.contains("\n  FAIL "),
        "{}",
        failing.stdout
    );
    assert!(
        !failing.stdout.contains("PASS"),
        "default view shows failing results only"
    );
    let all = scan(
        &fixture("pm-post-reverted-to-online"),
        "post",
        &["--show", "all"],
    );
    assert!(
        all.stdout.contains("\nPM003  ") && all.stdout.contains("\n  PASS "),
        "{}",
        all.stdout
    );
    let quiet = scan(&fixture("pm-post-reverted-to-online"), "post", &["-q"]);
    assert_eq!(quiet.stdout.trim().lines().count(), 1, "{}", quiet.stdout);
    assert!(quiet.stdout.contains("PROBLEMS FOUND"));
    assert_eq!((failing.code, all.code, quiet.code), (1, 1, 1));
}

#[test]
fn colour_is_off_for_pipes_and_no_color_and_on_when_forced() {
    let esc = |args: &[&str], no_color: bool| {
        let mut cmd = upgate();
        cmd.args(["scan"])
            .arg(fixture("pm-post-reverted-to-online"))
            .args(["--phase", "post", "--now", NOW]);
        cmd.args(args);
        if no_color {
            cmd.env("NO_COLOR", "1");
        }
        cmd.output().unwrap().stdout.contains(&0x1b)
    };
    assert!(!esc(&[], false), "auto: stdout is a pipe");
    assert!(esc(&["--color", "always"], false));
    assert!(!esc(&["--color", "never"], false));
    assert!(!esc(&[], true));
}

#[test]
fn reports_are_also_written_to_files() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("report.json");
    let spec = format!("json={}", file.display());
    let run = scan(&fixture("pm-offline-ready"), "pre", &["--report", &spec]);
    assert_eq!(run.code, 0);
    assert!(run.stdout.contains("READY"));
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    assert_eq!(json["schema_version"], 1);
    assert_eq!(json["gate"]["failed"], false);
}

#[test]
fn json_report_carries_the_contract_fields() {
    let run = scan(
        &fixture("pm-post-reverted-to-online"),
        "post",
        &["--format", "json"],
    );
    let json = run.json();
    assert_eq!(json["scan"]["procedure"], "offline");
    assert_eq!(json["scan"]["now"], NOW);
    let pm004 = &run.results_of("PM004")[0];
    for key in [
        "rule_id",
        "slug",
        "status",
        "severity",
        "title",
        "message",
        "subject",
        "location",
        "observed",
        "expected",
        "remediation",
        "source",
        "fingerprint",
        "waiver",
        "baseline",
    ] {
        assert!(pm004.get(key).is_some(), "missing {key}");
    }
    assert_eq!(
        pm004["location"]["root_relative"],
        "inetpub/wwwroot/TMS/web.config"
    );
    assert_eq!(pm004["location"]["line"], 9);
    let settings = &json["observed_state"]["settings"][0];
    assert_eq!(settings["key"], "nuget:source:SolutionCentre");
    assert_eq!(settings["value"], "http://tmsnuget.thycotic.com/nuget/");
    assert_eq!(
        json["observed_state"]["packages"].as_array().unwrap().len(),
        4
    );
}

#[test]
fn fingerprints_are_stable_across_runs_and_hosts_differ() {
    let a = scan(
        &fixture("pm-post-reverted-to-online"),
        "post",
        &["--format", "json"],
    );
    let b = scan(
        &fixture("pm-post-reverted-to-online"),
        "post",
        &["--format", "json"],
    );
    let fp = |r: &common::Run| r.results_of("PM004")[0]["fingerprint"].clone();
    assert_eq!(fp(&a), fp(&b));
    let other = scan(&fixture("pm-post-ready"), "post", &["--format", "json"]);
    // Same host (pam-web-01), same subject: the same finding, fixed or not.
    assert_eq!(fp(&a), fp(&other));
}

#[test]
fn product_override_replaces_detection() {
    let run = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--product", "ss", "--product", "pm", "--format", "json"],
    );
    let json = run.json();
    assert_eq!(json["scan"]["procedure"], "combined");
    assert_eq!(run.results_of("PM004")[0]["status"], "not_applicable");
}

/// The rule ids a JSON scan with `select` reports, once each, in order.
fn selected(fixture_name: &str, phase: &str, select: &[&str]) -> Vec<String> {
    let mut args = vec!["--format", "json"];
    for s in select {
        args.extend(["--select", s]);
    }
    let run = scan(&fixture(fixture_name), phase, &args);
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    let mut ids: Vec<String> = run.statuses().into_iter().map(|(id, _)| id).collect();
    ids.dedup();
    ids
}

#[test]
fn select_runs_the_rules_named_by_id_slug_or_id_prefix() {
    assert_eq!(selected("pm-offline-ready", "pre", &["PM004"]), ["PM004"]);
    assert_eq!(
        selected(
            "pm-offline-ready",
            "pre",
            &["PM-Solution-Centre-Offline-Source"]
        ),
        ["PM004"]
    );
    assert_eq!(
        selected("pm-offline-ready", "pre", &["pm"]),
        builtin_ids(|id| id.starts_with("PM"))
    );
    // Comma-separated and repeated; NPS00 is NPS001 to NPS009, not NPS010.
    let nps = selected("nps-pre-blocked", "pre", &["NPS00,ss001", "nps011"]);
    assert!(nps.contains(&"NPS009".to_string()) && !nps.contains(&"NPS010".to_string()));
    assert_eq!(
        nps,
        builtin_ids(|id| id.starts_with("NPS00") || id == "NPS011" || id == "SS001")
    );
}

/// The built-in rule ids that pass `keep`, in report order.
fn builtin_ids(keep: impl Fn(&str) -> bool) -> Vec<String> {
    let rules = upgate::rules::RuleSet::builtin().unwrap();
    rules
        .iter()
        .map(|r| r.id.clone())
        .filter(|id| keep(id))
        .collect()
}

#[test]
fn unselected_rules_do_not_count_for_the_gate() {
    let defective = fixture("pm-defective-packages");
    assert_eq!(scan(&defective, "pre", &[]).code, 1);
    let run = scan(&defective, "pre", &["--select", "PM001"]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert!(run.stdout.contains("1 result"), "{}", run.stdout);
}

#[test]
fn a_selector_that_matches_no_rule_is_refused_with_a_suggestion() {
    let run = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--select", "PM001,PM0004"],
    );
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    assert!(
        run.stderr.contains("--select `PM0004` matches no rule"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("did you mean `PM004`?"),
        "{}",
        run.stderr
    );
    let none = scan(&fixture("pm-offline-ready"), "pre", &["--select", "XY9"]);
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("`upgate rules` lists them"),
        "{}",
        none.stderr
    );
    let empty = scan(&fixture("pm-offline-ready"), "pre", &["--select", "PM,"]);
    assert_eq!(empty.code, 2);
    assert!(
        empty.stderr.contains("an empty selector"),
        "{}",
        empty.stderr
    );
}

#[test]
fn rules_lists_every_rule_in_each_format() {
    let text = upgate().arg("rules").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    for id in ["PM001", "PM003", "PM004", "PM005", "PM006"] {
        assert!(text.contains(id), "{id} missing from `upgate rules`");
    }
    let json = upgate()
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let pm004 = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "PM004")
        .unwrap();
    assert_eq!(pm004["slug"], "pm-solution-centre-offline-source");
    assert_eq!(pm004["check"], "app_setting_folder");
    let md = upgate()
        .args(["rules", "--format", "markdown"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8(md.stdout)
            .unwrap()
            .starts_with("| id | slug |")
    );
}

#[test]
fn explain_by_id_or_slug_and_suggests_on_typos() {
    let by_id = upgate().args(["explain", "PM004"]).output().unwrap();
    let by_slug = upgate()
        .args(["explain", "pm-solution-centre-offline-source"])
        .output()
        .unwrap();
    assert!(by_id.status.success());
    assert_eq!(by_id.stdout, by_slug.stdout);
    let text = String::from_utf8(by_id.stdout).unwrap();
    assert!(text.contains("How to fix"));
    assert!(text.contains("001_2a69dabc91e2de3f.txt step 4"));
    assert!(text.contains("defined at: rules/privilege-manager.toml:"));
    let typo = upgate().args(["explain", "PM0004"]).output().unwrap();
    assert_eq!(typo.status.code(), Some(2));
    assert!(
        String::from_utf8(typo.stderr)
            .unwrap()
            .contains("did you mean `PM004`?")
    );
}

#[test]
fn phase_is_required() {
    let out = upgate()
        .arg("scan")
        .arg(fixture("pm-offline-ready"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8(out.stderr).unwrap().contains("--phase"));
}

#[test]
fn a_closed_pipe_exits_quietly_with_the_gate_status() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("upgate"))
        .arg("scan")
        .arg(fixture("pm-defective-packages"))
        .args(["--phase", "pre", "--now", NOW, "--format", "json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end before the scan has written anything: its write gets EPIPE.
    drop(child.stdout.take());
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(1));
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// upgate's standard output for `args`, which must succeed.
fn stdout_of(args: &[&str], columns: &str) -> String {
    let out = upgate()
        .args(args)
        .env("COLUMNS", columns)
        .output()
        .unwrap();
    assert!(out.status.success(), "upgate {args:?}: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn completions_name_every_subcommand_in_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let script = stdout_of(&["completions", shell], "80");
        for sub in [
            "scan", "rules", "explain", "diff", "facts", "collect", "man",
        ] {
            assert!(script.contains(sub), "{shell}: no `{sub}`");
        }
        // An option of a subcommand is completed too.
        assert!(script.contains("allow-unevaluated"), "{shell}");
    }
}

#[test]
fn man_prints_a_roff_page_per_command() {
    let page = stdout_of(&["man"], "80");
    // clap_mangen defines the apostrophe string (.ie/.el) before the title.
    let title = page
        .lines()
        .find(|l| !l.starts_with(".ie") && !l.starts_with(".el"));
    assert!(title.unwrap().starts_with(".TH upgate 1 "), "{page}");
    assert!(page.contains("upgate\\-scan(1)"), "{page}");
    assert!(page.contains("Exit status"), "{page}");
    let scan = stdout_of(&["man", "scan"], "80");
    assert!(scan.contains(".TH upgate-scan 1 "), "{scan}");
    assert!(scan.contains("\\-\\-phase"), "{scan}");
    let fleet = stdout_of(&["man", "fleet"], "80");
    assert!(fleet.contains(".TH upgate-fleet 1 "), "{fleet}");
    assert!(fleet.contains("\\-\\-jobs"), "{fleet}");
    for shell in ["bash", "zsh", "fish"] {
        let script = stdout_of(&["completions", shell], "80");
        assert!(script.contains("fleet"), "{shell}: no fleet");
    }
    let out = upgate().args(["man", "nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8(out.stderr)
            .unwrap()
            .contains("use one of scan, fleet, rules")
    );
}

#[test]
fn help_fits_80_columns_and_states_the_default_target_and_exit_statuses() {
    for args in [
        &["--help"][..],
        &["scan", "--help"],
        &["collect", "--help"],
        &["fleet", "--help"],
    ] {
        let help = stdout_of(args, "80");
        for line in help.lines() {
            assert!(line.chars().count() <= 80, "{args:?}: {line:?}");
        }
        if args[0] == "fleet" {
            for needle in ["Exit status of fleet", "  1  ", "  2  ", "FLEET001"] {
                assert!(help.contains(needle), "{args:?}: no {needle:?}");
            }
        } else if args[0] != "collect" {
            for needle in [
                "scan reads this machine's",
                "%SystemDrive%",
                "Exit status",
                "  2  ",
            ] {
                assert!(help.contains(needle), "{args:?}: no {needle:?}");
            }
        }
    }
    // Wider terminals get longer lines: the width is the terminal's, not fixed.
    let wide = stdout_of(&["scan", "--help"], "200");
    assert!(wide.lines().any(|l| l.chars().count() > 80));
}

#[test]
fn every_argument_and_subcommand_has_help() {
    use clap::CommandFactory;
    fn check(cmd: &clap::Command, path: &str) {
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            assert!(arg.get_help().is_some(), "{path} {}: no help", arg.get_id());
        }
        for sub in cmd.get_subcommands() {
            assert!(
                sub.get_about().is_some(),
                "{path} {}: no about",
                sub.get_name()
            );
            check(sub, &format!("{path} {}", sub.get_name()));
        }
    }
    let mut cmd = upgate::cli::Cli::command();
    cmd.build();
    check(&cmd, "upgate");
}

#[test]
fn output_writes_the_main_format_to_a_file_without_colour() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("scan.txt");
    let run = common::run(
        upgate()
            .arg("scan")
            .arg(fixture("pm-post-reverted-to-online"))
            .args(["--phase", "post", "--now", NOW, "--color", "always", "-o"])
            .arg(&file),
    );
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.is_empty(), "{}", run.stdout);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(
        text.contains("\nPM004  ") && text.contains("\n  FAIL "),
        "{text}"
    );
    assert!(!text.contains('\u{1b}'), "no colour in a file");
    // --output-format is --format (Ruff's spelling); --output FILE, the long form.
    let json = out.path().join("scan.json");
    let run = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &[
            "--output-format",
            "json",
            "--output",
            json.to_str().unwrap(),
        ],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(v["schema_version"], 1);
    // -o - is standard output.
    let dash = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--format", "json", "-o", "-"],
    );
    assert_eq!(dash.json()["schema_version"], 1);
}

#[test]
fn output_under_the_scanned_root_is_refused_naming_the_path() {
    let dir = common::copy_fixture("pm-offline-ready");
    let inside = dir.path().join("root").join("out.txt");
    let run = scan(dir.path(), "pre", &["-o", inside.to_str().unwrap()]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(
        run.stderr
            .contains("refusing to write a report under the scanned root")
            && run.stderr.contains("out.txt")
            && run.stderr.contains("--output"),
        "{}",
        run.stderr
    );
    assert!(!inside.exists());
}

#[test]
fn a_report_to_dash_goes_to_standard_output() {
    let out = tempfile::tempdir().unwrap();
    let text = out.path().join("scan.txt");
    let run = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--report", "json=-", "-o", text.to_str().unwrap()],
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert_eq!(run.json()["schema_version"], 1);
    assert!(std::fs::read_to_string(&text).unwrap().contains("READY"));
    assert!(!std::path::Path::new("-").exists(), "no file named -");
}

#[test]
fn two_outputs_to_standard_output_are_refused() {
    let out = tempfile::tempdir().unwrap();
    let file = out.path().join("r.json");
    let file = file.to_str().unwrap();
    for args in [
        &["--report", "json=-"][..],
        &["--report", "json=-", "--report", "sarif=-", "-o", file],
        &["-o", "-", "--report", "sarif=-"],
    ] {
        let run = scan(&fixture("pm-offline-ready"), "pre", args);
        assert_eq!(run.code, 2, "{args:?}: {}", run.stderr);
        assert!(run.stdout.is_empty(), "{args:?}: {}", run.stdout);
        assert!(
            run.stderr.contains("two outputs name standard output"),
            "{args:?}: {}",
            run.stderr
        );
    }
}

#[test]
fn two_outputs_to_one_file_are_refused_before_scanning() {
    let out = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        common::run(
            upgate()
                .current_dir(out.path())
                .arg("scan")
                .arg(fixture("pm-offline-ready"))
                .args(["--phase", "pre", "--now", NOW])
                .args(args),
        )
    };
    let both = run(&["--report", "json=r.json", "--report", "sarif=r.json"]);
    assert_eq!(both.code, 2, "{}", both.stderr);
    assert!(
        both.stderr
            .contains("--report json=r.json and --report sarif=r.json name one file"),
        "{}",
        both.stderr
    );
    let main = run(&["-o", "r.json", "--report", "json=./r.json"]);
    assert_eq!(main.code, 2, "{}", main.stderr);
    assert!(
        main.stderr
            .contains("--output r.json and --report json=./r.json name one file")
            && main.stderr.contains("r.json"),
        "{}",
        main.stderr
    );
    assert!(main.stdout.is_empty());
    assert!(
        !out.path().join("r.json").exists(),
        "refused before writing"
    );
}

#[test]
fn version_names_the_build_every_pack_and_the_catalog() {
    let long = stdout_of(&["--version"], "80");
    let sub = stdout_of(&["version"], "80");
    assert_eq!(long, sub, "--version and `version` say the same");
    assert!(
        long.starts_with(&format!("upgate {}\n", env!("CARGO_PKG_VERSION"))),
        "{long}"
    );
    for needle in [
        "commit:",
        "build date:",
        "rules/secret-server.toml",
        "rules/privilege-manager.toml",
        "rules/password-secure.toml",
        "release catalog: Netwrix Password Secure",
    ] {
        assert!(long.contains(needle), "no {needle:?}:\n{long}");
    }
    let short = stdout_of(&["-V"], "80");
    assert_eq!(short.trim().lines().count(), 1, "{short}");
    let json: serde_json::Value =
        serde_json::from_str(&stdout_of(&["version", "--format", "json"], "80")).unwrap();
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert!(json["commit"].is_string() && json["build_date"].is_string());
    let files: Vec<&str> = json["rule_packs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["file"].as_str().unwrap())
        .collect();
    let builtin: Vec<String> = upgate::rules::builtin_sources()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(files, builtin);
    let pm = &json["rule_packs"][1];
    assert_eq!(pm["product"], "pm");
    assert_eq!(pm["rules"], builtin_ids(|id| id.starts_with("PM")).len());
    let catalog = &json["release_catalog"];
    assert_eq!(catalog["product"], "nps");
    assert!(catalog["releases"].as_u64().unwrap() > 0);
    assert!(catalog["newest_version"].is_string());
}

#[test]
fn completions_answers_to_trivy_and_ruff_spellings() {
    let ours = stdout_of(&["completions", "bash"], "80");
    assert_eq!(stdout_of(&["completion", "bash"], "80"), ours);
    assert_eq!(
        stdout_of(&["generate-shell-completion", "bash"], "80"),
        ours
    );
}

#[test]
fn colour_follows_force_color_clicolor_and_term() {
    let esc = |envs: &[(&str, &str)], args: &[&str]| {
        let mut cmd = upgate();
        cmd.args(["scan"])
            .arg(fixture("pm-post-reverted-to-online"))
            .args(["--phase", "post", "--now", NOW])
            .args(args);
        for (k, v) in envs {
            cmd.env(k, v);
        }
        cmd.output().unwrap().stdout.contains(&0x1b)
    };
    assert!(esc(&[("FORCE_COLOR", "1")], &[]), "forced on a pipe");
    assert!(esc(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(!esc(&[("FORCE_COLOR", "0")], &[]));
    assert!(
        !esc(&[("FORCE_COLOR", "1"), ("NO_COLOR", "1")], &[]),
        "NO_COLOR wins"
    );
    assert!(!esc(&[("FORCE_COLOR", "1")], &["--color", "never"]));
    assert!(!esc(&[("CLICOLOR", "0")], &[]));
    assert!(!esc(&[("TERM", "dumb")], &[]));
    assert!(
        esc(&[("TERM", "dumb"), ("FORCE_COLOR", "1")], &[]),
        "forcing beats TERM=dumb"
    );
}

#[test]
fn ignore_drops_rules_after_select() {
    assert_eq!(
        selected_ignoring(
            "pm-offline-ready",
            &["PM"],
            &["PM00", "pm-solution-centre-offline-source"]
        ),
        builtin_ids(|id| id.starts_with("PM") && !id.starts_with("PM00"))
    );
    // Without --select: every rule but the ignored.
    let all_but = selected_ignoring("pm-offline-ready", &[], &["PM004,PM005", "SS"]);
    assert!(
        !all_but
            .iter()
            .any(|id| id == "PM004" || id == "PM005" || id.starts_with("SS"))
    );
    assert!(all_but.iter().any(|id| id == "PM001"), "{all_but:?}");
    // An ignored rule no longer fails the gate.
    let defective = fixture("pm-defective-packages");
    let failing: Vec<String> = scan(&defective, "pre", &["--format", "json"])
        .statuses()
        .into_iter()
        .filter(|(_, s)| matches!(s.as_str(), "fail" | "not_evaluated" | "error"))
        .map(|(id, _)| id)
        .collect();
    let ignore = failing.join(",");
    let run = scan(&defective, "pre", &["--ignore", &ignore]);
    assert_eq!(run.code, 0, "{}", run.stdout);
}

/// The rule ids a JSON scan with `select` and `ignore` reports, once each.
fn selected_ignoring(fixture_name: &str, select: &[&str], ignore: &[&str]) -> Vec<String> {
    let mut args = vec!["--format", "json"];
    for s in select {
        args.extend(["--select", s]);
    }
    for s in ignore {
        args.extend(["--ignore", s]);
    }
    let run = scan(&fixture(fixture_name), "pre", &args);
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    let mut ids: Vec<String> = run.statuses().into_iter().map(|(id, _)| id).collect();
    ids.dedup();
    ids
}

#[test]
fn ignore_refuses_typos_and_leaving_no_rule() {
    let typo = scan(&fixture("pm-offline-ready"), "pre", &["--ignore", "PM0004"]);
    assert_eq!(typo.code, 2);
    assert!(
        typo.stderr.contains("--ignore `PM0004` matches no rule")
            && typo.stderr.contains("did you mean `PM004`?"),
        "{}",
        typo.stderr
    );
    let none = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--select", "PM004", "--ignore", "PM"],
    );
    assert_eq!(none.code, 2);
    assert!(
        none.stderr.contains("--select/--ignore leave no rule"),
        "{}",
        none.stderr
    );
}

#[test]
fn the_old_severity_flag_is_refused_with_a_hint() {
    for args in [
        &["--severity", "HIGH"][..],
        &["--severity", "PM004=warning"],
    ] {
        let run = scan(&fixture("pm-offline-ready"), "pre", args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stdout.is_empty());
        assert!(
            run.stderr
                .contains("upgate's --severity does not filter as Trivy's does")
                && run.stderr.contains("--set-severity ID=LEVEL")
                && run.stderr.contains("--fail-on LEVEL")
                && run.stderr.contains("--select/--ignore"),
            "{}",
            run.stderr
        );
    }
}

/// Trivy's and Ruff's exit-status switches are answered, not silently taken.
#[test]
fn exit_code_and_exit_zero_are_answered_with_fail_on() {
    for args in [&["--exit-code", "0"][..], &["--exit-zero"]] {
        let run = scan(&fixture("pm-defective-packages"), "pre", args);
        assert_eq!(run.code, 2, "{args:?}");
        assert!(run.stderr.contains("--fail-on LEVEL"), "{}", run.stderr);
    }
}

/// A Ruff or Trivy user's first guesses work.
#[test]
fn ruff_and_trivy_spellings_work() {
    let json = scan(&fixture("pm-offline-ready"), "pre", &["-f", "json"]);
    assert_eq!(json.json()["schema_version"], 1);
    let json = scan(
        &fixture("pm-offline-ready"),
        "pre",
        &["--output-format", "json"],
    );
    assert_eq!(json.json()["schema_version"], 1);
    let concise = scan(&fixture("pm-defective-packages"), "pre", &["-f", "concise"]);
    assert!(
        concise.stdout.contains(": PM005 [error] "),
        "{}",
        concise.stdout
    );
}

#[test]
fn a_waiver_of_an_ignored_rule_is_set_aside() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("waivers.toml");
    std::fs::write(
        &file,
        "[[waiver]]\nrule = \"PM004\"\nreason = \"accepted in CHG-1234\"\nowner = \"infra-team\"\nexpires = 2026-12-31\n",
    )
    .unwrap();
    let run = scan(
        &fixture("pm-post-reverted-to-online"),
        "post",
        &[
            "--format",
            "json",
            "--ignore",
            "PM004",
            "--waivers",
            file.to_str().unwrap(),
        ],
    );
    assert!(matches!(run.code, 0 | 1), "{}", run.stderr);
    assert!(run.results_of("PM004").is_empty());
    assert_eq!(run.json()["waivers"], serde_json::json!([]));
}
