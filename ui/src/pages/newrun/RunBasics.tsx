import type { TemplateInfo } from '../../bindings/TemplateInfo';
import { defaultRunName } from '../../lib/runs';
import { ExecutorPicker } from './ExecutorPicker';
import { TemplatePicker } from './TemplatePicker';
import { LIMITS } from '../../generated/limits';

/** The first row of the new-run form: template, run name, and where it runs. */
export function RunBasics({
  templates,
  template,
  onChooseTemplate,
  onManageTemplates,
  name,
  onName,
  executor,
  onExecutor,
}: {
  templates: TemplateInfo[] | null;
  template: string;
  onChooseTemplate(name: string): void;
  onManageTemplates(): void;
  name: string;
  onName(name: string): void;
  executor: string;
  onExecutor(executor: string): void;
}) {
  return (
    <div className="field-row new-run-top">
      <TemplatePicker templates={templates} template={template} onChoose={onChooseTemplate} onManage={onManageTemplates} />

      <div className="field">
        <label htmlFor="run-name">
          Run name <span className="optional">optional</span>
        </label>
        <input
          id="run-name"
          type="text"
          data-testid="run-name"
          value={name}
          maxLength={LIMITS.max_run_name_chars}
          onChange={(e) => onName(e.target.value)}
          placeholder={`Defaults to “${defaultRunName(template || 'template')}”`}
          autoComplete="off"
        />
      </div>

      <ExecutorPicker value={executor} onChange={onExecutor} />
    </div>
  );
}
