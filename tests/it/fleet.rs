//! Fleets (issue 19) through the library: each node of a fixture fleet
//! (`fixtures/fleets/`) is scanned as `upgate scan` scans a snapshot, then the
//! fleet rules compare them; then `upgate fleet` (the binary) on the same fixtures.

use std::path::Path;

use upgate::fleet::{self, FleetReport, NodeScan, inventory};
use upgate::model::{Phase, Status};
use upgate::rules::RuleSet;

use crate::common::{NOW, checked, copy_fixture, run, upgate};

/// Scans every node of a fleet fixture (a dated copy) in `phase`, as of `common::NOW`.
fn fleet_of(name: &str, phase: Phase) -> FleetReport {
    let dir = copy_fixture(&format!("fleets/{name}"));
    run_in(dir.path(), phase, |_| {})
}

fn run_in(
    dir: &Path,
    phase: Phase,
    alter: impl FnOnce(&mut Vec<(String, fleet::NodeScanned)>),
) -> FleetReport {
    run_at(dir, phase, NOW.parse().unwrap(), alter)
}

/// Like [`fleet_of`] on an already staged folder, as of `now`; `alter` may drop nodes' scans.
fn run_at(
    dir: &Path,
    phase: Phase,
    now: jiff::Timestamp,
    alter: impl FnOnce(&mut Vec<(String, fleet::NodeScanned)>),
) -> FleetReport {
    let file = dir.join("fleet.toml");
    let inv = inventory::parse(&std::fs::read_to_string(&file).unwrap(), &file).unwrap();
    let rules = RuleSet::builtin().unwrap();
    let how = NodeScan {
        rules: &rules,
        phase,
        now,
        targets: Default::default(),
    };
    let mut nodes: Vec<(String, fleet::NodeScanned)> = inv
        .nodes
        .iter()
        .map(|n| (n.name.clone(), fleet::scan_node(dir, n, &how)))
        .collect();
    alter(&mut nodes);
    fleet::run(&inv, nodes, now, phase).unwrap()
}

/// (rule id, subject, status) of every fleet result.
fn statuses(report: &FleetReport) -> Vec<(String, String, Status)> {
    report
        .fleet
        .iter()
        .map(|f| (f.rule_id.clone(), f.subject.clone(), f.status))
        .collect()
}

#[test]
fn a_consistent_fleet_passes_every_fleet_rule() {
    let report = fleet_of("consistent", Phase::Post);
    let got = statuses(&report);
    assert_eq!(
        got.iter()
            .map(|(id, subject, _)| format!("{id} {subject}"))
            .collect::<Vec<_>>(),
        [
            "FLEET001 nodes of pam-prod",
            "FLEET002 Privilege Manager installed version",
            "FLEET002 Secret Server installed version",
            "FLEET003 Privilege Manager installed packages",
            "FLEET004 NugetCache packages",
            "FLEET004 nuget:source:SolutionCentre",
            "FLEET005 Secret Server encryption.config",
        ]
    );
    for f in &report.fleet {
        assert_eq!(
            f.status,
            Status::Pass,
            "{} {}: {}",
            f.rule_id,
            f.subject,
            f.message
        );
    }
    // Each node keeps its own results, as a scan of it gives them.
    let names: Vec<&str> = report.nodes.iter().map(|n| n.name.as_str()).collect();
    assert_eq!(names, ["pam-web-01", "pam-web-02", "pam-web-03"]);
    for node in &report.nodes {
        let r = node.report.as_ref().unwrap();
        assert_eq!(r.scan.host, node.name);
        assert!(
            r.results
                .iter()
                .any(|f| f.rule_id == "PM004" && f.status == Status::Pass)
        );
    }
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["nodes"].as_array().unwrap().len(), 3);
    assert_eq!(json["fleet"].as_array().unwrap().len(), 7);
    assert_eq!(json["installation"], "pam-prod");
}

#[test]
fn each_drifted_node_gives_one_fleet_failure_naming_it() {
    let report = fleet_of("drifted", Phase::Post);
    let failing: Vec<(&str, &str, &str)> = report
        .fleet
        .iter()
        .filter(|f| f.status != Status::Pass)
        .map(|f| (f.rule_id.as_str(), f.subject.as_str(), f.message.as_str()))
        .collect();
    let expected = [
        ("FLEET002", "Secret Server installed version", "pam-web-02"),
        ("FLEET004", "NugetCache packages", "pam-web-04"),
        ("FLEET004", "nuget:source:SolutionCentre", "pam-web-03"),
        ("FLEET005", "Secret Server encryption.config", "pam-web-05"),
    ];
    assert_eq!(
        failing
            .iter()
            .map(|(id, s, _)| (*id, *s))
            .collect::<Vec<_>>(),
        expected
            .iter()
            .map(|(id, s, _)| (*id, *s))
            .collect::<Vec<_>>(),
        "{failing:#?}"
    );
    for ((_, _, message), (id, _, node)) in failing.iter().zip(expected) {
        assert!(message.contains(node), "{id}: {node} not in {message:?}");
        // The node that drifted is the one named as differing: the others are its majority.
        let others: Vec<String> = (1..=5)
            .map(|i| format!("pam-web-0{i}"))
            .filter(|n| n != node)
            .collect();
        let named_first = others
            .iter()
            .all(|o| message.find(node) < message.find(o.as_str()));
        assert!(
            named_first,
            "{id}: {node} is not the node named in {message:?}"
        );
    }
    let find = |id: &str, subject: &str| {
        report
            .fleet
            .iter()
            .find(|f| f.rule_id == id && f.subject == subject)
            .unwrap()
    };
    let ss = find("FLEET002", "Secret Server installed version");
    assert!(
        ss.message.contains("pam-web-02 has 11.0.000012 where the other node(s) (pam-web-01, pam-web-03, pam-web-04, pam-web-05) have 11.1.000006"),
        "{}",
        ss.message
    );
    let source = find("FLEET004", "nuget:source:SolutionCentre");
    assert!(
        source
            .message
            .contains("pam-web-03's is http://tmsnuget.thycotic.com/nuget/"),
        "{}",
        source.message
    );
    let cache = find("FLEET004", "NugetCache packages");
    assert_eq!(
        cache.message,
        "the TMS nodes' NugetCaches differ: pam-web-04 has no ThycoticTms 11.0.1040 (pam-web-01, pam-web-02, pam-web-03, pam-web-05 hold it)"
    );
    // encryption.config: short hash prefixes only, never the file or its full hash.
    let enc = find("FLEET005", "Secret Server encryption.config");
    let full = |node: &str| {
        use sha2::Digest as _;
        let bytes = std::fs::read(crate::common::fixture(&format!(
            "fleets/drifted/{node}/root/inetpub/wwwroot/SecretServer/encryption.config"
        )))
        .unwrap();
        sha2::Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    // The whole report: the fleet's results and every node's state.
    let json = serde_json::to_string(&report).unwrap();
    for node in ["pam-web-01", "pam-web-05"] {
        let hex = full(node);
        assert!(enc.message.contains(&hex[..12]), "{}", enc.message);
        assert!(
            !json.contains(&hex),
            "the full hash of {node}'s encryption.config is shown"
        );
    }
    assert!(
        !json.contains("fixture: stands for"),
        "encryption.config's content is shown"
    );
}

#[test]
fn a_node_missing_from_the_fleet_is_a_failure_not_silence() {
    let dir = copy_fixture("fleets/consistent");
    // Its scan is left out, and another node's snapshot cannot be read.
    std::fs::remove_dir_all(dir.path().join("pam-web-02/root")).unwrap();
    let report = run_in(dir.path(), Phase::Post, |nodes| {
        nodes.retain(|(n, _)| n != "pam-web-03");
    });
    let f001 = report
        .fleet
        .iter()
        .find(|f| f.rule_id == "FLEET001")
        .unwrap();
    assert_eq!(f001.status, Status::Fail);
    assert!(
        f001.message.contains("pam-web-03 was not scanned"),
        "{}",
        f001.message
    );
    assert!(
        f001.message.contains("pam-web-02 has no readable snapshot"),
        "{}",
        f001.message
    );
    let node = |name: &str| report.nodes.iter().find(|n| n.name == name).unwrap();
    assert_eq!(node("pam-web-03").error.as_deref(), Some("not scanned"));
    assert!(
        node("pam-web-02")
            .error
            .as_deref()
            .unwrap()
            .contains("root/")
    );
    // The comparisons see only the nodes scanned: one TMS node is nothing to compare.
    let f005 = report
        .fleet
        .iter()
        .find(|f| f.rule_id == "FLEET005")
        .unwrap();
    assert_eq!(f005.status, Status::NotApplicable, "{}", f005.message);
}

#[test]
fn a_snapshot_collected_without_a_time_is_not_checked() {
    let dir = copy_fixture("fleets/consistent");
    let facts = dir.path().join("pam-web-01/facts.json");
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&facts).unwrap()).unwrap();
    json.as_object_mut().unwrap().remove("collected_at");
    std::fs::write(&facts, json.to_string()).unwrap();
    let report = run_in(dir.path(), Phase::Post, |_| {});
    let f001 = report
        .fleet
        .iter()
        .find(|f| f.rule_id == "FLEET001")
        .unwrap();
    assert_eq!(f001.status, Status::NotEvaluated, "{}", f001.message);
    assert!(f001.message.contains("pam-web-01 has no collected_at"));
}

/// `upgate collect` dates each snapshot, and what a fleet compares is in it: with
/// `--hash` every comparison is made; without, what the scans did not read whole
/// is "not checked", never equal.
#[test]
fn collected_snapshots_are_compared_or_say_why_not() {
    let staged = copy_fixture("fleets/consistent");
    for (folder, hash) in [("hashed", true), ("plain", false)] {
        let out = staged.path().join(folder);
        std::fs::create_dir(&out).unwrap();
        std::fs::copy(staged.path().join("fleet.toml"), out.join("fleet.toml")).unwrap();
        for node in ["pam-web-01", "pam-web-02", "pam-web-03"] {
            let r = crate::common::checked(crate::common::run(
                crate::common::upgate()
                    .arg("collect")
                    .arg(staged.path().join(node))
                    .arg("--out")
                    .arg(out.join(node))
                    .args(if hash { &["--hash"][..] } else { &[][..] }),
            ));
            assert_eq!(r.code, 0, "{}", r.stderr);
        }
        let report = run_at(&out, Phase::Post, jiff::Timestamp::now(), |_| {});
        for f in &report.fleet {
            eprintln!(
                "{folder}: {} {} {}: {}",
                f.rule_id, f.subject, f.status, f.message
            );
        }
        let f001 = report
            .fleet
            .iter()
            .find(|f| f.rule_id == "FLEET001")
            .unwrap();
        assert_eq!(f001.status, Status::Pass, "{folder}: {}", f001.message);
        for f in &report.fleet {
            if hash {
                assert_eq!(
                    f.status,
                    Status::Pass,
                    "{folder}: {} {}",
                    f.rule_id,
                    f.message
                );
            } else if f.rule_id == "FLEET005" {
                // Only the hash of a file the scans read whole is in a plain snapshot.
                assert_eq!(f.status, Status::NotEvaluated, "{}", f.message);
                assert!(
                    f.message.starts_with("encryption.config's SHA-256 is not known on pam-web-01, pam-web-02, pam-web-03 (cannot read"),
                    "{}",
                    f.message
                );
                assert!(
                    f.message.contains("holds only this file's size and time"),
                    "{}",
                    f.message
                );
            } else {
                // The packages PM005 reads whole are compared by hash.
                assert_eq!(
                    f.status,
                    Status::Pass,
                    "{folder}: {} {}",
                    f.rule_id,
                    f.message
                );
            }
        }
    }
}

/// `upgate fleet` on a staged fleet.toml in `phase`, as of `common::NOW`.
fn fleet_cmd(inventory: &Path, phase: &str, extra: &[&str]) -> crate::common::Run {
    checked(run(upgate()
        .arg("fleet")
        .arg(inventory)
        .args(["--phase", phase, "--now", NOW, "--color", "never"])
        .args(extra)))
}

/// The fleet results that are not passes: (rule id, subject, message).
fn failing_of(json: &serde_json::Value) -> Vec<(String, String, String)> {
    json["fleet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["status"] != "pass")
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["subject"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const DRIFTED: [(&str, &str, &str); 4] = [
    ("FLEET002", "Secret Server installed version", "pam-web-02"),
    ("FLEET004", "NugetCache packages", "pam-web-04"),
    ("FLEET004", "nuget:source:SolutionCentre", "pam-web-03"),
    ("FLEET005", "Secret Server encryption.config", "pam-web-05"),
];

#[test]
fn the_command_fails_a_drifted_fleet_with_its_four_fleet_failures() {
    let dir = copy_fixture("fleets/drifted");
    let inventory = dir.path().join("fleet.toml");
    let r = fleet_cmd(&inventory, "post", &["--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = r.json();
    let failing = failing_of(&json);
    assert_eq!(failing.len(), 4, "{failing:#?}");
    for ((id, subject, message), (want_id, want_subject, node)) in failing.iter().zip(DRIFTED) {
        assert_eq!((id.as_str(), subject.as_str()), (want_id, want_subject));
        assert!(message.contains(node), "{id}: {node} not in {message}");
    }
    assert_eq!(json["gate"]["failed"], true);
    assert_eq!(json["gate"]["verdict"], "PROBLEMS FOUND");
    assert_eq!(json["gate"]["fail_on"], "error");
    assert_eq!(json["nodes"].as_array().unwrap().len(), 5);
    assert_eq!(json["gate"]["nodes"].as_array().unwrap().len(), 5);
    assert_eq!(json["installation"], "pam-prod");
    assert_eq!(json["tool"]["name"], "upgate");
    // The text view names the same four, each with its node.
    let text = fleet_cmd(&inventory, "post", &[]);
    assert_eq!(text.code, 1, "{}", text.stderr);
    for (id, subject, node) in DRIFTED {
        assert!(text.stdout.contains(id), "{id} not in\n{}", text.stdout);
        assert!(
            text.stdout.contains(subject),
            "{subject} not in\n{}",
            text.stdout
        );
        assert!(text.stdout.contains(node), "{node} not in\n{}", text.stdout);
    }
    assert!(text.stdout.contains("PROBLEMS FOUND"), "{}", text.stdout);
    assert!(!text.stdout.contains("FLEET001"), "{}", text.stdout);
}

#[test]
fn the_command_passes_a_consistent_fleet() {
    let dir = copy_fixture("fleets/consistent");
    let r = fleet_cmd(
        &dir.path().join("fleet.toml"),
        "post",
        &["--format", "json"],
    );
    assert_eq!(r.code, 0, "{}\n{}", r.stderr, r.stdout);
    let json = r.json();
    assert!(failing_of(&json).is_empty(), "{:#?}", failing_of(&json));
    assert_eq!(json["gate"]["failed"], false);
    assert_eq!(json["gate"]["verdict"], "COMPLIANT");
}

#[test]
fn an_unreadable_node_snapshot_is_fleet001s_failure_not_exit_2() {
    let dir = copy_fixture("fleets/consistent");
    std::fs::remove_dir_all(dir.path().join("pam-web-02")).unwrap();
    let r = fleet_cmd(
        &dir.path().join("fleet.toml"),
        "post",
        &["--format", "json"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let json = r.json();
    let f001 = &json["fleet"][0];
    assert_eq!(f001["rule_id"], "FLEET001");
    assert_eq!(f001["status"], "fail");
    assert!(
        f001["message"].as_str().unwrap().contains("pam-web-02"),
        "{f001}"
    );
    assert!(
        json["nodes"][1]["error"].is_string(),
        "{}",
        json["nodes"][1]
    );
    let text = fleet_cmd(&dir.path().join("fleet.toml"), "post", &[]);
    assert_eq!(text.code, 1);
    assert!(text.stdout.contains("NO REPORT"), "{}", text.stdout);
}

#[test]
fn a_bad_inventory_exits_2_naming_its_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("fleet.toml");
    std::fs::write(
        &file,
        "installation = \"pam-prod\"\n\n[[node]]\nname = \"a\"\nsnapshot = \"a\"\ncolour = \"red\"\n",
    )
    .unwrap();
    let r = fleet_cmd(&file, "pre", &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("{}:6", file.display())),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());
    let missing = fleet_cmd(&dir.path().join("nope.toml"), "pre", &[]);
    assert_eq!(missing.code, 2);
    assert!(missing.stderr.contains("nope.toml"), "{}", missing.stderr);
    let jobs = fleet_cmd(&file, "pre", &["--jobs", "0"]);
    assert_eq!(jobs.code, 2);
}

#[test]
fn the_number_of_jobs_does_not_change_the_report() {
    let dir = copy_fixture("fleets/drifted");
    let inventory = dir.path().join("fleet.toml");
    let one = fleet_cmd(&inventory, "post", &["--format", "json", "--jobs", "1"]);
    let four = fleet_cmd(&inventory, "post", &["--format", "json", "--jobs", "4"]);
    assert_eq!(one.code, 1);
    assert_eq!(four.code, 1);
    assert_eq!(one.stdout, four.stdout);
}

#[test]
fn junit_has_a_suite_per_node_and_the_fleet_and_fails_what_trips_the_gate() {
    let dir = copy_fixture("fleets/drifted");
    let inventory = dir.path().join("fleet.toml");
    let out = tempfile::tempdir().unwrap();
    let json_file = out.path().join("fleet.json");
    let r = fleet_cmd(
        &inventory,
        "post",
        &[
            "--format",
            "junit",
            "--report",
            &format!("json={}", json_file.display()),
        ],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let xml = &r.stdout;
    assert!(upgate::xml::parse_str(xml).is_ok(), "{xml}");
    let suites: Vec<&str> = xml
        .lines()
        .filter_map(|l| l.trim().strip_prefix("<testsuite name=\""))
        .map(|l| &l[..l.find('"').unwrap()])
        .collect();
    assert_eq!(
        suites,
        [
            "pam-web-01",
            "pam-web-02",
            "pam-web-03",
            "pam-web-04",
            "pam-web-05",
            "fleet"
        ]
    );
    // failures + errors = the results (in scope) that fail the gate (--fail-on error).
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json_file).unwrap()).unwrap();
    let trips = |r: &serde_json::Value| {
        r["status"] == "error"
            || (matches!(r["status"].as_str(), Some("fail" | "not_evaluated"))
                && r["severity"] == "error")
    };
    let mut want = json["fleet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| trips(r))
        .count();
    for node in json["nodes"].as_array().unwrap() {
        let report = &node["report"];
        let products = report["scan"]["products"].as_array().unwrap();
        want += report["results"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| products.contains(&r["product"]) && trips(r))
            .count();
    }
    let count = |attr: &str| -> usize {
        let head = xml.lines().nth(1).unwrap();
        let at = head.find(&format!(" {attr}=\"")).unwrap() + attr.len() + 3;
        head[at..at + head[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    assert_eq!(count("failures") + count("errors"), want, "{xml}");
    assert!(
        want >= 6,
        "the four fleet failures and two nodes' own: {want}"
    );
}

#[test]
fn sarif_has_a_run_per_node_and_one_for_the_fleet() {
    let dir = copy_fixture("fleets/drifted");
    let r = fleet_cmd(
        &dir.path().join("fleet.toml"),
        "post",
        &["--format", "sarif"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    let sarif = r.json();
    crate::sarif::Schema::load().check(&sarif).unwrap();
    let runs = sarif["runs"].as_array().unwrap();
    let ids: Vec<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "upgate/pam-prod/pam-web-01/post/",
            "upgate/pam-prod/pam-web-02/post/",
            "upgate/pam-prod/pam-web-03/post/",
            "upgate/pam-prod/pam-web-04/post/",
            "upgate/pam-prod/pam-web-05/post/",
            "upgate/pam-prod/fleet/post/",
        ]
    );
    for (i, run) in runs[..5].iter().enumerate() {
        for result in run["results"].as_array().unwrap() {
            assert_eq!(result["properties"]["node"], format!("pam-web-0{}", i + 1));
        }
    }
    let fleet: Vec<&str> = runs[5]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(fleet, ["FLEET002", "FLEET004", "FLEET004", "FLEET005"]);
    assert_eq!(runs[5]["properties"]["gateFailed"], true);
}

#[test]
fn rules_and_explain_include_the_fleet_rules() {
    let list = run(upgate().arg("rules"));
    assert_eq!(list.code, 0, "{}", list.stderr);
    for id in ["FLEET001", "FLEET002", "FLEET003", "FLEET004", "FLEET005"] {
        assert!(list.stdout.contains(id), "{id} not in `upgate rules`");
    }
    let json: serde_json::Value =
        serde_json::from_str(&run(upgate().args(["rules", "--format", "json"])).stdout).unwrap();
    let f005 = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "FLEET005")
        .unwrap();
    assert_eq!(f005["check"], "encryption_config_identical");
    assert_eq!(f005["product"], "ss");
    let markdown = run(upgate().args(["rules", "--format", "markdown"])).stdout;
    assert!(
        markdown.contains("| FLEET001 | fleet-every-node-scanned-together | pre, post (fleet) |")
    );
    for key in ["FLEET001", "fleet001", "fleet-every-node-scanned-together"] {
        let r = run(upgate().args(["explain", key]));
        assert_eq!(r.code, 0, "{key}: {}", r.stderr);
        assert!(
            r.stdout
                .starts_with("FLEET001 fleet-every-node-scanned-together — ")
        );
        assert!(
            r.stdout.contains("defined at: rules/fleet.toml:"),
            "{}",
            r.stdout
        );
        assert!(r.stdout.contains("How to fix"), "{}", r.stdout);
    }
}

#[test]
fn text_and_markdown_snapshots_of_the_drifted_fleet() {
    let _snapshots = crate::common::snapshots("fleet").bind_to_scope();
    let dir = copy_fixture("fleets/drifted");
    let inventory = dir.path().join("fleet.toml");
    // common::upgate sets COLUMNS=80.
    let text = fleet_cmd(&inventory, "post", &[]);
    assert_eq!(text.code, 1, "{}", text.stderr);
    for line in text.stdout.lines() {
        let longest = line
            .split(' ')
            .map(|w| w.chars().count())
            .max()
            .unwrap_or(0);
        assert!(
            line.chars().count() <= 80 || longest > 40,
            "over 80 columns: {line:?}"
        );
    }
    insta::assert_snapshot!("text-drifted", crate::common::redact(&text.stdout));
    // Wide enough, the nodes are a table.
    let wide = checked(run(upgate()
        .env("COLUMNS", "120")
        .arg("fleet")
        .arg(&inventory)
        .args(["--phase", "post", "--now", NOW, "--color", "never"])));
    assert!(
        wide.stdout
            .contains("  node        host        products  procedure  pass  fail"),
        "{}",
        wide.stdout
    );
    insta::assert_snapshot!("text-120-drifted", crate::common::redact(&wide.stdout));
    let markdown = fleet_cmd(&inventory, "post", &["--format", "markdown"]);
    assert_eq!(markdown.code, 1);
    insta::assert_snapshot!("markdown-drifted", crate::common::redact(&markdown.stdout));
}

#[test]
fn fleet_outputs_are_planned_as_scans_are() {
    let dir = copy_fixture("fleets/consistent");
    let inventory = dir.path().join("fleet.toml");
    let out = tempfile::tempdir().unwrap();
    let two = fleet_cmd(&inventory, "post", &["--report", "json=-"]);
    assert_eq!(two.code, 2);
    assert!(
        two.stderr.contains("two outputs name standard output"),
        "{}",
        two.stderr
    );
    let unknown = fleet_cmd(&inventory, "post", &["--report", "github=x"]);
    assert_eq!(unknown.code, 2);
    assert!(
        unknown
            .stderr
            .contains("use text, json, markdown, junit or sarif"),
        "{}",
        unknown.stderr
    );
    let file = out.path().join("fleet.md");
    let written = fleet_cmd(
        &inventory,
        "post",
        &["-f", "markdown", "-o", file.to_str().unwrap()],
    );
    assert_eq!(written.code, 0, "{}", written.stderr);
    assert!(written.stdout.is_empty());
    let md = std::fs::read_to_string(&file).unwrap();
    assert!(
        md.starts_with("## ✅ upgate fleet: COMPLIANT — pam-prod"),
        "{md}"
    );
    // Never under a node's root.
    let under = dir.path().join("pam-web-01/root/r.json");
    let refused = fleet_cmd(
        &inventory,
        "post",
        &["--report", &format!("json={}", under.display())],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(
        refused.stderr.contains("under the scanned root"),
        "{}",
        refused.stderr
    );
}
