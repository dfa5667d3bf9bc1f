//! examples/ansible/fleet.yml, run for real: `ansible-playbook -c local`
//! against five inventory hosts on this machine, each collecting one node of
//! fixtures/fleets/drifted (`upgate_root`), then `upgate fleet` on the
//! control node. The playbook must fail (the fleet's gate fails) and its
//! JSON report name the four drifted nodes. ansible-core comes from PyPI
//! (.ci/run installs it); in CI (`CI=true`) its absence is a failure,
//! elsewhere the test is skipped with the reason printed.

use std::process::Command;

use crate::common::repo;

fn ansible_playbook() -> Option<String> {
    let found = Command::new("ansible-playbook")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    found.then(|| "ansible-playbook".to_string())
}

#[test]
fn the_playbook_collects_every_node_and_the_fleet_gate_says_no() {
    let Some(playbook_bin) = ansible_playbook() else {
        let reason = "ansible-playbook is not installed (pip install ansible-core)";
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("the Ansible example cannot run in CI: {reason}");
        }
        eprintln!("skipping the Ansible example: {reason}");
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let fleet = repo().join("fixtures/fleets/drifted");
    let mut inventory = String::from("[upgate_nodes]\n");
    for n in 1..=5 {
        inventory.push_str(&format!(
            "pam-web-0{n} ansible_connection=local upgate_root={}\n",
            fleet.join(format!("pam-web-0{n}")).display()
        ));
    }
    inventory.push_str("\n[control]\nlocalhost ansible_connection=local\n");
    inventory
        .push_str("\n[all:vars]\nansible_python_interpreter=\"{{ ansible_playbook_python }}\"\n");
    std::fs::write(tmp.path().join("inventory.ini"), inventory).unwrap();
    let work = tmp.path().join("work");
    let upgate = env!("CARGO_BIN_EXE_upgate");
    let out = Command::new(playbook_bin)
        .current_dir(tmp.path())
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_LOCAL_TEMP", tmp.path().join("ansible-local"))
        .env("ANSIBLE_REMOTE_TEMP", tmp.path().join("ansible-remote"))
        .arg("-i")
        .arg(tmp.path().join("inventory.ini"))
        .arg(repo().join("examples/ansible/fleet.yml"))
        .args([
            "-e",
            "upgate_phase=post",
            "-e",
            "upgate_installation=pam-prod",
        ])
        .arg("-e")
        .arg(format!(
            "upgate_bin={upgate} upgate_controller_bin={upgate}"
        ))
        .arg("-e")
        .arg(format!("upgate_work={}", work.display()))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    // The run's output, for the closing note and for a red CI run.
    eprintln!("{stdout}");
    assert!(!out.status.success(), "the fleet's gate fails the play");
    assert!(
        stdout.contains("upgate: the fleet has problems (exit 1)"),
        "{stdout}"
    );
    for n in 1..=5 {
        assert!(
            work.join(format!("snapshots/pam-web-0{n}/manifest.tsv"))
                .is_file(),
            "pam-web-0{n} was collected and fetched"
        );
    }
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(work.join("fleet.json")).unwrap()).unwrap();
    let failing: Vec<(String, String)> = report["fleet"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] != "pass" && r["status"] != "not_applicable")
        .map(|r| {
            (
                r["rule_id"].as_str().unwrap().to_string(),
                r["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    // Collected moments ago: every node is within the window.
    let named = |rule: &str, node: &str| {
        failing
            .iter()
            .any(|(id, message)| id == rule && message.contains(node))
    };
    assert_eq!(failing.len(), 4, "{failing:#?}");
    assert!(named("FLEET002", "pam-web-02"), "{failing:#?}");
    assert!(named("FLEET004", "pam-web-03"), "{failing:#?}");
    assert!(named("FLEET004", "pam-web-04"), "{failing:#?}");
    assert!(named("FLEET005", "pam-web-05"), "{failing:#?}");
    assert!(work.join("fleet.xml").is_file() && work.join("fleet.md").is_file());
}
