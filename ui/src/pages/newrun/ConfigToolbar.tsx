import { Icon } from '../../components/Icon';

export type EditMode = 'form' | 'editor';

/** How the config is edited (form or config.ini), whether it was, and its file actions. */
export function ConfigToolbar({
  mode,
  onMode,
  dirty,
  onImport,
  onExport,
  onSaveTemplate,
  canExport,
  canSave,
}: {
  mode: EditMode;
  onMode(mode: EditMode): void;
  dirty: boolean;
  onImport(): void;
  onExport(): void;
  onSaveTemplate(): void;
  canExport: boolean;
  canSave: boolean;
}) {
  const tab = (m: EditMode, label: string) => (
    <button
      type="button"
      role="tab"
      aria-selected={mode === m}
      className={`segmented-btn${mode === m ? ' active' : ''}`}
      data-testid={`mode-${m}`}
      onClick={() => onMode(m)}
    >
      {label}
    </button>
  );
  return (
    <div className="config-toolbar">
      <div className="segmented" role="tablist" aria-label="How to edit the config">
        {tab('form', 'Form')}
        {tab('editor', 'config.ini')}
      </div>
      {dirty && (
        <span className="edited-mark" data-testid="config-dirty" title="The config differs from the template">
          edited
        </span>
      )}
      <div className="config-toolbar-actions">
        <button type="button" className="btn btn-sm" data-testid="import-config" onClick={onImport}>
          <Icon name="file" />
          Import INI…
        </button>
        <button type="button" className="btn btn-sm" data-testid="export-config" onClick={onExport} disabled={!canExport}>
          <Icon name="download" />
          Export INI…
        </button>
        <button type="button" className="btn btn-sm" data-testid="save-template" onClick={onSaveTemplate} disabled={!canSave}>
          Save as template…
        </button>
      </div>
    </div>
  );
}
