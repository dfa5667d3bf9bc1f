//! The differential test: upgate's effective Apache configuration against Debian's
//! real httpd 2.4 (`apache2 -t -D DUMP_MODULES`).
//!
//! Each configuration tree (hand-written edge cases for every semantic in
//! `src/apache.rs`, then seeded random trees mixing includes, globs, conditionals,
//! variables and symlinks) is written into its own chroot, at the same absolute paths
//! httpd reads (`/etc/apache2/apache2.conf`, ...). The chroot's `/usr/sbin/apache2`, its
//! shared libraries (from `ldd`, for the binary and every module) and
//! `/usr/lib/apache2/modules` are hard links into one template made once per run (bind
//! mounts may be unavailable in a sandbox; `chroot` needs only root). httpd runs with
//! the environment the tree's `/etc/apache2/envvars` exports, as `apache2ctl` and the
//! systemd unit give it. upgate reads the same tree through the adapter NPS009 uses
//! (`inputs::apache::config_files`, confined to the tree as a snapshot root).
//!
//! Compared: httpd's shared-module list, or its refusal to start, with upgate's modules
//! or its refusal. Required: no false pass (upgate has `proxy_wstunnel_module` and
//! `proxy_module` loaded where httpd does not), at least 99% agreement, and every
//! difference listed in [`EXPLAINED`].
//!
//! Figures (Debian httpd 2.4.71, 362 trees: 42 edge cases + 320 random; the test
//! prints them):
//! - before (the model that took every conditional as true, commit e7c36d7; counted as
//!   NPS009 read it: a pass where both modules were collected, else refused on its own
//!   syntax or include problems): 140 agree, 133 false passes, 3 false fails;
//! - after: 359 agree (99.2%), 0 false passes, 2 false fails (the not-evaluated
//!   `<IfVersion>`/`<IfDirective>` trees in [`EXPLAINED`]; never a pass);
//! - httpd refuses 181 of the trees; 178 agreements are on a module list, and httpd
//!   loads proxy_wstunnel and proxy in 56 trees.
//!
//! Measured here, against the expectations: httpd 2.4.71 accepts a `\` on the
//! last line and a true conditional left open at the end of the main file; it refuses a
//! byte order mark before a directive, a provider of mod_proxy loaded before it, and a
//! `LoadModule` whose path keeps an undefined `${VAR}`. In CI (`CI=true`) a missing `apache2` or root is
//! a failure; elsewhere the test is skipped with the reason printed.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::process::Command;

use upgate::apache::{Effective, Options, effective_with};
use upgate::inputs::apache::config_files;
use upgate::path::Env;
use upgate::server::Server;

const MAIN: &str = "/etc/apache2/apache2.conf";
const MODS: &str = "/usr/lib/apache2/modules";
const PREAMBLE: &str = "ServerName localhost\nErrorLog /tmp/error.log\nLoadModule mpm_prefork_module /usr/lib/apache2/modules/mod_mpm_prefork.so\n";

/// Differences with httpd that are understood: tree name and why.
const EXPLAINED: &[(&str, &str)] = &[
    (
        "ifdirective-unknown",
        "<IfDirective ProxyPass> depends on mod_proxy's directive table, which upgate does not model: not evaluated, never a pass",
    ),
    (
        "ifversion",
        "<IfVersion !~ ^1> is a regular expression, not evaluated: not evaluated, never a pass",
    ),
    (
        "ifversion-regex",
        "<IfVersion ~ ...> regular expressions are not evaluated: not evaluated, never a pass",
    ),
];

#[derive(Default, Clone)]
struct Tree {
    name: String,
    files: Vec<(String, Vec<u8>)>,
    links: Vec<(String, String)>,
    env: Vec<(String, String)>,
}

impl Tree {
    fn new(name: &str, main_body: &str) -> Tree {
        let mut t = Tree {
            name: name.into(),
            ..Tree::default()
        };
        t.file(MAIN, &format!("{PREAMBLE}{main_body}"));
        t
    }
    fn file(&mut self, path: &str, text: &str) -> &mut Tree {
        self.files.push((path.into(), text.as_bytes().to_vec()));
        self
    }
    fn bytes(&mut self, path: &str, bytes: &[u8]) -> &mut Tree {
        self.files.push((path.into(), bytes.to_vec()));
        self
    }
    fn link(&mut self, path: &str, target: &str) -> &mut Tree {
        self.links.push((path.into(), target.into()));
        self
    }
    fn env(&mut self, name: &str, value: &str) -> &mut Tree {
        self.env.push((name.into(), value.into()));
        self
    }
}

fn lm(module: &str) -> String {
    let short = module.strip_suffix("_module").unwrap();
    format!("LoadModule {module} {MODS}/mod_{short}.so\n")
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Refused(String),
    Loaded(BTreeSet<String>),
    NotEvaluated(String),
}

fn edge_cases() -> Vec<Tree> {
    let mut v = Vec::new();
    let ws = lm("proxy_wstunnel_module");
    let px = lm("proxy_module");
    // 1. Read-time conditionals, in order.
    let mut t = Tree::new("ifmodule-order", "IncludeOptional conf.d/*.conf\n");
    t.file(
        "/etc/apache2/conf.d/00-ws.conf",
        &format!("<IfModule proxy_module>\n{ws}</IfModule>\n"),
    )
    .file("/etc/apache2/conf.d/10-proxy.conf", &px);
    v.push(t);
    let mut t = Tree::new("ifmodule-after", "IncludeOptional conf.d/*.conf\n");
    t.file("/etc/apache2/conf.d/00-proxy.conf", &px).file(
        "/etc/apache2/conf.d/10-ws.conf",
        &format!("<IfModule mod_proxy.c>\n{ws}</IfModule>\n"),
    );
    v.push(t);
    v.push(Tree::new(
        "ifmodule-case",
        &format!("{px}<IfModule Proxy_Module>\n{ws}</IfModule>\n"),
    ));
    v.push(Tree::new(
        "ifmodule-negated",
        &format!("<IfModule !proxy_module>\n{px}{ws}</IfModule>\n"),
    ));
    v.push(Tree::new("ifmodule-static", &format!("<IfModule version_module>\n{px}</IfModule>\n<IfModule mod_version.c>\n{ws}</IfModule>\n")));
    v.push(Tree::new(
        "ifmodule-mpm-file",
        &format!("<IfModule prefork.c>\n{px}</IfModule>\n"),
    ));
    v.push(Tree::new("ifdefine", &format!("<IfDefine WS>\n{px}</IfDefine>\nDefine WS\n<IfDefine WS>\n{ws}</IfDefine>\n<IfDefine !WS>\n{}</IfDefine>\n", lm("headers_module"))));
    v.push(Tree::new("define-in-false-section", &format!("<IfModule nope_module>\nDefine WS\nServerRoot /nonexistent\n</IfModule>\n<IfDefine WS>\n{px}</IfDefine>\n")));
    v.push(Tree::new(
        "ifdefine-case",
        &format!("Define ws\n<IfDefine WS>\n{px}</IfDefine>\n"),
    ));
    v.push(Tree::new("ifversion", &format!("<IfVersion >= 2.4>\n{px}</IfVersion>\n<IfVersion < 2.4.10>\n{ws}</IfVersion>\n<IfVersion !~ ^1>\n{}</IfVersion>\n", lm("headers_module"))));
    v.push(Tree::new(
        "ifversion-regex",
        &format!("{px}<IfVersion ~ ^2\\.4>\n{ws}</IfVersion>\n"),
    ));
    v.push(Tree::new(
        "iffile",
        &format!(
            "<IfFile conf.d>\n{px}</IfFile>\n<IfFile !/etc/apache2/apache2.conf>\n{ws}</IfFile>\n"
        ),
    ));
    v.push(Tree::new("ifdirective-core", &format!("<IfDirective LoadModule>\n{px}</IfDirective>\n<IfDirective !Include>\n{ws}</IfDirective>\n")));
    v.push(Tree::new(
        "ifdirective-unknown",
        &format!("{px}<IfDirective ProxyPass>\n{ws}</IfDirective>\n"),
    ));
    v.push(Tree::new(
        "ifsection",
        &format!(
            "<IfSection VirtualHost>\n{px}</IfSection>\n<IfSection !Directory>\n{ws}</IfSection>\n"
        ),
    ));
    // 2. Symlinked folders under a wildcard are not followed; a last component is.
    let mut t = Tree::new(
        "glob-symlinked-folder",
        &format!("{px}IncludeOptional vhosts/*/mods.conf\n"),
    );
    t.file("/etc/apache2/sites/nps/mods.conf", &ws)
        .link("/etc/apache2/vhosts/nps", "../sites/nps")
        .file("/etc/apache2/vhosts/real/mods.conf", &lm("headers_module"));
    v.push(t);
    let mut t = Tree::new(
        "glob-symlinked-file",
        &format!("{px}IncludeOptional vhosts/*.conf\n"),
    );
    t.file("/etc/apache2/sites/ws.conf", &ws)
        .link("/etc/apache2/vhosts/ws.conf", "../sites/ws.conf");
    v.push(t);
    let mut t = Tree::new("folder-include-follows", &format!("{px}Include vhosts\n"));
    t.file("/etc/apache2/sites/ws.conf", &ws)
        .link("/etc/apache2/vhosts", "sites");
    v.push(t);
    // 3. Variables.
    let mut t = Tree::new(
        "variable-case",
        &format!(
            "{px}Define WsConf conf.d/ws.conf\nInclude ${{WSCONF}}\nUnDefine wsconf\nIncludeOptional ${{WsConf}}\n"
        ),
    );
    t.file("/etc/apache2/conf.d/ws.conf", &ws);
    v.push(t);
    v.push(Tree::new(
        "variable-whole-line",
        &format!("Define LM \"proxy_module {MODS}/mod_proxy.so\"\nLoadModule ${{LM}}\n"),
    ));
    v.push(Tree::new(
        "variable-undefined-include",
        &format!("{px}Include ${{NOPE}}/ws.conf\n"),
    ));
    let mut t = Tree::new(
        "variable-undefined-optional",
        &format!("{px}IncludeOptional ${{NOPE}}/ws.conf\n"),
    );
    t.file("/etc/apache2/${NOPE}/ws.conf", &ws);
    v.push(t);
    let mut t = Tree::new("envvars", &format!("{px}Include ${{UPGATE_CONF}}/*.load\n"));
    t.env("UPGATE_CONF", "/etc/apache2/mods")
        .file("/etc/apache2/mods/ws.load", &ws);
    v.push(t);
    // 4. ServerRoot.
    let mut t = Tree::new(
        "serverroot",
        &format!("{px}ServerRoot /srv/alt\nInclude ws.conf\n"),
    );
    t.file("/srv/alt/ws.conf", &ws);
    v.push(t);
    let mut t = Tree::new(
        "serverroot-default",
        &format!("{px}Include conf.d/ws.conf\n"),
    );
    t.file("/etc/apache2/conf.d/ws.conf", &ws);
    v.push(t);
    v.push(Tree::new(
        "serverroot-missing",
        &format!("{px}ServerRoot /nonexistent\n{ws}"),
    ));
    // 5. Refused files.
    let mut t = Tree::new("bom", "Include b.conf\n");
    t.bytes(
        "/etc/apache2/b.conf",
        format!("\u{feff}{px}{ws}").as_bytes(),
    );
    v.push(t);
    let mut t = Tree::new("bom-comment", &format!("{px}Include b.conf\n"));
    t.bytes(
        "/etc/apache2/b.conf",
        format!("\u{feff}# note\n{ws}").as_bytes(),
    );
    v.push(t);
    v.push(Tree::new(
        "unclosed",
        &format!("{px}<IfModule proxy_module>\n{ws}"),
    ));
    v.push(Tree::new(
        "unclosed-false",
        &format!("{px}{ws}<IfModule nope_module>\nDefine X\n"),
    ));
    v.push(Tree::new(
        "unclosed-directory",
        &format!("{px}{ws}<Directory />\n"),
    ));
    v.push(Tree::new(
        "unclosed-nested",
        &format!("{px}{ws}<IfModule proxy_module>\n<Directory />\n"),
    ));
    v.push(Tree::new(
        "mismatched",
        &format!("{px}<IfModule proxy_module>\n{ws}</IfDefine>\n"),
    ));
    v.push(Tree::new("stray-close", &format!("{px}{ws}</IfModule>\n")));
    let mut t = Tree::new(
        "closed-in-other-file",
        &format!("{px}<IfModule proxy_module>\nInclude close.conf\n{ws}"),
    );
    t.file("/etc/apache2/close.conf", "</IfModule>\n");
    v.push(t);
    v.push(Tree::new(
        "continuation-eof",
        &format!("{px}{ws}Define X \\"),
    ));
    v.push(Tree::new(
        "include-self",
        &format!("{px}{ws}Include apache2.conf\n"),
    ));
    let mut t = Tree::new("include-depth-127", &format!("{px}Include d/1.conf\n"));
    for i in 1..127 {
        t.file(
            &format!("/etc/apache2/d/{i}.conf"),
            &format!("Include d/{}.conf\n", i + 1),
        );
    }
    t.file("/etc/apache2/d/127.conf", &ws);
    v.push(t);
    let mut t = Tree::new("include-depth-129", &format!("{px}Include d/1.conf\n"));
    for i in 1..129 {
        t.file(
            &format!("/etc/apache2/d/{i}.conf"),
            &format!("Include d/{}.conf\n", i + 1),
        );
    }
    t.file("/etc/apache2/d/129.conf", &ws);
    v.push(t);
    v.push(Tree::new(
        "include-missing",
        &format!("{px}{ws}Include nothing/*.conf\n"),
    ));
    v.push(Tree::new("ws-before-proxy", &format!("{ws}{px}")));
    v.push(Tree::new(
        "false-section-soaks",
        &format!("{px}<IfModule nope_module>\n<Foo>\n</Bar>\n${{X}} junk\n</IfModule>\n{ws}"),
    ));
    v
}

/// A deterministic generator (a 64-bit LCG).
struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const POOL: &[&str] = &[
    "proxy_module",
    "proxy_wstunnel_module",
    "proxy_http_module",
    "headers_module",
    "rewrite_module",
];

fn statement(r: &mut Rng, depth: usize) -> String {
    let m = r.pick(POOL);
    match r.below(if depth > 1 { 3 } else { 11 }) {
        0 | 1 => lm(m),
        2 => format!(
            "LoadModule {m} ${{MODDIR}}/mod_{}.so\n",
            m.strip_suffix("_module").unwrap()
        ),
        3 | 4 => {
            let c = r.pick(POOL);
            let name = if r.below(2) == 0 {
                c.to_owned()
            } else {
                format!("mod_{}.c", c.strip_suffix("_module").unwrap())
            };
            let neg = if r.below(4) == 0 { "!" } else { "" };
            format!(
                "<IfModule {neg}{name}>\n{}</IfModule>\n",
                statement(r, depth + 1)
            )
        }
        5 => {
            let d = r.pick(&["WS", "Ws", "PROXY", "FOREGROUND"]);
            let neg = if r.below(3) == 0 { "!" } else { "" };
            format!(
                "<IfDefine {neg}{d}>\n{}</IfDefine>\n",
                statement(r, depth + 1)
            )
        }
        6 => format!("Define {}\n", r.pick(&["WS", "Ws", "PROXY"])),
        7 => format!("UnDefine {}\n", r.pick(&["WS", "ws", "PROXY"])),
        8 => {
            let c = r.pick(&[">= 2.4", "< 2.4", "= 2.4.71", "> 2.4.99", "!= 2.2"]);
            format!("<IfVersion {c}>\n{}</IfVersion>\n", statement(r, depth + 1))
        }
        9 => format!(
            "<IfFile {}>\n{}</IfFile>\n",
            r.pick(&["conf.d", "!mods", "/etc/apache2/sites"]),
            statement(r, depth + 1)
        ),
        _ => format!(
            "<IfDirective {}>\n{}</IfDirective>\n",
            r.pick(&["LoadModule", "!Define", "Include"]),
            statement(r, depth + 1)
        ),
    }
}

fn random_tree(seed: u64) -> Tree {
    let mut r = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xA5A5);
    let mut main = String::new();
    if r.below(6) > 0 {
        main.push_str(&format!("Define MODDIR {MODS}\n"));
    }
    let mut body = Vec::new();
    for _ in 0..r.below(3) {
        body.push(statement(&mut r, 0));
    }
    let includes = [
        "IncludeOptional conf.d/*.conf\n",
        "IncludeOptional mods/*.load\n",
        "IncludeOptional vhosts/*/mods.conf\n",
        "IncludeOptional sites\n",
        "IncludeOptional ${SITES}/*.conf\n",
        "Include sites/nps\n",
        "IncludeOptional ${Conf}/x.conf\n",
    ];
    for inc in includes {
        if r.below(2) == 0 {
            body.push(inc.to_owned());
        }
    }
    // The realistic trap: mod_proxy loaded somewhere in the main file, or not.
    if r.below(2) == 0 {
        body.push(lm("proxy_module"));
    }
    // Shuffle the main file's statements.
    for i in (1..body.len()).rev() {
        body.swap(i, r.below(i + 1));
    }
    main.push_str(&body.concat());
    let mut t = Tree::new(&format!("random-{seed}"), &main);
    if r.below(4) > 0 {
        t.env("SITES", "/etc/apache2/sites");
    }
    if r.below(2) == 0 {
        t.file(MAIN.replace("apache2.conf", "x.conf").as_str(), "");
    }
    let dirs = ["conf.d", "mods", "sites", "sites/nps", "vhosts/a"];
    for i in 0..r.below(6) + 1 {
        let dir = r.pick(&dirs);
        let ext = if dir == "mods" { "load" } else { "conf" };
        let name = if dir.starts_with("vhosts") || dir == "sites/nps" {
            "mods.conf".to_owned()
        } else {
            format!("{:02}-f{i}.{ext}", r.below(40))
        };
        let mut text = String::new();
        for _ in 0..r.below(3) + 1 {
            text.push_str(&statement(&mut r, 0));
        }
        t.file(&format!("/etc/apache2/{dir}/{name}"), &text);
    }
    // ... and a guarded proxy_wstunnel read before or after a file loading mod_proxy.
    if r.below(2) == 0 {
        let guard = r.pick(&[
            "proxy_module",
            "mod_proxy.c",
            "!proxy_module",
            "Proxy_module",
        ]);
        let ws = lm("proxy_wstunnel_module");
        t.file(
            &format!("/etc/apache2/conf.d/{:02}-ws.conf", r.below(30)),
            &format!("<IfModule {guard}>\n{ws}</IfModule>\n"),
        );
    }
    if r.below(3) == 0 {
        t.file(
            &format!("/etc/apache2/conf.d/{:02}-proxy.conf", r.below(30)),
            &lm("proxy_module"),
        );
    }
    if r.below(2) == 0 {
        t.link("/etc/apache2/vhosts/nps", "../sites/nps");
    }
    if r.below(3) == 0 {
        t.link("/etc/apache2/conf.d/50-link.conf", "../sites/nps/mods.conf");
    }
    t
}

/// Root and `apache2` are needed; in CI their absence is a failure.
fn prerequisites() -> Option<String> {
    let Ok(uid) = Command::new("id").arg("-u").output() else {
        return Some("cannot run id -u".into());
    };
    let root = String::from_utf8_lossy(&uid.stdout).trim() == "0";
    if !Path::new("/usr/sbin/apache2").exists() {
        return Some("apache2 is not installed (apt-get install apache2)".into());
    }
    if !root {
        return Some("chroot needs root".into());
    }
    None
}

/// The template: httpd, its libraries and modules, hard-linked from the system.
fn template(base: &Path) -> PathBuf {
    let t = base.join("template");
    let mut files: BTreeSet<String> = BTreeSet::new();
    files.insert("/usr/sbin/apache2".into());
    let mut objects = vec!["/usr/sbin/apache2".to_owned()];
    for e in fs::read_dir(MODS).unwrap() {
        objects.push(e.unwrap().path().to_string_lossy().into_owned());
    }
    for o in &objects {
        let out = Command::new("ldd").arg(o).output().unwrap();
        for word in String::from_utf8_lossy(&out.stdout).split_whitespace() {
            if word.starts_with('/') {
                files.insert(word.to_owned());
            }
        }
    }
    for f in files.iter().chain(objects.iter()) {
        let dest = t.join(f.trim_start_matches('/'));
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        let real = fs::canonicalize(f).unwrap();
        if !dest.exists() && fs::hard_link(&real, &dest).is_err() {
            fs::copy(&real, &dest).unwrap();
        }
    }
    fs::create_dir_all(t.join("tmp")).unwrap();
    t
}

fn build(base: &Path, template: &Path, tree: &Tree, version: &str) -> PathBuf {
    let root = base.join(&tree.name);
    let st = Command::new("cp")
        .arg("-al")
        .arg(template)
        .arg(&root)
        .status()
        .unwrap();
    assert!(st.success());
    for (path, bytes) in &tree.files {
        let p = root.join(path.trim_start_matches('/'));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, bytes).unwrap();
    }
    for (path, target) in &tree.links {
        let p = root.join(path.trim_start_matches('/'));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        symlink(target, p).unwrap();
    }
    let envvars: String = tree
        .env
        .iter()
        .map(|(k, v)| format!("export {k}={v}\n"))
        .collect();
    fs::write(root.join("etc/apache2/envvars"), envvars).unwrap();
    let dpkg = root.join("var/lib/dpkg");
    fs::create_dir_all(&dpkg).unwrap();
    fs::write(
        dpkg.join("status"),
        format!("Package: apache2-bin\nStatus: install ok installed\nVersion: {version}\n\n"),
    )
    .unwrap();
    root
}

fn httpd(root: &Path, tree: &Tree) -> Verdict {
    let out = Command::new("/usr/sbin/chroot")
        .arg(root)
        .args(["/usr/sbin/apache2", "-t", "-D", "DUMP_MODULES"])
        .env_clear()
        .envs(tree.env.iter().cloned())
        .current_dir("/")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        let line = err
            .lines()
            .filter(|l| !l.contains("AH0055") && !l.contains(":warn]"))
            .collect::<Vec<_>>()
            .join(" | ");
        return Verdict::Refused(line.to_owned());
    }
    Verdict::Loaded(
        stdout
            .lines()
            .filter_map(|l| l.trim().strip_suffix(" (shared)").map(str::to_owned))
            .collect(),
    )
}

fn upgate(root: &Path) -> (Verdict, Effective) {
    let env = Env::new('C', &BTreeMap::new());
    let server = Server::new(root, 'C', &BTreeMap::new(), env).unwrap();
    let files = config_files(&server);
    let mut options = Options::for_layout(MAIN, &files);
    options.defines.push("DUMP_MODULES".into());
    let e = effective_with(MAIN, &files, &options);
    let v = if let Some(p) = e.refusal() {
        Verdict::Refused(format!("{}:{:?}: {}", p.file, p.line, p.message))
    } else if let Some((m, why)) = e.uncertain_modules.first() {
        Verdict::NotEvaluated(format!("{} in {why}", m.name))
    } else if let Some(p) = e
        .problems
        .iter()
        .find(|p| !matches!(p.kind, upgate::apache::ProblemKind::NotUtf8))
    {
        Verdict::NotEvaluated(p.message.clone())
    } else {
        Verdict::Loaded(e.modules.iter().map(|m| m.name.clone()).collect())
    };
    (v, e)
}

fn wstunnel(v: &Verdict) -> bool {
    matches!(v, Verdict::Loaded(s) if s.contains("proxy_wstunnel_module") && s.contains("proxy_module"))
}

#[test]
fn upgate_agrees_with_httpd() {
    if let Some(reason) = prerequisites() {
        if std::env::var("CI").is_ok_and(|v| v == "true") {
            panic!("differential test cannot run in CI: {reason}");
        }
        eprintln!("skipping the differential test against httpd: {reason}");
        return;
    }
    let version = String::from_utf8(
        Command::new("dpkg-query")
            .args(["-W", "-f=${Version}", "apache2-bin"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let base = std::env::temp_dir().join(format!("upgate-httpd-{}", std::process::id()));
    let _ = fs::remove_dir_all(&base);
    fs::create_dir_all(&base).unwrap();
    let tpl = template(&base);
    let mut trees = edge_cases();
    trees.extend((0..320).map(random_tree));
    let results: Vec<(String, Verdict, Verdict)> = std::thread::scope(|s| {
        let chunks: Vec<&[Tree]> = trees.chunks(trees.len().div_ceil(2)).collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let (base, tpl, version) = (&base, &tpl, &version);
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|t| {
                            let root = build(base, tpl, t, version);
                            let h = httpd(&root, t);
                            let (u, _) = upgate(&root);
                            let _ = fs::remove_dir_all(&root);
                            (t.name.clone(), h, u)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let _ = fs::remove_dir_all(&base);
    let (mut agree, mut false_pass, mut false_fail, mut refusals, mut unexplained) =
        (0, 0, 0, 0, Vec::new());
    for (name, h, u) in &results {
        if matches!(h, Verdict::Refused(_)) {
            refusals += 1;
        }
        let same = match (h, u) {
            (Verdict::Refused(_), Verdict::Refused(_)) => true,
            (Verdict::Loaded(a), Verdict::Loaded(b)) => a == b,
            _ => false,
        };
        if same {
            agree += 1;
            continue;
        }
        if wstunnel(u) && !wstunnel(h) {
            false_pass += 1;
        } else if wstunnel(h) && !wstunnel(u) {
            false_fail += 1;
        }
        if !EXPLAINED.iter().any(|(n, _)| n == name) {
            unexplained.push(format!("{name}: httpd {h:?}, upgate {u:?}"));
        }
    }
    let n = results.len();
    let loaded_agree = results
        .iter()
        .filter(|(_, h, u)| matches!((h, u), (Verdict::Loaded(a), Verdict::Loaded(b)) if a == b))
        .count();
    let wstunnel_loaded = results.iter().filter(|(_, h, _)| wstunnel(h)).count();
    eprintln!(
        "httpd differential: {loaded_agree} agreements on a module list, {wstunnel_loaded} trees where httpd loads proxy_wstunnel and proxy"
    );
    eprintln!(
        "httpd differential: {n} trees, {agree} agree, {false_pass} false passes, {false_fail} false fails, {refusals} refused by httpd"
    );
    assert!(n >= 300);
    assert_eq!(false_pass, 0, "false passes:\n{}", unexplained.join("\n"));
    assert!(
        unexplained.is_empty(),
        "unexplained differences:\n{}",
        unexplained.join("\n")
    );
    assert!(agree * 100 >= n * 99, "agreement {agree}/{n} is below 99%");
}
