// The state of the run's results left on its cluster: the list (read with
// the run folder), and the one fetch under way, its outcome in words.

import { useState } from 'react';
import { toDeskError, useBackend } from '../../api/backend';
import type { ClusterResult } from '../../bindings/ClusterResult';
import type { DeskError } from '../../bindings/DeskError';
import { useAsync } from '../../lib/useAsync';

export type FetchOutcome = { path: string; error: DeskError | null };

export interface ResultsLeft {
  /** What is still on the cluster; null until the first answer. */
  left: ClusterResult[] | null;
  listError: DeskError | null;
  /** The path being fetched now, if any. */
  fetching: string | null;
  /** How the last fetch ended (null before one ends). */
  outcome: FetchOutcome | null;
  fetch(path: string): void;
}

/**
 * `asked` is the run folder's read key (null: not read yet): the list is
 * read again whenever the folder is. `onFetched` runs once a file has
 * arrived, for the folder to be read again.
 */
export function useResultsLeft(runId: string, asked: string | null, onFetched: (path: string) => void): ResultsLeft {
  const backend = useBackend();
  const listed = useAsync(() => (asked === null ? null : backend.resultsLeftOnCluster(runId)), [backend, runId, asked]);
  // The answer of a fetch is newer than the listing it started from, until
  // the next listing (which the fetch itself brings about) replaces it.
  const [answered, setAnswered] = useState<{ from: ClusterResult[] | undefined; left: ClusterResult[] } | null>(null);
  const [fetching, setFetching] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<FetchOutcome | null>(null);

  const left = answered && answered.from === listed.value ? answered.left : (listed.value ?? null);

  const fetch = (path: string) => {
    // One transfer at a time: each is a large file over one SSH connection.
    if (fetching !== null) return;
    const from = listed.value;
    setFetching(path);
    setOutcome(null);
    backend.fetchClusterResult(runId, path).then(
      (rest) => {
        setAnswered({ from, left: rest });
        setFetching(null);
        setOutcome({ path, error: null });
        onFetched(path);
      },
      (e: unknown) => {
        setFetching(null);
        setOutcome({ path, error: toDeskError(e) });
      },
    );
  };

  return { left, listError: listed.error, fetching, outcome, fetch };
}
