//! The integration tests, one binary: each module tests one area through the
//! library or the built `upgate` binary (`common` runs it on fixtures).
//! Snapshots are in `snapshots/<module>/`; test data in `tests/data/`.

mod common;

mod ansible;
mod apache_debian;
mod apache_effective;
mod apache_httpd;
mod apache_real_world;
mod backups;
mod baseline;
mod cli;
mod collect;
mod combined_rules;
mod diff;
mod docs;
mod facts_docs;
mod facts_input;
mod fixtures;
mod fleet;
mod formats;
mod hostile;
mod layers;
mod nps_apache;
mod nps_iis;
mod nps_web_app;
mod nuget_vectors;
mod pm004;
mod pm_offline_package;
mod pm_rules;
mod real_world;
mod registry;
mod sarif;
mod targets;
mod text_views;
mod waivers;
mod web_dirs;
mod xml_real_world;
