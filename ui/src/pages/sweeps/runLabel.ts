// A sweep names each of its runs `<sweep> · key=value, …`. On the sweep's own
// page the shared prefix says nothing, and in a narrow column it is all that
// fits: every row then reads the same. There a run is called by its values.

/** The run's name without its sweep's `<sweep> · ` prefix; a renamed run keeps its whole name. */
export function sweepRunLabel(sweepName: string, runName: string): string {
  const prefix = `${sweepName} · `;
  return runName.startsWith(prefix) && runName.length > prefix.length ? runName.slice(prefix.length) : runName;
}
