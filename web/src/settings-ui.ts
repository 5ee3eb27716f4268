/**
 * The page's settings panel: model, cells per step, batch size, learning rate, scale, seed and
 * backend. A value out of range is marked at its field (red, `aria-invalid`, the reason under the
 * fields) and not applied; the field keeps what was typed until it is fixed.
 */
import { SETTINGS, type SettingName } from '../../src/core/settings.js';
import type { PageElements } from './elements.js';
import type { ManifoldName, Settings } from './protocol.js';
import { sanitizeSettings } from './url-state.js';

/** What a settings change needs: a worker on another backend, a new plane (model, scale or seed), or new hyperparameters for the current plane. */
export type SettingsChange = 'backend' | 'plane' | 'hyper';

/** What the panel needs from the page. */
export interface SettingsDeps {
  els: Pick<PageElements, 'model' | 'cells' | 'batch' | 'lr' | 'scale' | 'seed' | 'backend' | 'settingsError'>;
  /** The current manifold (chosen with the target, not in this panel). */
  manifold(): ManifoldName;
  /** A field changed: the page reads the settings (`read`) and applies them. */
  changed(): void;
}

/** A field whose value cannot be applied, and why (in the app's words). */
export interface FieldProblem {
  field: HTMLInputElement;
  message: string;
}

/** The panel: shows settings in its fields and reads them back. */
export interface SettingsPanel {
  /** Shows `s` in the fields (and clears their marks). */
  show(s: Settings): void;
  /** The settings in the fields, or the fields that cannot be applied (marked at the fields). */
  read(): { settings: Settings; problems: FieldProblem[]; };
}

/** The numeric fields' rules: a label for the message, whole numbers or not, and the allowed interval (`lo` excluded when `loOpen`). */
const RULES = {
  cells: { label: 'cells / step', int: true, lo: 1, hi: 500, loOpen: false },
  batch: { label: 'batch', int: true, lo: 1, hi: 2048, loOpen: false },
  lr: { label: 'learning rate', int: false, lo: 0, hi: 1, loOpen: true },
  scale: { label: 'scale s', int: false, lo: 0, hi: 10, loOpen: true },
  seed: { label: 'seed', int: true, lo: 0, hi: 2 ** 31 - 1, loOpen: false },
} as const;

/** Why `text` cannot be a value of the field with `rule`, or null when it can. */
export function fieldProblem(text: string, rule: (typeof RULES)[keyof typeof RULES]): string | null {
  const n = text.trim() === '' ? NaN : Number(text);
  const ok = Number.isFinite(n) && (!rule.int || Number.isInteger(n)) && (rule.loOpen ? n > rule.lo : n >= rule.lo) && n <= rule.hi;
  if (ok) return null;
  const range = rule.int ? `a whole number from ${rule.lo} to ${rule.hi.toLocaleString('en-US')}` : `more than ${rule.lo} and at most ${rule.hi}`;
  return `${rule.label} must be ${range}${text.trim() === '' ? '' : ` (not ${text.trim()})`}: this value is not applied`;
}

/** Sets up the settings panel of web/index.html. */
export function createSettingsPanel(deps: SettingsDeps): SettingsPanel {
  const { els } = deps;
  for (const el of [els.model, els.cells, els.batch, els.lr, els.scale, els.seed, els.backend]) el.addEventListener('change', () => deps.changed());
  // Each setting's tooltip is the CLI's help line for it (the table in src/core/settings.ts), on the label and its field.
  for (const label of document.querySelectorAll<HTMLLabelElement>('label[data-setting]')) {
    const setting = SETTINGS[label.dataset.setting as SettingName];
    if (!setting) continue;
    label.title = setting.help;
    label.querySelector('input, select')?.setAttribute('title', setting.help);
  }
  const fields = { cells: els.cells, batch: els.batch, lr: els.lr, scale: els.scale, seed: els.seed };

  function mark(problems: FieldProblem[]): void {
    for (const f of Object.values(fields)) {
      const p = problems.find((x) => x.field === f);
      f.classList.toggle('invalid', Boolean(p));
      if (p) f.setAttribute('aria-invalid', 'true');
      else f.removeAttribute('aria-invalid');
    }
    els.settingsError.textContent = problems.map((p) => p.message).join('; ');
    els.settingsError.hidden = problems.length === 0;
  }

  return {
    show(s) {
      els.model.value = s.model;
      els.cells.value = String(s.cellsPerStep);
      els.batch.value = String(s.batchSize);
      els.lr.value = String(s.lr);
      els.scale.value = String(s.scale);
      els.seed.value = String(s.seed);
      els.backend.value = s.backend;
      mark([]);
    },
    read() {
      const problems: FieldProblem[] = [];
      for (const [key, field] of Object.entries(fields) as [keyof typeof RULES, HTMLInputElement][]) {
        const message = fieldProblem(field.value, RULES[key]);
        if (message) problems.push({ field, message });
      }
      mark(problems);
      const settings = sanitizeSettings({
        manifold: deps.manifold(),
        model: els.model.value,
        cellsPerStep: els.cells.value,
        batchSize: els.batch.value,
        lr: els.lr.value,
        scale: els.scale.value,
        seed: els.seed.value,
        backend: els.backend.value,
      });
      return { settings, problems };
    },
  };
}

/** What changing the settings from `before` to `after` needs. */
export function settingsChange(before: Settings, after: Settings): SettingsChange {
  if (after.backend !== before.backend) return 'backend';
  return after.model !== before.model || after.scale !== before.scale || after.seed !== before.seed ? 'plane' : 'hyper';
}
