import type { Run } from '../bindings/Run';
import type { RunStatus } from '../bindings/RunStatus';
import { formatDuration, parseTime } from './format';

export const STATUSES: RunStatus[] = ['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED'];

export function isActive(status: RunStatus): boolean {
  return status === 'PENDING' || status === 'RUNNING';
}

export function isFinished(status: RunStatus): boolean {
  return !isActive(status);
}

/** Run time: finished runs from start to end, a running one up to `now`. */
export function runDuration(run: Run, now: number): { text: string; live: boolean } | null {
  const start = parseTime(run.started_at);
  if (!start) return null;
  if (run.status === 'RUNNING') return { text: formatDuration(now - start.getTime()), live: true };
  const end = parseTime(run.completed_at);
  if (!end) return null;
  return { text: formatDuration(end.getTime() - start.getTime()), live: false };
}

/** The name the core gives a run created without one: "<template> YYYY-MM-DD HH:MM" (UTC). */
export function defaultRunName(template: string, at: Date = new Date()): string {
  return `${template} ${at.toISOString().slice(0, 16).replace('T', ' ')}`;
}

/** Whether a run still carries the name the core made up for it. */
export function hasDefaultName(run: Run): boolean {
  return new RegExp(`^${run.template.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} \\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$`).test(run.name);
}
