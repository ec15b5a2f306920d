// Shared life cycle of a uPlot chart in React: created in a container,
// re-created when its configuration or the theme changes, resized with the
// container, and fed new data without losing the user's zoom.

import './localeGuard';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import './charts.css';
import { readChartColors } from '../../lib/chartTheme';
import { axisTicks, formatProbability, formatTick, safeRange, valueRange, type ProbabilityScale } from '../../lib/chartScale';

export interface ChartHandle {
  /** The plot as a PNG data URL (on the theme background, with its legend and notes), or null before it is drawn. */
  toPNG(): string | null;
  /** Back to the full extent of the data. */
  resetZoom(): void;
}

interface Zoom {
  x: boolean;
  y: boolean;
}

type Range = { min: number; max: number };

/** What a PNG export adds around the canvas: the legend (uPlot draws it in HTML) and the chart's notes. */
export interface PngLegend {
  entries: { label: string; color: string }[];
  notes: string[];
}

export function useUplot(
  containerRef: RefObject<HTMLDivElement | null>,
  makeOptions: (size: { width: number; height: number }) => uPlot.Options,
  data: uPlot.AlignedData,
  configKey: string,
  height: number,
  background: () => string,
  legend?: () => PngLegend,
) {
  const chart = useRef<uPlot | null>(null);
  const zoom = useRef<Zoom>({ x: false, y: false });
  const saved = useRef<{ x: Range; y: Range } | null>(null);
  const [zoomed, setZoomed] = useState(false);
  const dataRef = useRef(data);
  dataRef.current = data;
  const makeRef = useRef(makeOptions);
  makeRef.current = makeOptions;

  const markZoom = useCallback((z: Zoom) => {
    zoom.current = z;
    setZoomed(z.x || z.y);
  }, []);

  useLayoutEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const opts = makeRef.current({ width: Math.max(200, el.clientWidth || 600), height });
    const onSelect = (u: uPlot) => {
      const s = u.select;
      if (s.width <= 0 && s.height <= 0) return;
      const plotW = u.over?.clientWidth || u.bbox.width / (window.devicePixelRatio || 1);
      const plotH = u.over?.clientHeight || u.bbox.height / (window.devicePixelRatio || 1);
      markZoom({
        x: zoom.current.x || (s.width > 0 && s.width < plotW - 1),
        y: zoom.current.y || (s.height > 0 && s.height < plotH - 1),
      });
    };
    opts.hooks = { ...opts.hooks, setSelect: [...(opts.hooks?.setSelect ?? []), onSelect] };
    const u = new uPlot(opts, dataRef.current, el);
    chart.current = u;
    // Zoom kept over a re-creation (theme switch, new series).
    const keep = saved.current;
    if (keep && (zoom.current.x || zoom.current.y)) {
      u.batch(() => {
        if (zoom.current.x) u.setScale('x', keep.x);
        if (zoom.current.y) u.setScale('y', keep.y);
      });
    }
    const onDbl = () => {
      markZoom({ x: false, y: false });
      u.setData(dataRef.current);
    };
    u.over?.addEventListener('dblclick', onDbl);
    return () => {
      const x = u.scales.x;
      const y = u.scales.y;
      saved.current =
        x && y && x.min != null && x.max != null && y.min != null && y.max != null
          ? { x: { min: x.min, max: x.max }, y: { min: y.min, max: y.max } }
          : null;
      u.over?.removeEventListener('dblclick', onDbl);
      u.destroy();
      chart.current = null;
    };
  }, [containerRef, configKey, height, markZoom]);

  // New data: keep the scales the user chose, refit the others.
  useEffect(() => {
    const u = chart.current;
    if (!u || u.data === data) return;
    const z = zoom.current;
    if (!z.x && !z.y) {
      u.setData(data);
      return;
    }
    const x = u.scales.x;
    const y = u.scales.y;
    const xs = data[0] as ArrayLike<number>;
    u.batch(() => {
      u.setData(data, false);
      if (z.x && x.min != null && x.max != null) u.setScale('x', { min: x.min, max: x.max });
      else if (xs.length > 1) u.setScale('x', { min: xs[0], max: xs[xs.length - 1] });
      if (z.y && y.min != null && y.max != null) u.setScale('y', { min: y.min, max: y.max });
    });
  }, [data]);

  // Follow the container's width.
  useEffect(() => {
    const el = containerRef.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      const u = chart.current;
      if (u && Math.abs(u.width - w) >= 1) u.setSize({ width: w, height });
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [containerRef, height]);

  const resetZoom = useCallback(() => {
    markZoom({ x: false, y: false });
    chart.current?.setData(dataRef.current);
  }, [markZoom]);

  const toPNG = useCallback((): string | null => {
    const src = chart.current?.ctx?.canvas;
    if (!src) return null;
    const px = window.devicePixelRatio || 1;
    const extra = legend?.() ?? { entries: [], notes: [] };
    const line = 18 * px;
    const head = extra.entries.length ? line + 6 * px : 0;
    const foot = extra.notes.length * line + (extra.notes.length ? 6 * px : 0);
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height + head + foot;
    const ctx = out.getContext('2d');
    if (!ctx) return null;
    const colors = readChartColors();
    ctx.fillStyle = background();
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, head);
    ctx.font = `${12 * px}px system-ui, sans-serif`;
    ctx.textBaseline = 'middle';
    // Legend entries in a row above the plot, as in the SVG export.
    let x = 12 * px;
    for (const e of extra.entries) {
      ctx.strokeStyle = e.color;
      ctx.lineWidth = 2 * px;
      ctx.beginPath();
      ctx.moveTo(x, head / 2);
      ctx.lineTo(x + 18 * px, head / 2);
      ctx.stroke();
      ctx.fillStyle = colors.text;
      ctx.fillText(e.label, x + 24 * px, head / 2);
      x += 24 * px + ctx.measureText(e.label).width + 18 * px;
    }
    ctx.fillStyle = colors.muted;
    extra.notes.forEach((n, i) => ctx.fillText(n, 12 * px, head + src.height + 6 * px + line * (i + 0.5)));
    return out.toDataURL('image/png');
  }, [background, legend]);

  return { chart, zoomed, resetZoom, toPNG };
}

/**
 * The x scale's range: the data's extent padded a little so end points and
 * error bars are not cut, or a window around a single point; always finite
 * with min < max.
 */
export function paddedX(u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const xs = (u.data?.[0] ?? []) as ArrayLike<number>;
  // A single load: uPlot's own widening would put it on the left edge.
  const full = xs.length === 0 || xs[0] === xs[xs.length - 1] || (min === xs[0] && max === xs[xs.length - 1]);
  if (full || min === null || max === null) return valueRange(xs.length ? [xs[0], xs[xs.length - 1]] : [min, max]);
  return safeRange(min, max, false);
}

const hasValue = (ys: ArrayLike<number | null | undefined> | undefined) => {
  if (!ys) return false;
  for (let i = 0; i < ys.length; i++) if (ys[i] !== null && ys[i] !== undefined) return true;
  return false;
};

/**
 * A series' line, or none while it has nothing to draw (all gaps, e.g. only
 * zeros on a log axis): uPlot would otherwise build its path from NaN.
 */
export function lineUnlessEmpty(): uPlot.Series.PathBuilder {
  let linear: uPlot.Series.PathBuilder | null = null;
  return (u, sidx, i0, i1) => {
    if (!hasValue(u.data[sidx] as ArrayLike<number | null>)) return null;
    linear ??= uPlot.paths.linear!();
    return linear(u, sidx, i0, i1);
  };
}

/** Axis settings shared by both charts. */
export function axisStyle(colors: { text: string; muted: string; grid: string }) {
  return {
    stroke: colors.muted,
    labelFont: '600 12px system-ui, sans-serif',
    font: '11px system-ui, sans-serif',
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid, width: 1, size: 4 },
    labelGap: 0,
    labelSize: 22,
  } satisfies Partial<uPlot.Axis>;
}

/** The plot's length along an axis in CSS px. */
function plotLength(u: uPlot, vertical: boolean): number {
  const px = typeof window !== 'undefined' ? window.devicePixelRatio || 1 : 1;
  const len = vertical ? u.bbox?.height : u.bbox?.width;
  return len ? len / px : vertical ? 250 : 600;
}

/**
 * Ticks from chartScale instead of uPlot's own: bounded whatever the scale
 * (uPlot's log splits never end on a scale starting at 0).
 */
export function boundedSplits(log: boolean, integer = false): uPlot.Axis.Splits {
  return (u, axisIdx, min, max) => {
    const vertical = axisIdx > 0;
    const [lo, hi] = safeRange(min, max, log);
    // Decade labels are short: a log axis can carry them closer.
    return axisTicks(lo, hi, log, plotLength(u, vertical), vertical ? (log ? 30 : 45) : 80, integer);
  };
}

/** The x (load) axis: bounded ticks with short labels. */
export function loadAxis(colors: { text: string; muted: string; grid: string }, label: string, integer = false): uPlot.Axis {
  return {
    ...axisStyle(colors),
    label,
    size: 40,
    splits: boundedSplits(false, integer),
    values: (_u, splits) => splits.map((v) => (integer && !Number.isInteger(v) ? '' : formatTick(v))),
  };
}

/** The blocking-probability y axis both charts share. */
export function probabilityAxis(colors: { text: string; muted: string; grid: string }, log: boolean): uPlot.Axis {
  const style = axisStyle(colors);
  return {
    ...style,
    label: log ? 'Blocking probability (log)' : 'Blocking probability',
    size: 56,
    splits: boundedSplits(log),
    values: (_u, splits) => splits.map((v) => formatProbability(v)),
  };
}

/** The y range hook of a probability scale: always safe for the axis kind. */
export function yRange(log: boolean, scale: (u: uPlot, min: number | null, max: number | null) => ProbabilityScale): uPlot.Scale.Range {
  return (u, min, max) => {
    const s = scale(u, min, max);
    return safeRange(s.min, s.max, log);
  };
}
