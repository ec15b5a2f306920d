//! How a run's frozen config differs from the template it was made from:
//! every key changed by the form, an INI edit or an override, as template
//! value → run value.

use serde::Serialize;
use ts_rs::TS;

use crate::compare::diff::flatten;
use crate::configs::Configs;
use crate::error::Result;
use crate::runs;

/// One key whose value in the run is not the template's.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ConfigChange {
    /// `section.key`
    pub key: String,
    /// The template's value; None when the run added the key.
    pub template: Option<String>,
    /// The run's value; None when the run dropped the key.
    pub run: Option<String>,
}

/// A run's config against its template.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct TemplateDiff {
    pub template: String,
    /// The template is gone (a deleted user template) or the run was made
    /// from a whole config text: there is nothing to compare with.
    pub template_missing: bool,
    /// Sorted by key.
    pub changes: Vec<ConfigChange>,
}

/// The keys whose values differ between `template` and `run` (INI texts).
pub fn changes(template: &str, run: &str) -> Vec<ConfigChange> {
    let t = flatten(template);
    let r = flatten(run);
    let mut keys: Vec<&String> = t.keys().chain(r.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter_map(|k| {
            let (a, b) = (t.get(k), r.get(k));
            (a.map(|v| v.trim()) != b.map(|v| v.trim())).then(|| ConfigChange {
                key: k.clone(),
                template: a.cloned(),
                run: b.cloned(),
            })
        })
        .collect()
}

impl super::Compare<'_> {
    /// How a run's frozen config differs from its template. A user template
    /// edited since is compared as it is now.
    pub async fn template_diff(&self, id: &str) -> Result<TemplateDiff> {
        let run = runs::get(self.ctx, id).await?;
        let config = runs::config_text(self.ctx, id).await?;
        match Configs::new(self.ctx).template_text(&run.template) {
            Ok(template) => Ok(TemplateDiff {
                changes: changes(&template, &config),
                template: run.template,
                template_missing: false,
            }),
            Err(_) => Ok(TemplateDiff {
                template: run.template,
                template_missing: true,
                changes: Vec::new(),
            }),
        }
    }
}
