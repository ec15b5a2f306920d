// The validation report laid out for the two views of the config: problems
// by `section.key` for the form, diagnostics by line for the INI editor.

import { useMemo } from 'react';
import type { ValidationReport } from '../../bindings/ValidationReport';
import type { IniDiagnostic } from '../../components/IniEditor';
import { parseIni } from '../../lib/ini';

export type Problem = { severity: 'error' | 'warning'; message: string };

/** Problems of the config by `section.key`, errors first. */
export function useProblems(report: ValidationReport | null): Map<string, Problem[]> {
  return useMemo(() => {
    const m = new Map<string, Problem[]>();
    const add = (path: string, p: Problem) => m.set(path, [...(m.get(path) ?? []), p]);
    for (const d of report?.errors ?? []) add(d.path, { severity: 'error', message: d.message });
    for (const d of report?.warnings ?? []) add(d.path, { severity: 'warning', message: d.message });
    return m;
  }, [report]);
}

/**
 * Diagnostics for the editor's lines. The report is about the text with the
 * extra overrides applied (`overrides` of them), which may move keys: then
 * each is found in the edited text by its path.
 */
export function useEditorDiagnostics(report: ValidationReport | null, text: string | null, overrides: number): IniDiagnostic[] {
  return useMemo<IniDiagnostic[]>(() => {
    if (!report || text === null) return [];
    const all = [
      ...report.errors.map((d) => ({ ...d, severity: 'error' as const })),
      ...report.warnings.map((d) => ({ ...d, severity: 'warning' as const })),
    ];
    // Each message names its key: a hint such as "did you mean
    // routing_settings.k_paths" reads against the key that is wrong.
    const said = (d: { path: string; message: string }) => (d.path ? `${d.path}: ${d.message}` : d.message);
    if (overrides === 0) return all.map((d) => ({ line: d.line, message: said(d), severity: d.severity }));
    const doc = parseIni(text);
    return all.flatMap((d) => {
      const dot = d.path.indexOf('.');
      if (dot < 0) return [];
      const section = d.path.slice(0, dot);
      const key = d.path.slice(dot + 1).toLowerCase();
      const e = [...doc.entries].reverse().find((x) => x.section === section && x.key.toLowerCase() === key);
      return e ? [{ line: e.line + 1, message: said(d), severity: d.severity }] : [];
    });
  }, [report, text, overrides]);
}
