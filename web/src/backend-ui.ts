/**
 * The backend's status beside the backend readout, kept visible: what the worker is doing while a
 * backend starts (with the seconds it has taken: webgl can take 10-20 s to compile its shaders
 * for the first landscape and the first step), then why the asked backend is not the one in use
 * (a note that stays, unlike the status line, which the next action rewrites). The backend menu
 * shows the backend in use and marks the one that could not be used.
 */
import type { PageElements } from './elements.js';
import type { BackendName } from './protocol.js';

/** The backend status's inputs: the worker's stages as the page sees them. */
export interface BackendStatus {
  /** A worker is starting on `backend` (the note of an earlier one is forgotten). */
  starting(backend: BackendName): void;
  /**
   * The worker is ready on `actual` (asked: `asked`); `note` says why they differ. Returns the
   * backend to keep in the settings (`actual` when it is one the menu offers, else `asked`).
   */
  ready(asked: BackendName, actual: string, note: string | undefined): BackendName;
  /** A landscape arrived (the first one ends the shader compiling for it). */
  landscape(): void;
  /** Training was asked for (a play or a step): before the worker's first step on a GPU backend, its shaders compile. */
  training(): void;
  /** A step arrived. */
  stepped(): void;
  /** The text shown now (for tests: `window.mpoApp`). */
  text(): string;
}

const BACKENDS: readonly BackendName[] = ['wasm', 'webgl', 'webgpu'];

/** Sets up the backend status of web/index.html. */
export function createBackendStatus(els: Pick<PageElements, 'backendUsed' | 'backendState' | 'backend'>): BackendStatus {
  let note = '';
  let busy: { text: string; t0: number; } | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  let active = '';
  let stepped = false;
  let landscapes = 0;

  function render(): void {
    const text = busy ? `${busy.text}… ${Math.floor((performance.now() - busy.t0) / 1000)} s` : note;
    els.backendState.textContent = text;
    els.backendState.className = `backend-state${busy ? ' busy' : note ? ' note' : ''}`;
    if (busy && !timer) timer = setInterval(render, 1000);
    if (!busy && timer) {
      clearInterval(timer);
      timer = null;
    }
  }
  function setBusy(text: string | null): void {
    busy = text === null ? null : { text, t0: performance.now() };
    render();
  }

  return {
    starting(backend) {
      note = '';
      active = '';
      stepped = false;
      landscapes = 0;
      els.backendUsed.textContent = '–';
      setBusy(`starting ${backend}`);
    },
    ready(asked, actual, why) {
      active = actual;
      els.backendUsed.textContent = actual;
      note = why ?? '';
      for (const o of els.backend.options) {
        const failed = o.value === asked && asked !== actual;
        o.textContent = failed ? `${o.value} (not available here)` : o.value;
        o.title = failed ? note : '';
      }
      const keep = BACKENDS.includes(actual as BackendName) ? (actual as BackendName) : asked;
      els.backend.value = keep;
      setBusy(actual === 'wasm' || landscapes > 0 ? null : `${actual}: compiling shaders for the first landscape`);
      return keep;
    },
    landscape() {
      landscapes += 1;
      if (busy && active && !busy.text.includes('first step')) setBusy(null);
    },
    training() {
      if (!stepped && active && active !== 'wasm') setBusy(`${active}: compiling shaders for the first step`);
    },
    stepped() {
      stepped = true;
      if (busy && active) setBusy(null);
    },
    text: () => els.backendState.textContent ?? '',
  };
}
