//! Routing and spectrum-assignment policies, chosen once per configuration.
//!
//! FUSION dispatches on `route_method` / `allocation_method` strings on every
//! request; here each name is turned into an enum when the configuration is
//! read, so the event loop matches on a variant and never compares strings.
//!
//! Two groups of policies exist. Those FUSION 6.1 runs (`k_shortest_path`,
//! `shortest_path`, `external_ksp` off its two precomputed networks,
//! `cong_aware`, `xt_aware`, `first_fit`, `priority_first`) reproduce FUSION's
//! results exactly. Those FUSION documents but cannot run correctly
//! (`least_congested`, `frag_aware`, `best_fit`, `last_fit` crash;
//! `priority_last` allocates nothing with a guard slot) implement what
//! FUSION's code evidently intends; no FUSION result exists to agree with,
//! and [`Policies::fusion_caveats`] says so wherever a configuration is
//! checked.

use crate::json::Value;

/// How a link's crosstalk cost becomes its routing weight (`snr_settings.xt_type`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum XtWeight {
    /// `with_length`: `(len / maxlen) * beta + (1 - beta) * X`.
    WithLength { beta: f64 },
    /// `without_length`: `(len / 100 km span) * X`.
    WithoutLength,
    /// Any other value (FUSION compares the exact strings): the cost `X` alone.
    CostOnly,
}

/// The routing decision point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Routing {
    /// `k_shortest_path`, `shortest_path` (k = 1), `external_ksp` off the
    /// networks with precomputed paths: the first k paths by length.
    Ksp,
    /// `cong_aware` / `congestion_aware`: the k paths by length, reordered by
    /// `alpha · congestion + (1 − alpha) · length / longest`.
    CongestionAware { alpha: f64 },
    /// `xt_aware`: one path, shortest by the per-link crosstalk weight.
    XtAware { weight: XtWeight },
    /// `least_congested` (FUSION 6.1 crashes): among the paths of at most one
    /// hop more than the fewest, the one whose busiest link has most free slots.
    LeastCongested,
    /// `frag_aware` / `fragmentation_aware` (FUSION 6.1 crashes): one path,
    /// shortest by the per-link fragmentation ratio.
    FragAware,
}

/// The spectrum-assignment decision point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allocation {
    /// Lowest start, cores 0..C−1.
    FirstFit,
    /// First fit with FUSION's fixed core order 0, 2, 4, 1, 3, 5, 6.
    PriorityFirst,
    /// Highest start within each core, same core order (FUSION 6.1 allocates
    /// nothing with a guard slot).
    PriorityLast,
    /// Highest start within each core, cores 0..C−1 (FUSION 6.1 crashes on
    /// multi-link paths).
    LastFit,
    /// The smallest free run that holds the lightpath, over every link, core
    /// and band of the path (FUSION 6.1 crashes).
    BestFit,
}

/// FUSION's hard-coded core order for `priority_first` / `priority_last`.
pub const PRIORITY_CORE_ORDER: [usize; 7] = [0, 2, 4, 1, 3, 5, 6];

/// Both decision points of a configuration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Policies {
    pub routing: Routing,
    pub allocation: Allocation,
}

/// Names accepted for `route_method`, in the order `--help` lists them.
pub const ROUTE_METHODS: &[&str] = &[
    "k_shortest_path",
    "shortest_path",
    "external_ksp",
    "cong_aware",
    "congestion_aware",
    "xt_aware",
    "least_congested",
    "frag_aware",
    "fragmentation_aware",
];

/// Names accepted for `allocation_method`.
pub const ALLOCATION_METHODS: &[&str] = &[
    "first_fit",
    "priority_first",
    "priority_last",
    "last_fit",
    "best_fit",
];

/// Networks whose `external_ksp` paths come from FUSION's precomputed files.
const PRECOMPUTED_NETWORKS: &[&str] = &["USbackbone60", "Spainbackbone30"];

/// Policy names of FUSION's learning agents and trained models.
const LEARNED: &[&str] = &[
    "dqn",
    "ppo",
    "a2c",
    "qr_dqn",
    "q_learning",
    "epsilon_greedy_bandit",
    "ucb_bandit",
    "bc",
    "iql",
    "gnn",
];

/// Why a route method is refused: a sentence naming what to use instead.
pub fn route_refusal(name: &str, network: &str) -> Option<String> {
    let lower = name.to_ascii_lowercase();
    if LEARNED.iter().any(|l| lower == *l || lower.contains(l)) {
        return Some(format!(
            "{name:?} is a learned (ML/RL) routing policy; this engine runs no trained models. \
             Run it on FUSION itself, or use k_shortest_path, cong_aware or xt_aware"
        ));
    }
    match name {
        "nli_aware" => Some(
            "\"nli_aware\" is not run: FUSION 6.1 crashes on it at the first arrival and its \
             nonlinear-interference cost is ill-defined (it mixes lightpath ids with slot \
             indices), so there is no intended result to reproduce. Use xt_aware or cong_aware"
                .into(),
        ),
        "1plus1_protection" => Some(
            "\"1plus1_protection\" needs FUSION's protection settings, which this engine does \
             not model. Run it on FUSION itself, or use k_shortest_path"
                .into(),
        ),
        "external_ksp" if PRECOMPUTED_NETWORKS.contains(&network) => Some(format!(
            "\"external_ksp\" on {network} reads FUSION's precomputed path files, which this \
             engine does not read. Use k_shortest_path"
        )),
        _ => None,
    }
}

/// Parses `route_method`. `k_paths`/`alpha`/`xt` are only read by the
/// policies that use them.
pub fn parse_routing(name: &str, alpha: f64, xt: Option<XtWeight>) -> Option<Routing> {
    Some(match name {
        "k_shortest_path" | "shortest_path" | "external_ksp" => Routing::Ksp,
        "cong_aware" | "congestion_aware" => Routing::CongestionAware { alpha },
        "xt_aware" => Routing::XtAware { weight: xt? },
        "least_congested" => Routing::LeastCongested,
        "frag_aware" | "fragmentation_aware" => Routing::FragAware,
        _ => return None,
    })
}

/// Parses `allocation_method`.
pub fn parse_allocation(name: &str) -> Option<Allocation> {
    Some(match name {
        "first_fit" => Allocation::FirstFit,
        "priority_first" => Allocation::PriorityFirst,
        "priority_last" => Allocation::PriorityLast,
        "last_fit" => Allocation::LastFit,
        "best_fit" => Allocation::BestFit,
        _ => return None,
    })
}

/// Why an allocation method is refused.
pub fn allocation_refusal(name: &str) -> String {
    match name {
        "xt_aware" => "\"xt_aware\" allocation is not run: FUSION 6.1 needs 7 or more cores for \
                       it, takes seconds per request, and its core choice inverts its own \
                       overlap test, so there is no intended result to reproduce. Use \
                       priority_first (7 cores) or first_fit"
            .into(),
        n if LEARNED.iter().any(|l| n.to_ascii_lowercase().contains(l)) => format!(
            "{n:?} is a learned (ML/RL) spectrum policy; this engine runs no trained models. \
             Run it on FUSION itself, or use first_fit"
        ),
        n => format!(
            "{n:?} is not an allocation method (supported: {})",
            ALLOCATION_METHODS.join(", ")
        ),
    }
}

impl Policies {
    /// Sentences for policies FUSION 6.1 itself cannot run correctly: the
    /// results are this engine's reading of FUSION's intent and have no FUSION
    /// result to agree with. `(section.key, sentence)`.
    pub fn fusion_caveats(&self, cores: usize, guard: usize) -> Vec<(&'static str, String)> {
        let mut v = Vec::new();
        let r = "general_settings.route_method";
        match self.routing {
            Routing::LeastCongested => v.push((
                r,
                "least_congested: FUSION 6.1 crashes on it (KeyError at the first arrival); this \
                 engine runs the algorithm its code intends, so no FUSION result exists to agree with"
                    .to_owned(),
            )),
            Routing::FragAware => v.push((
                r,
                "frag_aware: FUSION 6.1 crashes on it (a renamed attribute, at the first arrival); \
                 this engine runs the algorithm its code intends, so no FUSION result exists to \
                 agree with"
                    .to_owned(),
            )),
            _ => {}
        }
        let a = "general_settings.allocation_method";
        match self.allocation {
            Allocation::BestFit => v.push((
                a,
                "best_fit: FUSION 6.1 crashes on it (BufferError at the first 1-slot lightpath); \
                 this engine runs the algorithm its code intends, so no FUSION result exists to \
                 agree with"
                    .to_owned(),
            )),
            Allocation::LastFit => v.push((
                a,
                "last_fit: FUSION 6.1 crashes on it (ValueError at the first multi-link path); this \
                 engine runs the algorithm its code intends, so no FUSION result exists to agree with"
                    .to_owned(),
            )),
            Allocation::PriorityLast if guard >= 1 => v.push((
                a,
                "priority_last: FUSION 6.1 allocates nothing with guard_slots >= 1 (every request \
                 blocked); this engine runs the algorithm its code intends (last fit in the core \
                 order 0, 2, 4, 1, 3, 5, 6), so no FUSION result exists to agree with"
                    .to_owned(),
            )),
            _ => {}
        }
        if matches!(
            self.allocation,
            Allocation::PriorityFirst | Allocation::PriorityLast
        ) && cores < 7
        {
            v.push((
                "topology_settings.cores_per_link",
                format!(
                    "{}: FUSION 6.1 needs at least 7 cores for it (IndexError at the first arrival \
                     with {cores}); this engine uses the cores of the order 0, 2, 4, 1, 3, 5, 6 that \
                     exist, so no FUSION result exists to agree with",
                    if self.allocation == Allocation::PriorityFirst {
                        "priority_first"
                    } else {
                        "priority_last"
                    }
                ),
            ));
        }
        v
    }

    /// The (core) order the allocation policy visits, for `cores` cores.
    pub fn core_order(&self, cores: usize) -> Vec<usize> {
        match self.allocation {
            // FUSION gathers exactly these seven cores: 7 and above are never used.
            Allocation::PriorityFirst | Allocation::PriorityLast => PRIORITY_CORE_ORDER
                .iter()
                .copied()
                .filter(|&c| c < cores)
                .collect(),
            _ => (0..cores).collect(),
        }
    }
}

/// `numpy.mean` of float64 values: numpy's pairwise summation (eight
/// accumulators for blocks of 8, halves above 128 values), then `/ n`.
pub fn np_mean(values: &[f64]) -> f64 {
    np_pairwise_sum(values) / values.len() as f64
}

fn np_pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = -0.0;
        for &x in a {
            res += x;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[full..] {
            res += x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        np_pairwise_sum(&a[..n2]) + np_pairwise_sum(&a[n2..])
    }
}

/// numpy 1.26's `argsort` of float64 scores on an AVX-512 CPU (the machine
/// FUSION's references were made on): a stable ascending sort, except for
/// the tie patterns of 4 to 6 values where its sorting network is not stable.
/// For more than 6 values with exact ties the stable order is used (numpy's
/// order there is not tabulated).
pub struct Argsort {
    /// `tables[n - 4]`: dense-rank pattern → numpy's order.
    tables: Vec<Vec<(Vec<u8>, Vec<u8>)>>,
}

const ARGSORT_TIES_JSON: &str = include_str!("../data/numpy_argsort_avx512_ties.json");

impl Argsort {
    pub fn new() -> Argsort {
        let doc = Value::parse(ARGSORT_TIES_JSON).expect("bundled argsort table is valid JSON");
        let mut tables = Vec::new();
        for n in 4..=6 {
            let mut t = Vec::new();
            let table = doc
                .get("n")
                .and_then(|x| x.get(&n.to_string()))
                .and_then(|x| x.get("table"))
                .and_then(Value::as_object)
                .expect("bundled argsort table has n = 4..6");
            for (k, v) in table {
                let key: Vec<u8> = k.split(',').map(|s| s.parse().expect("rank")).collect();
                let val: Vec<u8> = v
                    .as_array()
                    .expect("order")
                    .iter()
                    .map(|x| x.as_f64().expect("index") as u8)
                    .collect();
                t.push((key, val));
            }
            t.sort();
            tables.push(t);
        }
        Argsort { tables }
    }

    /// Indices of `scores` in numpy's argsort order, written into `order`.
    pub fn sort(&self, scores: &[f64], order: &mut Vec<usize>) {
        order.clear();
        order.extend(0..scores.len());
        order.sort_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        let n = scores.len();
        if !(4..=6).contains(&n) {
            return;
        }
        let tied = order.windows(2).any(|w| scores[w[0]] == scores[w[1]]);
        if !tied {
            return;
        }
        // Dense ranks in input order.
        let mut ranks = [0u8; 6];
        let mut rank = 0u8;
        for (pos, &i) in order.iter().enumerate() {
            if pos > 0 && scores[i] != scores[order[pos - 1]] {
                rank += 1;
            }
            ranks[i] = rank;
        }
        let table = &self.tables[n - 4];
        if let Ok(at) = table.binary_search_by(|(k, _)| k.as_slice().cmp(&ranks[..n])) {
            order.clear();
            order.extend(table[at].1.iter().map(|&i| i as usize));
        }
    }
}

impl Default for Argsort {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numpy_mean_is_pairwise() {
        assert_eq!(np_mean(&[2.0 / 960.0, 0.0, 0.0]), 0.0006944444444444445);
        // Nine values: eight accumulators, then the ninth added to the total.
        let v: Vec<f64> = (1..=9).map(|i| 0.1 * i as f64).collect();
        let r: Vec<f64> = v[..8].to_vec();
        let expected = ((((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]))) + v[8]) / 9.0;
        assert_eq!(np_mean(&v), expected);
    }

    #[test]
    fn argsort_ties_follow_numpys_avx512_network() {
        let a = Argsort::new();
        let mut o = Vec::new();
        a.sort(&[0.3, 0.1, 0.2], &mut o);
        assert_eq!(o, [1, 2, 0]);
        // Dense ranks 1,1,0,0 sort as [3, 2, 1, 0] (not stable).
        a.sort(&[0.5, 0.5, 0.1, 0.1], &mut o);
        assert_eq!(o, [3, 2, 1, 0]);
        // 0,0,1,1 is not in the table: stable.
        a.sort(&[0.1, 0.1, 0.5, 0.5], &mut o);
        assert_eq!(o, [0, 1, 2, 3]);
    }

    #[test]
    fn priority_core_order() {
        let p = Policies {
            routing: Routing::Ksp,
            allocation: Allocation::PriorityFirst,
        };
        assert_eq!(p.core_order(7), [0, 2, 4, 1, 3, 5, 6]);
        assert_eq!(p.core_order(13), [0, 2, 4, 1, 3, 5, 6]);
        assert_eq!(p.core_order(3), [0, 2, 1]);
        assert!(p
            .fusion_caveats(3, 1)
            .iter()
            .any(|(k, _)| k.contains("cores_per_link")));
    }
}
