// Records when the run list is first painted with data, as a wall-clock time
// (ms since the epoch), so the cold-start benchmark can compare it with the
// app process's start time. Set once; costs nothing afterwards.

declare global {
  interface Window {
    __fdeskFirstListPaint?: number;
  }
}

export function markFirstListPaint(): void {
  if (window.__fdeskFirstListPaint !== undefined) return;
  // The second frame callback runs after the first frame with the list was painted.
  requestAnimationFrame(() =>
    requestAnimationFrame(() => {
      window.__fdeskFirstListPaint ??= performance.timeOrigin + performance.now();
    }),
  );
}

/** A named moment of the first start (script evaluated, list requested, list
 * received), as a performance mark the run-list benchmark reads back to say
 * where the time to the first paint goes. Only the first of each is kept. */
export function markStartup(name: 'script' | 'list-requested' | 'list-received'): void {
  if (window.__fdeskFirstListPaint !== undefined || typeof performance.mark !== 'function') return;
  if (performance.getEntriesByName(`fdesk:${name}`).length === 0) performance.mark(`fdesk:${name}`);
}
