//! The event loop: arrivals are routed and assigned spectrum, departures
//! release it, and every iteration's accounting is collected.
//!
//! Arrivals come from the generator in time order; departures wait in a
//! min-heap ([`crate::events`]).
//! Before each arrival, every departure at or before its time is processed,
//! which is the same order as FUSION's sort of all events by time (a
//! departure of an earlier request sorts before an arrival with the same
//! time). Candidate paths and their feasible formats are computed once per
//! topology for the policies whose candidates do not depend on the network
//! state; the state-dependent policies (congestion, crosstalk,
//! fragmentation) score or search per arrival, reading the spectrum as the
//! earlier events left it, as FUSION's routers do.

use crate::config::SimConfig;
use crate::events::Departures;
use crate::policy::{np_mean, Allocation, Argsort, Policies, Routing, XtWeight};
use crate::requests::{quotas, Generator, Request};
use crate::routing::{first_path, path_of, paths_within_one_hop, PathTable, Search};
use crate::spectrum::{Run, Spectrum, FAST_WORDS};
use crate::stats::round2;
use crate::union_cache::UnionCache;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};

/// A candidate path with everything a request needs, precomputed.
#[derive(Debug, Clone)]
pub struct Route {
    pub nodes: Vec<usize>,
    pub edges: Vec<u32>,
    pub length: f64,
    /// `round(length, 2)`, as FUSION records lengths.
    pub length_r2: f64,
    pub hops: usize,
    /// `hops` as FUSION records it (a float), converted once.
    pub hops_f64: f64,
    /// Per bandwidth class: formats that reach, most efficient first.
    pub feasible: Vec<Vec<u8>>,
}

impl Route {
    fn new(p: crate::routing::Path, table: &crate::modulation::ModTable) -> Route {
        Route {
            edges: p.edges.iter().map(|&e| e as u32).collect(),
            length: p.length,
            length_r2: round2(p.length),
            hops: p.nodes.len() - 1,
            hops_f64: (p.nodes.len() - 1) as f64,
            feasible: table
                .classes
                .iter()
                .map(|c| {
                    c.feasible_formats(p.length)
                        .into_iter()
                        .map(|i| i as u8)
                        .collect()
                })
                .collect(),
            nodes: p.nodes,
        }
    }
}

/// Everything about a configuration that does not change between loads.
pub struct Model {
    pub config: SimConfig,
    pub policies: Policies,
    /// Node indices that generate traffic, in FUSION's draw order.
    pub traffic_nodes: Vec<usize>,
    n: usize,
    /// Precomputed candidate routes of all pairs, flat.
    routes: Vec<Route>,
    /// Per ordered pair: `routes[first .. first + count]`.
    pair_routes: Vec<(u32, u32)>,
    quotas: Vec<usize>,
    /// Per class: the lower-rate classes that divide its rate, as
    /// (class, pieces), by descending bandwidth (so pieces ascend). Empty for
    /// the 25G class, which FUSION never slices.
    slice_tiers: Vec<Vec<(usize, usize)>>,
    /// Per class: its bit rate as a float (for throughput).
    class_gbps: Vec<f64>,
    /// Per ordered pair's routes (KSP): the candidates as the router hands
    /// them over, aligned with `routes`.
    ksp_cands: Vec<Candidate>,
    band_slots: Vec<usize>,
    /// (band, core) in the order the allocation policy tries them.
    alloc_order: Vec<(u8, u8)>,
    /// Most lightpaths one request can hold.
    max_lps: usize,
    /// Format names in FUSION's `mods_used_dict` order.
    pub mod_names: Vec<String>,
    /// (class, format) → index in `mod_names`.
    mod_global: Vec<Vec<usize>>,
    /// Per class: the class's QPSK format (least_congested's only format).
    qpsk_format: Vec<u8>,
    /// Per class: slots needed never fall as reach grows, so when the most
    /// efficient reaching format finds no room, no other reaching format
    /// can (they need at least as many slots) and pass 1 skips them.
    first_format_decides: Vec<bool>,
    /// Length of FUSION's `path_index_list`.
    pub path_index_len: usize,
    /// numpy's argsort, for congestion-aware ordering of 4 or more paths.
    argsort: Option<Argsort>,
    /// Longest link (crosstalk weight `with_length`).
    max_link_length: f64,
    /// First fit (or priority first) on bands of at most
    /// [`FAST_WORDS`] words: placements of up to 64 slots search the
    /// request's free-slot cache.
    cached_first_fit: bool,
}

impl Model {
    /// `config` must have passed [`SimConfig::check_supported`].
    pub fn new(config: SimConfig) -> Model {
        let policies = config.policies();
        let topo = &config.topology;
        let n = topo.nodes.len();
        let traffic_nodes: Vec<usize> = match &topo.core_nodes {
            Some(c) if !config.is_only_core_node => c.clone(),
            _ => (0..n).collect(),
        };
        let k = config.routing_k();
        let table = &config.mod_table;
        let mut is_endpoint = vec![false; n];
        for &v in &traffic_nodes {
            is_endpoint[v] = true;
        }
        let mut routes = Vec::new();
        let mut pair_routes = vec![(0u32, 0u32); n * n];
        let static_paths = |s: usize, d: usize| -> Vec<crate::routing::Path> {
            match policies.routing {
                Routing::LeastCongested => paths_within_one_hop(topo, s, d),
                _ => Vec::new(),
            }
        };
        match policies.routing {
            Routing::Ksp | Routing::CongestionAware { .. } => {
                let paths = PathTable::build_for(topo, k, &is_endpoint);
                for s in 0..n {
                    for d in 0..n {
                        let first = routes.len() as u32;
                        routes.extend(paths.get(s, d).iter().cloned().map(|p| Route::new(p, table)));
                        pair_routes[s * n + d] = (first, routes.len() as u32 - first);
                    }
                }
            }
            Routing::LeastCongested => {
                for s in 0..n {
                    for d in 0..n {
                        let first = routes.len() as u32;
                        if s != d && is_endpoint[s] && is_endpoint[d] {
                            routes.extend(static_paths(s, d).into_iter().map(|p| Route::new(p, table)));
                        }
                        pair_routes[s * n + d] = (first, routes.len() as u32 - first);
                    }
                }
            }
            Routing::XtAware { .. } | Routing::FragAware => {}
        }
        let probs: Vec<f64> = table
            .classes
            .iter()
            .map(|c| {
                config
                    .request_distribution
                    .iter()
                    .find(|(k, _)| *k == c.key)
                    .map_or(0.0, |(_, p)| *p)
            })
            .collect();
        let quotas = quotas(&probs, config.num_requests);
        let mut classes_desc: Vec<usize> = (0..table.classes.len()).collect();
        classes_desc.sort_by(|&a, &b| table.classes[b].gbps.cmp(&table.classes[a].gbps));
        let slice_tiers = table
            .classes
            .iter()
            .map(|c| {
                if c.key == "25" {
                    return Vec::new();
                }
                classes_desc
                    .iter()
                    .map(|&t| (t, table.classes[t].gbps))
                    .filter(|&(_, tg)| tg < c.gbps && c.gbps % tg == 0)
                    .map(|(t, tg)| (t, (c.gbps / tg) as usize))
                    .collect()
            })
            .collect();
        let ksp_cands = match policies.routing {
            Routing::Ksp => routes
                .iter()
                .enumerate()
                .map(|(i, r)| Candidate {
                    route: i as u32,
                    weight: r.length,
                    formats: Formats::Reaching,
                })
                .collect(),
            _ => Vec::new(),
        };
        let band_slots: Vec<usize> = config.bands.iter().map(|b| b.slots).collect();
        let cores = policies.core_order(config.cores_per_link);
        let mut alloc_order = Vec::new();
        if config.spectrum_priority == "BSC" {
            for b in 0..band_slots.len() {
                for &c in &cores {
                    alloc_order.push((b as u8, c as u8));
                }
            }
        } else {
            for &c in &cores {
                for b in 0..band_slots.len() {
                    alloc_order.push((b as u8, c as u8));
                }
            }
        }
        let mut max_lps = 1;
        for c in &table.classes {
            for t in &table.classes {
                if t.gbps < c.gbps && c.gbps % t.gbps == 0 {
                    let pieces = (c.gbps / t.gbps) as usize;
                    if pieces <= config.max_segments {
                        max_lps = max_lps.max(pieces);
                    }
                }
            }
        }
        // FUSION's order: each bandwidth's formats, a format entered the
        // first time it is seen.
        let mut mod_names: Vec<String> = Vec::new();
        let mut mod_global = Vec::new();
        for c in &table.classes {
            let mut row = Vec::new();
            for f in &c.formats {
                let idx = match mod_names.iter().position(|m| *m == f.name) {
                    Some(i) => i,
                    None => {
                        mod_names.push(f.name.clone());
                        mod_names.len() - 1
                    }
                };
                row.push(idx);
            }
            mod_global.push(row);
        }
        // FUSION falls back to "QPSK" by name; a table without it falls
        // back to its longest-reach format.
        let qpsk_format: Vec<u8> = table
            .classes
            .iter()
            .map(|c| {
                c.formats
                    .iter()
                    .position(|f| f.name == "QPSK")
                    .unwrap_or_else(|| {
                        (0..c.formats.len())
                            .max_by(|&a, &b| c.formats[a].max_length.total_cmp(&c.formats[b].max_length))
                            .unwrap_or(0)
                    }) as u8
            })
            .collect();
        let first_format_decides = table
            .classes
            .iter()
            .map(|c| {
                let order = c.feasible_formats(f64::NEG_INFINITY);
                order
                    .windows(2)
                    .all(|w| c.formats[w[0]].slots_needed <= c.formats[w[1]].slots_needed)
            })
            .collect();
        let path_index_len = config.k_paths.unwrap_or(1);
        let argsort =
            matches!(policies.routing, Routing::CongestionAware { .. } if k >= 4).then(Argsort::new);
        let max_link_length = topo.edges.iter().map(|e| e.length).fold(0.0, f64::max);
        let cached_first_fit = matches!(
            policies.allocation,
            Allocation::FirstFit | Allocation::PriorityFirst
        ) && band_slots.iter().all(|&s| s.div_ceil(64) <= FAST_WORDS);
        Model {
            policies,
            traffic_nodes,
            n,
            routes,
            pair_routes,
            quotas,
            slice_tiers,
            class_gbps: table.classes.iter().map(|c| c.gbps as f64).collect(),
            ksp_cands,
            band_slots,
            alloc_order,
            max_lps,
            mod_names,
            mod_global,
            qpsk_format,
            first_format_decides,
            path_index_len,
            argsort,
            max_link_length,
            cached_first_fit,
            config,
        }
    }

    /// Precomputed candidate paths for an ordered pair (empty for the
    /// policies that search per arrival).
    pub fn routes(&self, s: usize, d: usize) -> &[Route] {
        let (first, count) = self.pair_routes[s * self.n + d];
        &self.routes[first as usize..(first + count) as usize]
    }

    /// (class, format) → index into `mod_names`.
    pub fn mod_index(&self, class: usize, fmt: usize) -> usize {
        self.mod_global[class][fmt]
    }
}

/// One lightpath of an active request.
#[derive(Debug, Clone, Copy, Default)]
struct Lightpath {
    band: u8,
    core: u8,
    start: u16,
    width: u16,
    class: u8,
    fmt: u8,
}

#[derive(Debug, Clone, Copy, Default)]
struct Active {
    route: u32,
    n_lp: u8,
}

/// What pass 1 tries on a candidate path.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Formats {
    /// The formats that reach, most efficient first (KSP, xt_aware).
    Reaching,
    /// One format, without a reach check (FUSION's state-aware routers).
    One(u8),
    /// Nothing (cong_aware with `pre_calc_mod_selection`: FUSION reads an
    /// attribute that does not exist and gets an empty list).
    Nothing,
}

/// A candidate path as the router hands it to spectrum assignment.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    route: u32,
    /// FUSION's `path_weight` (length, score, crosstalk or free-slot sum).
    weight: f64,
    formats: Formats,
}
/// Per-iteration accounting, in the shape FUSION reports it.
#[derive(Debug, Clone, Default)]
pub struct IterAccum {
    pub requests: u64,
    pub blocked: u64,
    pub bit_rate_blocked: u64,
    pub bit_rate_request: u64,
    pub transponders: u64,
    /// Lightpaths per core.
    pub cores: Vec<u64>,
    /// Blocked requests per bandwidth class.
    pub block_bw: Vec<u64>,
    /// Routed requests per path index (FUSION's `path_index_list`).
    pub path_index: Vec<u64>,
    /// Per routed request.
    pub hops: Vec<f64>,
    pub lengths: Vec<f64>,
    /// [class][format] → rounded path length per lightpath (its length is
    /// the class's lightpath count in that format: [`IterAccum::mod_count`]).
    pub weights: Vec<Vec<Vec<f64>>>,
    /// [format][band] → lengths and hop counts per lightpath (their length
    /// is the lightpath count: [`IterAccum::mod_band_count`]).
    pub mod_lengths: Vec<Vec<Vec<f64>>>,
    pub mod_hops: Vec<Vec<Vec<f64>>>,
    /// Lightpaths released (each at 100 % utilisation), flat by
    /// [class][band][core]: see [`IterAccum::lp_released`].
    lp_released: Vec<u64>,
    lp_bands: usize,
    lp_cores: usize,
    /// Per undirected link: lightpaths set up over it and the sum of their
    /// bandwidth × holding time (side by side: one lookup per link).
    pub link_usage: Vec<LinkUsage>,
}

/// What one undirected link carried in an iteration.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkUsage {
    pub lightpaths: u64,
    pub throughput: f64,
}

impl IterAccum {
    pub fn new(model: &Model) -> Self {
        let table = &model.config.mod_table;
        let nb = model.band_slots.len();
        let cores = model.config.cores_per_link;
        let links = model.config.topology.edges.len();
        IterAccum {
            cores: vec![0; cores],
            block_bw: vec![0; table.classes.len()],
            path_index: vec![0; model.path_index_len],
            weights: table
                .classes
                .iter()
                .map(|c| vec![Vec::new(); c.formats.len()])
                .collect(),
            mod_lengths: vec![vec![Vec::new(); nb]; model.mod_names.len()],
            mod_hops: vec![vec![Vec::new(); nb]; model.mod_names.len()],
            lp_released: vec![0; table.classes.len() * nb * cores],
            lp_bands: nb,
            lp_cores: cores,
            // Pushed once per carried request: room for all of them up
            // front, instead of regrowing in every fresh accumulator.
            hops: Vec::with_capacity(model.config.num_requests),
            lengths: Vec::with_capacity(model.config.num_requests),
            link_usage: vec![LinkUsage::default(); links],
            ..Default::default()
        }
    }

    fn reset(&mut self) {
        self.requests = 0;
        self.blocked = 0;
        self.bit_rate_blocked = 0;
        self.bit_rate_request = 0;
        self.transponders = 0;
        self.cores.iter_mut().for_each(|x| *x = 0);
        self.block_bw.iter_mut().for_each(|x| *x = 0);
        self.path_index.iter_mut().for_each(|x| *x = 0);
        self.hops.clear();
        self.lengths.clear();
        self.weights.iter_mut().flatten().for_each(Vec::clear);
        self.mod_lengths.iter_mut().flatten().for_each(Vec::clear);
        self.mod_hops.iter_mut().flatten().for_each(Vec::clear);
        self.lp_released.iter_mut().for_each(|x| *x = 0);
        self.link_usage.iter_mut().for_each(|x| *x = LinkUsage::default());
    }

    /// Lightpaths of bandwidth class `class` set up in format `fmt`.
    pub fn mod_count(&self, class: usize, fmt: usize) -> u64 {
        self.weights[class][fmt].len() as u64
    }

    /// Lightpaths set up in format `g` (an index into `Model::mod_names`)
    /// in band `band`.
    pub fn mod_band_count(&self, g: usize, band: usize) -> u64 {
        self.mod_lengths[g][band].len() as u64
    }

    /// Lightpaths of bandwidth class `class` released from `(band, core)`.
    pub fn lp_released(&self, class: usize, band: usize, core: usize) -> u64 {
        self.lp_released[self.lp_index(class, band, core)]
    }

    /// Whether any lightpath was released.
    pub fn any_released(&self) -> bool {
        self.lp_released.iter().any(|&n| n > 0)
    }

    #[inline]
    fn lp_index(&self, class: usize, band: usize, core: usize) -> usize {
        (class * self.lp_bands + band) * self.lp_cores + core
    }

    /// Blocking probability of the iteration.
    pub fn blocking(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.blocked as f64 / self.requests as f64
        }
    }

    /// Bit-rate blocking probability of the iteration.
    pub fn bit_rate_blocking(&self) -> f64 {
        if self.bit_rate_request == 0 {
            0.0
        } else {
            self.bit_rate_blocked as f64 / self.bit_rate_request as f64
        }
    }
}

/// How an iteration ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IterEnd {
    Completed,
    /// The stop flag was raised; the partial iteration is discarded.
    Interrupted,
}

/// The route behind an id: precomputed ones first, then the ones found per
/// arrival (interned, so a departing request finds its links again).
#[inline]
fn route_of<'a>(model: &'a Model, found: &'a [Route], id: u32) -> &'a Route {
    let id = id as usize;
    if id < model.routes.len() {
        &model.routes[id]
    } else {
        &found[id - model.routes.len()]
    }
}

/// Crosstalk neighbours of each core, FUSION's formula (not a physical
/// layout): `[6, c−1 (5 for 0), c+1 (0 for 5)]` below `C` for cores other
/// than the centre, all of 0..5 for core 6 when C > 6. Duplicates count twice.
fn xt_neighbours(cores: usize) -> Vec<Vec<usize>> {
    (0..cores)
        .map(|core| {
            if core == 6 && cores > 6 {
                (0..cores.min(6)).collect()
            } else {
                let prev = if core == 0 { 5 } else { core - 1 };
                let next = if core == 5 { 0 } else { core + 1 };
                [6, prev, next].into_iter().filter(|&a| a < cores).collect()
            }
        })
        .collect()
}

/// Bits of word `w` that are slots of a band of `slots` slots.
#[inline]
fn valid_mask(w: usize, slots: usize) -> u64 {
    if (w + 1) * 64 <= slots {
        u64::MAX
    } else {
        (1u64 << (slots - w * 64)) - 1
    }
}

/// FUSION's crosstalk cost of one link: the mean over its free cells (all
/// bands and cores) of the share of neighbouring cores carrying data in the
/// same slot, added in band → core → slot order as FUSION adds them; 1000
/// for a link without a free cell.
fn xt_link_cost(spectrum: &Spectrum, link: usize, neighbours: &[Vec<usize>]) -> f64 {
    let mut xt = 0.0f64;
    let mut free = 0u64;
    for band in 0..spectrum.bands() {
        let slots = spectrum.band_slots(band);
        for (core, nb) in neighbours.iter().enumerate() {
            let occ = spectrum.block(link, band, core);
            for (w, &o) in occ.iter().enumerate() {
                let f = !o & valid_mask(w, slots);
                free += u64::from(f.count_ones());
                if nb.is_empty() {
                    continue;
                }
                let mut any = 0u64;
                for &a in nb {
                    any |= spectrum.data_block(link, band, a)[w];
                }
                let mut m = f & any;
                while m != 0 {
                    let bit = m.trailing_zeros();
                    let count = nb
                        .iter()
                        .filter(|&&a| spectrum.data_block(link, band, a)[w] >> bit & 1 == 1)
                        .count();
                    xt += count as f64 / nb.len() as f64;
                    m &= m - 1;
                }
            }
        }
    }
    if free == 0 {
        1000.0
    } else {
        xt / free as f64
    }
}

/// The intended fragmentation cost of one link: per core of the C band,
/// `1 − longest free run / free cells` (1 with no free cell), averaged
/// over cores with numpy's mean.
fn frag_link_cost(spectrum: &Spectrum, link: usize, runs: &mut Vec<Run>, ratios: &mut Vec<f64>) -> f64 {
    ratios.clear();
    for core in 0..spectrum.cores() {
        spectrum.free_runs(link, 0, core, runs);
        let total: usize = runs.iter().map(|r| r.end - r.start).sum();
        let longest = runs.iter().map(|r| r.end - r.start).max().unwrap_or(0);
        ratios.push(if total == 0 {
            1.0
        } else {
            1.0 - longest as f64 / total as f64
        });
    }
    np_mean(ratios)
}

/// Marks every candidate's free slots of `(band, core)` stale.
fn touch(cache: &mut UnionCache, model: &Model, band: u8, core: u8) {
    if let Some(oi) = model.alloc_order.iter().position(|&x| x == (band, core)) {
        cache.touch_at(oi);
    }
}

/// Places one lightpath of `width` cells (`data` of them data slots) on
/// candidate `cand` with the configured allocation policy.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn place(
    spectrum: &mut Spectrum,
    model: &Model,
    cache: &mut UnionCache,
    best_fit_runs: &mut Vec<(usize, u8, u8, Run)>,
    runs: &mut Vec<Run>,
    cand: usize,
    edges: &[u32],
    width: usize,
    data: usize,
) -> Option<(u8, u8, usize)> {
    if model.cached_first_fit && (1..=64).contains(&width) {
        // The common case, kept inline at both call sites.
        let (oi, start) = cache.first_fit(spectrum, &model.alloc_order, cand, edges, width)?;
        let (band, core) = model.alloc_order[oi];
        spectrum.allocate(edges, band as usize, core as usize, start, width, data);
        cache.allocated(cand, oi, start, width);
        return Some((band, core, start));
    }
    place_general(spectrum, model, cache, best_fit_runs, runs, edges, width, data)
}

/// [`place`] for every policy and width, without the free-slot cache's search.
#[inline(never)]
#[allow(clippy::too_many_arguments)]
fn place_general(
    spectrum: &mut Spectrum,
    model: &Model,
    cache: &mut UnionCache,
    best_fit_runs: &mut Vec<(usize, u8, u8, Run)>,
    runs: &mut Vec<Run>,
    edges: &[u32],
    width: usize,
    data: usize,
) -> Option<(u8, u8, usize)> {
    let found = match model.policies.allocation {
        Allocation::FirstFit | Allocation::PriorityFirst => {
            model.alloc_order.iter().find_map(|&(band, core)| {
                spectrum
                    .first_fit(edges, band as usize, core as usize, width)
                    .map(|s| (band, core, s))
            })
        }
        Allocation::LastFit | Allocation::PriorityLast => {
            model.alloc_order.iter().find_map(|&(band, core)| {
                spectrum
                    .last_fit(edges, band as usize, core as usize, width)
                    .map(|s| (band, core, s))
            })
        }
        Allocation::BestFit => best_fit(spectrum, best_fit_runs, runs, edges, width, data),
    };
    if let Some((band, core, start)) = found {
        spectrum.allocate(edges, band as usize, core as usize, start, width, data);
        touch(cache, model, band, core);
    }
    found
}

/// Best fit as FUSION's code intends it: every maximal free run holding at
/// least the data slots, on every link of the path, every core and band
/// (in that loop order), tried from the shortest run up (ties in that
/// order); within a run the lowest start whose `width` cells are free on
/// every link of the path.
fn best_fit(
    spectrum: &Spectrum,
    all: &mut Vec<(usize, u8, u8, Run)>,
    runs: &mut Vec<Run>,
    edges: &[u32],
    width: usize,
    data: usize,
) -> Option<(u8, u8, usize)> {
    all.clear();
    for &l in edges {
        for core in 0..spectrum.cores() {
            for band in 0..spectrum.bands() {
                spectrum.free_runs(l as usize, band, core, runs);
                for r in runs.iter() {
                    if r.end - r.start >= data {
                        all.push((r.end - r.start, band as u8, core as u8, *r));
                    }
                }
            }
        }
    }
    all.sort_by_key(|x| x.0);
    for &(_, band, core, r) in all.iter() {
        let mut start = r.start;
        while start + width <= r.end {
            if spectrum.is_free(edges, band as usize, core as usize, start, width) {
                return Some((band, core, start));
            }
            start += 1;
        }
    }
    None
}

/// Where an iteration's time goes, per phase of the request flow (filled
/// only when [`Engine::measure_phases`] is on; the bench prints it).
#[derive(Debug, Clone, Default)]
pub struct Phases {
    /// Clock ticks per phase, indexed by the `PHASE_*` constants.
    pub ticks: [u64; 5],
    last: u64,
}

pub const PHASE_GENERATION: usize = 0;
pub const PHASE_ROUTING: usize = 1;
pub const PHASE_SPECTRUM: usize = 2;
pub const PHASE_ACCOUNTING: usize = 3;
pub const PHASE_EVENTS: usize = 4;
/// Names of the phases, in index order.
pub const PHASE_NAMES: [&str; 5] = [
    "generation",
    "routing",
    "spectrum search",
    "accounting",
    "event queue",
];

/// A cheap monotonic tick count (the CPU's time-stamp counter on x86-64).
#[inline]
fn clock() -> u64 {
    #[cfg(target_arch = "x86_64")]
    {
        // SAFETY: rdtsc has no preconditions on x86-64.
        #[allow(unused_unsafe)]
        unsafe {
            core::arch::x86_64::_rdtsc()
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        use std::sync::OnceLock;
        static ORIGIN: OnceLock<std::time::Instant> = OnceLock::new();
        ORIGIN.get_or_init(std::time::Instant::now).elapsed().as_nanos() as u64
    }
}

/// Simulation state for one load, reusable across its iterations.
pub struct Engine<'m> {
    model: &'m Model,
    spectrum: Spectrum,
    departures: Departures,
    active: Vec<Active>,
    free_slots: Vec<u32>,
    lps: Vec<Lightpath>,
    scratch: Vec<Lightpath>,
    cands: Vec<Candidate>,
    /// The request's candidates are `model.ksp_cands[first..first + count]`
    /// instead of `cands`.
    ksp_range: Option<(usize, usize)>,
    /// Routes found per arrival, interned; ids continue after the model's.
    found: Vec<Route>,
    found_index: HashMap<Vec<usize>, u32>,
    search: Search,
    edge_weights: Vec<f64>,
    scores: Vec<f64>,
    order: Vec<usize>,
    ratios: Vec<f64>,
    runs: Vec<Run>,
    best_fit_runs: Vec<(usize, u8, u8, Run)>,
    neighbours: Vec<Vec<usize>>,
    unions: UnionCache,
    /// Per-phase time, when measured.
    pub phases: Option<Box<Phases>>,
    pub acc: IterAccum,
}

impl<'m> Engine<'m> {
    pub fn new(model: &'m Model) -> Self {
        let links = model.config.topology.edges.len();
        let cores = model.config.cores_per_link;
        let mut spectrum = Spectrum::new(links, &model.band_slots, cores);
        match model.policies.routing {
            Routing::XtAware { .. } => spectrum = spectrum.track_data(),
            Routing::CongestionAware { .. } | Routing::LeastCongested => spectrum = spectrum.track_usage(),
            Routing::Ksp | Routing::FragAware => {}
        }
        Engine {
            spectrum,
            departures: Departures::new(),
            active: Vec::new(),
            free_slots: Vec::new(),
            lps: Vec::new(),
            scratch: Vec::with_capacity(model.max_lps),
            cands: Vec::new(),
            ksp_range: None,
            found: Vec::new(),
            found_index: HashMap::new(),
            search: Search::new(model.n),
            edge_weights: vec![0.0; links],
            scores: Vec::new(),
            order: Vec::new(),
            ratios: Vec::new(),
            runs: Vec::new(),
            best_fit_runs: Vec::new(),
            neighbours: xt_neighbours(cores),
            unions: UnionCache::default(),
            phases: None,
            acc: IterAccum::new(model),
            model,
        }
    }

    /// Runs iteration `iteration` (0-based, seed `iteration + 1`) at `erlang`.
    /// `stop` is polled between events.
    pub fn run_iteration(&mut self, erlang: f64, iteration: usize, stop: &AtomicBool) -> IterEnd {
        // The phase clock compiled in only when it is read.
        if self.phases.is_some() {
            self.run_iteration_with::<true>(erlang, iteration, stop)
        } else {
            self.run_iteration_with::<false>(erlang, iteration, stop)
        }
    }

    fn run_iteration_with<const MEASURE: bool>(
        &mut self,
        erlang: f64,
        iteration: usize,
        stop: &AtomicBool,
    ) -> IterEnd {
        let cfg = &self.model.config;
        self.acc.reset();
        self.spectrum.clear();
        self.departures.clear();
        self.active.clear();
        self.free_slots.clear();
        let seed = (iteration + 1) as u32;
        let gen = Generator::new(
            seed,
            erlang,
            cfg.holding_time,
            &self.model.traffic_nodes,
            self.model.quotas.clone(),
        );
        self.tick::<MEASURE>(PHASE_EVENTS);
        for req in gen {
            self.tick::<MEASURE>(PHASE_GENERATION);
            while let Some(t) = self.departures.peek_time() {
                if t > req.arrive {
                    break;
                }
                let (_, slot) = self.departures.pop().expect("peeked");
                self.release(slot);
            }
            if stop.load(Ordering::Relaxed) {
                return IterEnd::Interrupted;
            }
            self.tick::<MEASURE>(PHASE_EVENTS);
            self.arrive_with::<MEASURE>(&req);
        }
        // Remaining departures free their spectrum (FUSION processes them
        // too); no accounting depends on them beyond utilisation.
        while let Some((_, slot)) = self.departures.pop() {
            self.release(slot);
        }
        debug_assert!(self.spectrum.is_empty());
        IterEnd::Completed
    }

    /// Measures per-phase time from now on (costs a clock read per phase).
    pub fn measure_phases(&mut self) {
        self.phases = Some(Box::new(Phases {
            last: clock(),
            ..Phases::default()
        }));
    }

    /// Charges the time since the last tick to `phase`.
    #[inline(always)]
    fn tick<const MEASURE: bool>(&mut self, phase: usize) {
        if !MEASURE {
            return;
        }
        if let Some(p) = &mut self.phases {
            let now = clock();
            p.ticks[phase] += now.wrapping_sub(p.last);
            p.last = now;
        }
    }

    fn release(&mut self, slot: u32) {
        let a = self.active[slot as usize];
        let model = self.model;
        let route = route_of(model, &self.found, a.route);
        let base = slot as usize * model.max_lps;
        for i in 0..a.n_lp as usize {
            let lp = self.lps[base + i];
            self.spectrum.release(
                &route.edges,
                lp.band as usize,
                lp.core as usize,
                lp.start as usize,
                lp.width as usize,
            );
            let at = self
                .acc
                .lp_index(lp.class as usize, lp.band as usize, lp.core as usize);
            self.acc.lp_released[at] += 1;
        }
        self.free_slots.push(slot);
    }

    /// Interns a path found for this arrival.
    fn intern(&mut self, nodes: Vec<usize>) -> u32 {
        if let Some(&id) = self.found_index.get(nodes.as_slice()) {
            return id;
        }
        let id = (self.model.routes.len() + self.found.len()) as u32;
        let route = Route::new(
            path_of(&self.model.config.topology, nodes.clone()),
            &self.model.config.mod_table,
        );
        self.found.push(route);
        self.found_index.insert(nodes, id);
        id
    }

    /// The router: fills `cands` with the paths to try, in order, each with
    /// its pass-1 formats and FUSION's path weight (or, for KSP, points
    /// `ksp_range` at the model's fixed candidates).
    fn route(&mut self, req: &Request) {
        let model = self.model;
        self.cands.clear();
        self.ksp_range = None;
        let (first, count) = model.pair_routes[req.src * model.n + req.dst];
        let statics = &model.routes[first as usize..(first + count) as usize];
        match model.policies.routing {
            Routing::Ksp => self.ksp_range = Some((first as usize, count as usize)),
            Routing::CongestionAware { alpha } => {
                if statics.is_empty() {
                    return;
                }
                let cells = (model.config.cores_per_link * model.band_slots[0]) as f64;
                let mut lmax = statics.iter().map(|r| r.length).fold(f64::NEG_INFINITY, f64::max);
                if lmax <= 0.0 {
                    lmax = 1.0;
                }
                self.scores.clear();
                for r in statics {
                    self.ratios.clear();
                    for &e in &r.edges {
                        self.ratios
                            .push(f64::from(self.spectrum.used_cells(e as usize, 0)) / cells);
                    }
                    let c = np_mean(&self.ratios);
                    self.scores
                        .push((alpha * c) + ((1.0 - alpha) * (r.length / lmax)));
                }
                match &model.argsort {
                    Some(a) => a.sort(&self.scores, &mut self.order),
                    None => {
                        self.order.clear();
                        self.order.extend(0..self.scores.len());
                        let s = &self.scores;
                        self.order.sort_by(|&a, &b| s[a].total_cmp(&s[b]));
                    }
                }
                for &i in &self.order {
                    let r = &statics[i];
                    let formats = if model.config.pre_calc_mod_selection {
                        Formats::Nothing
                    } else {
                        Formats::One(
                            r.feasible[req.class]
                                .first()
                                .copied()
                                .unwrap_or(model.qpsk_format[req.class]),
                        )
                    };
                    self.cands.push(Candidate {
                        route: first + i as u32,
                        weight: self.scores[i],
                        formats,
                    });
                }
            }
            Routing::LeastCongested => {
                let total: u32 =
                    model.band_slots.iter().sum::<usize>() as u32 * model.config.cores_per_link as u32;
                let mut best: Option<(usize, u32)> = None;
                for (i, r) in statics.iter().enumerate() {
                    let bands = model.band_slots.len();
                    let free = r
                        .edges
                        .iter()
                        .map(|&e| {
                            let used: u32 = (0..bands).map(|b| self.spectrum.used_cells(e as usize, b)).sum();
                            total - used
                        })
                        .min()
                        .unwrap_or(total);
                    if best.is_none_or(|(_, f)| free > f) {
                        best = Some((i, free));
                    }
                }
                if let Some((i, free)) = best {
                    self.cands.push(Candidate {
                        route: first + i as u32,
                        weight: f64::from(free),
                        formats: Formats::One(model.qpsk_format[req.class]),
                    });
                }
            }
            Routing::XtAware { weight } => {
                let topo = &model.config.topology;
                for (e, edge) in topo.edges.iter().enumerate() {
                    let x = xt_link_cost(&self.spectrum, e, &self.neighbours);
                    self.edge_weights[e] = match weight {
                        XtWeight::WithLength { beta } => {
                            ((edge.length / model.max_link_length) * beta) + ((1.0 - beta) * x)
                        }
                        XtWeight::WithoutLength => (edge.length / 100.0) * x,
                        XtWeight::CostOnly => x,
                    };
                }
                self.push_searched(req, true);
            }
            Routing::FragAware => {
                for e in 0..model.config.topology.edges.len() {
                    self.edge_weights[e] =
                        frag_link_cost(&self.spectrum, e, &mut self.runs, &mut self.ratios);
                }
                self.push_searched(req, false);
            }
        }
    }

    /// The single path of a weighted search over `edge_weights`; pass 1
    /// tries the reaching formats, or (`reach_checked` false) FUSION's one
    /// format with the QPSK fallback.
    fn push_searched(&mut self, req: &Request, reach_checked: bool) {
        let topo = &self.model.config.topology;
        let Some(nodes) = first_path(&mut self.search, topo, &self.edge_weights, req.src, req.dst) else {
            return;
        };
        let id = self.intern(nodes);
        let route = route_of(self.model, &self.found, id);
        // Python's sum from 0, left to right.
        let mut weight = 0.0;
        for &e in &route.edges {
            weight += self.edge_weights[e as usize];
        }
        let formats = if reach_checked {
            Formats::Reaching
        } else {
            Formats::One(
                route.feasible[req.class]
                    .first()
                    .copied()
                    .unwrap_or(self.model.qpsk_format[req.class]),
            )
        };
        self.cands.push(Candidate {
            route: id,
            weight,
            formats,
        });
    }

    #[cfg(test)]
    fn arrive(&mut self, req: &Request) {
        self.arrive_with::<false>(req);
    }

    #[inline(always)]
    fn arrive_with<const MEASURE: bool>(&mut self, req: &Request) {
        if self.model.policies.routing == Routing::Ksp {
            // The fixed candidates, without a call into the router.
            let (first, count) = self.model.pair_routes[req.src * self.model.n + req.dst];
            self.ksp_range = Some((first as usize, count as usize));
        } else {
            self.route(req);
        }
        self.tick::<MEASURE>(PHASE_ROUTING);
        let model = self.model;
        let cfg = &model.config;
        let table = &cfg.mod_table;
        let class = req.class;
        let gbps = table.classes[class].gbps;
        let guard = cfg.guard_slots;
        self.acc.requests += 1;
        self.acc.bit_rate_request += gbps;
        self.scratch.clear();
        let ksp_range = self.ksp_range;
        let candidates = match ksp_range {
            Some((_, count)) => count,
            None => self.cands.len(),
        };
        self.unions.reset(candidates, model.alloc_order.len());
        let Engine {
            spectrum,
            found,
            cands,
            scratch,
            best_fit_runs,
            runs,
            unions,
            ..
        } = self;
        let cands: &[Candidate] = match ksp_range {
            Some((first, count)) => &model.ksp_cands[first..first + count],
            None => cands,
        };
        let mut chosen: Option<usize> = None;
        // FUSION sets the request's `remaining_bw` to its full bandwidth when
        // a slicing attempt fails and does not clear it when a later attempt
        // succeeds; its accounting then counts that bandwidth as blocked
        // although the request is carried. Reproduced for identical
        // bit-rate blocking figures.
        let mut slicing_congested = false;

        // Pass 1: the whole request on one lightpath.
        'paths: for (pi, cand) in cands.iter().enumerate() {
            let route = route_of(model, found, cand.route);
            let one;
            let formats: &[u8] = match cand.formats {
                Formats::Reaching if model.first_format_decides[class] => {
                    let f = &route.feasible[class];
                    &f[..f.len().min(1)]
                }
                Formats::Reaching => &route.feasible[class],
                Formats::One(f) => {
                    one = [f];
                    &one
                }
                Formats::Nothing => &[],
            };
            for &f in formats {
                let data = table.classes[class].formats[f as usize].slots_needed;
                if let Some((band, core, start)) = place(
                    spectrum,
                    model,
                    unions,
                    best_fit_runs,
                    runs,
                    pi,
                    &route.edges,
                    data + guard,
                    data,
                ) {
                    scratch.push(Lightpath {
                        band,
                        core,
                        start: start as u16,
                        width: (data + guard) as u16,
                        class: class as u8,
                        fmt: f,
                    });
                    chosen = Some(pi);
                    break 'paths;
                }
            }
        }

        // Pass 2: static slicing into equal lower-rate lightpaths.
        let tiers = &model.slice_tiers[class];
        if chosen.is_none() && cfg.max_segments > 1 && !tiers.is_empty() {
            'slice: for (pi, cand) in cands.iter().enumerate() {
                let route = route_of(model, found, cand.route);
                for &(tier, pieces) in tiers {
                    let Some(&f) = route.feasible[tier].first() else {
                        continue;
                    };
                    if pieces > cfg.max_segments {
                        break;
                    }
                    let data = table.classes[tier].formats[f as usize].slots_needed;
                    let width = data + guard;
                    scratch.clear();
                    for _ in 0..pieces {
                        match place(
                            spectrum,
                            model,
                            unions,
                            best_fit_runs,
                            runs,
                            pi,
                            &route.edges,
                            width,
                            data,
                        ) {
                            Some((band, core, start)) => scratch.push(Lightpath {
                                band,
                                core,
                                start: start as u16,
                                width: width as u16,
                                class: tier as u8,
                                fmt: f,
                            }),
                            None => break,
                        }
                    }
                    if scratch.len() == pieces {
                        chosen = Some(pi);
                        break 'slice;
                    }
                    slicing_congested = true;
                    for lp in scratch.drain(..) {
                        spectrum.release(
                            &route.edges,
                            lp.band as usize,
                            lp.core as usize,
                            lp.start as usize,
                            lp.width as usize,
                        );
                        touch(unions, model, lp.band, lp.core);
                    }
                }
            }
        }

        self.tick::<MEASURE>(PHASE_SPECTRUM);
        let Some(pi) = chosen else {
            self.acc.blocked += 1;
            self.acc.bit_rate_blocked += gbps;
            self.acc.block_bw[class] += 1;
            self.tick::<MEASURE>(PHASE_ACCOUNTING);
            return;
        };
        let cand = match ksp_range {
            Some((first, _)) => model.ksp_cands[first + pi],
            None => self.cands[pi],
        };
        let route = route_of(model, &self.found, cand.route);
        // FUSION's path weight feeds weights_dict (rounded) and the
        // per-format "length" figures; for KSP it is the length.
        let (weight, weight_r2) = match model.policies.routing {
            Routing::Ksp => (route.length, route.length_r2),
            _ => (cand.weight, round2(cand.weight)),
        };
        let acc = &mut self.acc;
        if slicing_congested {
            acc.bit_rate_blocked += gbps;
        }
        acc.transponders += self.scratch.len() as u64;
        acc.hops.push(route.hops_f64);
        acc.lengths.push(route.length_r2);
        if pi < acc.path_index.len() {
            acc.path_index[pi] += 1;
        }
        let holding = req.depart - req.arrive;
        for lp in &self.scratch {
            let c = lp.class as usize;
            let f = lp.fmt;
            let g = model.mod_global[c][f as usize];
            acc.cores[lp.core as usize] += 1;
            acc.weights[c][f as usize].push(weight_r2);
            acc.mod_lengths[g][lp.band as usize].push(weight);
            acc.mod_hops[g][lp.band as usize].push(route.hops_f64);
            let bw = model.class_gbps[c];
            for &e in &route.edges {
                let u = &mut acc.link_usage[e as usize];
                u.lightpaths += 1;
                u.throughput += bw * holding;
            }
        }
        // Remember the lightpaths for the departure.
        let slot = match self.free_slots.pop() {
            Some(s) => s,
            None => {
                self.active.push(Active::default());
                self.lps
                    .extend(std::iter::repeat_n(Lightpath::default(), model.max_lps));
                (self.active.len() - 1) as u32
            }
        };
        let base = slot as usize * model.max_lps;
        // One or a few lightpaths: a plain loop beats a call to memcpy.
        for (d, lp) in self.lps[base..base + self.scratch.len()]
            .iter_mut()
            .zip(&self.scratch)
        {
            *d = *lp;
        }
        self.active[slot as usize] = Active {
            route: cand.route,
            n_lp: self.scratch.len() as u8,
        };
        self.tick::<MEASURE>(PHASE_ACCOUNTING);
        self.departures.push(req.depart, slot);
        self.tick::<MEASURE>(PHASE_EVENTS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    /// A line a-b-c of 500 km links, `cores` cores, `slots` slots, guard 1,
    /// the bundled DEFAULT table, k = 3, slicing up to 4 segments.
    fn model(cores: usize, slots: usize) -> Model {
        model_with("a\tb\t500\nb\tc\t500\n", cores, slots, &[])
    }

    /// A model of `topology` with `cores` x `slots`, guard 1, the bundled
    /// DEFAULT table, k = 3, slicing up to 4 segments, plus INI overrides.
    fn model_with(topology: &str, cores: usize, slots: usize, overrides: &[(&str, &str)]) -> Model {
        use std::sync::atomic::AtomicUsize;
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "fusion-sim-engine-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("net.txt"), topology).unwrap();
        let ini = format!(
            "[general_settings]\nerlang_start = 10\nerlang_stop = 10\nerlang_step = 1\nholding_time = 1\n\
             num_requests = 10\nmax_iters = 1\nmod_assumption = DEFAULT\nmod_assumption_path = none.json\n\
             request_distribution = {{\"25\": 0.2, \"50\": 0.2, \"100\": 0.2, \"200\": 0.2, \"400\": 0.2}}\n\
             guard_slots = 1\nmax_segments = 4\n[topology_settings]\nnetwork = net.txt\ncores_per_link = {cores}\n\
             [routing_settings]\nk_paths = 3\n[spectrum_settings]\nc_band = {slots}\n[rl_settings]\nis_training = True\n"
        );
        let ov: Vec<(String, String)> = overrides
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let cfg = config::from_str(&ini, &dir, &ov).unwrap();
        cfg.check_supported().unwrap();
        Model::new(cfg)
    }

    fn req(m: &Model, id: u64, src: &str, dst: &str, gbps: &str, t: f64) -> Request {
        let node = |n: &str| m.config.topology.nodes.iter().position(|x| x == n).unwrap();
        Request {
            id,
            arrive: t,
            depart: t + 100.0,
            src: node(src),
            dst: node(dst),
            class: m.config.mod_table.class_index(gbps).unwrap(),
        }
    }

    fn occupied(e: &Engine, link: usize, core: usize) -> Vec<usize> {
        let slots = e.model.band_slots[0];
        (0..slots)
            .filter(|&s| e.spectrum.is_occupied(link, 0, core, s))
            .collect()
    }

    #[test]
    fn first_fit_with_upper_guard_slot_then_next_core() {
        let m = model(2, 10);
        let mut e = Engine::new(&m);
        // 100G over 500 km: 64-QAM, 2 slots + 1 guard = 3 slots each.
        for i in 0..3 {
            e.arrive(&req(&m, i + 1, "a", "b", "100", i as f64));
        }
        assert_eq!(occupied(&e, 0, 0), (0..9).collect::<Vec<_>>());
        // Slot 9 alone is too small: the fourth goes to core 1, slot 0.
        e.arrive(&req(&m, 4, "a", "b", "100", 4.0));
        assert_eq!(occupied(&e, 0, 1), vec![0, 1, 2]);
        assert_eq!(e.acc.cores, vec![3, 1]);
        // A 25G (1 slot + guard = 2) does not fit in slot 9 either: core 1.
        e.arrive(&req(&m, 5, "a", "b", "25", 5.0));
        assert_eq!(occupied(&e, 0, 1), vec![0, 1, 2, 3, 4]);
        assert_eq!(e.acc.blocked, 0);
        // Release frees exactly the request's slots, guard included.
        let slot = e.departures.pop().unwrap().1;
        e.release(slot);
        let left: usize = (0..2).map(|c| occupied(&e, 0, c).len()).sum();
        assert_eq!(left, 14 - 3);
    }

    #[test]
    fn multi_hop_needs_the_same_slots_on_every_link() {
        let m = model(1, 20);
        let mut e = Engine::new(&m);
        e.arrive(&req(&m, 1, "b", "c", "25", 0.0)); // b-c slots 0,1
        e.arrive(&req(&m, 2, "a", "c", "25", 1.0)); // a-b-c: lowest common start is 2
        assert_eq!(occupied(&e, 0, 0), vec![2, 3]);
        assert_eq!(occupied(&e, 1, 0), vec![0, 1, 2, 3]);
    }

    #[test]
    fn slicing_splits_into_equal_lower_rate_lightpaths() {
        let m = model(1, 10);
        let mut e = Engine::new(&m);
        // 400G over 1000 km needs QPSK, 16 + 1 slots: does not fit in 10.
        // 2 x 200G at 16-QAM (4 + 1 slots each) fills the 10 slots exactly.
        e.arrive(&req(&m, 1, "a", "c", "400", 0.0));
        assert_eq!(e.acc.blocked, 0);
        assert_eq!(e.acc.transponders, 2);
        assert_eq!(occupied(&e, 0, 0).len(), 10);
        assert_eq!(occupied(&e, 1, 0).len(), 10);
        let c200 = m.config.mod_table.class_index("200").unwrap();
        let formats = m.config.mod_table.classes[c200].formats.len();
        assert_eq!((0..formats).map(|f| e.acc.mod_count(c200, f)).sum::<u64>(), 2);
        // Nothing fits any more: blocked, counted once with its full bit rate.
        e.arrive(&req(&m, 2, "a", "c", "400", 1.0));
        assert_eq!(e.acc.blocked, 1);
        assert_eq!(e.acc.bit_rate_blocked, 400);
        assert_eq!(e.acc.bit_rate_request, 800);
    }

    #[test]
    fn slicing_off_with_one_segment() {
        let mut m = model(1, 10);
        m.config.max_segments = 1;
        let mut e = Engine::new(&m);
        e.arrive(&req(&m, 1, "a", "c", "400", 0.0));
        assert_eq!(e.acc.blocked, 1);
        assert!(e.spectrum.is_empty());
    }

    #[test]
    fn a_whole_iteration_releases_everything() {
        let m = model(2, 40);
        let mut e = Engine::new(&m);
        let stop = AtomicBool::new(false);
        assert_eq!(e.run_iteration(10.0, 0, &stop), IterEnd::Completed);
        assert!(e.spectrum.is_empty());
        assert_eq!(e.acc.requests, 10);
        stop.store(true, Ordering::Relaxed);
        assert_eq!(e.run_iteration(10.0, 1, &stop), IterEnd::Interrupted);
    }

    #[test]
    fn priority_first_visits_cores_0_2_4_1_3_5_6() {
        let m = model_with("a\tb\t500\n", 7, 4, &[("allocation_method", "priority_first")]);
        let mut e = Engine::new(&m);
        // 25G at 500 km: 64-QAM, 1 slot + 1 guard; two per 4-slot core.
        let mut order = Vec::new();
        for i in 0..14 {
            e.arrive(&req(&m, i + 1, "a", "b", "25", i as f64));
            let now: Vec<usize> = (0..7).map(|c| occupied(&e, 0, c).len()).collect();
            order.push(now);
        }
        let first_use: Vec<usize> = (0..7)
            .map(|c| order.iter().position(|o| o[c] > 0).unwrap())
            .collect();
        // Arrival index at which each core is first used: 0 → 0, 2 → 2, 4 → 4, 1 → 6, ...
        assert_eq!(first_use, [0, 6, 2, 8, 4, 10, 12]);
        assert_eq!(e.acc.blocked, 0);
        e.arrive(&req(&m, 15, "a", "b", "25", 15.0));
        assert_eq!(e.acc.blocked, 1);
    }

    #[test]
    fn priority_first_never_uses_cores_past_6() {
        let m = model_with("a\tb\t500\n", 9, 2, &[("allocation_method", "priority_first")]);
        let mut e = Engine::new(&m);
        for i in 0..8 {
            e.arrive(&req(&m, i + 1, "a", "b", "25", i as f64));
        }
        // Seven cores of one 2-cell lightpath each; cores 7 and 8 stay empty.
        assert_eq!(e.acc.blocked, 1);
        assert!(occupied(&e, 0, 7).is_empty() && occupied(&e, 0, 8).is_empty());
    }

    #[test]
    fn priority_last_fills_each_core_from_the_band_edge_down() {
        let m = model_with("a\tb\t500\n", 7, 10, &[("allocation_method", "priority_last")]);
        let mut e = Engine::new(&m);
        // The guard slot sits at the band edge: data 8, guard 9.
        e.arrive(&req(&m, 1, "a", "b", "25", 0.0));
        assert_eq!(occupied(&e, 0, 0), vec![8, 9]);
        e.arrive(&req(&m, 2, "a", "b", "25", 1.0));
        assert_eq!(occupied(&e, 0, 0), vec![6, 7, 8, 9]);
        for i in 3..=5 {
            e.arrive(&req(&m, i, "a", "b", "25", i as f64));
        }
        assert_eq!(occupied(&e, 0, 0), (0..10).collect::<Vec<_>>());
        // Core 0 full: core 2 next, from its top.
        e.arrive(&req(&m, 6, "a", "b", "25", 6.0));
        assert_eq!(occupied(&e, 0, 2), vec![8, 9]);
        assert!(occupied(&e, 0, 1).is_empty());
    }

    #[test]
    fn last_fit_takes_the_highest_common_start() {
        let m = model_with(
            "a\tb\t500\nb\tc\t500\n",
            2,
            20,
            &[("allocation_method", "last_fit")],
        );
        let mut e = Engine::new(&m);
        e.arrive(&req(&m, 1, "b", "c", "25", 0.0)); // b-c: 18, 19 (guard at the edge)
        assert_eq!(occupied(&e, 1, 0), vec![18, 19]);
        e.arrive(&req(&m, 2, "a", "c", "25", 1.0)); // a-b-c: 16, 17 on both links
        assert_eq!(occupied(&e, 0, 0), vec![16, 17]);
        assert_eq!(occupied(&e, 1, 0), vec![16, 17, 18, 19]);
        assert_eq!(e.acc.cores, vec![2, 0]);
    }

    #[test]
    fn best_fit_takes_the_smallest_free_run_that_holds_it() {
        let m = model_with(
            "a\tb\t500\nb\tc\t500\n",
            1,
            20,
            &[("allocation_method", "best_fit")],
        );
        let mut e = Engine::new(&m);
        // Link a-b: free runs [3, 5) (2 cells), [12, 15) (3 cells).
        e.spectrum.allocate(&[0], 0, 0, 0, 3, 3);
        e.spectrum.allocate(&[0], 0, 0, 5, 7, 7);
        e.spectrum.allocate(&[0], 0, 0, 15, 5, 5);
        // 25G: 1 data slot + guard. The 2-cell run is the best fit.
        e.arrive(&req(&m, 1, "a", "b", "25", 0.0));
        assert!(e.spectrum.is_occupied(0, 0, 0, 3) && e.spectrum.is_occupied(0, 0, 0, 4));
        // Next: the 3-cell run, from its low end.
        e.arrive(&req(&m, 2, "a", "b", "25", 1.0));
        assert!(e.spectrum.is_occupied(0, 0, 0, 12) && e.spectrum.is_occupied(0, 0, 0, 13));
        assert!(!e.spectrum.is_occupied(0, 0, 0, 14));
        // a-b-c: the runs of b-c count too, but no 2-cell gap is free on
        // both links (a-b has slot 14 alone): blocked.
        e.arrive(&req(&m, 3, "a", "c", "25", 2.0));
        assert_eq!(e.acc.blocked, 1);
        // A 3-slot lightpath (100G 64-QAM, 2 data + guard) on b-c alone: the
        // run of 20 at its low end.
        e.arrive(&req(&m, 4, "b", "c", "100", 3.0));
        assert_eq!(occupied(&e, 1, 0), vec![0, 1, 2]);
    }

    #[test]
    fn least_congested_takes_the_path_whose_busiest_link_is_freest() {
        // a-d direct (1 hop) and two 2-hop paths a-b-d, a-c-d.
        let topo = "a\td\t900\na\tb\t100\nb\td\t100\na\tc\t100\nc\td\t100\n";
        let m = model_with(topo, 1, 40, &[("route_method", "least_congested")]);
        let mut e = Engine::new(&m);
        // All free: the first path (fewest hops) wins the tie; QPSK, no
        // reach check: 100G QPSK = 4 slots + guard.
        e.arrive(&req(&m, 1, "a", "d", "100", 0.0));
        let ad = m.config.topology.edge_between(0, 1).unwrap();
        assert_eq!(occupied(&e, ad, 0), vec![0, 1, 2, 3, 4]);
        // Now a-d has 35 free cells, the 2-hop paths 40: a-b-d next.
        e.arrive(&req(&m, 2, "a", "d", "25", 1.0));
        let node = |n: &str| m.config.topology.nodes.iter().position(|x| x == n).unwrap();
        let ab = m.config.topology.edge_between(node("a"), node("b")).unwrap();
        assert_eq!(occupied(&e, ab, 0), vec![0, 1]);
        // Its path weight is the bottleneck's free count.
        let c25 = m.config.mod_table.class_index("25").unwrap();
        let qpsk = m.config.mod_table.classes[c25]
            .formats
            .iter()
            .position(|f| f.name == "QPSK")
            .unwrap();
        assert_eq!(e.acc.weights[c25][qpsk], vec![40.0]);
        assert_eq!(e.acc.path_index[0], 2);
    }

    #[test]
    fn crosstalk_cost_counts_neighbouring_data_not_guards() {
        let mut s = Spectrum::new(1, &[10], 3).track_data();
        // Core 1: data at slot 0, guard at slot 1.
        s.allocate(&[0], 0, 1, 0, 2, 1);
        // Free cells 28; cores 0 and 2 see data in core 1 at slot 0.
        assert_eq!(xt_link_cost(&s, 0, &xt_neighbours(3)), 2.0 / 28.0);
        // 7 cores: data on the centre core is a neighbour of all six outer
        // cores (1/3 each, added in core order); free cells 68.
        let mut s = Spectrum::new(1, &[10], 7).track_data();
        s.allocate(&[0], 0, 6, 0, 2, 1);
        let mut xt = 0.0;
        for _ in 0..6 {
            xt += 1.0 / 3.0;
        }
        assert_eq!(xt_link_cost(&s, 0, &xt_neighbours(7)), xt / 68.0);
        // No free cell: FUSION's fully-congested cost.
        let mut s = Spectrum::new(1, &[4], 1).track_data();
        s.allocate(&[0], 0, 0, 0, 4, 3);
        assert_eq!(xt_link_cost(&s, 0, &xt_neighbours(1)), 1000.0);
    }

    #[test]
    fn fragmentation_cost_per_core_averaged() {
        let mut s = Spectrum::new(1, &[10], 2);
        // Core 0: free runs [0, 2) and [5, 10): 7 free, longest 5.
        s.allocate(&[0], 0, 0, 2, 3, 2);
        let (mut runs, mut ratios) = (Vec::new(), Vec::new());
        let cost = frag_link_cost(&s, 0, &mut runs, &mut ratios);
        assert_eq!(cost, ((1.0 - 5.0 / 7.0) + 0.0) / 2.0);
    }

    #[test]
    fn frag_aware_avoids_the_fragmented_link() {
        // Two equal routes a-b-d and a-c-d; fragmenting a-b sends the
        // request over a-c-d.
        let topo = "a\tb\t100\nb\td\t100\na\tc\t100\nc\td\t100\n";
        let m = model_with(topo, 1, 20, &[("route_method", "frag_aware")]);
        let mut e = Engine::new(&m);
        let node = |n: &str| m.config.topology.nodes.iter().position(|x| x == n).unwrap();
        let ab = m.config.topology.edge_between(node("a"), node("b")).unwrap();
        let cd = m.config.topology.edge_between(node("c"), node("d")).unwrap();
        e.spectrum.allocate(&[ab as u32], 0, 0, 5, 2, 1);
        e.arrive(&req(&m, 1, "a", "d", "25", 0.0));
        assert_eq!(occupied(&e, cd, 0), vec![0, 1]);
    }
}
