// A run sent to a Slurm cluster from the real window: a cluster profile is
// added in Settings, the new-run page's "Run on" control picks it, and the
// run page shows the Slurm job, its status line and the run's completion.
// Starts (and stops) a real single-node Slurm on loopback.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { By, Select } from 'selenium-webdriver';
import { launch, repoRoot } from '../lib/app.mjs';

const slurm = (action) => execFileSync('bash', [join(repoRoot, 'scripts/slurm-local.sh'), action], { stdio: 'inherit' });
const SLURM_CONF = '/tmp/fusion-desk-slurm/slurm.conf';

let app;
before(async () => {
  slurm('start');
  app = await launch({ SLURM_CONF });
});
after(async () => {
  await app?.stop();
  slurm('stop');
});

/** Waits until the element's text matches `re`; returns the text. */
async function waitMatch(testId, re, timeoutMs = 20_000) {
  let last = '';
  await app.browser.wait(async () => {
    try {
      const els = await app.browser.findElements(By.css(`[data-testid="${testId}"]`));
      last = els.length ? await els[0].getText() : '';
      return re.test(last);
    } catch {
      return false;
    }
  }, timeoutMs, `${testId} never matched ${re}`).catch((e) => {
    throw new Error(`${e.message}; last text: ${JSON.stringify(last)}`);
  });
  return last;
}

test('a run goes to the cluster chosen on the new-run page and completes there', async () => {
  await app.click('nav-settings');
  await app.click('cluster-add');
  await app.type('cluster-name', 'loopback');
  await app.type('cluster-partition', 'debug');
  await app.type('cluster-timeLimit', '10');
  await app.click('cluster-save');
  await waitMatch('cluster-item-loopback', /partition debug, 1 CPU, time limit 10/);
  await app.browser.findElement(By.css('[data-testid="cluster-item-loopback"] button')).click();
  await waitMatch('cluster-check-loopback', /✓ partition debug/);
  await app.screenshot('slurm-settings');

  await app.click('nav-new');
  const picker = await app.el('executor');
  await app.browser.wait(async () => (await picker.findElements(By.css('option'))).length === 2, 15_000, 'no cluster option');
  await new Select(picker).selectByValue('loopback');
  await waitMatch('executor-hint', /Submitted to Slurm: partition debug/);
  await waitMatch('run-summary', /loads ×/);
  await app.screenshot('slurm-new-run');
  await app.createRun();

  await waitMatch('detail-executor', /Slurm cluster loopback/);
  assert.match(await app.text('detail-slurm-job'), /^\d+$/);
  await waitMatch('detail-status', /COMPLETED/, 60_000);
  await app.screenshot('slurm-run-detail');
});
