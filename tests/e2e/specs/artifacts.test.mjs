// A finished run's files and results in the real window: browse the run
// folder, preview a results file, and see the results table and chart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { By, Select } from 'selenium-webdriver';
import { launch } from '../lib/app.mjs';

let app;
before(async () => { app = await launch(); });
after(async () => { await app?.stop(); });

async function createRun(name) {
  await app.click('nav-new');
  await app.el('page-new');
  const select = new Select(await app.el('template-select'));
  await app.browser.wait(async () => (await select.getOptions()).length > 1, 10_000, 'templates never loaded');
  await select.selectByValue('quick');
  await app.type('run-name', name);
  await app.createRun();
  await app.el('page-run-detail');
  return (await app.text('detail-id')).trim();
}

/** Opens folders under `output` until the 300 Erlang results file shows; returns its entry. */
async function findResultsFile() {
  let found = null;
  await app.browser.wait(async () => {
    const hits = await app.browser.findElements(By.css('[data-testid$="300.0_erlang.json"]'));
    if (hits.length) {
      found = hits[0];
      return true;
    }
    // FUSION may nest its output; open the folders below output.
    for (const li of await app.browser.findElements(By.css('li[aria-expanded="false"]'))) {
      const entry = await li.findElement(By.css('.file-entry'));
      const testId = await entry.getAttribute('data-testid');
      if (testId.startsWith('file-entry-output/')) {
        await entry.click();
        return false;
      }
    }
    return false;
  }, 20_000, 'no 300.0_erlang.json under output');
  return found;
}

test('a completed run shows its files, a JSON preview and the results', async () => {
  await app.el('page-runs');
  await createRun('e2e artifacts');
  await app.waitForText('detail-status', 'COMPLETED', 60_000);

  await app.click('tab-artifacts');
  await app.el('artifacts-usage');
  await app.click('file-entry-output');
  const file = await findResultsFile();
  await file.click();
  const preview = await app.el('artifact-preview');
  await app.browser.wait(async () => (await preview.findElements(By.css('[data-testid="json-tree"]'))).length > 0, 20_000, 'no JSON preview');
  assert.match(await preview.getText(), /sim_block_list|blocking_mean/);
  await app.screenshot('e2e-artifacts-json');

  await app.click('file-entry-config.ini');
  await app.browser.wait(async () => (await preview.getText()).includes('[general_settings]'), 10_000, 'no text preview');
  await app.screenshot('e2e-artifacts-text');

  await app.click('tab-results');
  const table = await app.el('results-table');
  const rows = await table.findElements(By.css('tbody tr'));
  assert.equal(rows.length, 3);
  const chart = await app.el('chart-vs-load');
  await app.browser.wait(async () => (await chart.findElements(By.css('canvas'))).length > 0, 20_000, 'the chart has no canvas');
  await app.screenshot('e2e-results');

  await app.click('tab-topology');
  await app.el('topology-legend');
  await app.screenshot('e2e-topology');

  await app.click('theme-toggle');
  await app.click('tab-results');
  await app.screenshot('e2e-results-dark');
  await app.click('tab-artifacts');
  await app.browser.sleep(300);
  await app.screenshot('e2e-artifacts-dark');
  await app.click('theme-toggle');
});
