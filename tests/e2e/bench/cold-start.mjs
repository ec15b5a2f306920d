// Cold start of the real app to a painted run list, run with
//   xvfb-run -a node tests/e2e/bench/cold-start.mjs [launches]
// Prints, per launch and as a median: process start → first frame with the
// run list (the app's start time from /proc, the paint time recorded by the
// UI), and WebDriver session request → that frame.
import { launch, repoRoot } from '../lib/app.mjs';
import { appStartMs, median } from './process-start.mjs';

const launches = Number(process.argv[2] ?? 5);
const fromProcess = [];
const fromSession = [];
for (let i = 0; i < launches; i++) {
  const requested = Date.now();
  const app = await launch({ E2E_REPO: repoRoot });
  try {
    const painted = await app.browser.wait(
      () => app.browser.executeScript('return window.__fdeskFirstListPaint ?? null'),
      30_000,
      'the run list never painted',
    );
    const started = appStartMs();
    fromProcess.push(painted - started);
    fromSession.push(painted - requested);
    console.log(`launch ${i + 1}: process start → painted list ${(painted - started).toFixed(0)} ms; session request → painted ${(painted - requested).toFixed(0)} ms`);
  } finally {
    await app.stop();
  }
}
console.log(`cold start, median of ${launches}: process start → painted run list ${median(fromProcess).toFixed(0)} ms (session request → painted ${median(fromSession).toFixed(0)} ms)`);
