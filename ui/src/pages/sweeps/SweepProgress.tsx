import type { SweepCounts } from '../../bindings/SweepCounts';
import './SweepProgress.css';

/** One bar for a whole sweep: done, failed, cancelled, running, queued, side by side. */
export function SweepProgress({ counts, testId = 'sweep-progress' }: { counts: SweepCounts; testId?: string }) {
  const total = Math.max(1, counts.total);
  const parts: [keyof SweepCounts, string][] = [
    ['completed', 'done'],
    ['failed', 'failed'],
    ['cancelled', 'cancelled'],
    ['running', 'running'],
    ['pending', 'queued'],
  ];
  const ended = counts.completed + counts.failed + counts.cancelled;
  return (
    <div className="sweep-progress" data-testid={testId}>
      <div
        className="sweep-bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={counts.total}
        aria-valuenow={ended}
        aria-label={`${ended} of ${counts.total} runs ended`}
      >
        {parts.map(([key]) =>
          counts[key] > 0 ? <span key={key} className={`sweep-bar-part sweep-bar-${key}`} style={{ width: `${(counts[key] / total) * 100}%` }} /> : null,
        )}
      </div>
      <div className="sweep-counts" data-testid={`${testId}-text`}>
        <span data-testid="sweep-done">
          {counts.completed} / {counts.total} done
        </span>
        {parts.slice(1).map(([key, label]) => (
          <span key={key} className={counts[key] > 0 ? `sweep-count-${key}` : 'muted'}>
            {' · '}
            {counts[key]} {label}
          </span>
        ))}
      </div>
    </div>
  );
}
