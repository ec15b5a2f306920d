import { useEffect, useRef, useState } from 'react';
import { navigate, type Route } from '../lib/router';
import { LIST_MOVE_EVENT, neighbourRun } from '../lib/runOrder';
import { shortcutFor, SHORTCUTS, type ShortcutAction } from '../lib/shortcuts';
import { Modal } from './Modal';
import './KeyboardShortcuts.css';

function focusSearch(): boolean {
  const input = document.querySelector<HTMLInputElement>('[data-testid="runs-search"]');
  if (!input) return false;
  input.focus();
  input.select();
  return true;
}

/** Global shortcuts (`n`, `/`, `c`, `j`, `k`, `?`) and their help overlay. */
export function KeyboardShortcuts({ route }: { route: Route }) {
  const [help, setHelp] = useState(false);
  const routeRef = useRef(route);
  routeRef.current = route;

  useEffect(() => {
    const act = (action: ShortcutAction): boolean => {
      const r = routeRef.current;
      switch (action) {
        case 'help':
          setHelp((h) => !h);
          return true;
        case 'close':
          setHelp(false);
          return false;
        case 'new-run':
          navigate({ page: 'new' });
          return true;
        case 'search':
          if (!focusSearch()) {
            navigate({ page: 'runs' });
            // The list mounts on the next frames.
            let tries = 0;
            const retry = () => {
              if (!focusSearch() && tries++ < 20) setTimeout(retry, 25);
            };
            setTimeout(retry, 0);
          }
          return true;
        case 'cancel-run': {
          // The run page's own button, so its confirmation is asked as usual.
          const button = document.querySelector<HTMLButtonElement>('[data-testid="cancel-run"]');
          if (r.page !== 'run' || !button || button.disabled) return false;
          button.click();
          return true;
        }
        case 'next-run':
        case 'previous-run': {
          const delta = action === 'next-run' ? 1 : -1;
          if (r.page === 'runs') {
            window.dispatchEvent(new CustomEvent(LIST_MOVE_EVENT, { detail: delta }));
            return true;
          }
          if (r.page === 'run') {
            const id = neighbourRun(r.id, delta);
            if (id) navigate({ page: 'run', id, ...(r.tab ? { tab: r.tab } : {}) });
            return true;
          }
          return false;
        }
      }
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented) return;
      // Another dialog is open: only Escape, which that dialog handles itself.
      const dialogOpen = document.querySelector('.modal-backdrop') !== null;
      const action = shortcutFor(e, dialogOpen);
      if (action && act(action)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  if (!help) return null;
  return (
    <Modal
      title="Keyboard shortcuts"
      testId="shortcuts-help"
      onDismiss={() => setHelp(false)}
      actions={
        <button type="button" className="btn" onClick={() => setHelp(false)} data-autofocus>
          Close
        </button>
      }
    >
      <table className="shortcuts-table">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.key}>
              <td>
                <kbd>{s.key}</kbd>
              </td>
              <td>{s.description}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted">Shortcuts are ignored while you type in a field.</p>
    </Modal>
  );
}
