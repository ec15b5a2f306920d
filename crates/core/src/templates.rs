//! The built-in INI templates runs are created from, bundled in the binary:
//! a quick one, a load sweep and FUSION's seven. Users' own templates live in
//! the data dir (see [`crate::configs::user_templates`]).

use crate::error::{DeskError, Result};
use crate::model::TemplateInfo;

struct Template {
    name: &'static str,
    description: &'static str,
    text: &'static str,
}

const TEMPLATES: &[Template] = &[
    Template {
        name: "quick",
        description: "NSFNet, 300–500 Erlang, 3 × 1000 requests: finishes in seconds",
        text: include_str!("../templates/quick.ini"),
    },
    Template {
        name: "load_sweep",
        description: "NSFNet load sweep, 100–1000 Erlang, up to 10 × 10 000 requests per load",
        text: include_str!("../templates/load_sweep.ini"),
    },
    Template {
        name: "default",
        description: "FUSION's default sweep: NSFNet, 300–1200 Erlang, 4 × 500 requests",
        text: include_str!("../templates/default.ini"),
    },
    Template {
        name: "minimal",
        description: "FUSION's minimal template: 300–500 Erlang, 2 × 100 requests",
        text: include_str!("../templates/minimal.ini"),
    },
    Template {
        name: "cross_platform",
        description: "FUSION's cross-platform template",
        text: include_str!("../templates/cross_platform.ini"),
    },
    Template {
        name: "runtime_config",
        description: "FUSION's runtime template",
        text: include_str!("../templates/runtime_config.ini"),
    },
    Template {
        name: "policy_protection_example",
        description: "FUSION's protection policy example",
        text: include_str!("../templates/policy_protection_example.ini"),
    },
    Template {
        name: "survivability_experiment",
        description: "FUSION's survivability experiment",
        text: include_str!("../templates/survivability_experiment.ini"),
    },
    Template {
        name: "xtar_example_config",
        description: "FUSION's crosstalk-aware example",
        text: include_str!("../templates/xtar_example_config.ini"),
    },
];

pub fn list() -> Vec<TemplateInfo> {
    TEMPLATES
        .iter()
        .map(|t| TemplateInfo {
            name: t.name.to_owned(),
            description: t.description.to_owned(),
            builtin: true,
        })
        .collect()
}

/// Whether `name` is a built-in template's name, ignoring case (a user
/// template may not take one, even spelled differently).
pub fn is_builtin(name: &str) -> bool {
    TEMPLATES.iter().any(|t| t.name.eq_ignore_ascii_case(name))
}

/// The names of the built-in templates, in display order.
pub fn builtin_names() -> Vec<&'static str> {
    TEMPLATES.iter().map(|t| t.name).collect()
}

/// The text of a built-in template; an unknown name is an error, never a fallback.
pub fn text(name: &str) -> Result<&'static str> {
    TEMPLATES
        .iter()
        .find(|t| t.name == name)
        .map(|t| t.text)
        .ok_or_else(|| {
            let known: Vec<&str> = TEMPLATES.iter().map(|t| t.name).collect();
            DeskError::not_found(format!(
                "unknown template {name:?}; known templates: {}",
                known.join(", ")
            ))
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_template_has_general_settings() {
        for t in super::list() {
            let text = super::text(&t.name).unwrap();
            assert!(text.contains("[general_settings]"), "{}", t.name);
        }
    }

    #[test]
    fn unknown_template_is_not_found() {
        let err = super::text("nope").unwrap_err();
        assert_eq!(err.code, crate::ErrorCode::NotFound);
        assert!(err.message.contains("quick"));
    }
}
