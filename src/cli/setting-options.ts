import { Option } from 'commander';
import { type FitConfig, flagName, settingHelp, SETTINGS } from '../core/index.js';

/**
 * A setting's `--help` text ({@link settingHelp}: help, range or choices, default, per-model
 * defaults) with the default described as `defaultText` when given, for a command whose default
 * is not a value of the table, e.g. `mpo eval --padding`: "default: the run's --eval-padding".
 */
export function settingHelpText(key: keyof FitConfig, defaults: Partial<FitConfig> = {}, defaultText?: string): string {
  const help = settingHelp(key, defaults);
  if (defaultText === undefined) return help;
  // settingHelp gives `<help> (<choices or range>; default: <value>[; <models>: <value>]...)`: the default
  // becomes the text, and the per-model values, which are defaults of the table too, go.
  const own = SETTINGS[key].help;
  const parts = help.slice(own.length + 2, -1).split('; ');
  const at = parts.findIndex((p) => p.startsWith('default: '));
  return `${own} (${[...parts.slice(0, at), `default: ${defaultText}`].join('; ')})`;
}

/**
 * The commander options of one setting of {@link SETTINGS}: `--key <value>` with the setting's
 * help, range or choices, default and differing per-model defaults; a boolean gets `--key` and
 * `--no-key` (either one overrides a config file; neither leaves the value unset). No commander
 * default is set, so an option not given stays `undefined` and the layers of `resolveConfig`
 * (defaults, model, file, flags) decide. `defaults` replaces table defaults in the help text
 * (e.g. a command with its own defaults); `defaultText` describes a default that is no value
 * (e.g. `cores / jobs per fit`), see {@link settingHelpText}.
 */
export function settingOptions(key: keyof FitConfig, defaults: Partial<FitConfig> = {}, defaultText?: string): Option[] {
  const flag = flagName(key);
  const help = settingHelpText(key, defaults, defaultText);
  if (SETTINGS[key].kind === 'bool') return [new Option(`--${flag}`, help), new Option(`--no-${flag}`, `opposite of --${flag}`)];
  return [new Option(`--${flag} <value>`, help)];
}
