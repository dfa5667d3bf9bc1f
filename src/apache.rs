//! Apache httpd 2.4's effective configuration, as far as module loading goes.
//!
//! Starting from the main config file, this reads the configuration in httpd's
//! order with httpd's semantics and collects every `LoadModule`, so a rule can tell
//! whether e.g. `proxy_wstunnel_module` is loaded. It does no I/O: every file is
//! reached through the caller's [`ConfigFiles`]. Each rule below names where httpd
//! does it (httpd 2.4 source, `server/` and `modules/`, or the manual page); the
//! differential test `tests/it/apache_httpd.rs` checks them against Debian's httpd.
//!
//! - **Lines** (`server/util.c` `ap_cfg_getline`): a `\` as the last character
//!   joins the next line before comments are recognised; a `\` on the last line is
//!   refused. A UTF-8 byte order mark is *not* stripped: the first line becomes an
//!   invalid command (`Invalid command '\xef\xbb\xbf#'`), so the file is refused.
//! - **Variables** (`server/config.c` `ap_build_config_sub` → `server/util.c`
//!   `ap_resolve_env`; manual: core `Define`): `${NAME}` is expanded over the whole
//!   line *before* it is split into arguments, from `Define`d variables (an APR
//!   table: names case-insensitive) and then the process environment (case-
//!   sensitive; Debian's `/etc/apache2/envvars` exports, which `apache2ctl` and the
//!   systemd unit source). An undefined `${X}` stays literal (httpd only warns), so
//!   `Include ${X}/a.conf` fails for want of the literal path and `IncludeOptional`
//!   looks for the literal path. `Define NAME` (with or without a value) makes
//!   `<IfDefine NAME>` true (names case-sensitive, `ap_exists_config_define`);
//!   `UnDefine` removes both. **Bounded**: a line may expand to at most
//!   [`MAX_EXPANDED`] bytes, and all `Define`d values together to at most
//!   [`MAX_DEFINED`] bytes; past either, reading stops with a
//!   [`ProblemKind::Limit`] naming the file and line (`Define V1 ${V0}${V0}`,
//!   `Define V2 ${V1}${V1}`, … doubles a value per line). httpd 2.4 reads a line
//!   into a buffer of `MAX_STRING_LEN` (8192 bytes, `include/httpd.h`) before it
//!   expands it; the `ap_resolve_env` in the sources at hand (`server/util.c`)
//!   allocates exactly the expanded length, and httpd 2.0's wrote into a
//!   `char tmp[MAX_STRING_LEN]`. The bound here is 16 times that buffer, far above
//!   any real configuration, so it never stops a config httpd would read.
//! - **Read-time conditionals** are evaluated as httpd reads, and a false one is
//!   skipped whole (`ap_soak_end_container`: nothing inside takes effect, not even
//!   `Define` or `ServerRoot`; nested tags must still balance):
//!   `<IfModule [!]name>` (`server/core.c` `find_module`) against the modules built
//!   in and those loaded *up to that line*, names case-sensitive, either the module
//!   id (`proxy_module`) or its source file (`mod_proxy.c`); `<IfDefine [!]NAME>`;
//!   `<IfVersion [[!]op] version>` (`modules/metadata/mod_version.c`) only when the
//!   version is known (else not evaluated, and what it holds is only "maybe");
//!   `<IfFile [!]path>` (core, relative to ServerRoot); `<IfDirective [!]name>` and
//!   `<IfSection [!]name>` (core) for httpd's core directives and sections, else not
//!   evaluated. A conditional whose outcome cannot be known is recorded in
//!   [`Effective::decisions`] and the modules it holds go to
//!   [`Effective::uncertain_modules`], never to [`Effective::modules`]; so does every
//!   `<IfDefine>` on a name such a conditional sets, and every module after a
//!   `ServerRoot` it holds.
//! - **Sections** (`server/config.c` `ap_build_cont_config`): each must close in the
//!   file that opened it, with the matching name (case-insensitive); otherwise httpd
//!   refuses to start ([`ProblemKind::Syntax`]).
//! - **Includes** (`server/core.c` `include_config`, `server/config.c`
//!   `ap_process_fnmatch_configs`; manual: core `Include`, `IncludeOptional`): relative to ServerRoot; a folder is read whole, entries sorted, hidden
//!   ones too, symlinks followed; wildcards may stand in any component, matches sorted,
//!   a leading `.` only matched literally (`APR_FNM_PERIOD`). A wildcard in a *folder*
//!   position only matches real folders: `apr_dir_read` reports a symlinked folder as a
//!   link, which httpd skips; the last component may be a link. A plain `Include`
//!   matching nothing is refused; `IncludeOptional` is not. Nesting is capped at
//!   `AP_MAX_INCLUDE_DEPTH` = 128 (`include/http_config.h`; `include_config`: "Exceeded
//!   maximum include depth"), refused beyond; an include cycle reaches it.
//! - **Loading** (`modules/core/mod_so.c`): a module is loaded at its line; mod_proxy's
//!   providers (`proxy_*_module`) fail with an undefined symbol unless `proxy_module`
//!   was loaded before them, and a path still holding an undefined `${VAR}` names no
//!   file: both refused. httpd stops at the first error it reads.
//! - **Measured** against Debian's httpd 2.4.71 by the differential test, where the
//!   sources are easy to misread: a `\` on the last line is accepted, and so is a true
//!   conditional left open at the end of a file (any other open section is refused).
//! - **ServerRoot** (core `ServerRoot`): defaults to the binary's compiled-in root,
//!   per layout ([`Options::for_layout`]): `/etc/apache2` (Debian), `/etc/httpd`
//!   (RHEL/Fedora), `/usr/local/apache2` (upstream, Docker's image), `/var/www`
//!   (Alpine), `/srv/www` (openSUSE), the install folder (Windows builds, which also
//!   `Define SRVROOT`). A relative `ServerRoot` is relative to httpd's working
//!   directory, `/` under systemd; one that is not a folder is refused.
//! - **Start-up parameters**: the `-D` names each known layout's service passes
//!   (openSUSE: `-DSYSCONFIG`, from `/usr/sbin/start_apache2`; RHEL/Fedora
//!   `-DFOREGROUND`, from `httpd.service`) are defined and stated in
//!   [`Effective::assumptions`].
//!
//! Unknown layouts count the environment and `-D` parameters as unknown: an
//! undefined variable in a path is then a problem ([`ProblemKind::UndefinedVariable`]).

use std::collections::{BTreeMap, BTreeSet};

/// What is at a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Dir,
}

/// The caller's file access. Paths are absolute as Apache would write them, with `/`
/// separators: "/etc/apache2/ports.conf", or on Windows "C:/Apache24/conf/httpd.conf"
/// (drive letter kept as written, so Windows lookups should ignore case).
pub trait ConfigFiles {
    /// Ok(None) when nothing is there. Symbolic links are followed.
    fn kind(&self, path: &str) -> Result<Option<EntryKind>, String>;
    fn read(&self, path: &str) -> Result<Vec<u8>, String>;
    /// Entry names of a folder (any order; we sort).
    fn list(&self, dir: &str) -> Result<Vec<String>, String>;
    /// Whether the last component of `path` is itself a symbolic link.
    fn is_link(&self, _path: &str) -> Result<bool, String> {
        Ok(false)
    }
}

/// A `LoadModule` line, active or commented out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    /// Module name, e.g. `proxy_module`.
    pub name: String,
    /// Shared object path as written; `${VAR}`s expanded for active lines only.
    pub path: String,
    /// Config file holding the line.
    pub file: String,
    /// 1-based line (the first line of a continued directive).
    pub line: usize,
}

/// Why a [`Problem`] was reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProblemKind {
    /// The main config file does not exist.
    MainMissing,
    /// A plain `Include` names a missing path or a wildcard matching nothing:
    /// httpd refuses to start.
    IncludeMatchedNothing,
    /// A path exists but reading or listing it failed (the caller's message).
    Unreadable,
    /// An undefined `${VAR}` in an `Include`, `IncludeOptional` or `ServerRoot`
    /// path where the environment is unknown (it stays literal, as in httpd).
    UndefinedVariable,
    /// An include cycle, includes nested deeper than [`MAX_DEPTH`], or more than
    /// [`MAX_OPS`] file operations (e.g. a folder symlinked into itself).
    Recursion,
    /// What httpd refuses while reading: unbalanced or mismatched sections, a
    /// continuation at end of file, a byte order mark, wrong argument counts, a
    /// ServerRoot that is not a folder.
    Syntax,
    /// The file is not valid UTF-8; it was decoded lossily.
    NotUtf8,
    /// upgate stopped reading at one of its own bounds ([`MAX_EXPANDED`],
    /// [`MAX_DEFINED`]): what follows is unknown, so nothing may pass on it.
    Limit,
}

impl ProblemKind {
    /// Whether httpd refuses to start with this problem.
    pub fn refuses(self) -> bool {
        matches!(
            self,
            ProblemKind::MainMissing
                | ProblemKind::IncludeMatchedNothing
                | ProblemKind::Recursion
                | ProblemKind::Syntax
                | ProblemKind::Limit
        )
    }
}

/// Something that would stop httpd, or that makes our view uncertain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub kind: ProblemKind,
    /// File holding the directive at fault (the main file for [`ProblemKind::MainMissing`]).
    pub file: String,
    /// 1-based line of that directive, when one is at fault.
    pub line: Option<usize>,
    pub message: String,
}

/// A read-time conditional and how it was decided.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    pub file: String,
    pub line: usize,
    /// As written, e.g. `<IfModule proxy_module>`.
    pub section: String,
    /// `None`: not evaluable (its content counts as maybe).
    pub taken: Option<bool>,
    /// Why, e.g. `proxy_module not loaded before this line`.
    pub why: String,
}

/// The configuration as httpd would read it, as far as module loading goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Effective {
    /// Every config file read, in the order read (a file included twice is listed twice).
    pub files: Vec<String>,
    /// Every active `LoadModule`, in order; later duplicates are kept (httpd uses the first).
    pub modules: Vec<Module>,
    /// `LoadModule`s inside a conditional that could not be evaluated, with it.
    pub uncertain_modules: Vec<(Module, String)>,
    /// `#LoadModule name path` comment lines in read sections, for "commented out" hints.
    pub commented_modules: Vec<Module>,
    /// The ServerRoot in effect at the end (the layout's default unless set).
    pub server_root: Option<String>,
    /// Final `Define`s: name to value, `None` for a bare `Define NAME` parameter.
    pub defines: BTreeMap<String, Option<String>>,
    /// Every read-time conditional met in sections that were read.
    pub decisions: Vec<Decision>,
    /// What was assumed about how httpd is started (layout, ServerRoot, `-D`, environment).
    pub assumptions: Vec<String>,
    /// The Apache version, where the layout's package database shows it.
    pub version: Option<String>,
    pub problems: Vec<Problem>,
}

impl Effective {
    /// The `LoadModule` that loads `module` (httpd skips later duplicates).
    pub fn loaded(&self, module: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.name == module)
    }

    /// The first problem that makes httpd refuse to start.
    pub fn refusal(&self) -> Option<&Problem> {
        self.problems.iter().find(|p| p.kind.refuses())
    }
}

/// httpd's `AP_MAX_INCLUDE_DEPTH` (`include/http_config.h`); folder levels count too.
pub const MAX_DEPTH: usize = 128;
/// The most bytes one line may expand to (`${NAME}`s replaced): 16 × httpd's
/// `MAX_STRING_LEN` (8192); see the module documentation.
pub const MAX_EXPANDED: usize = 16 * 8192;
/// The most bytes all `Define`d values may hold together.
pub const MAX_DEFINED: usize = 16 * 1024 * 1024;
/// Cap on calls into [`ConfigFiles`], so folder loops cannot run forever.
pub const MAX_OPS: usize = 100_000;

/// How httpd is started: what the binary and its service bring.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The compiled-in ServerRoot.
    pub server_root: String,
    /// `-D` parameters.
    pub defines: Vec<String>,
    /// The process environment, when known.
    pub env: Option<BTreeMap<String, String>>,
    /// Modules compiled in (`httpd -l`), as module ids (`so_module`).
    pub static_modules: Vec<String>,
    /// `major.minor.patch`, for `<IfVersion>`.
    pub version: Option<(u32, u32, u32)>,
    /// Said in the evidence.
    pub assumptions: Vec<String>,
    /// openSUSE: `APACHE_MODULES` from `/etc/sysconfig/apache2` (`None`: not in the
    /// snapshot), from which `start_apache2` regenerates `sysconfig.d/loadmodule.conf`
    /// at every start.
    pub suse_modules: Option<Option<Vec<String>>>,
    /// `-C` directives, read before the main file, and `-c` ones, read after it.
    pub before: Vec<String>,
    pub after: Vec<String>,
}

/// Debian's `apache2 -l` (2.4.x, bookworm).
const DEBIAN_STATIC: &[&str] = &[
    "core_module",
    "so_module",
    "watchdog_module",
    "http_module",
    "log_config_module",
    "logio_module",
    "version_module",
    "unixd_module",
];
/// Apache Lounge and Apache Haus builds (`httpd -l`).
const WINDOWS_STATIC: &[&str] = &[
    "core_module",
    "win32_module",
    "mpm_winnt_module",
    "http_module",
    "so_module",
];
/// RHEL/Fedora, openSUSE, Alpine and upstream builds with shared modules (`httpd -l`).
const MINIMAL_STATIC: &[&str] = &["core_module", "so_module", "http_module"];

impl Options {
    /// The start-up of the layout whose main file is `main`, reading what it needs
    /// (Debian's envvars, the package database) through `files`.
    pub fn for_layout(main: &str, files: &dyn ConfigFiles) -> Options {
        let main = join("", main);
        let main = main.as_str();
        let exists = |p: &str| matches!(files.kind(p), Ok(Some(_)));
        let statics = |l: &[&str]| l.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let mut o = Options::default();
        match main {
            "/etc/apache2/apache2.conf" => {
                o.server_root = "/etc/apache2".into();
                o.static_modules = statics(DEBIAN_STATIC);
                let mut env = BTreeMap::new();
                if let Ok(bytes) = files.read("/etc/apache2/envvars") {
                    env = envvars(&String::from_utf8_lossy(&bytes));
                    o.assumptions.push(
                        "Debian layout: ServerRoot /etc/apache2, the environment exported by /etc/apache2/envvars, no -D parameters".into(),
                    );
                } else {
                    o.assumptions.push("Debian layout: ServerRoot /etc/apache2, no /etc/apache2/envvars (empty environment), no -D parameters".into());
                }
                o.env = Some(env);
                if let Ok(bytes) = files.read("/var/lib/dpkg/status") {
                    o.version = dpkg_version(&String::from_utf8_lossy(&bytes));
                }
            }
            "/etc/httpd/conf/httpd.conf" => {
                o.server_root = "/etc/httpd".into();
                o.static_modules = statics(MINIMAL_STATIC);
                o.defines = vec!["FOREGROUND".into()];
                o.env = Some(BTreeMap::new());
                o.assumptions.push("RHEL/Fedora layout: ServerRoot /etc/httpd, started by httpd.service as httpd -DFOREGROUND with an empty environment".into());
            }
            "/etc/apache2/httpd.conf"
                if exists("/etc/sysconfig/apache2") || exists("/etc/apache2/sysconfig.d") =>
            {
                o.suse_modules = Some(
                    files
                        .read("/etc/sysconfig/apache2")
                        .ok()
                        .map(|b| sysconfig_modules(&String::from_utf8_lossy(&b))),
                );
                o.server_root = "/srv/www".into();
                o.before = vec![
                    "Include /etc/apache2/sysconfig.d/loadmodule.conf".into(),
                    "Include /etc/apache2/sysconfig.d/global.conf".into(),
                ];
                o.after = vec!["Include /etc/apache2/sysconfig.d/include.conf".into()];
                o.static_modules = statics(MINIMAL_STATIC);
                o.defines = vec!["SYSCONFIG".into()];
                o.env = Some(BTreeMap::new());
                o.assumptions.push("openSUSE layout: ServerRoot /srv/www, started by start_apache2 as httpd -DSYSCONFIG -C 'Include /etc/apache2/sysconfig.d/loadmodule.conf' -C 'Include /etc/apache2/sysconfig.d/global.conf' -f /etc/apache2/httpd.conf -c 'Include /etc/apache2/sysconfig.d/include.conf' (loadmodule.conf is written from APACHE_MODULES in /etc/sysconfig/apache2)".into());
            }
            "/etc/apache2/httpd.conf" => {
                o.server_root = "/var/www".into();
                o.static_modules = statics(MINIMAL_STATIC);
                o.env = Some(BTreeMap::new());
                o.assumptions.push("Alpine layout: ServerRoot /var/www, started by OpenRC as httpd with no -D parameters".into());
            }
            "/usr/local/apache2/conf/httpd.conf" => {
                o.server_root = "/usr/local/apache2".into();
                o.static_modules = statics(MINIMAL_STATIC);
                o.env = Some(BTreeMap::new());
                o.assumptions.push("upstream layout: ServerRoot /usr/local/apache2, started as httpd -DFOREGROUND (Docker's httpd-foreground)".into());
                o.defines = vec!["FOREGROUND".into()];
            }
            _ if is_windows(main) => {
                // C:/Apache24/conf/httpd.conf: the install folder holds conf/.
                o.server_root = join(main, "../..");
                o.static_modules = statics(WINDOWS_STATIC);
                o.assumptions.push(format!("Windows build: ServerRoot {} (the install folder), no -D parameters; the environment is unknown", o.server_root));
            }
            _ if main.ends_with("/conf/httpd.conf") => {
                // An installation prefix (Bitnami, source builds): PREFIX/conf/httpd.conf.
                o.server_root = join(main, "../..");
                o.static_modules = statics(MINIMAL_STATIC);
                o.assumptions.push(format!("installation prefix {0}: ServerRoot {0} (the folder holding conf/), as `configure --prefix` builds; -D parameters and the environment unknown", o.server_root));
            }
            _ => {
                o.server_root = join(main, "..");
                o.static_modules = statics(MINIMAL_STATIC);
                o.assumptions.push(format!("unknown layout: ServerRoot taken as {} (the main file's folder); -D parameters and the environment unknown", o.server_root));
            }
        }
        o
    }
}

/// `APACHE_MODULES="actions alias ... proxy"` as module ids (`mod_x` or `x` → `x_module`).
fn sysconfig_modules(text: &str) -> Vec<String> {
    let value = text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("APACHE_MODULES="))
        .next_back()
        .unwrap_or_default();
    value
        .trim_matches(|c| c == '"' || c == '\'')
        .split_whitespace()
        .map(|m| {
            let m = m.strip_prefix("mod_").unwrap_or(m);
            let m = m.strip_suffix(".so").unwrap_or(m);
            format!("{m}_module")
        })
        .collect()
}

/// `export NAME=value` lines of a Debian `envvars`, as `sh` would set them for the
/// simple forms found there (`$VAR`, `${VAR}`, `${VAR:-default}`, quotes).
pub fn envvars(text: &str) -> BTreeMap<String, String> {
    let mut env: BTreeMap<String, String> = BTreeMap::new();
    let set = |line: &str, env: &mut BTreeMap<String, String>| {
        let Some((name, value)) = line.split_once('=') else {
            return;
        };
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            return;
        }
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        let value = sh_expand(value, env);
        env.insert(name.to_owned(), value);
    };
    let mut locals: BTreeMap<String, String> = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if let Some(rest) = line.strip_prefix("export ") {
            set(rest, &mut locals);
            if let Some((name, _)) = rest.split_once('=')
                && let Some(v) = locals.get(name.trim())
            {
                env.insert(name.trim().to_owned(), v.clone());
            }
        } else if !line.contains(' ') && line.contains('=') {
            set(line, &mut locals);
        }
    }
    env
}

fn sh_expand(value: &str, env: &BTreeMap<String, String>) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(body) = after.strip_prefix('{')
            && let Some(end) = body.find('}')
        {
            let inner = &body[..end];
            let (name, default) = match inner.split_once(":-") {
                Some((n, d)) => (n, Some(d)),
                None => (inner, None),
            };
            match env.get(name).filter(|v| !v.is_empty()) {
                Some(v) => out.push_str(v),
                None => out.push_str(default.unwrap_or("")),
            }
            rest = &body[end + 1..];
        } else {
            let n = after
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(after.len());
            out.push_str(env.get(&after[..n]).map(String::as_str).unwrap_or(""));
            rest = &after[n..];
        }
    }
    out.push_str(rest);
    out
}

/// The version of `apache2-bin` (else `apache2`) installed per `/var/lib/dpkg/status`.
pub fn dpkg_version(status: &str) -> Option<(u32, u32, u32)> {
    let mut found = None;
    for stanza in status.split("\n\n") {
        let field = |f: &str| {
            stanza
                .lines()
                .find_map(|l| l.strip_prefix(f).map(|v| v.trim().to_owned()))
        };
        let (Some(pkg), Some(ver)) = (field("Package:"), field("Version:")) else {
            continue;
        };
        let installed = field("Status:").is_none_or(|s| s.ends_with(" installed"));
        if installed && (pkg == "apache2-bin" || (pkg == "apache2" && found.is_none())) {
            let ver = ver.split_once(':').map_or(ver.as_str(), |(_, v)| v);
            if let Some(v) = parse_version(ver) {
                found = Some(v);
            }
        }
    }
    found
}

/// `2.4.62` (or `2.4.62-1~deb12u1`) as numbers.
pub fn parse_version(v: &str) -> Option<(u32, u32, u32)> {
    let mut it = v.split(|c: char| !c.is_ascii_digit());
    Some((
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
        it.next()?.parse().ok()?,
    ))
}

/// Reads `main` and everything it includes, started as the layout of `main`
/// starts httpd ([`Options::for_layout`]).
pub fn effective(main: &str, files: &dyn ConfigFiles) -> Effective {
    let main = join("", main);
    let options = Options::for_layout(&main, files);
    effective_with(&main, files, &options)
}

/// Reads `main` and everything it includes, as httpd started with `options` would.
/// A missing or unreadable main file is reported as a problem
/// ([`ProblemKind::MainMissing`] / [`ProblemKind::Unreadable`]) with nothing else read.
pub fn effective_with(main: &str, files: &dyn ConfigFiles, options: &Options) -> Effective {
    let main = join("", main);
    let mut ev = Eval {
        fs: files,
        out: Effective::default(),
        opts: options,
        server_root: options.server_root.clone(),
        names: options.defines.iter().cloned().collect(),
        vars: BTreeMap::new(),
        held: 0,
        first_loaded: BTreeMap::new(),
        first_uncertain: BTreeMap::new(),
        reading: Vec::new(),
        ops: 0,
        gave_up: false,
        too_deep: false,
        uncertain: Vec::new(),
        tainted: BTreeMap::new(),
        tainted_root: None,
    };
    ev.out.assumptions = options.assumptions.clone();
    ev.out.version = options.version.map(|(a, b, c)| format!("{a}.{b}.{c}"));
    let at = At(&main, None);
    let command_line = |lines: &[String]| lines.join("\n");
    if !options.before.is_empty() {
        ev.run(
            "(command line -C)",
            logical_lines(&command_line(&options.before)),
            0,
        );
    }
    ev.include_target(&main, Some(ProblemKind::MainMissing), 0, &at);
    if !options.after.is_empty() && ev.out.refusal().is_none() {
        ev.run(
            "(command line -c)",
            logical_lines(&command_line(&options.after)),
            0,
        );
    }
    ev.out.server_root = Some(ev.server_root.clone());
    let mut defines: BTreeMap<String, Option<String>> =
        ev.names.iter().map(|n| (n.clone(), None)).collect();
    for (k, v) in ev.vars.values() {
        defines.insert(k.clone(), Some(v.clone()));
    }
    ev.out.defines = defines;
    let mut out = ev.out;
    if let Some(listed) = &options.suse_modules {
        suse_next_start(&mut out, listed.as_deref());
    }
    out
}

/// openSUSE's `start_apache2` writes `sysconfig.d/loadmodule.conf` from
/// `APACHE_MODULES` before every start, so the file on disk only shows the last
/// start: a module it loads that `APACHE_MODULES` lacks is gone at the next start,
/// and without `/etc/sysconfig/apache2` in the snapshot none of them is certain.
fn suse_next_start(out: &mut Effective, listed: Option<&[String]>) {
    const GENERATED: &str = "/etc/apache2/sysconfig.d/loadmodule.conf";
    let (keep, moved): (Vec<Module>, Vec<Module>) = std::mem::take(&mut out.modules)
        .into_iter()
        .partition(|m| m.file != GENERATED || listed.is_some_and(|l| l.contains(&m.name)));
    out.modules = keep;
    for m in moved {
        match listed {
            // Certain: the next start does not load it.
            Some(_) => out.assumptions.push(format!(
                "{} at {}:{} is dropped: APACHE_MODULES in /etc/sysconfig/apache2 lacks it and start_apache2 regenerates that file",
                m.name, m.file, m.line
            )),
            None => {
                let why = format!(
                    "{GENERATED}, which start_apache2 regenerates from APACHE_MODULES in /etc/sysconfig/apache2 at every start (not in the snapshot; copy it)"
                );
                out.uncertain_modules.push((m, why));
            }
        }
    }
}

/// One logical line of a config file.
#[derive(Debug, PartialEq)]
enum Item {
    Directive {
        line: usize,
        name: String,
        args: Vec<String>,
    },
    Open {
        line: usize,
        name: String,
        args: Vec<String>,
    },
    Close {
        line: usize,
        name: String,
    },
    /// `#LoadModule name path`.
    Commented {
        line: usize,
        name: String,
        path: String,
    },
    Syntax {
        line: usize,
        message: String,
    },
}

/// A logical line before variables are expanded.
#[derive(Debug, PartialEq)]
enum Raw {
    Line(usize, String),
    Other(Item),
}

/// Splits config text into logical lines the way httpd's `ap_cfg_getline` does:
/// continuations are joined before comments are recognised, so a comment ending
/// in `\` swallows the next line, as in httpd. Comments are dropped, except
/// `#LoadModule name path` lines, kept for hints.
fn logical_lines(text: &str) -> Vec<Raw> {
    let mut items = Vec::new();
    let mut lines = text.lines().zip(1..);
    while let Some((first, line)) = lines.next() {
        let mut logical = String::from(first);
        while logical.ends_with('\\') {
            logical.pop();
            match lines.next() {
                Some((next, _)) => logical.push_str(next),
                // httpd 2.4.71 takes the line as it is (measured by the differential test).
                None => break,
            }
        }
        let t = logical.trim_matches(|c: char| c.is_ascii_whitespace());
        if t.is_empty() {
            continue;
        }
        if let Some(comment) = t.strip_prefix('#') {
            let body = comment.trim_start_matches(|c: char| c == '#' || c.is_ascii_whitespace());
            let words = words(body);
            // Exactly two arguments, so prose like "# LoadModule lines go here" is not taken.
            if let [d, name, path] = words.as_slice()
                && d.eq_ignore_ascii_case("LoadModule")
            {
                let (name, path) = (name.clone(), path.clone());
                items.push(Raw::Other(Item::Commented { line, name, path }));
            }
            continue;
        }
        items.push(Raw::Line(line, t.to_owned()));
    }
    items
}

/// Classifies one (expanded) logical line; a missing `>` adds a syntax item first.
fn classify(line: usize, t: &str, out: &mut Vec<Item>) {
    let t = t.trim_matches(|c: char| c.is_ascii_whitespace());
    let item = if let Some(rest) = t.strip_prefix("</") {
        let name = rest
            .split(|c: char| c == '>' || c.is_ascii_whitespace())
            .next();
        let name = name.unwrap_or_default().to_owned();
        Item::Close { line, name }
    } else if let Some(rest) = t.strip_prefix('<') {
        let end = rest.find(|c: char| c == '>' || c.is_ascii_whitespace());
        let (name, after) = rest
            .split_at_checked(end.unwrap_or(rest.len()))
            .unwrap_or((rest, ""));
        if name.is_empty() {
            let message = "section with no name".to_owned();
            out.push(Item::Syntax { line, message });
            return;
        }
        let args = match after.rfind('>') {
            Some(p) => after.get(..p).unwrap_or_default(),
            None => {
                let message = format!("<{name} is missing its closing '>'");
                out.push(Item::Syntax { line, message });
                after
            }
        };
        let (name, args) = (name.to_owned(), words(args));
        Item::Open { line, name, args }
    } else {
        let mut words = words(t).into_iter();
        let name = words.next().unwrap_or_default();
        let args = words.collect();
        Item::Directive { line, name, args }
    };
    out.push(item);
}

/// [`logical_lines`] then [`classify`] without expansion (for tests).
#[cfg(test)]
fn parse(text: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for raw in logical_lines(text) {
        match raw {
            Raw::Line(line, t) => classify(line, &t, &mut out),
            Raw::Other(item) => out.push(item),
        }
    }
    out
}

/// Splits arguments like httpd's `ap_getword_conf`: whitespace-separated, `"` or `'`
/// quoting, and `\` escaping a backslash or the enclosing quote.
fn words(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(char::is_ascii_whitespace).is_some() {}
        let Some(&first) = chars.peek() else {
            return out;
        };
        let quote = matches!(first, '"' | '\'').then_some(first);
        if quote.is_some() {
            chars.next();
        }
        let mut word = String::new();
        while let Some(c) = chars.next() {
            if quote == Some(c) || (quote.is_none() && c.is_ascii_whitespace()) {
                break;
            }
            if c == '\\'
                && let Some(next) = chars.next_if(|&n| n == '\\' || Some(n) == quote)
            {
                word.push(next);
            } else {
                word.push(c);
            }
        }
        out.push(word);
    }
}

/// Where a problem is blamed: file and line of the directive at fault.
#[derive(Clone, Copy)]
struct At<'a>(&'a str, Option<usize>);

/// Why a [`ConfigFiles`] call gave nothing.
enum Fail {
    Io(String),
    Budget,
}

/// How an open section's content is read.
#[derive(Clone, PartialEq)]
enum Mode {
    Read,
    /// A false conditional (or inside one): soaked up, nothing takes effect.
    Skip,
    /// A conditional not evaluable: content read, its modules only "maybe".
    Maybe(String),
}

/// httpd's core directives (`server/core.c` `core_cmds`, plus `mod_so`'s
/// `LoadModule`/`LoadFile`, built into every build), for `<IfDirective>`.
const CORE_DIRECTIVES: &[&str] = &[
    "acceptfilter",
    "acceptpathinfo",
    "accessfilename",
    "adddefaultcharset",
    "allowencodedslashes",
    "allowoverride",
    "allowoverridelist",
    "authname",
    "authtype",
    "define",
    "defaulttype",
    "documentroot",
    "errordocument",
    "errorlog",
    "errorlogformat",
    "fileetag",
    "include",
    "includeoptional",
    "keepalive",
    "keepalivetimeout",
    "limitrequestbody",
    "loadfile",
    "loadmodule",
    "loglevel",
    "maxkeepaliverequests",
    "mutex",
    "options",
    "protocol",
    "require",
    "servername",
    "serverroot",
    "serversignature",
    "servertokens",
    "setHandler",
    "timeout",
    "undefine",
    "usecanonicalname",
];
/// httpd's core sections (`server/core.c`), for `<IfSection>`.
const CORE_SECTIONS: &[&str] = &[
    "directory",
    "directorymatch",
    "files",
    "filesmatch",
    "location",
    "locationmatch",
    "virtualhost",
    "limit",
    "limitexcept",
    "ifmodule",
    "ifdefine",
    "iffile",
    "ifdirective",
    "ifsection",
    "if",
    "elseif",
    "else",
];

struct Eval<'a> {
    fs: &'a dyn ConfigFiles,
    out: Effective,
    opts: &'a Options,
    server_root: String,
    /// `-D` and `Define` names (case-sensitive, `ap_server_config_defines`).
    names: BTreeSet<String>,
    /// `Define NAME value` by ASCII-folded name (names are case-insensitive,
    /// an APR table): the name as last written, and the value. Maps, so a
    /// config of many `Define`s costs n log n, not n².
    vars: BTreeMap<String, (String, String)>,
    /// The bytes the values in `vars` hold together, against [`MAX_DEFINED`].
    held: usize,
    /// The first of `out.modules` and of `out.uncertain_modules` by module
    /// name, for `<IfModule>` in log n.
    first_loaded: BTreeMap<String, usize>,
    first_uncertain: BTreeMap<String, usize>,
    /// Case-folded paths of the files being read, outermost first, to catch cycles.
    reading: Vec<String>,
    ops: usize,
    gave_up: bool,
    too_deep: bool,
    /// Undecidable conditionals around the current line.
    uncertain: Vec<String>,
    /// Names `Define`d or `UnDefine`d inside an undecidable conditional, with
    /// the first such conditional.
    tainted: BTreeMap<String, String>,
    /// A `ServerRoot` set inside an undecidable conditional: every later module is
    /// only "maybe".
    tainted_root: Option<String>,
}

impl Eval<'_> {
    fn problem(&mut self, kind: ProblemKind, at: &At, message: String) {
        let (file, line) = (at.0.to_owned(), at.1);
        self.out.problems.push(Problem {
            kind,
            file,
            line,
            message,
        });
    }

    fn io<T>(&mut self, op: impl FnOnce(&dyn ConfigFiles) -> Result<T, String>) -> Result<T, Fail> {
        if self.ops >= MAX_OPS {
            return Err(Fail::Budget);
        }
        self.ops += 1;
        op(self.fs).map_err(Fail::Io)
    }

    fn fail(&mut self, fail: Fail, at: &At, path: &str) {
        match fail {
            Fail::Io(msg) => self.problem(
                ProblemKind::Unreadable,
                at,
                format!("cannot read {path}: {msg}"),
            ),
            Fail::Budget if !self.gave_up => {
                self.gave_up = true;
                let msg = format!("gave up after {MAX_OPS} file operations (a folder loop?)");
                self.problem(ProblemKind::Recursion, at, msg);
            }
            Fail::Budget => {}
        }
    }

    fn var_ref(&self, name: &str) -> Option<&str> {
        if let Some((_, v)) = self.vars.get(&name.to_ascii_lowercase()) {
            return Some(v);
        }
        self.opts.env.as_ref()?.get(name).map(String::as_str)
    }

    fn var_len(&self, name: &str) -> Option<usize> {
        self.var_ref(name).map(str::len)
    }

    /// Expands `${NAME}` over a whole line like `ap_resolve_env`; undefined ones stay
    /// literal, as in httpd, and are returned. `Err` (with the length reached) when
    /// the result would exceed [`MAX_EXPANDED`].
    fn expand(&self, s: &str) -> Result<(String, Vec<String>), usize> {
        let (mut out, mut undefined, mut rest) = (String::new(), Vec::new(), s);
        while let Some((before, after)) = rest.split_once("${") {
            out.push_str(before);
            let Some((name, tail)) = after.split_once('}') else {
                out.push_str("${");
                rest = after;
                break;
            };
            match self.var_len(name) {
                Some(len) if out.len() + len > MAX_EXPANDED => return Err(out.len() + len),
                Some(_) => out.push_str(self.var_ref(name).unwrap_or_default()),
                None => {
                    out.push_str(&format!("${{{name}}}"));
                    undefined.push(name.to_owned());
                }
            }
            rest = tail;
        }
        out.push_str(rest);
        Ok((out, undefined))
    }

    /// Includes a path without wildcards: a file, or a folder's whole tree in sorted order.
    fn include_target(
        &mut self,
        path: &str,
        on_missing: Option<ProblemKind>,
        depth: usize,
        at: &At,
    ) {
        // httpd stops at the first error.
        if self.out.refusal().is_some() {
            return;
        }
        if depth > MAX_DEPTH {
            // Once: a folder loop would otherwise report every path at the cap.
            if !self.too_deep {
                self.too_deep = true;
                let msg = format!(
                    "includes nested deeper than {MAX_DEPTH} levels at {path} (httpd: Exceeded the maximum include directory nesting level)"
                );
                self.problem(ProblemKind::Recursion, at, msg);
            }
            return;
        }
        match self.io(|fs| fs.kind(path)) {
            Ok(Some(EntryKind::File)) => self.read_file(path, depth, at),
            Ok(Some(EntryKind::Dir)) => match self.io(|fs| fs.list(path)) {
                Ok(mut names) => {
                    names.sort();
                    for name in names.iter().filter(|n| plain_name(n)) {
                        self.include_target(&child(path, name), on_missing, depth + 1, at);
                    }
                }
                Err(e) => self.fail(e, at, path),
            },
            Ok(None) => {
                if let Some(kind) = on_missing {
                    self.problem(kind, at, format!("{path} does not exist"));
                }
            }
            Err(e) => self.fail(e, at, path),
        }
    }

    /// Includes a path that may have wildcards in any component, like httpd's
    /// `process_resource_config_fnmatch`; matches are taken in sorted order.
    fn include(&mut self, path: &str, on_missing: Option<ProblemKind>, depth: usize, at: &At) {
        let (root, rest) = split_root(path);
        let segments: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
        if !segments.iter().any(|s| has_wildcard(s)) {
            return self.include_target(path, on_missing, depth, at);
        }
        let fold = is_windows(path);
        let mut found = vec![root];
        for (i, segment) in segments.iter().enumerate() {
            let last = i + 1 == segments.len();
            let mut next = Vec::new();
            for dir in &found {
                if has_wildcard(segment) {
                    next.extend(self.matches(dir, segment, last, fold, on_missing, at));
                } else {
                    next.push(child(dir, segment));
                }
            }
            found = next;
        }
        for path in found {
            self.include_target(&path, on_missing, depth, at);
        }
    }

    /// Entries of `dir` matching `pattern`, sorted; unless `last`, only real folders
    /// (not symlinks to folders, as `apr_dir_read` reports them as links).
    fn matches(
        &mut self,
        dir: &str,
        pattern: &str,
        last: bool,
        fold: bool,
        on_missing: Option<ProblemKind>,
        at: &At,
    ) -> Vec<String> {
        let mut names = match self.io(|fs| fs.kind(dir)) {
            Ok(Some(EntryKind::Dir)) => match self.io(|fs| fs.list(dir)) {
                Ok(names) => names,
                Err(e) => {
                    self.fail(e, at, dir);
                    return Vec::new();
                }
            },
            Ok(_) => {
                if let Some(kind) = on_missing {
                    self.problem(kind, at, format!("could not open config directory {dir}"));
                }
                return Vec::new();
            }
            Err(e) => {
                self.fail(e, at, dir);
                return Vec::new();
            }
        };
        names.sort();
        let mut out = Vec::new();
        for name in names
            .iter()
            .filter(|n| plain_name(n) && fnmatch(pattern, n, fold))
        {
            let path = child(dir, name);
            if !last {
                match self.io(|fs| fs.is_link(&path)) {
                    Ok(false) => {}
                    Ok(true) => continue,
                    Err(e) => {
                        self.fail(e, at, &path);
                        continue;
                    }
                }
                match self.io(|fs| fs.kind(&path)) {
                    Ok(Some(EntryKind::Dir)) => {}
                    Ok(_) => continue,
                    Err(e) => {
                        self.fail(e, at, &path);
                        continue;
                    }
                }
            }
            out.push(path);
        }
        if out.is_empty()
            && let Some(kind) = on_missing
        {
            self.problem(
                kind,
                at,
                format!("no match for wildcard '{pattern}' in {dir}"),
            );
        }
        out
    }

    fn read_file(&mut self, path: &str, depth: usize, at: &At) {
        let key = fold_key(path);
        if self.reading.contains(&key) {
            let msg = format!("include cycle: {path} is already being read");
            return self.problem(ProblemKind::Recursion, at, msg);
        }
        let bytes = match self.io(|fs| fs.read(path)) {
            Ok(bytes) => bytes,
            Err(e) => return self.fail(e, at, path),
        };
        self.out.files.push(path.to_owned());
        if bytes.starts_with(b"\xEF\xBB\xBF") {
            // httpd does not strip it: the first line is an invalid command.
            let here = At(path, Some(1));
            let msg = "starts with a UTF-8 byte order mark, which httpd does not strip (Invalid command '\\xef\\xbb\\xbf...'); save it without the BOM".to_owned();
            return self.problem(ProblemKind::Syntax, &here, msg);
        }
        let text = String::from_utf8_lossy(&bytes);
        if let std::borrow::Cow::Owned(_) = text {
            let here = At(path, None);
            self.problem(
                ProblemKind::NotUtf8,
                &here,
                "not valid UTF-8; decoded lossily".into(),
            );
        }
        self.reading.push(key);
        self.run(path, logical_lines(&text), depth);
        self.reading.pop();
    }

    /// Applies one file's lines in order, tracking its sections (httpd requires
    /// each section to close in the file that opened it, with the matching name).
    fn run(&mut self, file: &str, lines: Vec<Raw>, depth: usize) {
        // Open sections: name, line, mode.
        let mut open: Vec<(String, usize, Mode)> = Vec::new();
        let outer_uncertain = self.uncertain.len();
        for raw in lines {
            let skipping = open.iter().any(|s| s.2 == Mode::Skip);
            let mut items = Vec::new();
            match raw {
                Raw::Line(line, text) => {
                    // Soaked lines are not expanded; read ones are, whole, first.
                    let text = if skipping {
                        text
                    } else {
                        let (text, undefined) = match self.expand(&text) {
                            Ok(expanded) => expanded,
                            Err(reached) => {
                                let at = At(file, Some(line));
                                let msg = format!(
                                    "${{...}} variables expand this line to more than {MAX_EXPANDED} bytes ({reached} reached), so upgate stopped reading here (a Define doubling a value per line?)"
                                );
                                self.problem(ProblemKind::Limit, &at, msg);
                                self.uncertain.truncate(outer_uncertain);
                                return;
                            }
                        };
                        if !undefined.is_empty()
                            && self.note_undefined(file, line, &text, &undefined)
                        {
                            continue;
                        }
                        text
                    };
                    classify(line, &text, &mut items);
                }
                Raw::Other(item) => items.push(item),
            }
            for item in items {
                self.item(file, item, &mut open, skipping, depth);
                if self.out.refusal().is_some() {
                    // httpd stops at the first error it reads.
                    self.uncertain.truncate(outer_uncertain);
                    return;
                }
            }
        }
        // httpd 2.4.71 accepts a true conditional left open at end of file (its
        // content was read, inner sections too); any other section left open is refused.
        if let Some((name, line, _)) = open
            .first()
            .filter(|(n, _, m)| !(is_conditional(n) && *m != Mode::Skip))
        {
            let at = At(file, Some(*line));
            self.problem(
                ProblemKind::Syntax,
                &at,
                format!("<{name}> is not closed at end of file (httpd: <{name}> was not closed)"),
            );
        }
        self.uncertain.truncate(outer_uncertain);
    }

    fn item(
        &mut self,
        file: &str,
        item: Item,
        open: &mut Vec<(String, usize, Mode)>,
        skipping: bool,
        depth: usize,
    ) {
        match item {
            // A soaked line is not parsed further by httpd.
            Item::Syntax { .. } if skipping => {}
            Item::Syntax { line, message } => {
                let at = At(file, Some(line));
                self.problem(ProblemKind::Syntax, &at, message);
            }
            Item::Open { line, name, .. } if skipping => open.push((name, line, Mode::Skip)),
            Item::Open { line, name, args } => {
                let mode = self.condition(file, line, &name, &args);
                if let Mode::Maybe(why) = &mode {
                    self.uncertain.push(why.clone());
                }
                open.push((name, line, mode));
            }
            Item::Close { line, name } => {
                let at = At(file, Some(line));
                match open.last() {
                    Some((n, _, _)) if n.eq_ignore_ascii_case(&name) => {
                        if let Some((_, _, Mode::Maybe(_))) = open.pop() {
                            self.uncertain.pop();
                        }
                    }
                    // Inside a skipped section httpd only looks for its end.
                    Some(_) if skipping => {}
                    Some((n, l, _)) => {
                        let msg = format!(
                            "</{name}> while <{n}> of line {l} is open (httpd: Expected </{n}> but saw </{name}>)"
                        );
                        self.problem(ProblemKind::Syntax, &at, msg);
                    }
                    None => {
                        let msg = format!(
                            "</{name}> without matching <{name}> section in this file (a section must close in the file that opened it)"
                        );
                        self.problem(ProblemKind::Syntax, &at, msg);
                    }
                }
            }
            Item::Directive { line, name, args } if !skipping => {
                self.directive(file, line, &name, &args, depth)
            }
            Item::Commented { line, name, path } if !skipping => {
                let file = file.to_owned();
                self.out.commented_modules.push(Module {
                    name,
                    path,
                    file,
                    line,
                });
            }
            Item::Directive { .. } | Item::Commented { .. } => {}
        }
    }

    /// Where the environment is unknown, an undefined variable in a path may be
    /// set there: the directive is reported and ignored (true). Else it stays literal.
    fn note_undefined(
        &mut self,
        file: &str,
        line: usize,
        text: &str,
        undefined: &[String],
    ) -> bool {
        if self.opts.env.is_some() {
            return false;
        }
        let first = text.split_whitespace().next().unwrap_or_default();
        if ["include", "includeoptional", "serverroot", "loadmodule"]
            .iter()
            .any(|d| first.eq_ignore_ascii_case(d))
        {
            let vars: Vec<String> = undefined.iter().map(|v| format!("${{{v}}}")).collect();
            let msg = format!(
                "undefined {} in {first} path; directive ignored (the environment httpd is started with is unknown)",
                vars.join(", ")
            );
            self.problem(ProblemKind::UndefinedVariable, &At(file, Some(line)), msg);
            return true;
        }
        false
    }

    /// A section's mode: read-time conditionals are decided (and recorded); any
    /// other section is read.
    fn condition(&mut self, file: &str, line: usize, name: &str, args: &[String]) -> Mode {
        let lower = name.to_ascii_lowercase();
        let kind = match lower.as_str() {
            "ifmodule" | "ifdefine" | "ifversion" | "iffile" | "ifdirective" | "ifsection" => lower,
            _ => return Mode::Read,
        };
        let section = format!("<{name} {}>", args.join(" "));
        let at = At(file, Some(line));
        let decided: Result<(Option<bool>, String), String> = match (kind.as_str(), args) {
            ("ifversion", _) => self.if_version(args),
            (_, [arg]) => {
                let (neg, arg) = match arg.strip_prefix('!') {
                    Some(a) => (true, a),
                    None => (false, arg.as_str()),
                };
                if arg.is_empty() {
                    Err(format!("{section} needs an argument"))
                } else {
                    let (value, why) = match kind.as_str() {
                        "ifmodule" => self.if_module(arg),
                        "ifdefine" if self.tainted.contains_key(arg) => {
                            let why = &self.tainted[arg];
                            (None, format!("{arg} was set or unset inside {why}"))
                        }
                        "ifdefine" => {
                            let on = self.names.contains(arg);
                            let why = if on {
                                format!("{arg} is defined")
                            } else {
                                format!("{arg} is not defined")
                            };
                            (Some(on), why)
                        }
                        "iffile" => {
                            let path = join(&self.server_root, arg);
                            match self.io(|fs| fs.kind(&path)) {
                                Ok(k) => (
                                    Some(k.is_some()),
                                    format!(
                                        "{path} {}",
                                        if k.is_some() {
                                            "exists"
                                        } else {
                                            "does not exist"
                                        }
                                    ),
                                ),
                                Err(_) => (None, format!("{path} cannot be checked")),
                            }
                        }
                        "ifdirective" => {
                            if CORE_DIRECTIVES.iter().any(|d| d.eq_ignore_ascii_case(arg)) {
                                (Some(true), format!("{arg} is a core directive"))
                            } else {
                                (
                                    None,
                                    format!(
                                        "whether {arg} is a known directive depends on the modules' directive tables, not modelled"
                                    ),
                                )
                            }
                        }
                        _ => {
                            if CORE_SECTIONS.iter().any(|d| d.eq_ignore_ascii_case(arg)) {
                                (Some(true), format!("<{arg}> is a core section"))
                            } else {
                                (
                                    None,
                                    format!(
                                        "whether <{arg}> is a known section depends on the modules loaded, not modelled"
                                    ),
                                )
                            }
                        }
                    };
                    Ok((value.map(|v| v != neg), why))
                }
            }
            _ => Err(format!("{section} takes one argument, got {}", args.len())),
        };
        match decided {
            Err(msg) => {
                self.problem(ProblemKind::Syntax, &at, msg);
                Mode::Skip
            }
            Ok((taken, why)) => {
                self.out.decisions.push(Decision {
                    file: file.to_owned(),
                    line,
                    section: section.clone(),
                    taken,
                    why: why.clone(),
                });
                match taken {
                    Some(true) => Mode::Read,
                    Some(false) => Mode::Skip,
                    None => Mode::Maybe(format!("{section} at {file}:{line}: {why}")),
                }
            }
        }
    }

    /// `find_module`: the module id or its source file name, built in or loaded so far.
    fn if_module(&self, arg: &str) -> (Option<bool>, String) {
        let id_of = |m: &str| -> Option<String> { module_id(m) };
        let wanted = if arg.ends_with(".c") {
            id_of(arg)
        } else {
            Some(arg.to_owned())
        };
        let Some(id) = wanted else {
            return (
                None,
                format!("{arg} names a source file upgate cannot map to a module"),
            );
        };
        if let Some(&i) = self.first_loaded.get(&id) {
            let m = &self.out.modules[i];
            return (Some(true), format!("{id} loaded at {}:{}", m.file, m.line));
        }
        if self.opts.static_modules.contains(&id) {
            return (Some(true), format!("{id} is compiled in"));
        }
        if let Some(&i) = self.first_uncertain.get(&id) {
            let (m, _) = &self.out.uncertain_modules[i];
            return (
                None,
                format!("{id} only maybe loaded at {}:{}", m.file, m.line),
            );
        }
        (Some(false), format!("{id} not loaded before this line"))
    }

    /// `mod_version`: `<IfVersion [[!]op] version>`; not evaluable without a version.
    fn if_version(&self, args: &[String]) -> Result<(Option<bool>, String), String> {
        let (op, ver) = match args {
            [v] => ("=", v.as_str()),
            [op, v] => (op.as_str(), v.as_str()),
            _ => return Err("<IfVersion> takes one or two arguments".into()),
        };
        let Some(have) = self.opts.version else {
            return Ok((
                None,
                "the Apache version is unknown (set password_secure.apache_version or keep /var/lib/dpkg/status in the snapshot)".into(),
            ));
        };
        let (neg, op) = match op.strip_prefix('!') {
            Some(o) => (true, o),
            None => (false, op),
        };
        if matches!(op, "~") || ver.starts_with('/') {
            return Ok((
                None,
                "regular-expression <IfVersion> is not evaluated".into(),
            ));
        }
        let mut it = ver.split('.');
        let want = (
            it.next().and_then(|x| x.parse::<u32>().ok()),
            it.next().map(|x| x.parse::<u32>().ok()),
            it.next().map(|x| x.parse::<u32>().ok()),
        );
        let (Some(a), b, c) = want else {
            return Err(format!("<IfVersion {op} {ver}>: not a version"));
        };
        // Missing parts compare as in mod_version: 2.4 means 2.4.0 for <, but "=" on
        // a prefix is exact on the given parts only.
        let (b, c) = (b.flatten(), c.flatten());
        let cmp = match (b, c) {
            (Some(b), Some(c)) => have.cmp(&(a, b, c)),
            (Some(b), None) => (have.0, have.1).cmp(&(a, b)),
            _ => have.0.cmp(&a),
        };
        use std::cmp::Ordering::*;
        let r = match op {
            "=" | "==" => cmp == Equal,
            "<" => cmp == Less,
            "<=" => cmp != Greater,
            ">" => cmp == Greater,
            ">=" => cmp != Less,
            _ => return Err(format!("<IfVersion {op}>: unknown operator")),
        };
        let (x, y, z) = have;
        Ok((Some(r != neg), format!("Apache {x}.{y}.{z}")))
    }

    fn directive(&mut self, file: &str, line: usize, name: &str, args: &[String], depth: usize) {
        let lower = name.to_ascii_lowercase();
        let lower = lower.as_str();
        if !matches!(
            lower,
            "loadmodule" | "define" | "undefine" | "serverroot" | "include" | "includeoptional"
        ) {
            return;
        }
        let at = At(file, Some(line));
        match (lower, args) {
            ("loadmodule", [module, path]) => {
                // mod_proxy's providers link against it (`ap_proxy_*`): dlopen fails
                // with an undefined symbol unless proxy_module is loaded first.
                if module.starts_with("proxy_")
                    && module != "proxy_module"
                    && !self.first_loaded.contains_key("proxy_module")
                    && !self.first_loaded.contains_key(module.as_str())
                {
                    if let Some((_, why)) = self
                        .first_uncertain
                        .get("proxy_module")
                        .map(|&i| &self.out.uncertain_modules[i])
                    {
                        let why = why.clone();
                        self.uncertain.push(why);
                        self.directive_load(file, line, module, path);
                        self.uncertain.pop();
                        return;
                    }
                    let msg = format!(
                        "LoadModule {module} before proxy_module is loaded: httpd cannot load it (undefined symbol ap_proxy_...)"
                    );
                    return self.problem(ProblemKind::Syntax, &at, msg);
                }
                self.directive_load(file, line, module, path);
            }
            ("define" | "undefine", [var, ..]) if !self.uncertain.is_empty() && self.taint(var) => {
            }
            ("serverroot", [_]) if !self.uncertain.is_empty() && self.tainted_root.is_none() => {
                self.tainted_root = self.uncertain.last().cloned();
                self.directive(file, line, name, args, depth);
            }
            ("define", [var]) => {
                self.names.insert(var.clone());
            }
            ("define", [var, value]) => {
                self.names.insert(var.clone());
                let folded = var.to_ascii_lowercase();
                let replaced = self.vars.get(&folded).map_or(0, |(_, v)| v.len());
                if self.held - replaced + value.len() > MAX_DEFINED {
                    self.undefine_var(&folded);
                    let msg = format!(
                        "Define {var}: defined values would hold more than {MAX_DEFINED} bytes together, so upgate stopped reading here"
                    );
                    return self.problem(ProblemKind::Limit, &at, msg);
                }
                self.held = self.held - replaced + value.len();
                self.vars.insert(folded, (var.clone(), value.clone()));
            }
            ("undefine", [var]) => {
                self.names.remove(var);
                self.undefine_var(&var.to_ascii_lowercase());
            }
            ("serverroot", [path]) => {
                // Relative to httpd's working directory: / under systemd and OpenRC.
                let root = join("/", path);
                let root = if is_windows(&self.server_root) && !is_absolute(path) {
                    join(&self.server_root, path)
                } else {
                    root
                };
                match self.io(|fs| fs.kind(&root)) {
                    Ok(Some(EntryKind::Dir)) => self.server_root = root,
                    Ok(_) => self.problem(
                        ProblemKind::Syntax,
                        &at,
                        format!("ServerRoot {root} is not a folder (httpd: ServerRoot must be a valid directory)"),
                    ),
                    Err(e) => self.fail(e, &at, &root),
                }
            }
            ("include", [path]) => {
                let path = join(&self.server_root, path);
                self.include(
                    &path,
                    Some(ProblemKind::IncludeMatchedNothing),
                    depth + 1,
                    &at,
                );
            }
            ("includeoptional", [path]) => {
                let path = join(&self.server_root, path);
                self.include(&path, None, depth + 1, &at)
            }
            _ => {
                let msg = format!("{name} has a wrong number of arguments ({})", args.len());
                self.problem(ProblemKind::Syntax, &at, msg);
            }
        }
    }
}

impl Eval<'_> {
    /// Records a name set inside an undecidable conditional; false, so the
    /// directive still applies (its variable may still be used).
    fn taint(&mut self, var: &str) -> bool {
        if let Some(why) = self.uncertain.last() {
            self.tainted
                .entry(var.to_owned())
                .or_insert_with(|| why.clone());
        }
        false
    }

    /// Forgets a `Define`d value (by folded name) and the bytes it held.
    fn undefine_var(&mut self, folded: &str) {
        if let Some((_, v)) = self.vars.remove(folded) {
            self.held -= v.len();
        }
    }

    fn directive_load(&mut self, file: &str, line: usize, module: &str, path: &str) {
        // mod_so loads the file at once (relative to ServerRoot): a path still holding
        // an undefined `${VAR}` names no module file, so httpd refuses. (A snapshot
        // usually lacks the module files themselves, so their absence proves nothing.)
        if !self.first_loaded.contains_key(module)
            && self.uncertain.is_empty()
            && path.contains("${")
        {
            let full = join(&self.server_root, path);
            if let Ok(None) = self.io(|fs| fs.kind(&full)) {
                let msg = format!(
                    "LoadModule {module}: {full} does not exist (an undefined variable stays literal; httpd: Cannot load {full} into server)"
                );
                return self.problem(ProblemKind::Syntax, &At(file, Some(line)), msg);
            }
        }
        let m = Module {
            name: module.to_owned(),
            path: path.to_owned(),
            file: file.to_owned(),
            line,
        };
        let why = self.uncertain.last().cloned().or_else(|| {
            self.tainted_root
                .as_ref()
                .map(|w| format!("a ServerRoot set inside {w}"))
        });
        match why {
            Some(why) => {
                let at = self.out.uncertain_modules.len();
                self.first_uncertain.entry(m.name.clone()).or_insert(at);
                self.out.uncertain_modules.push((m, why));
            }
            None => {
                let at = self.out.modules.len();
                self.first_loaded.entry(m.name.clone()).or_insert(at);
                self.out.modules.push(m);
            }
        }
    }
}

fn is_conditional(name: &str) -> bool {
    [
        "ifmodule",
        "ifdefine",
        "ifversion",
        "iffile",
        "ifdirective",
        "ifsection",
    ]
    .iter()
    .any(|c| name.eq_ignore_ascii_case(c))
}

/// The module id of a source file name, by httpd's conventions (`mod_proxy.c` →
/// `proxy_module`; the MPMs and the core are named after their files).
fn module_id(source: &str) -> Option<String> {
    let stem = source.strip_suffix(".c")?;
    Some(match stem {
        "core" => "core_module".into(),
        "http_core" => "http_module".into(),
        "event" | "worker" | "prefork" | "mpm_winnt" => {
            format!("mpm_{}_module", stem.trim_start_matches("mpm_"))
        }
        _ => format!("{}_module", stem.strip_prefix("mod_")?),
    })
}

/// Joins `path` onto folder `base` lexically: `\` becomes `/` in Windows paths, `.`
/// is dropped, `..` resolved (never above the root), and no `//` is produced.
fn join(base: &str, path: &str) -> String {
    let windows = is_windows(path) || (!is_absolute(path) && is_windows(base));
    let path = if windows {
        path.replace('\\', "/")
    } else {
        path.to_owned()
    };
    let full = if is_absolute(&path) || base.is_empty() {
        path
    } else {
        format!("{base}/{path}")
    };
    let (root, rest) = split_root(&full);
    let mut segments: Vec<&str> = Vec::new();
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                segments.pop();
            }
            s => segments.push(s),
        }
    }
    root + &segments.join("/")
}

/// A Windows path starts with a drive letter, e.g. `C:`.
fn is_windows(path: &str) -> bool {
    matches!(path.as_bytes(), [d, b':', ..] if d.is_ascii_alphabetic())
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || is_windows(path)
}

/// Splits off the root: `/`, `C:/` (for `C:` too), or nothing for a relative path.
fn split_root(path: &str) -> (String, &str) {
    match (is_windows(path), path.get(..2), path.get(2..)) {
        (true, Some(drive), Some(rest)) => (format!("{drive}/"), rest),
        _ if path.starts_with('/') => ("/".to_owned(), path),
        _ => (String::new(), path),
    }
}

fn child(dir: &str, name: &str) -> String {
    if dir.is_empty() || dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Skips `.`, `..` and names a misbehaving caller might return with separators.
fn plain_name(name: &str) -> bool {
    !(name.is_empty() || name == "." || name == ".." || name.contains('/'))
}

/// Windows paths are case-insensitive, so cycles are detected on folded paths there.
fn fold_key(path: &str) -> String {
    if is_windows(path) {
        path.to_lowercase()
    } else {
        path.to_owned()
    }
}

/// Whether a path component is a pattern, like `apr_fnmatch_test`: `*`, `?`, or
/// `[` with a later `]`; `\` escapes.
fn has_wildcard(segment: &str) -> bool {
    let (mut bracket, mut escaped) = (false, false);
    for c in segment.chars() {
        match c {
            _ if escaped => escaped = false,
            '*' | '?' => return true,
            '\\' => escaped = true,
            '[' => bracket = true,
            ']' if bracket => return true,
            _ => {}
        }
    }
    false
}

/// Matches one path component like `apr_fnmatch(.., APR_FNM_PERIOD)`: a leading `.`
/// must be matched literally; `fold` ignores case (Windows).
fn fnmatch(pattern: &str, name: &str, fold: bool) -> bool {
    if name.starts_with('.') && !(pattern.starts_with('.') || pattern.starts_with("\\.")) {
        return false;
    }
    crate::glob::matches(pattern, name, crate::glob::Syntax::Fnmatch, fold)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dir(line: usize, name: &str, args: &[&str]) -> Item {
        let args = args.iter().map(|a| a.to_string()).collect();
        Item::Directive {
            line,
            name: name.into(),
            args,
        }
    }

    #[test]
    fn parse_joins_continuations_and_keeps_first_line_number() {
        let items = parse("A one \\\n  two\\\nthree\nB x\n");
        // Lines are glued as they are, like httpd: no space is added.
        assert_eq!(
            items,
            [dir(1, "A", &["one", "twothree"]), dir(4, "B", &["x"])]
        );
        // Only a backslash as the very last character continues.
        assert_eq!(
            parse("A x\\ \nB\n"),
            [dir(1, "A", &["x\\"]), dir(2, "B", &[])]
        );
        // httpd joins before looking for comments: the comment swallows the next line.
        assert_eq!(parse("# note \\\nLoadModule a b\nC\n"), [dir(3, "C", &[])]);
    }

    #[test]
    fn parse_comments_quotes_and_crlf() {
        let text = "  # comment\r\n\r\nLogFormat \"%h %l\" 'a b' x#y # z\r\nQ \"say \\\"hi\\\"\" c:\\\\dir \\n\r\n";
        assert_eq!(
            parse(text),
            [
                dir(3, "LogFormat", &["%h %l", "a b", "x#y", "#", "z"]),
                dir(4, "Q", &["say \"hi\"", "c:\\dir", "\\n"]),
            ]
        );
    }

    #[test]
    fn parse_sections_and_commented_modules() {
        let text = "<IfModule !proxy_module>\n</ifmodule>\n<FilesMatch \"^\\.ht\">\n<IfDefine>\n\
                    #LoadModule proxy_wstunnel_module modules/mod_proxy_wstunnel.so\n\
                    ## LoadModule a_module \"x y.so\"\n# LoadModule lines go here\n<Broken x\n";
        let open = |line, name: &str, args: &[&str]| Item::Open {
            line,
            name: name.into(),
            args: args.iter().map(|a| a.to_string()).collect(),
        };
        let commented = |line, name: &str, path: &str| Item::Commented {
            line,
            name: name.into(),
            path: path.into(),
        };
        assert_eq!(
            parse(text),
            [
                open(1, "IfModule", &["!proxy_module"]),
                Item::Close {
                    line: 2,
                    name: "ifmodule".into()
                },
                open(3, "FilesMatch", &["^\\.ht"]),
                open(4, "IfDefine", &[]),
                commented(5, "proxy_wstunnel_module", "modules/mod_proxy_wstunnel.so"),
                commented(6, "a_module", "x y.so"),
                Item::Syntax {
                    line: 8,
                    message: "<Broken is missing its closing '>'".into()
                },
                open(8, "Broken", &["x"]),
            ]
        );
    }

    #[test]
    fn parse_continuation_at_end_of_file() {
        // httpd 2.4.71 takes the line as it is (the differential test measures it).
        assert_eq!(parse("A b \\\n"), [dir(1, "A", &["b"])]);
    }

    #[test]
    fn fnmatch_like_apr() {
        assert!(fnmatch("*.conf", "a.conf", false));
        assert!(!fnmatch("*.conf", "a.conf.bak", false));
        assert!(!fnmatch("*.conf", ".hidden.conf", false));
        assert!(fnmatch(".*", ".hidden", false));
        assert!(fnmatch("0?-*.c[a-o]nf", "00-proxy.conf", false));
        assert!(fnmatch("[!a]*", "b", false) && !fnmatch("[!a]*", "a", false));
        assert!(fnmatch("[]x]", "]", false) && fnmatch("a[b", "a[b", false));
        assert!(fnmatch("\\*", "*", false) && !fnmatch("\\*", "a", false));
        assert!(!fnmatch("*.CONF", "a.conf", false) && fnmatch("*.CONF", "a.conf", true));
        assert!(fnmatch("*a*b*c", "xxaxxbxxbc", false) && !fnmatch("*a*b", "ab_", false));
        assert!(
            has_wildcard("*.conf")
                && has_wildcard("[ab]")
                && !has_wildcard("a[b")
                && !has_wildcard("\\*")
        );
    }

    #[test]
    fn join_normalizes_lexically() {
        assert_eq!(
            join("/etc/apache2", "ports.conf"),
            "/etc/apache2/ports.conf"
        );
        assert_eq!(
            join("/etc/apache2", "./a//b/../c.conf"),
            "/etc/apache2/a/c.conf"
        );
        assert_eq!(join("/etc", "../../../x"), "/x");
        assert_eq!(join("/etc/httpd", "/abs//p/"), "/abs/p");
        assert_eq!(join("/etc/httpd/conf/httpd.conf", ".."), "/etc/httpd/conf");
        assert_eq!(join("/", ".."), "/");
        assert_eq!(
            join("c:/Apache24", "conf\\extra\\x.conf"),
            "c:/Apache24/conf/extra/x.conf"
        );
        assert_eq!(join("/etc", "D:\\Apache\\..\\conf"), "D:/conf");
        assert_eq!(
            join("C:/Apache24/conf/httpd.conf", ".."),
            "C:/Apache24/conf"
        );
        assert_eq!(join("C:", "..\\.."), "C:/");
        // On POSIX a backslash is an ordinary character.
        assert_eq!(join("/etc", "a\\b"), "/etc/a\\b");
    }
}
