//! `xml::parse`: any bytes give a document, or an error that points at a line
//! when it has a position.

use upgate::xml::{self, Element};

pub fn run(data: &[u8]) {
    match xml::parse(data) {
        Ok(doc) => walk(&doc.root),
        Err(e) => assert!(e.pos.is_none_or(|p| p.line >= 1), "{e:?}"),
    }
}

/// Nesting is bounded by the parser, so recursion here is too.
fn walk(e: &Element) {
    assert!(e.pos.line >= 1 && e.pos.column >= 1, "{:?}", e.pos);
    let _ = e.local_name();
    for child in &e.children {
        walk(child);
    }
}
