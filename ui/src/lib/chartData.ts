// Data shaping, scales and SVG export for the blocking-probability charts.
// Pure functions: no DOM, no uPlot.

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
}

export interface LoadSeries {
  label: string;
  points: ReadonlyArray<LoadPoint>;
}

export type Columns = [number[], ...(number | null)[][]];

/** A value that a log scale can show (> 0), or null. */
export function forScale(v: number | null | undefined, log: boolean): number | null {
  if (v === null || v === undefined || !Number.isFinite(v)) return null;
  if (log && v <= 0) return null;
  return v;
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
}

/** uPlot columns for the vs-load chart: x = every load of any series, sorted. */
export function loadColumns(series: readonly LoadSeries[], log = false): LoadColumns {
  const loads = [...new Set(series.flatMap((s) => s.points.map((p) => p.load)).filter(Number.isFinite))].sort((a, b) => a - b);
  const index = new Map(loads.map((l, i) => [l, i]));
  const columns: Columns = [loads];
  const ci: ([number, number] | null)[][] = [];
  for (const s of series) {
    const ys: (number | null)[] = loads.map(() => null);
    const cis: ([number, number] | null)[] = loads.map(() => null);
    for (const p of s.points) {
      const i = index.get(p.load);
      if (i === undefined) continue;
      ys[i] = forScale(p.mean, log);
      const lo = p.ciLow;
      const hi = p.ciHigh;
      if (lo !== null && lo !== undefined && hi !== null && hi !== undefined && Number.isFinite(lo) && Number.isFinite(hi)) {
        cis[i] = [Math.min(lo, hi), Math.max(lo, hi)];
      }
    }
    columns.push(ys);
    ci.push(cis);
  }
  return { columns, ci };
}

/** "0.012", "0.5", "1.2e-5": short labels for probabilities. */
export function formatProbability(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3) return v.toExponential(1).replace('.0e', 'e');
  if (a < 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(4)));
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const pow = Math.pow(10, Math.floor(Math.log10(raw)));
  const f = raw / pow;
  const nice = f <= 1.5 ? 1 : f <= 2.25 ? 2 : f <= 3.5 ? 2.5 : f <= 7.5 ? 5 : 10;
  return nice * pow;
}

/** About `count` round tick values covering [min, max]. */
export function linearTicks(min: number, max: number, count = 5): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return [];
  if (max === min) return [min];
  const step = niceStep(max - min, count);
  const first = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  for (let v = first; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** Powers of ten within [min, max] (min > 0). */
export function logTicks(min: number, max: number): number[] {
  if (!(min > 0) || !(max > 0)) return [];
  const out: number[] = [];
  for (let e = Math.floor(Math.log10(min)); e <= Math.ceil(Math.log10(max)); e++) {
    const v = Math.pow(10, e);
    if (v >= min * (1 - 1e-9) && v <= max * (1 + 1e-9)) out.push(v);
  }
  return out;
}

/** Y range for probabilities: padded, never below 0 on a linear scale, whole decades on a log one. */
export function probabilityRange(min: number | null, max: number | null, log: boolean): [number, number] {
  if (min === null || max === null || !Number.isFinite(min) || !Number.isFinite(max)) return log ? [1e-4, 1] : [0, 1];
  if (log) {
    const lo = Math.pow(10, Math.floor(Math.log10(min)));
    let hi = Math.pow(10, Math.ceil(Math.log10(max)));
    if (hi <= lo) hi = lo * 10;
    return [lo, hi];
  }
  if (max === min) return [Math.max(0, min - Math.abs(min) * 0.5 - 1e-3), max + Math.abs(max) * 0.5 + 1e-3];
  const pad = (max - min) * 0.08;
  return [Math.max(0, min - pad), max + pad];
}

/** Min and max of the means and interval ends of the points with x in [xMin, xMax]. */
export function extentWithCi(lc: LoadColumns, xMin = -Infinity, xMax = Infinity): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const xs = lc.columns[0];
  for (let s = 1; s < lc.columns.length; s++) {
    const ys = lc.columns[s] as (number | null)[];
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] < xMin || xs[i] > xMax) continue;
      const y = ys[i];
      if (y !== null) {
        lo = Math.min(lo, y);
        hi = Math.max(hi, y);
      }
      const c = lc.ci[s - 1][i];
      if (c) {
        lo = Math.min(lo, c[0]);
        hi = Math.max(hi, c[1]);
      }
    }
  }
  return lo <= hi ? [lo, hi] : null;
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

/** A standalone SVG document of the blocking-vs-load chart (for "export plot as SVG"). */
export function blockingVsLoadToSVG(series: readonly LoadSeries[], opts: SvgOptions = {}): string {
  const width = opts.width ?? 720;
  const height = opts.height ?? 440;
  const log = opts.logScale ?? false;
  const c = opts.colors ?? LIGHT_SVG_COLORS;
  const lc = loadColumns(series, log);
  const xs = lc.columns[0];
  const legendH = series.length > 0 ? 22 : 0;
  const top = (opts.title ? 34 : 14) + legendH;
  const m = { left: 74, right: 24, top, bottom: 52 };
  const pw = width - m.left - m.right;
  const ph = height - m.top - m.bottom;

  const ext = extentWithCi(lc);
  const [y0, y1] = probabilityRange(ext ? (log ? Math.max(ext[0], Number.MIN_VALUE) : ext[0]) : null, ext ? ext[1] : null, log);
  let x0 = xs.length ? xs[0] : 0;
  let x1 = xs.length ? xs[xs.length - 1] : 1;
  if (x0 === x1) {
    x0 -= 1;
    x1 += 1;
  }
  const xpad = (x1 - x0) * 0.04;
  x0 -= xpad;
  x1 += xpad;
  const px = (v: number) => m.left + ((v - x0) / (x1 - x0)) * pw;
  const py = log
    ? (v: number) => m.top + ph - ((Math.log10(Math.max(v, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * ph
    : (v: number) => m.top + ph - ((v - y0) / (y1 - y0)) * ph;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="11">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="${c.background}"/>`);
  if (opts.title) out.push(`<text x="${m.left}" y="20" font-size="14" font-weight="600" fill="${c.text}">${esc(opts.title)}</text>`);

  // Grid and tick labels.
  const yt = log ? logTicks(y0, y1) : linearTicks(y0, y1, 6);
  for (const v of yt) {
    const y = r2(py(v));
    out.push(`<line x1="${m.left}" x2="${m.left + pw}" y1="${y}" y2="${y}" stroke="${c.grid}" stroke-width="1"/>`);
    out.push(`<text x="${m.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="${c.muted}">${esc(formatProbability(v))}</text>`);
  }
  const xt = linearTicks(x0, x1, Math.max(2, Math.min(10, Math.floor(pw / 70))));
  for (const v of xt) {
    const x = r2(px(v));
    out.push(`<line x1="${x}" x2="${x}" y1="${m.top}" y2="${m.top + ph}" stroke="${c.grid}" stroke-width="1"/>`);
    out.push(`<text x="${x}" y="${m.top + ph + 16}" text-anchor="middle" fill="${c.muted}">${esc(String(Number(v.toPrecision(6))))}</text>`);
  }
  out.push(`<rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}" fill="none" stroke="${c.axis}" stroke-width="1"/>`);

  // Axis labels.
  out.push(`<text x="${m.left + pw / 2}" y="${height - 12}" text-anchor="middle" font-size="12" fill="${c.text}">${esc(opts.xLabel ?? 'Load (Erlang)')}</text>`);
  out.push(
    `<text transform="translate(16 ${m.top + ph / 2}) rotate(-90)" text-anchor="middle" dominant-baseline="middle" font-size="12" fill="${c.text}">${esc(opts.yLabel ?? 'Blocking probability')}</text>`,
  );

  // Series: line, error bars, markers.
  out.push(`<g clip-path="url(#plot)">`);
  out.push(`<clipPath id="plot"><rect x="${m.left}" y="${m.top}" width="${pw}" height="${ph}"/></clipPath>`);
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
    if (opts.bands) {
      out.push(...svgBands(lc.ci[si], xs, px, py, color));
    }
    lc.ci[si].forEach((ci, i) => {
      if (!ci || opts.bands) return;
      const x = r2(px(xs[i]));
      const a = r2(py(ci[0]));
      const b = r2(py(ci[1]));
      out.push(`<path d="M${x} ${a}V${b}M${x - 4} ${a}H${x + 4}M${x - 4} ${b}H${x + 4}" stroke="${color}" stroke-width="1.2" fill="none"/>`);
    });
    ys.forEach((y, i) => {
      if (y === null) return;
      out.push(`<circle cx="${r2(px(xs[i]))}" cy="${r2(py(y))}" r="3.2" fill="${c.background}" stroke="${color}" stroke-width="1.6"/>`);
    });
  });
  out.push(`</g>`);

  // Legend above the plot.
  let lx = m.left;
  const ly = top - legendH + 4;
  series.forEach((s, si) => {
    const color = c.series[si % c.series.length];
    out.push(`<line x1="${lx}" x2="${lx + 18}" y1="${ly + 5}" y2="${ly + 5}" stroke="${color}" stroke-width="2"/>`);
    out.push(`<circle cx="${lx + 9}" cy="${ly + 5}" r="3" fill="${c.background}" stroke="${color}" stroke-width="1.6"/>`);
    out.push(`<text x="${lx + 24}" y="${ly + 5}" dominant-baseline="middle" fill="${c.text}">${esc(s.label)}</text>`);
    lx += 24 + s.label.length * 6.5 + 18;
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
