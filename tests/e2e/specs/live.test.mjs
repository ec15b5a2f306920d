// Watching a run live in the real window: progress climbs to 100 % on the
// Progress tab while the log streams on the Logs tab, and both say so when
// the run ends.
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
  await app.el('page-run-detail');
  const id = (await app.text('detail-id')).trim();
  assert.match(id, /^[0-9a-f]{12}$/);
  return id;
}

/** Text of the first element matching `css`, spaces normalised (a no-break space reads as a space). */
async function textOf(css) {
  const els = await app.browser.findElements(By.css(css));
  if (els.length === 0) return null;
  try {
    return (await els[0].getText()).replace(/\s+/g, ' ').trim();
  } catch {
    return null; // re-rendered under us
  }
}

async function waitForCss(css, predicate, timeoutMs, message) {
  let last = null;
  await app.browser.wait(async () => {
    last = await textOf(css);
    return last !== null && predicate(last);
  }, timeoutMs, `${message} (last: ${JSON.stringify(last)})`);
  return last;
}

test('progress reaches 100 % and the log ends with the run', async () => {
  await app.el('page-runs');
  const id = await createRun(
    'e2e live sweep',
    'general_settings.num_requests = 200000\ngeneral_settings.max_iters = 8\nrl_settings.is_training = True',
  );

  await app.click('tab-progress');
  await app.el('progress-overall');
  // While it runs, the header shows the bar too.
  const seen = new Set();
  await app.browser.wait(async () => {
    const header = await textOf('[data-testid="detail-progress"] [data-testid="progress-percent"]');
    if (header) seen.add(header);
    const status = await textOf('[data-testid="detail-status"]');
    return status === 'RUNNING' && header !== null && header !== '100 %';
  }, 30_000, 'the header progress never showed while running').catch(() => undefined);
  await app.screenshot('e2e-live-progress-running');

  await waitForCss('[data-testid="progress-overall"] [data-testid="progress-percent"]', (t) => t === '100 %', 120_000, 'progress never reached 100 %');
  await app.waitForText('detail-status', 'COMPLETED', 60_000);
  const rows = await app.browser.findElements(By.css('[data-testid^="load-row-"]'));
  assert.equal(rows.length, 3, 'one row per load');
  for (const r of rows) assert.match(await r.getText(), /8 \/ 8/);
  await app.screenshot('e2e-live-progress-complete');

  await app.click('tab-logs');
  const ended = await waitForCss('[data-testid="log-ended"]', (t) => t.length > 0, 30_000, 'no log-ended note');
  assert.equal(ended, 'Log complete · COMPLETED');
  await app.type('log-search-input', 'Completed 500.0 Erlang');
  await waitForCss('[data-testid="log-search-count"]', (t) => /[1-9]/.test(t), 20_000, 'the search found nothing');
  await app.browser.wait(async () => {
    for (const el of await app.browser.findElements(By.css('[data-testid^="log-line-"]'))) {
      try {
        if ((await el.getText()).includes('Completed 500.0 Erlang')) return true;
      } catch { /* re-rendered */ }
    }
    return false;
  }, 20_000, 'the log line "Completed 500.0 Erlang" is not shown');
  await app.screenshot('e2e-live-logs');

  // The tabs keep their state: back to Progress and the table is still there, then the log again.
  await app.click('tab-progress');
  await waitForCss('[data-testid="progress-overall"] [data-testid="progress-percent"]', (t) => t === '100 %', 5_000, 'progress lost');
  await app.click('tab-logs');
  assert.equal(await textOf('[data-testid="log-ended"]'), 'Log complete · COMPLETED');

  await app.click('theme-toggle');
  await app.browser.sleep(400);
  await app.screenshot('e2e-live-logs-dark');
  await app.click('tab-progress');
  await app.browser.sleep(300);
  await app.screenshot('e2e-live-progress-dark');
  await app.click('theme-toggle');

  await app.click('nav-runs');
  await app.waitForText(`run-status-${id}`, 'COMPLETED');
});

test('the run list shows a progress bar on a running run', async () => {
  const id = await createRun(
    'e2e list progress',
    'general_settings.num_requests = 2000000\ngeneral_settings.max_iters = 100\nrl_settings.is_training = True',
  );
  await app.waitForText('detail-status', 'RUNNING', 30_000);
  await app.click('nav-runs');
  await waitForCss(`[data-testid="run-progress-${id}"]`, (t) => /\d+ %/.test(t), 30_000, 'no progress in the row');
  await app.screenshot('e2e-list-progress');
  await (await app.el(`run-row-${id}`)).findElement(By.css('.cell-name a')).click();
  await app.el('page-run-detail');
  await app.click('cancel-run');
  await app.click('confirm-ok');
  await app.waitForText('detail-status', 'CANCELLED', 60_000);
});
