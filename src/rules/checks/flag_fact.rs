//! `flag_fact`: a yes/no fact an administrator records has the safe value.
//! NPS004 (seed 002: note the Server Manager password before the update)
//! wants `true`; NPS010 (seed 002: leave the client update check off for
//! normal users) wants anything but `true`. Without the fact the rule is a
//! checklist item (`manual`) or `not_evaluated`, as the rule file says.

use serde::Deserialize;

use super::{CheckKind, Context, known_fact};
use crate::facts::{FLAG_FACTS, fact_help};
use crate::inputs::Inputs;
use crate::model::{Outcome, Status};

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// A key of [`FLAG_FACTS`].
    pub fact: String,
    /// The value that passes.
    pub expected: bool,
    /// What a missing fact makes the result.
    pub when_missing: Missing,
    /// The seed's words: the checklist item, and the reason in a failure.
    pub item: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Missing {
    Manual,
    NotEvaluated,
}

impl CheckKind for Params {
    fn validate(&self) -> Result<(), String> {
        known_fact(&self.fact, FLAG_FACTS)?;
        if self.item.trim().is_empty() {
            return Err("`item` is empty".into());
        }
        Ok(())
    }

    fn run(&self, ctx: &Context<'_>, _inputs: &mut Inputs<'_>) -> Vec<Outcome> {
        vec![judge(self, ctx.facts.flag(&self.fact))]
    }
}

pub fn judge(p: &Params, value: Option<bool>) -> Outcome {
    let item = p.item.split_whitespace().collect::<Vec<_>>().join(" ");
    let expected = format!("{} = {}", p.fact, p.expected);
    let outcome = match value {
        Some(v) if v == p.expected => {
            Outcome::new(Status::Pass, &p.fact, format!("{} is {v}", p.fact))
        }
        Some(v) => Outcome::new(Status::Fail, &p.fact, format!("{} is {v}: {item}", p.fact)),
        None => match p.when_missing {
            Missing::Manual => Outcome::new(
                Status::Manual,
                &p.fact,
                format!(
                    "{item} (record {} = {} in facts.json once done)",
                    p.fact, p.expected
                ),
            ),
            Missing::NotEvaluated => Outcome::new(
                Status::NotEvaluated,
                &p.fact,
                format!("facts.json has no {}: add {}", p.fact, fact_help(&p.fact)),
            ),
        },
    };
    let outcome = outcome.expected(expected);
    match value {
        Some(v) => outcome.observed(v.to_string()),
        None => outcome,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(expected: bool, when_missing: Missing) -> Params {
        Params {
            fact: "password_secure.server_manager_password_noted".into(),
            expected,
            when_missing,
            item: "Note the  password.".into(),
        }
    }

    #[test]
    fn the_expected_value_passes_and_the_other_fails_with_the_item() {
        let p = params(true, Missing::Manual);
        assert_eq!(judge(&p, Some(true)).status, Status::Pass);
        let o = judge(&p, Some(false));
        assert_eq!(o.status, Status::Fail);
        assert_eq!(
            o.message,
            "password_secure.server_manager_password_noted is false: Note the password."
        );
        let p = params(false, Missing::NotEvaluated);
        assert_eq!(judge(&p, Some(false)).status, Status::Pass);
        assert_eq!(judge(&p, Some(true)).status, Status::Fail);
    }

    #[test]
    fn a_missing_fact_is_a_checklist_item_or_not_evaluated() {
        let o = judge(&params(true, Missing::Manual), None);
        assert_eq!(o.status, Status::Manual);
        assert!(o.message.starts_with("Note the password. (record"));
        let o = judge(&params(false, Missing::NotEvaluated), None);
        assert_eq!(o.status, Status::NotEvaluated);
        assert!(o.message.contains("noted down outside Password Secure"));
    }

    #[test]
    fn validation_names_unknown_facts() {
        let mut p = params(true, Missing::Manual);
        p.fact = "password_secure.server_manager_pasword_noted".into();
        assert!(p.validate().unwrap_err().contains("did you mean"));
    }
}
