//! `package_integrity`: every `.nupkg` in the NugetCache is a readable package
//! whose `.nuspec` agrees with its file name, and whose `.hash.json` sidecar
//! (where there is one) matches its SHA-512 (PM005; TMS rejects zero-byte
//! packages and validates sidecars, domain.md).

use serde::Deserialize;

use super::{folder_display, unreadable, valid_path};
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

impl Params {
    pub fn validate(&self) -> Result<(), String> {
        valid_path("folder", &self.folder)
    }

    pub fn run(&self, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
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
