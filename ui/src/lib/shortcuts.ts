// Global keyboard shortcuts: which key does what, and when keys are left
// alone (while typing, with modifier keys, under an open dialog).

export type ShortcutAction = 'new-run' | 'search' | 'cancel-run' | 'next-run' | 'previous-run' | 'help' | 'close';

export const SHORTCUTS: { key: string; action: ShortcutAction; description: string }[] = [
  { key: 'n', action: 'new-run', description: 'New run' },
  { key: '/', action: 'search', description: 'Search the runs' },
  { key: 'c', action: 'cancel-run', description: 'Cancel the run shown (asks first)' },
  { key: 'j', action: 'next-run', description: 'Next run in the list' },
  { key: 'k', action: 'previous-run', description: 'Previous run in the list' },
  { key: '?', action: 'help', description: 'Show these shortcuts' },
  { key: 'Esc', action: 'close', description: 'Close this help' },
];

const BY_KEY: Record<string, ShortcutAction> = { n: 'new-run', '/': 'search', c: 'cancel-run', j: 'next-run', k: 'previous-run', '?': 'help', Escape: 'close' };

type KeyLike = { key: string; ctrlKey?: boolean; metaKey?: boolean; altKey?: boolean; target?: EventTarget | null; isComposing?: boolean };

/** True when the key goes into a text field, select or editor. */
export function isTyping(target: EventTarget | null | undefined): boolean {
  if (!target || typeof (target as HTMLElement).closest !== 'function') return false;
  const el = target as HTMLElement;
  if (el.isContentEditable) return true;
  if (el.closest('.cm-editor')) return true;
  const tag = el.tagName;
  if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
  if (tag === 'INPUT') {
    const type = (el as HTMLInputElement).type;
    return !['checkbox', 'radio', 'button', 'submit', 'reset', 'range', 'color'].includes(type);
  }
  return false;
}

/** The action of a key press, or null to leave the key alone. */
export function shortcutFor(e: KeyLike, dialogOpen = false): ShortcutAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey || e.isComposing) return null;
  const action = BY_KEY[e.key];
  if (!action) return null;
  if (action === 'close') return 'close';
  if (dialogOpen || isTyping(e.target)) return null;
  return action;
}
