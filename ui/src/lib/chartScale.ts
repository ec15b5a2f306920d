// Axis ranges and ticks for every chart (results, comparison, live progress)
// and their SVG/PNG exports. Pure functions, no DOM.
//
// Every range returned here has finite ends with min < max, and a log range
// has min > 0; every tick list is finite and bounded. That matters because
// uPlot's own log-axis tick generator never terminates when a log scale's
// minimum is 0 (its step rounds back to 0), which is exactly the range a
// zero blocking probability or a confidence interval reaching below zero
// used to produce: the web view then grew without limit.

/** At most this many ticks on a linear axis, whatever is asked. */
export const MAX_LINEAR_TICKS = 24;
/** A log axis spans at most this many decades; smaller values are drawn at its floor. */
export const MAX_DECADES = 16;
/** At most this many ticks on a log axis. */
export const MAX_LOG_TICKS = MAX_DECADES + 1;
/** Magnitudes are clamped to this so that spans and paddings stay finite. */
export const VALUE_LIMIT = 1e300;
/** The range used when there is nothing to show. */
export const EMPTY_LOG_RANGE: [number, number] = [1e-4, 1];
export const EMPTY_LINEAR_RANGE: [number, number] = [0, 1];

type Num = number | null | undefined;

/** The y scale of a probability chart, from the values it shows. */
export interface ProbabilityScale {
  /** Whether the axis is logarithmic. */
  log: boolean;
  /** Axis ends: finite, min < max, min > 0 on a log axis. */
  min: number;
  max: number;
  /** A log axis was asked for but nothing above zero is shown: the axis is linear instead. */
  logFallback: boolean;
  /** On a log axis: values (means) at or below zero, which a log axis cannot show, left out. */
  hiddenValues: number;
  /** On a log axis: interval ends below the axis floor (zero or negative included), drawn at the floor. */
  flooredEnds: number;
  /** How many finite values and interval ends the scale was fitted to (0: a default range). */
  fitted: number;
}

const clampMagnitude = (v: number) => Math.max(-VALUE_LIMIT, Math.min(VALUE_LIMIT, v));

/** 10^e as the exact decimal (Math.pow(10, -5) is 0.000009999999999999999). */
export function decade(e: number): number {
  return Number(`1e${e}`);
}

/**
 * The y scale for probabilities. `values` are the drawn points (means),
 * `ends` the confidence-interval ends. Non-finite inputs are ignored.
 * Linear: padded, floored at 0 unless a value itself is negative.
 * Log: whole decades from the smallest to the largest value above zero.
 */
export function probabilityScale(values: Iterable<Num>, ends: Iterable<Num>, log: boolean): ProbabilityScale {
  const vs: number[] = [];
  const es: number[] = [];
  for (const v of values) if (typeof v === 'number' && Number.isFinite(v)) vs.push(clampMagnitude(v));
  for (const v of ends) if (typeof v === 'number' && Number.isFinite(v)) es.push(clampMagnitude(v));

  if (log) {
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of vs) if (v > 0) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    for (const v of es) if (v > 0) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    if (lo <= hi) {
      // Strictly inside whole decades, so that a value of exactly 10^k (one
      // blocked request in a thousand) is not drawn on the plot's edge; but
      // no decade above 1 for a probability that reaches 1.
      let eLo = Math.floor(Math.log10(lo) - 1e-9);
      let eHi = Math.floor(Math.log10(hi) + 1e-9) + 1;
      if (hi <= 1) eHi = Math.min(eHi, 0);
      if (eHi <= eLo) eHi = eLo + 1;
      if (eHi - eLo > MAX_DECADES) eLo = eHi - MAX_DECADES;
      // Denormals: keep the floor a normal number.
      if (eLo < -300) (eLo = -300), (eHi = Math.max(eHi, eLo + 1));
      const min = decade(eLo);
      const max = decade(eHi);
      return {
        log: true,
        min,
        max,
        logFallback: false,
        hiddenValues: vs.filter((v) => v <= 0).length,
        flooredEnds: es.filter((v) => v < min).length,
        fitted: vs.length + es.length,
      };
    }
    if (vs.length === 0 && es.length === 0) {
      return { log: true, min: EMPTY_LOG_RANGE[0], max: EMPTY_LOG_RANGE[1], logFallback: false, hiddenValues: 0, flooredEnds: 0, fitted: 0 };
    }
    // Only zeros (or below): nothing a log axis could show.
    return { ...linearProbabilityRange(vs, es), log: false, logFallback: true, hiddenValues: 0, flooredEnds: 0, fitted: vs.length + es.length };
  }
  return { ...linearProbabilityRange(vs, es), log: false, logFallback: false, hiddenValues: 0, flooredEnds: 0, fitted: vs.length + es.length };
}

function linearProbabilityRange(vs: number[], es: number[]): { min: number; max: number } {
  if (vs.length === 0 && es.length === 0) return { min: EMPTY_LINEAR_RANGE[0], max: EMPTY_LINEAR_RANGE[1] };
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of vs) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  for (const v of es) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
  // A probability is never negative: an interval reaching below zero is cut
  // at the 0 line, unless a value itself is negative (then it is shown).
  const floor = vs.some((v) => v < 0) ? -Infinity : 0;
  lo = Math.max(lo, floor);
  if (hi < lo) hi = lo;
  return paddedLinear(lo, hi, floor);
}

/** [lo, hi] widened a little (or around a single value), never below `floor`, min < max. */
function paddedLinear(lo: number, hi: number, floor = -Infinity): { min: number; max: number } {
  const mag = Math.max(Math.abs(lo), Math.abs(hi));
  let span = hi - lo;
  // A span too small for the doubles around it cannot be cut into ticks.
  if (!(span > mag * 1e-9)) {
    const pad = Math.max(mag * 0.5, 1e-3);
    return { min: Math.max(floor, lo - pad), max: hi + pad };
  }
  span = Math.min(span, 2 * VALUE_LIMIT);
  const pad = span * 0.08;
  return { min: Math.max(floor, lo - pad), max: hi + pad };
}

/** The x range of loads (or iterations): padded so end points and their bars are not cut. */
export function valueRange(values: Iterable<Num>, padFraction = 0.035): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (typeof v !== 'number' || !Number.isFinite(v)) continue;
    const c = clampMagnitude(v);
    lo = Math.min(lo, c);
    hi = Math.max(hi, c);
  }
  if (lo > hi) return [0, 1];
  const mag = Math.max(Math.abs(lo), Math.abs(hi));
  if (!(hi - lo > mag * 1e-9)) {
    const pad = Math.max(mag * 0.1, 1);
    return [lo - pad, hi + pad];
  }
  const pad = (hi - lo) * padFraction;
  return [lo - pad, hi + pad];
}

/** A range safe to hand to a chart: finite, min < max, min > 0 when log. */
export function safeRange(min: Num, max: Num, log: boolean): [number, number] {
  const ok = (v: Num): v is number => typeof v === 'number' && Number.isFinite(v) && (!log || v > 0);
  if (ok(min) && ok(max) && min > max) [min, max] = [max, min];
  if (ok(min) && ok(max) && min < max) return [min, max];
  if (ok(min) && ok(max)) {
    min = clampMagnitude(min);
    max = clampMagnitude(max);
    // One value: the decade around it, kept within normal, finite doubles.
    if (log) return [Math.max(min / 10, 1e-300), Math.max(Math.min(max * 10, Number.MAX_VALUE), Math.max(min / 10, 1e-300) * 10)];
    const r = paddedLinear(min, max);
    return [r.min, r.max];
  }
  return log ? [...EMPTY_LOG_RANGE] : [...EMPTY_LINEAR_RANGE];
}

function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const pow = decade(Math.floor(Math.log10(raw)));
  const f = raw / pow;
  const nice = f <= 1.5 ? 1 : f <= 2.25 ? 2 : f <= 3.5 ? 2.5 : f <= 7.5 ? 5 : 10;
  return nice * pow;
}

/** About `count` round values covering [min, max]; at most MAX_LINEAR_TICKS, all finite. */
export function linearTicks(min: number, max: number, count = 5, integer = false): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  if (max === min) return [min];
  count = Math.max(1, Math.min(MAX_LINEAR_TICKS, Math.floor(count) || 1));
  const span = max - min;
  if (!Number.isFinite(span)) return [min, max];
  let step = niceStep(span, count);
  if (integer) step = Math.max(1, Math.round(step));
  if (!(step > 0) || !Number.isFinite(step)) return [min, max];
  const first = Math.ceil(min / step - 1e-9) * step;
  const out: number[] = [];
  // Counted, not accumulated: a step below the spacing of doubles near
  // `first` would otherwise never move the loop on.
  for (let i = 0; i <= MAX_LINEAR_TICKS; i++) {
    const v = Number((first + i * step).toPrecision(12));
    if (v > max + step * 1e-9) break;
    if (!Number.isFinite(v) || v < min - step * 1e-9) continue;
    if (out.length === 0 || v > out[out.length - 1]) out.push(v);
    if (out.length >= MAX_LINEAR_TICKS) break;
  }
  return out;
}

/**
 * Ticks for a log axis over [min, max] (min > 0): powers of ten when the range
 * spans two or more (thinned to at most `maxCount`), else 1-2-5 steps within
 * the decade, else linear ticks. Bounded and finite.
 */
export function logTicks(min: number, max: number, maxCount = 10): number[] {
  if (!(min > 0) || !(max >= min) || !Number.isFinite(max)) return [];
  maxCount = Math.max(2, Math.min(MAX_LOG_TICKS, Math.floor(maxCount) || 2));
  const eps = 1e-9;
  const e0 = Math.ceil(Math.log10(min) - eps);
  const e1 = Math.floor(Math.log10(max) + eps);
  if (e1 - e0 + 1 >= 2) {
    const stride = Math.ceil((e1 - e0 + 1) / maxCount);
    const out: number[] = [];
    for (let e = e0; e <= e1 && out.length < maxCount; e += stride) out.push(decade(e));
    return out;
  }
  const out: number[] = [];
  for (let e = e0 - 1; e <= e1 + 1; e++) {
    for (const m of [1, 2, 5]) {
      const v = m * decade(e);
      if (Number.isFinite(v) && v >= min * (1 - eps) && v <= max * (1 + eps)) out.push(Number(v.toPrecision(12)));
    }
  }
  if (out.length >= 2) return out.slice(0, maxCount);
  return linearTicks(min, max, 4).filter((v) => v > 0);
}

/** The ticks of one axis, about one every `spacing` px of `lengthPx`. */
export function axisTicks(min: number, max: number, log: boolean, lengthPx: number, spacing = 50, integer = false): number[] {
  const count = Math.max(2, Math.min(12, Math.floor((Number.isFinite(lengthPx) ? lengthPx : 300) / spacing)));
  return log ? logTicks(min, max, count) : linearTicks(min, max, count, integer);
}

/**
 * Where `v` falls on an axis from `min` (0) to `max` (1), clamped to [-1, 2]
 * so that it stays a finite coordinate; on a log axis values at or below the
 * floor, zero and negatives included, land on the floor (0).
 */
export function axisFraction(v: number, min: number, max: number, log: boolean): number {
  if (!Number.isFinite(v)) return v > 0 ? 2 : log ? 0 : -1;
  let f: number;
  if (log) {
    if (!(min > 0) || !(max > min)) return 0;
    if (v <= min) return 0;
    f = (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
  } else {
    if (!(max > min)) return 0.5;
    f = (v - min) / (max - min);
  }
  if (!Number.isFinite(f)) return 0;
  return Math.max(-1, Math.min(2, f));
}

/** The value drawn for `v` on a log axis: the floor when `v` is below it. */
export function atLeastFloor(v: number, scale: { min: number; log: boolean }): number {
  return scale.log && !(v >= scale.min) ? scale.min : v;
}

/** The sentences a chart shows under itself about what its axis leaves out. */
export function scaleNotes(s: ProbabilityScale, what: { value: string; values: string }): string[] {
  const out: string[] = [];
  if (s.logFallback) out.push('Nothing above zero to show on a log axis: drawn on a linear axis.');
  if (s.log && (s.hiddenValues > 0 || s.flooredEnds > 0)) {
    const parts = ['Zero is not shown on a log axis'];
    if (s.hiddenValues > 0) parts.push(`${s.hiddenValues} ${s.hiddenValues === 1 ? what.value : what.values} at zero left out`);
    if (s.flooredEnds > 0) parts.push(`interval ends at or below the floor drawn at ${formatProbability(s.min)}`);
    out.push(parts.join('; ') + '.');
  }
  return out;
}

/** "0.012", "0.5", "1.2e-5": short labels for probabilities. */
export function formatProbability(v: number | null | undefined): string {
  if (v === null || v === undefined || !Number.isFinite(v)) return '—';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3) return v.toExponential(1).replace('.0e', 'e');
  if (a < 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(4)));
}

/** Short tick labels: "0", "0.012", "1e-5", "1300". */
export function formatTick(v: number): string {
  if (!Number.isFinite(v)) return '';
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a < 1e-3 || a >= 1e7) return v.toExponential(1).replace('.0e', 'e').replace('e+', 'e');
  if (a < 1) return String(Number(v.toPrecision(3)));
  return String(Number(v.toPrecision(6)));
}
