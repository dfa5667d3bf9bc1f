//! `package_integrity`: every `.nupkg` in the NugetCache is a readable package
//! whose `.nuspec` agrees with its file name, and whose `.hash.json` sidecar
//! (where there is one) matches its SHA-512 (PM005; TMS rejects zero-byte
//! packages and validates sidecars, domain.md).

use serde::Deserialize;

use super::{CheckKind, Context, folder_display, unreadable, valid_path};
use crate::inputs::{Feed, Inputs, Integrity, Loaded, PackageFile, PackageState};
use crate::model::{Outcome, Severity, Status};
use crate::nuget::NuGetVersion;
use crate::nuget::package::name_agrees;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The NugetCache folder.
    pub folder: String,
    /// The rule that says whether the folder exists and holds packages (PM003),
    /// pointed to when there is nothing to check here.
    pub presence_rule: String,
}

impl CheckKind for Params {
    fn referenced_rule(&self) -> Option<&str> {
        Some(&self.presence_rule)
    }

    fn validate(&self) -> Result<(), String> {
        valid_path("folder", &self.folder)
    }

    fn run(&self, _ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        judge(self, &inputs.feed(&self.folder))
    }
}

/// How many package names a summary lists before "and N more".
const LISTED: usize = 5;

pub fn judge(p: &Params, feed: &Loaded<Feed>) -> Vec<Outcome> {
    let feed = match feed {
        Loaded::Found(feed) => feed,
        Loaded::Missing { path, .. } => {
            return vec![Outcome::new(
                Status::NotEvaluated,
                folder_display(path),
                format!(
                    "the NugetCache folder does not exist, so there are no packages to check (see {})",
                    p.presence_rule
                ),
            )];
        }
        Loaded::Failed { location, error } => return vec![unreadable(location, error)],
    };
    let folder = folder_display(&feed.folder.server);
    if feed.packages.is_empty() {
        return vec![
            Outcome::new(
                Status::NotEvaluated,
                folder,
                format!(
                    "the NugetCache holds no packages to check (see {})",
                    p.presence_rule
                ),
            )
            .at(feed.folder.location()),
        ];
    }
    let mut outcomes: Vec<Outcome> = feed.packages.iter().map(package).collect();
    let unverified: Vec<&str> = feed
        .packages
        .iter()
        .filter(|p| {
            p.integrity == Integrity::NoSidecar && matches!(p.content, PackageState::Read(_))
        })
        .map(|p| p.file_name.as_str())
        .collect();
    if !unverified.is_empty() {
        let mut names = unverified
            .iter()
            .take(LISTED)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if unverified.len() > LISTED {
            names.push_str(&format!(" and {} more", unverified.len() - LISTED));
        }
        outcomes.push(
            Outcome::new(
                Status::Fail,
                format!("{folder} (hash sidecars)"),
                format!(
                    "integrity not validated: {} of {} package(s) have no .nupkg.hash.json sidecar ({names}); TMS logs a warning and installs them unchecked",
                    unverified.len(),
                    feed.packages.len()
                ),
            )
            .with_severity(Severity::Note)
            .at(feed.folder.location())
            .observed(format!("{} without sidecar", unverified.len()))
            .expected("<file>.nupkg.hash.json beside each package"),
        );
    }
    outcomes
}

fn package(p: &PackageFile) -> Outcome {
    let subject = p.server_path.to_string();
    let fail =
        |message: String| Outcome::new(Status::Fail, subject.clone(), message).at(p.location());
    let nuspec = match &p.content {
        PackageState::Unreadable(e) => return unreadable(&p.location(), e),
        PackageState::Defective(d) => return fail(d.to_string()),
        PackageState::Read(n) => n,
    };
    let said = format!("{} {}", nuspec.id, nuspec.version.to_normalized_string());
    if !name_agrees(&p.file_name, nuspec) {
        return fail(format!(
            "the file name does not match its {}, which says {said}",
            nuspec.entry
        ))
        .observed(p.file_name.clone())
        .expected(format!(
            "{}.{}.nupkg",
            nuspec.id,
            nuspec.version.to_normalized_string()
        ));
    }
    if let Some((id_dir, version_dir)) = &p.folders {
        let version_ok = version_dir
            .parse::<NuGetVersion>()
            .is_ok_and(|v| v == nuspec.version);
        if !id_dir.eq_ignore_ascii_case(&nuspec.id) || !version_ok {
            return fail(format!(
                "the package sits in {id_dir}\\{version_dir}\\ but its {} says {said}",
                nuspec.entry
            ))
            .observed(format!("{id_dir}\\{version_dir}\\"))
            .expected(format!(
                "{}\\{}\\",
                nuspec.id.to_lowercase(),
                nuspec.version.to_normalized_string()
            ));
        }
    }
    match &p.integrity {
        Integrity::Mismatch { expected, actual } => fail(format!(
            "the SHA-512 does not match {}.hash.json: the package was altered or truncated",
            p.file_name
        ))
        .observed(actual.clone())
        .expected(expected.clone()),
        Integrity::BadSidecar { reason } => fail(format!(
            "{}.hash.json cannot be used: {reason}",
            p.file_name
        )),
        Integrity::Matches => Outcome::new(
            Status::Pass,
            subject.clone(),
            format!("{said}: readable, named as its .nuspec says, SHA-512 matches its sidecar"),
        )
        .at(p.location()),
        Integrity::NoSidecar => Outcome::new(
            Status::Pass,
            subject.clone(),
            format!("{said}: readable and named as its .nuspec says (no sidecar to verify)"),
        )
        .at(p.location()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nuget::package::Defect;
    use crate::rules::checks::testing::{feed, nuspec, package, path};
    use crate::server::FsError;

    const CACHE: &str = r"C:\ProgramData\NugetCache";

    fn params() -> Params {
        Params {
            folder: CACHE.into(),
            presence_rule: "PM003".into(),
        }
    }

    fn one(content: PackageState, integrity: Integrity) -> Outcome {
        one_in("Tms.1.0.0.nupkg", None, content, integrity)
    }

    fn one_in(
        name: &str,
        folders: Option<(&str, &str)>,
        content: PackageState,
        integrity: Integrity,
    ) -> Outcome {
        let p = package(CACHE, name, folders, content, integrity);
        let mut out = judge(&params(), &feed(CACHE, vec![p]));
        out.remove(0)
    }

    #[test]
    fn nothing_to_check_points_to_the_presence_rule() {
        let missing = judge(
            &params(),
            &Loaded::Missing {
                path: path(CACHE),
                missing: "NugetCache".into(),
            },
        );
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].status, Status::NotEvaluated);
        assert!(missing[0].message.ends_with("(see PM003)"));
        let empty = judge(&params(), &feed(CACHE, Vec::new()));
        assert_eq!(empty[0].status, Status::NotEvaluated);
        assert_eq!(
            empty[0].message,
            "the NugetCache holds no packages to check (see PM003)"
        );
    }

    #[test]
    fn a_defective_package_fails_with_the_defect() {
        let o = one(PackageState::Defective(Defect::Empty), Integrity::NoSidecar);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.subject, r"C:\ProgramData\NugetCache\Tms.1.0.0.nupkg");
        assert!(o.message.contains("TMS rejects zero-byte packages"));
        let unreadable = one(
            PackageState::Unreadable(FsError::Io {
                path: "x".into(),
                message: "denied".into(),
            }),
            Integrity::NoSidecar,
        );
        assert_eq!(unreadable.status, Status::Error);
    }

    #[test]
    fn a_name_or_folder_that_disagrees_with_the_nuspec_fails() {
        let o = one(nuspec("Tms", "2.0.0"), Integrity::NoSidecar);
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "the file name does not match its Tms.nuspec, which says Tms 2.0.0"
        );
        assert_eq!(o.observed.as_deref(), Some("Tms.1.0.0.nupkg"));
        assert_eq!(o.expected.as_deref(), Some("Tms.2.0.0.nupkg"));

        let o = one_in(
            "Tms.1.0.0.nupkg",
            Some(("tms", "1.0.1")),
            nuspec("Tms", "1.0.0"),
            Integrity::NoSidecar,
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.starts_with(r"the package sits in tms\1.0.1\ "));
        assert_eq!(o.expected.as_deref(), Some(r"tms\1.0.0\"));
    }

    #[test]
    fn a_sidecar_that_does_not_match_or_cannot_be_used_fails() {
        let o = one(
            nuspec("Tms", "1.0.0"),
            Integrity::Mismatch {
                expected: "AAAA".into(),
                actual: "BBBB".into(),
            },
        );
        assert_eq!(o.status, Status::Fail);
        assert!(o.message.contains("altered or truncated"));
        assert_eq!(
            (o.observed.as_deref(), o.expected.as_deref()),
            (Some("BBBB"), Some("AAAA"))
        );
        let o = one(
            nuspec("Tms", "1.0.0"),
            Integrity::BadSidecar {
                reason: "not JSON".into(),
            },
        );
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "Tms.1.0.0.nupkg.hash.json cannot be used: not JSON"
        );
    }

    #[test]
    fn a_sound_package_passes_and_missing_sidecars_are_a_note() {
        let verified = one(nuspec("Tms", "1.0.0"), Integrity::Matches);
        assert_eq!(verified.status, Status::Pass);
        assert!(verified.message.contains("SHA-512 matches its sidecar"));

        let names: Vec<String> = (1..=7).map(|i| format!("P{i}.1.0.0.nupkg")).collect();
        let packages = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let id = format!("P{}", i + 1);
                package(CACHE, n, None, nuspec(&id, "1.0.0"), Integrity::NoSidecar)
            })
            .collect();
        let out = judge(&params(), &feed(CACHE, packages));
        assert_eq!(out.len(), 8);
        assert!(out[..7].iter().all(|o| o.status == Status::Pass));
        let note = &out[7];
        assert_eq!(note.status, Status::Fail);
        assert_eq!(note.severity, Some(Severity::Note));
        assert!(
            note.message.starts_with(
                "integrity not validated: 7 of 7 package(s) have no .nupkg.hash.json sidecar (P1.1.0.0.nupkg, P2.1.0.0.nupkg, P3.1.0.0.nupkg, P4.1.0.0.nupkg, P5.1.0.0.nupkg and 2 more)"
            ),
            "{}",
            note.message
        );
    }
}
