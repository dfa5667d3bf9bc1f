//! `folder_empty`: a folder holds no files (SS005: seed 000 step 4 deletes
//! the NugetCache's files before the Secret Server upgrade is uploaded, so
//! the upgrade repopulates it with matching packages).

use serde::Deserialize;

use super::{CheckKind, Context, FolderParams, folder_display, unreadable};
use crate::inputs::{Inputs, Loaded};
use crate::model::{Outcome, Status};
use crate::server::{Resolved, Tree};

/// How many files a failing message names.
const FIRST: usize = 5;

/// `folder`: the folder that must be empty.
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::checks::testing::{dir, path};
    use crate::server::FsError;

    const CACHE: &str = r"C:\ProgramData\NugetCache";

    fn found(files: &[(&str, u64)], problems: Vec<(String, FsError)>) -> Loaded<(Resolved, Tree)> {
        Loaded::Found((dir(CACHE), Tree::of(files, problems)))
    }

    #[test]
    fn files_left_in_the_folder_fail_with_count_size_and_the_first_names_sorted() {
        let files = [
            ("g.nupkg", 1),
            ("b.nupkg", 2),
            ("a/f.nupkg", 3),
            ("c.nupkg", 4),
            ("e.nupkg", 5),
            ("d.nupkg", 6),
        ];
        let o = judge(&found(&files, Vec::new()));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            r"C:\ProgramData\NugetCache\ still holds 6 file(s), 21 bytes (first: a/f.nupkg, b.nupkg, c.nupkg, d.nupkg, e.nupkg, …): delete them before uploading the upgrade"
        );
        assert_eq!(o.observed.as_deref(), Some("6 file(s)"));
        assert_eq!(o.expected.as_deref(), Some("no files"));
        let one = judge(&found(&[("x.nupkg", 0)], Vec::new()));
        assert!(one.message.contains("(first: x.nupkg)"), "{}", one.message);
    }

    #[test]
    fn an_empty_or_missing_folder_passes() {
        let o = judge(&found(&[], Vec::new()));
        assert_eq!(o.status, Status::Pass);
        assert_eq!(o.message, r"C:\ProgramData\NugetCache\ holds no files");
        let missing = judge(&Loaded::Missing {
            path: path(CACHE),
            missing: "NugetCache".into(),
        });
        assert_eq!(missing.status, Status::Pass);
        assert!(
            missing
                .message
                .contains("does not exist: there is nothing to delete")
        );
        assert_eq!(missing.observed.as_deref(), Some("missing"));
    }

    #[test]
    fn entries_that_could_not_be_checked_are_never_a_pass() {
        let e = FsError::LinkLoop(r"C:\ProgramData\NugetCache\loop".into());
        let o = judge(&found(&[], vec![("loop".into(), e)]));
        assert_eq!(o.status, Status::Error);
        assert!(
            o.message
                .contains("1 entry could not be checked (first: loop: symbolic link loop"),
            "{}",
            o.message
        );
    }

    #[test]
    fn an_unreadable_folder_is_an_error_and_an_unmapped_drive_not_evaluated() {
        let failed = |error| Loaded::Failed {
            location: crate::model::Location::unresolved(CACHE),
            error,
        };
        let io = FsError::Io {
            path: CACHE.into(),
            message: "permission denied".into(),
        };
        assert_eq!(judge(&failed(io)).status, Status::Error);
        assert_eq!(
            judge(&failed(FsError::DriveNotMapped('D'))).status,
            Status::NotEvaluated
        );
    }
}
