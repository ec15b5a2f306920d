// The Backend the desktop shell uses: Tauri commands and events.

import { invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import type { CreateRunRequest } from '../bindings/CreateRunRequest';
import type { ListQuery } from '../bindings/ListQuery';
import type { Run } from '../bindings/Run';
import type { RunEvent } from '../bindings/RunEvent';
import type { RunPage } from '../bindings/RunPage';
import type { Settings } from '../bindings/Settings';
import type { SettingsView } from '../bindings/SettingsView';
import type { TemplateInfo } from '../bindings/TemplateInfo';
import { toDeskError, type Backend, type QuitMode, type QuitRequest, type Unsubscribe } from './backend';

async function call<T>(command: string, args: Record<string, unknown>): Promise<T> {
  try {
    return await invoke<T>(command, args);
  } catch (e) {
    // Commands reject with a DeskError; anything else (IPC failure) is wrapped.
    throw toDeskError(e);
  }
}

/** `listen` is asynchronous; this makes unsubscribing safe at any moment. */
function subscribe<T>(event: string, handler: (payload: T) => void): Unsubscribe {
  let unlisten: UnlistenFn | null = null;
  let active = true;
  listen<T>(event, (e) => {
    if (active) handler(e.payload);
  })
    .then((fn) => {
      if (active) unlisten = fn;
      else fn();
    })
    .catch((e: unknown) => console.error(`cannot listen to ${event}`, e));
  return () => {
    active = false;
    if (unlisten) {
      unlisten();
      unlisten = null;
    }
  };
}

export class TauriBackend implements Backend {
  readonly kind = 'tauri' as const;

  createRun(request: CreateRunRequest): Promise<Run> {
    return call('runs_create', { request });
  }
  listRuns(query: ListQuery): Promise<RunPage> {
    return call('runs_list', { query });
  }
  getRun(id: string): Promise<Run> {
    return call('runs_get', { id });
  }
  runConfig(id: string): Promise<string> {
    return call('runs_config', { id });
  }
  cancelRun(id: string): Promise<Run> {
    return call('runs_cancel', { id });
  }
  async deleteRun(id: string): Promise<void> {
    await call<null>('runs_delete', { id });
  }
  listTemplates(): Promise<TemplateInfo[]> {
    return call('templates_list', {});
  }
  getSettings(): Promise<SettingsView> {
    return call('settings_get', {});
  }
  saveSettings(settings: Settings): Promise<SettingsView> {
    return call('settings_save', { settings });
  }
  async quit(mode: QuitMode): Promise<void> {
    await call<null>('app_quit', { mode });
  }
  onRunEvent(handler: (event: RunEvent) => void): Unsubscribe {
    return subscribe<RunEvent>('run-event', handler);
  }
  onQuitRequested(handler: (request: QuitRequest) => void): Unsubscribe {
    return subscribe<QuitRequest>('quit-requested', handler);
  }
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}
