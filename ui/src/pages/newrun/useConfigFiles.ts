// The config as a file: imported from one (replacing the edits, after a
// question when there are any), exported to one; and the note or error the
// last of these left.

import { useState } from 'react';
import type { DeskError } from '../../bindings/DeskError';
import { toDeskError } from '../../api/backend';
import { useBackend } from '../../api/backend';

export interface ConfigFiles {
  notice: string | null;
  setNotice(notice: string | null): void;
  actionError: DeskError | null;
  setActionError(error: DeskError | null): void;
  /** Asks for a file; `replace` is called with its text once any edits may go. */
  importConfig(replace: (text: string, path: string) => void, guard: (body: string, confirm: string, action: () => void) => void): void;
  exportConfig(text: string | null, stem: string): void;
  /** Clears the note and error before another action. */
  clear(): void;
}

export function useConfigFiles(): ConfigFiles {
  const backend = useBackend();
  const [notice, setNotice] = useState<string | null>(null);
  const [actionError, setActionError] = useState<DeskError | null>(null);
  const clear = () => {
    setActionError(null);
    setNotice(null);
  };
  return {
    notice,
    setNotice,
    actionError,
    setActionError,
    clear,
    importConfig(replace, guard) {
      clear();
      backend.importConfig().then(
        (imported) => {
          if (!imported) return;
          guard(`The config has changes that are not saved anywhere. Importing ${imported.path} replaces them.`, 'Import', () => {
            replace(imported.text, imported.path);
            setNotice(`Imported ${imported.path}`);
          });
        },
        (e: unknown) => setActionError(toDeskError(e)),
      );
    },
    exportConfig(text, stem) {
      if (text === null) return;
      clear();
      backend.exportConfig(text, `${stem.replace(/[^A-Za-z0-9_.-]+/g, '_')}.ini`).then(
        (path) => path && setNotice(`Exported to ${path}`),
        (e: unknown) => setActionError(toDeskError(e)),
      );
    },
  };
}
