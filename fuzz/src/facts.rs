//! facts.json (`Facts::parse`) and the times in it: any text gives facts or an
//! error naming a line; every documented key can then be asked for.

use std::path::Path;
use upgate::facts::{
    self, DATE_FACTS, Day, FLAG_FACTS, Facts, Moment, PACKAGE_FACTS, PATH_FACTS, TIME_FACTS,
    VERSION_FACTS,
};

pub fn run(data: &[u8]) {
    let text = crate::support::text(data);
    for line in crate::support::lines(&text, 4) {
        let _ = (Moment::parse(line), Day::parse(line));
    }
    let Ok(facts) = Facts::parse(&text, Path::new("facts.json")) else {
        return;
    };
    for (key, _) in VERSION_FACTS {
        let _ = facts.version(key);
    }
    for (key, _) in PACKAGE_FACTS {
        let _ = facts.packages(key);
    }
    for (key, _) in PATH_FACTS {
        let _ = facts.path(key);
    }
    for (key, _) in TIME_FACTS {
        let _ = facts.moment(key);
    }
    for (key, _) in DATE_FACTS {
        let _ = facts.date(key);
    }
    for (key, _) in FLAG_FACTS {
        let _ = facts.flag(key);
        let _ = facts::fact_help(key);
    }
    let _ = facts.backup_search_dirs();
}
