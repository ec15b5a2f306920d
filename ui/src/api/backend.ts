// The UI's only way to reach the desktop core. Two implementations exist:
// TauriBackend (IPC to the Rust side) and MemoryBackend (an in-memory fake
// used by component tests and by the browser demo).

import { createContext, useContext } from 'react';
import type { CreateRunRequest } from '../bindings/CreateRunRequest';
import type { DeskError } from '../bindings/DeskError';
import type { ErrorCode } from '../bindings/ErrorCode';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunPage } from '../bindings/RunPage';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
import type { TemplateInfo } from '../bindings/TemplateInfo';

/** What to do with active runs when the app quits. */
export type QuitMode = 'leave' | 'cancel';

/** Payload of the `quit-requested` event. */
export type QuitRequest = { active: number };

export type Unsubscribe = () => void;

export interface Backend {
  /** `tauri` inside the desktop shell, `memory` for tests and the browser demo. */
  readonly kind: 'tauri' | 'memory';

  createRun(request: CreateRunRequest): Promise<Run>;
  listRuns(query: ListQuery): Promise<RunPage>;
  getRun(id: string): Promise<Run>;
  /** The run's frozen config.ini text. */
  runConfig(id: string): Promise<string>;
  /** Returns at once; the CANCELLED state arrives later as a `run_updated` event. */
  cancelRun(id: string): Promise<Run>;
  /** Only finished runs; an active one rejects with `invalid_state`. */
  deleteRun(id: string): Promise<void>;
  listTemplates(): Promise<TemplateInfo[]>;
  getSettings(): Promise<SettingsView>;
  saveSettings(settings: Settings): Promise<SettingsView>;
  quit(mode: QuitMode): Promise<void>;

  onRunEvent(handler: (event: RunEvent) => void): Unsubscribe;
  onQuitRequested(handler: (request: QuitRequest) => void): Unsubscribe;
}

const ERROR_CODES: readonly ErrorCode[] = [
  'not_found',
  'invalid_input',
  'invalid_state',
  'forbidden_path',
  'simulator_unavailable',
  'internal',
];

export function isDeskError(value: unknown): value is DeskError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.message === 'string' && typeof v.code === 'string' && (ERROR_CODES as readonly string[]).includes(v.code);
}

/** Every rejection shown to the user goes through here, whatever was thrown. */
export function toDeskError(value: unknown): DeskError {
  if (isDeskError(value)) return value;
  if (value instanceof Error) return { code: 'internal', message: value.message };
  if (typeof value === 'string') return { code: 'internal', message: value };
  return { code: 'internal', message: 'unexpected error' };
}

export const BackendContext = createContext<Backend | null>(null);

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (!backend) throw new Error('useBackend needs a <BackendContext.Provider>');
  return backend;
}
