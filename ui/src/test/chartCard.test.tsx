import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { createRef } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { BlockingVsLoadHandle, LoadSeries } from '../components/charts/BlockingVsLoadChart';
import { ChartCard, chartImage } from '../components/charts/ChartCard';

// uPlot needs a canvas, which jsdom lacks: the chart is stood in for by one
// that shows what it was given.
vi.mock('../components/lazy', async () => {
  const { forwardRef, useImperativeHandle } = await import('react');
  const VsLoad = forwardRef<unknown, { series: LoadSeries[]; logScale: boolean; ciStyle?: string; height: number }>(function VsLoad(
    { series, logScale, ciStyle, height },
    ref,
  ) {
    useImperativeHandle(ref, () => ({ toPNG: () => 'data:image/png;base64,AA==', toSVG: () => '<svg/>', resetZoom: () => undefined }));
    return <div data-testid="chart-vs-load" data-log={String(logScale)} data-ci={ciStyle ?? 'default'} data-height={height} data-series={series.length} />;
  });
  return { LazyBlockingVsLoadChart: VsLoad, LazyBlockingIterationsChart: () => null, LazyIniEditor: () => null };
});

const SERIES: LoadSeries[] = [{ label: 'run', points: [{ load: 100, mean: 0.01, ciLow: 0.005, ciHigh: 0.015 }] }];

function handle(png: string | null, svg: string): BlockingVsLoadHandle & { svgOptions: unknown[] } {
  const svgOptions: unknown[] = [];
  return {
    svgOptions,
    toPNG: () => png,
    toSVG: (opts) => {
      svgOptions.push(opts);
      return svg;
    },
    resetZoom: () => undefined,
  };
}

describe('ChartCard', () => {
  it('shows its title, the chart with the options given, and the page actions', async () => {
    render(
      <ChartCard
        title="Blocking probability vs load"
        series={SERIES}
        logScale
        onLogScaleChange={() => undefined}
        testId="compare"
        chartRef={createRef()}
        height={340}
        ciStyle="bands"
        actions={<button type="button">Save</button>}
      />,
    );
    expect(screen.getByRole('heading', { name: 'Blocking probability vs load' })).toBeInTheDocument();
    const chart = await screen.findByTestId('chart-vs-load');
    expect(chart.dataset).toMatchObject({ log: 'true', ci: 'bands', height: '340', series: '1' });
    expect(screen.getByRole('button', { name: 'Save' })).toBeInTheDocument();
  });

  it('reports the log-scale toggle to the page, under the test id it is given', async () => {
    const onChange = vi.fn();
    render(<ChartCard title="t" series={SERIES} logScale={false} onLogScaleChange={onChange} testId="results" chartRef={createRef()} height={320} />);
    const toggle = screen.getByTestId('results-log');
    expect(toggle).not.toBeChecked();
    await userEvent.click(toggle);
    expect(onChange).toHaveBeenCalledWith(true);
  });

  it('hands the drawn chart to the page through its ref', async () => {
    const ref = createRef<BlockingVsLoadHandle>();
    render(<ChartCard title="t" series={SERIES} logScale={false} onLogScaleChange={() => undefined} testId="results" chartRef={ref} height={320} />);
    await screen.findByTestId('chart-vs-load');
    expect(chartImage(ref.current, 'png', {})).toBe('data:image/png;base64,AA==');
  });
});

describe('chartImage', () => {
  it('takes the PNG for png and the SVG, with its options, for svg', () => {
    const h = handle('data:image/png;base64,BB==', '<svg id="x"/>');
    expect(chartImage(h, 'png', { title: 'T' })).toBe('data:image/png;base64,BB==');
    expect(h.svgOptions).toEqual([]);
    expect(chartImage(h, 'svg', { title: 'T', logScale: true })).toBe('<svg id="x"/>');
    expect(h.svgOptions).toEqual([{ title: 'T', logScale: true }]);
  });

  it('refuses a chart that is not drawn yet', () => {
    expect(() => chartImage(null, 'svg', {})).toThrow('the chart is not drawn yet');
    expect(() => chartImage(handle(null, '<svg/>'), 'png', {})).toThrow('the chart is not drawn yet');
  });
});
