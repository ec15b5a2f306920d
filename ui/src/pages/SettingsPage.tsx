import { useRef, useState, type FormEvent } from 'react';
import type { DeskError } from '../bindings/DeskError';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
import type { SimulatorCheck } from '../bindings/SimulatorCheck';
import { toDeskError, useBackend } from '../api/backend';
import { useAsync, useOnChange } from '../lib/useAsync';
import { LIMITS } from '../generated/limits';
import { CopyButton } from '../components/CopyButton';
import { ErrorAlert } from '../components/ErrorAlert';
import { ClusterProfilesSection } from './settings/ClusterProfilesSection';
import './SettingsPage.css';

export const MAX_CONCURRENT_LIMIT = LIMITS.max_concurrent_runs;
export const MAX_GRACE_SECONDS = LIMITS.max_cancel_grace_seconds;

type Form = { simulator: string; maxConcurrent: string; grace: string; notify: boolean };

function toForm(s: Settings): Form {
  return {
    simulator: s.simulator_command,
    maxConcurrent: String(s.max_concurrent_runs),
    grace: String(s.cancel_grace_seconds),
    notify: s.notify_when_finished,
  };
}

/** Checks the numbers with the core's limits and wording; returns the settings or the problem. */
export function parseSettingsForm(form: Form): Settings | DeskError {
  const max = form.maxConcurrent.trim() === '' ? NaN : Number(form.maxConcurrent);
  if (!Number.isInteger(max) || max < 1 || max > MAX_CONCURRENT_LIMIT) {
    return { code: 'invalid_input', message: `max concurrent runs must be between 1 and ${MAX_CONCURRENT_LIMIT}` };
  }
  const grace = form.grace.trim() === '' ? NaN : Number(form.grace);
  if (!Number.isFinite(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
    return { code: 'invalid_input', message: `the cancel grace period must be between 0 and ${MAX_GRACE_SECONDS} seconds` };
  }
  return { simulator_command: form.simulator.trim(), max_concurrent_runs: max, cancel_grace_seconds: grace, notify_when_finished: form.notify };
}

type Profile = 'embedded' | 'fusion';

const KIND_LABEL: Record<NonNullable<SimulatorCheck['kind']>, string> = {
  embedded: 'Embedded engine',
  fusion_python: 'FUSION (Python)',
};

export function SettingsPage() {
  const backend = useBackend();
  const [profile, setProfile] = useState<Profile>('embedded');
  const [check, setCheck] = useState<SimulatorCheck | null>(null);
  const [checkError, setCheckError] = useState<DeskError | null>(null);
  const [checking, setChecking] = useState(false);
  /** The FUSION command to restore when switching back from the embedded engine. */
  const lastFusion = useRef('');
  const [view, setView] = useState<SettingsView | null>(null);
  const [form, setForm] = useState<Form | null>(null);
  const [error, setError] = useState<DeskError | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);

  const { value: loaded, error: loadError } = useAsync(() => backend.getSettings(), [backend]);
  useOnChange(loaded, (v) => {
    setView(v);
    setForm(toForm(v.settings));
    setProfile(v.settings.simulator_command.trim() ? 'fusion' : 'embedded');
  });

  const edit = (patch: Partial<Form>) => {
    setForm((f) => f && { ...f, ...patch });
    setSaved(false);
    if (patch.simulator !== undefined) {
      setCheck(null);
      setCheckError(null);
      if (patch.simulator.trim()) setProfile('fusion');
    }
  };

  const chooseProfile = (p: Profile) => {
    if (!form || p === profile) return;
    setProfile(p);
    setCheck(null);
    setCheckError(null);
    if (p === 'embedded') {
      lastFusion.current = form.simulator;
      edit({ simulator: '' });
      setProfile('embedded');
    } else if (!form.simulator.trim() && lastFusion.current) {
      edit({ simulator: lastFusion.current });
    }
  };

  const runCheck = () => {
    if (!form || checking) return;
    setChecking(true);
    setCheck(null);
    setCheckError(null);
    backend.checkSimulator(form.simulator.trim() || null).then(
      (c) => {
        setChecking(false);
        setCheck(c);
      },
      (e: unknown) => {
        setChecking(false);
        setCheckError(toDeskError(e));
      },
    );
  };

  const pick = () => {
    if (checking) return;
    setChecking(true);
    setCheckError(null);
    backend.pickSimulator().then(
      (c) => {
        setChecking(false);
        if (!c) return;
        edit({ simulator: c.command });
        setProfile('fusion');
        setCheck(c);
      },
      (e: unknown) => {
        setChecking(false);
        setCheckError(toDeskError(e));
      },
    );
  };

  const save = (e: FormEvent) => {
    e.preventDefault();
    if (!form || busy) return;
    const parsed = parseSettingsForm(form);
    if ('code' in parsed) {
      setError(parsed);
      setSaved(false);
      return;
    }
    setBusy(true);
    setError(null);
    setSaved(false);
    backend.saveSettings(parsed).then(
      (v) => {
        setBusy(false);
        setView(v);
        setForm(toForm(v.settings));
        setProfile(v.settings.simulator_command.trim() ? 'fusion' : 'embedded');
        setSaved(true);
      },
      (e: unknown) => {
        setBusy(false);
        setError(toDeskError(e));
      },
    );
  };

  const dirty = !!(view && form) && JSON.stringify(toForm(view.settings)) !== JSON.stringify(form);

  return (
    <div className="page" data-testid="page-settings">
      <header className="page-header">
        <div>
          <h1>Settings</h1>
          <p className="page-subtitle">How runs are started and stopped. Changes apply to runs started afterwards.</p>
        </div>
      </header>

      {loadError && <ErrorAlert error={loadError} />}
      {!view && !loadError && <div className="loading">Loading settings…</div>}

      {view && form && (
        <form className="card form settings-form" onSubmit={save} noValidate>
          <section className="form-section">
            <h2>Simulator</h2>
            <div className="sim-profiles" role="radiogroup" aria-label="Simulator">
              <label className={`sim-profile${profile === 'embedded' ? ' active' : ''}`}>
                <input
                  type="radio"
                  name="simulator-profile"
                  data-testid="simulator-embedded"
                  checked={profile === 'embedded'}
                  onChange={() => chooseProfile('embedded')}
                />
                <span>
                  <span className="sim-profile-title">Embedded engine (default)</span>
                  <span className="hint">FUSION's core model, bundled with FUSION Desk: loads run in parallel, nothing to install.</span>
                </span>
              </label>
              <label className={`sim-profile${profile === 'fusion' ? ' active' : ''}`}>
                <input
                  type="radio"
                  name="simulator-profile"
                  data-testid="simulator-fusion"
                  checked={profile === 'fusion'}
                  onChange={() => chooseProfile('fusion')}
                />
                <span>
                  <span className="sim-profile-title">FUSION (Python)</span>
                  <span className="hint">Your FUSION installation: its fusion-sim, or a Python interpreter that has the fusion package.</span>
                </span>
              </label>
            </div>
            <div className="field">
              <label htmlFor="simulator">Simulator command</label>
              <div className="path">
                <input
                  id="simulator"
                  type="text"
                  className="mono"
                  data-testid="settings-simulator"
                  value={form.simulator}
                  onChange={(e) => edit({ simulator: e.target.value })}
                  placeholder={profile === 'fusion' ? 'e.g. /opt/fusion/.venv/bin/fusion-sim' : 'bundled fusion-sim'}
                  spellCheck={false}
                  autoComplete="off"
                />
                <button type="button" className="btn" data-testid="simulator-pick" onClick={pick} disabled={checking} title="Choose FUSION's fusion-sim or a Python interpreter">
                  Choose…
                </button>
                <button type="button" className="btn" data-testid="simulator-check" onClick={runCheck} disabled={checking}>
                  {checking ? 'Checking…' : 'Check'}
                </button>
              </div>
              <div className="hint">
                A command line; quote arguments that contain spaces. It starts inside the run's folder, next to its
                config.ini, with <code>FUSION_DESK_RUN_DIR</code> set. Leave empty for the simulator bundled with
                FUSION Desk.
              </div>
            </div>
            {check && (
              <div className={`sim-check ${check.ok ? 'sim-check-ok' : 'sim-check-bad'}`} role="status" data-testid="simulator-check-result" data-ok={check.ok}>
                <div className="sim-check-title">
                  {check.ok ? '✓' : '✗'} {check.ok ? (check.kind ? `Found: ${KIND_LABEL[check.kind]}` : 'Found') : 'Not usable'}
                </div>
                <div>{check.summary}</div>
                <code className="mono wrap sim-check-command">{check.command}</code>
                {check.ok && profile === 'fusion' && check.kind === 'embedded' && (
                  <div className="hint">This is the embedded engine, not FUSION's Python simulator.</div>
                )}
              </div>
            )}
            {checkError && (
              <div className="sim-check sim-check-bad" role="status" data-testid="simulator-check-result" data-ok={false}>
                <div className="sim-check-title">✗ {checkError.message}</div>
              </div>
            )}
            <div className="effective">
              <span className="effective-label">In effect</span>
              <code className="mono wrap" data-testid="settings-effective">
                {view.effective_simulator}
              </code>
            </div>
            {view.simulator_env_override !== null && (
              <div className="alert alert-info" data-testid="settings-env-override">
                <div className="alert-body">
                  <div className="alert-title">Overridden by the environment</div>
                  <div className="alert-message">
                    <code>FUSION_DESK_SIMULATOR</code> is set to <code className="mono">{view.simulator_env_override}</code>.
                    It takes precedence over the command above until it is unset.
                  </div>
                </div>
              </div>
            )}
          </section>

          <section className="form-section">
            <h2>Queue</h2>
            <div className="field-row">
              <div className="field">
                <label htmlFor="max-concurrent">Max concurrent runs</label>
                <input
                  id="max-concurrent"
                  type="number"
                  min={1}
                  max={MAX_CONCURRENT_LIMIT}
                  step={1}
                  inputMode="numeric"
                  data-testid="settings-max-concurrent"
                  value={form.maxConcurrent}
                  onChange={(e) => edit({ maxConcurrent: e.target.value })}
                />
                <div className="hint">1–{MAX_CONCURRENT_LIMIT}. Later runs wait, first come first served.</div>
              </div>
              <div className="field">
                <label htmlFor="grace">Cancel grace period</label>
                <div className="input-suffix">
                  <input
                    id="grace"
                    type="number"
                    min={0}
                    max={MAX_GRACE_SECONDS}
                    step="any"
                    inputMode="decimal"
                    data-testid="settings-grace"
                    value={form.grace}
                    onChange={(e) => edit({ grace: e.target.value })}
                  />
                  <span>seconds</span>
                </div>
                <div className="hint">Time between SIGTERM and SIGKILL when a run is cancelled.</div>
              </div>
            </div>
          </section>

          <section className="form-section">
            <h2>Notifications</h2>
            <div className="field">
              <label className="checkbox">
                <input type="checkbox" data-testid="settings-notify" checked={form.notify} onChange={(e) => edit({ notify: e.target.checked })} /> Notify me when a run or a
                sweep finishes or fails
              </label>
              <div className="hint">A desktop notification; clicking it opens the run (or the sweep). Runs of a sweep are announced once, when the whole sweep ends; many ending together become one summary.</div>
            </div>
          </section>

          <section className="form-section">
            <h2>Storage</h2>
            <div className="field">
              <label htmlFor="data-dir">Data directory</label>
              <div className="path">
                <input id="data-dir" type="text" className="mono" value={view.data_dir} readOnly data-testid="settings-data-dir" />
                <CopyButton text={view.data_dir} label="Copy" />
              </div>
              <div className="hint">The history database and one folder per run live here.</div>
            </div>
          </section>

          {error && <ErrorAlert error={error} testId="settings-error" />}

          <div className="form-actions">
            <button type="submit" className="btn btn-primary" data-testid="settings-save" disabled={busy}>
              {busy ? 'Saving…' : 'Save settings'}
            </button>
            {dirty && !busy && (
              <button
                type="button"
                className="btn btn-ghost"
                onClick={() => {
                  setForm(toForm(view.settings));
                  setProfile(view.settings.simulator_command.trim() ? 'fusion' : 'embedded');
                  setCheck(null);
                  setError(null);
                }}
              >
                Revert
              </button>
            )}
            {saved && (
              <span className="saved" role="status" data-testid="settings-saved">
                ✓ Settings saved
              </span>
            )}
          </div>
        </form>
      )}

      {view && <ClusterProfilesSection />}
    </div>
  );
}
