// A small hash router: #/runs, #/new, #/runs/<id>[/<tab>], #/topology, #/settings.

import { useEffect, useRef, useState } from 'react';

export type Route =
  | { page: 'runs' }
  | { page: 'new' }
  | { page: 'run'; id: string; tab?: string }
  | { page: 'topology' }
  | { page: 'settings' }
  | { page: 'missing'; path: string }
  | { page: 'sweeps' }
  | { page: 'sweep'; id: string }
  | { page: 'compare'; ids: string[] };

export function parseHash(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\?.*$/, '').replace(/\/+$/, '') || '/runs';
  if (path === '/runs' || path === '/') return { page: 'runs' };
  if (path === '/new') return { page: 'new' };
  if (path === '/topology') return { page: 'topology' };
  if (path === '/settings') return { page: 'settings' };
  if (path === '/sweeps') return { page: 'sweeps' };
  const sweep = /^\/sweeps\/([^/]+)$/.exec(path);
  if (sweep) return { page: 'sweep', id: decodeURIComponent(sweep[1]) };
  if (path === '/compare') return { page: 'compare', ids: compareIds(hash) };
  const m = /^\/runs\/([^/]+)(?:\/([a-z]+))?$/.exec(path);
  if (m) return m[2] ? { page: 'run', id: decodeURIComponent(m[1]), tab: m[2] } : { page: 'run', id: decodeURIComponent(m[1]) };
  return { page: 'missing', path };
}

export function href(route: Route): string {
  switch (route.page) {
    case 'runs':
      return '#/runs';
    case 'new':
      return '#/new';
    case 'topology':
      return '#/topology';
    case 'settings':
      return '#/settings';
    case 'run':
      return `#/runs/${encodeURIComponent(route.id)}${route.tab ? `/${route.tab}` : ''}`;
    case 'missing':
      return `#${route.path}`;
    case 'sweeps':
      return '#/sweeps';
    case 'sweep':
      return `#/sweeps/${encodeURIComponent(route.id)}`;
    case 'compare':
      return `#/compare?runs=${route.ids.map(encodeURIComponent).join(',')}`;
  }
}

/** The run ids of `#/compare?runs=a,b,c`, in order, each once. */
export function compareIds(hash: string): string[] {
  const query = hash.includes('?') ? hash.slice(hash.indexOf('?') + 1) : '';
  const runs = new URLSearchParams(query).get('runs') ?? '';
  return [...new Set(runs.split(',').map((s) => s.trim()).filter(Boolean))];
}

export function navigate(route: Route): void {
  const target = href(route);
  if (window.location.hash !== target) window.location.hash = target;
}

/**
 * A page with edits to lose installs a guard: given a way to go on, it
 * returns true to hold the navigation (and calls `leave` once the user
 * agrees). Every way of leaving goes through the address (sidebar links,
 * keyboard shortcuts, `navigate`), so the router is where it is asked.
 */
export type LeaveGuard = (leave: () => void) => boolean;

let leaveGuard: LeaveGuard | null = null;

export function setLeaveGuard(guard: LeaveGuard | null): void {
  leaveGuard = guard;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  const shown = useRef(window.location.hash);
  useEffect(() => {
    const onChange = () => {
      const next = window.location.hash;
      const guard = leaveGuard;
      if (guard && next !== shown.current) {
        const back = shown.current;
        const leave = () => {
          leaveGuard = null;
          if (window.location.hash === next) {
            shown.current = next;
            setRoute(parseHash(next));
          } else window.location.hash = next;
        };
        if (guard(leave)) {
          // Put the address back without a new history entry or event.
          window.history.replaceState(window.history.state, '', back || '#/runs');
          return;
        }
      }
      shown.current = next;
      setRoute(parseHash(next));
    };
    window.addEventListener('hashchange', onChange);
    onChange();
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}
