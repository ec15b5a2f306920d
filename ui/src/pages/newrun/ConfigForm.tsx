// The common keys of a FUSION config as form fields. The INI text is the
// single source of truth: every field reads its value from the text and
// writes back through lib/ini's setKey, which keeps comments and layout.

import { memo } from 'react';
import type { ConfigKey } from '../../bindings/ConfigKey';
import type { NetworkSummary } from '../../bindings/NetworkSummary';
import { getKey, setKey } from '../../lib/ini';
import './ConfigForm.css';

export type FieldKind = 'number' | 'network' | 'choice';

export interface FormField {
  testId: string;
  section: string;
  key: string;
  label: string;
  kind: FieldKind;
  unit?: string;
  /** For `choice`: value written → label. */
  choices?: { value: string; label: string }[];
  /** Shown under the field, before the schema's range. */
  hint?: string;
  group: 'traffic' | 'network' | 'model';
}

export const FORM_FIELDS: FormField[] = [
  { testId: 'form-erlang-start', section: 'general_settings', key: 'erlang_start', label: 'Erlang start', kind: 'number', unit: 'Erlang', group: 'traffic' },
  { testId: 'form-erlang-stop', section: 'general_settings', key: 'erlang_stop', label: 'Erlang stop', kind: 'number', unit: 'Erlang', hint: 'inclusive', group: 'traffic' },
  { testId: 'form-erlang-step', section: 'general_settings', key: 'erlang_step', label: 'Erlang step', kind: 'number', unit: 'Erlang', group: 'traffic' },
  { testId: 'form-num-requests', section: 'general_settings', key: 'num_requests', label: 'Requests per iteration', kind: 'number', group: 'traffic' },
  { testId: 'form-max-iters', section: 'general_settings', key: 'max_iters', label: 'Iterations per load', kind: 'number', group: 'traffic' },
  {
    testId: 'form-is-training',
    section: 'rl_settings',
    key: 'is_training',
    label: 'Run mode',
    kind: 'choice',
    // FUSION's own `default` template has is_training = True: it trains an
    // RL agent and reports no blocking statistics at all.
    choices: [
      { value: 'False', label: 'Evaluation (blocking statistics)' },
      { value: 'True', label: 'RL training (no blocking statistics)' },
    ],
    hint: 'True trains FUSION’s RL agent: no curve',
    group: 'traffic',
  },
  { testId: 'form-network', section: 'topology_settings', key: 'network', label: 'Network', kind: 'network', group: 'network' },
  { testId: 'form-cores', section: 'topology_settings', key: 'cores_per_link', label: 'Cores per link', kind: 'number', group: 'network' },
  { testId: 'form-k-paths', section: 'routing_settings', key: 'k_paths', label: 'Candidate paths (k)', kind: 'number', group: 'model' },
  {
    testId: 'form-guard-slots',
    section: 'general_settings',
    key: 'guard_slots',
    label: 'Guard slots',
    kind: 'choice',
    choices: [
      { value: '0', label: '0 (no guard band)' },
      { value: '1', label: '1' },
    ],
    group: 'model',
  },
  { testId: 'form-max-segments', section: 'general_settings', key: 'max_segments', label: 'Max segments', kind: 'number', hint: '1 = slicing off', group: 'model' },
];

const GROUPS: { id: FormField['group']; title: string }[] = [
  { id: 'traffic', title: 'Load sweep' },
  { id: 'network', title: 'Network' },
  { id: 'model', title: 'Routing and spectrum' },
];

/** The value a select shows for what is written in the text. */
function normalise(field: FormField, raw: string | undefined): string {
  if (raw === undefined) return '';
  const v = raw.trim();
  if (field.key === 'is_training') {
    if (/^(true|yes|1|on)$/i.test(v)) return 'True';
    if (/^(false|no|0|off)$/i.test(v)) return 'False';
  }
  return v;
}

export interface ConfigFormProps {
  text: string;
  onText(text: string): void;
  schema: ConfigKey[] | null;
  networks: NetworkSummary[] | null;
  /** Error and warning messages by `section.key`. */
  problems: Map<string, { severity: 'error' | 'warning'; message: string }[]>;
  onFocusKey?(section: string, key: string): void;
  disabled?: boolean;
  /** Keys being varied by the sweep, by `section.key` → the values' text. */
  varied?: ReadonlyMap<string, string>;
  /** "Vary this": adds the key to the sweep, starting from its current value. */
  onVary?(section: string, key: string, current: string | undefined): void;
}

/** Memoised: typing elsewhere on the page (overrides, name) leaves the form as it is. */
export const ConfigForm = memo(function ConfigForm({ text, onText, schema, networks, problems, onFocusKey, disabled, varied, onVary }: ConfigFormProps) {
  return (
    <div className="config-form" data-testid="config-form">
      {GROUPS.map((g) => (
        <fieldset key={g.id} className="config-group">
          <legend>{g.title}</legend>
          <div className="config-grid">
            {FORM_FIELDS.filter((f) => f.group === g.id).map((f) => (
              <Field
                key={f.testId}
                field={f}
                text={text}
                onText={onText}
                spec={schema?.find((k) => k.section === f.section && k.key === f.key) ?? null}
                networks={networks}
                problems={problems.get(`${f.section}.${f.key}`) ?? []}
                onFocusKey={onFocusKey}
                disabled={disabled}
                variedValues={varied?.get(`${f.section}.${f.key}`)}
                onVary={onVary}
              />
            ))}
          </div>
        </fieldset>
      ))}
    </div>
  );
});

function Field({
  field,
  text,
  onText,
  spec,
  networks,
  problems,
  onFocusKey,
  disabled,
  variedValues,
  onVary,
}: {
  field: FormField;
  text: string;
  onText(text: string): void;
  spec: ConfigKey | null;
  networks: NetworkSummary[] | null;
  problems: { severity: 'error' | 'warning'; message: string }[];
  onFocusKey?(section: string, key: string): void;
  disabled?: boolean;
  variedValues?: string;
  onVary?(section: string, key: string, current: string | undefined): void;
}) {
  const raw = getKey(text, field.section, field.key);
  const isVaried = variedValues !== undefined;
  const id = `field-${field.testId}`;
  const write = (value: string) => onText(setKey(text, field.section, field.key, value));
  const error = problems.find((p) => p.severity === 'error');
  const warning = problems.find((p) => p.severity === 'warning');
  const hintParts = [field.key, field.hint, spec?.range ? `range ${spec.range}` : null, raw === undefined && spec?.default ? `not set: ${spec.default}` : null].filter(Boolean);
  const describedBy = `${id}-hint`;
  const common = {
    id,
    'data-testid': field.testId,
    title: spec?.description,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
    onFocus: () => onFocusKey?.(field.section, field.key),
  } as const;

  let control;
  if (isVaried) {
    // The sweep sets this key per run: the config's own value is not used,
    // so it is not shown as if it were.
    control = (
      <div className="varied-value mono" data-testid={`${field.testId}-varied`} id={id}>
        varied: {variedValues.trim() || '(no values yet)'}
      </div>
    );
  } else if (field.kind === 'number') {
    control = (
      <div className={field.unit ? 'input-suffix' : undefined}>
        <input
          {...common}
          type="text"
          inputMode={spec?.value_type === 'int' ? 'numeric' : 'decimal'}
          className={`mono${error ? ' invalid' : ''}`}
          value={raw ?? ''}
          placeholder={spec?.default ?? ''}
          autoComplete="off"
          spellCheck={false}
          onChange={(e) => write(e.target.value)}
        />
        {field.unit && <span>{field.unit}</span>}
      </div>
    );
  } else {
    const value = normalise(field, raw);
    const options =
      field.kind === 'network'
        ? (networks ?? []).map((n) => ({
            value: n.name,
            label: `${n.name} · ${n.node_count} nodes, ${n.link_count} links`,
          }))
        : (field.choices ?? []);
    const known = options.some((o) => o.value === value);
    control = (
      <select {...common} className={error ? 'invalid' : undefined} value={value} onChange={(e) => write(e.target.value)}>
        {raw === undefined && <option value="">{spec?.default ? `Not set (${spec.default})` : 'Not set'}</option>}
        {raw !== undefined && !known && <option value={value}>{value || '(empty)'}</option>}
        {field.kind === 'network' && networks === null && <option disabled>Loading networks…</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    );
  }

  return (
    <div className={`field${field.kind === 'network' ? ' field-wide' : ''}${isVaried ? ' field-varied' : ''}`}>
      <div className="field-label-row">
        <label htmlFor={id} title={spec?.description}>
          {field.label}
          {isVaried && <span className="tag tag-running varied-tag">varied</span>}
        </label>
        {onVary && !isVaried && (
          <button
            type="button"
            className="link-btn vary-btn"
            data-testid={`${field.testId}-vary`}
            title={`Vary ${field.section}.${field.key}: one run per value`}
            onClick={() => onVary(field.section, field.key, raw)}
            disabled={disabled}
          >
            vary
          </button>
        )}
      </div>
      {control}
      <div id={describedBy} className="hint">
        {error ? (
          <span className="text-danger" data-testid={`${field.testId}-error`}>
            {error.message}
          </span>
        ) : warning ? (
          <span className="text-warning">{warning.message}</span>
        ) : (
          <>
            <code className="field-key">{hintParts[0]}</code>
            {hintParts.length > 1 && ` · ${hintParts.slice(1).join(' · ')}`}
          </>
        )}
      </div>
    </div>
  );
}
