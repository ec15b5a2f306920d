import type { TemplateInfo } from '../../bindings/TemplateInfo';
import { SaveTemplateDialog } from './SaveTemplateDialog';
import { TemplatesDialog } from './TemplatesDialog';

export type TemplateDialog = 'save' | 'manage' | null;

/** The dialog open over the new-run page: managing the user's templates, or saving the text as one. */
export function TemplateDialogs({
  dialog,
  onClose,
  templates,
  template,
  text,
  onChanged,
  onSaved,
}: {
  dialog: TemplateDialog;
  onClose(): void;
  templates: TemplateInfo[] | null;
  template: string;
  text: string | null;
  onChanged(from: string, to: string | null): void;
  onSaved(info: TemplateInfo): void;
}) {
  if (!templates) return null;
  if (dialog === 'manage') return <TemplatesDialog templates={templates} onClose={onClose} onChanged={onChanged} />;
  if (dialog === 'save' && text !== null) {
    return (
      <SaveTemplateDialog
        text={text}
        templates={templates}
        suggested={templates.find((t) => t.name === template && !t.builtin)?.name ?? ''}
        onClose={onClose}
        onSaved={onSaved}
      />
    );
  }
  return null;
}
