//! A snapshot's `manifest.tsv` (`Manifest::parse`): any text gives a manifest
//! or an error naming a line. A parsed one backs a `Server` over an empty
//! root, as `scan` of a snapshot does: every path it names is resolved, read
//! and opened, and the folders it lists are walked, a bounded number of steps.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::OnceLock;

use upgate::server::{Env, Manifest, Resolved, Server};

/// Entries resolved, listed or read per input, so a huge listing stays cheap.
const STEPS: usize = 512;

/// An empty folder as the snapshot's `root/`: the manifest alone answers.
fn root() -> &'static PathBuf {
    static ROOT: OnceLock<PathBuf> = OnceLock::new();
    ROOT.get_or_init(|| {
        let dir = std::env::temp_dir().join("upgate-fuzz-manifest-root");
        std::fs::create_dir_all(&dir).expect("a temporary folder");
        dir
    })
}

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    let manifest = match Manifest::parse(&text) {
        Ok(m) => m,
        Err(e) => {
            assert!(e.starts_with("line "), "{e}");
            return;
        }
    };
    let server = Server::new(
        root(),
        'C',
        &BTreeMap::new(),
        Env::new('C', &BTreeMap::new()),
    )
    .expect("the root exists")
    .with_manifest(manifest);
    let mut steps = 0;
    let mut todo: Vec<Resolved> = Vec::new();
    // The paths the lines name, on a Windows and a POSIX server.
    for path in text
        .lines()
        .filter_map(|l| l.split('\t').nth(1))
        .take(STEPS / 4)
    {
        let rel = if path == "." { "" } else { path };
        for raw in [format!("C:\\{}", rel.replace('/', "\\")), format!("/{rel}")] {
            if let Ok(r) = server.resolve_str(&raw) {
                todo.push(r);
            }
        }
    }
    while let Some(r) = todo.pop() {
        steps += 1;
        if steps > STEPS {
            break;
        }
        let _ = server.read(&r, 4096);
        if let Ok(mut content) = server.open(&r) {
            let _ = content.by_ref().take(4096).read_to_end(&mut Vec::new());
        }
        if let Ok(entries) = server.list(&r) {
            todo.extend(entries.into_iter().filter_map(|e| e.target.ok()));
        }
    }
}
