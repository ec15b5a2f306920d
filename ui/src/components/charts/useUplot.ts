// Shared life cycle of a uPlot chart in React: created in a container,
// re-created when its configuration or the theme changes, resized with the
// container, and fed new data without losing the user's zoom.

import './localeGuard';
import { useCallback, useEffect, useLayoutEffect, useRef, useState, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatProbability } from '../../lib/chartData';

export interface ChartHandle {
  /** The plot as a PNG data URL (canvas only, on the theme background), or null before it is drawn. */
  toPNG(): string | null;
  /** Back to the full extent of the data. */
  resetZoom(): void;
}

interface Zoom {
  x: boolean;
  y: boolean;
}

type Range = { min: number; max: number };

export function useUplot(
  containerRef: RefObject<HTMLDivElement | null>,
  makeOptions: (size: { width: number; height: number }) => uPlot.Options,
  data: uPlot.AlignedData,
  configKey: string,
  height: number,
  background: () => string,
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
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const ctx = out.getContext('2d');
    if (!ctx) return null;
    ctx.fillStyle = background();
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.drawImage(src, 0, 0);
    return out.toDataURL('image/png');
  }, [background]);

  return { chart, zoomed, resetZoom, toPNG };
}

/** Pads the x range a little when it is the full data extent, so end points and error bars are not cut. */
export function paddedX(u: uPlot, min: number | null, max: number | null): uPlot.Range.MinMax {
  const xs = u.data?.[0];
  if (min === null || max === null || !xs || xs.length < 2) return [min, max];
  if (min !== xs[0] || max !== xs[xs.length - 1]) return [min, max];
  const pad = (max - min) * 0.035;
  return [min - pad, max + pad];
}

const decade = (v: number) => Math.abs(Math.log10(v) - Math.round(Math.log10(v))) < 1e-9;

/** On a log axis only the powers of ten get a grid line and a label (axis options to spread). */
export function decadesOnly(log: boolean, grid: uPlot.Axis.Grid): Partial<uPlot.Axis> {
  if (!log) return {};
  const filter = (_u: uPlot, splits: number[]) => splits.map((v) => (v > 0 && decade(v) ? v : null));
  return { filter, grid: { ...grid, filter } };
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

/** The blocking-probability y axis both charts share. */
export function probabilityAxis(colors: { text: string; muted: string; grid: string }, log: boolean): uPlot.Axis {
  const style = axisStyle(colors);
  return {
    ...style,
    label: 'Blocking probability',
    size: 56,
    ...decadesOnly(log, style.grid),
    values: (_u, splits) => splits.map((v) => formatProbability(v)),
  };
}
