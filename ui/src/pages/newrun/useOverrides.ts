// The extra overrides typed under the config (`section.key = value`, one a
// line), parsed as they are typed.

import { useMemo, useState } from 'react';
import { parseOverrides, type OverrideLine } from '../../lib/overrides';

export interface Overrides {
  text: string;
  setText(text: string): void;
  lines: OverrideLine[];
  /** The lines that are not overrides, with why. */
  bad: Extract<OverrideLine, { kind: 'error' }>[];
  /** How many lines are valid overrides. */
  good: number;
}

export function useOverrides(): Overrides {
  const [text, setText] = useState('');
  const lines = useMemo(() => parseOverrides(text), [text]);
  const bad = useMemo(() => lines.filter((l): l is Extract<OverrideLine, { kind: 'error' }> => l.kind === 'error'), [lines]);
  return { text, setText, lines, bad, good: lines.length - bad.length };
}
