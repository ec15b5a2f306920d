// One question at a time before something is discarded (edits replaced by a
// template or an import, leaving the page, a training run).

import { useState } from 'react';

/** A question before the edited text is replaced. */
export type Pending = { title: string; body: string; confirm: string; run(): void };

export interface PendingQuestion {
  pending: Pending | null;
  ask(question: Pending): void;
  /** The answer was yes: the question goes and its action runs. */
  accept(): void;
  dismiss(): void;
}

export function usePendingQuestion(): PendingQuestion {
  const [pending, setPending] = useState<Pending | null>(null);
  return {
    pending,
    ask: setPending,
    accept() {
      const p = pending;
      setPending(null);
      p?.run();
    },
    dismiss: () => setPending(null),
  };
}
