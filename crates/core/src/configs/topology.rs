//! The networks for the topology view: FUSION's nine bundled topologies with
//! a deterministic 2-D layout, and a run's own network coloured by how much
//! each link was used in its results.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use fusion_sim::topology::{find_network, Topology, NETWORKS};

use crate::error::{DeskError, Result};

/// A bundled network in the list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NetworkSummary {
    /// The name used in `topology_settings.network`.
    pub name: String,
    /// FUSION's file name under `data/raw/`.
    pub file: String,
    pub node_count: u32,
    /// Undirected links.
    pub link_count: u32,
    /// Nodes of the core-node list (traffic endpoints when
    /// `is_only_core_node = False`); 0 when the network has none.
    pub core_node_count: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NodeView {
    /// The node's name in the topology file ("0", "1", ...).
    pub id: String,
    pub degree: u32,
    /// Position in [0, 1]², from a deterministic stress layout.
    pub x: f64,
    pub y: f64,
    /// In the core-node list.
    pub core: bool,
}

/// An undirected link. The file lists one line per direction; the simulator
/// keeps the first line of a repeated direction and takes the length of the
/// direction listed last for the link.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkView {
    pub source: String,
    pub target: String,
    /// The length the simulator uses, in km.
    pub length_km: f64,
    /// source → target as listed (`None`: that direction is not listed).
    pub forward_km: Option<f64>,
    /// target → source as listed (`None`: that direction is not listed).
    pub backward_km: Option<f64>,
    /// The two directions are listed with different lengths.
    pub asymmetric: bool,
    /// Lines repeating a direction already listed (ignored by the simulator).
    pub duplicate_lines: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct NetworkView {
    pub name: String,
    pub node_count: u32,
    pub link_count: u32,
    /// Lines of the topology file (directed entries, duplicates included).
    pub line_count: u32,
    pub nodes: Vec<NodeView>,
    pub links: Vec<LinkView>,
}

/// How much one undirected link was used at the chosen load.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct LinkUsage {
    pub source: String,
    pub target: String,
    /// Lightpaths set up over the link in the last saved iteration. FUSION
    /// keeps one counter per link shared by both directions; when the two
    /// entries differ the larger is shown.
    #[ts(type = "number")]
    pub usage_count: u64,
    #[ts(type = "number | null")]
    pub forward_count: Option<u64>,
    #[ts(type = "number | null")]
    pub backward_count: Option<u64>,
    /// Gbps × holding time carried, as FUSION records it.
    pub throughput: f64,
}

/// A run's network with link usage from its results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct RunTopology {
    pub run_id: String,
    /// The network of the run's frozen config.
    pub network: String,
    pub view: NetworkView,
    /// Loads with a results file, ascending.
    pub erlangs: Vec<f64>,
    /// The load shown (the one asked for, else the highest); `None` before any results.
    pub erlang: Option<f64>,
    /// One entry per link of `view.links`, same order; empty without results.
    pub usage: Vec<LinkUsage>,
    #[ts(type = "number")]
    pub min_usage: u64,
    #[ts(type = "number")]
    pub max_usage: u64,
    /// The results file read, relative to the run folder.
    pub results_file: Option<String>,
    /// Results entries that match no link of the network.
    pub unmatched: Vec<String>,
}

/// The nine bundled networks.
pub fn networks() -> Vec<NetworkSummary> {
    NETWORKS
        .iter()
        .map(|n| {
            let core = n
                .core_nodes_text()
                .map_or(0, |t| t.lines().filter(|l| !l.trim().is_empty()).count());
            NetworkSummary {
                name: n.name.to_owned(),
                file: n.file.to_owned(),
                node_count: n.nodes as u32,
                link_count: n.links as u32,
                core_node_count: core as u32,
            }
        })
        .collect()
}

/// The view of a bundled network by its FUSION name. The first call per
/// network runs the layout (tens of milliseconds): call it off the async
/// runtime.
pub fn network(name: &str) -> Result<NetworkView> {
    let info = find_network(name).ok_or_else(|| {
        let known: Vec<&str> = NETWORKS.iter().map(|n| n.name).collect();
        DeskError::not_found(format!(
            "unknown network {name:?}; known networks: {}",
            known.join(", ")
        ))
    })?;
    // The bundled files never change: each is laid out once per process, and
    // later views (every run on the same network) are a clone.
    static VIEWS: OnceLock<Vec<OnceLock<NetworkView>>> = OnceLock::new();
    let slot = NETWORKS
        .iter()
        .position(|n| n.name == info.name)
        .expect("found in NETWORKS");
    let views = VIEWS.get_or_init(|| NETWORKS.iter().map(|_| OnceLock::new()).collect());
    if let Some(v) = views[slot].get() {
        return Ok(v.clone());
    }
    let view = view_of(info.name, info.text(), info.core_nodes_text())?;
    Ok(views[slot].get_or_init(|| view).clone())
}

/// The view of a topology text in FUSION's format (`src<TAB>dst<TAB>km`).
pub fn view_of(name: &str, text: &str, core_nodes: Option<&str>) -> Result<NetworkView> {
    let mut topo = Topology::parse(text, false)
        .map_err(|e| DeskError::invalid_input(format!("topology {name}: {e}")))?;
    // The layout holds an n×n distance matrix and runs n² per step: a file
    // with a huge node count is refused instead of exhausting memory.
    if topo.nodes.len() > MAX_LAYOUT_NODES {
        return Err(DeskError::invalid_input(format!(
            "topology {name} has {} nodes; at most {MAX_LAYOUT_NODES} can be drawn",
            topo.nodes.len()
        )));
    }
    if let Some(core) = core_nodes {
        topo.set_core_nodes(core)
            .map_err(|e| DeskError::invalid_input(format!("topology {name}: {e}")))?;
    }
    // Per-direction lengths as listed (first line of a direction wins), read
    // the way the simulator splits lines.
    let mut listed: HashMap<(usize, usize), f64> = HashMap::new();
    let mut duplicates: HashMap<(usize, usize), u32> = HashMap::new();
    let index: HashMap<&str, usize> = topo
        .nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let mut line_count = 0u32;
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let mut f = line.split('\t');
        let (Some(s), Some(d), Some(km)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        let (Some(&s), Some(&d), Ok(km)) = (index.get(s), index.get(d), km.trim().parse::<f64>()) else {
            continue;
        };
        line_count += 1;
        match listed.entry((s, d)) {
            std::collections::hash_map::Entry::Occupied(_) => {
                *duplicates.entry((s.min(d), s.max(d))).or_default() += 1;
            }
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(km);
            }
        }
    }
    let positions = stress_layout(
        topo.nodes.len(),
        &topo.edges.iter().map(|e| (e.a, e.b)).collect::<Vec<_>>(),
    );
    let core: Vec<usize> = topo.core_nodes.clone().unwrap_or_default();
    let nodes = topo
        .nodes
        .iter()
        .enumerate()
        .map(|(i, id)| NodeView {
            id: id.clone(),
            degree: topo.adj[i].len() as u32,
            x: positions[i].0,
            y: positions[i].1,
            core: core.contains(&i),
        })
        .collect();
    let links = topo
        .edges
        .iter()
        .map(|e| {
            let forward_km = listed.get(&(e.a, e.b)).copied();
            let backward_km = listed.get(&(e.b, e.a)).copied();
            LinkView {
                source: topo.nodes[e.a].clone(),
                target: topo.nodes[e.b].clone(),
                length_km: e.length,
                forward_km,
                backward_km,
                asymmetric: matches!((forward_km, backward_km), (Some(f), Some(b)) if f != b),
                duplicate_lines: duplicates
                    .get(&(e.a.min(e.b), e.a.max(e.b)))
                    .copied()
                    .unwrap_or(0),
            }
        })
        .collect();
    Ok(NetworkView {
        name: name.to_owned(),
        node_count: topo.nodes.len() as u32,
        link_count: topo.edges.len() as u32,
        line_count,
        nodes,
        links,
    })
}

/// The most nodes a topology view lays out (FUSION's largest has 75).
pub const MAX_LAYOUT_NODES: usize = 1000;
/// The largest topology file read by path.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// The largest results file read for link usage.
pub const MAX_RESULTS_BYTES: u64 = 256 * 1024 * 1024;

pub use super::layout::stress_layout;

/// The `<erlang>_erlang.json` files under a run's output folder (FUSION's
/// layout nests them, the embedded engine writes them at the top), as
/// (erlang, path) sorted by load.
pub fn results_files(output: &Path) -> Vec<(f64, PathBuf)> {
    let mut found = Vec::new();
    let mut stack = vec![(output.to_path_buf(), 0usize)];
    while let Some((dir, depth)) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(kind) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if kind.is_dir() && depth < 4 {
                stack.push((path, depth + 1));
            } else if kind.is_file() {
                let name = entry.file_name();
                let Some(e) = name
                    .to_str()
                    .and_then(|n| n.strip_suffix("_erlang.json"))
                    .and_then(|n| n.parse::<f64>().ok())
                else {
                    continue;
                };
                found.push((e, path));
            }
        }
    }
    found.sort_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)));
    found.dedup_by(|b, a| a.0 == b.0);
    found
}

/// Maps a results file's `link_usage` (`{"<src>-<dst>": {usage_count,
/// throughput, link_num}}`, one entry per direction) onto the view's
/// undirected links. Returns the per-link usage (view order) and the keys
/// that name no link.
pub fn map_link_usage(view: &NetworkView, link_usage: &serde_json::Value) -> (Vec<LinkUsage>, Vec<String>) {
    let nodes: std::collections::HashSet<&str> = view.nodes.iter().map(|n| n.id.as_str()).collect();
    let mut by_pair: HashMap<(&str, &str), usize> = HashMap::new();
    for (i, l) in view.links.iter().enumerate() {
        by_pair.insert((l.source.as_str(), l.target.as_str()), i);
        by_pair.insert((l.target.as_str(), l.source.as_str()), i);
    }
    let mut usage: Vec<LinkUsage> = view
        .links
        .iter()
        .map(|l| LinkUsage {
            source: l.source.clone(),
            target: l.target.clone(),
            usage_count: 0,
            forward_count: None,
            backward_count: None,
            throughput: 0.0,
        })
        .collect();
    let mut unmatched = Vec::new();
    let Some(map) = link_usage.as_object() else {
        return (usage, unmatched);
    };
    for (key, entry) in map {
        // Node names may contain '-': take the split whose halves are nodes.
        let pair = key
            .match_indices('-')
            .map(|(i, _)| (&key[..i], &key[i + 1..]))
            .find(|(a, b)| nodes.contains(a) && nodes.contains(b));
        let Some(&i) = pair.and_then(|p| by_pair.get(&p)) else {
            unmatched.push(key.clone());
            continue;
        };
        let (a, _) = pair.expect("matched");
        let count = entry
            .get("usage_count")
            .and_then(serde_json::Value::as_u64)
            .unwrap_or(0);
        let throughput = entry
            .get("throughput")
            .and_then(serde_json::Value::as_f64)
            .unwrap_or(0.0);
        let u = &mut usage[i];
        if a == u.source {
            u.forward_count = Some(count);
        } else {
            u.backward_count = Some(count);
        }
        if count >= u.usage_count {
            u.usage_count = count;
            u.throughput = u.throughput.max(throughput);
        }
    }
    (usage, unmatched)
}
