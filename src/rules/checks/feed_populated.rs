//! `feed_populated`: the NugetCache folder exists and holds at least one
//! `.nupkg`, flat or hierarchical (PM003; seed 001 step 3 copies the offline
//! package's nugetCache folder there).

use super::{FolderParams, folder_display, unreadable};
use crate::inputs::{Feed, Inputs, Loaded};
use crate::model::{Outcome, Status};

pub fn run(p: &FolderParams, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
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
                        "{} holds no .nupkg (neither <id>.<version>.nupkg nor <id>\\<version>\\<id>.<version>.nupkg)",
                        folder_display(&feed.folder.server)
                    ),
                )
            } else {
                let hierarchical = feed.packages.iter().filter(|p| p.folders.is_some()).count();
                Outcome::new(
                    Status::Pass,
                    subject,
                    format!(
                        "{n} package file(s) ({} flat, {hierarchical} hierarchical)",
                        n - hierarchical
                    ),
                )
            };
            outcome
                .at(feed.folder.location())
                .observed(format!("{n} .nupkg file(s)"))
                .expected(EXPECTED)
        }
    }
}
