//! The event loop: arrivals are routed and assigned spectrum, departures
//! release it, and every iteration's accounting is collected.
//!
//! Arrivals come from the generator in time order; departures wait in a heap.
//! Before each arrival, every departure at or before its time is processed,
//! which is the same order as FUSION's sort of all events by time (a
//! departure of an earlier request sorts before an arrival with the same
//! time). Candidate paths and their feasible formats are computed once per
//! topology; the per-request work is bit operations on the spectrum.

use crate::config::SimConfig;
use crate::requests::{quotas, Generator, Request};
use crate::routing::PathTable;
use crate::spectrum::Spectrum;
use crate::stats::round2;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
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
    /// Per bandwidth class: formats that reach, most efficient first.
    pub feasible: Vec<Vec<u8>>,
}

/// Everything about a configuration that does not change between loads.
pub struct Model {
    pub config: SimConfig,
    /// Node indices that generate traffic, in FUSION's draw order.
    pub traffic_nodes: Vec<usize>,
    n: usize,
    routes: Vec<Vec<Route>>,
    quotas: Vec<usize>,
    /// Class indices by descending bandwidth (slicing tiers).
    classes_desc: Vec<usize>,
    band_slots: Vec<usize>,
    /// (band, core) in the order first fit tries them.
    alloc_order: Vec<(u8, u8)>,
    /// Most lightpaths one request can hold.
    max_lps: usize,
    /// Format names in FUSION's `mods_used_dict` order.
    pub mod_names: Vec<String>,
    /// (class, format) → index in `mod_names`.
    mod_global: Vec<Vec<usize>>,
    /// Length of FUSION's `path_index_list`.
    pub path_index_len: usize,
}

impl Model {
    pub fn new(config: SimConfig) -> Model {
        let topo = &config.topology;
        let n = topo.nodes.len();
        let traffic_nodes: Vec<usize> = match &topo.core_nodes {
            Some(c) if !config.is_only_core_node => c.clone(),
            _ => (0..n).collect(),
        };
        let k = config.routing_k();
        let table = &config.mod_table;
        let mut routes: Vec<Vec<Route>> = vec![Vec::new(); n * n];
        let mut is_endpoint = vec![false; n];
        for &v in &traffic_nodes {
            is_endpoint[v] = true;
        }
        let paths = PathTable::build_for(topo, k, &is_endpoint);
        for s in 0..n {
            for d in 0..n {
                routes[s * n + d] = paths
                    .get(s, d)
                    .iter()
                    .map(|p| Route {
                        nodes: p.nodes.clone(),
                        edges: p.edges.iter().map(|&e| e as u32).collect(),
                        length: p.length,
                        length_r2: round2(p.length),
                        hops: p.nodes.len() - 1,
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
                    })
                    .collect();
            }
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
        let band_slots: Vec<usize> = config.bands.iter().map(|b| b.slots).collect();
        let mut alloc_order = Vec::new();
        if config.spectrum_priority == "BSC" {
            for b in 0..band_slots.len() {
                for c in 0..config.cores_per_link {
                    alloc_order.push((b as u8, c as u8));
                }
            }
        } else {
            for c in 0..config.cores_per_link {
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
        let path_index_len = config.k_paths.unwrap_or(1);
        Model {
            traffic_nodes,
            n,
            routes,
            quotas,
            classes_desc,
            band_slots,
            alloc_order,
            max_lps,
            mod_names,
            mod_global,
            path_index_len,
            config,
        }
    }

    /// Candidate paths for an ordered pair.
    pub fn routes(&self, s: usize, d: usize) -> &[Route] {
        &self.routes[s * self.n + d]
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
    pair: u32,
    path: u8,
    n_lp: u8,
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
    /// [class][format] → rounded path length per lightpath.
    pub weights: Vec<Vec<Vec<f64>>>,
    /// [class][format] → lightpath count.
    pub mod_count: Vec<Vec<u64>>,
    /// [format][band] → lightpath count, lengths and hop counts.
    pub mod_band_count: Vec<Vec<u64>>,
    pub mod_lengths: Vec<Vec<Vec<f64>>>,
    pub mod_hops: Vec<Vec<Vec<f64>>>,
    /// [class][band][core] → lightpaths released (each at 100 % utilisation).
    pub lp_released: Vec<Vec<Vec<u64>>>,
    /// Per undirected link: lightpaths set up over it.
    pub link_usage: Vec<u64>,
    /// Per undirected link: sum of lightpath bandwidth × holding time.
    pub link_throughput: Vec<f64>,
}

impl IterAccum {
    fn new(model: &Model) -> Self {
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
            mod_count: table.classes.iter().map(|c| vec![0; c.formats.len()]).collect(),
            mod_band_count: vec![vec![0; nb]; model.mod_names.len()],
            mod_lengths: vec![vec![Vec::new(); nb]; model.mod_names.len()],
            mod_hops: vec![vec![Vec::new(); nb]; model.mod_names.len()],
            lp_released: vec![vec![vec![0; cores]; nb]; table.classes.len()],
            link_usage: vec![0; links],
            link_throughput: vec![0.0; links],
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
        self.mod_count.iter_mut().flatten().for_each(|x| *x = 0);
        self.mod_band_count.iter_mut().flatten().for_each(|x| *x = 0);
        self.mod_lengths.iter_mut().flatten().for_each(Vec::clear);
        self.mod_hops.iter_mut().flatten().for_each(Vec::clear);
        self.lp_released
            .iter_mut()
            .flatten()
            .flatten()
            .for_each(|x| *x = 0);
        self.link_usage.iter_mut().for_each(|x| *x = 0);
        self.link_throughput.iter_mut().for_each(|x| *x = 0.0);
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

/// Simulation state for one load, reusable across its iterations.
pub struct Engine<'m> {
    model: &'m Model,
    spectrum: Spectrum,
    departures: BinaryHeap<Reverse<(u64, u32)>>,
    active: Vec<Active>,
    free_slots: Vec<u32>,
    lps: Vec<Lightpath>,
    scratch: Vec<Lightpath>,
    pub acc: IterAccum,
}

impl<'m> Engine<'m> {
    pub fn new(model: &'m Model) -> Self {
        let links = model.config.topology.edges.len();
        Engine {
            spectrum: Spectrum::new(links, &model.band_slots, model.config.cores_per_link),
            departures: BinaryHeap::new(),
            active: Vec::new(),
            free_slots: Vec::new(),
            lps: Vec::new(),
            scratch: Vec::with_capacity(model.max_lps),
            acc: IterAccum::new(model),
            model,
        }
    }

    /// Runs iteration `iteration` (0-based, seed `iteration + 1`) at `erlang`.
    /// `stop` is polled between events.
    pub fn run_iteration(&mut self, erlang: f64, iteration: usize, stop: &AtomicBool) -> IterEnd {
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
        for req in gen {
            while let Some(&Reverse((t, slot))) = self.departures.peek() {
                if f64::from_bits(t) > req.arrive {
                    break;
                }
                self.departures.pop();
                self.release(slot);
            }
            if stop.load(Ordering::Relaxed) {
                return IterEnd::Interrupted;
            }
            self.arrive(&req);
        }
        // Remaining departures free their spectrum (FUSION processes them
        // too); no accounting depends on them beyond utilisation.
        while let Some(Reverse((_, slot))) = self.departures.pop() {
            self.release(slot);
        }
        debug_assert!(self.spectrum.is_empty());
        IterEnd::Completed
    }

    fn release(&mut self, slot: u32) {
        let a = self.active[slot as usize];
        let model = self.model;
        let route = &model.routes[a.pair as usize][a.path as usize];
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
            self.acc.lp_released[lp.class as usize][lp.band as usize][lp.core as usize] += 1;
        }
        self.free_slots.push(slot);
    }

    /// First fit of one lightpath over (band, core) in the configured order.
    #[inline]
    fn place(&mut self, route_edges: &[u32], width: usize, class: usize, fmt: u8) -> Option<Lightpath> {
        for &(band, core) in &self.model.alloc_order {
            if let Some(start) = self
                .spectrum
                .first_fit(route_edges, band as usize, core as usize, width)
            {
                self.spectrum
                    .allocate(route_edges, band as usize, core as usize, start, width);
                return Some(Lightpath {
                    band,
                    core,
                    start: start as u16,
                    width: width as u16,
                    class: class as u8,
                    fmt,
                });
            }
        }
        None
    }

    fn arrive(&mut self, req: &Request) {
        let model = self.model;
        let cfg = &model.config;
        let table = &cfg.mod_table;
        let class = req.class;
        let gbps = table.classes[class].gbps;
        let guard = cfg.guard_slots;
        let pair = req.src * model.n + req.dst;
        let routes = &model.routes[pair];
        self.acc.requests += 1;
        self.acc.bit_rate_request += gbps;
        self.scratch.clear();
        let mut chosen: Option<usize> = None;
        // FUSION sets the request's `remaining_bw` to its full bandwidth when
        // a slicing attempt fails and does not clear it when a later attempt
        // succeeds; its accounting then counts that bandwidth as blocked
        // although the request is carried. Reproduced for identical
        // bit-rate blocking figures.
        let mut slicing_congested = false;

        // Pass 1: the whole request on one lightpath.
        'paths: for (pi, route) in routes.iter().enumerate() {
            for &f in &route.feasible[class] {
                let width = table.classes[class].formats[f as usize].slots_needed + guard;
                if let Some(lp) = self.place(&route.edges, width, class, f) {
                    self.scratch.push(lp);
                    chosen = Some(pi);
                    break 'paths;
                }
            }
        }

        // Pass 2: static slicing into equal lower-rate lightpaths.
        if chosen.is_none() && cfg.max_segments > 1 && table.classes[class].key != "25" {
            'slice: for (pi, route) in routes.iter().enumerate() {
                for &tier in &model.classes_desc {
                    let tg = table.classes[tier].gbps;
                    if tg >= gbps {
                        continue;
                    }
                    let Some(&f) = route.feasible[tier].first() else {
                        continue;
                    };
                    if gbps % tg != 0 {
                        continue;
                    }
                    let pieces = (gbps / tg) as usize;
                    if pieces > cfg.max_segments {
                        break;
                    }
                    let width = table.classes[tier].formats[f as usize].slots_needed + guard;
                    self.scratch.clear();
                    for _ in 0..pieces {
                        match self.place(&route.edges, width, tier, f) {
                            Some(lp) => self.scratch.push(lp),
                            None => break,
                        }
                    }
                    if self.scratch.len() == pieces {
                        chosen = Some(pi);
                        break 'slice;
                    }
                    slicing_congested = true;
                    for lp in self.scratch.drain(..) {
                        self.spectrum.release(
                            &route.edges,
                            lp.band as usize,
                            lp.core as usize,
                            lp.start as usize,
                            lp.width as usize,
                        );
                    }
                }
            }
        }

        let Some(pi) = chosen else {
            self.acc.blocked += 1;
            self.acc.bit_rate_blocked += gbps;
            self.acc.block_bw[class] += 1;
            return;
        };
        let route = &routes[pi];
        let acc = &mut self.acc;
        if slicing_congested {
            acc.bit_rate_blocked += gbps;
        }
        acc.transponders += self.scratch.len() as u64;
        acc.hops.push(route.hops as f64);
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
            acc.mod_count[c][f as usize] += 1;
            acc.weights[c][f as usize].push(route.length_r2);
            acc.mod_band_count[g][lp.band as usize] += 1;
            acc.mod_lengths[g][lp.band as usize].push(route.length);
            acc.mod_hops[g][lp.band as usize].push(route.hops as f64);
            let bw = table.classes[c].gbps as f64;
            for &e in &route.edges {
                acc.link_usage[e as usize] += 1;
                acc.link_throughput[e as usize] += bw * holding;
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
        self.lps[base..base + self.scratch.len()].copy_from_slice(&self.scratch);
        self.active[slot as usize] = Active {
            pair: pair as u32,
            path: pi as u8,
            n_lp: self.scratch.len() as u8,
        };
        self.departures.push(Reverse((req.depart.to_bits(), slot)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    /// A line a-b-c of 500 km links, `cores` cores, `slots` slots, guard 1,
    /// the bundled DEFAULT table, k = 3, slicing up to 4 segments.
    fn model(cores: usize, slots: usize) -> Model {
        let dir = std::env::temp_dir().join(format!(
            "fusion-sim-engine-{}-{cores}-{slots}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("line.txt"), "a\tb\t500\nb\tc\t500\n").unwrap();
        let ini = format!(
            "[general_settings]\nerlang_start = 10\nerlang_stop = 10\nerlang_step = 1\nholding_time = 1\n\
             num_requests = 10\nmax_iters = 1\nmod_assumption = DEFAULT\nmod_assumption_path = none.json\n\
             request_distribution = {{\"25\": 0.2, \"50\": 0.2, \"100\": 0.2, \"200\": 0.2, \"400\": 0.2}}\n\
             guard_slots = 1\nmax_segments = 4\n[topology_settings]\nnetwork = line.txt\ncores_per_link = {cores}\n\
             [routing_settings]\nk_paths = 3\n[spectrum_settings]\nc_band = {slots}\n[rl_settings]\nis_training = True\n"
        );
        let cfg = config::from_str(&ini, &dir, &[]).unwrap();
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
        let slot = e.departures.pop().unwrap().0 .1;
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
        assert_eq!(e.acc.mod_count[c200].iter().sum::<u64>(), 2);
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
}
