//! Where IIS and Apache keep their configuration, and which of them the
//! snapshot shows: the Password Secure rules ask which web server hosts the
//! Web Application when facts.json does not say.

use super::{Inputs, Loaded};

/// IIS's server-level configuration file.
pub const APPLICATION_HOST: &str = r"%windir%\System32\inetsrv\config\applicationHost.config";
/// IIS's standard web root, where config.bat creates the "Web Application" site.
pub const WWWROOT: &str = r"C:\inetpub\wwwroot";
/// Where Apache's main configuration file is looked for without `apache_config`
/// (Debian/Ubuntu, RHEL, upstream builds, Apache Lounge on Windows).
pub const APACHE_MAIN: &[&str] = &[
    "/etc/apache2/apache2.conf",
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
    /// What the snapshot shows: IIS when applicationHost.config or
    /// [`WWWROOT`] exists, Apache when a main configuration file does
    /// (`apache_config`, else [`APACHE_MAIN`]). Both may be present.
    pub fn web_servers(&self, apache_config: Option<&str>) -> Hosting {
        let exists = |raw: &str| !matches!(self.locate(raw), Loaded::Missing { .. });
        let iis = [APPLICATION_HOST, WWWROOT]
            .into_iter()
            .find(|p| exists(p))
            .map(|p| format!("{p} exists"));
        let apache = apache_config
            .into_iter()
            .chain(APACHE_MAIN.iter().copied())
            .find(|p| exists(p))
            .map(|p| format!("{p} exists"));
        Hosting { iis, apache }
    }
}
