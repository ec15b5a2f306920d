import { useCallback, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type uPlot from 'uplot';
import {
  blockingVsLoadToSVG,
  extentWithCi,
  formatProbability,
  loadColumns,
  probabilityRange,
  type LoadSeries,
  type SvgOptions,
} from '../../lib/chartData';
import { readChartColors, useDocumentTheme } from '../../lib/chartTheme';
import { axisStyle, paddedX, probabilityAxis, useUplot, type ChartHandle } from './useUplot';

export type { LoadPoint, LoadSeries } from '../../lib/chartData';

export interface BlockingVsLoadHandle extends ChartHandle {
  /** The chart as a standalone SVG document (light colours unless given). */
  toSVG(opts?: SvgOptions): string;
}

export interface BlockingVsLoadChartProps {
  /** One series per run (or configuration); each point a load with its mean and interval. */
  series: readonly LoadSeries[];
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
  const lc = useMemo(() => loadColumns(series, logScale), [series, logScale]);
  const lcRef = useRef(lc);
  lcRef.current = lc;
  const data = lc.columns as uPlot.AlignedData;
  const labelsKey = JSON.stringify(series.map((s) => s.label));

  const makeOptions = useCallback(
    ({ width, height: h }: { width: number; height: number }): uPlot.Options => {
      const colors = readChartColors();
      const labels: string[] = JSON.parse(labelsKey);
      const drawErrorBars = (u: uPlot) => {
        const ci = lcRef.current.ci;
        const xs = u.data[0];
        const ctx = u.ctx;
        const px = window.devicePixelRatio || 1;
        const { left, top, width: bw, height: bh } = u.bbox;
        const yMin = u.scales.y.min ?? 0;
        ctx.save();
        ctx.beginPath();
        ctx.rect(left, top, bw, bh);
        ctx.clip();
        ctx.lineWidth = 1.3 * px;
        if (ciStyle === 'bands') {
          drawBands(u, ci, colors.series, logScale ? yMin : null);
          ctx.restore();
          return;
        }
        for (let s = 1; s < u.series.length; s++) {
          if (!u.series[s].show) continue;
          ctx.strokeStyle = colors.series[(s - 1) % colors.series.length];
          ctx.beginPath();
          for (let i = 0; i < xs.length; i++) {
            const c = ci[s - 1]?.[i];
            if (!c) continue;
            const x = u.valToPos(xs[i], 'x', true);
            const lo = u.valToPos(logScale ? Math.max(c[0], yMin) : c[0], 'y', true);
            const hi = u.valToPos(c[1], 'y', true);
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
            distr: logScale ? 3 : 1,
            log: 10,
            range: (u) => {
              const x = u.scales.x;
              const ext = extentWithCi(lcRef.current, x.min ?? -Infinity, x.max ?? Infinity) ?? extentWithCi(lcRef.current);
              return probabilityRange(ext ? ext[0] : null, ext ? ext[1] : null, logScale);
            },
          },
        },
        axes: [
          { ...axisStyle(colors), label: 'Load (Erlang)', size: 40 },
          probabilityAxis(colors, logScale),
        ],
        series: [
          { label: 'Load', value: (_u, v) => (v == null ? '—' : `${v} E`) },
          ...labels.map(
            (label, i): uPlot.Series => ({
              label,
              stroke: colors.series[i % colors.series.length],
              width: 1.6,
              spanGaps: true,
              points: { show: true, size: 7, width: 1.6, fill: colors.background },
              value: (_u, v, sidx, idx) => {
                if (v == null) return '—';
                const c = idx == null ? null : lcRef.current.ci[sidx - 1]?.[idx];
                return c ? `${formatProbability(v)} [${formatProbability(c[0])}, ${formatProbability(c[1])}]` : formatProbability(v);
              },
            }),
          ),
        ],
        hooks: { draw: [drawErrorBars] },
      };
    },
    [labelsKey, logScale, ciStyle],
  );
  const background = useCallback(() => readChartColors().background, []);
  const { zoomed, resetZoom, toPNG } = useUplot(container, makeOptions, data, `${theme}|${logScale}|${labelsKey}|${ciStyle}`, height, background);
  const seriesRef = useRef(series);
  seriesRef.current = series;
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
    <div className="chart" data-testid="chart-vs-load">
      {zoomed && (
        <button type="button" className="btn btn-xs chart-reset" data-testid="chart-reset-zoom" onClick={resetZoom}>
          Reset zoom
        </button>
      )}
      <div ref={container} className="chart-plot" />
      {series.length === 0 && <div className="chart-empty muted">No results yet.</div>}
    </div>
  );
}

/** Each series' confidence interval as a translucent band between its low and high bounds (a gap where a load has none). */
function drawBands(u: uPlot, ci: ([number, number] | null)[][], palette: string[], logMin: number | null) {
  const ctx = u.ctx;
  const xs = u.data[0];
  ctx.globalAlpha = 0.16;
  for (let s = 1; s < u.series.length; s++) {
    if (!u.series[s].show) continue;
    ctx.fillStyle = palette[(s - 1) % palette.length];
    const bounds = ci[s - 1] ?? [];
    let i = 0;
    while (i < xs.length) {
      if (!bounds[i]) {
        i++;
        continue;
      }
      const run: number[] = [];
      while (i < xs.length && bounds[i]) run.push(i++);
      const pos = (v: number) => u.valToPos(logMin !== null ? Math.max(v, logMin) : v, 'y', true);
      ctx.beginPath();
      if (run.length === 1) {
        // A lone point: a narrow bar, so its interval still shows.
        const x = u.valToPos(xs[run[0]], 'x', true);
        const [lo, hi] = bounds[run[0]]!;
        ctx.rect(x - 4, pos(hi), 8, pos(lo) - pos(hi));
      } else {
        run.forEach((k, j) => {
          const x = u.valToPos(xs[k], 'x', true);
          const y = pos(bounds[k]![1]);
          if (j === 0) ctx.moveTo(x, y);
          else ctx.lineTo(x, y);
        });
        for (let j = run.length - 1; j >= 0; j--) {
          const k = run[j];
          ctx.lineTo(u.valToPos(xs[k], 'x', true), pos(bounds[k]![0]));
        }
        ctx.closePath();
      }
      ctx.fill();
    }
  }
  ctx.globalAlpha = 1;
}
