//! A waivers file (`waivers::parse`): any text gives waivers or an error with
//! a line; parsed ones are applied to a failing result of every rule, and a
//! waived result keeps its rule.

use std::path::Path;
use upgate::model::Status;

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let rules = crate::support::builtin();
    let Ok(waivers) = upgate::waivers::parse(&text, Path::new("waivers.toml"), rules) else {
        return;
    };
    let mut results = crate::support::findings();
    let today = jiff::civil::date(2026, 11, 22);
    let uses = upgate::waivers::apply(&waivers, "vault01", today, &mut results);
    assert_eq!(uses.len(), waivers.len());
    for r in &results {
        if r.status == Status::Waived {
            let w = r
                .waiver
                .as_ref()
                .expect("a waived result records its waiver");
            assert_eq!(w.rule, r.rule_id);
        }
    }
}
