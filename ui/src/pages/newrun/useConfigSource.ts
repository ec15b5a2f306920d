// Where the new run's config text comes from: a template's text, the frozen
// config of an earlier run (`#/new?from=<id>`), or an imported file; and the
// text as edited since. Only the latest load may write the text: choosing
// another template (or importing) while one loads drops the older answer.

import { useCallback, useState } from 'react';
import type { ConfigKey } from '../../bindings/ConfigKey';
import type { DeskError } from '../../bindings/DeskError';
import type { NetworkSummary } from '../../bindings/NetworkSummary';
import type { TemplateInfo } from '../../bindings/TemplateInfo';
import { useBackend } from '../../api/backend';
import { useAsync, useOnChange } from '../../lib/useAsync';

export const PREFERRED_TEMPLATE = 'quick';

/** What to load the text from; a new object each time, so the same template can be loaded again. */
type TextRequest = { template: string } | { run: string; templates: TemplateInfo[]; fallback: string };

interface LoadedText {
  text: string;
  template: string;
  origin: string | null;
}

export interface ConfigSource {
  templates: TemplateInfo[] | null;
  /** The template the run is created from. */
  template: string;
  /** The config text being edited; null while the first one loads. */
  text: string | null;
  /** The text as loaded from the template: edits are what differs from it. */
  base: string | null;
  /** Where the text came from when not from the template (a run, a file). */
  origin: string | null;
  textLoading: boolean;
  loadError: DeskError | null;
  schema: ConfigKey[] | null;
  networks: NetworkSummary[] | null;
  setText(text: string): void;
  loadTemplate(name: string): void;
  /** An imported file's text replaces the edited one (still counted as edits). */
  adoptText(text: string, origin: string): void;
  /** The text was saved as the template `name`: it is the base now. */
  savedAs(name: string): void;
  /** A template was renamed (`to`) or deleted (`to` null) in the templates dialog. */
  templateChanged(from: string, to: string | null): void;
  /** Reads the template list again after it changed. */
  refreshTemplates(): Promise<void>;
}

function firstTemplate(list: TemplateInfo[]): string {
  return (list.find((x) => x.name === PREFERRED_TEMPLATE) ?? list[0])?.name ?? '';
}

export function useConfigSource(from: string | null): ConfigSource {
  const backend = useBackend();
  const [templates, setTemplates] = useState<TemplateInfo[] | null>(null);
  const [template, setTemplate] = useState('');
  const [text, setText] = useState<string | null>(null);
  const [base, setBase] = useState<string | null>(null);
  const [origin, setOrigin] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<DeskError | null>(null);
  const [request, setRequest] = useState<TextRequest | null>(null);

  const schema = useAsync(() => backend.configSchema(), [backend]).value ?? null;
  const networks = useAsync(() => backend.networks(), [backend]).value ?? null;

  const loadTemplate = useCallback((name: string) => {
    setTemplate(name);
    setRequest({ template: name });
  }, []);

  // The templates first; then the first text (a template's, or an earlier run's).
  const listed = useAsync(() => backend.listTemplates(), [backend]);
  useOnChange(listed.value, (list) => {
    setTemplates(list);
    const first = firstTemplate(list);
    if (from) setRequest({ run: from, templates: list, fallback: first });
    else if (first) loadTemplate(first);
  });
  useOnChange(listed.error, setLoadError);

  const loaded = useAsync<LoadedText | null>(() => {
    if (!request) return null;
    if ('template' in request) return backend.templateText(request.template).then((t) => ({ text: t, template: request.template, origin: null }));
    const id = request.run;
    return Promise.all([backend.runConfig(id), backend.getRun(id).catch(() => null)]).then(([config, run]) => ({
      text: config,
      template: run && request.templates.some((t) => t.name === run.template) ? run.template : request.fallback,
      origin: run ? `the frozen config of run “${run.name}” (${id})` : `the frozen config of run ${id}`,
    }));
  }, [backend, request]);
  useOnChange(loaded.value, (l) => {
    setTemplate(l.template);
    setText(l.text);
    setBase(l.text);
    setOrigin(l.origin);
  });
  useOnChange(loaded.error, (e) => {
    setLoadError(e);
    // An earlier run that cannot be read: start from the usual template.
    if (request && 'run' in request) loadTemplate(request.fallback);
  });

  const builtinDefault = () => {
    const builtin = templates?.filter((t) => t.builtin) ?? [];
    return builtin.find((t) => t.name === PREFERRED_TEMPLATE)?.name ?? builtin[0]?.name ?? '';
  };

  return {
    templates,
    template,
    text,
    base,
    origin,
    textLoading: request !== null && loaded.loading,
    loadError,
    schema,
    networks,
    setText,
    loadTemplate,
    adoptText(t, where) {
      setRequest(null);
      setText(t);
      setOrigin(where);
    },
    savedAs(name) {
      setTemplate(name);
      setBase(text);
      setOrigin(null);
    },
    templateChanged(fromName, to) {
      if (fromName !== template) return;
      if (to) setTemplate(to);
      else {
        // The text stays; it is now an unsaved config.
        setBase(null);
        setTemplate(builtinDefault());
      }
    },
    refreshTemplates: () => backend.listTemplates().then(setTemplates),
  };
}
