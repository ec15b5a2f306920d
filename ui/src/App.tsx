import { useEffect, useRef, type ReactNode } from 'react';
import { useAsync } from './lib/useAsync';
import { BackendContext, useBackend, type Backend } from './api/backend';
import { Icon } from './components/Icon';
import { QuitModal } from './components/QuitModal';
import { useRunEvents } from './lib/hooks';
import { href, useRoute, type Route } from './lib/router';
import { useTheme } from './lib/theme';
import { NewRunPage, fromParam } from './pages/NewRunPage';
import { RunDetailPage } from './pages/RunDetailPage';
import { RunsPage } from './pages/RunsPage';
import { SettingsPage } from './pages/SettingsPage';
import { TopologyPage } from './pages/TopologyPage';
import { SweepDetailPage } from './pages/SweepDetailPage';
import { SweepsPage } from './pages/SweepsPage';
import { useOpenRunRequests } from './lib/openRun';
import { ComparePage } from './pages/ComparePage';
import { KeyboardShortcuts } from './components/KeyboardShortcuts';
import './App.css';

export function App({ backend }: { backend: Backend }) {
  return (
    <BackendContext.Provider value={backend}>
      <Shell />
    </BackendContext.Provider>
  );
}

function Shell() {
  const route = useRoute();
  useOpenRunRequests();
  return (
    <div className="shell">
      <Sidebar route={route} />
      <main className="main">
        <Page route={route} />
      </main>
      <QuitModal />
      <KeyboardShortcuts route={route} />
    </div>
  );
}

function Page({ route }: { route: Route }) {
  switch (route.page) {
    case 'runs':
      return <RunsPage />;
    case 'new': {
      const from = fromParam(window.location.hash);
      return <NewRunPage key={from ?? ''} from={from} />;
    }
    case 'topology':
      return <TopologyPage />;
    case 'run':
      return <RunDetailPage key={route.id} id={route.id} tab={route.tab} />;
    case 'settings':
      return <SettingsPage />;
    case 'sweeps':
      return <SweepsPage />;
    case 'sweep':
      return <SweepDetailPage key={route.id} id={route.id} />;
    case 'compare':
      return <ComparePage key={route.ids.join(',')} ids={route.ids} />;
    case 'missing':
      return (
        <div className="page">
          <div className="empty">
            <div className="empty-title">Page not found</div>
            <p className="muted mono">{route.path}</p>
            <a className="btn" href="#/runs">
              Go to runs
            </a>
          </div>
        </div>
      );
  }
}

const NAV: { route: Route; label: string; icon: ReactNode; testId: string }[] = [
  { route: { page: 'runs' }, label: 'Runs', icon: <Icon name="list" />, testId: 'nav-runs' },
  { route: { page: 'new' }, label: 'New run', icon: <Icon name="plus" />, testId: 'nav-new' },
  { route: { page: 'sweeps' }, label: 'Sweeps', icon: <Icon name="repeat" />, testId: 'nav-sweeps' },
  { route: { page: 'topology' }, label: 'Topology', icon: <NetworkIcon />, testId: 'nav-topology' },
  { route: { page: 'settings' }, label: 'Settings', icon: <Icon name="gear" />, testId: 'nav-settings' },
];

function NetworkIcon() {
  return (
    <svg className="icon" width={16} height={16} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={1.8} strokeLinecap="round" strokeLinejoin="round" aria-hidden="true">
      <circle cx="5" cy="6" r="2.2" />
      <circle cx="19" cy="5" r="2.2" />
      <circle cx="12" cy="13" r="2.2" />
      <circle cx="5" cy="19" r="2.2" />
      <circle cx="19" cy="18" r="2.2" />
      <path d="M7 6.7l3.4 4.6M17 6.3l-3.6 5M7 18l3.4-3.4M14 14.3l3.2 2.6M7.2 6l9.6-.9" />
    </svg>
  );
}

function Sidebar({ route }: { route: Route }) {
  const backend = useBackend();
  const [theme, toggleTheme] = useTheme();
  const current = route.page === 'run' || route.page === 'compare' ? 'runs' : route.page === 'sweep' ? 'sweeps' : route.page;
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <Logo />
        <div>
          <div className="brand-name">FUSION Desk</div>
          <div className="brand-sub">Optical network simulations</div>
        </div>
      </div>
      <ul className="nav">
        {NAV.map((item) => (
          <li key={item.testId}>
            <a
              href={href(item.route)}
              className={`nav-link${current === item.route.page ? ' active' : ''}`}
              aria-current={current === item.route.page ? 'page' : undefined}
              data-testid={item.testId}
            >
              {item.icon}
              {item.label}
            </a>
          </li>
        ))}
      </ul>
      <ActivityCounter />
      <div className="sidebar-footer">
        {backend.kind === 'memory' && (
          <div className="demo-note" title="Not connected to the desktop core: the runs shown are stored in this page.">
            Demo data
          </div>
        )}
        <button
          type="button"
          className="theme-toggle"
          data-testid="theme-toggle"
          onClick={toggleTheme}
          aria-label={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
          title={theme === 'dark' ? 'Switch to light theme' : 'Switch to dark theme'}
        >
          <Icon name={theme === 'dark' ? 'sun' : 'moon'} />
          {theme === 'dark' ? 'Light theme' : 'Dark theme'}
        </button>
      </div>
    </nav>
  );
}

/** How many runs are running and queued, refreshed when runs change (no polling). */
function ActivityCounter() {
  const backend = useBackend();
  const { value: counts, reload } = useAsync(
    () =>
      Promise.all([backend.listRuns({ status: 'RUNNING', limit: 1 }), backend.listRuns({ status: 'PENDING', limit: 1 })]).then(([r, p]) => ({
        running: r.total,
        pending: p.total,
      })),
    [backend],
  );
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);

  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current);
    },
    [],
  );

  useRunEvents(() => {
    if (timer.current) return;
    timer.current = setTimeout(() => {
      timer.current = null;
      reload();
    }, 300);
  });

  if (!counts) return null;
  return (
    <div className="activity" data-testid="activity">
      <div className="activity-row">
        <span className={`dot dot-running${counts.running ? ' pulse' : ''}`} aria-hidden="true" />
        <span className="activity-num">{counts.running}</span> running
      </div>
      <div className="activity-row">
        <span className="dot dot-pending" aria-hidden="true" />
        <span className="activity-num">{counts.pending}</span> queued
      </div>
    </div>
  );
}

function Logo() {
  // A stylised spectrum: slots on a fibre.
  return (
    <svg className="logo" width="30" height="30" viewBox="0 0 32 32" aria-hidden="true">
      <rect x="1" y="1" width="30" height="30" rx="8" className="logo-bg" />
      <rect x="7" y="16" width="3" height="9" rx="1" className="logo-bar" opacity="0.55" />
      <rect x="12" y="10" width="3" height="15" rx="1" className="logo-bar" />
      <rect x="17" y="13" width="3" height="12" rx="1" className="logo-bar" opacity="0.8" />
      <rect x="22" y="7" width="3" height="18" rx="1" className="logo-bar" opacity="0.65" />
    </svg>
  );
}
