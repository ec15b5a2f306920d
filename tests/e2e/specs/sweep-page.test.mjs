// A sweep's page in the real window, on a small sweep of the embedded
// engine: the plot's controls line up (the log-axis checkbox sat above its
// words, off the row of selects), and each run is told apart by its values.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { fdesk, launch } from '../lib/app.mjs';

let app;
let sweep;
before(async () => {
  app = await launch();
  await app.el('page-runs');
  sweep = JSON.parse(
    fdesk(app.home, 'sweep', 'create', '--template', 'quick', '--name', 'e2e light sweep',
      '--set', 'general_settings.erlang_start=10', '--set', 'general_settings.erlang_stop=210', '--set', 'general_settings.erlang_step=100',
      '--vary', 'routing_settings.k_paths=1,3'),
  );
  for (const r of sweep.runs) fdesk(app.home, 'wait', r.id, '--timeout', '120');
});
after(async () => {
  await app?.stop();
});

const box = (testId) =>
  app.browser.executeScript('const r = document.querySelector(`[data-testid="${arguments[0]}"]`).getBoundingClientRect(); return [r.top, r.bottom, r.left, r.right];', testId);

test("the log-axis checkbox sits beside its words, in line with the plot's selects", async () => {
  await app.browser.executeScript(`window.location.hash = '#/sweeps/${sweep.sweep.id}'`);
  await app.el('sweep-plot-image');
  const [cTop, cBottom, , cRight] = await box('sweep-plot-log');
  const words = await app.browser.executeScript(`
    const label = document.querySelector('[data-testid="sweep-plot-log"]').closest('label');
    const range = document.createRange();
    range.selectNodeContents(label);
    const rects = [...range.getClientRects()].filter((r) => r.width > 0 && r.left >= label.querySelector('input').getBoundingClientRect().right);
    const r = rects[rects.length - 1];
    return r ? [r.top, r.bottom, r.left] : null;`);
  assert.ok(words, 'no words of the label to the right of the checkbox');
  const centre = (a, b) => (a + b) / 2;
  assert.ok(words[2] >= cRight, `the words start at ${words[2]}, left of the checkbox's right edge ${cRight}`);
  assert.ok(Math.abs(centre(words[0], words[1]) - centre(cTop, cBottom)) <= 3, `checkbox at ${cTop}–${cBottom}, words at ${words[0]}–${words[1]}`);
  const [sTop, sBottom] = await box('sweep-plot-by');
  assert.ok(Math.abs(centre(sTop, sBottom) - centre(cTop, cBottom)) <= 4, `select centred at ${centre(sTop, sBottom)}, checkbox at ${centre(cTop, cBottom)}`);
  await app.screenshot('e2e-sweep-plot-controls');
});

test('each run of the sweep is named by the values it varies', async () => {
  const labels = [];
  for (const r of sweep.runs) labels.push(await app.text(`sweep-run-label-${r.id}`));
  assert.deepEqual(labels.sort(), ['k_paths=1', 'k_paths=3']);
});

test("card headings are set in the interface's font on the sweep and compare pages, as on a run's pages", async () => {
  const fonts = () =>
    app.browser.executeScript(`
      const body = getComputedStyle(document.body).fontFamily;
      return [body, [...document.querySelectorAll('.card-header h2')].map((h) => h.textContent.trim() + ': ' + (getComputedStyle(h).fontFamily === body ? 'ok' : getComputedStyle(h).fontFamily))];`);
  const [, onSweep] = await fonts();
  assert.ok(onSweep.length > 0);
  assert.deepEqual(onSweep.filter((h) => !h.endsWith(': ok')), []);
  await app.click('sweep-compare');
  await app.el('page-compare');
  await app.el('compare-metrics');
  const [, onCompare] = await fonts();
  assert.ok(onCompare.length >= 3, onCompare.join(' | '));
  assert.deepEqual(onCompare.filter((h) => !h.endsWith(': ok')), []);
});
