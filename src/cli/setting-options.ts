import { Option } from 'commander';
import { flagName, settingHelp, SETTINGS, type FitConfig } from '../core/config.js';

/**
 * The commander options of one setting of {@link SETTINGS}: `--key <value>` with the setting's
 * help, range or choices, default and differing per-model defaults; a boolean gets `--key` and
 * `--no-key` (either one overrides a config file; neither leaves the value unset). No commander
 * default is set, so an option not given stays `undefined` and the layers of `resolveConfig`
 * (defaults, model, file, flags) decide. `defaults` replaces table defaults in the help text
 * (e.g. a command with its own defaults).
 */
export function settingOptions(key: keyof FitConfig, defaults: Partial<FitConfig> = {}): Option[] {
  const flag = flagName(key);
  const help = settingHelp(key, defaults);
  if (SETTINGS[key].kind === 'bool') return [new Option(`--${flag}`, help), new Option(`--no-${flag}`, `opposite of --${flag}`)];
  return [new Option(`--${flag} <value>`, help)];
}
