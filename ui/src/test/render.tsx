import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { BackendContext, type Backend } from '../api/backend';

export function renderWith(backend: Backend, ui: ReactElement) {
  return render(<BackendContext.Provider value={backend}>{ui}</BackendContext.Provider>);
}

/** CodeMirror measures text with ranges; jsdom has no layout. */
export function stubRanges() {
  const rect = { x: 0, y: 0, top: 0, left: 0, right: 0, bottom: 0, width: 0, height: 0, toJSON: () => ({}) } as DOMRect;
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => rect;
}
