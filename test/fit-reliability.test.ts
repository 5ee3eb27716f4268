import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mpoIn } from './helpers.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-fit-rel-'));
const cli = ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts')];
const TINY = ['--pattern-size', '8', '--train-images', '64', '--eval-images', '40', '--quick-eval-images', '40', '--cells-per-step', '4', '--eval-every', '0',
  '--workers', '1', '--quiet'];

const mpo = mpoIn(tmp, 120_000);

test('a batch larger than the training set is clamped, with a warning naming the new value', () => {
  const out = join(tmp, 'clamp');
  const r = mpo('fit', ...TINY, '--batch-size', '500', '--steps', '2', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: --batch-size 500 is larger than the 64 training images: using --batch-size 64/);
  assert.equal(JSON.parse(readFileSync(join(out, 'config.json'), 'utf8')).batchSize, 64, 'config.json records the batch used');
});

test('--steps 0 says the plane is untrained, in the output and in summary.json', () => {
  const out = join(tmp, 'zero');
  const r = mpo('fit', ...TINY, '--steps', '0', '--out', out);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /--steps 0: the plane is not trained/);
  assert.match(r.stdout, /untrained/);
  const summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'));
  assert.equal(summary.untrained, true);
  assert.equal(summary.steps, 0);
});

test('--data-dir that does not exist is an error for the embedded subset', () => {
  const r = mpo('fit', ...TINY, '--steps', '1', '--data-dir', join(tmp, 'nowhere'), '--out', join(tmp, 'dd'));
  assert.equal(r.code, 1);
  assert.match(r.stderr, /mpo: error: --data-dir ".*nowhere" does not exist .*drop --data-dir/);
  assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
});

test('Ctrl-C stops mpo fit between steps, saves the checkpoint, and exits 130', async () => {
  const out = join(tmp, 'sigint');
  const child = spawn(process.execPath, [...cli, 'fit', ...TINY.filter((a) => a !== '--quiet'), '--steps', '100000', '--checkpoint-every', '100000',
    '--log-every', '1', '--out', out], { cwd: tmp, env: { ...process.env, MPO_DATA_DIR: '' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  // wait for the first steps to be logged, then press Ctrl-C once
  const deadline = Date.now() + 60_000;
  while (!(existsSync(join(out, 'metrics.jsonl')) && readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n').length > 3)) {
    assert.ok(Date.now() < deadline, `no steps logged in 60 s:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGINT');
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.equal(code, 130, stderr);
  assert.match(stderr, /mpo: error: interrupted at step (\d+); the checkpoint is saved: continue with mpo fit --resume/);
  assert.ok(existsSync(join(out, 'checkpoint.mpo')), 'the checkpoint was written on Ctrl-C (checkpoint-every was never reached)');
  assert.ok(!existsSync(join(out, 'summary.json')), 'an interrupted run has no summary');
});
