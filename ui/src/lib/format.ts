// Times and durations. Timestamps from the core are UTC RFC 3339 strings
// (`2025-06-01T12:00:00.000+00:00`); they are shown in local time.

export function parseTime(ts: string | null | undefined): Date | null {
  if (!ts) return null;
  const d = new Date(ts);
  return Number.isNaN(d.getTime()) ? null : d;
}

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const sameYearFmt = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const otherYearFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const longFmt = new Intl.DateTimeFormat(undefined, {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});
const fullFmt = new Intl.DateTimeFormat(undefined, {
  weekday: 'short',
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  timeZoneName: 'short',
});

/** Compact local time for tables: "14:05" today, "Jun 3, 14:05" this year, with the year otherwise. */
export function formatShort(ts: string | null | undefined, now: Date = new Date()): string {
  const d = parseTime(ts);
  if (!d) return '—';
  if (d.toDateString() === now.toDateString()) return timeFmt.format(d);
  return (d.getFullYear() === now.getFullYear() ? sameYearFmt : otherYearFmt).format(d);
}

/** Full local time plus the original UTC value, for tooltips and detail facts. */
export function formatFull(ts: string | null | undefined): string {
  const d = parseTime(ts);
  if (!d) return '';
  return `${fullFmt.format(d)} (${ts})`;
}

/** Local time with seconds, for the detail page. */
export function formatLong(ts: string | null | undefined): string {
  const d = parseTime(ts);
  if (!d) return '—';
  return longFmt.format(d);
}

/** "42s", "12m 04s", "3h 05m 10s", "2d 4h 10m". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) ms = 0;
  const total = Math.floor(ms / 1000);
  const s = total % 60;
  const m = Math.floor(total / 60) % 60;
  const h = Math.floor(total / 3600) % 24;
  const d = Math.floor(total / 86400);
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d > 0) return `${d}d ${h}h ${pad(m)}m`;
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  if (total === 0 && ms > 0) return `${(ms / 1000).toFixed(1)}s`;
  return `${s}s`;
}
