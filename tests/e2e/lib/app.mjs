// Starts the real FUSION Desk binary through tauri-driver (which runs
// WebKitWebDriver) on a scratch data dir, and offers small helpers to drive
// it by the UI's data-testid attributes.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir, homedir } from 'node:os';
import { createServer } from 'node:net';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Builder, By, Key, until } from 'selenium-webdriver';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const shotsDir = process.env.E2E_SHOTS ?? join(repoRoot, 'shots');

export function appPath() {
  const app = process.env.E2E_APP
    ?? join(process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/fusion-desk/target'), 'debug/fusion-desk');
  if (!existsSync(app)) throw new Error(`${app} is missing: build it first (cargo build --workspace --bins)`);
  return app;
}

function tauriDriverPath() {
  const local = join(homedir(), '.cargo/bin/tauri-driver');
  return existsSync(local) ? local : 'tauri-driver';
}

async function waitForDriver(port, deadlineMs) {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/status`);
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('tauri-driver did not start');
}

/** Runs outlive the app by design; a test's runs must not outlive the test.
 * Every supervisor and simulator started by this app inherited its
 * FUSION_DESK_HOME, which identifies them. */
function killRunsOf(home) {
  const needle = `FUSION_DESK_HOME=${home}`;
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
      if (env.includes(needle)) process.kill(Number(pid), 'SIGKILL');
    } catch { /* gone, or not ours to read */ }
  }
}

let nextPort = 4444 + (process.pid % 500) * 2;

/** Whether nothing listens on `port` of loopback: a driver left running
 * there by something else would answer /status and take our session. */
function portFree(port) {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** The next pair of ports (driver, native driver) that are both free. */
async function freePorts() {
  for (let tries = 0; tries < 200; tries++) {
    const port = nextPort;
    nextPort += 2;
    if (nextPort > 60000) nextPort = 4444;
    if ((await portFree(port)) && (await portFree(port + 1))) return port;
  }
  throw new Error('no two free ports on loopback for tauri-driver');
}

/** Starts the app on a fresh data dir; `env` adds to the app's environment. */
export async function launch(env = {}) {
  const home = mkdtempSync(join(tmpdir(), 'fusion-desk-e2e-'));
  const port = await freePorts();
  // tauri-driver leads a process group with WebKitWebDriver and the app, so
  // stop() can end all three even when the app declines to close (the quit
  // dialog with runs active). Their output goes to a file: an inherited pipe
  // held open by a surviving app would keep the test runner waiting forever.
  const log = openSync(join(home, 'tauri-driver.log'), 'a');
  const driver = spawn(tauriDriverPath(), ['--port', String(port), '--native-port', String(port + 1)], {
    env: { ...process.env, FUSION_DESK_HOME: home, ...env },
    stdio: ['ignore', log, log],
    detached: true,
  });
  await waitForDriver(port, 20_000);
  const browser = await new Builder()
    .usingServer(`http://127.0.0.1:${port}/`)
    .withCapabilities({ browserName: 'wry', 'tauri:options': { application: appPath() } })
    .build();
  const app = new App(browser, home);
  app.stop = async () => {
    try {
      await Promise.race([browser.quit(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    } catch { /* the session may already be gone */ }
    try { process.kill(-driver.pid, 'SIGKILL'); } catch { /* already gone */ }
    killRunsOf(home);
  };
  return app;
}

export class App {
  constructor(browser, home) {
    this.browser = browser;
    this.home = home;
  }

  el(testId) {
    return this.browser.wait(async () => {
      try {
        const [found] = await this.browser.findElements(By.css(`[data-testid="${testId}"]`));
        return found ?? false;
      } catch {
        return false; // a node the page replaced mid-search (see waitGone): look again
      }
    }, 20_000, `no ${testId}`);
  }

  async click(testId) {
    const el = await this.el(testId);
    await this.browser.wait(until.elementIsEnabled(el), 10_000);
    await el.click();
  }

  async type(testId, text) {
    const el = await this.el(testId);
    await el.clear();
    // WebKitWebDriver drops a literal "\n"; the Enter key makes the newline.
    const lines = text.split('\n');
    for (const [i, line] of lines.entries()) {
      if (i > 0) await el.sendKeys(Key.ENTER);
      if (line) await el.sendKeys(line);
    }
  }

  async text(testId) {
    return (await this.el(testId)).getText();
  }

  /** Waits until the element's text is `expected`; returns how long that took. */
  async waitForText(testId, expected, timeoutMs = 30_000) {
    const started = Date.now();
    await this.browser.wait(async () => {
      try {
        const els = await this.browser.findElements(By.css(`[data-testid="${testId}"]`));
        return els.length > 0 && (await els[0].getText()).trim() === expected;
      } catch {
        return false; // re-rendered under us: look again
      }
    }, timeoutMs, `${testId} never showed ${expected}`);
    return Date.now() - started;
  }

  async waitGone(testId, timeoutMs = 20_000) {
    await this.browser.wait(async () => {
      try {
        return (await this.browser.findElements(By.css(`[data-testid="${testId}"]`))).length === 0;
      } catch {
        return false; // WebKitWebDriver reports a node the page replaced mid-search: look again
      }
    }, timeoutMs, `${testId} still present`);
  }

  /** Clicks Create on the new-run page once the config has been checked (the
   * run size is shown), as a person reads it before creating the run. */
  async createRun() {
    await this.browser.wait(async () => {
      try {
        return /loads ×/.test(await this.text('run-summary'));
      } catch {
        return false;
      }
    }, 20_000, 'the config was never checked');
    // A config in FUSION's RL training mode is confirmed before it is created.
    const training = (await this.browser.findElements(By.css('[data-testid="training-warning"]'))).length > 0;
    await this.click('create-run');
    if (training) {
      await this.el('confirm-modal');
      await this.click('confirm-ok');
    }
  }

  async screenshot(name) {
    mkdirSync(shotsDir, { recursive: true });
    const path = join(shotsDir, `${name}.png`);
    writeFileSync(path, Buffer.from(await this.browser.takeScreenshot(), 'base64'));
    return path;
  }
}

/** fdesk from the same build as the app, on the data dir `home`; its JSON output. */
export function fdesk(home, ...args) {
  const bin = join(dirname(appPath()), 'fdesk');
  return execFileSync(bin, ['--json', ...args], { env: { ...process.env, FUSION_DESK_HOME: home }, encoding: 'utf8', timeout: 180_000 });
}

/** Answers the native save dialog titled `title` (GTK, no window manager under Xvfb) with `path`. */
export async function answerSaveDialog(title, path) {
  let win = '';
  const end = Date.now() + 20_000;
  while (!win && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 300));
    try {
      const found = execFileSync('xdotool', ['search', '--onlyvisible', '--name', title], { encoding: 'utf8' }).trim().split('\n')[0];
      // Focus fails (BadMatch) until the dialog is mapped: look again.
      execFileSync('xdotool', ['windowfocus', '--sync', found], { stdio: 'ignore' });
      win = found;
    } catch { /* not open, or not shown yet */ }
  }
  if (!win) throw new Error(`no "${title}" dialog opened`);
  // The name field has the focus: replace the proposed name by a full path.
  execFileSync('xdotool', ['key', 'ctrl+a']);
  execFileSync('xdotool', ['type', '--delay', '5', path]);
  execFileSync('xdotool', ['key', 'Return']);
}
