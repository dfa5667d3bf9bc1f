//! The command line: parses arguments, reads the user's own files (facts,
//! rule directories), runs the scan and writes the outputs. Exit status 0:
//! nothing fails the gate; 1: something does; 2: upgate could not do its job.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::error::InputError;
use crate::facts::{Moment, Version};
use crate::fleet::FleetRule;
use crate::model::{Phase, Product, Severity};
use crate::report::{Emitter, Gate, Report, Show};
use crate::rules::checks::BackupOptions;
use crate::rules::{Rule, RuleSet, Source};
use crate::scan::{ScanInput, scan};
use crate::server::{Env, Server};
use crate::target::{Given, Target};

#[derive(Debug, Parser)]
#[command(
    name = "upgate",
    version,
    about = "Pre-flight and post-upgrade checks for Secret Server, Privilege Manager and Netwrix Password Secure servers",
    after_help = AFTER_HELP
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The default target and the exit statuses, after `upgate --help` and `upgate scan --help`.
const AFTER_HELP: &str = "\
With no TARGET (nor --root or --snapshot), scan reads this machine's
root: / or %SystemDrive%\\.

Exit status of scan:
  0  nothing fails the gate (see --fail-on, --allow-unevaluated)
  1  something does: a failure or an unevaluated check at or above
     --fail-on, or an input that exists but cannot be read
  2  upgate could not do its job: bad arguments, unreadable target,
     invalid facts or rule files (one message on stderr)";

/// The exit statuses of `upgate fleet`, after `upgate fleet --help`.
const FLEET_AFTER_HELP: &str = "\
Each node is scanned as `upgate scan SNAPSHOT` scans it (default
options), then the fleet rules (FLEET001-FLEET005) compare them.

Exit status of fleet (one for the whole fleet):
  0  nothing fails the gate, on any node or in the fleet results
  1  something does: a node's results, as scan judges them, or a
     fleet result; a node whose snapshot cannot be read is
     FLEET001's failure, so 1, not 2
  2  upgate could not do its job: bad arguments, an unreadable or
     invalid inventory, invalid rule files (one message on stderr)";

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the rules against a server root or snapshot and report findings.
    #[command(after_help = AFTER_HELP)]
    Scan(Box<ScanArgs>),
    /// Scan every node of an installation (fleet.toml) and compare them: one verdict for the fleet.
    #[command(after_help = FLEET_AFTER_HELP)]
    Fleet(Box<FleetArgs>),
    /// List every rule (id, slug, phases, severity, title).
    Rules {
        /// Output format.
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
        /// Also load rule files from this folder.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// Explain one rule: what, why, how to fix, source, inputs.
    Explain {
        /// Rule id (PM004) or slug (pm-solution-centre-offline-source).
        rule: String,
        /// Also load rule files from this folder.
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// What changed on one server between two JSON reports (exit 1 when a failure is new).
    Diff {
        /// The earlier JSON report (scan --format json or --report json=FILE).
        before: PathBuf,
        /// The later JSON report of the same server.
        after: PathBuf,
    },
    /// Print a facts.json template: every key with a placeholder saying what to put there, which scan refuses until filled or deleted.
    Facts {
        /// Print the template (required: it is all `facts` prints).
        #[arg(long, required = true)]
        template: bool,
        /// Only these products' keys (repeatable), besides host, env and backups; default: all.
        #[arg(long, value_enum)]
        product: Vec<ProductArg>,
    },
    /// Write a snapshot of this server (or of ROOT) that scans as the server does.
    Collect(CollectArgs),
    /// Print a shell completion script.
    ///
    /// For example: upgate completions bash > /etc/bash_completion.d/upgate
    #[command(alias = "completion", alias = "generate-shell-completion")]
    Completions {
        /// The shell to complete in.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print upgate's version, the commit and date it was built from, its rule packs and release catalog.
    Version {
        /// Output format.
        #[arg(long, value_enum, default_value_t = VersionFormat::Text)]
        format: VersionFormat,
    },
    /// Print the upgate(1) man page (roff), or a subcommand's upgate-COMMAND(1).
    ///
    /// For example: upgate man > /usr/local/share/man/man1/upgate.1
    Man {
        /// The subcommand whose page to print (scan: upgate-scan.1).
        command: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
struct CollectArgs {
    /// The server's root folder, or a snapshot of it; default: this machine's root.
    root: Option<PathBuf>,
    /// The snapshot folder to create (must not exist, or be empty).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// facts.json to copy into the snapshot and collect with (paths and backup folders it names are read).
    #[arg(long, value_name = "FILE")]
    facts: Option<PathBuf>,
    /// Also record every file's SHA-256 and CRC-32, so the snapshot answers --verify-content.
    #[arg(long)]
    hash: bool,
    /// The Windows system drive the root stands for.
    #[arg(long, value_name = "D:", default_value = "C:")]
    system_drive: String,
    /// Extra or overriding rule files (*.toml), as the later scan will use them.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ScanArgs {
    /// A root folder (the server's file system) or a snapshot (a folder holding root/ and
    /// facts.json or captures/); default: this machine's root.
    target: Option<PathBuf>,
    /// Before the upgrade (pre) or after it (post).
    #[arg(long, value_enum)]
    phase: PhaseArg,
    /// The root folder, instead of TARGET.
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// A snapshot folder (holding root/), instead of TARGET, even without facts.json or captures/.
    #[arg(long, value_name = "DIR")]
    snapshot: Option<PathBuf>,
    /// facts.json to use (overrides a snapshot's own).
    #[arg(long, value_name = "FILE")]
    facts: Option<PathBuf>,
    /// Map another Windows drive onto a folder: --drive D:=/mnt/d
    #[arg(long, value_name = "D:=DIR")]
    drive: Vec<String>,
    /// The Windows system drive the root stands for; default C:, or %SystemDrive%
    /// when scanning this machine.
    #[arg(long, value_name = "D:")]
    system_drive: Option<String>,
    /// Products in scope (repeatable); replaces detection.
    #[arg(long, value_enum)]
    product: Vec<ProductArg>,
    /// Target version, overriding facts.json: --target pm=11.1.1156
    #[arg(long = "target", value_name = "PRODUCT=VERSION")]
    target_version: Vec<String>,
    /// The time to judge ages against, RFC 3339 with an offset (2026-11-22T08:00:00Z); default: now.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// How old a backup may be and still count as fresh: hours (36, 36h) or days (2d);
    /// overrides backups.max_age_hours (default 24h).
    #[arg(long, value_name = "AGE")]
    max_backup_age: Option<String>,
    /// Backups, and the Web Application against its package (NPS016): also compare
    /// content (bytes of folder copies, CRC-32 of zip entries), not only paths and sizes.
    #[arg(long)]
    verify_content: bool,
    /// The Privilege Manager offline upgrade zip (or its extracted folder) on this
    /// machine, outside the snapshot, for PM014; default: search the server.
    #[arg(long, value_name = "PATH")]
    offline_package: Option<std::path::PathBuf>,
    /// Format on standard output (or in --output's FILE).
    #[arg(
        short = 'f',
        long,
        visible_alias = "output-format",
        value_enum,
        default_value_t = Format::Text
    )]
    format: Format,
    /// Write the --format output to FILE instead of standard output (-: standard output).
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write FORMAT to FILE (repeatable; FILE - is standard output): --report json=report.json
    #[arg(long, value_name = "FORMAT=FILE")]
    report: Vec<String>,
    /// Lowest severity of a failing or unevaluated result that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Accept checks that could not run (not_evaluated): they no longer fail the gate.
    #[arg(long)]
    allow_unevaluated: bool,
    /// What --strict asked for (unevaluated checks fail the gate) is the default now;
    /// kept so that existing pipelines still run, with a notice.
    #[arg(long, hide = true, conflicts_with = "allow_unevaluated")]
    strict: bool,
    /// Text output: failing, not evaluated and manual results (default), or all.
    #[arg(long, value_enum, default_value_t = ShowArg::Failing)]
    show: ShowArg,
    /// Extra or overriding rule files (*.toml).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Change a rule's severity (repeatable): --set-severity PM008=error
    #[arg(long, value_name = "ID=LEVEL")]
    set_severity: Vec<String>,
    /// The old spelling of --set-severity, refused: Trivy's --severity filters, upgate's did not.
    #[arg(long, hide = true, value_name = "LEVEL", num_args = 0..=1, default_missing_value = "")]
    severity: Vec<String>,
    /// Run only these rules: ids, slugs or id prefixes (PM, NPS00), comma-separated or repeated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    select: Vec<String>,
    /// Skip these rules (applied after --select): ids, slugs or id prefixes, comma-separated or repeated.
    #[arg(long, value_name = "RULES", value_delimiter = ',')]
    ignore: Vec<String>,
    /// Accepted exceptions (TOML [[waiver]] entries with rule, reason, owner, expires).
    #[arg(long, value_name = "FILE")]
    waivers: Option<PathBuf>,
    /// An earlier JSON report of this host: mark each result new, unchanged or updated, and list what is gone.
    #[arg(long, value_name = "REPORT.json")]
    baseline: Option<PathBuf>,
    /// Colour in text output. auto: off when NO_COLOR is set; else on when FORCE_COLOR
    /// (not 0 or false) or CLICOLOR_FORCE (not 0) is set; else off when CLICOLOR=0 or
    /// TERM=dumb; else on when stdout is a terminal.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// Text output: only the summary line.
    #[arg(short, long)]
    quiet: bool,
    /// Trivy's --exit-code and Ruff's --exit-zero: refused with a hint (--fail-on).
    #[arg(long, hide = true, value_name = "CODE")]
    exit_code: Option<String>,
    /// Ruff's --exit-zero: refused with the same hint.
    #[arg(long, hide = true)]
    exit_zero: bool,
    /// Text output: how many results each rule has of each status, instead of the results.
    #[arg(long)]
    statistics: bool,
}

#[derive(Debug, clap::Args)]
struct FleetArgs {
    /// The inventory: fleet.toml naming the installation, its window and each [[node]]'s snapshot folder (relative to the inventory's folder).
    inventory: PathBuf,
    /// Before the upgrade (pre) or after it (post).
    #[arg(long, value_enum)]
    phase: PhaseArg,
    /// The time to judge ages and the window against, RFC 3339 with an offset (2026-11-22T08:00:00Z); default: now.
    #[arg(long, value_name = "TIME")]
    now: Option<String>,
    /// Target version for every node, overriding their facts.json: --target pm=11.1.1156
    #[arg(long = "target", value_name = "PRODUCT=VERSION")]
    target_version: Vec<String>,
    /// Extra or overriding rule files (*.toml) for the nodes' scans.
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    /// Format on standard output (or in --output's FILE).
    #[arg(
        short = 'f',
        long,
        visible_alias = "output-format",
        value_enum,
        default_value_t = FleetFormat::Text
    )]
    format: FleetFormat,
    /// Write the --format output to FILE instead of standard output (-: standard output).
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Also write FORMAT to FILE (repeatable; FILE - is standard output): --report json=fleet.json
    #[arg(long, value_name = "FORMAT=FILE")]
    report: Vec<String>,
    /// Lowest severity of a failing or unevaluated result (a node's or the fleet's) that makes the exit status 1.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
    /// Accept checks that could not run (not_evaluated): they no longer fail the gate.
    #[arg(long)]
    allow_unevaluated: bool,
    /// Colour in text output (auto: as scan --color auto decides).
    #[arg(long, value_enum, default_value_t = ColorArg::Auto)]
    color: ColorArg,
    /// How many nodes to scan at once; default: the machine's available parallelism.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
}

/// `upgate fleet --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FleetFormat {
    /// For a person: the fleet results that need attention, a line per node, the verdict.
    Text,
    Json,
    Markdown,
    Junit,
    Sarif,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum PhaseArg {
    Pre,
    Post,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ProductArg {
    Ss,
    Pm,
    Nps,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// For a person: grouped by rule, wrapped to the terminal.
    Text,
    /// One line per result that fails or could not be checked (Ruff's concise).
    Concise,
    Json,
    Sarif,
    Junit,
    Markdown,
    Github,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
    Markdown,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum VersionFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShowArg {
    Failing,
    All,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

pub fn main() -> ExitCode {
    // `--version` (long) names the commit, rule packs and catalog, known at run time.
    let long: &'static str = crate::version::long_text().trim_end().to_string().leak();
    let mut cmd = Cli::command().long_version(long);
    let matches = cmd.get_matches_mut();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.format(&mut cmd).exit());
    match run(cli) {
        Ok(code) => code,
        Err(Failure::Input(e)) => {
            let _ = writeln!(io::stderr(), "error: {e}");
            ExitCode::from(2)
        }
        // The reader went away (`upgate rules | head`): nothing left to say.
        Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
    }
}

enum Failure {
    Input(InputError),
    BrokenPipe,
}

impl From<InputError> for Failure {
    fn from(e: InputError) -> Self {
        Failure::Input(e)
    }
}

fn stdout_error(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::Input(InputError::new(format!(
            "cannot write to standard output: {e}"
        )))
    }
}

fn run(cli: Cli) -> Result<ExitCode, Failure> {
    match cli.command {
        Command::Scan(args) => run_scan(&args),
        Command::Fleet(args) => run_fleet(&args),
        Command::Collect(args) => run_collect(&args),
        Command::Rules { format, rules } => {
            let set = load_rules(rules.as_deref())?;
            let fleet = crate::fleet::rules::builtin()?;
            let text = match format {
                ListFormat::Text => rules_text(&set, &fleet),
                ListFormat::Json => rules_json(&set, &fleet),
                ListFormat::Markdown => rules_markdown(&set, &fleet),
            };
            io::stdout()
                .write_all(text.as_bytes())
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Explain { rule, rules } => {
            let set = load_rules(rules.as_deref())?;
            let fleet = crate::fleet::rules::builtin()?;
            if let Some(r) = fleet
                .iter()
                .find(|r| r.id.eq_ignore_ascii_case(&rule) || r.slug.eq_ignore_ascii_case(&rule))
            {
                io::stdout()
                    .write_all(explain_fleet(r).as_bytes())
                    .map_err(stdout_error)?;
                return Ok(ExitCode::SUCCESS);
            }
            let Some(r) = set.find(&rule) else {
                let mut e = InputError::new(format!("no rule `{rule}`"));
                e = match set.suggest(&rule) {
                    Some(near) => e.help(format!("did you mean `{near}`?")),
                    None => e.help("`upgate rules` lists them"),
                };
                return Err(e.into());
            };
            io::stdout()
                .write_all(explain(r).as_bytes())
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        // clap requires --template: the template is all `facts` prints.
        Command::Facts {
            template: _,
            product,
        } => {
            io::stdout()
                .write_all(crate::facts::template(&products(&product)).as_bytes())
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Version { format } => {
            let text = match format {
                VersionFormat::Text => format!("upgate {}", crate::version::long_text()),
                VersionFormat::Json => crate::version::json(),
            };
            io::stdout()
                .write_all(text.as_bytes())
                .map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "upgate", &mut script);
            io::stdout().write_all(&script).map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { command } => {
            let mut cli = Cli::command().disable_help_subcommand(true);
            // Gives the subcommands their page names (upgate-scan).
            cli.build();
            let cmd = match command {
                None => cli,
                Some(name) => cli.find_subcommand(&name).cloned().ok_or_else(|| {
                    let names: Vec<_> = cli.get_subcommands().map(|c| c.get_name()).collect();
                    InputError::new(format!("no subcommand `{name}`"))
                        .help(format!("use one of {}", names.join(", ")))
                })?,
            };
            let mut page = Vec::new();
            clap_mangen::Man::new(cmd)
                .source(concat!("upgate ", env!("CARGO_PKG_VERSION")))
                .render(&mut page)
                .expect("writing to a Vec cannot fail");
            io::stdout().write_all(&page).map_err(stdout_error)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Diff { before, after } => {
            let read = |file: &Path| {
                let text = std::fs::read_to_string(file).map_err(|e| {
                    InputError::new(format!("cannot read the report: {e}")).in_file(file)
                })?;
                crate::baseline::EarlierReport::parse(&text, file)
            };
            let (b, a) = (read(&before)?, read(&after)?);
            if !b.host().eq_ignore_ascii_case(a.host()) {
                return Err(InputError::new(format!(
                    "the reports are of two hosts, `{}` and `{}`",
                    b.host(),
                    a.host()
                ))
                .help("diff compares two scans of one server")
                .into());
            }
            crate::diff::check_order(&b, &a)?;
            let (text, any_new) = crate::diff::render(&b, &a);
            io::stdout()
                .write_all(text.as_bytes())
                .map_err(stdout_error)?;
            Ok(if any_new {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// The machine's name, for a snapshot of its own root.
fn machine_name() -> Option<String> {
    std::env::var("COMPUTERNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|n| n.trim().to_string())
        .filter(|n| !n.is_empty())
}

fn run_collect(args: &CollectArgs) -> Result<ExitCode, Failure> {
    let started = std::time::Instant::now();
    let rules = load_rules(args.rules.as_deref())?;
    let target = Target::resolve(
        crate::target::Given {
            target: args.root.as_deref(),
            ..Default::default()
        },
        args.facts.as_deref(),
    )?;
    if let Some(note) = &target.note {
        eprintln!("note: {note}");
    }
    if target.load_manifest()?.is_some() {
        return Err(
            InputError::new("this is a snapshot upgate collect wrote already")
                .in_file(target.snapshot.as_deref().unwrap_or(&target.root))
                .help("scan it, or collect the server it came from")
                .into(),
        );
    }
    let live = target.system_root;
    let root = target.root.clone();
    let facts = target.load_facts()?;
    let captures = target.load_captures(&facts)?;
    let facts_text = match &target.facts_file {
        Some(f) => Some(
            std::fs::read(f)
                .ok()
                .and_then(|b| crate::text::decode(&b).ok())
                .map(|t| t.text)
                .ok_or_else(|| InputError::new("cannot read the facts file").in_file(f))?,
        ),
        None => None,
    };
    let system_drive = drive_letter(&args.system_drive).ok_or_else(|| {
        InputError::new(format!(
            "--system-drive {}: expected a drive letter like C:",
            args.system_drive
        ))
    })?;
    let env = Env::new(system_drive, &facts.env);
    let server = Server::new(&root, system_drive, &BTreeMap::new(), env)
        .map_err(|e| InputError::new(format!("cannot open the root: {e}")).in_file(&root))?;
    let host = facts.host.clone().unwrap_or_else(|| {
        if live {
            machine_name().unwrap_or_else(|| target.default_host())
        } else {
            target.default_host()
        }
    });
    let request = crate::collect::Request {
        server,
        rules: &rules,
        facts: &facts,
        facts_text: facts_text.as_deref(),
        captures: &captures,
        host,
        now: jiff::Timestamp::now(),
        hash: args.hash,
        live,
        commands: &crate::collect::SystemCommands,
    };
    let done = crate::collect::collect(&request, &args.out)?;
    let mut text = crate::collect::summary(&request, &done);
    let size = done.written.copied_bytes + done.written.ranged_bytes + done.written.manifest_bytes;
    text.push_str(&format!(
        "\nWrote {} ({:.1} MiB) in {:.1} s. Next: upgate scan {} --phase pre\n",
        args.out.display(),
        size as f64 / (1024.0 * 1024.0),
        started.elapsed().as_secs_f64(),
        args.out.display()
    ));
    io::stdout()
        .write_all(text.as_bytes())
        .map_err(stdout_error)?;
    Ok(ExitCode::SUCCESS)
}

fn products(args: &[ProductArg]) -> Vec<Product> {
    args.iter()
        .map(|p| match p {
            ProductArg::Ss => Product::Ss,
            ProductArg::Pm => Product::Pm,
            ProductArg::Nps => Product::Nps,
        })
        .collect()
}

fn run_scan(args: &ScanArgs) -> Result<ExitCode, Failure> {
    if args.strict {
        eprintln!(
            "upgate: --strict is the default now (unevaluated checks fail the gate) and can be dropped; --allow-unevaluated accepts them"
        );
    }
    if args.statistics && !matches!(args.format, Format::Text | Format::Concise) {
        let format = args
            .format
            .to_possible_value()
            .map(|v| v.get_name().to_string())
            .unwrap_or_default();
        return Err(InputError::new(format!(
            "--statistics is a text view, and --format is {format}"
        ))
        .help("use it with --format text or concise; the JSON report holds every result to count")
        .into());
    }
    if !args.severity.is_empty() {
        return Err(InputError::new(
            "upgate's --severity does not filter as Trivy's does; use --set-severity ID=LEVEL to change a rule's severity, --fail-on LEVEL to choose what fails the gate, --select/--ignore to choose rules",
        )
        .into());
    }
    if args.exit_code.is_some() || args.exit_zero {
        return Err(InputError::new(
            "upgate exits 1 when the gate fails and 0 when it passes; --fail-on LEVEL chooses what fails it (never: only unreadable inputs)",
        )
        .into());
    }
    let outputs = plan_outputs(args.format, args.output.as_deref(), &args.report)?;
    let mut rules = load_rules(args.rules.as_deref())?;
    for spec in &args.set_severity {
        let (id, level) = split_pair(spec, "--set-severity", "ID=LEVEL")?;
        let severity = Severity::from_code(level).ok_or_else(|| {
            InputError::new(format!("--set-severity {spec}: unknown level `{level}`"))
                .help("use error, warning or note")
        })?;
        rules.set_severity(id, severity)?;
    }
    let target = Target::resolve(
        Given {
            target: args.target.as_deref(),
            root: args.root.as_deref(),
            snapshot: args.snapshot.as_deref(),
        },
        args.facts.as_deref(),
    )?;
    if let Some(note) = &target.note {
        eprintln!("note: {note}");
    }
    let facts = target.load_facts()?;
    let captures = target.load_captures(&facts)?;
    let mut waivers = match &args.waivers {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                InputError::new(format!("cannot read the waivers: {e}")).in_file(file)
            })?;
            crate::waivers::parse(&text, file, &rules)?
        }
        None => Vec::new(),
    };
    // After the waivers are read against every rule: one for an unselected (or
    // ignored) rule is not an error, and not reported as unused either.
    if !args.select.is_empty() || !args.ignore.is_empty() {
        rules.select_ignore(&args.select, &args.ignore)?;
        waivers.retain(|w| rules.find(&w.rule).is_some());
    }
    let max_age_hours = match &args.max_backup_age {
        Some(raw) => parse_age_hours(raw).ok_or_else(|| {
            InputError::new(format!(
                "--max-backup-age {raw}: expected hours (36, 36h) or days (2d)"
            ))
        })?,
        None => facts
            .backups
            .as_ref()
            .and_then(|b| b.max_age_hours)
            .map_or(BackupOptions::DEFAULT_MAX_AGE_HOURS, i64::from),
    };
    let system_drive = match &args.system_drive {
        Some(raw) => drive_letter(raw).ok_or_else(|| {
            InputError::new(format!(
                "--system-drive {raw}: expected a drive letter like C:"
            ))
        })?,
        // This machine's root stands for its own system drive.
        None if target.system_root => drive_letter(&crate::target::system_drive()).unwrap_or('C'),
        None => 'C',
    };
    let mut drives = BTreeMap::new();
    for spec in &args.drive {
        let (letter, dir) = split_pair(spec, "--drive", "D:=DIR")?;
        let letter = drive_letter(letter).ok_or_else(|| {
            InputError::new(format!("--drive {spec}: `{letter}` is not a drive letter"))
        })?;
        if !Path::new(dir).is_dir() {
            return Err(InputError::new(format!("--drive {spec}: {dir} is not a folder")).into());
        }
        drives.insert(letter, PathBuf::from(dir));
    }
    let targets = parse_targets(&args.target_version)?;
    let now = parse_now(args.now.as_deref())?;
    let env = Env::new(system_drive, &facts.env);
    let mut server = Server::new(&target.root, system_drive, &drives, env)
        .map_err(|e| InputError::new(format!("cannot open the root: {e}")).in_file(&target.root))?;
    if let Some(manifest) = target.load_manifest()? {
        server = server.with_manifest(manifest);
    }
    let products = products(&args.product);
    let host = facts.host.clone().unwrap_or_else(|| target.default_host());
    let baseline = match &args.baseline {
        Some(file) => {
            let text = std::fs::read_to_string(file).map_err(|e| {
                InputError::new(format!("cannot read the baseline: {e}")).in_file(file)
            })?;
            let b = crate::baseline::Baseline::parse(&text, file)?;
            if !b.host.eq_ignore_ascii_case(&host) {
                return Err(InputError::new(format!(
                    "the baseline is a report of host `{}`, and this scan is of `{host}`",
                    b.host
                ))
                .in_file(file)
                .help("compare reports of one server (set facts.json `host` if the folder names differ)")
                .into());
            }
            // Only the rules this scan runs can have gone (`--select`).
            Some(b.of_rules(|id| rules.find(id).is_some()))
        }
        None => None,
    };
    let input = ScanInput {
        server: &server,
        rules: &rules,
        facts: &facts,
        facts_file: target.facts_file.as_ref().map(|f| f.display().to_string()),
        host,
        phase: phase_of(args.phase),
        products,
        targets,
        now,
        backups: BackupOptions {
            max_age: jiff::SignedDuration::from_hours(max_age_hours),
            verify_content: args.verify_content,
        },
        captures: &captures,
        offline_package: args.offline_package.as_deref(),
        every_rule: false,
    };
    let mut scanned = scan(&input);
    if target.system_root {
        // A report read later should say it is of the machine upgate ran on.
        scanned.info.detection.splice(0..0, target.note.clone());
    }
    let report = Report::new(scanned, &waivers, baseline.as_ref(), now);
    if report.scan.products.is_empty() {
        return Err(InputError::new(format!(
            "no product found under {}: none of C:\\inetpub\\wwwroot\\SecretServer, TMS or Web Application exists, and facts.json names none",
            target.root.display()
        ))
        .help("check the target, or name the products with --product and supply facts.json")
        .into());
    }
    let gate = gate_of(args.fail_on, args.allow_unevaluated);
    let show = match args.show {
        ShowArg::Failing => Show::Failing,
        ShowArg::All => Show::All,
    };
    let roots = [server.root().to_path_buf()];
    let emit = |format: Format, look: Look, out: &mut dyn Write| {
        let view = TextView {
            show,
            quiet: look.main && args.quiet,
            statistics: look.main && args.statistics,
            width: look.width,
        };
        emitter(format, look.color, view, &rules).emit(&report, &gate, out)
    };
    write_outputs(&outputs, color_of(args.color), &roots, &emit)?;
    // Still exit 1 when the gate failed, even if the reader went away: a
    // pipeline cannot turn a failure into a pass.
    Ok(if gate.failed(&report) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_fleet(args: &FleetArgs) -> Result<ExitCode, Failure> {
    use crate::fleet;
    use crate::fleet::emit::{
        FleetEmitter, FleetJson, FleetJunit, FleetMarkdown, FleetSarif, FleetText,
    };
    let outputs = plan_outputs(args.format, args.output.as_deref(), &args.report)?;
    let rules = load_rules(args.rules.as_deref())?;
    let targets = parse_targets(&args.target_version)?;
    let now = parse_now(args.now.as_deref())?;
    let phase = phase_of(args.phase);
    let file = &args.inventory;
    let text = fs::read_to_string(file)
        .map_err(|e| InputError::new(format!("cannot read the inventory: {e}")).in_file(file))?;
    let inventory = fleet::inventory::parse(&text, file)?;
    let base = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let jobs = args.jobs.map_or_else(
        || std::thread::available_parallelism().map_or(1, usize::from),
        usize::from,
    );
    let how = fleet::NodeScan {
        rules: &rules,
        phase,
        now,
        targets,
    };
    let scanned = scan_nodes(base, &inventory.nodes, &how, jobs);
    let report = fleet::run(&inventory, scanned, now, phase)?;
    let gate = gate_of(args.fail_on, args.allow_unevaluated);
    let fleet_rules = fleet::rules::builtin()?;
    let inventory_dir = std::path::absolute(base)
        .unwrap_or_else(|_| base.to_path_buf())
        .display()
        .to_string();
    // Never write a report under a node's root.
    let roots: Vec<PathBuf> = report
        .nodes
        .iter()
        .filter_map(|n| n.report.as_ref())
        .filter_map(|r| fs::canonicalize(&r.scan.root).ok())
        .collect();
    let emit = |format: FleetFormat, look: Look, out: &mut dyn Write| {
        let emitter: Box<dyn FleetEmitter> = match format {
            FleetFormat::Text => Box::new(FleetText {
                color: look.color,
                width: look.width,
            }),
            FleetFormat::Json => Box::new(FleetJson),
            FleetFormat::Markdown => Box::new(FleetMarkdown),
            FleetFormat::Junit => Box::new(FleetJunit),
            FleetFormat::Sarif => Box::new(FleetSarif {
                rules: &rules,
                fleet_rules: &fleet_rules,
                inventory_dir: inventory_dir.clone(),
            }),
        };
        emitter.emit(&report, &gate, out)
    };
    write_outputs(&outputs, color_of(args.color), &roots, &emit)?;
    Ok(if crate::fleet::emit::failed(&report, &gate) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Scans the inventory's nodes, at most `jobs` at once (a shared index is the
/// queue), and returns their scans in inventory order. Each node's server and
/// trees are dropped inside [`crate::fleet::scan_node`]: only its report and
/// state are kept.
fn scan_nodes(
    base: &Path,
    nodes: &[crate::fleet::inventory::Node],
    how: &crate::fleet::NodeScan<'_>,
    jobs: usize,
) -> Vec<(String, crate::fleet::NodeScanned)> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let slots: Vec<Mutex<Option<crate::fleet::NodeScanned>>> =
        nodes.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for _ in 0..jobs.clamp(1, nodes.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(node) = nodes.get(i) else { break };
                    let scanned = crate::fleet::scan_node(base, node, how);
                    *slots[i].lock().unwrap_or_else(|e| e.into_inner()) = Some(scanned);
                }
            });
        }
    });
    nodes
        .iter()
        .zip(slots)
        .map(|(node, slot)| {
            let scanned = slot
                .into_inner()
                .unwrap_or_else(|e| e.into_inner())
                .unwrap_or_else(|| Err(InputError::new("not scanned")));
            (node.name.clone(), scanned)
        })
        .collect()
}

/// How the text views (text, concise) are laid out.
#[derive(Debug, Clone, Copy)]
struct TextView {
    show: Show,
    quiet: bool,
    statistics: bool,
    width: Option<usize>,
}

/// Columns to wrap text to: the terminal's, else `COLUMNS`, else 80.
fn text_width(terminal: bool) -> Option<usize> {
    let from_terminal = terminal
        .then(terminal_size::terminal_size)
        .flatten()
        .map(|(w, _)| usize::from(w.0));
    let columns = from_terminal
        .or_else(|| std::env::var("COLUMNS").ok()?.trim().parse().ok())
        .unwrap_or(80);
    // Narrower than this, a hanging indent leaves no room for words.
    Some(columns.max(40))
}

/// Whether `--color auto` colours, from the environment (`var` looks a
/// variable up) and whether stdout is a terminal: NO_COLOR (non-empty) turns
/// colour off and wins; FORCE_COLOR (non-empty, not `0` or `false`) or
/// CLICOLOR_FORCE (non-empty, not `0`) turn it on even for a pipe; CLICOLOR=0
/// or TERM=dumb turn it off; else colour when stdout is a terminal.
pub fn auto_color(var: impl Fn(&str) -> Option<String>, is_terminal: bool) -> bool {
    let set = |name: &str| var(name).filter(|v| !v.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    let forced = set("FORCE_COLOR").is_some_and(|v| v != "0" && !v.eq_ignore_ascii_case("false"))
        || set("CLICOLOR_FORCE").is_some_and(|v| v != "0");
    if forced {
        return true;
    }
    if set("CLICOLOR").as_deref() == Some("0") || set("TERM").as_deref() == Some("dumb") {
        return false;
    }
    is_terminal
}

/// One output of a scan or a fleet: a format, the flag that asked for it (for
/// errors) and its file (`None`: standard output).
struct Output<F> {
    flag: String,
    format: F,
    file: Option<PathBuf>,
}

/// The main output (`--format`, to `-o FILE` or standard output) and every `--report`.
struct Outputs<F> {
    main: Output<F>,
    reports: Vec<Output<F>>,
}

/// A format's name as `--format` spells it.
fn format_name<F: ValueEnum>(format: &F) -> String {
    format
        .to_possible_value()
        .map_or("text".to_string(), |v| v.get_name().to_string())
}

/// Reads `--format`, `-o` and `--report` before the scan, and refuses two
/// outputs to standard output, or to one file (the same canonical folder and
/// name; the file need not exist yet). `scan` and `fleet` share it.
fn plan_outputs<F: ValueEnum + Copy>(
    format: F,
    output: Option<&Path>,
    report: &[String],
) -> Result<Outputs<F>, InputError> {
    let stdout_or = |file: &Path| (file != Path::new("-")).then(|| file.to_path_buf());
    let main = match output {
        Some(file) => Output {
            flag: format!("--output {}", file.display()),
            format,
            file: stdout_or(file),
        },
        None => Output {
            flag: format!("the main output (--format {})", format_name(&format)),
            format,
            file: None,
        },
    };
    let mut reports = Vec::new();
    for spec in report {
        let (name, file) = split_pair(spec, "--report", "FORMAT=FILE")?;
        let format = F::from_str(name, true).map_err(|_| {
            let names: Vec<String> = F::value_variants().iter().map(format_name).collect();
            let help = match names.as_slice() {
                [rest @ .., last] if !rest.is_empty() => {
                    format!("use {} or {last}", rest.join(", "))
                }
                _ => format!("use {}", names.join(", ")),
            };
            InputError::new(format!("--report {spec}: unknown format `{name}`")).help(help)
        })?;
        reports.push(Output {
            flag: format!("--report {spec}"),
            format,
            file: stdout_or(Path::new(file)),
        });
    }
    let all: Vec<&Output<F>> = std::iter::once(&main).chain(&reports).collect();
    let stdouts: Vec<&str> = all
        .iter()
        .filter(|o| o.file.is_none())
        .map(|o| o.flag.as_str())
        .collect();
    if let [a, b, ..] = stdouts[..] {
        return Err(
            InputError::new(format!("two outputs name standard output: {a} and {b}"))
                .help("write one of them to a file (--output FILE, --report FORMAT=FILE)"),
        );
    }
    let mut seen: Vec<(PathBuf, &str)> = Vec::new();
    for o in &all {
        let Some(file) = &o.file else { continue };
        let key = same_file_key(file);
        if let Some((_, earlier)) = seen.iter().find(|(k, _)| *k == key) {
            return Err(InputError::new(format!(
                "{earlier} and {} name one file, {}",
                o.flag,
                key.display()
            ))
            .help("give each output its own file"));
        }
        seen.push((key, &o.flag));
    }
    Ok(Outputs { main, reports })
}

/// How one output is laid out: colour and width for text, and whether it is
/// the main output (`--quiet`, `--statistics` apply to it only).
#[derive(Debug, Clone, Copy)]
struct Look {
    color: bool,
    width: Option<usize>,
    main: bool,
}

/// Writes every `--report`, then the main output: `emit(format, look, out)`
/// formats one. Colour (`color`, from `--color`) is for a terminal, never a
/// file; a report file is never written under one of `roots` (the scanned
/// servers). A reader that went away (`| head`) does not change the verdict.
fn write_outputs<F: Copy>(
    outputs: &Outputs<F>,
    color: bool,
    roots: &[PathBuf],
    emit: &dyn Fn(F, Look, &mut dyn Write) -> io::Result<()>,
) -> Result<(), Failure> {
    let to_stdout = |format: F, look: Look| -> Result<(), Failure> {
        let mut stdout = io::stdout().lock();
        let written = emit(format, look, &mut stdout).and_then(|()| stdout.flush());
        match written.map_err(stdout_error) {
            Ok(()) | Err(Failure::BrokenPipe) => Ok(()),
            Err(e) => Err(e),
        }
    };
    let to_file = |out: &Output<F>, file: &Path, look: Look| -> Result<(), Failure> {
        write_report(file, roots, |buf| emit(out.format, look, buf)).map_err(|e| {
            Failure::Input(InputError {
                message: format!("{}: {}", out.flag, e.message),
                ..e
            })
        })
    };
    for out in &outputs.reports {
        let look = Look {
            color: false,
            width: text_width(false),
            main: false,
        };
        match &out.file {
            None => to_stdout(out.format, look)?,
            Some(file) => to_file(out, file, look)?,
        }
    }
    let main = &outputs.main;
    let look = Look {
        color: color && main.file.is_none(),
        width: text_width(main.file.is_none() && io::stdout().is_terminal()),
        main: true,
    };
    match &main.file {
        None => to_stdout(main.format, look),
        Some(file) => to_file(main, file, look),
    }
}

/// `--color`: always, never, or [`auto_color`] from the environment.
fn color_of(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => auto_color(
            |name| std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()),
            io::stdout().is_terminal(),
        ),
    }
}

/// `--fail-on` and `--allow-unevaluated` as the gate.
fn gate_of(fail_on: FailOn, allow_unevaluated: bool) -> Gate {
    Gate {
        fail_on: match fail_on {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Note => Some(Severity::Note),
            FailOn::Never => None,
        },
        allow_unevaluated,
    }
}

/// `--target PRODUCT=VERSION` (repeatable).
fn parse_targets(specs: &[String]) -> Result<BTreeMap<Product, Version>, InputError> {
    let mut targets = BTreeMap::new();
    for spec in specs {
        let (product, version) = split_pair(spec, "--target", "PRODUCT=VERSION")?;
        let product = Product::from_code(product).ok_or_else(|| {
            InputError::new(format!("--target {spec}: unknown product `{product}`"))
                .help("use ss, pm or nps")
        })?;
        let version = version
            .parse()
            .map_err(|e| InputError::new(format!("--target {spec}: {e}")))?;
        targets.insert(product, Version(version));
    }
    Ok(targets)
}

/// `--now TIME`, RFC 3339 with an offset; default: the clock.
fn parse_now(raw: Option<&str>) -> Result<jiff::Timestamp, InputError> {
    match raw {
        Some(raw) => Ok(Moment::parse(raw)
            .map_err(|e| InputError::new(format!("--now: {}", e.message)).help(e.help))?
            .0),
        None => Ok(jiff::Timestamp::now()),
    }
}

fn phase_of(arg: PhaseArg) -> Phase {
    match arg {
        PhaseArg::Pre => Phase::Pre,
        PhaseArg::Post => Phase::Post,
    }
}

/// The canonical parent folder joined with the file name: one key for
/// `r.json` and `./r.json`, whether or not the file exists yet.
fn same_file_key(file: &Path) -> PathBuf {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (fs::canonicalize(parent), file.file_name()) {
        (Ok(parent), Some(name)) => parent.join(name),
        _ => file.to_path_buf(),
    }
}

/// `rules`: the rule set the scan used (SARIF describes each rule).
fn emitter<'a>(
    format: Format,
    color: bool,
    view: TextView,
    rules: &'a RuleSet,
) -> Box<dyn Emitter + 'a> {
    use crate::report::text::{Text, View};
    let text = |concise: bool| Text {
        color,
        show: view.show,
        quiet: view.quiet,
        view: match (view.statistics, concise) {
            (true, _) => View::Statistics,
            (false, true) => View::Concise,
            (false, false) => View::Full,
        },
        width: view.width,
    };
    match format {
        Format::Text => Box::new(text(false)),
        Format::Concise => Box::new(text(true)),
        Format::Json => Box::new(crate::report::json::Json),
        Format::Sarif => Box::new(crate::report::sarif::Sarif { rules }),
        Format::Junit => Box::new(crate::report::junit::Junit),
        Format::Markdown => Box::new(crate::report::markdown::Markdown { show: view.show }),
        Format::Github => Box::new(crate::report::github::Github {
            workspace: std::env::current_dir().ok(),
        }),
    }
}

/// Writes a report file, `emit` giving its bytes; never under one of `roots`
/// (the scanned roots: upgate never writes to a server it scans).
fn write_report(
    file: &Path,
    roots: &[PathBuf],
    emit: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> Result<(), InputError> {
    let parent = file
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let parent = fs::canonicalize(parent)
        .map_err(|e| InputError::new(format!("cannot write the report: {e}")).in_file(file))?;
    if roots.iter().any(|root| parent.starts_with(root)) {
        return Err(
            InputError::new("refusing to write a report under the scanned root")
                .in_file(file)
                .help("write it outside the root (upgate never writes to the server it scans)"),
        );
    }
    let mut buf: Vec<u8> = Vec::new();
    emit(&mut buf)
        .and_then(|()| fs::write(file, buf))
        .map_err(|e| InputError::new(format!("cannot write the report: {e}")).in_file(file))
}

fn split_pair<'a>(
    spec: &'a str,
    flag: &str,
    shape: &str,
) -> Result<(&'a str, &'a str), InputError> {
    spec.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .ok_or_else(|| InputError::new(format!("{flag} {spec}: expected {shape}")))
}

/// `36`, `36h` → 36; `2d` → 48. Zero is allowed (only a backup made "now" is fresh).
fn parse_age_hours(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    let (digits, factor) = match raw.strip_suffix(['d', 'D']) {
        Some(d) => (d, 24),
        None => (raw.strip_suffix(['h', 'H']).unwrap_or(raw), 1),
    };
    let n: i64 = digits.parse().ok().filter(|n| *n >= 0)?;
    // Far beyond any sensible age, and within what a duration holds.
    n.checked_mul(factor).filter(|h| *h <= 100 * 365 * 24)
}

fn drive_letter(raw: &str) -> Option<char> {
    let mut chars = raw.chars();
    let letter = chars.next().filter(char::is_ascii_alphabetic)?;
    match chars.as_str() {
        "" | ":" | ":\\" | ":/" => Some(letter.to_ascii_uppercase()),
        _ => None,
    }
}

/// Built-in packs plus every `*.toml` in `dir`, sorted by name.
fn load_rules(dir: Option<&Path>) -> Result<RuleSet, InputError> {
    let builtin = crate::rules::builtin_sources();
    let Some(dir) = dir else {
        return RuleSet::load(&builtin, &[]);
    };
    let read_err =
        |e: io::Error| InputError::new(format!("cannot read rules folder: {e}")).in_file(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(read_err)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(read_err)?;
    files.retain(|p| p.extension().is_some_and(|e| e == "toml"));
    files.sort();
    if files.is_empty() {
        return Err(InputError::new("the rules folder holds no *.toml file").in_file(dir));
    }
    let mut texts = Vec::new();
    for f in &files {
        let text = fs::read_to_string(f)
            .map_err(|e| InputError::new(format!("cannot read rule file: {e}")).in_file(f))?;
        texts.push((f.display().to_string(), text));
    }
    let extra: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source {
            name: name.clone(),
            text,
        })
        .collect();
    RuleSet::load(&builtin, &extra)
}

fn phases_text(r: &Rule) -> String {
    r.phases()
        .iter()
        .map(|p| p.code())
        .collect::<Vec<_>>()
        .join(",")
}

fn rules_text(set: &RuleSet, fleet: &[FleetRule]) -> String {
    let fleet_phases = |r: &FleetRule| {
        r.phases
            .iter()
            .map(|p| p.code())
            .collect::<Vec<_>>()
            .join(",")
    };
    let rows: Vec<[String; 5]> = set
        .iter()
        .map(|r| {
            [
                r.id.clone(),
                phases_text(r),
                r.severity.code().to_string(),
                r.slug.clone(),
                r.title.clone(),
            ]
        })
        .chain(fleet.iter().map(|r| {
            [
                r.id.clone(),
                fleet_phases(r),
                r.severity.code().to_string(),
                r.slug.clone(),
                r.title.clone(),
            ]
        }))
        .collect();
    // The columns as before the fleet rules (7, 8, 8, 36), wider when an entry is.
    let width = |i: usize, min: usize| {
        rows.iter()
            .map(|r| r[i].chars().count())
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let (w0, w1, w2, w3) = (width(0, 7), width(1, 8), width(2, 8), width(3, 36));
    let mut s = String::new();
    for [id, phases, severity, slug, title] in &rows {
        s.push_str(&format!(
            "{id:<w0$} {phases:<w1$} {severity:<w2$} {slug:<w3$} {title}\n"
        ));
    }
    s
}

/// `upgate rules --format markdown`, also the README's rules table
/// (`tests/it/docs.rs`): the product rules, then the fleet rules (`upgate fleet`).
pub fn rules_markdown(set: &RuleSet, fleet: &[FleetRule]) -> String {
    let mut s = String::from(
        "| id | slug | applies | severity | check | title |\n|---|---|---|---|---|---|\n",
    );
    for r in set.iter() {
        s.push_str(&format!(
            "| {} | {} | {} | {} | `{}` | {} |\n",
            r.id,
            r.slug,
            r.applies_text(),
            r.severity,
            r.check.kind(),
            crate::report::markdown::escape(&r.title, crate::report::markdown::Block::Inline)
        ));
    }
    for r in fleet {
        s.push_str(&format!(
            "| {} | {} | {} | {} | `{}` | {} |\n",
            r.id,
            r.slug,
            r.applies_text(),
            r.severity,
            r.check.code(),
            crate::report::markdown::escape(&r.title, crate::report::markdown::Block::Inline)
        ));
    }
    s
}

/// The README's table of check kinds and the rules using each (`tests/it/docs.rs`).
pub fn kinds_markdown(set: &RuleSet) -> String {
    let mut kinds: std::collections::BTreeMap<&str, Vec<&str>> = Default::default();
    for r in set.iter() {
        kinds.entry(r.check.kind()).or_default().push(&r.id);
    }
    let mut s = String::from("| check | rules |\n|---|---|\n");
    for (kind, ids) in kinds {
        s.push_str(&format!("| `{kind}` | {} |\n", ids.join(", ")));
    }
    s
}

fn rules_json(set: &RuleSet, fleet: &[FleetRule]) -> String {
    let mut rules: Vec<serde_json::Value> = set
        .iter()
        .map(|r| {
            serde_json::json!({
                "id": r.id,
                "slug": r.slug,
                "product": r.product,
                "title": r.title,
                "phases": r.phases(),
                "applies": r.applies,
                "severity": r.severity,
                "severity_by_procedure": r.severity_by_procedure,
                "check": r.check.kind(),
                "summary": r.summary,
                "remediation": r.remediation,
                "source": r.source,
                "inputs": r.inputs,
                "origin": r.origin,
            })
        })
        .collect();
    rules.extend(fleet.iter().map(|r| {
        serde_json::json!({
            "id": r.id,
            "slug": r.slug,
            "product": r.product,
            "fleet": true,
            "title": r.title,
            "phases": r.phases,
            "severity": r.severity,
            "check": r.check.code(),
            "summary": r.summary,
            "remediation": r.remediation,
            "source": r.source,
            "origin": r.origin,
        })
    }));
    let mut s =
        serde_json::to_string_pretty(&serde_json::json!({ "rules": rules })).unwrap_or_default();
    s.push('\n');
    s
}

fn explain(r: &Rule) -> String {
    let mut s = format!("{} {} — {}\n\n", r.id, r.slug, r.title);
    s.push_str(&format!("product:    {}\n", r.product.name()));
    s.push_str(&format!("applies:    {}\n", r.applies_text()));
    s.push_str(&format!("severity:   {}", r.severity));
    for (procedure, severity) in &r.severity_by_procedure {
        s.push_str(&format!(" ({severity} in the {procedure} procedure)"));
    }
    s.push_str(&format!(
        "\ncheck:      {}\ndefined at: {}\n\n",
        r.check.kind(),
        r.origin
    ));
    s.push_str(&format!(
        "What and why\n  {}\n\n",
        r.summary.replace('\n', "\n  ")
    ));
    s.push_str(&format!(
        "How to fix\n  {}\n\n",
        r.remediation.replace('\n', "\n  ")
    ));
    s.push_str(&format!("Source\n  {}\n", r.source));
    if !r.inputs.is_empty() {
        s.push_str("\nReads\n");
        for i in &r.inputs {
            s.push_str(&format!("  - {i}\n"));
        }
    }
    s
}

/// `upgate explain FLEET001`: a fleet rule, in the sections a product rule has.
fn explain_fleet(r: &FleetRule) -> String {
    let mut s = format!("{} {} — {}\n\n", r.id, r.slug, r.title);
    s.push_str(&format!("product:    {}\n", r.product_name()));
    s.push_str(&format!("applies:    {}\n", r.applies_text()));
    s.push_str(&format!("severity:   {}\n", r.severity));
    s.push_str(&format!(
        "check:      {}\ndefined at: {}\n\n",
        r.check.code(),
        r.origin
    ));
    s.push_str(&format!(
        "What and why\n  {}\n\n",
        r.summary.replace('\n', "\n  ")
    ));
    s.push_str(&format!(
        "How to fix\n  {}\n\n",
        r.remediation.replace('\n', "\n  ")
    ));
    s.push_str(&format!("Source\n  {}\n", r.source));
    s.push_str("\nRun by\n  upgate fleet INVENTORY --phase pre|post\n");
    s
}

#[cfg(test)]
mod tests {
    use super::auto_color;

    #[test]
    fn auto_color_follows_the_environment_then_the_terminal() {
        // (variables set, stdout a terminal, colour)
        type Case = (&'static [(&'static str, &'static str)], bool, bool);
        let table: &[Case] = &[
            (&[], true, true),
            (&[], false, false),
            (&[("NO_COLOR", "1")], true, false),
            (&[("NO_COLOR", "")], true, true),
            (&[("NO_COLOR", "1"), ("FORCE_COLOR", "1")], true, false),
            (&[("NO_COLOR", "1"), ("CLICOLOR_FORCE", "1")], false, false),
            (&[("FORCE_COLOR", "1")], false, true),
            (&[("FORCE_COLOR", "true")], false, true),
            (&[("FORCE_COLOR", "0")], false, false),
            (&[("FORCE_COLOR", "false")], false, false),
            (&[("FORCE_COLOR", "FALSE")], true, true),
            (&[("FORCE_COLOR", "")], false, false),
            (&[("CLICOLOR_FORCE", "1")], false, true),
            (&[("CLICOLOR_FORCE", "0")], false, false),
            (&[("CLICOLOR", "0")], true, false),
            (&[("CLICOLOR", "1")], true, true),
            (&[("CLICOLOR", "0"), ("FORCE_COLOR", "1")], true, true),
            (&[("TERM", "dumb")], true, false),
            (&[("TERM", "dumb"), ("CLICOLOR_FORCE", "1")], false, true),
            (&[("TERM", "xterm-256color")], true, true),
        ];
        for (vars, terminal, want) in table {
            let var = |name: &str| {
                vars.iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            };
            assert_eq!(
                auto_color(var, *terminal),
                *want,
                "{vars:?} terminal={terminal}"
            );
        }
    }
}
