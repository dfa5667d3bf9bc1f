//! `--format json`: the versioned report contract documented in docs/report.md.

use std::io::{self, Write};

use serde::Serialize;

use super::{Emitter, Gate, Report};
use crate::model::Finding;

pub struct Json;

#[derive(Serialize)]
pub(crate) struct Tool {
    pub(crate) name: &'static str,
    pub(crate) version: &'static str,
}

#[derive(Serialize)]
pub(crate) struct GateView {
    pub(crate) fail_on: Option<&'static str>,
    /// `not_evaluated` results at or above `fail_on` fail the gate (false with
    /// `--allow-unevaluated`).
    pub(crate) strict: bool,
    /// True when the exit status is 1.
    pub(crate) failed: bool,
    /// The verdict in words (`READY`, `NOT READY`, `INCOMPLETE`, …).
    pub(crate) verdict: String,
}

#[derive(Serialize)]
struct View<'a> {
    schema_version: u32,
    tool: Tool,
    scan: &'a super::ScanInfo,
    results: &'a [Finding],
    summary: &'a super::Summary,
    gate: GateView,
    observed_state: &'a super::ObservedState,
    waivers: &'a [crate::waivers::Use],
    baseline: Option<&'a crate::baseline::Comparison>,
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
            results: &report.results,
            summary: &report.summary,
            gate: GateView {
                fail_on: gate.fail_on.map(|s| s.code()),
                strict: !gate.allow_unevaluated,
                failed: gate.failed(report),
                verdict: gate.verdict(report),
            },
            observed_state: &report.observed_state,
            waivers: &report.waivers,
            baseline: report.baseline.as_ref(),
        };
        serde_json::to_writer_pretty(&mut *out, &view)?;
        writeln!(out)
    }
}
