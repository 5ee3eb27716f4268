// scripts/check-docs.ts: the numbers docs/reproduction.md quotes recompute from the committed CSV/JSON,
// and a changed number, a lost table or a lost sentence is caught (exit 1, one line each).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { checkReproduction, matches, numbersIn } from '../scripts/check-docs.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const text = readFileSync(join(root, 'docs/reproduction.md'), 'utf8');
const tmp = mkdtempSync(join(tmpdir(), 'mpo-check-docs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'scripts/check-docs.ts'), ...args], { cwd: root, encoding: 'utf8' });

test('numbersIn and matches: numbers as written, rounding at the quoted decimals', () => {
  assert.deepEqual(numbersIn('0.791 / 0.809 (+0.018)'), ['0.791', '0.809', '+0.018']);
  assert.deepEqual(numbersIn('**1.000** (train 1,600)'), ['1.000', '1600']);
  assert.deepEqual(numbersIn('-0.003 to 0.088, 4 of 5'), ['-0.003', '0.088', '4', '5']);
  assert.ok(matches('0.393', 0.393462));
  assert.ok(!matches('0.394', 0.393462));
  assert.ok(matches('-0.74', -0.7354));
  assert.ok(!matches('0.5', NaN));
});

test('docs/reproduction.md: every checked number matches the committed data (the script exits 0)', () => {
  const { problems, checked } = checkReproduction(text, root);
  assert.deepEqual(problems, []);
  assert.ok(checked > 400, `only ${checked} numbers checked`);
  const r = run([]);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^check-docs: \d+ quoted numbers match the committed data$/m);
});

test('a tampered copy: a changed table cell, a changed t and a changed sentence are each caught, one line each, exit 1', () => {
  const tampered = text
    .replace('| heart | 0.9989 | 0.9539 |', '| heart | 0.9989 | 0.9540 |')
    .replace('| 0.045 ± 0.014 | 3.09 | 4 |', '| 0.045 ± 0.014 | 3.19 | 4 |')
    .replace('correlation of the two per-fill profiles is r = -0.74', 'correlation of the two per-fill profiles is r = -0.64');
  assert.notEqual(tampered, text);
  const file = join(tmp, 'reproduction.md');
  writeFileSync(file, tampered);
  const r = run(['--doc', file]);
  assert.equal(r.status, 1, r.stdout);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines.slice(0, -1).sort(), [
    'BN paired, row "all fills 0.1-0.9, pooled by seed", column 3: quotes 3.19, the committed data give 3.091000',
    'gallery, row "heart", column 3: quotes 0.9540, the committed data give 0.953938',
    'profile correlation: quotes -0.64, the committed data give -0.735369',
  ]);
  assert.equal(lines.at(-1), 'check-docs: 3 mismatches');
});

test('a copy without a table or a sentence says so; a missing --doc file is a one-line error', () => {
  const cut = text.replace(/\| p \| paired difference without minus with BN[^\n]*\n/, '').replace('over all nine fills by seed:', 'over the fills:');
  const { problems } = checkReproduction(cut, root);
  assert.ok(problems.some((p) => /^per-seed differences over all fills: the sentence .* was not found$/.test(p)), problems.join('\n'));
  assert.ok(problems.some((p) => p.startsWith('BN paired')), problems.join('\n'));
  const r = run(['--doc', join(tmp, 'none.md')]);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim(), `check-docs: "${join(tmp, 'none.md')}" does not exist: pass the markdown file to check`);
});
