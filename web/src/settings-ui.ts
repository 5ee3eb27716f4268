import { type SettingName, SETTINGS } from '../../src/core/index.js';
import { appChoices, appLabel, appRange, type AppSettingName, fieldProblem, type NumericAppSetting } from './app-settings.js';
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

/** Sets up the settings panel of web/index.html. */
export function createSettingsPanel(deps: SettingsDeps): SettingsPanel {
  const { els } = deps;
  for (const el of [els.model, els.cells, els.batch, els.lr, els.scale, els.seed, els.backend]) el.addEventListener('change', () => deps.changed());
  // Each setting's tooltip is the CLI's help line for it (the table in src/core/settings.ts), on the label and its field.
  for (const label of document.querySelectorAll<HTMLLabelElement>('label[data-setting]')) {
    const setting = SETTINGS[label.dataset.setting as SettingName];
    if (!setting) continue;
    label.title = setting.help;
    const text = label.firstChild;
    if (text?.nodeType === Node.TEXT_NODE) text.textContent = `${appLabel(label.dataset.setting as AppSettingName)} `;
    label.querySelector('input, select')?.setAttribute('title', setting.help);
  }
  const fields: Record<NumericAppSetting, HTMLInputElement> = { cellsPerStep: els.cells, batchSize: els.batch, lr: els.lr, scaleInit: els.scale,
    seed: els.seed };
  // The fields' bounds and the model choices come from the table too (the HTML carries none).
  for (const [name, field] of Object.entries(fields) as [NumericAppSetting, HTMLInputElement][]) {
    const { min, max } = appRange(name);
    if (min !== undefined) field.min = String(min);
    if (max !== undefined) field.max = String(max);
  }
  for (const option of Array.from(els.model.options)) option.hidden = !appChoices('model').includes(option.value);

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
      for (const [name, field] of Object.entries(fields) as [NumericAppSetting, HTMLInputElement][]) field.value = String(s[name]);
      els.backend.value = s.backend;
      mark([]);
    },
    read() {
      const problems: FieldProblem[] = [];
      const typed: Record<string, string> = { manifold: deps.manifold(), model: els.model.value, backend: els.backend.value };
      for (const [name, field] of Object.entries(fields) as [NumericAppSetting, HTMLInputElement][]) {
        const message = fieldProblem(name, field.value);
        if (message) problems.push({ field, message });
        typed[name] = field.value;
      }
      mark(problems);
      const settings = sanitizeSettings(typed);
      return { settings, problems };
    },
  };
}

/** What changing the settings from `before` to `after` needs. */
export function settingsChange(before: Settings, after: Settings): SettingsChange {
  if (after.backend !== before.backend) return 'backend';
  return after.model !== before.model || after.scaleInit !== before.scaleInit || after.seed !== before.seed ? 'plane' : 'hyper';
}
