//! A deterministic 2-D layout for network graphs: stress majorization
//! (Gansner, Koren & North 2004) on hop distances, seeded by classical MDS,
//! then a separation pass so no two nodes sit on top of each other.
//!
//! Written here rather than taken from a crate: the Rust graph-layout crates
//! on offer are either hierarchical (Sugiyama) layouts for directed graphs or
//! randomly seeded force simulations, and the view needs the same picture for
//! the same network every time, with bounded work. Everything below is O(n²)
//! memory and O(n²) per iteration with fixed iteration budgets, for at most
//! `MAX_LAYOUT_NODES` nodes.

use std::collections::VecDeque;

/// Power-iteration steps per eigenvector of the MDS seed.
const MDS_STEPS: usize = 300;
/// Stress-majorization steps (the loop stops earlier once nothing moves).
const STRESS_STEPS: usize = 500;
/// Rounds of the separation pass.
const SEPARATION_ROUNDS: usize = 50;
/// Nodes closer than this fraction of the median link length are pushed apart.
const MIN_SEPARATION: f64 = 0.4;
/// Segment-pair tests the crossing-reduction pass may spend: it counts its own
/// work rather than time, so the result does not depend on the machine.
const UNCROSS_BUDGET: u64 = 6_000_000;

/// Positions in [0, 1]² (aspect ratio kept, centred on the shorter axis) for
/// `n` nodes joined by undirected `edges`; the same input gives the same output.
pub fn stress_layout(n: usize, edges: &[(usize, usize)]) -> Vec<(f64, f64)> {
    if n == 0 {
        return Vec::new();
    }
    if n == 1 {
        return vec![(0.5, 0.5)];
    }
    let d = hop_distances(n, edges);
    let axes = mds_axes(&d);
    // Stress has local minima, and which one a start falls into decides how
    // folded a dense network looks. Small networks (every FUSION topology)
    // try several deterministic starts and keep the drawing with the fewest
    // link crossings; large ones take the leading MDS plane only.
    let mut starts = vec![mds_plane(&axes, 0, 1)];
    if n <= MULTI_START_NODES {
        starts.push(mds_plane(&axes, 0, 2));
        starts.push(mds_plane(&axes, 1, 2));
        starts.push(circle(&d));
    }
    let all: Vec<usize> = (0..edges.len()).collect();
    let mut best: Option<(usize, Vec<(f64, f64)>)> = None;
    for mut pos in starts {
        majorize(&d, &mut pos);
        let spacing = separate(&mut pos, edges);
        uncross(&mut pos, edges, spacing);
        let crossings = if n <= MULTI_START_NODES {
            crossings_of(&pos, edges, &all)
        } else {
            0
        };
        if best.as_ref().is_none_or(|(c, _)| crossings < *c) {
            best = Some((crossings, pos));
        }
    }
    normalise(&best.expect("at least one start").1)
}

/// Node count up to which several starts are tried.
const MULTI_START_NODES: usize = 200;

/// Nodes on a circle in index order, the radius half the diameter.
fn circle(d: &[Vec<f64>]) -> Vec<(f64, f64)> {
    let n = d.len();
    let radius = d.iter().flatten().copied().fold(1.0, f64::max) / 2.0;
    (0..n)
        .map(|i| {
            let a = std::f64::consts::TAU * i as f64 / n as f64;
            (radius * a.cos(), radius * a.sin())
        })
        .collect()
}

/// All-pairs hop distances by BFS; pairs in different components get the
/// diameter + 1 so components sit side by side rather than overlap.
fn hop_distances(n: usize, edges: &[(usize, usize)]) -> Vec<Vec<f64>> {
    let mut adj = vec![Vec::new(); n];
    for &(a, b) in edges {
        adj[a].push(b);
        adj[b].push(a);
    }
    let mut d = vec![vec![f64::INFINITY; n]; n];
    for (s, row) in d.iter_mut().enumerate() {
        row[s] = 0.0;
        let mut queue = VecDeque::from([s]);
        while let Some(u) = queue.pop_front() {
            for &v in &adj[u] {
                if row[v].is_infinite() {
                    row[v] = row[u] + 1.0;
                    queue.push_back(v);
                }
            }
        }
    }
    let diameter = d
        .iter()
        .flatten()
        .copied()
        .filter(|x| x.is_finite())
        .fold(1.0, f64::max);
    for x in d.iter_mut().flatten() {
        if x.is_infinite() {
            *x = diameter + 1.0;
        }
    }
    d
}

/// Classical (Torgerson) MDS: the three leading eigenvectors of the
/// double-centred squared-distance matrix, by power iteration with deflation
/// from fixed start vectors. A start in the global shape of the graph keeps
/// stress majorization out of the folded local minima a circle start falls
/// into on dense networks.
fn mds_axes(d: &[Vec<f64>]) -> Vec<(f64, Vec<f64>)> {
    let n = d.len();
    let sq: Vec<Vec<f64>> = d.iter().map(|r| r.iter().map(|x| x * x).collect()).collect();
    let row_mean: Vec<f64> = sq.iter().map(|r| r.iter().sum::<f64>() / n as f64).collect();
    let all_mean = row_mean.iter().sum::<f64>() / n as f64;
    let b: Vec<Vec<f64>> = (0..n)
        .map(|i| {
            (0..n)
                .map(|j| -0.5 * (sq[i][j] - row_mean[i] - row_mean[j] + all_mean))
                .collect()
        })
        .collect();
    let mut axes: Vec<(f64, Vec<f64>)> = Vec::with_capacity(3);
    for k in 0..3 {
        // Fixed, non-symmetric start vectors: deterministic and unlikely to
        // be orthogonal to the leading eigenvector.
        let mut v: Vec<f64> = (0..n)
            .map(|i| ((i + 1) as f64 * (0.7 + k as f64 * 0.9)).sin() + 0.01 * i as f64)
            .collect();
        let mut lambda = 0.0;
        for _ in 0..MDS_STEPS {
            for (_, u) in &axes {
                let dot: f64 = v.iter().zip(u).map(|(a, b)| a * b).sum();
                v.iter_mut().zip(u).for_each(|(a, b)| *a -= dot * b);
            }
            let mut w: Vec<f64> = b
                .iter()
                .map(|r| r.iter().zip(&v).map(|(a, x)| a * x).sum())
                .collect();
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            if norm < 1e-12 {
                break;
            }
            w.iter_mut().for_each(|x| *x /= norm);
            let change: f64 = w.iter().zip(&v).map(|(a, b)| (a - b).abs()).sum();
            lambda = norm;
            v = w;
            if change < 1e-10 {
                break;
            }
        }
        axes.push((lambda, v));
    }
    axes
}

/// Points from two MDS axes, each scaled by the root of its eigenvalue.
fn mds_plane(axes: &[(f64, Vec<f64>)], a: usize, b: usize) -> Vec<(f64, f64)> {
    let scale = |l: f64| l.max(1e-9).sqrt();
    let (sx, sy) = (scale(axes[a].0), scale(axes[b].0));
    (0..axes[a].1.len())
        .map(|i| {
            // A tiny index-based offset keeps coincident MDS points (which
            // symmetric graphs produce) apart for the majorization step.
            let jitter = 1e-3 * (i as f64 * 2.399).sin();
            (axes[a].1[i] * sx + jitter, axes[b].1[i] * sy - jitter)
        })
        .collect()
}

/// Weighted stress majorization with w = d⁻², updating in place.
fn majorize(d: &[Vec<f64>], pos: &mut [(f64, f64)]) {
    let n = d.len();
    for _ in 0..STRESS_STEPS {
        let mut moved: f64 = 0.0;
        for i in 0..n {
            let (mut sx, mut sy, mut sw) = (0.0, 0.0, 0.0);
            for j in 0..n {
                if i == j {
                    continue;
                }
                let dij = d[i][j];
                let w = 1.0 / (dij * dij);
                let (dx, dy) = (pos[i].0 - pos[j].0, pos[i].1 - pos[j].1);
                let dist = (dx * dx + dy * dy).sqrt().max(1e-9);
                sx += w * (pos[j].0 + dij * dx / dist);
                sy += w * (pos[j].1 + dij * dy / dist);
                sw += w;
            }
            let next = (sx / sw, sy / sw);
            moved = moved.max((next.0 - pos[i].0).abs() + (next.1 - pos[i].1).abs());
            pos[i] = next;
        }
        if moved < 1e-7 {
            break;
        }
    }
}

/// Pushes apart pairs closer than `MIN_SEPARATION` × the median link length,
/// half the shortfall each, so labels and circles stay distinguishable.
/// Returns the spacing it enforced.
fn separate(pos: &mut [(f64, f64)], edges: &[(usize, usize)]) -> f64 {
    let dist = |a: (f64, f64), b: (f64, f64)| ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
    let mut lengths: Vec<f64> = edges.iter().map(|&(a, b)| dist(pos[a], pos[b])).collect();
    if lengths.is_empty() {
        return 0.0;
    }
    lengths.sort_by(f64::total_cmp);
    let want = MIN_SEPARATION * lengths[lengths.len() / 2];
    if want <= 0.0 {
        return 0.0;
    }
    let n = pos.len();
    for _ in 0..SEPARATION_ROUNDS {
        let mut pushed = false;
        for i in 0..n {
            for j in i + 1..n {
                let (dx, dy) = (pos[j].0 - pos[i].0, pos[j].1 - pos[i].1);
                let gap = (dx * dx + dy * dy).sqrt();
                if gap >= want {
                    continue;
                }
                pushed = true;
                // Coincident nodes separate along a direction fixed by their indices.
                let (ux, uy) = if gap > 1e-12 {
                    (dx / gap, dy / gap)
                } else {
                    let a = (i * 31 + j) as f64;
                    (a.cos(), a.sin())
                };
                let half = (want - gap) / 2.0;
                pos[i].0 -= ux * half;
                pos[i].1 -= uy * half;
                pos[j].0 += ux * half;
                pos[j].1 += uy * half;
            }
        }
        if !pushed {
            break;
        }
    }
    want
}

/// Moves nodes while that removes link crossings: two nodes swap places, or
/// one node moves towards or through the centre of its neighbours. Stress
/// keeps graph distances but not planarity, and dense networks fold over
/// themselves. A move must keep every node `spacing` from the others and not
/// lengthen the moved links by more than a tenth of the mean link length
/// each, so the result keeps the stress layout's shape.
fn uncross(pos: &mut [(f64, f64)], edges: &[(usize, usize)], spacing: f64) {
    let n = pos.len();
    let mut incident = vec![Vec::new(); n];
    for (k, &(a, b)) in edges.iter().enumerate() {
        if a != b {
            incident[a].push(k);
            incident[b].push(k);
        }
    }
    let length = |pos: &[(f64, f64)], ks: &[usize]| -> f64 {
        ks.iter()
            .map(|&k| {
                let (a, b) = edges[k];
                ((pos[a].0 - pos[b].0).powi(2) + (pos[a].1 - pos[b].1).powi(2)).sqrt()
            })
            .sum()
    };
    let total_length = length(pos, &(0..edges.len()).collect::<Vec<_>>());
    let mut budget = UNCROSS_BUDGET;
    let slack = |moved: usize| 0.1 * total_length / edges.len().max(1) as f64 * moved as f64;
    let mut improved = true;
    while improved {
        improved = false;
        for i in 0..n {
            let ks = &incident[i];
            if ks.is_empty() {
                continue;
            }
            let cost = 4 * (ks.len() * edges.len()) as u64;
            if cost > budget {
                return;
            }
            budget -= cost;
            let neighbours: Vec<usize> = ks
                .iter()
                .map(|&k| if edges[k].0 == i { edges[k].1 } else { edges[k].0 })
                .collect();
            let c = neighbours
                .iter()
                .fold((0.0, 0.0), |acc, &v| (acc.0 + pos[v].0, acc.1 + pos[v].1));
            let c = (c.0 / neighbours.len() as f64, c.1 / neighbours.len() as f64);
            let here = pos[i];
            let before = crossings_of(pos, edges, ks);
            let len_before = length(pos, ks);
            for to in [
                c,
                (2.0 * c.0 - here.0, 2.0 * c.1 - here.1),
                ((here.0 + c.0) / 2.0, (here.1 + c.1) / 2.0),
            ] {
                let crowded = (0..n).any(|j| {
                    j != i && ((pos[j].0 - to.0).powi(2) + (pos[j].1 - to.1).powi(2)).sqrt() < spacing
                });
                if crowded {
                    continue;
                }
                pos[i] = to;
                if crossings_of(pos, edges, ks) < before && length(pos, ks) - len_before <= slack(ks.len()) {
                    improved = true;
                    break;
                }
                pos[i] = here;
            }
        }
        for i in 0..n {
            for j in i + 1..n {
                let mut touched: Vec<usize> = incident[i].iter().chain(&incident[j]).copied().collect();
                touched.sort_unstable();
                touched.dedup();
                let cost = 2 * (touched.len() * edges.len()) as u64;
                if cost > budget {
                    return;
                }
                budget -= cost;
                let before = crossings_of(pos, edges, &touched);
                let len_before = length(pos, &touched);
                pos.swap(i, j);
                let after = crossings_of(pos, edges, &touched);
                let len_after = length(pos, &touched);
                if after < before && len_after - len_before <= slack(touched.len()) {
                    improved = true;
                } else {
                    pos.swap(i, j);
                }
            }
        }
    }
}

/// Crossing pairs with at least one link in `touched` (sorted link indices).
fn crossings_of(pos: &[(f64, f64)], edges: &[(usize, usize)], touched: &[usize]) -> usize {
    let mut count = 0;
    for &k in touched {
        let (a, b) = edges[k];
        for (l, &(c, d)) in edges.iter().enumerate() {
            // Pairs with both links touched are counted once, from the lower index.
            if (l <= k && touched.binary_search(&l).is_ok()) || a == c || a == d || b == c || b == d {
                continue;
            }
            if segments_cross(pos[a], pos[b], pos[c], pos[d]) {
                count += 1;
            }
        }
    }
    count
}

/// Proper crossing of segments pq and rs (touching or collinear does not count).
fn segments_cross(p: (f64, f64), q: (f64, f64), r: (f64, f64), s: (f64, f64)) -> bool {
    let orient =
        |a: (f64, f64), b: (f64, f64), c: (f64, f64)| (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0);
    orient(p, q, r) * orient(p, q, s) < 0.0 && orient(r, s, p) * orient(r, s, q) < 0.0
}

fn normalise(pos: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let (min_x, max_x) = pos
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.0), hi.max(p.0)));
    let (min_y, max_y) = pos
        .iter()
        .fold((f64::MAX, f64::MIN), |(lo, hi), p| (lo.min(p.1), hi.max(p.1)));
    let span = (max_x - min_x).max(max_y - min_y).max(1e-9);
    let (off_x, off_y) = ((span - (max_x - min_x)) / 2.0, (span - (max_y - min_y)) / 2.0);
    pos.iter()
        .map(|p| ((p.0 - min_x + off_x) / span, (p.1 - min_y + off_y) / span))
        .collect()
}
