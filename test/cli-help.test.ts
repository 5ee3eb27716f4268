import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Command } from 'commander';
import { buildProgram } from '../src/cli/main.js';

/** Every command and sub-command of `mpo`, with its full name (`view random-plane`). */
function commands(parent: Command, prefix = ''): { name: string; cmd: Command; }[] {
  return parent.commands.flatMap((cmd) => [{ name: `${prefix}${cmd.name()}`, cmd }, ...commands(cmd, `${prefix}${cmd.name()} `)]);
}

const all = commands(buildProgram());

test('every option that takes a value says its default in --help, or that it is required (issue 20 item 8e)', () => {
  assert.ok(all.length >= 12, `the commands: ${all.map((c) => c.name).join(', ')}`);
  const silent: string[] = [];
  const twice: string[] = [];
  for (const { name, cmd } of all) {
    for (const o of cmd.options) {
      const said = (o.description.match(/\bdefault: /g) ?? []).length + (o.defaultValue !== undefined ? 1 : 0);
      if (said > 1) twice.push(`mpo ${name} ${o.flags}`);
      if (!o.required && !o.optional) continue; // a flag: off unless given
      if (said === 0 && !o.mandatory && !/\(required\)/.test(o.description)) silent.push(`mpo ${name} ${o.flags}`);
    }
  }
  assert.deepEqual(silent, [], 'options whose --help gives no default');
  assert.deepEqual(twice, [], 'options whose --help gives two defaults');
});

test("mpo eval --help gives the run's own settings as the defaults", () => {
  const help = all.find((c) => c.name === 'eval')!.cmd.helpInformation().replace(/\s+/g, ' ');
  for (const [flag, key] of [['padding', 'eval-padding'], ['resolution', 'eval-resolution'], ['images', 'eval-images'], ['backend', 'backend']]) {
    assert.match(help, new RegExp(`--${flag} <\\w+> (?:(?!--\\w).)*?default: the run's --${key}\\)`), flag);
  }
  assert.match(help, /--padding <n> extra cells around the pattern in the final landscapes \(whole number >= 0; default: the run's --eval-padding\)/);
});

test('mpo fit --help names the 1D strips and the 3D patterns (issue 20 item 8h)', () => {
  const fit = all.find((c) => c.name === 'fit')!.cmd;
  const help = fit.helpInformation().replace(/\s+/g, ' ');
  assert.match(fit.description(), /--manifold line, a 1D strip \(--pattern 1d:##\.\.##\.\.##\)/);
  assert.match(fit.description(), /--manifold volume, a 3D pattern \(--pattern cube-frame, ball, sphere-shell or a \.txt grid of slices\)/);
  assert.match(help, /--pattern <value> .*a line's 1D strip: 1d:##\.\.## .*a volume's 3D pattern: sphere-shell, ball, cube-frame/);
  assert.match(help, /--manifold <value> .*\(line \| plane \| volume; default: plane\)/);
});

test('mpo gallery --help shows the settings as mpo fit does, with its own defaults', () => {
  const help = all.find((c) => c.name === 'gallery')!.cmd.helpInformation().replace(/\s+/g, ' ');
  assert.match(help, /--scale-init <value> initial scale s of the plane \(number > 0; default: 0\.2\)/);
  assert.match(help, /--workers <value> .*\(whole number >= 1; default: cores \/ jobs per fit\)/);
  assert.match(help, /--steps <value> training steps \(whole number >= 0; default: 600; cnn, cnn-color, cnn-color-nopool: 300/);
});
