//! Where IIS and Apache keep their configuration, and which of them the
//! snapshot shows: the Password Secure rules ask which web server hosts the
//! Web Application when facts.json does not say.

use super::{Inputs, Loaded};

/// IIS's server-level configuration file.
pub const APPLICATION_HOST: &str = r"%windir%\System32\inetsrv\config\applicationHost.config";
/// IIS's standard web root, where config.bat creates the "Web Application" site.
/// Not evidence of IIS by itself: a copied folder or a removed IIS leaves it behind.
pub const WWWROOT: &str = r"C:\inetpub\wwwroot";
/// Where Apache's main configuration file is looked for without `apache_config`
/// (Debian/Ubuntu, RHEL, upstream builds, Apache Lounge on Windows).
pub const APACHE_MAIN: &[&str] = &[
    "/etc/apache2/apache2.conf",
    "/etc/apache2/httpd.conf",
    "/etc/httpd/conf/httpd.conf",
    "/usr/local/apache2/conf/httpd.conf",
    r"C:\Apache24\conf\httpd.conf",
];

/// The web servers that may host the Web Application, each with why upgate thinks so.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hosting {
    pub iis: Option<String>,
    pub apache: Option<String>,
}

impl Inputs<'_> {
    /// What the snapshot shows: IIS when applicationHost.config exists (a
    /// web root such as [`WWWROOT`] alone is no evidence: an application
    /// server may keep one without serving anything), Apache when a main
    /// configuration file does (`apache_config`, else [`APACHE_MAIN`]). Both
    /// may be present.
    pub fn web_servers(&self, apache_config: Option<&str>) -> Hosting {
        let exists = |raw: &str| !matches!(self.locate(raw), Loaded::Missing { .. });
        let iis = exists(APPLICATION_HOST).then(|| format!("{APPLICATION_HOST} exists"));
        let apache = apache_config
            .into_iter()
            .chain(APACHE_MAIN.iter().copied())
            .find(|p| exists(p))
            .map(|p| format!("{p} exists"));
        Hosting { iis, apache }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fs;

    use super::*;
    use crate::server::{Env, Server};

    fn hosting(make: &[&str], apache_config: Option<&str>) -> Hosting {
        let dir = tempfile::tempdir().unwrap();
        for rel in make {
            let path = dir.path().join(rel);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            if !rel.ends_with('/') {
                fs::write(&path, "x").unwrap();
            }
        }
        let env = Env::new('C', &BTreeMap::new());
        let server = Server::new(dir.path(), 'C', &BTreeMap::new(), env).unwrap();
        Inputs::new(&server).web_servers(apache_config)
    }

    #[test]
    fn a_web_root_alone_is_no_iis() {
        assert_eq!(
            hosting(&["inetpub/wwwroot/iisstart.htm"], None),
            Hosting::default()
        );
    }

    #[test]
    fn application_host_config_is_iis_and_a_main_file_is_apache() {
        let iis = hosting(
            &["Windows/System32/inetsrv/config/applicationHost.config"],
            None,
        );
        assert_eq!(
            iis.iis.as_deref(),
            Some(r"%windir%\System32\inetsrv\config\applicationHost.config exists")
        );
        assert_eq!(iis.apache, None);
        let apache = hosting(&["etc/httpd/conf/httpd.conf"], None);
        assert_eq!(
            apache.apache.as_deref(),
            Some("/etc/httpd/conf/httpd.conf exists")
        );
        assert_eq!(apache.iis, None);
        let custom = hosting(&["opt/httpd/main.conf"], Some("/opt/httpd/main.conf"));
        assert_eq!(
            custom.apache.as_deref(),
            Some("/opt/httpd/main.conf exists")
        );
    }
}
