// Finding the matches of a search inside one line of text, to highlight them.

export interface MatchOptions {
  regex: boolean;
  caseSensitive: boolean;
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A global RegExp for the query, or null when it is empty or not a valid
 * JavaScript regular expression (the search itself may still run elsewhere).
 */
export function buildMatcher(query: string, opts: MatchOptions): RegExp | null {
  if (!query) return null;
  const flags = opts.caseSensitive ? 'g' : 'gi';
  try {
    return new RegExp(opts.regex ? query : escapeRegExp(query), flags);
  } catch {
    return null;
  }
}

export interface TextPart {
  text: string;
  match: boolean;
}

/** Splits `text` into plain and matching parts, at most `maxMatches` matches. */
export function splitMatches(text: string, re: RegExp | null, maxMatches = 500): TextPart[] {
  if (!re || text === '') return [{ text, match: false }];
  const parts: TextPart[] = [];
  re.lastIndex = 0;
  let last = 0;
  let found = 0;
  let m: RegExpExecArray | null;
  while (found < maxMatches && (m = re.exec(text))) {
    if (m[0] === '') {
      // Empty matches highlight nothing; step over them.
      re.lastIndex++;
      if (re.lastIndex > text.length) break;
      continue;
    }
    if (m.index > last) parts.push({ text: text.slice(last, m.index), match: false });
    parts.push({ text: m[0], match: true });
    last = m.index + m[0].length;
    found++;
  }
  if (last < text.length) parts.push({ text: text.slice(last), match: false });
  return parts.length ? parts : [{ text, match: false }];
}
