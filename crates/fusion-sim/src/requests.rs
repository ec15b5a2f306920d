//! Request generator: Poisson arrivals, exponential holding times, uniform
//! source/destination and the quota-based bandwidth mix, drawing from the
//! random stream in exactly FUSION's order so that a seed gives the same
//! requests as FUSION.
//!
//! Per request: arrival gap, holding time, source, destination (redrawn
//! while equal to the source), bandwidth class (redrawn while its quota is
//! used up). Requests are produced one at a time in arrival order, so an
//! iteration never has to hold all of them.

use crate::rng::Mt19937;

/// One connection request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Request {
    /// 1-based request id.
    pub id: u64,
    pub arrive: f64,
    pub depart: f64,
    /// Index into the topology's node list.
    pub src: usize,
    pub dst: usize,
    /// Index into the modulation table's bandwidth classes.
    pub class: usize,
}

/// Streams the requests of one iteration.
pub struct Generator<'a> {
    rng: Mt19937,
    /// `-1 / lambda`, as FUSION computes it for the arrival gap.
    arrival_factor: f64,
    /// `-1 / (1 / holding_time)`, as FUSION computes it for the holding time.
    holding_factor: f64,
    nodes: &'a [usize],
    quotas: Vec<usize>,
    t: f64,
    next_id: u64,
    remaining: usize,
}

/// Per-class request counts: `int(p * N)` for each class of the modulation
/// table, in table order (`probabilities` aligned with the table).
pub fn quotas(probabilities: &[f64], num_requests: usize) -> Vec<usize> {
    probabilities
        .iter()
        .map(|p| (p * num_requests as f64) as usize)
        .collect()
}

impl<'a> Generator<'a> {
    /// `seed` is FUSION's iteration seed (iteration index + 1).
    pub fn new(seed: u32, erlang: f64, holding_time: f64, nodes: &'a [usize], quotas: Vec<usize>) -> Self {
        let arrival_rate = erlang / holding_time;
        let holding_scale = 1.0 / holding_time;
        let remaining = quotas.iter().sum();
        Generator {
            rng: Mt19937::new(seed),
            arrival_factor: -1.0 / arrival_rate,
            holding_factor: -1.0 / holding_scale,
            nodes,
            quotas,
            t: 0.0,
            next_id: 1,
            remaining,
        }
    }

    /// How many requests are still to come.
    pub fn remaining(&self) -> usize {
        self.remaining
    }

    #[inline]
    fn pick(&mut self, n: usize) -> usize {
        // In [0, n) and n < 2^32: the narrower conversion is exact and cheaper.
        (self.rng.uniform() * n as f64) as u32 as usize
    }
}

impl Iterator for Generator<'_> {
    type Item = Request;

    #[inline(always)]
    fn next(&mut self) -> Option<Request> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        self.t += self.arrival_factor * self.rng.uniform().ln();
        let depart = self.t + self.holding_factor * self.rng.uniform().ln();
        let n = self.nodes.len();
        let src = self.nodes[self.pick(n)];
        let mut dst = self.nodes[self.pick(n)];
        while dst == src {
            dst = self.nodes[self.pick(n)];
        }
        let classes = self.quotas.len();
        let class = loop {
            let c = self.pick(classes);
            if self.quotas[c] > 0 {
                self.quotas[c] -= 1;
                break c;
            }
        };
        let id = self.next_id;
        self.next_id += 1;
        Some(Request {
            id,
            arrive: self.t,
            depart,
            src,
            dst,
            class,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::modulation::ModTable;
    use crate::topology::{find_network, Topology};

    fn close(a: f64, b: f64) -> bool {
        ((a - b) / b).abs() < 1e-15
    }

    /// FUSION's first five arrivals for seed 1, NSFNet, 300 Erlang,
    /// holding time 0.2, 1000 requests, default mix.
    #[test]
    fn first_arrivals_match_fusion_seed_1() {
        let topo = Topology::parse(find_network("NSFNet").unwrap().text(), false).unwrap();
        let table = ModTable::bundled_default();
        let nodes: Vec<usize> = (0..topo.nodes.len()).collect();
        let q = quotas(&[0.1, 0.1, 0.5, 0.2, 0.1], 1000);
        let gen = Generator::new(1, 300.0, 0.2, &nodes, q);
        let expected = [
            (1, 0.0005830775263364355, 0.066193774159104, "0", "3", "25"),
            (2, 0.002171272913023641, 0.33829339232032996, "3", "5", "100"),
            (3, 0.0027508864009775933, 0.0783540971037694, "2", "12", "25"),
            (4, 0.0030174064233403964, 0.17780508307577858, "10", "1", "25"),
            (5, 0.0031655486055487832, 0.009616149677261049, "3", "13", "400"),
        ];
        for (r, e) in gen.zip(expected.iter()) {
            assert_eq!(r.id, e.0);
            assert!(close(r.arrive, e.1), "arrival {} vs {}", r.arrive, e.1);
            assert!(close(r.depart, e.2), "departure {} vs {}", r.depart, e.2);
            assert_eq!(topo.nodes[r.src], e.3);
            assert_eq!(topo.nodes[r.dst], e.4);
            assert_eq!(table.classes[r.class].key, e.5);
        }
    }

    #[test]
    fn quotas_are_exact_and_the_tail_is_forced() {
        let nodes = [0usize, 1, 2];
        let q = quotas(&[0.1, 0.1, 0.5, 0.2, 0.1], 1000);
        assert_eq!(q, vec![100, 100, 500, 200, 100]);
        let mut counts = [0usize; 5];
        let mut last = 0.0;
        for r in Generator::new(7, 100.0, 1.0, &nodes, q) {
            counts[r.class] += 1;
            assert!(r.arrive > last && r.depart > r.arrive && r.src != r.dst);
            last = r.arrive;
        }
        assert_eq!(counts, [100, 100, 500, 200, 100]);
    }
}
