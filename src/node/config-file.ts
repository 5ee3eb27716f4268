import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { firstLine, MpoError } from '../core/errors.js';
import { parseConfig, type FitConfig } from '../core/config.js';

/**
 * Reads a JSON or YAML config file (by extension; `.json` is JSON, anything else YAML, which
 * also accepts JSON) and checks every key. Errors name the file and the problem.
 */
export function readConfigFile(path: string): Partial<FitConfig> {
  if (!existsSync(path)) throw new MpoError(`config file "${path}" does not exist: check the path given to --config`);
  if (statSync(path).isDirectory()) {
    const inside = join(path, 'config.json');
    throw new MpoError(
      `--config "${path}" is a folder, not a config file: pass a JSON or YAML file${
        existsSync(inside) ? `, e.g. --config ${inside} (or continue that run with mpo fit --resume ${path})` : ''
      }`,
    );
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new MpoError(`config file "${path}" cannot be read (${(e as NodeJS.ErrnoException).code ?? firstLine(e)}): check its permissions`);
  }
  let raw: unknown;
  try {
    raw = path.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    const why = firstLine(e);
    throw new MpoError(`config file "${path}" is not valid ${path.endsWith('.json') ? 'JSON' : 'YAML'} (${why}): fix its syntax`);
  }
  if (raw === null || raw === undefined) return {};
  const obj = raw as Record<string, unknown>;
  // A run's config.json also records provenance next to the settings: skip it.
  const { provenance: _p, ...settings } = (obj && typeof obj === 'object' && !Array.isArray(obj)) ? obj : { value: obj };
  return parseConfig(settings as Record<string, unknown>, `config file "${path}"`);
}
