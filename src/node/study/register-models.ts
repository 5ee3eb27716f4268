import { MODELS, type ModelEntry } from '../../core/models/registry.js';
import { STUDY_MODELS } from '../../core/models/study-models.js';

/**
 * Makes the study's reduced models (`bn-cnn-small`, `plain-cnn6-small`) known to `--model`.
 * Stop-gap until `src/core/models/registry.ts` spreads `STUDY_MODELS` into `MODELS` itself:
 * adds only the entries that are missing, so it is harmless (and can be deleted) afterwards.
 * Called by `registerStudy`, i.e. by every `mpo` command, so that `mpo fit` child processes of
 * a study know the models too.
 */
export function ensureStudyModels(): void {
  const registry = MODELS as Record<string, ModelEntry>;
  for (const [name, entry] of Object.entries(STUDY_MODELS)) {
    if (!Object.prototype.hasOwnProperty.call(registry, name)) registry[name] = entry;
  }
}
