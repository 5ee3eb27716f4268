import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { runFit } from '../src/node/run/fit.js';
import { loadCheckpoint } from '../src/node/checkpoint.js';

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
