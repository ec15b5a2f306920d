//! k shortest simple paths by length, in networkx's order.
//!
//! FUSION takes the first k paths of `networkx.shortest_simple_paths(G, s, d,
//! weight="length")`. Equal-length paths are common, so the order among ties
//! decides which path a request tries first. That order is a product of how
//! networkx runs Yen's algorithm:
//!
//! * candidates live in a heap keyed by `(length, push counter)`, so among
//!   equal lengths the candidate pushed first comes out first;
//! * spur paths are found with a *bidirectional* Dijkstra whose two fringes
//!   are heaps keyed by `(distance, counter)` and whose neighbour scans follow
//!   the graph's adjacency (edge insertion) order; it alternates directions,
//!   keeps the first best meeting point it relaxes (strictly better replaces
//!   it) and stops as soon as a node is settled from both sides;
//! * the spur root's length is the left-to-right float sum of its edges, and
//!   the candidate length is `root_length + spur_length`.
//!
//! Reproducing those rules (not a table) gives the same order on any topology.

use crate::topology::Topology;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

/// A path as node indices plus its edges and length.
#[derive(Debug, Clone, PartialEq)]
pub struct Path {
    pub nodes: Vec<usize>,
    pub edges: Vec<usize>,
    /// Left-to-right sum of link lengths (FUSION's `find_path_len`).
    pub length: f64,
}

#[derive(PartialEq)]
struct HeapItem {
    dist: f64,
    counter: u64,
    node: usize,
}

impl Eq for HeapItem {}

impl Ord for HeapItem {
    // Min-heap on (dist, counter) through BinaryHeap's max ordering.
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .dist
            .partial_cmp(&self.dist)
            .unwrap_or(Ordering::Equal)
            .then_with(|| other.counter.cmp(&self.counter))
    }
}

impl PartialOrd for HeapItem {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Reusable scratch space for the bidirectional search.
pub struct Search {
    dists: [Vec<f64>; 2],
    settled: [Vec<bool>; 2],
    seen: [Vec<f64>; 2],
    has_seen: [Vec<bool>; 2],
    paths: [Vec<Vec<usize>>; 2],
}

impl Search {
    pub fn new(n: usize) -> Self {
        Search {
            dists: [vec![0.0; n], vec![0.0; n]],
            settled: [vec![false; n], vec![false; n]],
            seen: [vec![0.0; n], vec![0.0; n]],
            has_seen: [vec![false; n], vec![false; n]],
            paths: [vec![Vec::new(); n], vec![Vec::new(); n]],
        }
    }

    fn reset(&mut self) {
        for d in 0..2 {
            self.settled[d].iter_mut().for_each(|x| *x = false);
            self.has_seen[d].iter_mut().for_each(|x| *x = false);
            self.paths[d].iter_mut().for_each(|p| p.clear());
        }
    }

    /// networkx `_bidirectional_dijkstra` with node and edge filters, over
    /// the per-edge `weights`.
    #[allow(clippy::too_many_arguments)]
    pub fn run(
        &mut self,
        g: &Topology,
        weights: &[f64],
        source: usize,
        target: usize,
        ignore_nodes: &[bool],
        ignore_edges: &HashSet<(usize, usize)>,
    ) -> Option<(f64, Vec<usize>)> {
        if ignore_nodes[source] || ignore_nodes[target] {
            return None;
        }
        if source == target {
            return Some((0.0, vec![source]));
        }
        self.reset();
        let mut fringe: [BinaryHeap<HeapItem>; 2] = [BinaryHeap::new(), BinaryHeap::new()];
        let mut counter = 0u64;
        self.paths[0][source].push(source);
        self.paths[1][target].push(target);
        self.seen[0][source] = 0.0;
        self.has_seen[0][source] = true;
        self.seen[1][target] = 0.0;
        self.has_seen[1][target] = true;
        fringe[0].push(HeapItem {
            dist: 0.0,
            counter,
            node: source,
        });
        counter += 1;
        fringe[1].push(HeapItem {
            dist: 0.0,
            counter,
            node: target,
        });
        counter += 1;
        let mut final_dist = 0.0;
        let mut final_path: Vec<usize> = Vec::new();
        let mut dir = 1usize;
        while !fringe[0].is_empty() && !fringe[1].is_empty() {
            dir = 1 - dir;
            let HeapItem { dist, node: v, .. } = fringe[dir].pop().expect("non-empty");
            if self.settled[dir][v] {
                continue;
            }
            self.dists[dir][v] = dist;
            self.settled[dir][v] = true;
            if self.settled[1 - dir][v] {
                return Some((final_dist, final_path));
            }
            for &(w, e) in &g.adj[v] {
                if ignore_nodes[w] {
                    continue;
                }
                if !ignore_edges.is_empty()
                    && (ignore_edges.contains(&(v, w)) || ignore_edges.contains(&(w, v)))
                {
                    continue;
                }
                let vw_length = self.dists[dir][v] + weights[e];
                if self.settled[dir][w] {
                    continue;
                }
                if !self.has_seen[dir][w] || vw_length < self.seen[dir][w] {
                    self.seen[dir][w] = vw_length;
                    self.has_seen[dir][w] = true;
                    fringe[dir].push(HeapItem {
                        dist: vw_length,
                        counter,
                        node: w,
                    });
                    counter += 1;
                    let mut p = std::mem::take(&mut self.paths[dir][w]);
                    p.clear();
                    p.extend_from_slice(&self.paths[dir][v]);
                    p.push(w);
                    self.paths[dir][w] = p;
                    if self.has_seen[0][w] && self.has_seen[1][w] {
                        let total = self.seen[0][w] + self.seen[1][w];
                        if final_path.is_empty() || final_dist > total {
                            final_dist = total;
                            final_path.clear();
                            final_path.extend_from_slice(&self.paths[0][w]);
                            final_path.extend(self.paths[1][w].iter().rev().skip(1));
                        }
                    }
                }
            }
        }
        None
    }
}

fn path_length(g: &Topology, weights: &[f64], nodes: &[usize]) -> f64 {
    // Python's sum() starts from integer 0, then adds left to right.
    let mut total = 0.0;
    for w in nodes.windows(2) {
        let e = g
            .edge_between(w[0], w[1])
            .expect("consecutive nodes are adjacent");
        total += weights[e];
    }
    total
}

/// Link lengths as a weight vector.
pub fn lengths(g: &Topology) -> Vec<f64> {
    g.edges.iter().map(|e| e.length).collect()
}

/// The first path of `networkx.shortest_simple_paths(G, s, d, weight)`: one
/// bidirectional Dijkstra over `weights`.
pub fn first_path(
    search: &mut Search,
    g: &Topology,
    weights: &[f64],
    source: usize,
    target: usize,
) -> Option<Vec<usize>> {
    let n = g.nodes.len();
    if source == target || source >= n || target >= n {
        return None;
    }
    NO_NODES.with(|nodes| {
        let mut nodes = nodes.borrow_mut();
        if nodes.len() < n {
            nodes.resize(n, false);
        }
        search
            .run(g, weights, source, target, &nodes[..n], &HashSet::new())
            .map(|(_, p)| p)
    })
}

thread_local! {
    static NO_NODES: std::cell::RefCell<Vec<bool>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A path's node list as a [`Path`] with its km length.
pub fn path_of(g: &Topology, nodes: Vec<usize>) -> Path {
    make_path(g, nodes)
}

fn make_path(g: &Topology, nodes: Vec<usize>) -> Path {
    let edges = nodes
        .windows(2)
        .map(|w| g.edge_between(w[0], w[1]).expect("adjacent"))
        .collect();
    let length = path_length(g, &lengths(g), &nodes);
    Path { nodes, edges, length }
}

#[derive(PartialEq)]
struct Candidate {
    cost: f64,
    counter: u64,
    nodes: Vec<usize>,
}

impl Eq for Candidate {}

impl Ord for Candidate {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .cost
            .partial_cmp(&self.cost)
            .unwrap_or(Ordering::Equal)
            .then_with(|| other.counter.cmp(&self.counter))
    }
}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// The first `k` simple paths from `source` to `target` in networkx's order.
pub fn k_shortest_paths(g: &Topology, source: usize, target: usize, k: usize) -> Vec<Path> {
    yen(g, &lengths(g), source, target, k, None)
}

/// The simple paths in networkx's order by hop count (unit weights) while
/// they have at most one hop more than the first.
pub fn paths_within_one_hop(g: &Topology, source: usize, target: usize) -> Vec<Path> {
    yen(
        g,
        &vec![1.0; g.edges.len()],
        source,
        target,
        usize::MAX,
        Some(1.0),
    )
}

/// networkx's `shortest_simple_paths` over `weights`: the first `k` paths,
/// or (with `extra`) every path costing at most the first's cost + `extra`.
fn yen(
    g: &Topology,
    weights: &[f64],
    source: usize,
    target: usize,
    k: usize,
    extra: Option<f64>,
) -> Vec<Path> {
    let n = g.nodes.len();
    let mut search = Search::new(n);
    let mut result: Vec<Vec<usize>> = Vec::new();
    // networkx PathBuffer: a heap plus the set of paths currently in it.
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::new();
    let mut in_heap: HashSet<Vec<usize>> = HashSet::new();
    let mut counter = 0u64;
    let mut push = |heap: &mut BinaryHeap<Candidate>,
                    in_heap: &mut HashSet<Vec<usize>>,
                    cost: f64,
                    nodes: Vec<usize>| {
        if in_heap.insert(nodes.clone()) {
            heap.push(Candidate { cost, counter, nodes });
            counter += 1;
        }
    };
    let no_nodes = vec![false; n];
    let no_edges = HashSet::new();
    if source == target || k == 0 {
        return Vec::new();
    }
    let mut first_cost: Option<f64> = None;
    while result.len() < k {
        match result.last() {
            None => {
                if let Some((len, p)) = search.run(g, weights, source, target, &no_nodes, &no_edges) {
                    push(&mut heap, &mut in_heap, len, p);
                }
            }
            Some(prev) => {
                let prev = prev.clone();
                let mut ignore_nodes = vec![false; n];
                let mut ignore_edges: HashSet<(usize, usize)> = HashSet::new();
                for i in 1..prev.len() {
                    let root = &prev[..i];
                    let root_length = path_length(g, weights, root);
                    for p in &result {
                        if p.len() > i && p[..i] == *root {
                            ignore_edges.insert((p[i - 1], p[i]));
                        }
                    }
                    let spur_node = root[i - 1];
                    if let Some((len, spur)) =
                        search.run(g, weights, spur_node, target, &ignore_nodes, &ignore_edges)
                    {
                        let mut full = root[..i - 1].to_vec();
                        full.extend_from_slice(&spur);
                        push(&mut heap, &mut in_heap, root_length + len, full);
                    }
                    ignore_nodes[spur_node] = true;
                }
            }
        }
        match heap.pop() {
            Some(c) => {
                if let (Some(extra), Some(&first)) = (extra, first_cost.as_ref()) {
                    if c.cost > first + extra {
                        break;
                    }
                }
                first_cost.get_or_insert(c.cost);
                in_heap.remove(&c.nodes);
                result.push(c.nodes);
            }
            None => break,
        }
    }
    result.into_iter().map(|p| make_path(g, p)).collect()
}

/// Precomputed candidate paths for every ordered pair of nodes.
pub struct PathTable {
    n: usize,
    pairs: Vec<Vec<Path>>,
}

impl PathTable {
    /// Computes the first `k` paths for every ordered pair (both directions
    /// separately: networkx's tie order is not symmetric).
    pub fn build(g: &Topology, k: usize) -> PathTable {
        Self::build_for(g, k, &vec![true; g.nodes.len()])
    }

    /// Like [`PathTable::build`], only for pairs whose two ends are marked.
    pub fn build_for(g: &Topology, k: usize, endpoints: &[bool]) -> PathTable {
        let n = g.nodes.len();
        let mut pairs = Vec::with_capacity(n * n);
        for s in 0..n {
            for d in 0..n {
                let wanted = s != d && endpoints[s] && endpoints[d];
                pairs.push(if wanted {
                    k_shortest_paths(g, s, d, k)
                } else {
                    Vec::new()
                });
            }
        }
        PathTable { n, pairs }
    }

    pub fn get(&self, s: usize, d: usize) -> &[Path] {
        &self.pairs[s * self.n + d]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn square_tie_takes_first_pushed() {
        // a-b-d and a-c-d both length 2; a-d direct length 3.
        let t = Topology::parse("a\tb\t1\nb\td\t1\na\tc\t1\nc\td\t1\na\td\t3\n", false).unwrap();
        let p = k_shortest_paths(&t, 0, 2, 3);
        assert_eq!(p.len(), 3);
        assert_eq!(p[0].length, 2.0);
        assert_eq!(p[1].length, 2.0);
        assert_eq!(p[2].length, 3.0);
    }
}
