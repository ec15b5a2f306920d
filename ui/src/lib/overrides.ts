// Parsing of the new-run overrides textarea: one `section.key = value` per
// line; blank lines and lines starting with `#` are ignored. The checks
// mirror the core's, with the same wording, so a line flagged here is one the
// core would refuse.

export type OverrideLine =
  | { kind: 'ok'; line: number; text: string; section: string; key: string; value: string }
  | { kind: 'error'; line: number; text: string; reason: string };

const NAME = /^[A-Za-z0-9_-]+$/;

/** Checks one `section.key=value` entry; returns the reason it is invalid, or the parts. */
export function parseOverride(text: string): { section: string; key: string; value: string } | { reason: string } {
  const eq = text.indexOf('=');
  if (eq < 0) return { reason: 'expected section.key=value' };
  const lhs = text.slice(0, eq).trim();
  const dot = lhs.indexOf('.');
  if (dot < 0) return { reason: 'the name must be section.key' };
  const section = lhs.slice(0, dot).trim();
  const key = lhs.slice(dot + 1).trim();
  const value = text.slice(eq + 1).trim();
  if (!NAME.test(section)) return { reason: "the section name must be letters, digits, '_' or '-'" };
  if (!NAME.test(key)) return { reason: "the key must be letters, digits, '_' or '-'" };
  return { section, key, value };
}

export function parseOverrides(text: string): OverrideLine[] {
  const out: OverrideLine[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const t = raw.trim();
    if (t === '' || t.startsWith('#')) return;
    const p = parseOverride(t);
    if ('reason' in p) out.push({ kind: 'error', line: i + 1, text: t, reason: p.reason });
    else out.push({ kind: 'ok', line: i + 1, text: t, ...p });
  });
  return out;
}

/** The entries to send in `CreateRunRequest.overrides`, normalised to `section.key=value`. */
export function overridesToRequest(lines: OverrideLine[]): string[] {
  return lines.flatMap((l) => (l.kind === 'ok' ? [`${l.section}.${l.key}=${l.value}`] : []));
}

/** The textarea text for a list of overrides (used by "Re-run" and prefill). */
export function overridesToText(overrides: string[]): string {
  return overrides
    .map((o) => {
      const p = parseOverride(o);
      return 'reason' in p ? o : `${p.section}.${p.key} = ${p.value}`;
    })
    .join('\n');
}
