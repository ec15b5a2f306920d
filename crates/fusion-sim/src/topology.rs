//! Network topologies: FUSION's nine bundled networks and user files in the
//! same format (`src<TAB>dst<TAB>length_km`, one directed link per line).
//!
//! The order of everything here is load-bearing for exact reproduction:
//! nodes are numbered in order of first appearance (the source/destination
//! draw indexes that list), neighbour lists follow networkx's adjacency order
//! (edge insertion order), which decides k-shortest-path tie-breaking.

use std::collections::HashMap;

/// A network that ships inside the binary.
#[derive(Debug, Clone, Copy)]
pub struct NetworkInfo {
    /// Name used in `topology_settings.network`.
    pub name: &'static str,
    /// FUSION's file name under `data/raw/`.
    pub file: &'static str,
    pub nodes: usize,
    /// Undirected links.
    pub links: usize,
    text: &'static str,
    core_nodes: Option<&'static str>,
}

impl NetworkInfo {
    /// The bundled link file.
    pub fn text(&self) -> &'static str {
        self.text
    }
    /// The bundled core-node file, if the network has one.
    pub fn core_nodes_text(&self) -> Option<&'static str> {
        self.core_nodes
    }
}

/// The networks FUSION knows by name, with their sizes.
pub const NETWORKS: &[NetworkInfo] = &[
    NetworkInfo {
        name: "NSFNet",
        file: "nsf_network.txt",
        nodes: 14,
        links: 22,
        text: include_str!("../data/topologies/nsf_network.txt"),
        core_nodes: None,
    },
    NetworkInfo {
        name: "USNet",
        file: "us_network.txt",
        nodes: 24,
        links: 43,
        text: include_str!("../data/topologies/us_network.txt"),
        core_nodes: None,
    },
    NetworkInfo {
        name: "Pan-European",
        file: "europe_network.txt",
        nodes: 27,
        links: 55,
        text: include_str!("../data/topologies/europe_network.txt"),
        core_nodes: None,
    },
    NetworkInfo {
        name: "USbackbone60",
        file: "USB6014.txt",
        nodes: 60,
        links: 79,
        text: include_str!("../data/topologies/USB6014.txt"),
        core_nodes: Some(include_str!("../data/topologies/USB6014_core_nodes.txt")),
    },
    NetworkInfo {
        name: "Spainbackbone30",
        file: "SPNB3014.txt",
        nodes: 30,
        links: 56,
        text: include_str!("../data/topologies/SPNB3014.txt"),
        core_nodes: Some(include_str!("../data/topologies/SPNB3014_core_nodes.txt")),
    },
    NetworkInfo {
        name: "geant",
        file: "geant.txt",
        nodes: 39,
        links: 121,
        text: include_str!("../data/topologies/geant.txt"),
        core_nodes: None,
    },
    NetworkInfo {
        name: "toy_network",
        file: "toy_network.txt",
        nodes: 6,
        links: 15,
        text: include_str!("../data/topologies/toy_network.txt"),
        core_nodes: None,
    },
    NetworkInfo {
        name: "metro_net",
        file: "metro_net.txt",
        nodes: 8,
        links: 16,
        text: include_str!("../data/topologies/metro_net.txt"),
        core_nodes: None,
    },
    NetworkInfo {
        name: "dt_network",
        file: "dt_network.txt",
        nodes: 14,
        links: 23,
        text: include_str!("../data/topologies/dt_network.txt"),
        core_nodes: None,
    },
];

/// Finds a bundled network by its FUSION name (exact, as FUSION compares).
pub fn find_network(name: &str) -> Option<&'static NetworkInfo> {
    NETWORKS.iter().find(|n| n.name == name)
}

/// An undirected link.
#[derive(Debug, Clone)]
pub struct Edge {
    pub a: usize,
    pub b: usize,
    /// Length in km (the value networkx would hold on the undirected edge).
    pub length: f64,
    /// FUSION's `link_num`: 1-based position of the last directed line of this
    /// link, which is what ends up stored for both directions.
    pub link_num: usize,
}

/// A parsed topology.
#[derive(Debug, Clone)]
pub struct Topology {
    /// Node names in order of first appearance.
    pub nodes: Vec<String>,
    pub edges: Vec<Edge>,
    /// Per node: (neighbour, edge index) in networkx adjacency order.
    pub adj: Vec<Vec<(usize, usize)>>,
    /// Directed link keys in the order FUSION's spectrum dictionary holds them
    /// (each line adds `src-dst` then `dst-src` if not yet present).
    pub directed: Vec<(usize, usize, usize)>,
    /// Traffic endpoints when `is_only_core_node = False` (core-node file).
    pub core_nodes: Option<Vec<usize>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TopologyError(pub String);

impl std::fmt::Display for TopologyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl Topology {
    /// Parses a link file. `const_link_weight` sets every length to 1.0.
    pub fn parse(text: &str, const_link_weight: bool) -> Result<Topology, TopologyError> {
        let mut node_index: HashMap<String, usize> = HashMap::new();
        let mut nodes: Vec<String> = Vec::new();
        let mut seen_directed: HashMap<(usize, usize), ()> = HashMap::new();
        let mut edge_of: HashMap<(usize, usize), usize> = HashMap::new();
        let mut edges: Vec<Edge> = Vec::new();
        let mut adj: Vec<Vec<(usize, usize)>> = Vec::new();
        let mut directed: Vec<(usize, usize, usize)> = Vec::new();
        let mut directed_seen: HashMap<(usize, usize), ()> = HashMap::new();
        let mut line_no = 0usize;

        let mut intern = |name: &str, nodes: &mut Vec<String>, adj: &mut Vec<Vec<_>>| -> usize {
            if let Some(&i) = node_index.get(name) {
                return i;
            }
            let i = nodes.len();
            node_index.insert(name.to_owned(), i);
            nodes.push(name.to_owned());
            adj.push(Vec::new());
            i
        };

        for (idx, raw) in text.lines().enumerate() {
            // Same as Python's line.strip().split("\t"); blank lines are skipped.
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let fields: Vec<&str> = line.split('\t').collect();
            if fields.len() < 3 {
                // Errors give line numbers, not the line: the file may be
                // one a configuration from elsewhere names.
                return Err(TopologyError(format!(
                    "line {}: expected 'src<TAB>dst<TAB>length'",
                    idx + 1
                )));
            }
            let length: f64 = fields[2]
                .trim()
                .parse()
                .map_err(|_| TopologyError(format!("line {}: the length is not a number", idx + 1)))?;
            if !length.is_finite() || length < 0.0 {
                return Err(TopologyError(format!(
                    "line {}: the length must be a non-negative number",
                    idx + 1
                )));
            }
            let s = intern(fields[0], &mut nodes, &mut adj);
            let d = intern(fields[1], &mut nodes, &mut adj);
            if s == d {
                return Err(TopologyError(format!(
                    "line {}: a link from a node to itself",
                    idx + 1
                )));
            }
            // A repeated directed pair keeps its first length (FUSION stores
            // links in a dictionary keyed by the directed pair).
            if seen_directed.insert((s, d), ()).is_some() {
                continue;
            }
            line_no += 1;
            let length = if const_link_weight { 1.0 } else { length };
            let key = (s.min(d), s.max(d));
            let e = match edge_of.get(&key) {
                Some(&e) => {
                    // The later direction sets the undirected length, as
                    // networkx's add_edge updates the shared attribute dict.
                    edges[e].length = length;
                    edges[e].link_num = line_no;
                    e
                }
                None => {
                    let e = edges.len();
                    edges.push(Edge {
                        a: s,
                        b: d,
                        length,
                        link_num: line_no,
                    });
                    edge_of.insert(key, e);
                    adj[s].push((d, e));
                    adj[d].push((s, e));
                    e
                }
            };
            for (x, y) in [(s, d), (d, s)] {
                if directed_seen.insert((x, y), ()).is_none() {
                    directed.push((x, y, e));
                }
            }
        }
        if nodes.len() < 2 {
            return Err(TopologyError("the topology needs at least two nodes".into()));
        }
        Ok(Topology {
            nodes,
            edges,
            adj,
            directed,
            core_nodes: None,
        })
    }

    /// Reads the core-node list (one node name per line).
    pub fn set_core_nodes(&mut self, text: &str) -> Result<(), TopologyError> {
        let mut list = Vec::new();
        for (idx, line) in text.lines().enumerate() {
            let name = line.trim();
            if name.is_empty() {
                continue;
            }
            let i = self.nodes.iter().position(|n| n == name).ok_or_else(|| {
                TopologyError(format!(
                    "core-node list line {}: not a node of the topology",
                    idx + 1
                ))
            })?;
            list.push(i);
        }
        self.core_nodes = Some(list);
        Ok(())
    }

    /// Length of the undirected link between two adjacent nodes.
    pub fn edge_between(&self, u: usize, v: usize) -> Option<usize> {
        self.adj[u].iter().find(|&&(w, _)| w == v).map(|&(_, e)| e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_networks_match_their_sizes() {
        for n in NETWORKS {
            let t = Topology::parse(n.text(), false).unwrap();
            assert_eq!(t.nodes.len(), n.nodes, "{}", n.name);
            assert_eq!(t.edges.len(), n.links, "{}", n.name);
        }
    }

    #[test]
    fn nsfnet_node_order() {
        let t = Topology::parse(find_network("NSFNet").unwrap().text(), false).unwrap();
        assert_eq!(
            t.nodes,
            ["0", "1", "2", "7", "3", "5", "4", "10", "6", "13", "9", "8", "12", "11"]
        );
        assert_eq!(t.directed.len(), 44);
    }

    #[test]
    fn later_direction_sets_length_first_duplicate_kept() {
        let t = Topology::parse("a\tb\t10\nb\ta\t20\na\tb\t30\n", false).unwrap();
        assert_eq!(t.edges.len(), 1);
        assert_eq!(t.edges[0].length, 20.0);
        assert_eq!(t.edges[0].link_num, 2);
    }
}
