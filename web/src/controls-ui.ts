/**
 * The page's controls: play/pause, step and reset (buttons, and the keys space, s and r), and
 * the files: save run, load, export cell, share link, with the downloads of what the worker
 * sends back for them.
 */
import type { AppDiag } from './app-diag.js';
import type { PageElements, StatusFn } from './elements.js';
import { cellName } from './manifold-ui.js';
import type { FromWorker, PatternData, ToWorker } from './protocol.js';

/** What the controls need from the page. */
export interface ControlsDeps {
  els: Pick<PageElements, 'play' | 'step' | 'reset' | 'save' | 'load' | 'exportCell' | 'share'>;
  /** Counts the exports. */
  diag: AppDiag;
  send(m: ToWorker, transfer?: Transferable[]): void;
  nextId(): number;
  /** The current target (to name the exported cell). */
  pattern(): PatternData;
  /** Play, or pause when running. */
  togglePlay(): void;
  /** Whether the target can be trained (it has black and white cells); the step button and the s key need it. */
  trainable(): boolean;
  /** Starts a new plane. */
  resetPlane(): void;
  /** Writes the settings and the target to the URL (the share link). */
  writeHash(): void;
  status: StatusFn;
}

/** The controls: wires the buttons and keys; the page forwards the file messages of the worker. */
export interface Controls {
  /** Shows pause on the play button while training runs, play otherwise. */
  showRunning(running: boolean): void;
  /** The cell "export cell" exports (a clicked cell); null disables the button. */
  select(cell: number | null): void;
  /** Handles the worker's `saved` (a save the user asked for) and `exported` messages (the page handles `loaded`); false for other messages. */
  onMessage(m: FromWorker): boolean;
}

/** Sets up the controls of web/index.html. */
export function createControls(deps: ControlsDeps): Controls {
  const { els } = deps;
  let selected: number | null = null;

  els.play.addEventListener('click', () => deps.togglePlay());
  const step = () => {
    if (deps.trainable()) deps.send({ type: 'step' });
  };
  els.step.addEventListener('click', step);
  els.reset.addEventListener('click', () => deps.resetPlane());
  document.addEventListener('keydown', (e) => {
    const t = e.target as HTMLElement;
    if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === ' ') {
      e.preventDefault();
      deps.togglePlay();
    } else if (e.key === 's') step();
    else if (e.key === 'r') deps.resetPlane();
  });

  els.save.addEventListener('click', () => deps.send({ type: 'save', id: deps.nextId() }));
  els.load.addEventListener('change', async () => {
    const file = els.load.files?.[0];
    if (!file) return;
    const bytes = new Uint8Array(await file.arrayBuffer());
    els.load.value = '';
    deps.send({ type: 'load', id: deps.nextId(), bytes }, [bytes.buffer]);
  });
  els.exportCell.addEventListener('click', () => {
    if (selected !== null) deps.send({ type: 'export', id: deps.nextId(), cell: selected });
  });
  els.share.addEventListener('click', async () => {
    deps.writeHash();
    try {
      await navigator.clipboard.writeText(location.href);
      deps.status('link copied: it holds the settings and the target');
    } catch {
      deps.status('copy the address bar: the URL holds the settings and the target');
    }
  });

  return {
    showRunning(running) {
      els.play.innerHTML = running ? '&#x275a;&#x275a; pause' : '&#x25b6; play';
      els.play.setAttribute('aria-pressed', String(running));
    },
    select(cell) {
      selected = cell;
      els.exportCell.disabled = cell === null;
      els.exportCell.title = cell === null ? 'click a map cell first' : `export the network at ${cellName(deps.pattern(), cell).split(' · ')[0]}`;
    },
    onMessage(m) {
      switch (m.type) {
        case 'saved':
          download('checkpoint.mpo', m.checkpoint, 'application/octet-stream');
          download('config.json', m.config, 'application/json');
          if (m.patternText) download('pattern.txt', m.patternText, 'text/plain');
          deps.status('saved: put checkpoint.mpo, config.json' + (m.patternText ? ', pattern.txt' : '') + ' in a folder and run npx mpo eval FOLDER');
          return true;
        case 'exported':
          deps.diag.exports += 1;
          for (const f of m.files) download(f.name, f.bytes, f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
          deps.status(
            `exported ${selected !== null ? cellName(deps.pattern(), selected).split(' · ')[0] : 'the cell'}: load model.json with tf.loadLayersModel`,
          );
          return true;
        default:
          return false;
      }
    },
  };
}

/** Downloads `data` as a file called `name`. */
function download(name: string, data: Uint8Array | string, type: string): void {
  const blob = new Blob([typeof data === 'string' ? data : new Uint8Array(data)], { type });
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}
