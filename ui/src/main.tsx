// The shared styles first: each component's own CSS, imported with the
// component, then follows them in the cascade.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { createBackend } from './api';
import { markStartup } from './lib/startup';
import { applyTheme, currentTheme } from './lib/theme';

markStartup('script');
applyTheme(currentTheme());

const backend = createBackend();

// In `vite dev` the demo backend is reachable from the console, e.g.
// `fusionDeskDemo.requestQuit(2)` to see the quit confirmation.
if (import.meta.env.DEV && backend.kind === 'memory') {
  (window as unknown as Record<string, unknown>).fusionDeskDemo = backend;
}

const root = document.getElementById('root');
if (!root) throw new Error('missing #root');
createRoot(root).render(
  <StrictMode>
    <App backend={backend} />
  </StrictMode>,
);
