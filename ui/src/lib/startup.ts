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
