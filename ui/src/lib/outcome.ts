// How a run's process ended, in words: "stopped by SIGTERM after cancel"
// rather than "exit code 143".

import type { Run } from '../bindings/Run';

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  6: 'SIGABRT',
  9: 'SIGKILL',
  11: 'SIGSEGV',
  15: 'SIGTERM',
};

export function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

/**
 * The run's end in words, or null while it has none. A process that dies
 * of a signal is reported by a shell or Python parent as exit code 128 + the
 * signal, so 143 reads as SIGTERM.
 */
export function outcomeWords(run: Pick<Run, 'exit_code' | 'exit_signal' | 'cancel_requested_at'>): string | null {
  const after = run.cancel_requested_at ? ' after cancel' : '';
  const fromCode = run.exit_code !== null && run.exit_code > 128 && run.exit_code <= 128 + 64 ? run.exit_code - 128 : null;
  const signal = run.exit_signal ?? fromCode;
  if (signal !== null) {
    const code = run.exit_signal === null && run.exit_code !== null ? ` (exit code ${run.exit_code})` : '';
    return `stopped by ${signalName(signal)}${after}${code}`;
  }
  if (run.exit_code === 0) return 'exited normally (code 0)';
  if (run.exit_code !== null) return `exited with code ${run.exit_code}${after}`;
  return null;
}
