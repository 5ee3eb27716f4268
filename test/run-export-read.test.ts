import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { runFit } from '../src/node/run/fit.js';
import { runExport } from '../src/node/run/export.js';
import { LOCK_FILE, lockHolder } from '../src/node/run/lock.js';

/**
 * Issue 24, review: `mpo export` only reads a run folder (the checkpoint is replaced atomically),
 * so it takes no lock (see src/node/run/lock.ts): it exports while another process writes the run.
 */

const tmp = mkdtempSync(join(tmpdir(), 'mpo-run-export-'));

test('mpo export reads a run folder that a live process holds, and leaves that lock alone', async () => {
  const dir = join(tmp, 'fit');
  const config = resolveConfig({ model: 'mlp', pattern: 'ring', patternSize: 6, steps: 2, trainImages: 40, evalImages: 20, quickEvalImages: 20, batchSize: 10,
    cellsPerStep: 2, evalEvery: 0, workers: 1, backend: 'cpu' });
  await runFit(config, { out: dir, quiet: true, log: () => {} });
  const lock = JSON.stringify({ pid: process.ppid, host: hostname(), started: 'now', command: 'mpo fit --resume', token: 'other' });
  writeFileSync(join(dir, LOCK_FILE), lock);
  assert.equal(lockHolder(dir)?.pid, process.ppid, 'a live writer holds the folder');
  const r = await runExport({ dir, cell: '1,2' });
  assert.ok(existsSync(join(r.out, 'model.json')) && existsSync(join(r.out, 'weights.bin')));
  assert.deepEqual(readdirSync(r.out).sort(), ['model.json', 'weights.bin'], 'no lock or temporary file in the export');
  assert.equal(readFileSync(join(dir, LOCK_FILE), 'utf8'), lock, "the writer's lock is untouched");
});
