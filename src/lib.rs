//! upgate: tells an administrator whether a privileged-access server is ready
//! for an upgrade, and afterwards whether the upgrade left it the way the
//! vendor requires.
//!
//! Data flows one way: [`target`] and [`server`] (the confined file system) →
//! [`inputs`] (read and parse, through [`xml`], [`text`], [`nuget`] and [`icacls`]) →
//! [`rules`] (checks judge parsed state and [`facts`]) → [`scan`] (results) →
//! [`report`] (emitters only format).

pub mod apache;
pub mod baseline;
pub mod cli;
pub mod diff;
pub mod error;
pub mod facts;
pub mod icacls;
pub mod iis;
pub mod inputs;
pub mod model;
pub mod nuget;
pub mod report;
pub mod rules;
pub mod scan;
pub mod server;
pub mod target;
pub mod text;
pub mod waivers;
pub mod xml;
