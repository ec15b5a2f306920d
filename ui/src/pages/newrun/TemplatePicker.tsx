import type { TemplateInfo } from '../../bindings/TemplateInfo';

function Options({ list }: { list: TemplateInfo[] }) {
  return (
    <>
      {list.map((t) => (
        <option key={t.name} value={t.name}>
          {t.name}
        </option>
      ))}
    </>
  );
}

/** The template the run starts from: built-in ones, then the user's, with its description. */
export function TemplatePicker({
  templates,
  template,
  onChoose,
  onManage,
}: {
  templates: TemplateInfo[] | null;
  template: string;
  onChoose(name: string): void;
  onManage(): void;
}) {
  const userTemplates = templates?.filter((t) => !t.builtin) ?? [];
  const builtinTemplates = templates?.filter((t) => t.builtin) ?? [];
  const selected = templates?.find((t) => t.name === template);
  return (
    <div className="field">
      <label htmlFor="template">Template</label>
      <div className="template-picker">
        <select id="template" data-testid="template-select" value={template} onChange={(e) => onChoose(e.target.value)} disabled={templates === null}>
          {templates === null && <option value="">Loading templates…</option>}
          {templates !== null && userTemplates.length === 0 ? (
            <Options list={builtinTemplates} />
          ) : (
            <>
              <optgroup label="Built-in">
                <Options list={builtinTemplates} />
              </optgroup>
              <optgroup label="My templates">
                <Options list={userTemplates} />
              </optgroup>
            </>
          )}
        </select>
        <button type="button" className="btn" data-testid="templates-manage" onClick={onManage} disabled={templates === null} title="Rename or delete your templates">
          Manage…
        </button>
      </div>
      <div className="hint" data-testid="template-description">
        {selected ? (
          <>
            {!selected.builtin && <span className="badge-user">mine</span>} {selected.description || '\u00a0'}
          </>
        ) : (
          '\u00a0'
        )}
      </div>
    </div>
  );
}
