//! Earlier reports, as `--baseline` and `diff` read them: records
//! `=== before` and `=== after` (or one report alone). Any text parses or is
//! refused; a baseline marks a failing result of every rule; two reports in
//! order render a diff.

use std::path::Path;

pub fn run(data: &[u8]) {
    let records = crate::support::records(data, "before");
    let reports: Vec<_> = records
        .iter()
        .take(2)
        .map(|(name, body)| {
            let text = String::from_utf8_lossy(body);
            let path = Path::new(name.as_str());
            if let Ok(baseline) = upgate::baseline::Baseline::parse(&text, path) {
                let mut results = crate::support::findings();
                let _ = baseline.apply(&mut results);
            }
            upgate::baseline::EarlierReport::parse(&text, path)
        })
        .collect();
    if let [Ok(before), Ok(after)] = reports.as_slice()
        && upgate::diff::check_order(before, after).is_ok()
    {
        let (text, _) = upgate::diff::render(before, after);
        assert!(!text.is_empty());
    }
}
