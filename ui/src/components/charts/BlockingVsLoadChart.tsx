import { useCallback, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type uPlot from 'uplot';
import { blockingVsLoadToSVG, formatProbability, loadChartNotes, loadColumns, loadScale, type LoadColumns, type LoadSeries, type SvgOptions } from '../../lib/chartData';
import { atLeastFloor, axisFraction } from '../../lib/chartScale';
import { readChartColors, useDocumentTheme } from '../../lib/chartTheme';
import { ChartNotes } from './ChartNotes';
import { lineUnlessEmpty, loadAxis, paddedX, probabilityAxis, useUplot, yRange, type ChartHandle } from './useUplot';

export type { LoadPoint, LoadSeries } from '../../lib/chartData';

export interface BlockingVsLoadHandle extends ChartHandle {
  /** The chart as a standalone SVG document (light colours unless given). */
  toSVG(opts?: SvgOptions): string;
}

export interface BlockingVsLoadChartProps {
  /** One series per run (or configuration); each point a load with its mean and interval. */
  series: readonly LoadSeries[];
  /** Logarithmic y axis; falls back to linear when nothing is above zero. */
  logScale?: boolean;
  /** Height of the plot area in px (the legend comes below it); default 300. */
  height?: number;
  /** Confidence intervals as error bars (default) or translucent bands (clearer when curves overlap). */
  ciStyle?: 'bars' | 'bands';
  ref?: Ref<BlockingVsLoadHandle>;
}

/** Mean blocking probability against load (Erlang), with confidence-interval error bars. */
export function BlockingVsLoadChart({ series, logScale = false, height = 300, ciStyle = 'bars', ref }: BlockingVsLoadChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useDocumentTheme();
  // The axis actually drawn: a log axis with nothing above zero is linear.
  const scale = useMemo(() => loadScale(series, logScale), [series, logScale]);
  const log = scale.log;
  const notes = useMemo(() => loadChartNotes(series, scale), [series, scale]);
  const lc = useMemo(() => loadColumns(series, log), [series, log]);
  const lcRef = useRef(lc);
  lcRef.current = lc;
  const seriesRef = useRef(series);
  seriesRef.current = series;
  const data = lc.columns as uPlot.AlignedData;
  const labelsKey = JSON.stringify(series.map((s) => s.label));

  const makeOptions = useCallback(
    ({ width, height: h }: { width: number; height: number }): uPlot.Options => {
      const colors = readChartColors();
      const labels: string[] = JSON.parse(labelsKey);
      const draw = (u: uPlot) => {
        const ctx = u.ctx;
        const { left, top, width: bw, height: bh } = u.bbox;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, bw, bh);
        ctx.clip();
        if (ciStyle === 'bands') drawBands(u, lcRef.current, colors.series, log);
        else drawErrorBars(u, lcRef.current, colors.series, log);
        ctx.restore();
        // A marker at an end of the axis (zero blocking on a linear axis
        // from 0) sits on the plot's edge: clipped to the plot it would be a
        // half circle, unlike uPlot's own markers beside it. Its clip is the
        // plot grown by one marker.
        const reach = markerReach();
        ctx.save();
        ctx.beginPath();
        ctx.rect(left - reach, top - reach, bw + 2 * reach, bh + 2 * reach);
        ctx.clip();
        drawPartialMarkers(u, lcRef.current, colors.series, colors.background, log);
        ctx.restore();
      };
      return {
        width,
        height: h,
        cursor: { drag: { x: true, y: true, uni: 30 }, points: { size: 8 } },
        legend: { live: true },
        scales: {
          x: { time: false, range: paddedX },
          y: {
            distr: log ? 3 : 1,
            log: 10,
            // Fitted to the points in view, intervals included.
            range: yRange(log, (u) => {
              const x = u.scales.x;
              const inView = loadScale(seriesRef.current, log, x.min ?? -Infinity, x.max ?? Infinity);
              // Nothing in view, or only zeros on a log axis: keep the whole data's range.
              return inView.fitted > 0 && inView.log === log ? inView : loadScale(seriesRef.current, log);
            }),
          },
        },
        axes: [loadAxis(colors, 'Load (Erlang)'), probabilityAxis(colors, log)],
        series: [
          { label: 'Load', value: (_u, v) => (v == null ? '—' : `${v} E`) },
          ...labels.map(
            (label, i): uPlot.Series => ({
              label,
              stroke: colors.series[i % colors.series.length],
              width: 1.6,
              spanGaps: true,
              paths: lineUnlessEmpty(),
              // Whole loads as filled markers; partial ones are drawn hollow in the draw hook.
              points: {
                show: true,
                size: 7,
                width: 1.6,
                fill: colors.series[i % colors.series.length],
                filter: (_u, sidx) => wholePoints(lcRef.current, sidx),
              },
              value: (_u, v, sidx, idx) => {
                if (v == null) return '—';
                const c = idx == null ? null : lcRef.current.ci[sidx - 1]?.[idx];
                const part = idx != null && lcRef.current.partial[sidx - 1]?.[idx] ? ' (partial)' : '';
                return (c ? `${formatProbability(v)} [${formatProbability(c[0])}, ${formatProbability(c[1])}]` : formatProbability(v)) + part;
              },
            }),
          ),
        ],
        hooks: { draw: [draw] },
      };
    },
    [labelsKey, log, ciStyle],
  );
  const background = useCallback(() => readChartColors().background, []);
  const legend = useCallback(() => {
    const colors = readChartColors();
    return { entries: seriesRef.current.map((s, i) => ({ label: s.label, color: colors.series[i % colors.series.length] })), notes: loadChartNotes(seriesRef.current, loadScale(seriesRef.current, logScale)) };
  }, [logScale]);
  const { zoomed, resetZoom, toPNG } = useUplot(container, makeOptions, data, `${theme}|${log}|${labelsKey}|${ciStyle}`, height, background, legend);
  useImperativeHandle(
    ref,
    () => ({
      toPNG,
      resetZoom,
      toSVG: (opts?: SvgOptions) => blockingVsLoadToSVG(seriesRef.current, { logScale, bands: ciStyle === 'bands', ...opts }),
    }),
    [toPNG, resetZoom, logScale, ciStyle],
  );

  return (
    <div className="chart" data-testid="chart-vs-load" data-log={log ? 'true' : 'false'}>
      {zoomed && (
        <button type="button" className="btn btn-xs chart-reset" data-testid="chart-reset-zoom" onClick={resetZoom}>
          Reset zoom
        </button>
      )}
      <div ref={container} className="chart-plot" />
      {series.length === 0 && <div className="chart-empty muted">No results yet.</div>}
      <ChartNotes notes={notes} />
    </div>
  );
}

/** Indices of the series' points that are whole loads (not partial). */
function wholePoints(lc: LoadColumns, sidx: number): number[] {
  const ys = lc.columns[sidx] as (number | null)[] | undefined;
  const part = lc.partial[sidx - 1] ?? [];
  const out: number[] = [];
  ys?.forEach((y, i) => y !== null && !part[i] && out.push(i));
  return out;
}

/** A y value's canvas position on the current scale, finite whatever the value (floored on a log axis). */
function yPos(u: uPlot, v: number, log: boolean): number {
  const { top, height } = u.bbox;
  const min = u.scales.y.min ?? 0;
  const max = u.scales.y.max ?? 1;
  return top + (1 - axisFraction(atLeastFloor(v, { min, log }), min, max, log)) * height;
}

function xPos(u: uPlot, v: number): number {
  const { left, width } = u.bbox;
  const min = u.scales.x.min ?? 0;
  const max = u.scales.x.max ?? 1;
  return left + axisFraction(v, min, max, false) * width;
}

/** The interval of a point as drawn: none on a log axis when it lies wholly at or below the floor. */
function drawnInterval(c: [number, number] | null | undefined, u: uPlot, log: boolean): [number, number] | null {
  if (!c) return null;
  if (log && !(c[1] > (u.scales.y.min ?? 0))) return null;
  return c;
}

function drawErrorBars(u: uPlot, lc: LoadColumns, palette: string[], log: boolean) {
  const ctx = u.ctx;
  const xs = u.data[0];
  const px = window.devicePixelRatio || 1;
  ctx.lineWidth = 1.3 * px;
  for (let s = 1; s < u.series.length; s++) {
    if (!u.series[s].show) continue;
    ctx.strokeStyle = palette[(s - 1) % palette.length];
    ctx.beginPath();
    for (let i = 0; i < xs.length; i++) {
      const c = drawnInterval(lc.ci[s - 1]?.[i], u, log);
      if (!c) continue;
      const x = xPos(u, xs[i]);
      const lo = yPos(u, c[0], log);
      const hi = yPos(u, c[1], log);
      const cap = 4 * px;
      ctx.moveTo(x, lo);
      ctx.lineTo(x, hi);
      ctx.moveTo(x - cap, lo);
      ctx.lineTo(x + cap, lo);
      ctx.moveTo(x - cap, hi);
      ctx.lineTo(x + cap, hi);
    }
    ctx.stroke();
  }
}

/** Each series' confidence interval as a translucent band between its low and high bounds (a gap where a load has none). */
function drawBands(u: uPlot, lc: LoadColumns, palette: string[], log: boolean) {
  const ctx = u.ctx;
  const xs = u.data[0];
  ctx.globalAlpha = 0.16;
  for (let s = 1; s < u.series.length; s++) {
    if (!u.series[s].show) continue;
    ctx.fillStyle = palette[(s - 1) % palette.length];
    const bounds = (lc.ci[s - 1] ?? []).map((c) => drawnInterval(c, u, log));
    let i = 0;
    while (i < xs.length) {
      if (!bounds[i]) {
        i++;
        continue;
      }
      const run: number[] = [];
      while (i < xs.length && bounds[i]) run.push(i++);
      ctx.beginPath();
      if (run.length === 1) {
        // A lone point: a narrow bar, so its interval still shows.
        const x = xPos(u, xs[run[0]]);
        const [lo, hi] = bounds[run[0]]!;
        ctx.rect(x - 4, yPos(u, hi, log), 8, yPos(u, lo, log) - yPos(u, hi, log));
      } else {
        run.forEach((k, j) => {
          const x = xPos(u, xs[k]);
          const y = yPos(u, bounds[k]![1], log);
          if (j === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        for (let j = run.length - 1; j >= 0; j--) {
          const k = run[j];
          ctx.lineTo(xPos(u, xs[k]), yPos(u, bounds[k]![0], log));
        }
        ctx.closePath();
      }
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
}

const MARKER_RADIUS = 4;
const MARKER_LINE = 1.8;

/** How far a hollow marker reaches from its centre, stroke included, in canvas px. */
function markerReach(): number {
  return (MARKER_RADIUS + MARKER_LINE) * (window.devicePixelRatio || 1);
}

/** Partial loads as hollow markers on the theme background. */
function drawPartialMarkers(u: uPlot, lc: LoadColumns, palette: string[], background: string, log: boolean) {
  const ctx = u.ctx;
  const xs = u.data[0];
  const px = window.devicePixelRatio || 1;
  const r = MARKER_RADIUS * px;
  ctx.lineWidth = MARKER_LINE * px;
  ctx.fillStyle = background;
  for (let s = 1; s < u.series.length; s++) {
    if (!u.series[s].show) continue;
    const ys = u.data[s] as (number | null)[];
    const part = lc.partial[s - 1] ?? [];
    ctx.strokeStyle = palette[(s - 1) % palette.length];
    for (let i = 0; i < xs.length; i++) {
      const y = ys[i];
      if (!part[i] || y === null || y === undefined) continue;
      ctx.beginPath();
      ctx.arc(xPos(u, xs[i]), yPos(u, y, log), r, 0, 2 * Math.PI);
      ctx.fill();
      ctx.stroke();
    }
  }
}
