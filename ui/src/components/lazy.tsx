// The heavy viewers as lazily loaded components: CodeMirror and uPlot then
// come in their own chunks (files next to the app, fine for the CSP), loaded
// the first time a page shows them. Wrap them in <Suspense>.

import { lazy } from 'react';

export const LazyIniEditor = lazy(() => import('./IniEditor').then((m) => ({ default: m.IniEditor })));
export const LazyBlockingIterationsChart = lazy(() =>
  import('./charts/BlockingIterationsChart').then((m) => ({ default: m.BlockingIterationsChart })),
);
export const LazyBlockingVsLoadChart = lazy(() => import('./charts/BlockingVsLoadChart').then((m) => ({ default: m.BlockingVsLoadChart })));
