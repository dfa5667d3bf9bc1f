//! upgate: tells an administrator whether a privileged-access server is ready
//! for an upgrade, and afterwards whether the upgrade left it the way the
//! vendor requires.
//!
//! Data flows one way, and modules import only downward (`tests/it/layers.rs`
//! keeps it so):
//!
//! 1. vocabulary: [`model`], [`error`], [`text`], [`path`], [`glob`];
//! 2. parsers, on bytes and text: [`xml`], [`nuget`], [`icacls`], [`iis`],
//!    [`apache`], [`facts`];
//! 3. [`server`] (the only code that opens server files) and [`target`] (what
//!    the user pointed at);
//! 4. [`inputs`]: read and parse, once per scan;
//! 5. [`rules`]: checks judge parsed state and facts;
//! 6. [`scan`]: results and what was observed; [`collect`], scans that record a snapshot;
//! 7. [`waivers`] and [`baseline`];
//! 8. [`report`]: results, summary, gate, and the emitters, which only format;
//! 9. [`diff`] and [`fleet`] (every node of an installation, checked together), then
//!    [`version`] (what `--version` says) and [`cli`].

pub mod apache;
pub mod baseline;
pub mod cli;
pub mod collect;
pub mod diff;
pub mod error;
pub mod facts;
pub mod fleet;
pub mod glob;
pub mod icacls;
pub mod iis;
pub mod inputs;
pub mod model;
pub mod nuget;
pub mod path;
pub mod report;
pub mod rules;
pub mod scan;
pub mod server;
pub mod target;
pub mod text;
pub mod version;
pub mod waivers;
pub mod xml;
