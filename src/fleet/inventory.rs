//! `fleet.toml`: the nodes of one installation and where each one's snapshot is.
//!
//! ```toml
//! installation = "pam-prod"          # a name for reports
//! window = "4h"                      # optional: how long before the fleet scan every node must have been collected
//! [[node]]
//! name = "pam-web-01"
//! snapshot = "pam-web-01"            # a snapshot folder, relative to the inventory's folder
//! ```
//!
//! Parsed from text (the caller reads the file); errors name the file and line.

use std::path::Path;

use jiff::SignedDuration;
use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::error::InputError;

/// The window when the inventory sets none.
pub const DEFAULT_WINDOW: &str = "24h";

/// A validated inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inventory {
    pub installation: String,
    /// The most the nodes' collection times may be apart, as written (`4h`, `2d`).
    pub window: String,
    #[serde(skip)]
    pub window_length: SignedDuration,
    pub nodes: Vec<Node>,
}

/// One node of the inventory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Node {
    pub name: String,
    /// The snapshot folder as written, relative to the inventory's folder.
    pub snapshot: String,
    /// Where the node is defined: `fleet.toml:5`.
    pub origin: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    installation: Spanned<String>,
    window: Option<Spanned<String>>,
    #[serde(default)]
    node: Vec<Spanned<NodeFile>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct NodeFile {
    name: Spanned<String>,
    snapshot: Spanned<String>,
}

/// Parses an inventory; `file` names it in errors.
pub fn parse(text: &str, file: &Path) -> Result<Inventory, InputError> {
    let at = |span: std::ops::Range<usize>, message: String| {
        let crate::text::Pos { line, column } = crate::text::pos(text, span.start);
        InputError::new(message).in_file(file).at(line, column)
    };
    let parsed: File = toml::from_str(text).map_err(|e| {
        let err = InputError::new(e.message().trim().to_string()).in_file(file);
        match e.span() {
            Some(span) => {
                let crate::text::Pos { line, column } = crate::text::pos(text, span.start);
                err.at(line, column)
            }
            None => err,
        }
    })?;
    let installation = parsed.installation.get_ref().trim().to_string();
    if installation.is_empty() {
        return Err(
            at(parsed.installation.span(), "`installation` is empty".into())
                .help("name the installation for the reports, e.g. installation = \"pam-prod\""),
        );
    }
    let (window, window_length) = match &parsed.window {
        Some(w) => {
            let raw = w.get_ref().trim();
            let length = window_length(raw).ok_or_else(|| {
                at(w.span(), format!("window `{raw}` is not a duration"))
                    .help("write whole hours or days above zero: \"4h\", \"2d\"")
            })?;
            (raw.to_string(), length)
        }
        None => (
            DEFAULT_WINDOW.to_string(),
            window_length(DEFAULT_WINDOW).unwrap_or(SignedDuration::from_hours(24)),
        ),
    };
    if parsed.node.is_empty() {
        return Err(InputError::new("the inventory lists no node")
            .in_file(file)
            .help("list each node of the installation as [[node]] with name and snapshot"));
    }
    let mut nodes: Vec<Node> = Vec::new();
    for spanned in parsed.node {
        let line = crate::text::pos(text, spanned.span().start).line;
        let origin = format!("{}:{line}", file.display());
        let n = spanned.into_inner();
        let name = n.name.get_ref().trim().to_string();
        if name.is_empty() {
            return Err(at(n.name.span(), "a node's `name` is empty".into()));
        }
        let snapshot = n.snapshot.get_ref().trim().to_string();
        if snapshot.is_empty() {
            return Err(at(
                n.snapshot.span(),
                format!("node {name}: `snapshot` is empty"),
            ));
        }
        if let Some(first) = nodes.iter().find(|o| o.name.eq_ignore_ascii_case(&name)) {
            return Err(
                at(n.name.span(), format!("node `{name}` is listed twice")).help(format!(
                    "{} is already defined at {}",
                    first.name, first.origin
                )),
            );
        }
        // One snapshot for two nodes would stand in for a node nobody scanned.
        if let Some(first) = nodes.iter().find(|o| same_folder(&o.snapshot, &snapshot)) {
            return Err(at(
                n.snapshot.span(),
                format!(
                    "nodes {} and {name} name the same snapshot `{snapshot}`",
                    first.name
                ),
            )
            .help("every node needs its own snapshot: collect each node with `upgate collect`"));
        }
        nodes.push(Node {
            name,
            snapshot,
            origin,
        });
    }
    Ok(Inventory {
        installation,
        window,
        window_length,
        nodes,
    })
}

/// `4h` or `2d`: whole hours or days, above zero.
fn window_length(raw: &str) -> Option<SignedDuration> {
    let (number, unit) = raw.split_at(raw.len().checked_sub(1)?);
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let n: i64 = number.parse().ok()?;
    let hours = match unit {
        "h" | "H" => n,
        "d" | "D" => n.checked_mul(24)?,
        _ => return None,
    };
    // Ten years is more than any installation needs, and keeps the arithmetic in range.
    (hours > 0 && hours <= 24 * 3660).then(|| SignedDuration::from_hours(hours))
}

/// Two snapshot paths as written naming one folder (separators and a trailing one aside).
fn same_folder(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.replace('\\', "/")
            .trim_start_matches("./")
            .trim_end_matches('/')
            .to_string()
    };
    norm(a) == norm(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"installation = "pam-prod"
window = "4h"

[[node]]
name = "pam-web-01"
snapshot = "pam-web-01"

[[node]]
name = "pam-web-02"
snapshot = "snapshots/pam-web-02"
"#;

    fn parse(text: &str) -> Result<Inventory, InputError> {
        super::parse(text, Path::new("fleet.toml"))
    }

    #[test]
    fn an_inventory_lists_its_nodes_in_order() {
        let inv = parse(GOOD).unwrap();
        assert_eq!(inv.installation, "pam-prod");
        assert_eq!(inv.window, "4h");
        assert_eq!(inv.window_length, SignedDuration::from_hours(4));
        let names: Vec<&str> = inv.nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names, ["pam-web-01", "pam-web-02"]);
        assert_eq!(inv.nodes[1].snapshot, "snapshots/pam-web-02");
        assert_eq!(inv.nodes[1].origin, "fleet.toml:8");
        // No window: a day.
        let inv = parse(&GOOD.replace("window = \"4h\"\n", "")).unwrap();
        assert_eq!(
            (inv.window.as_str(), inv.window_length),
            ("24h", SignedDuration::from_hours(24))
        );
        let inv = parse(&GOOD.replace("\"4h\"", "\"2d\"")).unwrap();
        assert_eq!(inv.window_length, SignedDuration::from_hours(48));
    }

    #[test]
    fn bad_inventories_are_refused_with_their_line() {
        let cases = [
            (
                GOOD.replace("name = \"pam-web-02\"", "name = \"PAM-WEB-01\""),
                "node `PAM-WEB-01` is listed twice",
                9,
            ),
            (
                GOOD.replace("\"snapshots/pam-web-02\"", "'pam-web-01\\'"),
                "nodes pam-web-01 and pam-web-02 name the same snapshot",
                10,
            ),
            (GOOD.replace("\"4h\"", "\"4 hours\""), "window `4 hours`", 2),
            (GOOD.replace("\"4h\"", "\"0h\""), "window `0h`", 2),
            (GOOD.replace("\"4h\"", "\"-4h\""), "window `-4h`", 2),
            (GOOD.replace("\"4h\"", "\"30m\""), "window `30m`", 2),
            (
                GOOD.replace(
                    "snapshot = \"pam-web-01\"",
                    "snapshot = \"pam-web-01\"\nhost = \"x\"",
                ),
                "unknown field `host`",
                7,
            ),
            (
                GOOD.replace("name = \"pam-web-02\"\n", ""),
                "missing field `name`",
                8,
            ),
            (
                GOOD.replace("\"pam-prod\"", "\" \""),
                "`installation` is empty",
                1,
            ),
            (
                GOOD.replace("\"pam-web-01\"\nsnapshot", "\"\"\nsnapshot"),
                "`name` is empty",
                5,
            ),
        ];
        for (text, message, line) in cases {
            let e = parse(&text).unwrap_err();
            assert!(
                e.message.contains(message),
                "{message:?} not in {:?}",
                e.message
            );
            assert_eq!(e.line, Some(line), "{message}");
            assert_eq!(e.file.as_deref(), Some(Path::new("fleet.toml")));
        }
        let e = parse("installation = \"pam-prod\"\n").unwrap_err();
        assert_eq!(e.message, "the inventory lists no node");
        let e = parse("[[node]]\nname = \"a\"\nsnapshot = \"a\"\n").unwrap_err();
        assert!(e.message.contains("missing field `installation`"), "{e}");
    }
}
