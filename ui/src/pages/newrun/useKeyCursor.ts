// Which key the key reference explains: the one focused in the form, or the
// one under the cursor in config.ini; and going to a line of config.ini from
// a diagnostic.

import { useCallback, useRef, useState } from 'react';
import type { IniEditorHandle } from '../../components/IniEditor';
import { keyAtLine, type KeyRef } from './KeyHelp';
import type { EditMode } from './ConfigToolbar';

export function useKeyCursor(mode: EditMode, setMode: (mode: EditMode) => void) {
  const editor = useRef<IniEditorHandle>(null);
  const [helpAt, setHelpAt] = useState<KeyRef | null>(null);

  const focusKey = useCallback((section: string, key: string) => setHelpAt({ section, key }), []);

  const trackCursor = () => {
    const v = editor.current?.view;
    if (!v) return;
    const line = v.state.doc.lineAt(v.state.selection.main.head).number;
    setHelpAt(keyAtLine(v.state.doc.toString(), line));
  };

  const goTo = (line: number | null) => {
    if (line === null) return;
    if (mode !== 'editor') setMode('editor');
    // The editor mounts lazily: try until it is there.
    let tries = 0;
    const attempt = () => {
      if (editor.current?.view) {
        editor.current.goToLine(line);
        trackCursor();
      } else if (tries++ < 40) setTimeout(attempt, 50);
    };
    attempt();
  };

  return { editor, helpAt, focusKey, trackCursor, goTo };
}
