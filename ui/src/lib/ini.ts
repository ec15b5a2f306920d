// Reading and editing INI text the way Python's configparser reads it, while
// keeping every other byte of the text as it was (comments, blank lines,
// spacing, key spelling, line endings). The run form and the text editor
// share one config.ini through these functions.
//
// configparser rules followed here (its defaults):
// - `[name]` starts a section; section names are case-sensitive.
// - `key = value` or `key: value`; the first `=` or `:` splits; keys are
//   case-insensitive and surrounding whitespace is not part of key or value.
// - Lines whose first non-blank character is `#` or `;` are comments. There
//   are no inline comments: `a = 1 ; x` has the value `1 ; x`.
// - A non-blank line indented deeper than its key line continues the value
//   (multi-line values); blank lines inside a value are kept, trailing ones
//   are not.
// - Keys of `[DEFAULT]` are visible from every section.
// - A section or key given twice: the last one wins (configparser's non-strict
//   reading; strict mode refuses such files).

export const DEFAULT_SECTION = 'DEFAULT';

/** One `key = value` entry, with where it sits in the text (0-based line indexes). */
export interface IniEntry {
  section: string;
  /** The key as written in the file. */
  key: string;
  /** The value as configparser returns it (continuation lines joined with `\n`). */
  value: string;
  /** Index of the `key = value` line. */
  line: number;
  /** Index of the last line belonging to the value (== `line` for one-line values). */
  lastLine: number;
}

export interface IniSectionInfo {
  name: string;
  /** Index of the `[name]` line. */
  line: number;
  /** Index of the last line before the next section header (or the end of the text). */
  lastLine: number;
}

export interface IniDocument {
  sections: IniSectionInfo[];
  entries: IniEntry[];
  /** Lines configparser would refuse (neither header, key, comment, blank nor continuation), 1-based. */
  invalidLines: number[];
}

interface Line {
  /** Text without its line ending. */
  text: string;
  /** The line ending that followed it ('' for the last line). */
  eol: string;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  const re = /\r\n|\n|\r/g;
  let start = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    out.push({ text: text.slice(start, m.index), eol: m[0] });
    start = m.index + m[0].length;
  }
  out.push({ text: text.slice(start), eol: '' });
  return out;
}

function joinLines(lines: Line[]): string {
  let s = '';
  for (const l of lines) s += l.text + l.eol;
  return s;
}

function dominantEol(lines: Line[]): string {
  let crlf = 0;
  let lf = 0;
  let cr = 0;
  for (const l of lines) {
    if (l.eol === '\r\n') crlf++;
    else if (l.eol === '\n') lf++;
    else if (l.eol === '\r') cr++;
  }
  if (crlf > lf && crlf >= cr) return '\r\n';
  if (cr > lf && cr > crlf) return '\r';
  return '\n';
}

const SECTION_RE = /^\[(.+)\]/;
// configparser's OPTCRE: the shortest key before the first `=` or `:`.
const OPTION_RE = /^(.*?)\s*([=:])\s*(.*)$/;

function isComment(trimmed: string): boolean {
  return trimmed.startsWith('#') || trimmed.startsWith(';');
}

function indentOf(text: string): number {
  const m = /^\s*/.exec(text);
  return m ? m[0].length : 0;
}

const normKey = (key: string) => key.trim().toLowerCase();

function parseLines(lines: Line[]): IniDocument {
  const sections: IniSectionInfo[] = [];
  const entries: IniEntry[] = [];
  const invalidLines: number[] = [];
  let section: IniSectionInfo | null = null;
  let entry: (IniEntry & { parts: string[]; indent: number }) | null = null;

  const closeEntry = () => {
    if (!entry) return;
    const parts = entry.parts;
    while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    entries.push({
      section: entry.section,
      key: entry.key,
      value: parts.join('\n'),
      line: entry.line,
      lastLine: entry.lastLine,
    });
    entry = null;
  };

  lines.forEach((l, i) => {
    const trimmed = l.text.trim();
    if (trimmed === '' || isComment(trimmed)) {
      // Blank lines inside a value belong to it; comments are skipped.
      if (trimmed === '' && entry) entry.parts.push('');
      return;
    }
    const indent = indentOf(l.text);
    if (entry && indent > entry.indent) {
      entry.parts.push(trimmed);
      entry.lastLine = i;
      return;
    }
    closeEntry();
    const header = SECTION_RE.exec(trimmed);
    if (header) {
      if (section) section.lastLine = i - 1;
      section = { name: header[1], line: i, lastLine: lines.length - 1 };
      sections.push(section);
      return;
    }
    const opt = OPTION_RE.exec(trimmed);
    if (section && opt && opt[1].trim() !== '') {
      entry = {
        section: section.name,
        key: opt[1].trim(),
        value: '',
        parts: [opt[3].trim()],
        line: i,
        lastLine: i,
        indent,
      };
      return;
    }
    invalidLines.push(i + 1);
  });
  closeEntry();
  return { sections, entries, invalidLines };
}

/** Parses INI text; see the rules at the top of this file. */
export function parseIni(text: string): IniDocument {
  return parseLines(splitLines(text));
}

function findEntry(doc: IniDocument, section: string, key: string): IniEntry | undefined {
  const k = normKey(key);
  let found: IniEntry | undefined;
  for (const e of doc.entries) if (e.section === section && normKey(e.key) === k) found = e;
  return found;
}

/** Names of the sections, each once, in the order they first appear (`DEFAULT` excluded, like configparser). */
export function listSections(text: string): string[] {
  const names: string[] = [];
  for (const s of parseIni(text).sections) if (s.name !== DEFAULT_SECTION && !names.includes(s.name)) names.push(s.name);
  return names;
}

/**
 * The value of `key` in `section`, as configparser's `get(section, key)` returns it
 * (falling back to `[DEFAULT]`), or `undefined` when it is not set.
 */
export function getKey(text: string, section: string, key: string): string | undefined {
  const doc = parseIni(text);
  const own = findEntry(doc, section, key);
  if (own) return own.value;
  if (section !== DEFAULT_SECTION && doc.sections.some((s) => s.name === section)) {
    return findEntry(doc, DEFAULT_SECTION, key)?.value;
  }
  return undefined;
}

function valueLines(value: string): string[] {
  return value.split(/\r\n|\n|\r/);
}

/** Continuation lines of a multi-line value, indented with a tab as configparser writes them. */
function continuationLines(rest: string[], lead: string): string[] {
  return rest.map((v) => (v === '' ? '' : `${lead}\t${v}`));
}

/**
 * Sets `key` in `section` to `value` and returns the new text. Only the value
 * part of the key's line changes (and its old continuation lines go); a
 * missing key is added after the last entry of its section, a missing section
 * at the end of the text.
 */
export function setKey(text: string, section: string, key: string, value: string): string {
  const lines = splitLines(text);
  const doc = parseLines(lines);
  const eol = dominantEol(lines);
  const [first, ...rest] = valueLines(value);
  const existing = findEntry(doc, section, key);

  if (existing) {
    const line = lines[existing.line];
    const m = /^(\s*)(.*?)(\s*)([=:])(\s*)(.*?)(\s*)$/.exec(line.text);
    if (!m) return text; // cannot happen: parsed as an entry
    const [, lead, k, beforeDelim, delim, afterDelim] = m;
    const gap = first === '' ? '' : afterDelim !== '' ? afterDelim : beforeDelim !== '' ? ' ' : '';
    const texts = [`${lead}${k}${beforeDelim}${delim}${gap}${first}`, ...continuationLines(rest, lead)];
    // The old continuation lines go; comments that sat between them stay.
    for (let i = existing.line + 1; i <= existing.lastLine; i++) {
      if (isComment(lines[i].text.trim())) texts.push(lines[i].text);
    }
    const block = texts.map((t, i): Line => ({ text: t, eol: i === 0 && line.eol ? line.eol : eol }));
    block[block.length - 1].eol = lines[existing.lastLine].eol;
    lines.splice(existing.line, existing.lastLine - existing.line + 1, ...block);
    return joinLines(lines);
  }

  const sectionInfos = doc.sections.filter((s) => s.name === section);
  if (sectionInfos.length > 0) {
    const sec = sectionInfos[sectionInfos.length - 1];
    const inSection = doc.entries.filter((e) => e.line > sec.line && e.line <= sec.lastLine);
    const last = inSection[inSection.length - 1];
    const after = last ? last.lastLine : sec.line;
    const style = last ? delimiterStyle(lines[last.line].text) : ' = ';
    const lead = last ? lines[last.line].text.slice(0, indentOf(lines[last.line].text)) : '';
    const newLines: Line[] = [`${lead}${key}${first === '' ? style.trimEnd() : style}${first}`, ...continuationLines(rest, lead)].map((t) => ({
      text: t,
      eol,
    }));
    return insertAfter(lines, after, newLines);
  }

  // A new section at the end, separated from what comes before by a blank line.
  let base = text;
  if (base !== '' && !/[\r\n]$/.test(base)) base += eol;
  if (base.trim() !== '') {
    const all = splitLines(base);
    if (all[all.length - 2].text.trim() !== '') base += eol;
  }
  const block = [`[${section}]`, `${key}${first === '' ? ' =' : ' = '}${first}`, ...continuationLines(rest, '')];
  return base + block.map((t) => t + eol).join('');
}

/** Removes `key` from `section` (with its continuation lines); the text is unchanged when it is not there. */
export function removeKey(text: string, section: string, key: string): string {
  const lines = splitLines(text);
  const existing = findEntry(parseLines(lines), section, key);
  if (!existing) return text;
  const wasLast = existing.lastLine === lines.length - 1;
  lines.splice(existing.line, existing.lastLine - existing.line + 1);
  // The text did not end with a line ending: neither does the new one.
  if (wasLast && lines.length > 0) lines[lines.length - 1] = { ...lines[lines.length - 1], eol: '' };
  return joinLines(lines);
}

function delimiterStyle(lineText: string): string {
  const m = /^\s*.*?(\s*[=:]\s*)/.exec(lineText);
  if (!m) return ' = ';
  // An entry with an empty value (`key =`) still tells the spacing before the delimiter.
  const d = m[1];
  if (/\s$/.test(d) || !/^\s/.test(d)) return d;
  return `${d} `;
}

function insertAfter(lines: Line[], index: number, newLines: Line[]): string {
  const out = lines.slice();
  const at = out[index];
  if (at.eol === '') {
    // Inserting after the last line, which has no line ending.
    out[index] = { ...at, eol: newLines[0].eol };
    newLines = newLines.slice();
    newLines[newLines.length - 1] = { ...newLines[newLines.length - 1], eol: '' };
  }
  out.splice(index + 1, 0, ...newLines);
  return joinLines(out);
}
