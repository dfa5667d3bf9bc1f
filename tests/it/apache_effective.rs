//! `effective` over in-memory config trees.

use std::collections::BTreeMap;
use upgate::apache::{ConfigFiles, Effective, EntryKind, MAX_OPS, ProblemKind, effective};

/// Files by path; folders are implied by prefixes. Windows paths (`X:`) are looked up
/// case-insensitively, as on Windows, but listed as stored.
#[derive(Default)]
struct Mem(BTreeMap<String, (String, Vec<u8>)>);

const UNREADABLE: &[u8] = b"\0unreadable";

fn fold(path: &str) -> String {
    if path.as_bytes().get(1) == Some(&b':') {
        path.to_lowercase()
    } else {
        path.to_owned()
    }
}

fn prefix(dir: &str) -> String {
    let dir = fold(dir);
    if dir.ends_with('/') { dir } else { dir + "/" }
}

impl Mem {
    fn new(files: &[(&str, &str)]) -> Mem {
        let mut mem = Mem::default();
        for (path, text) in files {
            mem.add(path, text.as_bytes());
        }
        mem
    }
    fn add(&mut self, path: &str, bytes: &[u8]) {
        self.0.insert(fold(path), (path.to_owned(), bytes.to_vec()));
    }
}

impl ConfigFiles for Mem {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        if self.0.contains_key(&fold(path)) {
            return Ok(Some(EntryKind::File));
        }
        let prefix = prefix(path);
        Ok(self
            .0
            .keys()
            .any(|k| k.starts_with(&prefix))
            .then_some(EntryKind::Dir))
    }
    fn read(&self, path: &str) -> Result<Vec<u8>, String> {
        match self.0.get(&fold(path)) {
            Some((_, bytes)) if bytes == UNREADABLE => Err("permission denied".into()),
            Some((_, bytes)) => Ok(bytes.clone()),
            None => Err("no such file".into()),
        }
    }
    fn list(&self, dir: &str) -> Result<Vec<String>, String> {
        let prefix = prefix(dir);
        let mut names: Vec<String> = (self.0.iter().rev())
            .filter(|(k, _)| k.starts_with(&prefix))
            .map(|(_, (orig, _))| orig[prefix.len()..].split('/').next().unwrap().to_owned())
            .collect();
        names.dedup();
        Ok(names)
    }
}

fn kinds(e: &Effective) -> Vec<ProblemKind> {
    e.problems.iter().map(|p| p.kind).collect()
}

fn names(e: &Effective) -> Vec<&str> {
    e.modules.iter().map(|m| m.name.as_str()).collect()
}

#[test]
fn continuation_comments_quotes_and_case() {
    let fs = Mem::new(&[
        (
            "/etc/apache2/apache2.conf",
            "# LoadModule x_module x.so\n\
         loadmodule a_module \\\n    \"/usr/lib/a dir/mod_a.so\"\n\
         LOADMODULE b_module /b.so # trailing text is data\n\
         INCLUDE \"sub dir/x.conf\"\n",
        ),
        (
            "/etc/apache2/sub dir/x.conf",
            "  LoadModule  c_module  'c.so'\n",
        ),
    ]);
    let e = effective("/etc/apache2/apache2.conf", &fs);
    // `LoadModule` with three arguments is an httpd error, and httpd stops there.
    assert_eq!(names(&e), ["a_module"]);
    let a = e.loaded("a_module").unwrap();
    assert_eq!((a.path.as_str(), a.line), ("/usr/lib/a dir/mod_a.so", 2));
    assert_eq!(kinds(&e), [ProblemKind::Syntax]);
    assert_eq!(e.problems[0].line, Some(4));
    assert_eq!(e.commented_modules.len(), 1);
    assert_eq!(e.files, ["/etc/apache2/apache2.conf"]);
    let fs = Mem::new(&[
        ("/etc/apache2/apache2.conf", "INCLUDE \"sub dir/x.conf\"\n"),
        (
            "/etc/apache2/sub dir/x.conf",
            "  LoadModule  c_module  'c.so'\n",
        ),
    ]);
    let e = effective("/etc/apache2/apache2.conf", &fs);
    let c = e.loaded("c_module").unwrap();
    assert_eq!(
        (c.file.as_str(), c.line),
        ("/etc/apache2/sub dir/x.conf", 1)
    );
}

#[test]
fn defines_apply_in_order_and_only_path_variables_are_problems() {
    let fs = Mem::new(&[
        (
            "/srv/main.conf",
            "LoadModule early_module ${MODS}/early.so\n\
             Define MODS /opt/mods\nDefine FLAG\n\
             LoadModule late_module ${MODS}/late.so\n\
             ErrorLog ${APACHE_LOG_DIR}/error.log\n\
             Include ${NOPE}/x.conf\nIncludeOptional ${NOPE2}/*.conf\n\
             Include defs.conf\nLoadModule after_module ${LATER}\n\
             UnDefine MODS\nLoadModule gone_module ${MODS}\n",
        ),
        ("/srv/defs.conf", "Define LATER \"/a b\"\n"),
    ]);
    let e = effective("/srv/main.conf", &fs);
    let paths: Vec<&str> = e.modules.iter().map(|m| m.path.as_str()).collect();
    // An unknown layout's environment is unknown: undefined variables in paths
    // are reported and the directive ignored. `${LATER}` is expanded over the whole
    // line before splitting, so `LoadModule after_module /a b` has three arguments,
    // which httpd refuses (and stops).
    assert_eq!(paths, ["/opt/mods/late.so"]);
    use ProblemKind::{Syntax, UndefinedVariable as Undef};
    assert_eq!(kinds(&e), [Undef, Undef, Undef, Syntax]);
    let lines: Vec<_> = e.problems.iter().map(|p| p.line).collect();
    assert_eq!(lines, [Some(1), Some(6), Some(7), Some(9)]);
    assert!(e.problems[2].message.contains("${NOPE2}"));
    assert_eq!(e.defines.get("FLAG"), Some(&None));
    assert_eq!(e.defines.get("LATER"), Some(&Some("/a b".into())));
    assert_eq!(e.defines.get("mods"), None);
}

#[test]
fn ifmodule_counts_and_false_ifdefine_skips() {
    let fs = Mem::new(&[
        (
            "/etc/httpd/httpd.conf",
            "<IfModule !proxy_module>\n  LoadModule proxy_module p.so\n</IfModule>\n\
             <IfModule mod_proxy.c>\n<IfVersion >= 2.4>\nLoadModule b_module b.so\n</IfVersion>\n</IfModule>\n\
             <IfDefine WS>\n  LoadModule ws_module ws.so\n  <IfModule x>\n  Include missing.conf\n  </IfModule>\n\
               #LoadModule hidden_module h.so\n</IfDefine>\n\
             <IfDefine !WS>\n<VirtualHost *:80>\nInclude vhost.conf\n</VirtualHost>\n</IfDefine>\n\
             Define WS\n<ifdefine WS>\nLoadModule ws2_module ws2.so\n</ifdefine>\n\
             <IfDefine !WS>\nLoadModule no_module no.so\n</IfDefine>\n",
        ),
        ("/etc/httpd/vhost.conf", "LoadModule v_module v.so\n"),
    ]);
    let e = effective("/etc/httpd/httpd.conf", &fs);
    // <IfVersion> without a known version is not evaluated: b_module is only maybe.
    assert_eq!(names(&e), ["proxy_module", "v_module", "ws2_module"]);
    assert_eq!(e.uncertain_modules.len(), 1);
    assert_eq!(e.uncertain_modules[0].0.name, "b_module");
    assert!(e.uncertain_modules[0].1.contains("version is unknown"));
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert!(e.commented_modules.is_empty());
    let taken: Vec<_> = e.decisions.iter().map(|d| d.taken).collect();
    assert_eq!(
        taken,
        [
            Some(true),
            Some(true),
            None,
            Some(false),
            Some(true),
            Some(true),
            Some(false)
        ]
    );
}

#[test]
fn include_and_include_optional_with_nothing_there() {
    let fs = Mem::new(&[
        (
            "/etc/httpd/conf/httpd.conf",
            "IncludeOptional conf.d/*.conf\nIncludeOptional nothere.conf\nIncludeOptional nodir/*/x.conf\n\
             Include conf.d/*.conf\nInclude nothere.conf\nInclude other/*.conf\n",
        ),
        ("/etc/httpd/conf/other/readme.txt", ""),
    ]);
    let e = effective("/etc/httpd/conf/httpd.conf", &fs);
    // httpd stops at the first plain Include that matches nothing.
    assert_eq!(kinds(&e), [ProblemKind::IncludeMatchedNothing]);
    assert_eq!(e.problems[0].line, Some(4));
    assert_eq!(e.files.len(), 1);
}

#[test]
fn server_root_or_main_folder_is_the_base() {
    let fs = Mem::new(&[
        (
            "/etc/httpd/conf/httpd.conf",
            "Include a.conf\nServerRoot \"/etc/httpd\"\nInclude a.conf\nServerRoot ${UNSET}\nInclude a.conf\n",
        ),
        ("/etc/httpd/conf/a.conf", "LoadModule conf_module c.so\n"),
        ("/etc/httpd/a.conf", "LoadModule root_module r.so\n"),
    ]);
    let e = effective("/etc/httpd/conf/httpd.conf", &fs);
    // RHEL's compiled-in ServerRoot is /etc/httpd, not the main file's folder; the
    // environment is known (empty), so `${UNSET}` stays literal and is no folder.
    assert_eq!(names(&e), ["root_module", "root_module"]);
    assert_eq!(e.server_root.as_deref(), Some("/etc/httpd"));
    assert_eq!(kinds(&e), [ProblemKind::Syntax]);
    assert_eq!(e.problems[0].line, Some(4));
}

#[test]
fn folder_include_is_recursive_and_sorted() {
    let fs = Mem::new(&[
        ("/etc/apache2/apache2.conf", "Include conf/\n"),
        ("/etc/apache2/conf/b.conf", "LoadModule b_module b.so\n"),
        ("/etc/apache2/conf/a/z.conf", "LoadModule az_module az.so\n"),
        (
            "/etc/apache2/conf/.hidden",
            "LoadModule hidden_module h.so\n",
        ),
        ("/etc/apache2/conf/C.txt", "LoadModule c_module c.so\n"),
    ]);
    let e = effective("/etc/apache2/apache2.conf", &fs);
    assert_eq!(
        names(&e),
        ["hidden_module", "c_module", "az_module", "b_module"]
    );
    assert!(e.problems.is_empty());
}

#[test]
fn wildcards_in_folder_components() {
    let fs = Mem::new(&[
        (
            "/etc/apache2/apache2.conf",
            "Include conf.d/*/*.conf\nInclude /etc/apache2/site?/[a-b]*.conf\n",
        ),
        ("/etc/apache2/conf.d/b/1.conf", "LoadModule b1_module x\n"),
        ("/etc/apache2/conf.d/a/2.conf", "LoadModule a2_module x\n"),
        ("/etc/apache2/conf.d/a/1.conf", "LoadModule a1_module x\n"),
        ("/etc/apache2/conf.d/file.conf", "LoadModule top_module x\n"),
        (
            "/etc/apache2/conf.d/.dot/1.conf",
            "LoadModule dot_module x\n",
        ),
        ("/etc/apache2/site1/b.conf", "LoadModule s1_module x\n"),
        ("/etc/apache2/site1/c.conf", "LoadModule c_module x\n"),
    ]);
    let e = effective("/etc/apache2/apache2.conf", &fs);
    assert_eq!(
        names(&e),
        ["a1_module", "a2_module", "b1_module", "s1_module"]
    );
    assert!(e.problems.is_empty());
}

#[test]
fn include_cycle_and_deep_nesting_are_recursion() {
    let mut files = vec![
        (
            "/c/main.conf".to_owned(),
            "Include loop/a.conf\nInclude chain0.conf\nLoadModule end_module e.so\n".to_owned(),
        ),
        ("/c/loop/a.conf".into(), "Include loop/*.conf\n".into()),
        ("/c/loop/b.conf".into(), "LoadModule b_module b.so\n".into()),
    ];
    for i in 0..200 {
        files.push((
            format!("/c/chain{i}.conf"),
            format!("Include chain{}.conf\n", i + 1),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, t)| (p.as_str(), t.as_str()))
        .collect();
    let e = effective("/c/main.conf", &Mem::new(&refs));
    // httpd stops at the first: the cycle (httpd itself reports the nesting depth).
    assert_eq!(names(&e), [] as [&str; 0]);
    assert_eq!(kinds(&e), [ProblemKind::Recursion]);
    assert!(e.problems[0].message.contains("cycle"));
    let refs: Vec<(&str, &str)> = refs
        .into_iter()
        .filter(|(p, _)| !p.contains("loop"))
        .collect();
    let mut refs = refs;
    refs[0].1 = "Include chain0.conf\n";
    let e = effective("/c/main.conf", &Mem::new(&refs));
    assert_eq!(kinds(&e), [ProblemKind::Recursion]);
    assert!(e.problems[0].message.contains("deeper than 128"));
}

/// An endless tree: every folder holds two more (a folder symlinked into itself twice).
struct Fractal;

impl ConfigFiles for Fractal {
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String> {
        Ok(Some(if path == "/main.conf" {
            EntryKind::File
        } else {
            EntryKind::Dir
        }))
    }
    fn read(&self, _: &str) -> Result<Vec<u8>, String> {
        Ok(b"Include /loop\nIncludeOptional /loop/*/*/x\n".to_vec())
    }
    fn list(&self, _: &str) -> Result<Vec<String>, String> {
        Ok(vec!["b".into(), "a".into()])
    }
}

#[test]
fn endless_folder_loops_stop() {
    let e = effective("/main.conf", &Fractal);
    // Stopped by the operation budget (or the nesting cap), once.
    assert_eq!(kinds(&e), [ProblemKind::Recursion]);
    let _ = MAX_OPS;
}

#[test]
fn windows_backslashes_and_case_insensitive_globs() {
    let fs = Mem::new(&[
        (
            "C:/Apache24/conf/httpd.conf",
            "ServerRoot C:\\Apache24\nInclude conf\\Extra\\*.CONF\n",
        ),
        (
            "C:/Apache24/conf/extra/httpd-Proxy.conf",
            "LoadModule proxy_module modules/mod_proxy.so\n",
        ),
        (
            "C:/Apache24/conf/extra/other.txt",
            "LoadModule no_module x\n",
        ),
    ]);
    let e = effective("C:\\Apache24\\conf\\httpd.conf", &fs);
    assert_eq!(e.server_root.as_deref(), Some("C:/Apache24"));
    assert_eq!(names(&e), ["proxy_module"]);
    // Components without wildcards stay as written; the caller folds case.
    assert_eq!(e.modules[0].file, "C:/Apache24/conf/Extra/httpd-Proxy.conf");
    assert!(e.problems.is_empty(), "{:?}", e.problems);
}

#[test]
fn crlf_bom_and_bad_utf8() {
    let mut fs = Mem::new(&[]);
    fs.add(
        "/a/main.conf",
        b"\xEF\xBB\xBFLoadModule a_module a.so\r\nInclude b.conf\r\n",
    );
    fs.add("/a/b.conf", b"# caf\xE9\r\nLoadModule b_module b.so\r\n");
    let e = effective("/a/main.conf", &fs);
    // httpd does not strip a byte order mark: `Invalid command '\xef\xbb\xbfLoadModule'`.
    assert_eq!(names(&e), [] as [&str; 0]);
    assert_eq!(kinds(&e), [ProblemKind::Syntax]);
    assert_eq!(e.problems[0].line, Some(1));
    fs.add(
        "/a/main.conf",
        b"LoadModule a_module a.so\r\nInclude b.conf\r\n",
    );
    let e = effective("/a/main.conf", &fs);
    assert_eq!(names(&e), ["a_module", "b_module"]);
    assert_eq!(e.modules[1].path, "b.so");
    assert_eq!(kinds(&e), [ProblemKind::NotUtf8]);
    assert_eq!(e.problems[0].file, "/a/b.conf");
}

#[test]
fn unbalanced_sections_are_syntax_problems() {
    let fs = Mem::new(&[
        (
            "/a/main.conf",
            "Include b.conf\n</IfModule>\n<IfModule x>\n</Directory>\nLoadModule a_module a.so \\\n",
        ),
        (
            "/a/b.conf",
            "<IfModule x>\n<Directory />\n</IfModule>\nLoadModule b_module b.so\n",
        ),
    ]);
    let e = effective("/a/main.conf", &fs);
    // httpd stops at the first error: the mismatched close in b.conf.
    assert_eq!(names(&e), [] as [&str; 0]);
    let found: Vec<_> = e
        .problems
        .iter()
        .map(|p| (p.kind, p.file.as_str(), p.line))
        .collect();
    let syntax = ProblemKind::Syntax;
    assert_eq!(
        found,
        [
            // <IfModule x> is false: soaked to its end, which nesting hides.
            (syntax, "/a/b.conf", Some(1)),
        ]
    );
    // Each on its own: a stray close, a close of another name, a section left open.
    for (text, line) in [
        ("</IfModule>\n", 1),
        ("<IfModule x>\n</Directory>\n", 1), // soaked: only its own end counts
        ("<IfModule so_module>\n</Directory>\n", 2),
        ("<Directory />\n", 1),
        ("<IfModule nope_module>\n", 1),
    ] {
        let e = effective("/a/main.conf", &Mem::new(&[("/a/main.conf", text)]));
        assert_eq!(kinds(&e), [syntax], "{text}");
        assert_eq!(e.problems[0].line, Some(line), "{text}");
    }
    // httpd 2.4.71 accepts a true conditional left open and a `\` on the last line.
    let text = "LoadModule so2_module s.so\n<IfDefine !X>\nLoadModule a_module a.so \\\n";
    let e = effective("/a/main.conf", &Mem::new(&[("/a/main.conf", text)]));
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(names(&e), ["so2_module", "a_module"]);
}

#[test]
fn missing_or_unreadable_files() {
    let e = effective("/etc/apache2/apache2.conf", &Mem::new(&[]));
    assert_eq!(kinds(&e), [ProblemKind::MainMissing]);
    assert!(e.files.is_empty());

    let mut fs = Mem::new(&[("/a/main.conf", "IncludeOptional locked.conf\n")]);
    fs.add("/a/locked.conf", UNREADABLE);
    let e = effective("/a/main.conf", &fs);
    assert_eq!(kinds(&e), [ProblemKind::Unreadable]);
    assert!(e.problems[0].message.contains("permission denied"));
    assert_eq!(e.problems[0].line, Some(1));
}

#[test]
fn rhel_style_tree() {
    let fs = Mem::new(&[
        (
            "/etc/httpd/conf/httpd.conf",
            "# This is the main Apache HTTP server configuration file.\n\
             ServerRoot \"/etc/httpd\"\n\
             Listen 80\n\
             Include conf.modules.d/*.conf\n\
             User apache\nGroup apache\n\
             <Directory />\n    AllowOverride none\n    Require all denied\n</Directory>\n\
             IncludeOptional conf.d/*.conf\n",
        ),
        (
            "/etc/httpd/conf.modules.d/00-base.conf",
            "LoadModule access_compat_module modules/mod_access_compat.so\n\
             LoadModule rewrite_module modules/mod_rewrite.so\n",
        ),
        (
            "/etc/httpd/conf.modules.d/00-proxy.conf",
            "# This file configures all the proxy modules:\n\
             LoadModule proxy_module modules/mod_proxy.so\n\
             LoadModule lbmethod_bybusyness_module modules/mod_lbmethod_bybusyness.so\n\
             LoadModule proxy_http_module modules/mod_proxy_http.so\n\
             LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so\n",
        ),
        (
            "/etc/httpd/conf.modules.d/00-mpm.conf",
            "LoadModule mpm_event_module modules/mod_mpm_event.so\n",
        ),
        (
            "/etc/httpd/conf.d/welcome.conf",
            "<LocationMatch \"^/+$\">\n    Options -Indexes\n</LocationMatch>\n",
        ),
    ]);
    let e = effective("/etc/httpd/conf/httpd.conf", &fs);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.server_root.as_deref(), Some("/etc/httpd"));
    let ws = e.loaded("proxy_wstunnel_module").unwrap();
    assert_eq!(
        (ws.file.as_str(), ws.line),
        ("/etc/httpd/conf.modules.d/00-proxy.conf", 5)
    );
    assert_eq!(
        e.loaded("proxy_module").unwrap().path,
        "modules/mod_proxy.so"
    );
    assert_eq!(
        e.files,
        [
            "/etc/httpd/conf/httpd.conf",
            "/etc/httpd/conf.modules.d/00-base.conf",
            "/etc/httpd/conf.modules.d/00-mpm.conf",
            "/etc/httpd/conf.modules.d/00-proxy.conf",
            "/etc/httpd/conf.d/welcome.conf",
        ]
    );
}

#[test]
fn upstream_windows_tree() {
    let fs = Mem::new(&[
        (
            "C:/Apache24/conf/httpd.conf",
            "# Apache HTTP Server configuration (Windows binary layout)\n\
             Define SRVROOT \"c:/Apache24\"\n\
             ServerRoot \"${SRVROOT}\"\n\
             Listen 80\n\
             LoadModule actions_module modules/mod_actions.so\n\
             LoadModule proxy_module modules/mod_proxy.so\n\
             #LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so\n\
             <IfModule unixd_module>\nUser daemon\n</IfModule>\n\
             DocumentRoot \"${SRVROOT}/htdocs\"\n\
             <Directory \"${SRVROOT}/htdocs\">\n    Require all granted\n</Directory>\n\
             # Proxy settings\n\
             Include conf/extra/httpd-proxy.conf\n",
        ),
        (
            "C:/Apache24/conf/extra/httpd-proxy.conf",
            "ProxyPass \"/app\" \"http://127.0.0.1:8080/\"\n",
        ),
    ]);
    let e = effective("C:/Apache24/conf/httpd.conf", &fs);
    assert!(e.problems.is_empty(), "{:?}", e.problems);
    assert_eq!(e.server_root.as_deref(), Some("c:/Apache24"));
    assert_eq!(e.files[1], "c:/Apache24/conf/extra/httpd-proxy.conf");
    assert!(e.loaded("proxy_module").is_some());
    assert!(e.loaded("proxy_wstunnel_module").is_none());
    let hint = &e.commented_modules[0];
    assert_eq!(
        (hint.name.as_str(), hint.line),
        ("proxy_wstunnel_module", 7)
    );
    assert_eq!(hint.file, "C:/Apache24/conf/httpd.conf");
    assert_eq!(e.defines.get("SRVROOT"), Some(&Some("c:/Apache24".into())));
}

#[test]
fn what_an_undecidable_conditional_sets_stays_undecided() {
    // No version known: <IfVersion> is not evaluated, so neither is a Define inside it,
    // nor a ServerRoot: the modules that depend on them are only "maybe".
    let fs = Mem::new(&[
        (
            "/srv/h/conf/httpd.conf",
            "LoadModule proxy_module p.so\n<IfVersion >= 2.4>\nDefine WS\n</IfVersion>\n\
             <IfDefine WS>\nLoadModule proxy_wstunnel_module w.so\n</IfDefine>\n\
             <IfVersion >= 2.4>\nServerRoot /srv/h\n</IfVersion>\nLoadModule late_module l.so\n",
        ),
        ("/srv/h/x", ""),
    ]);
    let e = effective("/srv/h/conf/httpd.conf", &fs);
    assert_eq!(names(&e), ["proxy_module"]);
    let maybe: Vec<&str> = e
        .uncertain_modules
        .iter()
        .map(|(m, _)| m.name.as_str())
        .collect();
    assert_eq!(maybe, ["proxy_wstunnel_module", "late_module"]);
    assert!(
        e.uncertain_modules[0]
            .1
            .contains("WS was set or unset inside <IfVersion")
    );
    assert!(
        e.uncertain_modules[1]
            .1
            .starts_with("a ServerRoot set inside")
    );
}

#[test]
fn a_define_doubling_per_line_stops_at_the_expansion_bound() {
    // Issue 15: 30 lines of `Define Vn ${Vn-1}${Vn-1}` once took gigabytes.
    let mut text = String::from("LoadModule proxy_module m.so\nDefine V0 xxxxxxxx\n");
    for i in 1..=40 {
        text.push_str(&format!("Define V{i} ${{V{}}}${{V{}}}\n", i - 1, i - 1));
    }
    let e = effective("/c/main.conf", &Mem::new(&[("/c/main.conf", &text)]));
    assert_eq!(kinds(&e), [ProblemKind::Limit]);
    // Line 2 defines V0 (8 bytes); V14 (line 16) is the first past the bound.
    assert_eq!(e.problems[0].line, Some(16));
    assert!(
        e.problems[0]
            .message
            .contains(&upgate::apache::MAX_EXPANDED.to_string())
    );
    assert!(e.refusal().is_some(), "nothing may pass on what was read");
}

#[test]
fn the_file_operation_budget_refuses() {
    let e = effective("/main.conf", &Fractal);
    let r = e.refusal().expect("a refusal, never a pass");
    assert!(
        r.message.contains("gave up after") || r.message.contains("deeper than"),
        "{}",
        r.message
    );
}
