// Logs taller than a browser can scroll (millions of lines) map their full
// virtual height onto a scroll area of at most MAX_SCROLL_PX.

/** Tallest scrollable area used; taller logs map their scroll position onto it. */
export const MAX_SCROLL_PX = 15_000_000;

export function physicalHeight(total: number): number {
  return Math.min(total, MAX_SCROLL_PX);
}

/** Scroll position (px of the scroll area) → position in the full virtual height. */
export function toVirtual(scrollTop: number, total: number, vh: number): number {
  const phys = physicalHeight(total);
  if (phys >= total) return scrollTop;
  const maxP = phys - vh;
  return maxP <= 0 ? 0 : (scrollTop * (total - vh)) / maxP;
}

export function toPhysical(virtualTop: number, total: number, vh: number): number {
  const phys = physicalHeight(total);
  if (phys >= total) return virtualTop;
  const maxV = total - vh;
  return maxV <= 0 ? 0 : (virtualTop * (phys - vh)) / maxV;
}
