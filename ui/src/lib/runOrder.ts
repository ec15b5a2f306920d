// The order of the run list as last shown, so that `j` / `k` on a run's page
// step to the next / previous run of the list the user came from.

let order: string[] = [];

export function setListOrder(ids: string[]): void {
  order = ids;
}

/** The id `delta` places from `id` in the list order, or null at an end / when unknown. */
export function neighbourRun(id: string, delta: number): string | null {
  const i = order.indexOf(id);
  if (i < 0) return null;
  return order[i + delta] ?? null;
}

/** Event the keyboard shortcuts send the run list to move its cursor (`detail`: +1 / -1). */
export const LIST_MOVE_EVENT = 'fusion:list-move';
