import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { LOCK_FILE } from '../src/node/run/lock.js';
import { runTrain, TRAIN_KEYS } from '../src/node/run/train.js';
import { runConnect } from '../src/node/run/connect.js';
import { runInterpolate, runRandomPlane } from '../src/node/run/view.js';
import { useCpu } from './helpers.js';

/** Issue 24, review: a killed `mpo train`, `mpo connect` or `mpo view` starts afresh in its folder, like `mpo fit --out`. */

await useCpu();

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-run-stopped-'));
const tiny = { steps: 6, trainImages: 100, evalImages: 40, batchSize: 20, logEvery: 2, backend: 'cpu' as const };

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

/** A folder as a SIGKILL leaves it: `files` (name -> text) and the dead process's lock. */
function killed(name: string, files: Record<string, string>): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), started: 'then', command: 'mpo', token: 'x' }));
  return d;
}

const trainConfig = JSON.stringify({ ...Object.fromEntries(TRAIN_KEYS.map((k) => [k, resolveConfig(tiny)[k]])), provenance: { command: 'train' } });

test('mpo train, connect and view rerun with the same --out after a kill before their first checkpoint, with a note', async () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const a = killed('a', { 'config.json': trainConfig, 'metrics.jsonl': '{"step":2}\n{"st' });
  const s = await runTrain(resolveConfig({ ...tiny, seed: 1 }), { out: a, quiet: true, log });
  assert.equal(s.steps, 6);
  assert.ok(lines.some((l) => /^note: ".*[\\/]a" holds a run stopped before its first checkpoint: starting afresh there$/.test(l)), lines.join('\n'));
  assert.deepEqual(readFileSync(join(a, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step), [2, 4, 6]);
  assert.ok(!existsSync(join(a, LOCK_FILE)));
  const b = join(tmp, 'b');
  await runTrain(resolveConfig({ ...tiny, seed: 2 }), { out: b, quiet: true, log });

  lines.length = 0;
  const c = killed('c', { 'config.json': JSON.stringify({ a, b, model: 'mlp', steps: 4 }), 'metrics.jsonl': '' });
  const cs = await runConnect(a, b, resolveConfig({ ...tiny, steps: 4 }), { out: c, points: 3, quiet: true, log });
  assert.equal(cs.steps, 4);
  assert.ok(lines.some((l) => /^note: ".*[\\/]c" holds a run stopped before its first checkpoint/.test(l)), lines.join('\n'));

  lines.length = 0;
  const v = killed('v', { 'figure.png': 'half', 'report.html': '<' });
  await runRandomPlane(a, { out: v, points: 3, images: 20, quiet: true, log });
  assert.ok(lines.some((l) => /^note: ".*[\\/]v" holds a run stopped before it finished: starting afresh there$/.test(l)), lines.join('\n'));
  const i = killed('i', { 'interpolation.csv': 't\n' });
  await runInterpolate(a, b, { out: i, points: 3, images: 20, quiet: true, log });
  assert.ok(existsSync(join(v, 'summary.json')) && existsSync(join(i, 'summary.json')));

  // what is worth keeping stays, and the message says what to do
  const later = killed('later', { 'config.json': trainConfig, 'metrics.jsonl': '', 'checkpoint.mpo': 'x' });
  await assert.rejects(runTrain(resolveConfig(tiny), { out: later, quiet: true, log }),
    /^MpoError: output folder ".*later" is not empty \(it holds a run of mpo train stopped after its first checkpoint\): choose another --out, or delete that folder to run again there$/);
  await assert.rejects(runTrain(resolveConfig(tiny), { out: a, quiet: true, log }),
    /^MpoError: output folder ".*[\\/]a" is not empty \(it holds a finished run\): choose another --out$/);
  const fitLike = killed('fit-like', { 'config.json': JSON.stringify({ pattern: 'ring' }), 'metrics.jsonl': '' });
  await assert.rejects(runTrain(resolveConfig(tiny), { out: fitLike, quiet: true, log }),
    /^MpoError: output folder ".*fit-like" is not empty: choose another --out$/);
  const foreign = killed('foreign', { 'figure.png': 'x', 'notes.txt': 'mine' });
  await assert.rejects(runRandomPlane(a, { out: foreign, points: 3, images: 20, quiet: true, log }), /is not empty: choose another --out$/);
  assert.deepEqual(readdirSync(foreign).sort(), ['figure.png', 'notes.txt'], 'nothing removed');
  assert.deepEqual(readdirSync(later).sort(), ['checkpoint.mpo', 'config.json', 'metrics.jsonl']);
});

test('mpo train --out of a folder killed before its checkpoint: exit 0 and a note on the command line', () => {
  const d = killed('cli', { 'config.json': trainConfig, 'metrics.jsonl': '' });
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'train', '--out', d, '--steps', '2',
    '--train-images', '60', '--eval-images', '20', '--batch-size', '20', '--backend', 'cpu', '--quiet'], { cwd: tmp, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /note: ".*cli" holds a run stopped before its first checkpoint: starting afresh there/);
  assert.ok(existsSync(join(d, 'summary.json')));
});
