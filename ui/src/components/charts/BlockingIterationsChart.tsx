import { useCallback, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type uPlot from 'uplot';
import { formatProbability, iterationColumns, iterationScale, type IterationSeries } from '../../lib/chartData';
import { scaleNotes } from '../../lib/chartScale';
import { readChartColors, useDocumentTheme } from '../../lib/chartTheme';
import { ChartNotes } from './ChartNotes';
import { lineUnlessEmpty, loadAxis, paddedX, probabilityAxis, useUplot, yRange, type ChartHandle } from './useUplot';

export type { IterationSeries } from '../../lib/chartData';

export interface BlockingIterationsChartProps {
  /** One series per traffic load; points may be appended while the run goes on. */
  series: readonly IterationSeries[];
  /** Logarithmic y axis (zero values are then left out; linear when nothing is above zero). */
  logScale?: boolean;
  /** Height of the plot area in px (the legend comes below it); default 280. */
  height?: number;
  ref?: Ref<ChartHandle>;
}

/** Blocking probability after each iteration, one line per load (Erlang). */
export function BlockingIterationsChart({ series, logScale = false, height = 280, ref }: BlockingIterationsChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useDocumentTheme();
  // The axis actually drawn: a log axis with nothing above zero is linear.
  const scale = useMemo(() => iterationScale(series, logScale), [series, logScale]);
  const log = scale.log;
  const notes = useMemo(() => scaleNotes(scale, { value: 'iteration', values: 'iterations' }), [scale]);
  const data = useMemo(() => iterationColumns(series, log) as uPlot.AlignedData, [series, log]);
  const seriesRef = useRef(series);
  seriesRef.current = series;
  const loadsKey = series.map((s) => s.load).join(',');
  const makeOptions = useCallback(
    ({ width, height: h }: { width: number; height: number }): uPlot.Options => {
      const colors = readChartColors();
      const loads = loadsKey ? loadsKey.split(',') : [];
      return {
        width,
        height: h,
        cursor: { drag: { x: true, y: true, uni: 30 }, points: { size: 7 } },
        legend: { live: true },
        scales: {
          x: { time: false, range: paddedX },
          y: {
            distr: log ? 3 : 1,
            log: 10,
            // Fitted to the iterations in view.
            range: yRange(log, (u) => {
              const x = u.scales.x;
              const inView = iterationScale(seriesRef.current, log, x.min ?? -Infinity, x.max ?? Infinity);
              // Nothing in view, or only zeros on a log axis: keep the whole data's range.
              return inView.fitted > 0 && inView.log === log ? inView : iterationScale(seriesRef.current, log);
            }),
          },
        },
        axes: [loadAxis(colors, 'Iteration', true), probabilityAxis(colors, log)],
        series: [
          { label: 'Iteration', value: (_u, v) => (v == null ? '—' : String(v)) },
          ...loads.map(
            (load, i): uPlot.Series => ({
              label: `${load} Erlang`,
              stroke: colors.series[i % colors.series.length],
              width: 1.6,
              spanGaps: true,
              paths: lineUnlessEmpty(),
              points: { show: true, size: 5, width: 1.5 },
              value: (_u, v) => formatProbability(v),
            }),
          ),
        ],
      };
    },
    [loadsKey, log],
  );
  const background = useCallback(() => readChartColors().background, []);
  const legend = useCallback(() => {
    const colors = readChartColors();
    const s = seriesRef.current;
    return { entries: s.map((x, i) => ({ label: `${x.load} Erlang`, color: colors.series[i % colors.series.length] })), notes: scaleNotes(iterationScale(s, logScale), { value: 'iteration', values: 'iterations' }) };
  }, [logScale]);
  const { zoomed, resetZoom, toPNG } = useUplot(container, makeOptions, data, `${theme}|${log}|${loadsKey}`, height, background, legend);
  useImperativeHandle(ref, () => ({ toPNG, resetZoom }), [toPNG, resetZoom]);

  return (
    <div className="chart" data-testid="chart-iterations" data-log={log ? 'true' : 'false'}>
      {zoomed && (
        <button type="button" className="btn btn-xs chart-reset" data-testid="chart-reset-zoom" onClick={resetZoom}>
          Reset zoom
        </button>
      )}
      <div ref={container} className="chart-plot" />
      {series.length === 0 && <div className="chart-empty muted">No iterations yet.</div>}
      <ChartNotes notes={notes} />
    </div>
  );
}
