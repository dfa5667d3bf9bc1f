//! The README's tables of rules and check kinds are generated from the rule
//! set, so adding a rule means editing its rule file only. Outside CI a stale
//! table is rewritten in place (review it with the rule's diff); under CI
//! (`CI` set) it fails the run, because the committed README would be wrong.

use std::path::PathBuf;

use upgate::cli::{kinds_markdown, rules_markdown};
use upgate::rules::RuleSet;

/// Replaces the body between `<!-- generated: NAME … -->` and `<!-- end: NAME -->`.
fn fill(text: &str, name: &str, body: &str) -> String {
    let begin = format!("<!-- generated: {name}");
    let end = format!("<!-- end: {name} -->");
    let start = text
        .find(&begin)
        .unwrap_or_else(|| panic!("README.md has no `{begin} … -->` marker"));
    let open_end = start + text[start..].find("-->\n").expect("unclosed marker") + 4;
    let close = open_end
        + text[open_end..]
            .find(&end)
            .unwrap_or_else(|| panic!("README.md has no `{end}` marker"));
    format!("{}{body}{}", &text[..open_end], &text[close..])
}

#[test]
fn readme_tables_come_from_the_rule_set() {
    let set = RuleSet::builtin().unwrap();
    let fleet = upgate::fleet::rules::builtin().unwrap();
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let text = std::fs::read_to_string(&path).unwrap();
    let want = fill(
        &fill(&text, "rules", &rules_markdown(&set, &fleet)),
        "kinds",
        &kinds_markdown(&set),
    );
    if want == text {
        return;
    }
    if std::env::var_os("CI").is_some() {
        panic!(
            "README.md's generated tables are stale: run `cargo test docs::` outside CI and commit the result"
        );
    }
    std::fs::write(&path, want).unwrap();
    eprintln!("README.md: regenerated the rules and check-kinds tables; review and commit them");
}

#[test]
fn markers_are_replaced_not_duplicated() {
    let text = "a\n<!-- generated: x (note) -->\nold\n<!-- end: x -->\nb\n";
    assert_eq!(
        fill(text, "x", "new\n"),
        "a\n<!-- generated: x (note) -->\nnew\n<!-- end: x -->\nb\n"
    );
}
