//! NuGet as Privilege Manager's NugetCache uses it: version order, package
//! files (`.nupkg` zips with a `.nuspec`) and `.hash.json` integrity sidecars.

pub mod package;
mod version;

pub use version::{NuGetVersion, VersionError};
