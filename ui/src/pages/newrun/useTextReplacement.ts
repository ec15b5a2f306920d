// Replacing the edited text (another template, an imported file), after a
// question when there are edits to lose.

import { toDeskError } from '../../api/backend';
import type { ConfigFiles } from './useConfigFiles';
import type { ConfigSource } from './useConfigSource';
import type { Pending } from './usePendingQuestion';

export function useTextReplacement(source: ConfigSource, files: ConfigFiles, ask: (question: Pending) => void, dirty: boolean) {
  /** Runs `action` at once, or after a confirmation when there are edits to lose. */
  const guard = (p: Omit<Pending, 'run'>, action: () => void) => {
    if (dirty) ask({ ...p, run: action });
    else action();
  };

  const chooseTemplate = (next: string) => {
    if (next === source.template && !dirty) return;
    files.setNotice(null);
    guard(
      {
        title: 'Discard your edits?',
        body: `The config has changes that are not saved anywhere. Switching to “${next}” replaces them with that template's text.`,
        confirm: `Switch to ${next}`,
      },
      () => source.loadTemplate(next),
    );
  };

  const importConfig = () =>
    files.importConfig(source.adoptText, (body, confirm, action) => guard({ title: 'Replace your edits?', body, confirm }, action));

  /** The template list again, after the templates dialogs changed it. */
  const refreshTemplates = () => source.refreshTemplates().catch((e: unknown) => files.setActionError(toDeskError(e)));

  return { chooseTemplate, importConfig, refreshTemplates };
}
