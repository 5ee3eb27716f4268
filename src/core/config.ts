import { MpoError } from './errors.js';
import { MANIFOLD_DEFAULT_PATTERN } from './pattern/manifold-patterns.js';
import { SETTINGS, type Setting, type SettingName, type SettingRange, type SettingValue } from './settings.js';

export * from './settings.js';

/**
 * Everything that determines a fit: one field per entry of {@link SETTINGS} (that entry's
 * `help` and `doc` describe it), typed by the entry. Written to `config.json` next to the
 * results, so that a run is reproducible from it (`mpo fit --config out/config.json`). Flags use
 * the kebab-case form of each key (`batchSize` -> `--batch-size`).
 */
export type FitConfig = { -readonly [K in SettingName]: SettingValue<(typeof SETTINGS)[K]>; };

/** Any entry of the table, value type erased. */
type AnySetting = Setting<unknown>;
const TABLE = SETTINGS as unknown as Readonly<Record<SettingName, AnySetting>>;

/** The config keys, in documentation order (the order of {@link SETTINGS}). */
export const CONFIG_KEYS = Object.keys(SETTINGS) as (keyof FitConfig)[];

/** The defaults: each setting's `default` in {@link SETTINGS}. */
export const DEFAULT_FIT_CONFIG: Readonly<FitConfig> = Object.freeze(
  Object.fromEntries(CONFIG_KEYS.map((k) => [k, TABLE[k].default])) as FitConfig,
);

/**
 * Per-model defaults, applied over {@link DEFAULT_FIT_CONFIG} and under anything the user sets:
 * gathered from the `perModel` column of {@link SETTINGS} (model name -> the settings it changes).
 */
export const MODEL_DEFAULTS: Readonly<Record<string, Partial<FitConfig>>> = (() => {
  const out: Record<string, Record<string, unknown>> = {};
  for (const key of CONFIG_KEYS) {
    for (const [model, value] of Object.entries(TABLE[key].perModel ?? {})) (out[model] ??= {})[key] = value;
  }
  for (const m of Object.values(out)) Object.freeze(m);
  return Object.freeze(out) as Record<string, Partial<FitConfig>>;
})();

/** The settings `model` brings over {@link DEFAULT_FIT_CONFIG} (empty for the MLP and unknown names). */
export function modelDefaults(model: string): Partial<FitConfig> {
  return Object.hasOwn(MODEL_DEFAULTS, model) ? { ...MODEL_DEFAULTS[model] } : {};
}

/** The kebab-case flag of a config key (`batchSize` -> `batch-size`). */
export function flagName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/**
 * What a numeric setting accepts, in words: `a whole number in 1..200`, `a number > 0`,
 * `a number between 0 and 1 (exclusive)`, `a whole number >= 0`, or `a number` when unbounded.
 */
export function rangeText(kind: 'int' | 'number', range: SettingRange = {}): string {
  const what = kind === 'int' ? 'a whole number' : 'a number';
  const { min, max, minOpen = false, maxOpen = false } = range;
  if (min !== undefined && max !== undefined) {
    if (minOpen && maxOpen) return `${what} between ${min} and ${max} (exclusive)`;
    if (!minOpen && !maxOpen) return `${what} in ${min}..${max}`;
    return `${what} ${minOpen ? '>' : '>='} ${min} and ${maxOpen ? '<' : '<='} ${max}`;
  }
  if (min !== undefined) return `${what} ${minOpen ? '>' : '>='} ${min}`;
  if (max !== undefined) return `${what} ${maxOpen ? '<' : '<='} ${max}`;
  return what;
}

/** Whether `v` lies in the interval `r` (see {@link SettingRange}; no bounds: always). */
export function inRange(v: number, r: SettingRange = {}): boolean {
  if (r.min !== undefined && (r.minOpen ? !(v > r.min) : !(v >= r.min))) return false;
  if (r.max !== undefined && (r.maxOpen ? !(v < r.max) : !(v <= r.max))) return false;
  return true;
}

/** Reads and checks one value of `spec`; `name` (`"flag" in source`) starts every error message. */
function parseValue(spec: AnySetting, value: unknown, name: string): unknown {
  if (value === null || value === undefined || value === 'null') {
    if (!spec.nullable) throw new MpoError(`${name} cannot be empty: give a value or remove it`);
    return null;
  }
  switch (spec.kind) {
    case 'string': {
      const v = String(value);
      if (spec.choices && !spec.choices.includes(v)) throw new MpoError(`${name} is "${v}": choose one of ${spec.choices.join(', ')}`);
      return v;
    }
    case 'bool': {
      if (value === true || value === 'true') return true;
      if (value === false || value === 'false') return false;
      throw new MpoError(`${name} is "${value}": use true or false`);
    }
    default: {
      const v = typeof value === 'number' ? value : Number(String(value).trim());
      if (typeof value === 'boolean' || String(value).trim() === '' || !Number.isFinite(v)) throw new MpoError(`${name} is "${value}": give a number`);
      if (spec.kind === 'int' && !Number.isInteger(v)) throw new MpoError(`${name} is ${v}: give a whole number`);
      if (!inRange(v, spec.range)) throw new MpoError(`${name} is ${v}: give ${spec.give ?? rangeText(spec.kind, spec.range)}`);
      return v;
    }
  }
}

/**
 * Checks and normalises a partial config (from a file or flags; keys in camelCase or
 * kebab-case, numbers possibly as strings) against {@link SETTINGS}: kind, range, choices,
 * nullability. Unknown keys and bad values throw an MpoError naming the flag, what was wrong
 * and what to give (for a typo, the closest known key). `source` names where it came from.
 */
export function parseConfig(raw: Record<string, unknown>, source: string): Partial<FitConfig> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new MpoError(`${source} must hold an object of settings (e.g. {"steps": 100}), got ${Array.isArray(raw) ? 'a list' : typeof raw}`);
  }
  const out: Record<string, unknown> = {};
  for (const [rawKey, value] of Object.entries(raw)) {
    const key = camel(rawKey);
    if (!Object.hasOwn(TABLE, key)) {
      const best = CONFIG_KEYS.map((k) => [k, editDistance(key.toLowerCase(), k.toLowerCase())] as const).sort((a, b) => a[1] - b[1])[0];
      const hint = best && best[1] <= 3 ? `did you mean "${flagName(best[0])}"?` : `known keys: ${CONFIG_KEYS.map(flagName).join(', ')}`;
      throw new MpoError(`unknown setting "${rawKey}" in ${source}: ${hint}`);
    }
    out[key] = parseValue(TABLE[key as SettingName], value, `"${flagName(key)}" in ${source}`);
  }
  return out as Partial<FitConfig>;
}

/**
 * Defaults, then the chosen model's defaults ({@link modelDefaults}), then the chosen manifold's
 * pattern when no layer names a pattern (a line fits `1d:##..##..##`, a volume a 6-cell
 * `cube-frame`: {@link MANIFOLD_DEFAULT_PATTERN}), then each layer in order (later layers win):
 * e.g. config file, then flags. So the config says what is fitted.
 */
export function resolveConfig(...layers: Partial<FitConfig>[]): FitConfig {
  const last = <K extends keyof FitConfig>(k: K) => [...layers].reverse().find((l) => l[k] !== undefined)?.[k];
  const model = last('model') ?? DEFAULT_FIT_CONFIG.model;
  const manifold = last('manifold') ?? DEFAULT_FIT_CONFIG.manifold;
  const shape = last('pattern') === undefined ? MANIFOLD_DEFAULT_PATTERN[manifold] ?? {} : {};
  return Object.assign({}, DEFAULT_FIT_CONFIG, modelDefaults(model), shape, ...layers) as FitConfig;
}

function show(v: unknown): string {
  return v === null ? 'none' : String(v);
}

/**
 * The `--help` line of a setting: its help, what it accepts (choices or range), its default
 * (`defaults`, else the table's) and the per-model defaults that differ from it, e.g.
 * `training steps (a whole number >= 0; default: 600; cnn, cnn-color: 300; bn-cnn, plain-cnn6: 200)`.
 * Browser-safe: the web app can show the same text.
 */
export function settingHelp(key: keyof FitConfig, defaults: Partial<FitConfig> = {}): string {
  const spec = TABLE[key];
  const def = Object.hasOwn(defaults, key) ? defaults[key] : spec.default;
  const parts: string[] = [];
  if (spec.choices) parts.push(spec.choices.join(' | '));
  else if (spec.kind === 'int' || spec.kind === 'number') {
    parts.push(rangeText(spec.kind, spec.range).replace(/^an? /, '').replace(' (exclusive)', ', exclusive'));
  }
  parts.push(`default: ${def === spec.default && def === null && spec.defaultText ? spec.defaultText : show(def)}`);
  const byValue = new Map<string, string[]>();
  for (const [model, v] of Object.entries(spec.perModel ?? {})) {
    if (JSON.stringify(v) === JSON.stringify(def)) continue;
    const k = show(v);
    byValue.set(k, [...(byValue.get(k) ?? []), model]);
  }
  for (const [v, models] of byValue) parts.push(`${models.join(', ')}: ${v}`);
  return `${spec.help} (${parts.join('; ')})`;
}
