//! `services_stopped` (NPS005, seed 002 "Updating the Server Manager"): the
//! product's Windows services are stopped before the installer runs, or the
//! installer may have to restart the computer. The states come from facts.json
//! (`Get-Service`); a list without any of the product's services proves
//! nothing, so it is `not_evaluated`, not a pass.

use serde::Deserialize;

use super::{CheckKind, Context};
use crate::facts::{Service, ServiceState};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// A service belongs to the product when its name contains this (any case).
    pub name_contains: String,
}

const SUBJECT: &str = "password_secure.services";

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        if self.name_contains.trim().is_empty() {
            return Err("`name_contains` is empty".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        let services = ctx
            .facts
            .password_secure
            .as_ref()
            .and_then(|f| f.services.as_deref());
        judge(self, services)
    }
}

pub fn judge(p: &Params, services: Option<&[Service]>) -> Vec<Outcome> {
    let Some(services) = services else {
        return vec![Outcome::new(
            Status::NotEvaluated,
            SUBJECT,
            format!(
                "facts.json has no password_secure.services: add the state of each service named like \"{}\" (Get-Service *{}*)",
                p.name_contains, p.name_contains
            ),
        )];
    };
    let needle = p.name_contains.to_lowercase();
    let ours: Vec<&Service> = services
        .iter()
        .filter(|s| s.name.to_lowercase().contains(&needle))
        .collect();
    if ours.is_empty() {
        return vec![Outcome::new(
            Status::NotEvaluated,
            SUBJECT,
            format!(
                "password_secure.services lists {} service(s), none named like \"{}\": add the product's services and their states",
                services.len(),
                p.name_contains
            ),
        )];
    }
    let running: Vec<&&Service> = ours
        .iter()
        .filter(|s| s.state == ServiceState::Running)
        .collect();
    if running.is_empty() {
        let names: Vec<&str> = ours.iter().map(|s| s.name.as_str()).collect();
        return vec![
            Outcome::new(
                Status::Pass,
                SUBJECT,
                format!("stopped: {}", names.join(", ")),
            )
            .observed("stopped")
            .expected("stopped"),
        ];
    }
    running
        .into_iter()
        .map(|s| {
            Outcome::new(
                Status::Fail,
                format!("service {}", s.name),
                format!(
                    "{} is running: stop it before installing the Server Manager (Stop-Service \"{}\"), or the installer may need to restart the computer",
                    s.name, s.name
                ),
            )
            .observed("running")
            .expected("stopped")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(name: &str, state: ServiceState) -> Service {
        Service {
            name: name.into(),
            state,
        }
    }

    fn params() -> Params {
        Params {
            name_contains: "Password Secure".into(),
        }
    }

    #[test]
    fn stopped_services_pass_and_each_running_one_fails() {
        let all = [
            service("Netwrix Password Secure Service", ServiceState::Stopped),
            service("W3SVC", ServiceState::Running),
        ];
        let r = judge(&params(), Some(&all));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].status, Status::Pass);
        let all = [
            service("Netwrix Password Secure Service", ServiceState::Running),
            service("netwrix password secure helper", ServiceState::Running),
        ];
        let r = judge(&params(), Some(&all));
        assert_eq!(r.len(), 2);
        assert!(r.iter().all(|o| o.status == Status::Fail));
        assert_eq!(r[1].subject, "service netwrix password secure helper");
    }

    #[test]
    fn no_list_or_none_of_ours_is_not_evaluated() {
        assert_eq!(judge(&params(), None)[0].status, Status::NotEvaluated);
        let other = [service("W3SVC", ServiceState::Stopped)];
        let o = &judge(&params(), Some(&other))[0];
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains("none named like"));
    }
}
