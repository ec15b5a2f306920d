// Settings → Slurm clusters in the real window: the form lays its fields
// out three to a row as they are grouped (a shared two-column row left the
// third of each group alone on a line), and a cluster reached over SSH says
// where it is reached in the list.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { launch } from '../lib/app.mjs';

let app;
before(async () => {
  app = await launch();
});
after(async () => {
  await app?.stop();
});

/** The top edge of each field's input, by test id. */
async function tops(ids) {
  return app.browser.executeScript(
    'return arguments[0].map((id) => Math.round(document.querySelector(`[data-testid="${id}"]`).getBoundingClientRect().top));',
    ids,
  );
}

test('the cluster form puts each group of three fields on one row', async () => {
  await app.el('page-runs');
  await app.browser.executeScript("window.location.hash = '#/settings'");
  await app.click('cluster-add');
  await app.click('cluster-ssh');
  for (const row of [
    ['cluster-name', 'cluster-partition', 'cluster-account'],
    ['cluster-timeLimit', 'cluster-cpus', 'cluster-memory'],
    ['cluster-sshHost', 'cluster-sshUser', 'cluster-sshPort'],
  ]) {
    const [a, b, c] = await tops(row);
    assert.ok(a === b && b === c, `${row.join(', ')} at ${[a, b, c].join(', ')}`);
  }
  await app.screenshot('e2e-settings-cluster-form');
});

test('a cluster reached over SSH shows its login node and remote folder in the list', async () => {
  await app.type('cluster-name', 'hpc-login');
  await app.type('cluster-sshHost', '127.0.0.1');
  await app.type('cluster-sshUser', 'ann');
  await app.type('cluster-sshPort', '2299');
  await app.type('cluster-remoteFolder', '$SCRATCH/fusion-desk');
  await app.click('cluster-save');
  assert.equal(await app.text('cluster-ssh-hpc-login'), 'over SSH: ann@127.0.0.1:2299 · remote folder $SCRATCH/fusion-desk');
  await app.screenshot('e2e-settings-cluster-listed');
});
