// Blocking probability against load in a card, as the results and compare
// pages show it: a title, a log-scale toggle, the page's export actions, and
// the chart with its legend and notes (what a log axis leaves out, what a
// hollow marker means), which the chart draws itself.

import type { ReactNode, Ref } from 'react';
import type { PlotFormat } from '../../api/backend';
import type { SvgOptions } from '../../lib/chartData';
import { ChartSlot } from '../ChartBoundary';
import { LazyBlockingVsLoadChart } from '../lazy';
import type { BlockingVsLoadHandle, LoadSeries } from './BlockingVsLoadChart';

export interface ChartCardProps {
  title: string;
  series: LoadSeries[];
  logScale: boolean;
  onLogScaleChange: (log: boolean) => void;
  /** Names the toggle for tests: `<testId>-log`. */
  testId: string;
  chartRef: Ref<BlockingVsLoadHandle>;
  /** Height of the plot area in px. */
  height: number;
  ciStyle?: 'bars' | 'bands';
  /** Export buttons shown after the toggle, where a page keeps them in the card. */
  actions?: ReactNode;
}

export function ChartCard({ title, series, logScale, onLogScaleChange, testId, chartRef, height, ciStyle, actions }: ChartCardProps) {
  return (
    <section className="card">
      <div className="card-header">
        <h2>{title}</h2>
        <div className="card-header-actions">
          <label className="check small">
            <input type="checkbox" checked={logScale} onChange={(e) => onLogScaleChange(e.target.checked)} data-testid={`${testId}-log`} /> Log scale
          </label>
          {actions}
        </div>
      </div>
      <ChartSlot>
        <LazyBlockingVsLoadChart ref={chartRef} series={series} logScale={logScale} ciStyle={ciStyle} height={height} />
      </ChartSlot>
    </section>
  );
}

/** The drawn chart as a PNG data URL or an SVG document, for saving; throws before it is drawn. */
export function chartImage(chart: BlockingVsLoadHandle | null, format: PlotFormat, svg: SvgOptions): string {
  const data = format === 'png' ? chart?.toPNG() : chart?.toSVG(svg);
  if (!data) throw new Error('the chart is not drawn yet');
  return data;
}
