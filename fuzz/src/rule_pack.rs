//! A `--rules` pack (`RuleSet::load`) over the built-in ones: any text loads
//! or is refused with an error; a loaded set's catalogs are in order and every
//! rule answers the questions `explain` and `rules` ask.

use std::cmp::Ordering;
use upgate::model::{Phase, Procedure, Product};
use upgate::rules::{RuleSet, Source, builtin_sources};

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let extra = [Source {
        name: "fuzz.toml".into(),
        text: &text,
    }];
    // Alone first: most inputs are refused here, without the cost of parsing
    // the built-in packs; one that loads is then laid over them.
    if RuleSet::load(&[], &extra).is_err() {
        return;
    }
    let Ok(rules) = RuleSet::load(&builtin_sources(), &extra) else {
        return;
    };
    for product in [Product::Ss, Product::Pm, Product::Nps] {
        let catalog = rules.catalog(product);
        for pair in catalog.releases().windows(2) {
            assert_ne!(
                catalog.total_order(&pair[0].version, &pair[1].version),
                Ordering::Greater
            );
        }
    }
    for rule in rules.iter() {
        let _ = (
            rule.phases(),
            rule.applies_text(),
            rule.selected_by(&rule.id),
        );
        for procedure in [
            Procedure::Combined,
            Procedure::Offline,
            Procedure::Standalone,
            Procedure::Update,
        ] {
            let _ = rule.severity_for(Some(procedure));
            let _ = rule.applies_to(Phase::Pre, procedure);
        }
        assert!(
            rules.find(&rule.id).is_some(),
            "{} is not found by its id",
            rule.id
        );
    }
}
