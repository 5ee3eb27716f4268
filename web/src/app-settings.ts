import { type FitConfig, flagName, inRange, rangeText, type SettingRange, SETTINGS } from '../../src/core/index.js';

/** The settings the app shows, in the order of its panel (the manifold is chosen with the target). */
export const APP_SETTING_NAMES = ['manifold', 'model', 'cellsPerStep', 'batchSize', 'lr', 'scaleInit', 'seed'] as const;

/** A setting the app shows. */
export type AppSettingName = (typeof APP_SETTING_NAMES)[number];

/** The app's numeric settings (number fields). */
export const NUMERIC_APP_SETTINGS = ['cellsPerStep', 'batchSize', 'lr', 'scaleInit', 'seed'] as const;

/** A numeric setting of the app. */
export type NumericAppSetting = (typeof NUMERIC_APP_SETTINGS)[number];

/** The app's label of a setting (also the start of its error message). */
export function appLabel(name: AppSettingName): string {
  return SETTINGS[name].app?.label ?? name;
}

/** The key of a setting in the app's URL hash. */
export function appUrlKey(name: AppSettingName): string {
  return SETTINGS[name].app?.urlKey ?? flagName(name);
}

/** The app's allowed interval of a numeric setting. */
export function appRange(name: NumericAppSetting): SettingRange {
  return SETTINGS[name].app?.range ?? SETTINGS[name].range ?? {};
}

/** The app's choices of a text setting. */
export function appChoices(name: 'manifold' | 'model'): readonly string[] {
  return SETTINGS[name].app?.choices ?? SETTINGS[name].choices ?? [];
}

/** The app's default of a setting. */
export function appDefault<K extends AppSettingName>(name: K): FitConfig[K] {
  return (SETTINGS[name].app?.default ?? SETTINGS[name].default) as FitConfig[K];
}

/** Whether `n` is a value of the numeric setting `name` in the app. */
export function appAccepts(name: NumericAppSetting, n: number): boolean {
  return Number.isFinite(n) && (SETTINGS[name].kind !== 'int' || Number.isInteger(n)) && inRange(n, appRange(name));
}

/**
 * Why `text` (what was typed in the field of `name`) cannot be applied, or null when it can:
 * e.g. `cells / step must be a whole number in 1..500 (not 0): this value is not applied`.
 */
export function fieldProblem(name: NumericAppSetting, text: string): string | null {
  const n = text.trim() === '' ? NaN : Number(text);
  if (appAccepts(name, n)) return null;
  const kind = SETTINGS[name].kind === 'int' ? 'int' : 'number';
  return `${appLabel(name)} must be ${rangeText(kind, appRange(name))}${text.trim() === '' ? '' : ` (not ${text.trim()})`}: this value is not applied`;
}
