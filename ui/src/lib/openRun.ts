import { useEffect } from 'react';
import { useBackend } from '../api/backend';
import { navigate } from './router';

/** Shows the run or sweep the shell asks for (a click on a desktop notification). */
export function useOpenRunRequests(): void {
  const backend = useBackend();
  useEffect(
    () =>
      backend.onOpenTarget((target) =>
        navigate(target.kind === 'run' ? { page: 'run', id: target.id } : { page: 'sweep', id: target.id }),
      ),
    [backend],
  );
}
