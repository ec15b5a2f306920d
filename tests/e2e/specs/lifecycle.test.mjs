// A researcher's first minutes with FUSION Desk, in the real window: launch a
// run on the embedded fusion-sim and watch it complete, cancel a long one,
// delete it, and find the history right.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, Select } from 'selenium-webdriver';
import { launch } from '../lib/app.mjs';

let app;
before(async () => { app = await launch(); });
after(async () => { await app?.stop(); });

async function createRun(name, overrides = '') {
  await app.click('nav-new');
  await app.el('page-new');
  const select = new Select(await app.el('template-select'));
  await app.browser.wait(async () => (await select.getOptions()).length > 1, 10_000, 'templates never loaded');
  await select.selectByValue('quick');
  await app.type('run-name', name);
  if (overrides) await app.type('overrides-text', overrides);
  await app.createRun();
  try {
    await app.el('page-run-detail');
  } catch (e) {
    await app.screenshot('e2e-create-failed');
    throw e;
  }
  const id = (await app.text('detail-id')).trim();
  assert.match(id, /^[0-9a-f]{12}$/);
  return id;
}

test('a run created from the window completes on the embedded simulator', async () => {
  await app.el('page-runs');
  const id = await createRun('e2e quick sweep');
  await app.waitForText('detail-status', 'COMPLETED', 60_000);
  const config = await app.text('detail-config');
  assert.match(config, /\[general_settings\]/);
  await app.screenshot('e2e-run-completed');
  await app.click('nav-runs');
  await app.waitForText(`run-status-${id}`, 'COMPLETED');
});

test('a long run is cancelled and then deleted', async () => {
  const id = await createRun('e2e long sweep', 'general_settings.num_requests = 2000000\ngeneral_settings.max_iters = 100\nrl_settings.is_training = True');
  await app.waitForText('detail-status', 'RUNNING', 30_000);
  await app.click('cancel-run');
  await app.click('confirm-ok');
  await app.waitForText('detail-status', 'CANCELLED', 60_000);
  await app.screenshot('e2e-run-cancelled');

  await app.click('delete-run');
  await app.click('confirm-ok');
  await app.el('page-runs');
  await app.waitGone(`run-row-${id}`);
});

test('the history shows the finished run and filters by status', async () => {
  await app.click('nav-runs');
  await app.click('filter-COMPLETED');
  const rows = await app.browser.findElements(By.css('[data-testid^="run-row-"]'));
  assert.equal(rows.length, 1);
  await app.click('filter-ALL');
  await app.screenshot('e2e-run-list');
});
