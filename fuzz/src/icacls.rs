//! `icacls::parse` and PM007's judge: a capture of any bytes decodes or gives
//! an error; a parsed one is judged against the NugetCache as listed in the
//! capture itself and as an empty folder.

use upgate::icacls;
use upgate::inputs::{Listing, Loaded};
use upgate::path::{Env, ServerPath};
use upgate::rules::checks::acl_inherited::{Judged, judge};
use upgate::server::Kind;

const CACHE: &str = r"C:\ProgramData\Arellia\NugetCache";

pub fn run(data: &[u8]) {
    let Ok(capture) = icacls::parse(data) else {
        return;
    };
    for entry in &capture.entries {
        assert!(entry.line >= 1);
        for ace in &entry.aces {
            let _ = (ace.inherited(), ace.deny(), ace.rights());
        }
    }
    let env = Env::new('C', &Default::default());
    let folder = ServerPath::parse(CACHE, &env).expect("the NugetCache path parses");
    let listed: Vec<ServerPath> = capture
        .entries
        .iter()
        .filter_map(|e| ServerPath::parse(&e.path, &env).ok())
        .filter(|p| p.starts_with(&folder) && !p.same_as(&folder))
        .collect();
    for entries in [listed, Vec::new()] {
        let disk = Loaded::Found(Listing {
            folder: crate::support::resolved(CACHE, Kind::Dir, 0),
            entries,
            unreadable: Vec::new(),
        });
        let outcome = judge(&Judged {
            folder: &folder,
            capture: &capture,
            shown: "icacls.txt",
            env: &env,
            disk: &disk,
            command: "icacls",
        });
        assert!(!outcome.message.is_empty());
    }
}
