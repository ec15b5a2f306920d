// The run's simulator log: a virtualised viewer reading windows of lines by
// number, with the line count kept live by the log stream. The stream is
// open only while the tab is shown, and resumes from the last offset read.

import { useCallback, useEffect, useRef, useState } from 'react';
import { useBackend } from '../../api/backend';
import { LIMITS } from '../../generated/limits';
import type { DeskError } from '../../bindings/DeskError';
import type { LogMessage } from '../../bindings/LogMessage';
import type { RunStatus } from '../../bindings/RunStatus';
import { ErrorAlert } from '../../components/ErrorAlert';
import { LogViewer, type LogSearchOptions, type LogSearchResult } from '../../components/LogViewer';
import { formatBytes, formatCount } from '../../lib/units';
import { useAsync } from '../../lib/useAsync';
import { useStream } from '../../lib/useStream';
import './LogsTab.css';

/** Lines kept from the stream, so following the tail needs no extra reads. */
export const TAIL_CACHE_LINES = 5000;
/** Bytes of the tail read when the tab first opens. */
const TAIL_BYTES = 64 * 1024;
/** "Copy all" takes at most this much of the log: the most one snapshot returns. */
const COPY_MAX_BYTES = LIMITS.max_log_snapshot_bytes;

/**
 * What the tab knows of the log: how many lines, where the stream continues,
 * and the latest lines. `apply` takes stream messages; duplicates (a resent
 * range after reconnecting) change nothing.
 */
export class LogFollower {
  lineCount = 0;
  /** Byte offset after the last line counted: where a stream resumes. */
  offset = 0;
  /** Changes when the log was replaced and everything must be read again. */
  generation = 0;
  ended: RunStatus | null = null;
  private tail = new Map<number, string>();

  /** Takes a snapshot or a `lines` message; returns whether anything changed. */
  addLines(firstLine: number, offsetEnd: number, lines: readonly string[]): boolean {
    if (offsetEnd <= this.offset && firstLine + lines.length <= this.lineCount) return false;
    lines.forEach((l, i) => this.tail.set(firstLine + i, l));
    this.lineCount = Math.max(this.lineCount, firstLine + lines.length);
    this.offset = Math.max(this.offset, offsetEnd);
    if (this.tail.size > TAIL_CACHE_LINES) {
      const keepFrom = this.lineCount - TAIL_CACHE_LINES;
      for (const k of this.tail.keys()) if (k < keepFrom) this.tail.delete(k);
    }
    return true;
  }

  apply(m: LogMessage): boolean {
    switch (m.type) {
      case 'lines':
        return this.addLines(m.first_line, m.offset_end, m.lines);
      case 'reset':
        this.lineCount = 0;
        this.offset = 0;
        this.tail.clear();
        this.generation++;
        this.ended = null;
        return true;
      case 'end':
        this.ended = m.status;
        return true;
    }
  }

  /** Lines from the tail cache, or null when some are not in it. */
  cached(first: number, count: number): string[] | null {
    const end = Math.min(this.lineCount, first + count);
    const out: string[] = [];
    for (let i = first; i < end; i++) {
      const l = this.tail.get(i);
      if (l === undefined) return null;
      out.push(l);
    }
    return out;
  }
}

export function LogsTab({ runId, status, active }: { runId: string; status: RunStatus; active: boolean }) {
  const backend = useBackend();
  const follower = useRef<LogFollower>(new LogFollower());
  const [started, setStarted] = useState(false);
  const [, setVersion] = useState(0);
  const bump = useCallback(() => setVersion((v) => v + 1), []);
  const [error, setError] = useState<DeskError | null>(null);
  const [follow, setFollow] = useState(status === 'RUNNING' || status === 'PENDING');
  const [copyNote, setCopyNote] = useState<string | null>(null);

  const waiting = status === 'PENDING';

  // First time shown: the tail tells the line count and where to follow from.
  const tail = useAsync(
    () => (active && !started && !waiting ? backend.logSnapshot(runId, null, TAIL_BYTES) : null),
    [backend, runId, active, started, waiting],
  );
  const { value: snapshot, error: tailError } = tail;
  useEffect(() => {
    if (snapshot) {
      follower.current.addLines(snapshot.first_line, snapshot.offset_end, snapshot.lines);
      setStarted(true);
      bump();
    } else if (tailError) setError(tailError);
  }, [snapshot, tailError, bump]);

  // Follow while shown; a hidden tab closes its stream and resumes from the offset.
  useStream(
    (ifOpen) =>
      active &&
      started &&
      !follower.current.ended &&
      backend
        .streamLog(
          runId,
          follower.current.offset,
          ifOpen((m) => {
            if (follower.current.apply(m)) bump();
          }),
        )
        .then((sid) => () => backend.closeStream(sid)),
    [backend, runId, active, started, bump],
    setError,
  );

  const getLines = useCallback(
    async (first: number, count: number): Promise<string[]> => {
      const hit = follower.current.cached(first, count);
      if (hit) return hit;
      const page = await backend.logLines(runId, first, Math.min(count, LIMITS.max_log_lines_per_call));
      return page.lines;
    },
    [backend, runId],
  );

  const search = useCallback(
    async (query: string, opts: LogSearchOptions): Promise<LogSearchResult> => {
      const r = await backend.logSearch(runId, { pattern: query, regex: opts.regex, case_insensitive: !opts.caseSensitive });
      return { total: r.match_count, lines: r.matches.map((m) => m.line), truncated: r.more };
    },
    [backend, runId],
  );

  const copyAll = useCallback(async () => {
    const snap = await backend.logSnapshot(runId, 0, COPY_MAX_BYTES);
    const text = snap.lines.join('\n') + (snap.lines.length ? '\n' : '');
    if (!navigator.clipboard) throw new Error('the clipboard is not available');
    await navigator.clipboard.writeText(text);
    setCopyNote(snap.more_after ? `Copied the first ${formatCount(snap.lines.length)} lines (the log is larger than ${formatBytes(COPY_MAX_BYTES)}).` : null);
  }, [backend, runId]);

  const f = follower.current;
  return (
    <div className="run-logs" data-testid="run-logs">
      {error && <ErrorAlert error={error} onDismiss={() => setError(null)} />}
      {!started && !error && <div className="loading">{waiting ? 'The run is waiting for a free slot; its log starts when it does.' : 'Loading the log…'}</div>}
      {started && (
        <>
          <div className="run-logs-viewer">
            <LogViewer
              lineCount={f.lineCount}
              getLines={getLines}
              search={search}
              onCopyAll={copyAll}
              follow={follow}
              onFollowChange={setFollow}
              sourceKey={`${runId}:${f.generation}`}
              emptyText={status === 'PENDING' ? 'The run has not started yet.' : 'No output yet.'}
              ariaLabel="Simulator log"
            />
          </div>
          <div className="run-logs-foot">
            <span className="muted small">
              {formatCount(f.lineCount)} {f.lineCount === 1 ? 'line' : 'lines'} · logs/sim.log
            </span>
            {copyNote && <span className="muted small">{copyNote}</span>}
            {f.ended ? (
              <span className={`log-ended log-ended-${f.ended.toLowerCase()}`} data-testid="log-ended">
                Log complete · {f.ended}
              </span>
            ) : (
              status === 'RUNNING' && (
                <span className="log-live small">
                  <span className="dot dot-running pulse" aria-hidden="true" /> Live
                </span>
              )
            )}
          </div>
        </>
      )}
    </div>
  );
}
