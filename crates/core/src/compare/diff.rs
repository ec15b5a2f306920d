//! The config diff of compared runs and the labels it gives them.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;
use ts_rs::TS;

use crate::ini;

/// One config key whose value is not the same in every compared run.
#[derive(Debug, Clone, PartialEq, Serialize, TS)]
pub struct ConfigDiffRow {
    /// `section.key`
    pub key: String,
    /// Per compared run, in order; None where the run's config lacks the key.
    pub values: Vec<Option<String>>,
}

/// The diff row of the runs' executors (`local` or a cluster profile),
/// listed with the config keys when the runs ran in different places.
pub const EXECUTOR_KEY: &str = "executor";

/// `section.key` → value of one config.
pub fn flatten(config: &str) -> BTreeMap<String, String> {
    ini::flatten(config)
        .into_iter()
        .map(|(s, k, v)| (format!("{s}.{k}"), v))
        .collect()
}

/// The keys whose values differ among the configs (a key missing from some
/// counts as differing), sorted by key.
pub fn config_diff(configs: &[BTreeMap<String, String>]) -> Vec<ConfigDiffRow> {
    let keys: BTreeSet<&String> = configs.iter().flat_map(|c| c.keys()).collect();
    keys.into_iter()
        .filter_map(|key| {
            let values: Vec<Option<String>> = configs.iter().map(|c| c.get(key).cloned()).collect();
            let first = &values[0];
            values.iter().any(|v| v != first).then(|| ConfigDiffRow {
                key: key.clone(),
                values,
            })
        })
        .collect()
}

/// Most differing keys named in a label; the diff table shows them all.
const LABEL_KEYS: usize = 3;

/// A legend label per run naming what differs (`cores_per_link=3 · k_paths=2`),
/// the run's name when nothing differs; labels that would collide get the
/// run's name appended.
pub fn labels(diff: &[ConfigDiffRow], names: &[String]) -> Vec<String> {
    let short: Vec<&str> = diff
        .iter()
        .map(|d| d.key.rsplit_once('.').map_or(d.key.as_str(), |(_, k)| k))
        .collect();
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for s in &short {
        *seen.entry(s).or_default() += 1;
    }
    let mut out: Vec<String> = names
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let parts: Vec<String> = diff
                .iter()
                .zip(&short)
                .take(LABEL_KEYS)
                .map(|(d, s)| {
                    let key = if seen[s] > 1 { d.key.as_str() } else { s };
                    format!("{key}={}", d.values[i].as_deref().unwrap_or("none"))
                })
                .collect();
            if parts.is_empty() {
                name.clone()
            } else {
                parts.join(" · ")
            }
        })
        .collect();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for l in &out {
        *counts.entry(l.clone()).or_default() += 1;
    }
    for (l, name) in out.iter_mut().zip(names) {
        if counts[l.as_str()] > 1 && l != name {
            *l = format!("{l} ({name})");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(text: &str) -> BTreeMap<String, String> {
        flatten(text)
    }

    #[test]
    fn only_differing_keys_are_listed_with_missing_as_none() {
        let a =
            cfg("[general_settings]\nk_paths = 3\nmax_iters = 2\n[topology_settings]\ncores_per_link = 1\n");
        let b =
            cfg("[general_settings]\nk_paths = 3\nmax_iters = 4\n[topology_settings]\ncores_per_link = 1\n");
        let c = cfg("[general_settings]\nk_paths = 3\nmax_iters = 2\n[topology_settings]\ncores_per_link = 1\nextra = x\n");
        let diff = config_diff(&[a, b, c]);
        assert_eq!(
            diff,
            vec![
                ConfigDiffRow {
                    key: "general_settings.max_iters".into(),
                    values: vec![Some("2".into()), Some("4".into()), Some("2".into())],
                },
                ConfigDiffRow {
                    key: "topology_settings.extra".into(),
                    values: vec![None, None, Some("x".into())],
                },
            ]
        );
    }

    #[test]
    fn identical_configs_have_no_diff_and_keep_their_names() {
        let a = cfg("[s]\nk = 1\n");
        let diff = config_diff(&[a.clone(), a]);
        assert!(diff.is_empty());
        assert_eq!(labels(&diff, &["one".into(), "two".into()]), vec!["one", "two"]);
    }

    #[test]
    fn labels_name_the_differing_values() {
        let a = cfg("[t]\ncores_per_link = 3\n[r]\nk_paths = 2\n");
        let b = cfg("[t]\ncores_per_link = 1\n[r]\nk_paths = 2\n");
        let c = cfg("[t]\ncores_per_link = 1\n");
        let diff = config_diff(&[a, b, c]);
        let l = labels(&diff, &["a".into(), "b".into(), "c".into()]);
        assert_eq!(
            l,
            vec![
                "k_paths=2 · cores_per_link=3",
                "k_paths=2 · cores_per_link=1",
                "k_paths=none · cores_per_link=1"
            ]
        );
    }
}
