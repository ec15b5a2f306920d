// The in-memory backend's templates, configs, networks and simulator checks.

import type { ConfigKey } from '../bindings/ConfigKey';
import type { DeskError } from '../bindings/DeskError';
import type { Diagnostic } from '../bindings/Diagnostic';
import type { ImportedConfig } from '../bindings/ImportedConfig';
import type { LinkView } from '../bindings/LinkView';
import type { NetworkSummary } from '../bindings/NetworkSummary';
import type { NetworkView } from '../bindings/NetworkView';
import type { NodeView } from '../bindings/NodeView';
import type { SimulatorCheck } from '../bindings/SimulatorCheck';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import type { ValidationReport } from '../bindings/ValidationReport';
import { getKey, parseIni } from '../lib/ini';

// ---------------------------------------------------------------- memory

export const MEMORY_BUILTIN_TEMPLATES: TemplateInfo[] = [
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

export const MEMORY_NETWORKS: NetworkSummary[] = NETWORKS.map(([name, file, node_count, link_count, core_node_count]) => ({
  name,
  file,
  node_count,
  link_count,
  core_node_count,
}));

/** A template text like the bundled ones (comments included). */
export function memoryTemplateText(name: string): string {
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

export const MEMORY_SCHEMA: ConfigKey[] = [
  key('general_settings', 'erlang_start', 'float', 'First offered load of the sweep, in Erlang (arrival rate = erlang / holding_time).', { min: 0, default: '300' }),
  key('general_settings', 'erlang_stop', 'float', 'Last offered load, inclusive; at least erlang_start.', { min: 0, default: '500' }),
  key('general_settings', 'erlang_step', 'float', 'Increment between two loads of the sweep.', { min: 0, min_exclusive: true, default: '100' }),
  key('general_settings', 'holding_time', 'float', 'Mean holding time of a connection (exponentially distributed).', { min: 0, min_exclusive: true, default: '0.2' }),
  key('general_settings', 'num_requests', 'int', 'Connection requests per iteration.', { min: 1, default: '100' }),
  key('general_settings', 'max_iters', 'int', 'Iterations per load (seeds 1, 2, …); the confidence-interval rule may stop earlier.', { min: 1, default: '2' }),
  key('general_settings', 'guard_slots', 'int', 'Guard slots above each lightpath: 0 or 1 (FUSION is inconsistent with 2 or more).', { min: 0, max: 1, default: '1' }),
  key('general_settings', 'max_segments', 'int', 'Most slices a request may be split into when it fits nowhere whole; 1 turns slicing off.', { min: 1, default: '4' }),
  key('topology_settings', 'network', 'str', 'Network topology by FUSION name.', { allowed: MEMORY_NETWORKS.map((n) => n.name), default: 'NSFNet' }),
  key('topology_settings', 'cores_per_link', 'int', 'Cores per fibre; each core is an independent spectrum.', { min: 1, default: '3' }),
  key('routing_settings', 'k_paths', 'int', 'Candidate paths of k-shortest-path routing (3 when absent).', { min: 1, default: '3', required: false, engine_required: false }),
  key('rl_settings', 'is_training', 'bool', 'False: confidence interval computed and early stop; True: every iteration runs and the blocking statistics in the results are null.', { default: 'False' }),
];

function lineOf(text: string, section: string, name: string): number | null {
  const e = parseIni(text).entries.find((x) => x.section === section && x.key.toLowerCase() === name);
  return e ? e.line + 1 : null;
}

/** A small version of the core's checks: enough for tests and the demo. */
export function memoryValidate(text: string, simulator: ValidationReport['simulator'] = 'embedded'): ValidationReport {
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  for (const l of parseIni(text).invalidLines) errors.push({ path: '', line: l, message: 'not a section header, key = value, or comment' });
  const nums = new Map<string, number>();
  for (const k of MEMORY_SCHEMA) {
    const raw = getKey(text, k.section, k.key);
    const path = `${k.section}.${k.key}`;
    const line = lineOf(text, k.section, k.key);
    if (raw === undefined) {
      if (k.required) errors.push({ path, line: null, message: `${k.key} is missing` });
      continue;
    }
    if (k.value_type === 'int' || k.value_type === 'float') {
      const n = raw.trim() === '' ? NaN : Number(raw);
      if (!Number.isFinite(n) || (k.value_type === 'int' && !Number.isInteger(n))) {
        errors.push({ path, line, message: `${k.key} must be ${k.value_type === 'int' ? 'a whole number' : 'a number'}, not ${JSON.stringify(raw)}` });
        continue;
      }
      if ((k.min !== null && (k.min_exclusive ? n <= k.min : n < k.min)) || (k.max !== null && n > k.max)) {
        errors.push({ path, line, message: `${k.key} must be ${k.range}, not ${raw}` });
        continue;
      }
      nums.set(k.key, n);
    } else if (k.value_type === 'bool' && !/^(true|false|yes|no|1|0|on|off)$/i.test(raw.trim())) {
      errors.push({ path, line, message: `${k.key} must be True or False, not ${JSON.stringify(raw)}` });
    } else if (k.key === 'network' && !k.allowed.includes(raw.trim())) {
      errors.push({ path, line, message: `unknown network ${JSON.stringify(raw)}; known networks: ${k.allowed.join(', ')}` });
    }
  }
  const start = nums.get('erlang_start');
  const stop = nums.get('erlang_stop');
  const step = nums.get('erlang_step');
  if (start !== undefined && stop !== undefined && stop < start) {
    errors.push({
      path: 'general_settings.erlang_stop',
      line: lineOf(text, 'general_settings', 'erlang_stop'),
      message: `erlang_stop (${stop}) is below erlang_start (${start}): no load would run`,
    });
  }
  if (nums.get('k_paths') !== undefined && (nums.get('k_paths') ?? 0) > 10) {
    warnings.push({ path: 'routing_settings.k_paths', line: lineOf(text, 'routing_settings', 'k_paths'), message: 'more than 10 candidate paths makes routing slow' });
  }
  let summary: ValidationReport['summary'] = null;
  const iters = nums.get('max_iters');
  const reqs = nums.get('num_requests');
  if (start !== undefined && stop !== undefined && step !== undefined && stop >= start && iters !== undefined && reqs !== undefined) {
    const loads: number[] = [];
    for (let e = start; e <= stop + 1e-9 && loads.length < 1000; e += step) loads.push(e);
    const total = loads.length * iters * reqs;
    const embedded = 0.5 + (iters * reqs) / 20000;
    const fusion = 3 + total / 800;
    summary = {
      network: getKey(text, 'topology_settings', 'network') ?? null,
      loads,
      load_count: loads.length,
      iterations: iters,
      requests_per_iteration: reqs,
      total_requests: total,
      text: `${loads.length} load${loads.length === 1 ? '' : 's'} × ${iters} iteration${iters === 1 ? '' : 's'} × ${reqs} requests`,
      embedded_seconds: embedded,
      fusion_seconds: fusion,
      estimate_seconds: simulator === 'embedded' ? embedded : fusion,
    };
  }
  return { valid: errors.length === 0, errors, warnings, summary, simulator };
}

/** A deterministic ring-with-chords layout for the demo networks. */
export function memoryNetworkView(summary: NetworkSummary): NetworkView {
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

export type MemorySetupOptions = {
  /** The user's templates (name → text); built-ins come from MEMORY_BUILTIN_TEMPLATES. */
  userTemplates?: Record<string, string>;
  builtins?: TemplateInfo[];
  /** What the simulator check answers; by default the embedded engine is found. */
  check?: (command: string | null) => SimulatorCheck;
  /** What the open dialog "picks"; null = cancelled. */
  pick?: SimulatorCheck | null;
  /** What the import dialog returns. */
  imported?: { path: string; text: string } | null;
  /** What the export dialog returns (null = cancelled); default `/home/researcher/<fileName>`. */
  exportPath?: string | null;
  /** Which simulator validation is for. */
  simulator?: ValidationReport['simulator'];
};

const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 _.-]{0,63}$/;

function failure(code: DeskError['code'], message: string): DeskError {
  return { code, message };
}

function describe(text: string): string {
  for (const raw of text.split(/\r?\n/)) {
    const l = raw.trim();
    if (l !== '' && !l.startsWith('#') && !l.startsWith(';')) break;
    const words = l.replace(/^[#;]+/, '').trim();
    if (/[A-Za-z0-9]/.test(words)) return words;
  }
  return '';
}

export class MemorySetup {
  private user = new Map<string, string>();
  private builtins: TemplateInfo[];
  private options: MemorySetupOptions;

  constructor(options: MemorySetupOptions = {}) {
    this.options = options;
    this.builtins = options.builtins ?? MEMORY_BUILTIN_TEMPLATES;
    for (const [n, t] of Object.entries(options.userTemplates ?? {})) this.user.set(n, t);
  }

  /** Changes what the next dialogs return. */
  setDialogs(patch: Pick<MemorySetupOptions, 'imported' | 'exportPath' | 'pick'>): void {
    this.options = { ...this.options, ...patch };
  }

  userTemplate(name: string): string | undefined {
    return this.user.get(name);
  }

  private handle<T>(_method: string, _args: unknown[], body: () => T): T {
    return body();
  }

  private checkNewName(name: string): void {
    if (name.includes('/') || name.includes('\\') || name.includes('..')) {
      throw failure('forbidden_path', `template name ${JSON.stringify(name)} would leave the templates folder`);
    }
    if (!NAME_RE.test(name) || /[ .]$/.test(name)) {
      throw failure(
        'invalid_input',
        `invalid template name ${JSON.stringify(name)}: use 1 to 64 letters, digits, spaces, '_', '.' or '-', starting with a letter or digit`,
      );
    }
    if (this.builtins.some((t) => t.name === name)) {
      throw failure('invalid_input', `${JSON.stringify(name)} is the name of a built-in template; choose another name`);
    }
  }

  private info(name: string): TemplateInfo {
    return { name, description: describe(this.user.get(name) ?? ''), builtin: false };
  }

  listTemplates(): TemplateInfo[] {
    return this.handle('listTemplates', [], () => [
      ...this.builtins.map((t) => ({ ...t })),
      ...[...this.user.keys()].sort((a, b) => a.localeCompare(b)).map((n) => this.info(n)),
    ]);
  }
  templateText(name: string): string {
    return this.handle('templateText', [name], () => {
      const own = this.user.get(name);
      if (own !== undefined) return own;
      if (this.builtins.some((t) => t.name === name)) return memoryTemplateText(name);
      throw failure('not_found', `no template named ${JSON.stringify(name)}`);
    });
  }
  saveTemplate(name: string, text: string, overwrite: boolean): TemplateInfo {
    return this.handle('saveTemplate', [name, text, overwrite], () => {
      this.checkNewName(name);
      if (!overwrite && this.user.has(name)) throw failure('invalid_input', `a template named ${JSON.stringify(name)} already exists`);
      this.user.set(name, text);
      return this.info(name);
    });
  }
  renameTemplate(from: string, to: string): TemplateInfo {
    return this.handle('renameTemplate', [from, to], () => {
      if (this.builtins.some((t) => t.name === from)) throw failure('invalid_input', `${JSON.stringify(from)} is a built-in template and cannot be renamed`);
      const text = this.user.get(from);
      if (text === undefined) throw failure('not_found', `no template named ${JSON.stringify(from)}`);
      this.checkNewName(to);
      if (this.user.has(to) && to !== from) throw failure('invalid_input', `a template named ${JSON.stringify(to)} already exists`);
      this.user.delete(from);
      this.user.set(to, text);
      return this.info(to);
    });
  }
  deleteTemplate(name: string): void {
    return this.handle('deleteTemplate', [name], () => {
      if (this.builtins.some((t) => t.name === name)) throw failure('invalid_input', `${JSON.stringify(name)} is a built-in template and cannot be deleted`);
      if (!this.user.delete(name)) throw failure('not_found', `no template named ${JSON.stringify(name)}`);
    });
  }
  validateConfig(text: string): ValidationReport {
    return this.handle('validateConfig', [text], () => memoryValidate(text, this.options.simulator ?? 'embedded'));
  }
  configSchema(): ConfigKey[] {
    return this.handle('configSchema', [], () => MEMORY_SCHEMA.map((k) => ({ ...k, allowed: [...k.allowed] })));
  }
  importConfig(): ImportedConfig | null {
    return this.handle('importConfig', [], () => {
      const i = this.options.imported;
      return i === undefined ? { path: '/home/researcher/configs/usnet.ini', text: memoryTemplateText('default').replace('NSFNet', 'USNet') } : i;
    });
  }
  exportConfig(text: string, fileName: string): string | null {
    return this.handle('exportConfig', [text, fileName], () =>
      this.options.exportPath === undefined ? `/home/researcher/${fileName}` : this.options.exportPath,
    );
  }
  networks(): NetworkSummary[] {
    return this.handle('networks', [], () => MEMORY_NETWORKS.map((n) => ({ ...n })));
  }
  network(name: string): NetworkView {
    return this.handle('network', [name], () => {
      const s = MEMORY_NETWORKS.find((n) => n.name === name);
      if (!s) throw failure('not_found', `unknown network ${JSON.stringify(name)}`);
      return memoryNetworkView(s);
    });
  }
  checkSimulator(command: string | null): SimulatorCheck {
    return this.handle('checkSimulator', [command], () => {
      if (this.options.check) return this.options.check(command);
      const c = command?.trim() || '/usr/lib/fusion-desk/fusion-sim';
      if (c.includes('python')) {
        return { command: c, kind: 'fusion_python', ok: true, summary: 'FUSION 6.1.0 (Python 3.11) with the fusion package' };
      }
      if (c.endsWith('fusion-sim')) return { command: c, kind: 'embedded', ok: true, summary: 'fusion-sim 0.1.0 (embedded engine)' };
      return { command: c, kind: null, ok: false, summary: `${c}: no such file or directory` };
    });
  }
  pickSimulator(): SimulatorCheck | null {
    return this.handle('pickSimulator', [], () =>
      this.options.pick === undefined
        ? { command: '/opt/fusion/.venv/bin/python3 -m fusion.cli.run_sim', kind: 'fusion_python', ok: true, summary: 'FUSION 6.1.0 (Python 3.11) with the fusion package' }
        : this.options.pick,
    );
  }
}
