import { Suspense, type RefObject } from 'react';
import type { ConfigKey } from '../../bindings/ConfigKey';
import type { NetworkSummary } from '../../bindings/NetworkSummary';
import type { IniDiagnostic, IniEditorHandle } from '../../components/IniEditor';
import { LazyIniEditor } from '../../components/lazy';
import { ConfigForm } from './ConfigForm';
import type { EditMode } from './ConfigToolbar';
import type { Problem } from './useDiagnostics';

export interface ConfigBodyProps {
  mode: EditMode;
  /** null while the first text loads. */
  text: string | null;
  onText(text: string): void;
  /** A new text is loading: no edits meanwhile. */
  loading: boolean;
  schema: ConfigKey[] | null;
  networks: NetworkSummary[] | null;
  problems: Map<string, Problem[]>;
  diagnostics: IniDiagnostic[];
  varied: Map<string, string>;
  onVary(section: string, key: string, current: string | undefined): void;
  onFocusKey(section: string, key: string): void;
  editor: RefObject<IniEditorHandle | null>;
  onCursor(): void;
}

/** The config itself: the form of the common keys, or the whole config.ini. */
export function ConfigBody(p: ConfigBodyProps) {
  return (
    <div className="config-body">
      {p.text === null ? (
        <div className="loading">Loading the template…</div>
      ) : p.mode === 'form' ? (
        <ConfigForm
          text={p.text}
          onText={p.onText}
          schema={p.schema}
          networks={p.networks}
          problems={p.problems}
          onFocusKey={p.onFocusKey}
          disabled={p.loading}
          varied={p.varied}
          onVary={p.onVary}
        />
      ) : (
        <div onKeyUp={p.onCursor} onMouseUp={p.onCursor}>
          <Suspense fallback={<div className="loading">Loading the editor…</div>}>
            <LazyIniEditor ref={p.editor} value={p.text} onChange={p.onText} diagnostics={p.diagnostics} readOnly={p.loading} height="460px" />
          </Suspense>
        </div>
      )}
    </div>
  );
}
