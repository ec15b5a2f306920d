// The in-memory backend's share of the history features: the list's filters
// and search, tag rules, and the comparison, computed the way the core does.

import type { Comparison } from '../bindings/Comparison';
import type { ComparePoint } from '../bindings/ComparePoint';
import type { ConfigChange } from '../bindings/ConfigChange';
import type { ComparedRun } from '../bindings/ComparedRun';
import type { ConfigDiffRow } from '../bindings/ConfigDiffRow';
import type { DeskError } from '../bindings/DeskError';
import type { ListQuery } from '../bindings/ListQuery';
import type { ResultsTable } from '../bindings/ResultsTable';
import type { Run } from '../bindings/Run';

const MAX_TAG_CHARS = 40;
const MAX_TAGS = 32;
export const MAX_NOTE_BYTES = 64 * 1024;

function err(code: DeskError['code'], message: string): DeskError {
  return { code, message };
}

export function normalizeTags(raw: string[]): string[] {
  const tags = raw.map((t) => {
    const tag = t.trim().toLowerCase();
    if (!tag) throw err('invalid_input', 'a tag cannot be empty');
    if ([...tag].length > MAX_TAG_CHARS) throw err('invalid_input', `the tag "${tag}" is longer than ${MAX_TAG_CHARS} characters`);
    if (!/^[\p{L}\p{N}\-_.:/+=]+$/u.test(tag)) {
      throw err('invalid_input', `the tag "${tag}" has characters other than letters, digits and - _ . : / + =`);
    }
    return tag;
  });
  const unique = [...new Set(tags)].sort();
  if (unique.length > MAX_TAGS) throw err('invalid_input', `a run has at most ${MAX_TAGS} tags`);
  return unique;
}

/** A `created_before` date covers its whole day, as in the core. */
function dateBound(value: string, upper: boolean): string {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return upper ? `${value}~` : value;
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw err('invalid_input', `"${value}" is not a date (YYYY-MM-DD) or an RFC 3339 time`);
  return d.toISOString().replace('Z', '+00:00');
}

export function runMatches(run: Run, q: ListQuery): boolean {
  const s = q.search?.trim().toLowerCase() ?? '';
  const after = q.created_after?.trim() ? dateBound(q.created_after.trim(), false) : null;
  const before = q.created_before?.trim() ? dateBound(q.created_before.trim(), true) : null;
  return (
    (!q.status || run.status === q.status) &&
    (!q.template || run.template === q.template) &&
    (!q.network || run.network === q.network) &&
    (!q.tag || run.tags.includes(q.tag.toLowerCase())) &&
    (!q.sweep_id?.trim() || run.sweep_id === q.sweep_id.trim()) &&
    (!after || run.created_at >= after) &&
    (!before || run.created_at <= before) &&
    (!s ||
      run.name.toLowerCase().includes(s) ||
      run.id.includes(s) ||
      run.note.toLowerCase().includes(s) ||
      run.tags.some((t) => t.includes(s)))
  );
}

/** `section.key` → value of an INI text (comments and blank lines skipped). */
export function flattenIni(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let section: string | null = null;
  for (const line of text.split('\n')) {
    const t = line.trim();
    const h = /^\[(.+)\]$/.exec(t);
    if (h) {
      section = h[1].trim();
      continue;
    }
    if (!section || !t || t.startsWith('#') || t.startsWith(';') || /^\s/.test(line)) continue;
    const m = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(t);
    if (m) out.set(`${section}.${m[1].toLowerCase()}`, m[2].trim());
  }
  return out;
}

export function configDiff(configs: Map<string, string>[]): ConfigDiffRow[] {
  const keys = [...new Set(configs.flatMap((c) => [...c.keys()]))].sort();
  return keys
    .map((key) => ({ key, values: configs.map((c) => c.get(key) ?? null) }))
    .filter((row) => row.values.some((v) => v !== row.values[0]));
}

export function diffLabels(diff: ConfigDiffRow[], names: string[]): string[] {
  const short = diff.map((d) => d.key.slice(d.key.lastIndexOf('.') + 1));
  const labels = names.map((name, i) => {
    const parts = diff.slice(0, 3).map((d, k) => {
      const key = short.filter((s) => s === short[k]).length > 1 ? d.key : short[k];
      return `${key}=${d.values[i] ?? 'none'}`;
    });
    return parts.length ? parts.join(' · ') : name;
  });
  return labels.map((l, i) => (labels.filter((x) => x === l).length > 1 && l !== names[i] ? `${l} (${names[i]})` : l));
}

/** As the core does: every key whose value in the run is not the template's. */
export function templateChanges(template: string, run: string): ConfigChange[] {
  const t = flattenIni(template);
  const r = flattenIni(run);
  const keys = [...new Set([...t.keys(), ...r.keys()])].sort();
  return keys
    .filter((k) => t.get(k)?.trim() !== r.get(k)?.trim())
    .map((k) => ({ key: k, template: t.get(k) ?? null, run: r.get(k) ?? null }));
}

export function compareRuns(runs: Run[], configs: string[], tables: ResultsTable[]): Comparison {
  // As the core does: the executor counts as a difference like a config key.
  const flat = configs.map((c, i) => flattenIni(c).set('executor', runs[i].executor));
  const diff = configDiff(flat);
  const labels = diffLabels(
    diff,
    runs.map((r) => r.name),
  );
  const compared: ComparedRun[] = runs.map((run, i) => {
    const points: ComparePoint[] = tables[i].rows.map((r) => ({
      erlang: r.erlang,
      mean: r.blocking_mean,
      ci_low: r.blocking_mean !== null && r.ci_rate_block !== null ? Math.max(0, r.blocking_mean - r.ci_rate_block) : null,
      ci_high: r.blocking_mean !== null && r.ci_rate_block !== null ? r.blocking_mean + r.ci_rate_block : null,
      iterations: r.iterations,
      partial: r.partial,
    }));
    const withMean = points.filter((p) => p.mean !== null);
    const last = withMean[withMean.length - 1];
    const started = run.started_at ? Date.parse(run.started_at) : NaN;
    const ended = run.completed_at ? Date.parse(run.completed_at) : NaN;
    const requests = Number(flat[i].get('general_settings.num_requests'));
    return {
      id: run.id,
      name: run.name,
      status: run.status,
      template: run.template,
      label: labels[i],
      points,
      metrics: {
        highest_erlang: last?.erlang ?? null,
        highest_blocking: last?.mean ?? null,
        mean_blocking: withMean.length ? withMean.reduce((a, p) => a + (p.mean ?? 0), 0) / withMean.length : null,
        loads: points.length,
        requests_per_iteration: Number.isFinite(requests) ? requests : null,
        iterations: points.reduce((m, p) => Math.max(m, p.iterations), 0),
        duration_seconds: Number.isFinite(started) && Number.isFinite(ended) ? (ended - started) / 1000 : null,
      },
      problem: withMean.length ? null : run.status === 'PENDING' || run.status === 'RUNNING' ? 'no results yet' : 'the run wrote no results',
    };
  });
  const erlangs = [...new Set(compared.flatMap((r) => r.points.map((p) => p.erlang)))].sort((a, b) => a - b);
  return { runs: compared, erlangs, diff };
}

// ---- the results cache: sorting and filtering by metrics, as the core does ----

type Metric = { kind: 'run'; key: 'mean_blocking' | 'highest_blocking' | 'highest_erlang' | 'bit_rate_blocking' | 'loads' | 'iterations' | 'duration_seconds' } | { kind: 'load'; erlang: number };

const RUN_METRICS: Record<string, Extract<Metric, { kind: 'run' }>['key']> = {
  mean_blocking: 'mean_blocking',
  highest_blocking: 'highest_blocking',
  highest_erlang: 'highest_erlang',
  bit_rate_blocking: 'bit_rate_blocking',
  loads: 'loads',
  iterations: 'iterations',
  duration: 'duration_seconds',
  duration_seconds: 'duration_seconds',
};

function parseMetric(text: string): Metric {
  const t = text.trim().toLowerCase();
  if (t.startsWith('blocking@')) {
    const e = Number(t.slice('blocking@'.length).replace(/e$/, '').trim());
    if (!t.slice('blocking@'.length).trim() || !Number.isFinite(e) || e < 0) {
      throw err('invalid_input', `"${text}": expected blocking@<load in Erlang>, e.g. blocking@900`);
    }
    return { kind: 'load', erlang: e };
  }
  const key = RUN_METRICS[t];
  if (!key) throw err('invalid_input', `unknown metric "${text}"`);
  return { kind: 'run', key };
}

export function metricValue(run: Run, m: Metric): number | null {
  const s = run.metrics;
  if (!s) return null;
  if (m.kind === 'load') return s.per_load.find((l) => l.erlang === m.erlang)?.blocking ?? null;
  return s[m.key] ?? null;
}

type MetricFilter = { metric: Metric; op: '<' | '<=' | '>' | '>=' | '='; value: number };

function parseMetricFilter(text: string): MetricFilter {
  const m = /^\s*([^<>=]+?)\s*(<=|>=|<|>|=)\s*([^%]+?)\s*(%?)\s*$/.exec(text);
  const value = m ? Number(m[3]) : NaN;
  if (!m || !Number.isFinite(value)) throw err('invalid_input', `invalid metric filter "${text}": expected <metric><op><number>, e.g. blocking@900<1%`);
  const metric = parseMetric(m[1]);
  return { metric, op: m[2] as MetricFilter['op'], value: m[4] ? value / 100 : value };
}

export function metricFiltersMatch(run: Run, q: ListQuery): boolean {
  return (q.metric_filters ?? [])
    .filter((f) => f.trim())
    .map(parseMetricFilter)
    .every((f) => {
      const v = metricValue(run, f.metric);
      if (v === null) return false;
      switch (f.op) {
        case '<':
          return v < f.value;
        case '<=':
          return v <= f.value;
        case '>':
          return v > f.value;
        case '>=':
          return v >= f.value;
        default:
          return v === f.value;
      }
    });
}

/** `runs` newest first, ordered by `q.sort`: runs without the value last, ties newest first. */
export function sortRuns(runs: Run[], q: ListQuery): Run[] {
  const sort = q.sort?.trim().toLowerCase() ?? '';
  if (!sort || sort === 'created') return q.descending === false ? [...runs].reverse() : runs;
  const desc = q.descending ?? false;
  const key: (r: Run) => number | string | null = sort === 'name' ? (r) => r.name.toLowerCase() : ((m) => (r: Run) => metricValue(r, m))(parseMetric(sort));
  return [...runs].sort((a, b) => {
    const x = key(a);
    const y = key(b);
    if (x === null || y === null) return x === null ? (y === null ? 0 : 1) : -1;
    const o = x < y ? -1 : x > y ? 1 : 0;
    return desc ? -o : o;
  });
}
