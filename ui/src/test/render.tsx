import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { BackendContext, type Backend } from '../api/backend';

export function renderWith(backend: Backend, ui: ReactElement) {
  return render(<BackendContext.Provider value={backend}>{ui}</BackendContext.Provider>);
}
