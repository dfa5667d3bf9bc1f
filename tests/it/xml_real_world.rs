//! The XML parser on real IIS files written by others (see tests/data/real-world/README.md):
//! they parse as they are, and elements sit at the lines `grep -n` shows.

use upgate::text::{Encoding, Pos};
use upgate::xml::{self, Document, Element};

fn load(name: &str) -> Document {
    let path = format!(
        "{}/tests/data/real-world/iis/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    xml::parse(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn pos(line: u32, column: u32) -> Pos {
    Pos { line, column }
}

/// The child at a path of local names, each step taking the first match.
fn at<'a>(element: &'a Element, path: &[&str]) -> &'a Element {
    path.iter().fold(element, |e, step| {
        e.child(step)
            .unwrap_or_else(|| panic!("no <{step}> under <{}> at {}", e.name, e.pos))
    })
}

/// The child with this local name whose attribute `attr` is `value`.
fn with_attr<'a>(parent: &'a Element, local: &str, attr: &str, value: &str) -> &'a Element {
    parent
        .children_named(local)
        .find(|e| e.attr(attr).is_some_and(|a| a.value == value))
        .unwrap_or_else(|| panic!("no <{local} {attr}=\"{value}\"> under <{}>", parent.name))
}

fn named<'a>(parent: &'a Element, local: &str, value: &str) -> &'a Element {
    with_attr(parent, local, "name", value)
}

fn names<'a>(parent: &'a Element, local: &'a str) -> Vec<&'a str> {
    parent
        .children_named(local)
        .filter_map(|e| e.attr("name").map(|a| a.value.as_str()))
        .collect()
}

#[test]
fn application_host_global_modules() {
    let doc = load("applicationHost.arr-rewrite-no-websocket.config");
    assert_eq!(doc.encoding, Encoding::Utf8);
    let root = &doc.root;
    assert_eq!(root.name, "configuration");
    // Line 13: the comment before it spans lines 2-11.
    assert_eq!(root.pos, pos(13, 1));

    let global = at(root, &["system.webServer", "globalModules"]);
    assert_eq!(global.pos, pos(225, 9));
    let modules = names(global, "add");
    assert_eq!(modules.len(), 15);
    assert!(modules.contains(&"RewriteModule"), "{modules:?}");
    assert!(
        modules.contains(&"ApplicationRequestRouting"),
        "{modules:?}"
    );
    assert!(!modules.contains(&"WebSocketModule"), "{modules:?}");

    let rewrite = named(global, "add", "RewriteModule");
    assert_eq!(rewrite.pos, pos(239, 13));
    assert_eq!(
        rewrite.attr("image").map(|a| a.value.as_str()),
        Some("%SystemRoot%\\system32\\inetsrv\\rewrite.dll")
    );
    let arr = named(global, "add", "ApplicationRequestRouting");
    assert_eq!(arr.pos, pos(240, 13));
    assert_eq!(arr.attr("image").map(|a| a.pos), Some(pos(240, 51)));

    // Enabled as well as registered: system.webServer/modules.
    let enabled = at(root, &["system.webServer", "modules"]);
    assert_eq!(enabled.pos, pos(291, 9));
    assert_eq!(named(enabled, "add", "RewriteModule").pos, pos(302, 13));
    assert_eq!(
        named(enabled, "add", "ApplicationRequestRouting").pos,
        pos(303, 13)
    );
}

#[test]
fn application_host_declares_the_websocket_section() {
    let doc = load("applicationHost.arr-rewrite-no-websocket.config");
    let sections = at(&doc.root, &["configSections"]);
    assert_eq!(sections.pos, pos(42, 5));
    let web_server = named(sections, "sectionGroup", "system.webServer");
    assert_eq!(web_server.pos, pos(54, 9));
    let web_socket = named(web_server, "section", "webSocket");
    assert_eq!(web_socket.pos, pos(104, 13));
    assert_eq!(
        web_socket
            .attr("overrideModeDefault")
            .map(|a| a.value.as_str()),
        Some("Deny")
    );
    // Declared, but not configured anywhere and no module registered for it.
    assert!(
        doc.root
            .child("system.webServer")
            .is_some_and(|s| s.child("webSocket").is_none())
    );
}

#[test]
fn application_host_location_element() {
    let doc = load("applicationHost.arr-rewrite-no-websocket.config");
    let location = with_attr(&doc.root, "location", "path", "Default Web Site");
    assert_eq!(location.pos, pos(767, 5));
    let allowed = at(
        location,
        &["system.webServer", "rewrite", "allowedServerVariables"],
    );
    assert_eq!(
        names(allowed, "add"),
        ["HTTP_ACCEPT_ENCODING", "HTTP_X_ORIGINAL_ACCEPT_ENCODING"]
    );
}

#[test]
fn site_web_config_rewrite_rules() {
    let doc = load("site-web.config");
    assert_eq!(doc.encoding, Encoding::Utf8);
    assert_eq!(doc.root.pos, pos(2, 1));
    let rewrite = at(&doc.root, &["system.webServer", "rewrite"]);

    let inbound = at(rewrite, &["rules"]);
    assert_eq!(names(inbound, "rule"), ["ReverseProxyInboundRule1"]);
    let rule = named(inbound, "rule", "ReverseProxyInboundRule1");
    assert_eq!(rule.pos, pos(6, 17));
    assert_eq!(
        rule.attr("stopProcessing").map(|a| a.value.as_str()),
        Some("true")
    );
    let action = at(rule, &["action"]);
    assert_eq!(action.pos, pos(11, 21));
    assert_eq!(
        action.attr("url").map(|a| a.value.as_str()),
        Some("https://database-1.cffntbampvu0.ap-southeast-2.rds.amazonaws.com:8085/{R:1}")
    );
    let empty = named(
        at(rule, &["serverVariables"]),
        "set",
        "HTTP_ACCEPT_ENCODING",
    );
    assert_eq!(empty.pos, pos(14, 25));
    assert_eq!(empty.attr("value").map(|a| a.value.as_str()), Some(""));

    let outbound = at(rewrite, &["outboundRules"]);
    assert_eq!(
        names(outbound, "rule"),
        ["ReverseProxyOutboundRule1", "RestoreAcceptEncoding"]
    );
    let conditions = at(outbound, &["preConditions"]);
    assert_eq!(
        names(conditions, "preCondition"),
        ["ResponseIsHtml1", "NeedsRestoringAcceptEncoding"]
    );
    assert_eq!(
        named(conditions, "preCondition", "NeedsRestoringAcceptEncoding").pos,
        pos(31, 21)
    );
}

#[test]
fn real_files_survive_re_encoding_as_utf16() {
    for name in [
        "applicationHost.arr-rewrite-no-websocket.config",
        "site-web.config",
    ] {
        let original = load(name);
        let path = format!(
            "{}/tests/data/real-world/iis/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        // As Notepad's "Unicode": UTF-16LE with a byte order mark.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let unicode = xml::parse(&bytes).unwrap_or_else(|e| panic!("{path}: {e}"));
        assert_eq!(unicode.encoding, Encoding::Utf16Le);
        assert_eq!(unicode.root, original.root, "{name}");
    }
}

#[test]
fn truncated_real_file_is_refused_at_the_open_element() {
    let path = format!(
        "{}/tests/data/real-world/iis/site-web.config",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    // Cut right after line 17 (`</rules>`): <rewrite> (line 4) is the innermost open one.
    let cut = bytes
        .split_inclusive(|&b| b == b'\n')
        .take(17)
        .map(<[u8]>::len)
        .sum::<usize>();
    let error = xml::parse(&bytes[..cut]).expect_err("a truncated file must not parse");
    assert_eq!(error.pos, Some(pos(4, 9)));
    assert!(error.message.contains("<rewrite> is not closed"), "{error}");
}
