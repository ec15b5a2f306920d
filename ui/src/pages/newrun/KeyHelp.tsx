// The documentation of one config key, from the core's schema.

import type { ConfigKey } from '../../bindings/ConfigKey';
import { parseIni } from '../../lib/ini';
import './KeyHelp.css';

export type KeyRef = { section: string; key: string | null };

/** The key (or section) a 1-based line of the text belongs to. */
export function keyAtLine(text: string, line: number): KeyRef | null {
  const doc = parseIni(text);
  const i = line - 1;
  const entry = doc.entries.find((e) => i >= e.line && i <= e.lastLine);
  if (entry) return { section: entry.section, key: entry.key.toLowerCase() };
  const section = [...doc.sections].reverse().find((s) => i >= s.line && i <= s.lastLine);
  return section ? { section: section.name, key: null } : null;
}

const USAGE: Record<ConfigKey['usage'], string> = {
  model: 'Changes the results (both simulators read it)',
  compat: 'Known to FUSION, no effect on the core model',
  ignored: 'Read by neither simulator',
};

export function KeyHelp({ schema, at }: { schema: ConfigKey[] | null; at: KeyRef | null }) {
  if (!at) {
    return (
      <div className="key-help" data-testid="key-help">
        <p className="hint">Put the cursor on a key, or focus a field, to see what it means.</p>
      </div>
    );
  }
  if (at.key === null) {
    const n = schema?.filter((k) => k.section === at.section).length ?? 0;
    return (
      <div className="key-help" data-testid="key-help">
        <div className="key-help-name mono">[{at.section}]</div>
        <p className="hint">{n > 0 ? `${n} documented key${n === 1 ? '' : 's'} in this section.` : 'A section neither simulator reads.'}</p>
      </div>
    );
  }
  const spec = schema?.find((k) => k.section === at.section && k.key === at.key);
  return (
    <div className="key-help" data-testid="key-help">
      <div className="key-help-name mono">
        <span className="muted">{at.section}.</span>
        {at.key}
      </div>
      {!spec ? (
        <p className="hint">{schema ? 'Not a key FUSION knows: neither simulator reads it.' : 'Loading the key reference…'}</p>
      ) : (
        <>
          <p className="key-help-desc">{spec.description}</p>
          <dl className="key-help-facts">
            <dt>Type</dt>
            <dd className="mono">{spec.value_type}</dd>
            {spec.range && (
              <>
                <dt>Range</dt>
                <dd>{spec.range}</dd>
              </>
            )}
            {spec.default !== null && (
              <>
                <dt>Default</dt>
                <dd className="mono wrap">{spec.default}</dd>
              </>
            )}
            {spec.allowed.length > 0 && (
              <>
                <dt>{spec.closed ? 'One of' : 'e.g.'}</dt>
                <dd className="mono wrap">{spec.allowed.join(', ')}</dd>
              </>
            )}
            <dt>Required</dt>
            <dd>{spec.required ? 'yes, by FUSION' : spec.engine_required ? 'by the embedded engine' : 'no'}</dd>
            <dt>Effect</dt>
            <dd>{USAGE[spec.usage]}</dd>
          </dl>
        </>
      )}
    </div>
  );
}
