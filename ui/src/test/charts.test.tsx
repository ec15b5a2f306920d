import { act, fireEvent, render, screen } from '@testing-library/react';
import { createRef } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { blockingVsLoadToSVG, formatProbability, loadChartNotes, iterationColumns, loadColumns, loadScale, type IterationSeries, type LoadSeries } from '../lib/chartData';
import { linearTicks, logTicks, probabilityScale } from '../lib/chartScale';
import { quickSweep } from './support/quickSweep';

// uPlot draws on a canvas, which jsdom does not have: a recording stand-in.
const instances: FakePlot[] = [];

class FakePlot {
  opts: Record<string, unknown>;
  data: unknown[];
  calls: [string, ...unknown[]][] = [];
  scales: Record<string, { min: number | null; max: number | null }> = { x: { min: 1, max: 3 }, y: { min: 0, max: 0.1 } };
  select = { left: 0, top: 0, width: 0, height: 0 };
  over = document.createElement('div');
  bbox = { left: 0, top: 0, width: 400, height: 200 };
  width: number;
  ctx = { canvas: null };
  destroyed = false;
  constructor(opts: Record<string, unknown>, data: unknown[], el: HTMLElement) {
    this.opts = opts;
    this.data = data;
    this.width = opts.width as number;
    el.appendChild(this.over);
    instances.push(this);
  }
  setData(data: unknown[], reset?: boolean) {
    this.data = data;
    this.calls.push(['setData', reset]);
  }
  setScale(key: string, r: { min: number; max: number }) {
    this.scales[key] = { ...r };
    this.calls.push(['setScale', key, r.min, r.max]);
  }
  batch(fn: () => void) {
    fn();
  }
  setSize(s: { width: number; height: number }) {
    this.width = s.width;
  }
  destroy() {
    this.destroyed = true;
    this.over.remove();
  }
  /** What the user does with a drag: the select hook, then the new scales. */
  userZoom(sel: { width: number; height: number }, x: [number, number], y: [number, number]) {
    this.select = { left: 10, top: 10, ...sel };
    const hooks = (this.opts.hooks as { setSelect?: ((u: unknown) => void)[] }).setSelect ?? [];
    hooks.forEach((h) => h(this));
    this.scales.x = { min: x[0], max: x[1] };
    this.scales.y = { min: y[0], max: y[1] };
  }
}

vi.mock('uplot', () => ({ default: FakePlot }));

const { BlockingIterationsChart } = await import('../components/charts/BlockingIterationsChart');
const { BlockingVsLoadChart } = await import('../components/charts/BlockingVsLoadChart');
type VsHandle = import('../components/charts/BlockingVsLoadChart').BlockingVsLoadHandle;

beforeEach(() => {
  instances.length = 0;
  document.documentElement.dataset.theme = 'light';
});

afterEach(() => {
  delete document.documentElement.dataset.theme;
});

const iters = (n: number): IterationSeries[] => [
  { load: 300, values: Array.from({ length: n }, (_, k) => 0.001 * (k + 1)) },
  { load: 600, values: Array.from({ length: n }, (_, k) => (k === 0 ? 0 : 0.01 * k)) },
];

describe('chart data', () => {
  it('builds aligned columns for iterations, leaving zeros out on a log scale', () => {
    const series: IterationSeries[] = [
      { load: 300, values: [0.1, 0.2, 0.3] },
      { load: 600, values: [0, 0.5] },
    ];
    expect(iterationColumns(series)).toEqual([
      [1, 2, 3],
      [0.1, 0.2, 0.3],
      [0, 0.5, null],
    ]);
    expect(iterationColumns(series, true)[2]).toEqual([null, 0.5, null]);
  });

  it('merges the loads of several series and keeps intervals', () => {
    const lc = loadColumns([
      { label: 'a', points: [{ load: 600, mean: 0.02, ciLow: 0.03, ciHigh: 0.01 }, { load: 300, mean: 0.001 }] },
      { label: 'b', points: [{ load: 900, mean: 0.1, ciLow: 0.08, ciHigh: 0.12 }] },
    ]);
    expect(lc.columns).toEqual([
      [300, 600, 900],
      [0.001, 0.02, null],
      [null, null, 0.1],
    ]);
    expect(lc.ci).toEqual([
      [null, [0.01, 0.03], null],
      [null, null, [0.08, 0.12]],
    ]);
    expect(lc.partial).toEqual([
      [false, false, false],
      [false, false, false],
    ]);
  });

  it('formats probabilities and picks ticks and ranges', () => {
    expect(formatProbability(0)).toBe('0');
    expect(formatProbability(0.0123456)).toBe('0.0123');
    expect(formatProbability(0.00002)).toBe('2e-5');
    expect(formatProbability(null)).toBe('—');
    expect(linearTicks(0, 0.27, 5)).toEqual([0, 0.05, 0.1, 0.15, 0.2, 0.25]);
    expect(logTicks(0.0005, 0.3)).toEqual([0.001, 0.01, 0.1]);
    // Within one decade: 1-2-5 steps rather than no tick at all.
    expect(logTicks(0.0011, 0.009)).toEqual([0.002, 0.005]);
    const log = probabilityScale([0.002, 0.2], [], true);
    expect([log.min, log.max]).toEqual([0.001, 1]);
    expect(probabilityScale([0.01, 0.02], [], false).min).toBeGreaterThanOrEqual(0);
    const empty = probabilityScale([], [], false);
    expect([empty.min, empty.max]).toEqual([0, 1]);
  });

  it('exports a standalone SVG with axes, legend, error bars and escaped labels', () => {
    const series: LoadSeries[] = [
      {
        label: 'k=3 <first fit> & co',
        points: [
          { load: 300, mean: 0.01, ciLow: 0.008, ciHigh: 0.012 },
          { load: 600, mean: 0.05, ciLow: 0.04, ciHigh: 0.06 },
        ],
      },
    ];
    const svg = blockingVsLoadToSVG(series, { title: 'NSFNet', width: 640, height: 400 });
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="400"')).toBe(true);
    expect(svg).toContain('Load (Erlang)');
    expect(svg).toContain('Blocking probability');
    expect(svg).toContain('k=3 &lt;first fit&gt; &amp; co');
    expect(svg.match(/<circle /g)?.length).toBe(3); // 2 markers + legend
    expect(svg).toContain('V'); // error bar paths
    const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
    expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
    expect(blockingVsLoadToSVG(series, { logScale: true })).toContain('>0.01<');
  });
});

describe('BlockingIterationsChart', () => {
  it('draws the series with labels and updates without losing the zoom', () => {
    const { rerender } = render(<BlockingIterationsChart series={iters(3)} />);
    expect(screen.getByTestId('chart-iterations')).toBeInTheDocument();
    expect(instances).toHaveLength(1);
    const u = instances[0];
    const axes = u.opts.axes as { label: string }[];
    expect(axes.map((a) => a.label)).toEqual(['Iteration', 'Blocking probability']);
    expect((u.opts.series as { label: string }[]).map((s) => s.label)).toEqual(['Iteration', '300 Erlang', '600 Erlang']);
    expect(u.data[0]).toEqual([1, 2, 3]);

    // Not zoomed: new points refit the scales.
    rerender(<BlockingIterationsChart series={iters(4)} />);
    expect(u.calls.at(-1)).toEqual(['setData', undefined]);
    expect(instances).toHaveLength(1);

    // Zoomed in x and y: new points keep both scales.
    act(() => u.userZoom({ width: 100, height: 50 }, [2, 3], [0.001, 0.004]));
    expect(screen.getByTestId('chart-reset-zoom')).toBeInTheDocument();
    u.calls.length = 0;
    rerender(<BlockingIterationsChart series={iters(5)} />);
    expect(u.calls).toEqual([
      ['setData', false],
      ['setScale', 'x', 2, 3],
      ['setScale', 'y', 0.001, 0.004],
    ]);
    expect(u.data[0]).toEqual([1, 2, 3, 4, 5]);

    // Reset.
    u.calls.length = 0;
    fireEvent.click(screen.getByTestId('chart-reset-zoom'));
    expect(u.calls).toEqual([['setData', undefined]]);
    expect(screen.queryByTestId('chart-reset-zoom')).not.toBeInTheDocument();
  });

  it('keeps y fitting when only x was zoomed, and double-click resets', () => {
    const { rerender } = render(<BlockingIterationsChart series={iters(6)} />);
    const u = instances[0];
    act(() => u.userZoom({ width: 100, height: 200 }, [2, 4], [0, 0.1]));
    u.calls.length = 0;
    rerender(<BlockingIterationsChart series={iters(7)} />);
    expect(u.calls).toEqual([
      ['setData', false],
      ['setScale', 'x', 2, 4],
    ]);
    act(() => {
      u.over.dispatchEvent(new MouseEvent('dblclick'));
    });
    expect(screen.queryByTestId('chart-reset-zoom')).not.toBeInTheDocument();
  });

  it('follows the theme and the log-scale option, keeping the zoom', async () => {
    const { rerender } = render(<BlockingIterationsChart series={iters(3)} />);
    const first = instances[0];
    act(() => first.userZoom({ width: 100, height: 50 }, [2, 3], [0.001, 0.004]));
    await act(async () => {
      document.documentElement.dataset.theme = 'dark';
      await Promise.resolve();
    });
    expect(first.destroyed).toBe(true);
    const second = instances.at(-1)!;
    expect(second).not.toBe(first);
    expect(second.calls).toEqual([
      ['setScale', 'x', 2, 3],
      ['setScale', 'y', 0.001, 0.004],
    ]);
    rerender(<BlockingIterationsChart series={iters(3)} logScale />);
    const third = instances.at(-1)!;
    expect((third.opts.scales as { y: { distr: number } }).y.distr).toBe(3);
    // Zero blocking cannot be drawn on a log scale.
    expect((third.data[2] as (number | null)[])[0]).toBeNull();
  });
});

const vs: LoadSeries[] = [
  {
    label: 'first fit',
    points: [
      { load: 300, mean: 0.001, ciLow: 0.0008, ciHigh: 0.0012 },
      { load: 600, mean: 0.02, ciLow: 0.015, ciHigh: 0.025 },
    ],
  },
];

describe('BlockingVsLoadChart', () => {
  it('draws error bars in a hook, shows intervals in the legend and exports SVG', () => {
    const ref = createRef<VsHandle>();
    render(<BlockingVsLoadChart series={vs} ref={ref} />);
    expect(screen.getByTestId('chart-vs-load')).toBeInTheDocument();
    const u = instances[0];
    expect((u.opts.axes as { label: string }[]).map((a) => a.label)).toEqual(['Load (Erlang)', 'Blocking probability']);
    expect((u.opts.hooks as { draw: unknown[] }).draw).toHaveLength(1);
    const s1 = (u.opts.series as { value: (u: unknown, v: number, s: number, i: number) => string }[])[1];
    expect(s1.value(u, 0.02, 1, 1)).toBe('0.02 [0.015, 0.025]');
    // The y range includes the intervals.
    const range = (u.opts.scales as { y: { range: (u: unknown) => [number, number] } }).y.range;
    const [lo, hi] = range({ scales: { x: { min: null, max: null } } });
    expect(lo).toBe(0);
    expect(hi).toBeGreaterThan(0.025);

    const svg = ref.current!.toSVG({ title: 'Run 42' });
    expect(svg).toContain('Run 42');
    expect(svg).toContain('first fit');
    expect(ref.current!.toPNG()).toBeNull(); // no canvas in this environment
  });

  it('keeps the zoom when results arrive', () => {
    const { rerender } = render(<BlockingVsLoadChart series={vs} />);
    const u = instances[0];
    act(() => u.userZoom({ width: 100, height: 50 }, [350, 650], [0.001, 0.03]));
    u.calls.length = 0;
    rerender(<BlockingVsLoadChart series={[{ ...vs[0], points: [...vs[0].points, { load: 900, mean: 0.1 }] }]} />);
    expect(u.calls).toEqual([
      ['setData', false],
      ['setScale', 'x', 350, 650],
      ['setScale', 'y', 0.001, 0.03],
    ]);
  });
});

describe('charts on the data FUSION gives', () => {
  const yRangeOf = (u: FakePlot) => (u.opts.scales as { y: { range: (u: unknown, a: unknown, b: unknown) => [number, number] } }).y.range;

  it('a log axis over zero blocking and intervals below zero starts at the smallest positive decade, and says what it leaves out', () => {
    render(<BlockingVsLoadChart series={quickSweep} logScale />);
    const u = instances[0];
    expect(screen.getByTestId('chart-vs-load').dataset.log).toBe('true');
    expect((u.opts.scales as { y: { distr: number } }).y.distr).toBe(3);
    // Smallest value above zero shown: 3.3e-4 (k_paths=1 at 500 E); no range may reach 0 on a log axis.
    const [lo, hi] = yRangeOf(u)({ scales: { x: { min: null, max: null } } }, null, null);
    expect(lo).toBe(1e-4);
    expect(hi).toBe(1);
    // The zero means are gaps in the data uPlot draws.
    expect(u.data[1]).toEqual([null, 0.0003333333333333333, 0.035166666666666666, 0.09033333333333332]);
    expect(u.data[2]).toEqual([null, null, 0.005, 0.0245]);
    expect(screen.getByTestId('chart-note')).toHaveTextContent(
      'Zero is not shown on a log axis; 3 loads at zero left out; interval ends at or below the floor drawn at 1e-4.',
    );
    const svg = blockingVsLoadToSVG(quickSweep, { logScale: true });
    expect(svg).not.toMatch(/NaN|Infinity/);
    expect(svg).toContain('Zero is not shown on a log axis');
  });

  it('a log axis does not claim interval ends at its floor when only the loads at zero have intervals there', () => {
    // As fusion-sim reports a light sweep: no blocking at all at 10 and 110 E (0 ± 0), intervals well above the floor elsewhere.
    const series = [
      {
        label: 'cores_per_link=1, k_paths=1',
        points: [
          { load: 10, mean: 0, ciLow: 0, ciHigh: 0 },
          { load: 110, mean: 0, ciLow: 0, ciHigh: 0 },
          { load: 210, mean: 0.02375, ciLow: 0.02375 - 0.01088, ciHigh: 0.02375 + 0.01088 },
          { load: 310, mean: 0.07, ciLow: 0.07 - 0.01651, ciHigh: 0.07 + 0.01651 },
        ],
      },
    ];
    render(<BlockingVsLoadChart series={series} logScale />);
    expect(screen.getByTestId('chart-note')).toHaveTextContent(/^Zero is not shown on a log axis; 2 loads at zero left out\.$/);
    const svg = blockingVsLoadToSVG(series, { logScale: true });
    expect(svg).toContain('2 loads at zero left out.');
    expect(svg).not.toContain('drawn at');
    // An interval that does reach from above zero to below the floor is still told.
    const below = [{ ...series[0], points: [...series[0].points, { load: 410, mean: 0.001, ciLow: -0.002, ciHigh: 0.004 }] }];
    expect(loadChartNotes(below, loadScale(below, true))).toEqual([
      'Zero is not shown on a log axis; 2 loads at zero left out; interval ends at or below the floor drawn at 1e-4.',
    ]);
  });

  it('fits a log axis to the loads in view, and keeps the whole range when only zeros are in view', () => {
    render(<BlockingVsLoadChart series={quickSweep} logScale />);
    const range = yRangeOf(instances[0]);
    expect(range({ scales: { x: { min: 850, max: 1350 } } }, null, null)).toEqual([1e-3, 1]);
    expect(range({ scales: { x: { min: 50, max: 150 } } }, null, null)).toEqual([1e-4, 1]);
    expect(range({ scales: { x: { min: 2000, max: 3000 } } }, null, null)).toEqual([1e-4, 1]);
  });

  it('on a linear axis the same data needs no note and keeps its zeros', () => {
    render(<BlockingVsLoadChart series={quickSweep} />);
    const u = instances[0];
    expect(u.data[2]).toEqual([0, 0, 0.005, 0.0245]);
    const [lo] = yRangeOf(u)({ scales: { x: { min: null, max: null } } }, null, null);
    expect(lo).toBe(0);
    expect(screen.queryByTestId('chart-note')).not.toBeInTheDocument();
  });

  it('all-zero blocking asked for on a log axis is drawn on a linear one, and says so', () => {
    const zeros: LoadSeries[] = [{ label: 'idle', points: [100, 300].map((load) => ({ load, mean: 0, ciLow: 0, ciHigh: 0 })) }];
    render(<BlockingVsLoadChart series={zeros} logScale />);
    expect(screen.getByTestId('chart-vs-load').dataset.log).toBe('false');
    expect((instances[0].opts.scales as { y: { distr: number } }).y.distr).toBe(1);
    expect(screen.getByTestId('chart-note')).toHaveTextContent('Nothing above zero to show on a log axis: drawn on a linear axis.');
    expect(loadScale(zeros, true).logFallback).toBe(true);
  });

  it('a single point and an iterations chart of zeros render', () => {
    render(<BlockingVsLoadChart series={[{ label: 'one', points: [{ load: 700, mean: 0.01 }] }]} logScale />);
    const [lo, hi] = yRangeOf(instances[0])({ scales: { x: { min: null, max: null } } }, null, null);
    // 0.01 exactly: a decade either side, not on the plot's edge.
    expect([lo, hi]).toEqual([1e-3, 0.1]);
    render(<BlockingIterationsChart series={[{ load: 100, values: [0, 0, 0] }]} logScale />);
    expect(screen.getByTestId('chart-iterations').dataset.log).toBe('false');
    expect(screen.getAllByTestId('chart-note').at(-1)).toHaveTextContent('linear axis');
  });

  it('draws a partial load with a hollow marker and names it in the legend and the notes', () => {
    const series: LoadSeries[] = [
      {
        label: 'cancelled run',
        points: [
          { load: 300, mean: 0.002, ciLow: 0.001, ciHigh: 0.003 },
          { load: 600, mean: 0.03, ciLow: 0.01, ciHigh: 0.05, partial: true },
        ],
      },
    ];
    const ref = createRef<VsHandle>();
    render(<BlockingVsLoadChart series={series} ref={ref} />);
    const u = instances[0];
    const s1 = (u.opts.series as { points: { filter: (u: unknown, s: number) => number[] }; value: (u: unknown, v: number, s: number, i: number) => string }[])[1];
    // uPlot draws the whole load's filled marker only; the draw hook draws the hollow one.
    expect(s1.points.filter(u, 1)).toEqual([0]);
    expect(s1.value(u, 0.03, 1, 1)).toBe('0.03 [0.01, 0.05] (partial)');
    expect(s1.value(u, 0.002, 1, 0)).toBe('0.002 [0.001, 0.003]');
    expect(screen.getByTestId('chart-note')).toHaveTextContent('Hollow marker: a partial load, cut short before it ended.');
    const svg = ref.current!.toSVG();
    expect(svg.match(/data-partial="true"/g)).toHaveLength(1);
    expect(svg).toContain('Hollow marker: a partial load');
    // Without partial points there is no such note.
    expect(blockingVsLoadToSVG(vs)).not.toContain('Hollow marker');
  });
});
