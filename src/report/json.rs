//! `--format json`: the versioned report contract documented in docs/report.md.

use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, Gate, Report};
use crate::model::Finding;

pub struct Json;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct GateView {
    fail_on: Option<&'static str>,
    strict: bool,
    /// The verdict: true when the exit status is 1.
    failed: bool,
}

/// A result with the field a later issue fills (baselines), kept in the
/// contract as `null` so consumers can rely on its presence.
#[derive(Serialize)]
struct ResultView<'a> {
    #[serde(flatten)]
    finding: &'a Finding,
    baseline: Option<()>,
}

#[derive(Serialize)]
struct View<'a> {
    schema_version: u32,
    tool: Tool,
    scan: &'a super::ScanInfo,
    results: Vec<ResultView<'a>>,
    summary: &'a super::Summary,
    gate: GateView,
    observed_state: &'a super::ObservedState,
    waivers: &'a [crate::waivers::Use],
}

impl Emitter for Json {
    fn emit(&self, report: &Report, gate: &Gate, out: &mut dyn Write) -> io::Result<()> {
        let view = View {
            schema_version: report.schema_version,
            tool: Tool {
                name: "upgate",
                version: env!("CARGO_PKG_VERSION"),
            },
            scan: &report.scan,
            results: report
                .results
                .iter()
                .map(|finding| ResultView {
                    finding,
                    baseline: None,
                })
                .collect(),
            summary: &report.summary,
            gate: GateView {
                fail_on: gate.fail_on.map(|s| s.code()),
                strict: gate.strict,
                failed: gate.failed(report),
            },
            observed_state: &report.observed_state,
            waivers: &report.waivers,
        };
        serde_json::to_writer_pretty(&mut *out, &view)?;
        writeln!(out)
    }
}
