//! `feed_populated`: the NugetCache folder exists and holds at least one
//! `.nupkg` in a layout NuGet's local folder feed reads: flat, one folder down
//! (packages.config's `<Id>.<Version>\<Id>.<Version>.nupkg`) or hierarchical
//! (see `Inputs::feed`; PM003; seed 001 step 3 copies the offline package's
//! nugetCache folder there). The evidence counts the files of each layout.

use serde::Deserialize;

use super::{CheckKind, Context, FolderParams, folder_display, unreadable};
use crate::inputs::{Feed, Inputs, Loaded};
use crate::model::{Outcome, Status};

/// `folder`: the NugetCache folder.
#[derive(Debug, Clone, Deserialize)]
#[serde(transparent)]
pub struct Params(pub FolderParams);

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        self.0.validate()
    }

    fn run(&self, _ctx: &Context<'_>, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        run(&self.0, inputs)
    }
}

fn run(p: &FolderParams, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
    vec![judge(&inputs.feed(&p.folder))]
}

pub fn judge(feed: &Loaded<Feed>) -> Outcome {
    const EXPECTED: &str = "at least one <id>.<version>.nupkg";
    match feed {
        Loaded::Missing { path, missing } => Outcome::new(
            Status::Fail,
            folder_display(path),
            format!("the NugetCache folder does not exist ({missing} does not exist)"),
        )
        .observed("missing")
        .expected(EXPECTED),
        Loaded::Failed { location, error } => unreadable(location, error),
        Loaded::Found(feed) => {
            let n = feed.packages.len();
            let subject = folder_display(&feed.folder.server);
            let outcome = if n == 0 {
                Outcome::new(
                    Status::Fail,
                    subject,
                    format!(
                        "{} holds no .nupkg (neither <id>.<version>.nupkg, <Id>.<Version>\\<Id>.<Version>.nupkg nor <id>\\<version>\\<id>.<version>.nupkg)",
                        folder_display(&feed.folder.server)
                    ),
                )
            } else {
                let hierarchical = feed.packages.iter().filter(|p| p.folders.is_some()).count();
                let one_down = feed
                    .packages
                    .iter()
                    .filter(|p| p.subfolder.is_some())
                    .count();
                let flat = n - hierarchical - one_down;
                let message = if one_down == 0 {
                    format!("{n} package file(s) ({flat} flat, {hierarchical} hierarchical)")
                } else {
                    format!(
                        "{n} package file(s) ({flat} flat, {hierarchical} hierarchical, {one_down} one folder down as packages.config's <Id>.<Version>\\<Id>.<Version>.nupkg)"
                    )
                };
                Outcome::new(Status::Pass, subject, message)
            };
            outcome
                .at(feed.folder.location())
                .observed(format!("{n} .nupkg file(s)"))
                .expected(EXPECTED)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inputs::{Integrity, PackageState};
    use crate::nuget::package::Defect;
    use crate::rules::checks::testing;
    use crate::rules::checks::testing::path;

    const CACHE: &str = r"C:\ProgramData\NugetCache";

    fn feed(packages: &[(&str, Option<(&str, &str)>)]) -> Loaded<Feed> {
        let packages = packages
            .iter()
            .map(|(name, folders)| {
                let content = PackageState::Defective(Defect::Empty);
                testing::package(CACHE, name, *folders, content, Integrity::NoSidecar)
            })
            .collect();
        testing::feed(CACHE, packages)
    }

    #[test]
    fn a_missing_folder_fails() {
        let o = judge(&Loaded::Missing {
            path: path(CACHE),
            missing: "NugetCache".into(),
        });
        assert_eq!(o.status, Status::Fail);
        assert_eq!(o.subject, r"C:\ProgramData\NugetCache\");
        assert_eq!(
            o.message,
            "the NugetCache folder does not exist (NugetCache does not exist)"
        );
        assert_eq!(o.observed.as_deref(), Some("missing"));
    }

    #[test]
    fn a_folder_without_packages_fails() {
        let o = judge(&feed(&[]));
        assert_eq!(o.status, Status::Fail);
        assert!(
            o.message
                .starts_with(r"C:\ProgramData\NugetCache\ holds no .nupkg")
        );
        assert_eq!(o.observed.as_deref(), Some("0 .nupkg file(s)"));
    }

    #[test]
    fn flat_and_hierarchical_packages_pass_and_are_counted_apart() {
        let o = judge(&feed(&[
            ("a.1.0.0.nupkg", None),
            ("b.2.0.0.nupkg", Some(("b", "2.0.0"))),
            ("c.3.0.0.nupkg", Some(("c", "3.0.0"))),
        ]));
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.message, "3 package file(s) (1 flat, 2 hierarchical)");
    }

    #[test]
    fn packages_one_folder_down_pass_and_say_their_layout() {
        let mut one_down = testing::package(
            CACHE,
            "MongoDB.Bson.2.2.3.nupkg",
            None,
            PackageState::Defective(Defect::Empty),
            Integrity::NoSidecar,
        );
        one_down.subfolder = Some("MongoDB.Bson.2.2.3".into());
        let flat = testing::package(
            CACHE,
            "a.1.0.0.nupkg",
            None,
            PackageState::Defective(Defect::Empty),
            Integrity::NoSidecar,
        );
        let o = judge(&testing::feed(CACHE, vec![one_down, flat]));
        assert_eq!(o.status, Status::Pass);
        assert_eq!(
            o.message,
            r"2 package file(s) (1 flat, 0 hierarchical, 1 one folder down as packages.config's <Id>.<Version>\<Id>.<Version>.nupkg)"
        );
    }

    #[test]
    fn an_unmapped_drive_is_not_evaluated() {
        let o = judge(&Loaded::Failed {
            location: crate::model::Location::unresolved(r"D:\NugetCache"),
            error: crate::server::FsError::DriveNotMapped('D'),
        });
        assert_eq!(o.status, Status::NotEvaluated);
    }
}
