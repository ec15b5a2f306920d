// Data shaping and SVG export for the blocking-probability charts; their
// axes come from chartScale. Pure functions: no DOM, no uPlot.

import {
  axisFraction,
  axisTicks,
  formatProbability,
  formatTick,
  probabilityScale,
  scaleNotes,
  valueRange,
  VALUE_LIMIT,
  type ProbabilityScale,
} from './chartScale';

export { formatProbability } from './chartScale';

/** Blocking probability per iteration for one traffic load. */
export interface IterationSeries {
  /** Traffic load in Erlang. */
  load: number;
  /** `values[k]` is the blocking probability after iteration k + 1; null when not known yet. */
  values: ReadonlyArray<number | null>;
}

/** Mean blocking probability at one load, with an optional confidence interval. */
export interface LoadPoint {
  load: number;
  mean: number | null;
  ciLow?: number | null;
  ciHigh?: number | null;
  /** The load was cut short (the run was stopped before it ended): drawn as a hollow marker. */
  partial?: boolean;
}

export interface LoadSeries {
  label: string;
  points: ReadonlyArray<LoadPoint>;
}

type Num = number | null | undefined;

export type Columns = [number[], ...(number | null)[][]];

/**
 * A value the chart can draw, or null (a gap): finite, above zero on a log
 * scale, and of a magnitude whose pixel position cannot overflow.
 */
export function forScale(v: number | null | undefined, log: boolean): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  if (log && v <= 0) return null;
  return Math.max(-VALUE_LIMIT, Math.min(VALUE_LIMIT, v));
}

/** uPlot columns for the iterations chart: x = 1…n, one column per load. */
export function iterationColumns(series: readonly IterationSeries[], log = false): Columns {
  const n = series.reduce((m, s) => Math.max(m, s.values.length), 0);
  const x = Array.from({ length: n }, (_, i) => i + 1);
  return [x, ...series.map((s) => x.map((_, i) => forScale(s.values[i], log)))];
}

export interface LoadColumns {
  columns: Columns;
  /** Per series, per x index: [low, high] or null. */
  ci: ([number, number] | null)[][];
  /** Per series, per x index: whether the point is partial. */
  partial: boolean[][];
}

/** uPlot columns for the vs-load chart: x = every load of any series, sorted. */
export function loadColumns(series: readonly LoadSeries[], log = false): LoadColumns {
  const loads = [...new Set(series.flatMap((s) => s.points.map((p) => p.load)).filter(Number.isFinite))].sort((a, b) => a - b);
  const index = new Map(loads.map((l, i) => [l, i]));
  const columns: Columns = [loads];
  const ci: ([number, number] | null)[][] = [];
  const partial: boolean[][] = [];
  for (const s of series) {
    const ys: (number | null)[] = loads.map(() => null);
    const cis: ([number, number] | null)[] = loads.map(() => null);
    const part: boolean[] = loads.map(() => false);
    for (const p of s.points) {
      const i = index.get(p.load);
      if (i === undefined) continue;
      ys[i] = forScale(p.mean, log);
      part[i] = isPartial(p);
      const lo = p.ciLow;
      const hi = p.ciHigh;
      const meanKnown = typeof p.mean === 'number' && Number.isFinite(p.mean);
      if (meanKnown && lo !== null && lo !== undefined && hi !== null && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)) {
        cis[i] = [Math.min(lo, hi), Math.max(lo, hi)];
      }
    }
    columns.push(ys);
    ci.push(cis);
    partial.push(part);
  }
  return { columns, ci, partial };
}

/** The y scale of the vs-load chart over the points with a load in [xMin, xMax]: means and interval ends. */
export function loadScale(series: readonly LoadSeries[], log: boolean, xMin = -Infinity, xMax = Infinity): ProbabilityScale {
  const means: Num[] = [];
  const ends: Num[] = [];
  for (const s of series) {
    for (const p of s.points) {
      if (!(p.load >= xMin && p.load <= xMax)) continue;
      means.push(p.mean);
      if (p.mean === null || p.mean === undefined) continue;
      // On a log axis an interval wholly at or below zero (a load with no
      // blocking at all: 0 ± 0) is not drawn, so none of its ends is drawn
      // at the floor either.
      if (log && !(isAboveZero(p.ciLow) || isAboveZero(p.ciHigh))) continue;
      ends.push(p.ciLow, p.ciHigh);
    }
  }
  return probabilityScale(means, ends, log);
}

const isAboveZero = (v: Num) => typeof v === 'number' && v > 0;

/** The y scale of the iterations chart over iterations [xMin, xMax] (1-based). */
export function iterationScale(series: readonly IterationSeries[], log: boolean, xMin = -Infinity, xMax = Infinity): ProbabilityScale {
  const values: Num[] = [];
  for (const s of series) s.values.forEach((v, k) => k + 1 >= xMin && k + 1 <= xMax && values.push(v));
  return probabilityScale(values, [], log);
}

/** Whether a load point is partial: its load was cut short (a cancel, a failure) before it ended. */
export function isPartial(p: object): boolean {
  const r = p as { partial?: unknown; reason?: unknown };
  return r.partial === true || r.reason === 'interrupted';
}

// ---- SVG export --------------------------------------------------------------

export interface SvgColors {
  background: string;
  text: string;
  muted: string;
  grid: string;
  axis: string;
  series: string[];
}

export const LIGHT_SVG_COLORS: SvgColors = {
  background: '#ffffff',
  text: '#1a1e24',
  muted: '#687282',
  grid: '#e6e9ee',
  axis: '#9aa3b0',
  series: ['#2f6bf0', '#e0443a', '#1f9d55', '#d98a0b', '#7c3aed', '#0e8fa8', '#d63384', '#5b6b00'],
};

export interface SvgOptions {
  width?: number;
  height?: number;
  logScale?: boolean;
  title?: string;
  colors?: SvgColors;
  xLabel?: string;
  yLabel?: string;
  /** Confidence intervals as translucent bands instead of error bars. */
  bands?: boolean;
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const r2 = (v: number) => Math.round(v * 100) / 100;

/** The notes a vs-load chart shows under itself: what the log axis leaves out, what a hollow marker means. */
export function loadChartNotes(series: readonly LoadSeries[], scale: ProbabilityScale): string[] {
  const notes = scaleNotes(scale, { value: 'load', values: 'loads' });
  if (series.some((s) => s.points.some(isPartial))) notes.push('Hollow marker: a partial load, cut short before it ended.');
  return notes;
}

/** A standalone SVG document of the blocking-vs-load chart (for "export plot as SVG"). */
export function blockingVsLoadToSVG(series: readonly LoadSeries[], opts: SvgOptions = {}): string {
  const width = opts.width ?? 720;
  const c = opts.colors ?? LIGHT_SVG_COLORS;
  const scale = loadScale(series, opts.logScale ?? false);
  const log = scale.log;
  const notes = loadChartNotes(series, scale);
  const height = (opts.height ?? 440) + notes.length * 16;
  const lc = loadColumns(series, log);
  const xs = lc.columns[0];
  const legendH = series.length > 0 ? 22 : 0;
  const top = (opts.title ? 34 : 14) + legendH;
  const m = { left: 74, right: 24, top, bottom: 52 + notes.length * 16 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;

  const [x0, x1] = valueRange(xs, 0.04);
  const { min: y0, max: y1 } = scale;
  const px = (v: number) => m.left + axisFraction(v, x0, x1, false) * pw;
  const py = (v: number) => m.top + ph - axisFraction(v, y0, y1, log) * ph;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="${c.background}"/>`);
  if (opts.title) out.push(`<text x="${m.left}" y="20" font-size="14" font-weight="600" fill="${c.text}">${esc(opts.title)}</text>`);

  // Grid and tick labels.
  for (const v of axisTicks(y0, y1, log, ph, 45)) {
    const y = r2(py(v));
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="${c.grid}" stroke-width="1"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${c.muted}">${esc(formatProbability(v))}</text>`);
  }
  for (const v of axisTicks(x0, x1, false, pw, 70)) {
    const x = r2(px(v));
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="${c.grid}" stroke-width="1"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle" fill="${c.muted}">${esc(formatTick(v))}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="${c.axis}" stroke-width="1"/>`);

  // Axis labels.
  out.push(`<text x="${m.left + pw / 2}" y="${m.top + ph + 40}" text-anchor="middle" font-size="12" fill="${c.text}">${esc(opts.xLabel ?? 'Load (Erlang)')}</text>`);
  out.push(
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" dominant-baseline="middle" font-size="12" fill="${c.text}">${esc(opts.yLabel ?? `Blocking probability${log ? ' (log)' : ''}`)}</text>`,
  );

  // Series: line, intervals, markers (hollow where the load is partial).
  out.push(`<clipPath id="plot"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
  out.push(`<g clip-path="url(#plot)">`);
  series.forEach((_, si) => {
    const color = c.series[si % c.series.length];
    const ys = lc.columns[si + 1] as (number | null)[];
    let d = '';
    let pen = false;
    ys.forEach((y, i) => {
      if (y === null) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${r2(px(xs[i]))} ${r2(py(y))}`;
      pen = true;
    });
    if (d) out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="1.6"/>`);
    const cis = lc.ci[si].map((ci) => (ci && (!log || ci[1] > y0) ? ci : null));
    if (opts.bands) {
      out.push(...svgBands(cis, xs, px, py, color));
    } else {
      cis.forEach((ci, i) => {
        if (!ci) return;
        const x = r2(px(xs[i]));
        const a = r2(py(ci[0]));
        const b = r2(py(ci[1]));
        out.push(`<path d="M${x} ${a}V${b}M${x - 4} ${a}H${x + 4}M${x - 4} ${b}H${x + 4}" stroke="${color}" stroke-width="1.2" fill="none"/>`);
      });
    }
    ys.forEach((y, i) => {
      if (y === null) return;
      const hollow = lc.partial[si][i];
      out.push(
        `<circle cx="${r2(px(xs[i]))}" cy="${r2(py(y))}" r="${hollow ? 3.6 : 3.2}" fill="${hollow ? c.background : color}" stroke="${color}" stroke-width="1.6"${hollow ? ' data-partial="true"' : ''}/>`,
      );
    });
  });
  out.push(`</g>`);

  // Legend above the plot.
  let lx = m.left;
  const ly = top - legendH + 4;
  series.forEach((s, si) => {
    const color = c.series[si % c.series.length];
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly + 5}" y2="${ly + 5}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<circle cx="${lx + 9}" cy="${ly + 5}" r="3" fill="${color}" stroke="${color}" stroke-width="1.6"/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 5}" dominant-baseline="middle" fill="${c.text}">${esc(s.label)}</text>`);
    lx += 24 + s.label.length * 6.5 + 18;
  });

  // Notes under the axis label.
  notes.forEach((n, i) => {
    out.push(`<text x="${m.left}" y="${m.top + ph + 58 + i * 16}" font-size="11" fill="${c.muted}" data-note="true">${esc(n)}</text>`);
  });

  out.push('</svg>');
  return out.join('\n');
}
/** Translucent band paths of one series' intervals, split where a load has none. */
function svgBands(ci: ([number, number] | null)[], xs: number[], px: (v: number) => number, py: (v: number) => number, color: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < xs.length) {
    if (!ci[i]) {
      i++;
      continue;
    }
    const run: number[] = [];
    while (i < xs.length && ci[i]) run.push(i++);
    let d: string;
    if (run.length === 1) {
      const [lo, hi] = ci[run[0]]!;
      const x = r2(px(xs[run[0]]));
      d = `M${x - 4} ${r2(py(hi))}H${x + 4}V${r2(py(lo))}H${x - 4}Z`;
    } else {
      d = run.map((k, j) => `${j === 0 ? 'M' : 'L'}${r2(px(xs[k]))} ${r2(py(ci[k]![1]))}`).join('');
      d += [...run].reverse().map((k) => `L${r2(px(xs[k]))} ${r2(py(ci[k]![0]))}`).join('') + 'Z';
    }
    out.push(`<path d="${d}" fill="${color}" fill-opacity="0.16" stroke="none"/>`);
  }
  return out;
}
