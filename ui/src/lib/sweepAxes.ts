// Sweep axes as the core reads them (crates/core/src/sweeps/axes.rs): a list
// `v1,v2,...`, an inclusive integer range `a..b`, a range with a step
// `a..b:step` (also floats), or a mix. The in-memory backend expands sweeps
// with this; the desktop core does its own expansion and checks.

import type { AxisSpec } from '../bindings/AxisSpec';
import type { SweepAxis } from '../bindings/SweepAxis';
import type { SweepPoint } from '../bindings/SweepPoint';
import { LIMITS } from '../generated/limits';

export const MAX_SWEEP_RUNS = LIMITS.max_sweep_runs;

export class AxisError extends Error {}

function splitTopLevel(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if ('[{('.includes(c)) depth++;
    else if (']})'.includes(c)) depth--;
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

const isInt = (s: string) => /^-?\d+$/.test(s);
const num = (s: string) => (s.trim() !== '' && Number.isFinite(Number(s)) ? Number(s) : null);

function formatFloat(v: number): string {
  const s = v.toFixed(10).replace(/0+$/, '').replace(/\.$/, '');
  return s === '-0' ? '0' : s;
}

function expandRange(item: string): string[] | null {
  const dots = item.indexOf('..');
  if (dots < 0) return null;
  const start = item.slice(0, dots).trim();
  const rest = item.slice(dots + 2);
  const colon = rest.indexOf(':');
  const stop = (colon < 0 ? rest : rest.slice(0, colon)).trim();
  const stepText = colon < 0 ? null : rest.slice(colon + 1).trim();
  const a = num(start);
  const b = num(stop);
  if (a === null || b === null) throw new AxisError(`${JSON.stringify(item)} is not a range: write a..b (inclusive) or a..b:step with numbers`);
  if (b < a) throw new AxisError(`the range ${JSON.stringify(item)} goes backwards`);
  const tooMany = () => new AxisError(`the range ${JSON.stringify(item)} has more than ${MAX_SWEEP_RUNS} values`);
  if (stepText === null) {
    if (!isInt(start) || !isInt(stop)) throw new AxisError(`the range ${JSON.stringify(item)} needs a step for non-integers, e.g. ${start}..${stop}:0.1`);
    if (b - a >= MAX_SWEEP_RUNS) throw tooMany();
    return Array.from({ length: b - a + 1 }, (_, i) => String(a + i));
  }
  const s = num(stepText);
  if (s === null || s <= 0) throw new AxisError(`the step of ${JSON.stringify(item)} must be a number above 0`);
  const n = Math.floor((b - a) / s + 1e-9);
  if (n >= MAX_SWEEP_RUNS) throw tooMany();
  const ints = isInt(start) && isInt(stop) && isInt(stepText);
  return Array.from({ length: n + 1 }, (_, i) => (ints ? String(a + i * s) : formatFloat(a + i * s)));
}

/** One axis with its values; errors name the key (`section.key: why`). */
/**
 * `sectionsOf(key)`: the sections of the schema whose key of that name a
 * simulator reads; a bare key found in exactly one is completed with it
 * (`k_paths` → `routing_settings.k_paths`), as the core does.
 */
export type SectionsOf = (key: string) => string[];

export function parseAxis(spec: AxisSpec, sectionsOf?: SectionsOf): SweepAxis {
  let key = spec.key.trim();
  if (!key.includes('.') && key !== '' && sectionsOf) {
    const found = sectionsOf(key.toLowerCase());
    if (found.length === 1) key = `${found[0]}.${key.toLowerCase()}`;
    else if (found.length > 1) throw new AxisError(`sweep key ${JSON.stringify(key)} is in several sections (${found.map((s) => `${s}.${key.toLowerCase()}`).join(', ')}): write section.key`);
  }
  const dot = key.indexOf('.');
  const valid = (s: string) => /^[A-Za-z0-9_-]+$/.test(s);
  if (dot < 0 || !valid(key.slice(0, dot)) || !valid(key.slice(dot + 1))) {
    throw new AxisError(`sweep key ${JSON.stringify(key)}: the name must be section.key`);
  }
  const section = key.slice(0, dot);
  const name = key.slice(dot + 1).toLowerCase();
  const path = `${section}.${name}`;
  const values: string[] = [];
  for (const raw of splitTopLevel(spec.values)) {
    const item = raw.trim();
    if (!item) throw new AxisError(`${path}: empty value in ${JSON.stringify(spec.values.trim())}`);
    let range: string[] | null;
    try {
      range = expandRange(item);
    } catch (e) {
      throw new AxisError(`${path}: ${(e as Error).message}`);
    }
    values.push(...(range ?? [item]));
    if (values.length > MAX_SWEEP_RUNS) throw new AxisError(`${path}: more than ${MAX_SWEEP_RUNS} values`);
  }
  const seen = new Set<string>();
  for (const v of values) {
    if (seen.has(v)) throw new AxisError(`${path}: the value ${v} is listed twice`);
    seen.add(v);
  }
  return { section, key: name, values };
}

export function parseAxes(specs: AxisSpec[], sectionsOf?: SectionsOf): SweepAxis[] {
  const axes: SweepAxis[] = [];
  for (const spec of specs) {
    const a = parseAxis(spec, sectionsOf);
    if (axes.some((x) => x.section === a.section && x.key === a.key)) {
      throw new AxisError(`${a.section}.${a.key} is varied twice: give all its values in one axis`);
    }
    axes.push(a);
  }
  return axes;
}

export function countRuns(axes: SweepAxis[]): number {
  let n = 1;
  for (const a of axes) {
    n *= a.values.length;
    if (n > MAX_SWEEP_RUNS) {
      throw new AxisError(
        `the sweep would create more than ${MAX_SWEEP_RUNS} runs (${axes.map((x) => `${x.values.length} values of ${x.section}.${x.key}`).join(' × ')})`,
      );
    }
  }
  return n;
}

/** The point at index `i`: the first axis varies slowest. */
export function pointAt(axes: SweepAxis[], i: number): SweepPoint {
  const picks = new Array<number>(axes.length).fill(0);
  for (let k = axes.length - 1; k >= 0; k--) {
    picks[k] = i % axes[k].values.length;
    i = Math.floor(i / axes[k].values.length);
  }
  return {
    overrides: axes.map((a, k) => `${a.section}.${a.key}=${a.values[picks[k]]}`),
    label: axes.map((a, k) => `${a.key}=${a.values[picks[k]]}`).join(', '),
  };
}
