/**
 * The `config.json` of a run: the settings that reproduce it (`mpo fit --config`, `--resume`,
 * `mpo eval` read it back) and where it came from. One writer for the CLI and the app.
 */
import { check } from '../errors.js';
import { resolveConfig, type FitConfig } from '../config.js';

/** Where a run came from, written beside its settings (never read back as a setting). */
export interface Provenance {
  /** The tool and its version, e.g. `mpo 0.1.0` (the host reads the version once from package.json). */
  readonly tool: string;
  /** The TF.js backend that ran it. */
  readonly backend: string;
  /** Anything else the host knows (command, data sources and sizes, seconds, dates). */
  readonly [key: string]: unknown;
}

/** A run's `config.json`: every setting, then `provenance`. */
export type RunConfig = FitConfig & { readonly provenance: Provenance; };

/**
 * The run config of `config` (every setting checked and completed by {@link resolveConfig}) with
 * its provenance; `created` is added when the host gives none.
 */
export function runConfigOf(config: Partial<FitConfig>, provenance: Provenance): RunConfig {
  check(provenance && typeof provenance.tool === 'string' && typeof provenance.backend === 'string',
    'runConfigOf: provenance needs the tool (with its version) and the backend');
  return { ...resolveConfig(config), provenance: { created: new Date().toISOString(), ...provenance } };
}

/** {@link runConfigOf} as the text of `config.json` (two-space JSON, a final newline). */
export function runConfigText(config: Partial<FitConfig>, provenance: Provenance): string {
  return `${JSON.stringify(runConfigOf(config, provenance), null, 2)}\n`;
}
