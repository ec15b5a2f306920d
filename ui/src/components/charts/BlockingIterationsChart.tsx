import { useCallback, useImperativeHandle, useMemo, useRef, type Ref } from 'react';
import type uPlot from 'uplot';
import { formatProbability, iterationColumns, probabilityRange, type IterationSeries } from '../../lib/chartData';
import { readChartColors, useDocumentTheme } from '../../lib/chartTheme';
import { axisStyle, paddedX, probabilityAxis, useUplot, type ChartHandle } from './useUplot';

export type { IterationSeries } from '../../lib/chartData';

export interface BlockingIterationsChartProps {
  /** One series per traffic load; points may be appended while the run goes on. */
  series: readonly IterationSeries[];
  /** Logarithmic y axis (zero values are then left out). */
  logScale?: boolean;
  /** Height of the plot area in px (the legend comes below it); default 280. */
  height?: number;
  ref?: Ref<ChartHandle>;
}

/** Blocking probability after each iteration, one line per load (Erlang). */
export function BlockingIterationsChart({ series, logScale = false, height = 280, ref }: BlockingIterationsChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const theme = useDocumentTheme();
  const data = useMemo(() => iterationColumns(series, logScale) as uPlot.AlignedData, [series, logScale]);
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
            distr: logScale ? 3 : 1,
            log: 10,
            range: (_u, min, max) => probabilityRange(min, max, logScale),
          },
        },
        axes: [
          {
            ...axisStyle(colors),
            label: 'Iteration',
            size: 40,
            incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
            values: (_u, splits) => splits.map((v) => (Number.isInteger(v) ? String(v) : '')),
          },
          probabilityAxis(colors, logScale),
        ],
        series: [
          { label: 'Iteration', value: (_u, v) => (v == null ? '—' : String(v)) },
          ...loads.map(
            (load, i): uPlot.Series => ({
              label: `${load} Erlang`,
              stroke: colors.series[i % colors.series.length],
              width: 1.6,
              spanGaps: true,
              points: { show: true, size: 5, width: 1.5 },
              value: (_u, v) => formatProbability(v),
            }),
          ),
        ],
      };
    },
    [loadsKey, logScale],
  );
  const background = useCallback(() => readChartColors().background, []);
  const { zoomed, resetZoom, toPNG } = useUplot(container, makeOptions, data, `${theme}|${logScale}|${loadsKey}`, height, background);
  useImperativeHandle(ref, () => ({ toPNG, resetZoom }), [toPNG, resetZoom]);

  return (
    <div className="chart" data-testid="chart-iterations">
      {zoomed && (
        <button type="button" className="btn btn-xs chart-reset" data-testid="chart-reset-zoom" onClick={resetZoom}>
          Reset zoom
        </button>
      )}
      <div ref={container} className="chart-plot" />
      {series.length === 0 && <div className="chart-empty muted">No iterations yet.</div>}
    </div>
  );
}
