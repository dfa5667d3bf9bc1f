//! `folder_empty`: a folder holds no files (SS005: seed 000 step 4 deletes
//! the NugetCache's files before the Secret Server upgrade is uploaded, so
//! the upgrade repopulates it with matching packages).

use super::{FolderParams, folder_display, unreadable};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Outcome, Status};
use crate::server::{Resolved, Tree};

/// How many files a failing message names.
const FIRST: usize = 5;

pub fn run(p: &FolderParams, inputs: &mut Inputs<'_>) -> Vec<Outcome> {
    vec![judge(&inputs.tree(&p.folder))]
}

pub fn judge(found: &Loaded<(Resolved, Tree)>) -> Outcome {
    const EXPECTED: &str = "no files";
    let (dir, tree) = match found {
        Loaded::Missing { path, .. } => {
            return Outcome::new(
                Status::Pass,
                folder_display(path),
                format!(
                    "{} does not exist: there is nothing to delete",
                    folder_display(path)
                ),
            )
            .observed("missing")
            .expected(EXPECTED);
        }
        Loaded::Failed { location, error } => return unreadable(location, error),
        Loaded::Found(found) => found,
    };
    let shown = folder_display(&dir.server);
    let n = tree.files.len();
    let outcome = if n > 0 {
        let bytes: u64 = tree.files.iter().map(|f| f.len).sum();
        let mut names: Vec<&str> = tree.files.iter().map(|f| f.rel.as_str()).collect();
        names.sort_unstable();
        let first = &names[..names.len().min(FIRST)];
        Outcome::new(
            Status::Fail,
            shown.clone(),
            format!(
                "{shown} still holds {n} file(s), {bytes} bytes (first: {}{}): delete them before uploading the upgrade",
                first.join(", "),
                if n > FIRST { ", …" } else { "" }
            ),
        )
    } else if let Some((rel, e)) = tree.problems.first() {
        // An entry we could not look into may hold files: never a pass.
        Outcome::new(
            Status::Error,
            shown.clone(),
            format!(
                "{shown} holds no readable files, but {} entr{} could not be checked (first: {rel}: {e})",
                tree.problems.len(),
                if tree.problems.len() == 1 { "y" } else { "ies" }
            ),
        )
    } else {
        Outcome::new(
            Status::Pass,
            shown.clone(),
            format!("{shown} holds no files"),
        )
    };
    outcome
        .at(dir.location())
        .observed(format!("{n} file(s)"))
        .expected(EXPECTED)
}
