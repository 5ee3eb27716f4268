/** The page's settings panel: model, cells per step, batch size, learning rate, scale, seed and backend. */
import type { PageElements } from './elements.js';
import type { ManifoldName, Settings } from './protocol.js';
import { sanitizeSettings } from './url-state.js';

/** What a settings change needs: a worker on another backend, a new plane (model, scale or seed), or new hyperparameters for the current plane. */
export type SettingsChange = 'backend' | 'plane' | 'hyper';

/** What the panel needs from the page. */
export interface SettingsDeps {
  els: Pick<PageElements, 'model' | 'cells' | 'batch' | 'lr' | 'scale' | 'seed' | 'backend'>;
  /** The current manifold (chosen with the target, not in this panel). */
  manifold(): ManifoldName;
  /** A field changed: the page reads the settings (`read`) and applies them. */
  changed(): void;
}

/** The panel: shows settings in its fields and reads them back. */
export interface SettingsPanel {
  /** Shows `s` in the fields. */
  show(s: Settings): void;
  /** The settings in the fields, checked field by field (bad values replaced by the defaults, `sanitizeSettings`). */
  read(): Settings;
}

/** Sets up the settings panel of web/index.html. */
export function createSettingsPanel(deps: SettingsDeps): SettingsPanel {
  const { els } = deps;
  for (const el of [els.model, els.cells, els.batch, els.lr, els.scale, els.seed, els.backend]) el.addEventListener('change', () => deps.changed());
  return {
    show(s) {
      els.model.value = s.model;
      els.cells.value = String(s.cellsPerStep);
      els.batch.value = String(s.batchSize);
      els.lr.value = String(s.lr);
      els.scale.value = String(s.scale);
      els.seed.value = String(s.seed);
      els.backend.value = s.backend;
    },
    read() {
      return sanitizeSettings({
        manifold: deps.manifold(),
        model: els.model.value,
        cellsPerStep: els.cells.value,
        batchSize: els.batch.value,
        lr: els.lr.value,
        scale: els.scale.value,
        seed: els.seed.value,
        backend: els.backend.value,
      });
    },
  };
}

/** What changing the settings from `before` to `after` needs. */
export function settingsChange(before: Settings, after: Settings): SettingsChange {
  if (after.backend !== before.backend) return 'backend';
  return after.model !== before.model || after.scale !== before.scale || after.seed !== before.seed ? 'plane' : 'hyper';
}
