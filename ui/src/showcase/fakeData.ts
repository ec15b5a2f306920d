// Fake data for the component showcase.

import type { FileTreeEntry } from '../components/FileTree';
import type { TopologyLink, TopologyNode } from '../components/TopologyView';
import { NSF_XY } from '../api/fakeRun';

export const FUSION_INI = `# FUSION simulation configuration
[general_settings]
erlang_start = 300
erlang_stop = 1200
erlang_step = 100
max_iters = 20
num_requests = 10000
holding_time = 1.0
guard_slots = 1
; allocation policy
allocation_method = first_fit
k_paths = 3
route_method = k_shortest_path
save_snapshots = False
snapshot_step = 10
print_step = 1

[topology_settings]
network = NSFNet
bw_per_slot = 12.5
cores_per_link = 7
const_link_weight = False

[spectrum_settings]
c_band = 320

[snr_settings]
snr_type = None
xt_type = None
beta = 0.5
input_power = 0.001

[file_settings]
file_type = json
`;

/** NSFNet-like: 14 nodes on a map of the US, 22 links. */
export const NSF_NODES: TopologyNode[] = NSF_XY.map(([x, y], i) => ({ id: String(i), x, y, degree: 0 }));

const RAW_LINKS: [number, number, number, number?][] = [
  [0, 1, 1100],
  [0, 2, 1600],
  [0, 7, 2800],
  [1, 2, 600],
  [1, 3, 1000],
  [2, 5, 2000],
  [3, 4, 600, 640],
  [3, 10, 2400],
  [4, 5, 1100],
  [4, 6, 800],
  [5, 9, 1200],
  [5, 13, 2000],
  [6, 7, 700],
  [7, 8, 700],
  [7, 10, 500],
  [8, 11, 500],
  [8, 12, 500, 520],
  [9, 13, 900],
  [10, 11, 800],
  [11, 12, 300],
  [12, 13, 300],
  [6, 9, 1300],
];

export const NSF_LINKS: TopologyLink[] = RAW_LINKS.map(([a, b, km, rev], i) => ({
  source: String(a),
  target: String(b),
  lengthKm: km,
  lengthKmReverse: rev ?? km,
  usage: i === 2 ? null : Math.round(8 + ((i * 37) % 23) * 5 + (km / 2800) * 20),
}));
for (const l of NSF_LINKS) {
  NSF_NODES[Number(l.source)].degree!++;
  NSF_NODES[Number(l.target)].degree!++;
}

export const ERLANG_JSON = {
  blocking_mean: 0.01234,
  blocking_variance: 2.1e-6,
  ci_rate_block: 0.00091,
  ci_percent_block: 7.37,
  sim_block_list: Array.from({ length: 20 }, (_, i) => Number((0.012 + Math.sin(i) * 0.001).toFixed(5))),
  sim_params: { erlang: 600, network: 'NSFNet', k_paths: 3, 'spectral slots': 320, allocation_method: 'first_fit' },
  link_usage: Object.fromEntries(NSF_LINKS.map((l) => [`(${l.source}, ${l.target})`, { usage_count: l.usage, length: l.lengthKm }])),
  request_log: Array.from({ length: 250 }, (_, i) => ({ id: i, src: i % 14, dst: (i * 5) % 14, blocked: i % 17 === 0, hops: 1 + (i % 4) })),
  notes: null,
  finished: true,
};

export const CSV_HEADER = ['erlang', 'iteration', 'blocking_probability', 'bit_rate_blocking', 'mean_hops', 'mean_path_km', 'modulation'];
export const CSV_ROWS: string[][] = Array.from({ length: 1500 }, (_, i) => {
  const erlang = 300 + Math.floor(i / 20) * 100;
  const it = (i % 20) + 1;
  const b = 0.0004 * Math.exp(erlang / 1900) * (1 + Math.sin(i) * 0.2);
  return [String(erlang), String(it), b.toFixed(6), (b * 0.9).toFixed(6), (2 + (i % 7) / 10).toFixed(2), String(900 + (i % 13) * 55), i % 3 ? 'QPSK' : '16-QAM'];
});

const T = '2025-06-01T12:00:00.000+00:00';

function e(path: string, kind: FileTreeEntry['kind'], size: number | null, modified = T): FileTreeEntry {
  return { name: path.split('/').pop()!, path, kind, size, modified };
}

export const FILE_ROOTS: FileTreeEntry[] = [
  e('run/config.ini', 'file', 712),
  e('run/logs', 'dir', null),
  e('run/output', 'dir', null),
  e('run/latest', 'symlink', 24),
  e('run/topology.txt', 'file', 1893),
];

const CHILDREN: Record<string, FileTreeEntry[]> = {
  'run/logs': [e('run/logs/sim.log', 'file', 262_144_000), e('run/logs/stderr.log', 'file', 0)],
  'run/output': [
    e('run/output/NSFNet', 'dir', null),
    ...Array.from({ length: 12 }, (_, i) => e(`run/output/${300 + i * 100}_erlang.json`, 'file', 48_000 + i * 3_512)),
  ],
  'run/output/NSFNet': [e('run/output/NSFNet/snapshots', 'dir', null), e('run/output/NSFNet/summary.csv', 'file', 1_234_567)],
  'run/output/NSFNet/snapshots': [],
};

export function fakeLoadChildren(path: string): Promise<FileTreeEntry[]> {
  return new Promise((resolve, reject) =>
    setTimeout(() => (path in CHILDREN ? resolve(CHILDREN[path]) : reject(new Error(`cannot list ${path}`))), 250),
  );
}
