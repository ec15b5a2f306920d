import { formatEta } from '../lib/units';
import './ProgressBar.css';

export interface ProgressBarProps {
  /** Completion in percent (0–100); `null` shows an indeterminate bar. */
  percent: number | null;
  /** Estimated seconds left; shown as "about 3 min left". */
  etaSeconds?: number | null;
  /** Short text before the numbers, e.g. "Iteration 12 of 20". */
  label?: string;
  /** A thin bar with the numbers beside it, for table rows. */
  compact?: boolean;
  /** Colour of the bar; `running` (the accent) by default. */
  tone?: 'running' | 'completed' | 'failed' | 'cancelled';
  /** Accessible name when there is no visible label. */
  ariaLabel?: string;
  /** Not started yet (a queued run): an empty, still track; a moving bar would say it is working. */
  waiting?: boolean;
  testId?: string;
}

/** Clamped and rounded for display: 41.6 → 42, but 99.6 stays 99 until it is really done. */
export function displayPercent(percent: number): number {
  const p = Math.min(100, Math.max(0, percent));
  return p > 99 && p < 100 ? 99 : Math.round(p);
}

export function ProgressBar({
  percent,
  etaSeconds,
  label,
  compact = false,
  tone = 'running',
  ariaLabel,
  testId = 'progress-bar',
  waiting = false,
}: ProgressBarProps) {
  const indeterminate = !waiting && (percent === null || !Number.isFinite(percent));
  const shown = indeterminate || waiting || percent === null ? null : displayPercent(percent);
  const eta = formatEta(etaSeconds);
  const text = shown === null ? '' : `${shown}\u00a0%`;
  return (
    <div
      className={`progress progress-${tone}${compact ? ' progress-compact' : ''}${indeterminate ? ' progress-indeterminate' : ''}${waiting ? ' progress-waiting' : ''}`}
      data-testid={testId}
    >
      {!compact && (label || text || eta) && (
        <div className="progress-head">
          {label && <span className="progress-label">{label}</span>}
          <span className="progress-numbers">
            {text && <span className="progress-percent" data-testid="progress-percent">{text}</span>}
            {eta && <span className="progress-eta">{eta}</span>}
          </span>
        </div>
      )}
      <div
        className="progress-track"
        role="progressbar"
        aria-label={ariaLabel ?? label ?? 'Progress'}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={shown ?? undefined}
        aria-valuetext={waiting ? 'not started' : shown === null ? 'in progress' : eta ? `${shown} percent, ${eta}` : `${shown} percent`}
      >
        <div className="progress-fill" style={indeterminate || waiting || percent === null ? undefined : { width: `${Math.min(100, Math.max(0, percent))}%` }} />
      </div>
      {compact && (
        <span className="progress-numbers" title={eta || undefined}>
          {text ? <span className="progress-percent" data-testid="progress-percent">{text}</span> : <span className="progress-percent muted">…</span>}
        </span>
      )}
    </div>
  );
}
