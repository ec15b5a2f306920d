// The chart range/tick module and the charts themselves over generated data:
// zeros, negatives, NaN, Infinity and huge ranges, as FUSION's results have
// (zero blocking at low loads, symmetric intervals reaching below zero).
// The charts are drawn by the real uPlot on a recording canvas stand-in.

import { act, render, screen } from '@testing-library/react';
import fc from 'fast-check';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createRef } from 'react';
import { blockingVsLoadToSVG, loadScale, type IterationSeries, type LoadSeries } from '../lib/chartData';
import {
  MAX_DECADES,
  MAX_LINEAR_TICKS,
  MAX_LOG_TICKS,
  axisFraction,
  axisTicks,
  linearTicks,
  logTicks,
  probabilityScale,
  safeRange,
  valueRange,
} from '../lib/chartScale';
import { contextArcs, drawnNumbers, drawnTexts, installCanvasStub } from './support/canvasStub';
import { quickSweep } from './support/quickSweep';

installCanvasStub();
// Generous: the properties run hundreds of cases, on CI machines shared with other work.
vi.setConfig({ testTimeout: 60_000 });

// The real uPlot, with its instances kept so the tests can read its scales and axis splits.
const plots = vi.hoisted(() => [] as unknown[]);
vi.mock('uplot', async (importOriginal) => {
  const real = ((await importOriginal()) as { default: new (...a: unknown[]) => object }).default;
  class Recorded extends real {
    constructor(...a: unknown[]) {
      super(...a);
      plots.push(this);
    }
  }
  return { default: Recorded };
});

const { BlockingVsLoadChart } = await import('../components/charts/BlockingVsLoadChart');
const { BlockingIterationsChart } = await import('../components/charts/BlockingIterationsChart');

interface PlotView {
  scales: Record<string, { min: number | null; max: number | null; distr: number }>;
  axes: { _splits?: number[] }[];
}
const lastPlot = () => plots.at(-1) as PlotView;

/** Any number a result file or a broken computation can give, and null. */
const anyValue = fc.oneof(
  { weight: 3, arbitrary: fc.double({ min: 0, max: 1, noNaN: true }) },
  { weight: 2, arbitrary: fc.constant(0) },
  { weight: 1, arbitrary: fc.double({ min: -1, max: 0, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, null, 1e-300, 5e-324, 1e300, -1e300, Number.MAX_VALUE) },
  { weight: 1, arbitrary: fc.double() },
);

const loadPoint = fc.record({
  load: fc.oneof(fc.integer({ min: 0, max: 2000 }), fc.constantFrom(NaN, Infinity, 1e12, -5)),
  mean: anyValue,
  half: anyValue,
  partial: fc.boolean(),
});

const loadSeries = fc.array(
  fc.record({ label: fc.string({ maxLength: 12 }), points: fc.array(loadPoint, { maxLength: 8 }) }).map(
    (s): LoadSeries => ({
      label: s.label,
      points: s.points.map((p) => ({
        load: p.load,
        mean: p.mean,
        // FUSION's interval is symmetric around the mean: it reaches below zero near zero blocking.
        ciLow: p.mean !== null && p.half !== null ? p.mean - Math.abs(p.half) : null,
        ciHigh: p.mean !== null && p.half !== null ? p.mean + Math.abs(p.half) : null,
        partial: p.partial,
      })),
    }),
  ),
  { maxLength: 4 },
);

const iterationSeries = fc.array(
  fc.record({ load: fc.integer({ min: 1, max: 2000 }), values: fc.array(anyValue, { maxLength: 30 }) }).map((s): IterationSeries => s),
  { maxLength: 4 },
);

function expectSafeRange(min: number, max: number, log: boolean) {
  expect(Number.isFinite(min)).toBe(true);
  expect(Number.isFinite(max)).toBe(true);
  expect(min).toBeLessThan(max);
  if (log) expect(min).toBeGreaterThan(0);
}

function expectBoundedTicks(ticks: number[], min: number, max: number, bound: number) {
  expect(ticks.length).toBeLessThanOrEqual(bound);
  for (const t of ticks) expect(Number.isFinite(t)).toBe(true);
  for (let i = 1; i < ticks.length; i++) expect(ticks[i]).toBeGreaterThan(ticks[i - 1]);
  const tol = Math.max(Math.abs(min), Math.abs(max)) * 1e-9;
  for (const t of ticks) {
    expect(t).toBeGreaterThanOrEqual(min - tol);
    expect(t).toBeLessThanOrEqual(max + tol);
  }
}

describe('chart scale over generated data', () => {
  it('gives a finite range with min < max, above zero on a log axis, whatever the values', () => {
    fc.assert(
      fc.property(fc.array(anyValue, { maxLength: 40 }), fc.array(anyValue, { maxLength: 40 }), fc.boolean(), (values, ends, log) => {
        const s = probabilityScale(values, ends, log);
        expectSafeRange(s.min, s.max, s.log);
        if (s.log) expect(Math.log10(s.max / s.min)).toBeLessThanOrEqual(MAX_DECADES + 1e-9);
        const positive = [...values, ...ends].some((v) => typeof v === 'number' && Number.isFinite(v) && v > 0);
        const finite = [...values, ...ends].some((v) => typeof v === 'number' && Number.isFinite(v));
        if (log) {
          // Log is kept when anything is above zero; linear (and said so) when only zeros or below.
          expect(s.log).toBe(positive || !finite);
          expect(s.logFallback).toBe(finite && !positive);
        } else {
          expect(s.log).toBe(false);
        }
      }),
      { numRuns: 400 },
    );
  });

  it('gives bounded, finite, increasing ticks inside the range', () => {
    fc.assert(
      fc.property(fc.array(anyValue, { maxLength: 20 }), fc.boolean(), fc.integer({ min: 0, max: 5000 }), (values, log, px) => {
        const s = probabilityScale(values, [], log);
        const ticks = axisTicks(s.min, s.max, s.log, px);
        expectBoundedTicks(ticks, s.min, s.max, s.log ? MAX_LOG_TICKS : MAX_LINEAR_TICKS);
        if (s.log) expect(ticks.every((t) => t > 0)).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('never loops or overflows on arbitrary axis ends, the zoomed ranges a user can drag to included', () => {
    fc.assert(
      fc.property(fc.double(), fc.double(), fc.integer({ min: -5, max: 100 }), (a, b, count) => {
        for (const ticks of [linearTicks(a, b, count), linearTicks(a, b, count, true), logTicks(a, b, count)]) {
          expect(ticks.length).toBeLessThanOrEqual(Math.max(MAX_LINEAR_TICKS, MAX_LOG_TICKS));
          for (const t of ticks) expect(Number.isFinite(t)).toBe(true);
        }
        for (const log of [false, true]) {
          const [lo, hi] = safeRange(a, b, log);
          expectSafeRange(lo, hi, log);
        }
        const [x0, x1] = valueRange([a, b]);
        expectSafeRange(x0, x1, false);
      }),
      { numRuns: 500 },
    );
    // Spans below the spacing of the doubles around them.
    expect(linearTicks(1e10, 1e10 + 1e-6, 10).length).toBeLessThanOrEqual(MAX_LINEAR_TICKS);
    expect(logTicks(1, 1 + 1e-15, 10).length).toBeLessThanOrEqual(MAX_LOG_TICKS);
  });

  it('maps any value to a finite position near the plot, values at or below a log floor onto it', () => {
    fc.assert(
      fc.property(fc.double(), fc.array(anyValue, { minLength: 1, maxLength: 10 }), fc.boolean(), (v, values, log) => {
        const s = probabilityScale(values, [], log);
        const f = axisFraction(v, s.min, s.max, s.log);
        expect(Number.isFinite(f)).toBe(true);
        expect(f).toBeGreaterThanOrEqual(-1);
        expect(f).toBeLessThanOrEqual(2);
        if (s.log && !(v > s.min)) expect(f).toBe(0);
      }),
      { numRuns: 400 },
    );
  });

  it('exports an SVG with finite coordinates and bounded ticks for any series', () => {
    fc.assert(
      fc.property(loadSeries, fc.boolean(), fc.boolean(), (series, log, bands) => {
        const svg = blockingVsLoadToSVG(series, { logScale: log, bands, title: 'generated' });
        expect(svg).not.toMatch(/NaN|Infinity/);
        const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
        expect(doc.getElementsByTagName('parsererror')).toHaveLength(0);
        const gridLines = doc.getElementsByTagName('line').length - series.length;
        expect(gridLines).toBeLessThanOrEqual(MAX_LINEAR_TICKS + MAX_LOG_TICKS);
        const scale = loadScale(series, log);
        const notes = [...doc.querySelectorAll('text[data-note]')].map((t) => t.textContent ?? '');
        if (scale.logFallback) expect(notes.some((n) => n.includes('linear axis'))).toBe(true);
        if (scale.log && scale.flooredEnds > 0) expect(notes.some((n) => n.includes('Zero is not shown on a log axis'))).toBe(true);
      }),
      { numRuns: 150 },
    );
  });
});

describe('charts drawn by uPlot over generated data', () => {
  beforeEach(() => {
    plots.length = 0;
    drawnNumbers.length = 0;
  });

  it('the vs-load chart renders with bounded ticks and finite coordinates on either axis kind', async () => {
    await fc.assert(
      fc.asyncProperty(loadSeries, fc.boolean(), fc.constantFrom<'bars' | 'bands'>('bars', 'bands'), async (series, log, ciStyle) => {
        plots.length = 0;
        drawnNumbers.length = 0;
        const { unmount } = render(<BlockingVsLoadChart series={series} logScale={log} ciStyle={ciStyle} />);
        await act(async () => new Promise((r) => setTimeout(r, 0)));
        const u = lastPlot();
        const y = u.scales.y;
        expectSafeRange(y.min!, y.max!, y.distr === 3);
        expect((u.axes[1]._splits ?? []).length).toBeLessThanOrEqual(MAX_LOG_TICKS + MAX_LINEAR_TICKS);
        expect(drawnNumbers.every(Number.isFinite)).toBe(true);
        unmount();
      }),
      { numRuns: 40 },
    );
  });

  it('the iterations chart renders with bounded ticks and finite coordinates', async () => {
    await fc.assert(
      fc.asyncProperty(iterationSeries, fc.boolean(), async (series, log) => {
        plots.length = 0;
        drawnNumbers.length = 0;
        const { unmount } = render(<BlockingIterationsChart series={series} logScale={log} />);
        await act(async () => new Promise((r) => setTimeout(r, 0)));
        const u = lastPlot();
        expectSafeRange(u.scales.y.min!, u.scales.y.max!, u.scales.y.distr === 3);
        for (const a of u.axes) expect((a._splits ?? []).length).toBeLessThanOrEqual(MAX_LOG_TICKS + MAX_LINEAR_TICKS);
        expect(drawnNumbers.every(Number.isFinite)).toBe(true);
        unmount();
      }),
      { numRuns: 40 },
    );
  });
});

describe('the quick sweep from the embedded simulator, drawn by uPlot', () => {
  type Handle = import('../components/charts/BlockingVsLoadChart').BlockingVsLoadHandle;

  beforeEach(() => {
    plots.length = 0;
    drawnNumbers.length = 0;
    drawnTexts.length = 0;
  });

  // Before the scale module, this range started at 0 and uPlot's log tick
  // loop never ended: the test process died growing one array.
  it('renders in log scale with decade ticks from 1e-4, then in linear scale, in bands as the comparison draws it', async () => {
    const { rerender } = render(<BlockingVsLoadChart series={quickSweep} logScale ciStyle="bands" />);
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    let u = lastPlot();
    expect(u.scales.y.distr).toBe(3);
    expect([u.scales.y.min, u.scales.y.max]).toEqual([1e-4, 1]);
    expect(u.axes[1]._splits).toEqual([1e-4, 1e-3, 1e-2, 1e-1, 1]);
    expect(drawnNumbers.every(Number.isFinite)).toBe(true);
    expect(screen.getByTestId('chart-note')).toHaveTextContent('Zero is not shown on a log axis');

    rerender(<BlockingVsLoadChart series={quickSweep} ciStyle="bands" />);
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    u = lastPlot();
    expect(u.scales.y.distr).toBe(1);
    expect(u.scales.y.min).toBe(0);
    expect(u.scales.y.max).toBeGreaterThan(0.1002);
    expect(u.axes[1]._splits!.length).toBeLessThanOrEqual(MAX_LINEAR_TICKS);
    expect(drawnNumbers.every(Number.isFinite)).toBe(true);
    expect(screen.queryByTestId('chart-note')).not.toBeInTheDocument();
  });

  it('exports a PNG with the legend and the log note, and an SVG of the same', async () => {
    const ref = createRef<Handle>();
    render(<BlockingVsLoadChart series={quickSweep} logScale ref={ref} />);
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    drawnTexts.length = 0;
    expect(ref.current!.toPNG()).toMatch(/^data:image\/png/);
    expect(drawnTexts).toEqual(expect.arrayContaining(['k_paths=1', 'k_paths=3']));
    expect(drawnTexts.some((t) => t.startsWith('Zero is not shown on a log axis'))).toBe(true);
    const svg = ref.current!.toSVG();
    expect(svg).toContain('>1e-4<');
    expect(svg).toContain('k_paths=3');
    expect(svg).not.toMatch(/NaN|Infinity/);
  });
});

describe('partial loads, drawn by uPlot', () => {
  it('draws each partial load as a hollow circle on the background, at its point, and no other', async () => {
    plots.length = 0;
    contextArcs.length = 0;
    // The k_paths=1 run as if cancelled during its last load.
    const cancelled: LoadSeries[] = [{ ...quickSweep[0], points: quickSweep[0].points.map((p, i) => ({ ...p, partial: i === 3 })) }];
    render(<BlockingVsLoadChart series={cancelled} logScale />);
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    const u = plots.at(-1) as { valToPos(v: number, k: string, c: boolean): number };
    expect(contextArcs).toHaveLength(1);
    const [arc] = contextArcs;
    expect(arc.fill).toBe('#ffffff'); // the light theme's background: hollow
    expect(arc.x).toBeCloseTo(u.valToPos(1300, 'x', true), 3);
    expect(arc.y).toBeCloseTo(u.valToPos(0.09033333333333332, 'y', true), 3);
    expect(screen.getAllByTestId('chart-note').map((n) => n.textContent)).toContain('Hollow marker: a partial load, cut short before it ended.');
  });

  it('draws a partial load at zero blocking as a whole circle, not cut by the plot edge it sits on', async () => {
    plots.length = 0;
    contextArcs.length = 0;
    // A run cancelled during its first load, which had blocked nothing yet: on a linear axis from 0 its point is on the bottom edge.
    const cancelled: LoadSeries[] = [{ label: 'cancelled mid-way', points: [{ load: 20, mean: 0, ciLow: 0, ciHigh: 0, partial: true }] }];
    render(<BlockingVsLoadChart series={cancelled} />);
    await act(async () => new Promise((r) => setTimeout(r, 0)));
    const u = plots.at(-1) as { valToPos(v: number, k: string, c: boolean): number; bbox: { top: number; height: number } };
    expect(contextArcs).toHaveLength(1);
    const [arc] = contextArcs;
    expect(arc.y).toBeCloseTo(u.bbox.top + u.bbox.height, 3);
    // Whatever clip is in effect holds the whole circle and its stroke.
    const [cx, cy, cw, ch] = arc.clip ?? [-Infinity, -Infinity, Infinity, Infinity];
    expect(arc.x - arc.r - 1).toBeGreaterThanOrEqual(cx);
    expect(arc.x + arc.r + 1).toBeLessThanOrEqual(cx + cw);
    expect(arc.y - arc.r - 1).toBeGreaterThanOrEqual(cy);
    expect(arc.y + arc.r + 1).toBeLessThanOrEqual(cy + ch);
  });
});
