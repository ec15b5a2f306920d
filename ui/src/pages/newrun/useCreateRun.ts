// Creating the run (or, with keys to vary, the sweep) from the page's draft:
// the checks that stop it, the question before an RL training run, and the
// request itself.

import { useState, type FormEvent } from 'react';
import type { AxisSpec } from '../../bindings/AxisSpec';
import type { DeskError } from '../../bindings/DeskError';
import { toDeskError, useBackend } from '../../api/backend';
import { overridesToRequest, type OverrideLine } from '../../lib/overrides';
import { navigate, setLeaveGuard } from '../../lib/router';
import { LOCAL_EXECUTOR } from './ExecutorPicker';
import type { Pending } from './usePendingQuestion';

export const NEW_RUN_FORM_ID = 'new-run-form';

export interface Draft {
  template: string;
  text: string | null;
  name: string;
  executor: string;
  overrides: OverrideLine[];
  axes: AxisSpec[];
  /** The validation report has errors. */
  hasErrors: boolean;
  /** The config trains an RL agent (no blocking results). */
  training: boolean;
}

export interface CreateRun {
  busy: boolean;
  error: DeskError | null;
  submit(e: FormEvent): void;
}

export function useCreateRun(draft: Draft, ask: (question: Pending) => void): CreateRun {
  const backend = useBackend();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<DeskError | null>(null);
  const [confirmTraining, setConfirmTraining] = useState(false);

  const failed = (err: unknown) => {
    setBusy(false);
    setError(toDeskError(err));
    setConfirmTraining(false);
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const { template, text, axes, executor } = draft;
    if (busy || text === null) return;
    if (!template) {
      setError({ code: 'invalid_input', message: 'choose a template' });
      return;
    }
    const bad = draft.overrides.flatMap((l) => (l.kind === 'error' ? [l] : []));
    if (bad.length > 0) {
      setError({
        code: 'invalid_input',
        message: bad.map((l) => `line ${l.line}: invalid override ${JSON.stringify(l.text)}: ${l.reason}`).join('\n'),
      });
      return;
    }
    if (draft.hasErrors) return;
    if (draft.training && !confirmTraining) {
      ask({
        title: 'Create a run in RL training mode?',
        body:
          'This config has rl_settings.is_training = True: FUSION trains its reinforcement-learning agent. It computes no confidence interval and writes no blocking statistics, so the run gives no blocking curve. Set the run mode to evaluation for blocking results.',
        confirm: 'Create the training run',
        run: () => {
          setConfirmTraining(true);
          // Submit again once the answer is recorded.
          setTimeout(() => (document.getElementById(NEW_RUN_FORM_ID) as HTMLFormElement | null)?.requestSubmit(), 0);
        },
      });
      return;
    }
    setBusy(true);
    setError(null);
    setLeaveGuard(null);
    const trimmed = draft.name.trim();
    const request = {
      template,
      ...(trimmed ? { name: trimmed } : {}),
      overrides: overridesToRequest(draft.overrides),
      config_text: text,
    };
    const where = executor !== LOCAL_EXECUTOR ? { executor } : {};
    if (axes.length > 0) {
      backend.createSweep({ ...request, axes, ...where }).then((detail) => navigate({ page: 'sweep', id: detail.sweep.id }), failed);
      return;
    }
    backend.createRun({ ...request, ...where }).then((run) => navigate({ page: 'run', id: run.id }), failed);
  };

  return { busy, error, submit };
}
