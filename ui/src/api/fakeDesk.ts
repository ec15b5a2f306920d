// The fake desk the in-memory backend starts with: FUSION Desk's built-in
// templates, a few keys of the config schema, the nine bundled networks and a
// valid config's report. Data only: tests and the demo store it, nothing
// computes from it.

import type { ConfigKey } from '../bindings/ConfigKey';
import type { FigurePreview } from '../bindings/FigurePreview';
import type { LinkView } from '../bindings/LinkView';
import type { NetworkSummary } from '../bindings/NetworkSummary';
import type { NetworkView } from '../bindings/NetworkView';
import type { NodeView } from '../bindings/NodeView';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import type { ValidationReport } from '../bindings/ValidationReport';

export const DATA_DIR = '/home/researcher/.local/share/fusion-desk';
export const BUNDLED_SIMULATOR = '/usr/lib/fusion-desk/fusion-sim';

export const FAKE_BUILTIN_TEMPLATES: TemplateInfo[] = [
  { name: 'quick', description: 'NSFNet, 300–500 Erlang, 3 × 1000 requests: finishes in seconds', builtin: true },
  { name: 'default', description: "FUSION's default sweep: NSFNet, 300–1200 Erlang, 4 × 500 requests", builtin: true },
  { name: 'minimal', description: "FUSION's minimal template: 300–500 Erlang, 2 × 100 requests", builtin: true },
  { name: 'cross_platform', description: "FUSION's cross-platform template", builtin: true },
  { name: 'survivability_experiment', description: "FUSION's survivability experiment", builtin: true },
  { name: 'xtar_example_config', description: "FUSION's crosstalk-aware example", builtin: true },
];

/** The nine bundled networks: name, file, nodes, links, core nodes. */
const NETWORKS: [string, string, number, number, number][] = [
  ['NSFNet', 'nsf_network.txt', 14, 22, 0],
  ['USNet', 'us_network.txt', 24, 43, 0],
  ['Pan-European', 'europe_network.txt', 27, 55, 0],
  ['USbackbone60', 'USB6014.txt', 60, 79, 14],
  ['Spainbackbone30', 'SPNB3014.txt', 30, 56, 7],
  ['geant', 'geant.txt', 39, 121, 0],
  ['toy_network', 'toy_network.txt', 6, 15, 0],
  ['metro_net', 'metro_net.txt', 8, 16, 0],
  ['dt_network', 'dt_network.txt', 14, 23, 0],
];

export const FAKE_NETWORKS: NetworkSummary[] = NETWORKS.map(([name, file, node_count, link_count, core_node_count]) => ({
  name,
  file,
  node_count,
  link_count,
  core_node_count,
}));

/** A template text like the bundled ones (comments included). */
export function fakeTemplateText(name: string): string {
  const sweep: Record<string, [number, number, number, number, number]> = {
    quick: [300, 500, 100, 3, 1000],
    default: [300, 1200, 300, 4, 500],
    minimal: [300, 500, 100, 2, 100],
  };
  const [start, stop, step, iters, reqs] = sweep[name] ?? [300, 600, 300, 2, 500];
  return `# FUSION Desk ${name} template
[general_settings]
# erlang_start: Starting traffic load in Erlangs (float, >= 0)
erlang_start = ${start}
# erlang_stop: Ending traffic load in Erlangs (float, >= erlang_start)
erlang_stop = ${stop}
# erlang_step: Increment between traffic loads (float, > 0)
erlang_step = ${step}

# max_iters: Number of iterations per Erlang load point (int, >= 1)
max_iters = ${iters}
# num_requests: Number of connection requests per iteration (int, >= 1)
num_requests = ${reqs}
holding_time = 0.2
request_distribution = {"25": 0.10, "50": 0.10, "100": 0.50, "200": 0.20, "400": 0.10}
guard_slots = 1
max_segments = 4
route_method = k_shortest_path
allocation_method = first_fit

[topology_settings]
# network: Network topology name
network = NSFNet
cores_per_link = 3
bw_per_slot = 12.5

[routing_settings]
k_paths = 3

[spectrum_settings]
c_band = 320

[rl_settings]
is_training = False

[file_settings]
file_type = json
`;
}

function key(
  section: string,
  name: string,
  value_type: ConfigKey['value_type'],
  description: string,
  extra: Partial<ConfigKey> = {},
): ConfigKey {
  const k: ConfigKey = {
    section,
    key: name,
    value_type,
    usage: 'model',
    required: true,
    engine_required: true,
    min: null,
    min_exclusive: false,
    max: null,
    range: null,
    allowed: [],
    closed: false,
    default: null,
    description,
    ...extra,
  };
  if (k.range === null && k.min !== null) {
    k.range = k.max !== null ? (k.value_type === 'int' && k.min === 0 && k.max === 1 ? '0 or 1' : `${k.min} to ${k.max}`) : `${k.min_exclusive ? '>' : '≥'} ${k.min}`;
  }
  return k;
}

export const FAKE_SCHEMA: ConfigKey[] = [
  key('general_settings', 'erlang_start', 'float', 'First offered load of the sweep, in Erlang (arrival rate = erlang / holding_time).', { min: 0, default: '300' }),
  key('general_settings', 'erlang_stop', 'float', 'Last offered load, inclusive; at least erlang_start.', { min: 0, default: '500' }),
  key('general_settings', 'erlang_step', 'float', 'Increment between two loads of the sweep.', { min: 0, min_exclusive: true, default: '100' }),
  key('general_settings', 'holding_time', 'float', 'Mean holding time of a connection (exponentially distributed).', { min: 0, min_exclusive: true, default: '0.2' }),
  key('general_settings', 'num_requests', 'int', 'Connection requests per iteration.', { min: 1, default: '100' }),
  key('general_settings', 'max_iters', 'int', 'Iterations per load (seeds 1, 2, …); the confidence-interval rule may stop earlier.', { min: 1, default: '2' }),
  key('general_settings', 'guard_slots', 'int', 'Guard slots above each lightpath: 0 or 1 (FUSION is inconsistent with 2 or more).', { min: 0, max: 1, default: '1' }),
  key('general_settings', 'max_segments', 'int', 'Most slices a request may be split into when it fits nowhere whole; 1 turns slicing off.', { min: 1, default: '4' }),
  key('topology_settings', 'network', 'str', 'Network topology by FUSION name.', { allowed: FAKE_NETWORKS.map((n) => n.name), default: 'NSFNet' }),
  key('topology_settings', 'cores_per_link', 'int', 'Cores per fibre; each core is an independent spectrum.', { min: 1, default: '3' }),
  key('routing_settings', 'k_paths', 'int', 'Candidate paths of k-shortest-path routing (3 when absent).', { min: 1, default: '3', required: false, engine_required: false }),
  key('rl_settings', 'is_training', 'bool', 'False: confidence interval computed and early stop; True: every iteration runs and the blocking statistics in the results are null.', { default: 'False' }),
];

/** What the core reports for the `quick` template: valid, 3 loads × 3 iterations × 1000 requests. */
export function fakeValidReport(): ValidationReport {
  return {
    valid: true,
    errors: [],
    warnings: [],
    summary: {
      network: 'NSFNet',
      loads: [300, 400, 500],
      load_count: 3,
      iterations: 3,
      requests_per_iteration: 1000,
      total_requests: 9000,
      text: '3 loads × 3 iterations × 1000 requests',
      embedded_seconds: 0.65,
      fusion_seconds: 14.25,
      estimate_seconds: 0.65,
    },
    simulator: 'embedded',
  };
}

/** The figure `figurePreview` answers with (the core draws the real one). */
export const FAKE_FIGURE: FigurePreview = {
  svg: '<svg xmlns="http://www.w3.org/2000/svg" width="240.945pt" height="170.079pt" viewBox="0 0 240.945 170.079"><title>figure</title></svg>',
  width_pt: 240.945,
  height_pt: 170.079,
  file_stem: 'figure',
  series: 1,
  notes: [],
};

/** A deterministic ring-with-chords layout for the demo networks. */
export function fakeNetworkView(summary: NetworkSummary): NetworkView {
  const n = summary.node_count;
  const nodes: NodeView[] = [];
  for (let i = 0; i < n; i++) {
    const a = (2 * Math.PI * i) / n;
    nodes.push({ id: String(i), x: 0.5 + 0.45 * Math.cos(a), y: 0.5 + 0.45 * Math.sin(a), degree: 0, core: i < summary.core_node_count });
  }
  const links: LinkView[] = [];
  const seen = new Set<string>();
  const add = (s: number, t: number) => {
    const k = s < t ? `${s}-${t}` : `${t}-${s}`;
    if (s === t || seen.has(k)) return false;
    seen.add(k);
    const km = 200 + ((s * 37 + t * 53) % 900);
    links.push({ source: String(s), target: String(t), length_km: km, forward_km: km, backward_km: km, asymmetric: false, duplicate_lines: 0 });
    nodes[s].degree++;
    nodes[t].degree++;
    return true;
  };
  for (let i = 0; i < n && links.length < summary.link_count; i++) add(i, (i + 1) % n);
  for (let j = 2; links.length < summary.link_count && j < n; j++) {
    for (let i = 0; i < n && links.length < summary.link_count; i += 2) add(i, (i + j) % n);
  }
  return { name: summary.name, node_count: n, link_count: links.length, line_count: links.length * 2, nodes, links };
}
