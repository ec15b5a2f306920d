import type { Overrides } from './useOverrides';

/** The extra overrides under the config, each line shown as it is understood. */
export function OverridesField({ overrides }: { overrides: Overrides }) {
  const { text, setText, lines, bad, good } = overrides;
  return (
    <div className="extra-overrides">
      <div className="field">
        <label htmlFor="overrides">
          Extra overrides <span className="optional">optional, applied on top of the config</span>
        </label>
        <textarea
          id="overrides"
          data-testid="overrides-text"
          className={`mono${bad.length ? ' invalid' : ''}`}
          rows={3}
          value={text}
          onChange={(e) => setText(e.target.value)}
          spellCheck={false}
          aria-invalid={bad.length > 0}
          aria-describedby="overrides-preview"
          placeholder={'# section.key = value, one per line\ngeneral_settings.max_iters = 5'}
        />
        <div id="overrides-preview" className="override-preview" data-testid="overrides-preview">
          {lines.length === 0 ? (
            <span className="hint">No overrides: the config above is used as it is.</span>
          ) : (
            <>
              <div className="override-summary">
                {good} override{good === 1 ? '' : 's'}
                {bad.length > 0 && (
                  <span className="text-danger">
                    {' · '}
                    {bad.length} invalid line{bad.length === 1 ? '' : 's'}
                  </span>
                )}
              </div>
              <ul>
                {lines.map((l) =>
                  l.kind === 'ok' ? (
                    <li key={l.line} className="override-ok">
                      <span className="ln">{l.line}</span>
                      <span className="mono">
                        <span className="ini-section">[{l.section}]</span> <span className="ini-key">{l.key}</span> ={' '}
                        <span className="ini-value">{l.value || <em className="muted">(empty)</em>}</span>
                      </span>
                    </li>
                  ) : (
                    <li key={l.line} className="override-bad" data-testid="override-invalid">
                      <span className="ln">{l.line}</span>
                      <span>
                        <span className="mono">{l.text}</span> — {l.reason}
                      </span>
                    </li>
                  ),
                )}
              </ul>
            </>
          )}
        </div>
      </div>
    </div>
  );
}
