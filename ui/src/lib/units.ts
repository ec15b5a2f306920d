// Human-readable sizes, remaining times and counts for the UI.

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** "0 B", "812 B", "1.5 KiB", "12.3 MiB", "2 GiB" (binary units, one decimal under 100). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes) || bytes < 0) return '—';
  if (bytes < 1024) return `${Math.round(bytes)} B`;
  let v = bytes;
  let u = -1;
  do {
    v /= 1024;
    u++;
  } while (v >= 1024 && u < BYTE_UNITS.length - 1);
  const text = v >= 100 ? String(Math.round(v)) : v.toFixed(1).replace(/\.0$/, '');
  return `${text} ${BYTE_UNITS[u]}`;
}

/** Rough remaining time for a progress bar: "about 3 min left". */
export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined || !Number.isFinite(seconds) || seconds < 0) return '';
  if (seconds < 10) return 'a few seconds left';
  if (seconds < 60) return 'less than a minute left';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} min left`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) {
    const m = minutes % 60;
    return m === 0 ? `about ${hours} h left` : `about ${hours} h ${m} min left`;
  }
  const days = Math.floor(hours / 24);
  const h = hours % 24;
  return h === 0 ? `about ${days} d left` : `about ${days} d ${h} h left`;
}

const intFmt = new Intl.NumberFormat('en-US');

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return intFmt.format(n);
}

/** A probability as a results column shows it: 0, 1.23e-4 or 0.0123 (null when unknown). */
export function formatProbability(v: number | null | undefined): string | null {
  if (v === null || v === undefined) return null;
  if (v === 0) return '0';
  return Math.abs(v) < 1e-3 ? v.toExponential(2) : v.toFixed(4);
}
