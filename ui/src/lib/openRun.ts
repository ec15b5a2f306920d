import { useEffect } from 'react';
import { useBackend } from '../api/backend';
import { navigate } from './router';

/** Shows the run, sweep or run list the shell asks for (a click on a desktop notification). */
export function useOpenRunRequests(): void {
  const backend = useBackend();
  useEffect(
    () =>
      backend.onOpenTarget((target) => {
        switch (target.kind) {
          case 'run':
            return navigate({ page: 'run', id: target.id });
          case 'sweep':
            return navigate({ page: 'sweep', id: target.id });
          case 'runs':
            return navigate({ page: 'runs' });
        }
      }),
    [backend],
  );
}
