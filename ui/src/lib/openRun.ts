import { useEffect } from 'react';
import { useBackend } from '../api/backend';
import { navigate } from './router';

/** Shows the run the shell asks for (a click on a desktop notification). */
export function useOpenRunRequests(): void {
  const backend = useBackend();
  useEffect(() => backend.onOpenRun((id) => navigate({ page: 'run', id })), [backend]);
}
