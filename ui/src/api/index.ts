import type { Backend } from './backend';
import { demoBackend } from './demo';
import { TauriBackend, inTauri } from './tauri';

/** The desktop shell's backend inside Tauri; the seeded in-memory demo in a plain browser. */
export function createBackend(): Backend {
  return inTauri() ? new TauriBackend() : demoBackend();
}
