//! Every non-Apache real-world snapshot (`tests/data/real-world/snapshots/<name>/`, copied
//! from `../shared/real-world/snapshots/` with its `SOURCE.txt`: files written by others,
//! placed in a server tree) scanned as its SOURCE.txt says, with the verdict the real
//! product gives for each rule it is about and why. A snapshot that panics, exits 2 or
//! changes verdict fails. (The `apache-*` snapshots beside them have their own module.)

use std::path::PathBuf;

use crate::common::{checked, scan};

/// One snapshot: how to scan it and, per rule, the distinct statuses of its results
/// (sorted, comma-separated) with the reason the product behaves so.
struct Case {
    name: &'static str,
    phase: &'static str,
    /// `--drive` mappings relative to the snapshot, as SOURCE.txt gives them.
    drives: &'static [(&'static str, &'static str)],
    verdicts: &'static [(&'static str, &'static str, &'static str)],
}

const fn case(
    name: &'static str,
    phase: &'static str,
    verdicts: &'static [(&'static str, &'static str, &'static str)],
) -> Case {
    Case {
        name,
        phase,
        drives: &[],
        verdicts,
    }
}

/// PM005 on packages that are real but ship no `.nupkg.hash.json`: each reads and is
/// named as its .nuspec says (pass), and the note-level "integrity not validated" result
/// fails, as TMS installs them unchecked.
const UNCHECKED: &str = "real packages without sidecars: each is intact (pass), and TMS would install them unverified (note-level fail)";

const CASES: &[Case] = &[
    // PM007: icacls /T captures of the NugetCache.
    case(
        "icacls-1",
        "post",
        &[(
            "PM007",
            "error",
            "icacls printed \"Access is denied.\" for one package: its ACL is unknown, so the capture must be taken again as Administrator",
        )],
    ),
    case(
        "icacls-2",
        "post",
        &[(
            "PM007",
            "not_evaluated",
            "the capture predates the upgrade's packages on disk, so it says nothing about their permissions",
        )],
    ),
    case(
        "icacls-3",
        "post",
        &[(
            "PM007",
            "fail",
            "a package carries explicit ACEs (no (I)): Windows does not reset them when the folder's permissions change",
        )],
    ),
    case(
        "icacls-4",
        "post",
        &[(
            "PM007",
            "pass",
            "German principals in code page 850 (NT-AUTORITÄT): every child entry is (I), and the capture lists the one file on disk",
        )],
    ),
    case(
        "icacls-5",
        "post",
        &[(
            "PM007",
            "pass",
            "every child entry inherits, and the capture lists everything on disk",
        )],
    ),
    case(
        "icacls-6",
        "post",
        &[(
            "PM007",
            "pass",
            "PowerShell's UTF-16 capture of a hierarchical cache: every entry below the folder inherits",
        )],
    ),
    case(
        "icacls-7",
        "post",
        &[(
            "PM007",
            "pass",
            "the NugetCache folder's own ACEs are explicit (they are what its children inherit); every entry below it is (I)",
        )],
    ),
    // NPS008: real applicationHost.config files.
    case(
        "iis10-1",
        "post",
        &[(
            "NPS008",
            "pass",
            "Windows container IIS: WebSocketModule is in globalModules and nothing switches webSocket off for the site",
        )],
    ),
    case(
        "iis10-2",
        "post",
        &[(
            "NPS008",
            "fail",
            "a <location> for Default Web Site/Web Application sets <webSocket enabled=\"false\">",
        )],
    ),
    case(
        "iis10-3",
        "post",
        &[(
            "NPS008",
            "fail",
            "the site's web.config sets webSocket while applicationHost.config locks the section: IIS answers 500.19",
        )],
    ),
    case(
        "iis10-4",
        "post",
        &[(
            "NPS008",
            "pass",
            "hosting-panel config with per-site <location> blocks: the module is installed and the site keeps WebSocket on",
        )],
    ),
    case(
        "iis10-5",
        "post",
        &[(
            "NPS008",
            "fail",
            "no WebSocketModule in globalModules: the role service is not installed (the section declaration proves nothing)",
        )],
    ),
    case(
        "iis10-6",
        "post",
        &[(
            "NPS008",
            "fail",
            "the parent folder's web.config sets the locked webSocket section, which the application inherits: 500.19",
        )],
    ),
    case(
        "iis10-7",
        "post",
        &[(
            "NPS008",
            "fail",
            "the application's web.config sets the locked webSocket section: 500.19",
        )],
    ),
    case(
        "iis10-8",
        "post",
        &[(
            "NPS008",
            "fail",
            "iisnode's websocket sample web.config sets the locked webSocket section: 500.19",
        )],
    ),
    Case {
        name: "iisexpress-1",
        phase: "post",
        drives: &[("E:", "drive_e")],
        verdicts: &[(
            "NPS008",
            "pass",
            "IIS Express with the site on drive E: (mapped): the module is registered and the site's web.config leaves WebSocket on",
        )],
    },
    case(
        "iisexpress-2",
        "post",
        &[(
            "NPS008",
            "pass",
            "IIS Express with the site under a user's Desktop: the module is registered and nothing switches it off",
        )],
    ),
    // PM003/PM005: committed .nupkg sets as local folder feeds.
    case(
        "nuget-1",
        "pre",
        &[
            (
                "PM003",
                "pass",
                "flat <id>.<version>.nupkg files: NuGet's local feed reads them",
            ),
            ("PM005", "fail,pass", UNCHECKED),
        ],
    ),
    case(
        "nuget-2",
        "pre",
        &[
            (
                "PM003",
                "pass",
                "flat <Id>.<Version>.nupkg files in their original case",
            ),
            ("PM005", "fail,pass", UNCHECKED),
        ],
    ),
    case(
        "nuget-3",
        "pre",
        &[
            (
                "PM003",
                "pass",
                "three package files are there (PM005 judges their content)",
            ),
            (
                "PM005",
                "fail,pass",
                "MongoDB.Bson is a Git LFS pointer, not a zip: NuGet cannot open it; the other two are intact",
            ),
        ],
    ),
    case(
        "nuget-4",
        "pre",
        &[
            (
                "PM003",
                "pass",
                "a global-packages folder: hierarchical <id>\\<version>\\<id>.<version>.nupkg",
            ),
            ("PM005", "fail,pass", UNCHECKED),
        ],
    ),
    case(
        "nuget-5",
        "pre",
        &[
            (
                "PM003",
                "pass",
                "packages.config's <Id>.<Version>\\<Id>.<Version>.nupkg: LocalFolderUtility reads a folder and one level deep",
            ),
            ("PM005", "fail,pass", UNCHECKED),
        ],
    ),
    // PM004: real web.config files, edited to carry the key.
    case(
        "pm004-1",
        "pre",
        &[(
            "PM004",
            "pass",
            "configSource replaces the section with Config\\AppSettings.config, which names the NugetCache",
        )],
    ),
    case(
        "pm004-2",
        "pre",
        &[(
            "PM004",
            "pass",
            "file=PrivateSettings.config is merged over the inline online value and names the NugetCache",
        )],
    ),
    case(
        "pm004-3",
        "pre",
        &[(
            "PM004",
            "fail",
            "the inline value is local, but file=PrivateSettings.config overrides it with the online feed",
        )],
    ),
    case(
        "pm004-4",
        "pre",
        &[(
            "PM004",
            "pass",
            "file=..\\..\\Secrets.config does not exist, which .NET ignores; the inline value names the NugetCache",
        )],
    ),
    case(
        "pm004-5",
        "pre",
        &[(
            "PM004",
            "fail",
            "the local value is commented out; the live <add> names tmsnuget.thycotic.com",
        )],
    ),
    case(
        "pm004-6",
        "pre",
        &[(
            "PM004",
            "pass",
            "<location path=\".\"> is the application's own level; its <appSettings> names the NugetCache",
        )],
    ),
    case(
        "pm004-7",
        "pre",
        &[(
            "PM004",
            "pass",
            "a real IIS web.config (with the .NET 2.0 configuration namespace) naming the NugetCache",
        )],
    ),
    case(
        "pm004-8",
        "post",
        &[(
            "PM004",
            "pass",
            "TMS under SecretServer\\TMS, the vendor's second default location, names the NugetCache",
        )],
    ),
    case(
        "pm004-9",
        "pre",
        &[(
            "PM004",
            "error",
            "declares encoding=\"utf-16\" but is UTF-8 without a BOM: .NET throws \"There is no Unicode byte order mark\", TMS cannot read it",
        )],
    ),
];

fn snapshots() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/real-world/snapshots")
}

/// The distinct statuses of each rule's results, as `CASES` writes them.
fn verdicts(run: &crate::common::Run, rule: &str) -> String {
    let mut statuses: Vec<String> = run
        .results_of(rule)
        .iter()
        .map(|r| r["status"].as_str().unwrap().to_string())
        .collect();
    statuses.sort();
    statuses.dedup();
    statuses.join(",")
}

#[test]
fn every_snapshot_has_the_products_verdict() {
    let mut wrong = Vec::new();
    for case in CASES {
        let dir = snapshots().join(case.name);
        assert!(
            dir.join("SOURCE.txt").is_file(),
            "{}: no SOURCE.txt",
            case.name
        );
        let select: Vec<&str> = case.verdicts.iter().map(|(rule, _, _)| *rule).collect();
        let select = select.join(",");
        let mut args = vec![
            "--format".to_string(),
            "json".into(),
            "--select".into(),
            select,
        ];
        for (drive, folder) in case.drives {
            args.push("--drive".into());
            args.push(format!("{drive}={}", dir.join(folder).display()));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let run = checked(scan(&dir, case.phase, &args));
        assert_ne!(run.code, 2, "{}: exit 2\n{}", case.name, run.stderr);
        for (rule, want, reason) in case.verdicts {
            let got = verdicts(&run, rule);
            if got != *want {
                wrong.push(format!(
                    "{} {rule}: {got}, expected {want} ({reason})",
                    case.name
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "verdicts changed:\n{}", wrong.join("\n"));
}

#[test]
fn every_copied_snapshot_is_in_the_table() {
    let mut names: Vec<String> = std::fs::read_dir(snapshots())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with("apache-"))
        .collect();
    names.sort();
    let mut listed: Vec<String> = CASES.iter().map(|c| c.name.to_string()).collect();
    listed.sort();
    assert_eq!(names, listed);
}

#[test]
fn the_git_lfs_pointer_in_nuget_3_is_named_as_such() {
    let dir = snapshots().join("nuget-3");
    let run = checked(scan(
        &dir,
        "pre",
        &["--format", "json", "--select", "PM005"],
    ));
    let pointer = run
        .results_of("PM005")
        .into_iter()
        .find(|r| {
            r["location"]["root_relative"] == "ProgramData/NugetCache/MongoDB.Bson.2.2.3.nupkg"
        })
        .expect("a PM005 result for the pointer");
    assert_eq!(pointer["status"], "fail", "{pointer:#}");
    crate::common::assert_message_has(&pointer, "a Git LFS pointer, not the package");
}

#[test]
fn nuget_5_says_which_layout_it_found() {
    let dir = snapshots().join("nuget-5");
    let run = checked(scan(
        &dir,
        "pre",
        &["--format", "json", "--select", "PM003"],
    ));
    crate::common::assert_message_has(
        &run.only("PM003"),
        r"4 one folder down as packages.config's <Id>.<Version>\<Id>.<Version>.nupkg",
    );
}
