// A sweep from the new-run page in the real window: vary a key over four
// values, watch the four runs finish as one group on the sweep page, then
// open their comparison.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, Select } from 'selenium-webdriver';
import { launch } from '../lib/app.mjs';

let app;
before(async () => { app = await launch(); });
after(async () => { await app?.stop(); });

test('a sweep of 4 runs is built on the new-run page, finishes as a group and opens its comparison', async () => {
  await app.el('page-runs');
  await app.click('nav-new');
  await app.el('page-new');
  const select = new Select(await app.el('template-select'));
  await app.browser.wait(async () => (await select.getOptions()).length > 1, 10_000, 'templates never loaded');
  await select.selectByValue('quick');
  await app.type('run-name', 'e2e k sweep');

  await app.click('sweep-add-axis');
  await app.type('sweep-axis-key', 'routing_settings.k_paths');
  await app.type('sweep-axis-values', '1..4');
  await app.browser.wait(async () => {
    try {
      return /^4 runs will be created/.test(await app.text('sweep-summary'));
    } catch {
      return false;
    }
  }, 20_000, 'the sweep was never previewed');
  assert.match(await app.text('create-run'), /Create 4 runs/);
  await app.screenshot('e2e-sweep-new');
  await app.click('create-run');

  try {
    await app.el('page-sweep');
    await app.waitForText('sweep-done', '4 / 4 done', 120_000);
  } catch (e) {
    await app.screenshot('e2e-sweep-failed');
    throw e;
  }
  await app.screenshot('e2e-sweep-done');
  assert.match(await app.text('sweep-progress-text'), /0 failed/);
  // The title is an ellipsised h1, whose text WebKitWebDriver reports empty: read its title.
  assert.equal(await (await app.el('sweep-name')).getAttribute('title'), 'e2e k sweep');

  await app.click('nav-sweeps');
  await app.el('page-sweeps');
  await app.screenshot('e2e-sweeps-list');
  await app.browser.navigate().back();
  await app.el('page-sweep');
  await app.click('sweep-compare');
  await app.browser.wait(async () => (await app.browser.getCurrentUrl()).includes('#/compare?runs='), 10_000, 'Compare did not navigate');
  const url = await app.browser.getCurrentUrl();
  const ids = decodeURIComponent(url.split('runs=')[1]).split(',');
  assert.equal(ids.length, 4, url);
  for (const id of ids) assert.match(id, /^[0-9a-f]{12}$/);

  // The comparison: one chart, one metrics row and one label per run, each
  // label naming the value of the varied key.
  await app.el('page-compare');
  for (const id of ids) await app.el(`compare-run-${id}`);
  const labels = [];
  for (let i = 0; i < 4; i++) labels.push(await app.text(`compare-label-${i}`));
  assert.deepEqual(labels.map((l) => l.match(/k_paths=(\d)/)?.[1]).sort(), ['1', '2', '3', '4'], labels.join(' | '));
  assert.match(await app.text('compare-diff'), /routing_settings\.k_paths/);
  await app.browser.wait(
    async () => (await app.browser.findElements(By.css('[data-testid="chart-vs-load"] canvas'))).length > 0,
    10_000,
    'the comparison chart was never drawn',
  );
  await app.screenshot('e2e-sweep-compare');
});
