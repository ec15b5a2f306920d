// Keeps a chart that fails to load or draw from taking the page down with it.

import { Component, Suspense, type ReactNode } from 'react';
import './ChartBoundary.css';

interface State {
  error: Error | null;
}

class Boundary extends Component<{ children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: unknown): State {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error) {
      return (
        <div className="chart-failed muted small" role="alert" data-testid="chart-failed">
          The chart could not be drawn: {this.state.error.message}{' '}
          <button type="button" className="btn btn-xs" onClick={() => this.setState({ error: null })}>
            Retry
          </button>
        </div>
      );
    }
    return this.props.children;
  }
}

/** A lazily loaded chart with its loading state and an error fallback. */
export function ChartSlot({ children }: { children: ReactNode }) {
  return (
    <Boundary>
      <Suspense fallback={<div className="loading">Loading chart…</div>}>{children}</Suspense>
    </Boundary>
  );
}
