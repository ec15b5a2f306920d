// jsdom has no canvas. These stand-ins answer what uPlot asks of a 2D
// context and of Path2D, and record every coordinate passed to them, so the
// real uPlot can lay out and draw a chart in a test and the test can check
// that nothing it drew was NaN or infinite.

/** Every number given to a drawing call since the last reset. */
export const drawnNumbers: number[] = [];

const drawingCalls = new Set(['moveTo', 'lineTo', 'rect', 'arc', 'fillRect', 'strokeRect', 'clearRect', 'fillText', 'strokeText', 'bezierCurveTo', 'quadraticCurveTo', 'translate', 'drawImage']);

/** A clip region as the rectangle last added to the path before `clip()`: x, y, width, height. */
export type ClipRect = [number, number, number, number];

/** Circles drawn on a context directly (uPlot draws its own markers through Path2D), with the fill and the clip then in use. */
export const contextArcs: { x: number; y: number; r: number; fill: unknown; clip: ClipRect | null }[] = [];

/** Every text drawn with fillText since the last reset. */
export const drawnTexts: string[] = [];

function record(args: unknown[]) {
  for (const a of args) if (typeof a === 'number') drawnNumbers.push(a);
}

class StubPath2D {
  constructor(_from?: unknown) {}
  moveTo(...a: unknown[]) {
    record(a);
  }
  lineTo(...a: unknown[]) {
    record(a);
  }
  rect(...a: unknown[]) {
    record(a);
  }
  arc(...a: unknown[]) {
    record(a);
  }
  bezierCurveTo(...a: unknown[]) {
    record(a);
  }
  quadraticCurveTo(...a: unknown[]) {
    record(a);
  }
  closePath() {}
  addPath() {}
}

function stubContext(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  // What `clip()` would cut to, kept across save() / restore() as a context does.
  let pathRect: ClipRect | null = null;
  let clip: ClipRect | null = null;
  const saved: (ClipRect | null)[] = [];
  const state: Record<string | symbol, unknown> = {
    canvas,
    measureText: (text: string) => ({ width: String(text).length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }),
    getLineDash: () => [],
    createLinearGradient: () => ({ addColorStop() {} }),
  };
  return new Proxy(state, {
    get(t, key) {
      if (key in t) return t[key];
      if (key === 'arc') return (x: number, y: number, r: number, ...a: unknown[]) => (contextArcs.push({ x, y, r, fill: t.fillStyle, clip }), record([x, y, r, ...a]));
      if (key === 'beginPath') return () => (pathRect = null);
      if (key === 'rect') return (...a: number[]) => ((pathRect = [a[0], a[1], a[2], a[3]]), record(a));
      if (key === 'clip') return () => (clip = pathRect);
      if (key === 'save') return () => saved.push(clip);
      if (key === 'restore') return () => (clip = saved.pop() ?? null);
      if (key === 'fillText') return (text: unknown, ...a: unknown[]) => (drawnTexts.push(String(text)), record(a));
      if (typeof key === 'string' && drawingCalls.has(key)) return (...a: unknown[]) => record(a);
      return () => undefined;
    },
    set(t, key, value) {
      t[key] = value;
      return true;
    },
  }) as unknown as CanvasRenderingContext2D;
}

/** Installs the stand-ins (before uPlot is imported: it reads matchMedia when it loads). */
export function installCanvasStub(): void {
  const g = globalThis as unknown as Record<string, unknown>;
  if (!g.Path2D) g.Path2D = StubPath2D;
  if (!window.matchMedia) {
    window.matchMedia = ((query: string) => ({
      matches: false,
      media: query,
      onchange: null,
      addListener() {},
      removeListener() {},
      addEventListener() {},
      removeEventListener() {},
      dispatchEvent: () => false,
    })) as unknown as typeof window.matchMedia;
  }
  HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement) {
    return stubContext(this);
  } as unknown as typeof HTMLCanvasElement.prototype.getContext;
  HTMLCanvasElement.prototype.toDataURL = () => 'data:image/png;base64,';
}
