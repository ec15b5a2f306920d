//! Modulation / bandwidth table in FUSION's JSON format:
//! `{assumption: {bandwidth_gbps: {format: {"max_length": km, "slots_needed": n}}}}`.
//!
//! Order matters: the bandwidth keys' order is the order of the bandwidth
//! draw, and the formats' order is the order of FUSION's output dictionaries.

use crate::json::Value;

/// The table bundled in the binary (FUSION's `default_mod_formats.json`).
pub const DEFAULT_MOD_FORMATS_JSON: &str = include_str!("../data/mod_formats/default_mod_formats.json");

/// One modulation format of one bandwidth class.
#[derive(Debug, Clone, PartialEq)]
pub struct ModFormat {
    pub name: String,
    pub max_length: f64,
    pub slots_needed: usize,
}

/// One bandwidth class with its formats in file order.
#[derive(Debug, Clone, PartialEq)]
pub struct BandwidthClass {
    /// The key as written in the file (e.g. "100").
    pub key: String,
    /// Numeric value in Gbps.
    pub gbps: u64,
    pub formats: Vec<ModFormat>,
}

impl BandwidthClass {
    /// Indices of the formats that reach `length`, most efficient (shortest
    /// reach) first. FUSION sorts by ascending `max_length` (stable) and skips
    /// formats whose reach is below the path length.
    pub fn feasible_formats(&self, length: f64) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.formats.len()).collect();
        idx.sort_by(|&a, &b| {
            self.formats[a]
                .max_length
                .partial_cmp(&self.formats[b].max_length)
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        idx.retain(|&i| self.formats[i].max_length >= length);
        idx
    }
}

/// A modulation table for one assumption.
#[derive(Debug, Clone, PartialEq)]
pub struct ModTable {
    pub classes: Vec<BandwidthClass>,
}

impl ModTable {
    /// Reads `assumption` out of a FUSION modulation JSON document.
    pub fn from_json(text: &str, assumption: &str) -> Result<ModTable, String> {
        let doc = Value::parse(text).map_err(|e| format!("invalid JSON: {e}"))?;
        let root = doc
            .as_object()
            .ok_or("the modulation file must hold a JSON object")?;
        let table = match root.iter().find(|(k, _)| k == assumption) {
            Some((_, t)) => t,
            None => {
                // The file's own keys are not quoted: it may be one a
                // configuration from elsewhere names.
                return Err(format!(
                    "no assumption {assumption:?} in the modulation file (it holds {} other ones)",
                    root.len()
                ));
            }
        };
        let mut classes = Vec::new();
        for (ci, (bw_key, formats)) in table
            .as_object()
            .ok_or("assumption must map bandwidths to formats")?
            .iter()
            .enumerate()
        {
            let nth = ci + 1;
            let gbps: u64 = bw_key
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|g| *g > 0.0 && g.fract() == 0.0)
                .map(|g| g as u64)
                .ok_or_else(|| format!("bandwidth key {nth} is not a positive whole number"))?;
            let mut list = Vec::new();
            for (fi, (name, f)) in formats
                .as_object()
                .ok_or_else(|| format!("bandwidth {gbps}: formats must be an object"))?
                .iter()
                .enumerate()
            {
                let nf = fi + 1;
                let max_length = f
                    .get("max_length")
                    .and_then(Value::as_f64)
                    .ok_or_else(|| format!("bandwidth {gbps}, format {nf}: missing numeric max_length"))?;
                let slots = f
                    .get("slots_needed")
                    .and_then(Value::as_f64)
                    .filter(|s| *s >= 1.0 && s.fract() == 0.0)
                    .ok_or_else(|| {
                        format!("bandwidth {gbps}, format {nf}: slots_needed must be a positive integer")
                    })?;
                list.push(ModFormat {
                    name: name.clone(),
                    max_length,
                    slots_needed: slots as usize,
                });
            }
            classes.push(BandwidthClass {
                key: bw_key.clone(),
                gbps,
                formats: list,
            });
        }
        if classes.is_empty() {
            return Err(format!("assumption {assumption:?} has no bandwidth classes"));
        }
        Ok(ModTable { classes })
    }

    /// The bundled table's `DEFAULT` assumption.
    pub fn bundled_default() -> ModTable {
        ModTable::from_json(DEFAULT_MOD_FORMATS_JSON, "DEFAULT").expect("bundled table is valid")
    }

    pub fn class_index(&self, key: &str) -> Option<usize> {
        self.classes.iter().position(|c| c.key == key)
    }

    /// Names of all formats in first-appearance order across classes (the
    /// order of FUSION's per-format entries in `mods_used_dict`).
    pub fn format_names(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for c in &self.classes {
            for f in &c.formats {
                if !names.contains(&f.name) {
                    names.push(f.name.clone());
                }
            }
        }
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_default_keeps_file_order() {
        let t = ModTable::bundled_default();
        let keys: Vec<&str> = t.classes.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys, ["25", "50", "100", "200", "400"]);
        let c400 = &t.classes[4];
        assert_eq!(c400.formats[0].name, "QPSK");
        assert_eq!(c400.formats[0].slots_needed, 16);
        // 64-QAM (229 km) is the most efficient; at 500 km only 16-QAM and QPSK reach.
        assert_eq!(c400.feasible_formats(500.0), vec![1, 0]);
        assert_eq!(c400.feasible_formats(2000.0), Vec::<usize>::new());
    }
}
