import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { runFit } from '../src/node/run/fit.js';
import { loadCheckpoint } from '../src/node/checkpoint.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-resume-'));
const config = resolveConfig({
  pattern: 'ring',
  patternSize: 10,
  steps: 8,
  trainImages: 300,
  evalImages: 60,
  quickEvalImages: 60,
  batchSize: 16,
  cellsPerStep: 6,
  evalEvery: 4,
  checkpointEvery: 2,
  logEvery: 1,
  lr: 0.003,
});
const quiet = { quiet: true, log: () => {} };

test('a run stopped after a checkpoint and resumed ends exactly like an uninterrupted run', async () => {
  const whole = await runFit(config, { out: join(tmp, 'whole'), ...quiet });
  const part = await runFit(config, { out: join(tmp, 'parts'), stopAfter: 3, ...quiet });
  assert.equal(part, null, 'stopped early');
  assert.equal(loadCheckpoint(join(tmp, 'parts/checkpoint.mpo')).step, 3);
  const resumed = await runFit(config, { out: join(tmp, 'parts'), resume: true, ...quiet });
  assert.ok(whole && resumed);
  const { seconds: _a, eval_seconds: _b, ...w } = whole;
  const { seconds: _c, eval_seconds: _d, ...r } = resumed;
  assert.deepEqual(r, w);
  const a = loadCheckpoint(join(tmp, 'whole/checkpoint.mpo'));
  const b = loadCheckpoint(join(tmp, 'parts/checkpoint.mpo'));
  assert.equal(b.step, 8);
  for (const k of Object.keys(a.theta)) assert.deepEqual(b.theta[k], a.theta[k], k);
  const steps = (dir: string) =>
    readFileSync(join(tmp, dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => {
      const { seconds: _s, ...rest } = JSON.parse(l);
      return rest;
    });
  assert.deepEqual(steps('parts'), steps('whole'), 'metrics.jsonl has each step once, with the same values');
});

test('resuming a folder without a run is a clear error', async () => {
  await assert.rejects(runFit(config, { out: join(tmp, 'none'), resume: true, ...quiet }), /has no config.json: --resume takes the output folder/);
});

test('--resume of a run at or past its --steps trains nothing, says so in one line and rewrites nothing; one stopped while writing its results finishes', async () => {
  const small = { ...config, steps: 4, evalEvery: 0 };
  const dir = join(tmp, 'done');
  await runFit(small, { out: dir, ...quiet });
  const files = () => Object.fromEntries(['summary.json', 'metrics.jsonl', 'report.html', 'config.json'].map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const before = files();
  const lines: string[] = [];
  assert.equal(await runFit(small, { out: dir, resume: true, quiet: true, log: (l) => lines.push(l) }), null);
  assert.deepEqual(lines, [
    `note: "${dir}" is already at step 4 of 4 (a finished run: its results stay as they are): nothing to train; mpo eval ${dir} redraws its landscapes`,
  ]);
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...JSON.parse(before['config.json']), steps: 2 }));
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'fit', '--resume', dir, '--quiet'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, '');
  assert.deepEqual(r.stderr.trim().split('\n'), [
    `note: "${dir}" is already at step 4 of 2 (a finished run: its results stay as they are): nothing to train; mpo eval ${dir} redraws its landscapes`,
  ]);
  assert.deepEqual({ ...files(), 'config.json': before['config.json'] }, before, 'nothing rewritten');

  const part = join(tmp, 'at-end');
  assert.equal(await runFit(small, { out: part, stopAfter: 2, ...quiet }), null);
  lines.length = 0;
  assert.equal(await runFit({ ...small, steps: 1 }, { out: part, resume: true, quiet: true, log: (l) => lines.push(l) }), null);
  assert.deepEqual(lines, [`note: "${part}" is already at step 2 of 1: nothing to train; mpo eval ${part} redraws its landscapes`]);
  assert.ok(!existsSync(join(part, 'summary.json')));
  const s = await runFit({ ...small, steps: 2 }, { out: part, resume: true, ...quiet });
  assert.equal(s?.steps, 2, 'a run at its last step without summary.json writes its results');
});
