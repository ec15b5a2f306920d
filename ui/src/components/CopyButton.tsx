import { useEffect, useState } from 'react';
import { Icon } from './Icon';

/** Copies `text` to the clipboard and says so for a moment. */
export function CopyButton({ text, label = 'Copy', testId }: { text: string; label?: string; testId?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 1500);
    return () => clearTimeout(t);
  }, [state]);
  const copy = () => {
    const clip = navigator.clipboard;
    if (!clip) {
      setState('failed');
      return;
    }
    clip.writeText(text).then(
      () => setState('copied'),
      () => setState('failed'),
    );
  };
  return (
    <button type="button" className="btn btn-ghost btn-xs" onClick={copy} title={`${label}: ${text}`} data-testid={testId}>
      <Icon name={state === 'copied' ? 'check' : 'copy'} />
      <span>{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : label}</span>
    </button>
  );
}
