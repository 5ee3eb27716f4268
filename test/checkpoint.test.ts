import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeCheckpoint, encodeCheckpoint, loadCheckpoint, saveCheckpoint, type Checkpoint } from '../src/node/checkpoint.js';

const ckpt: Checkpoint = {
  model: 'mlp',
  dims: 2,
  step: 42,
  rng: [1, 2, 3, 4],
  theta: { 'origin/a': Float32Array.from([1.5, -2]), scale: Float32Array.from([0.1]) },
  adam: { step: 42, m: { 'origin/a': Float32Array.from([0.25, 0]), scale: Float32Array.from([3]) },
    v: { 'origin/a': Float32Array.from([1, 2]), scale: Float32Array.from([4]) } },
  extra: { seconds: 12.5 },
};

test('checkpoint round trip is exact', () => {
  const back = decodeCheckpoint(encodeCheckpoint(ckpt), 'x');
  assert.deepEqual(back, ckpt);
});

test('checkpoints are written atomically and corrupt ones are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-ckpt-'));
  const path = join(dir, 'checkpoint.mpo');
  saveCheckpoint(path, ckpt);
  assert.deepEqual(readdirSync(dir), ['checkpoint.mpo'], 'no temporary file left behind');
  assert.equal(loadCheckpoint(path).step, 42);
  const bytes = readFileSync(path);
  writeFileSync(path, bytes.subarray(0, bytes.length - 3));
  assert.throws(() => loadCheckpoint(path), /checkpoint ".*" is corrupt \(expected \d+ bytes, found \d+\): it cannot be read; use an undamaged copy$/);
  writeFileSync(path, 'hello world, not a checkpoint');
  assert.throws(() => loadCheckpoint(path), /is corrupt \(not an mpo checkpoint\)/);
  assert.throws(() => loadCheckpoint(join(dir, 'nope.mpo')), /no checkpoint at/);
});

test('a flipped byte in a checkpoint file is refused, naming the file; an old MPOCKPT1 file loads with a note', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-ckpt-crc-'));
  const path = join(dir, 'checkpoint.mpo');
  saveCheckpoint(path, ckpt);
  const bytes = readFileSync(path);
  bytes[bytes.length - 5]! ^= 0x10; // one bit of a weight
  writeFileSync(path, bytes);
  assert.throws(() => loadCheckpoint(path, () => {}),
    /^MpoError: checkpoint ".*checkpoint\.mpo" is corrupt \(checksum mismatch\): it cannot be read; use an undamaged copy$/);
  const notes: string[] = [];
  const old = loadCheckpoint(new URL('./fixtures/checkpoint-v1.mpo', import.meta.url).pathname, (l) => notes.push(l));
  assert.equal(old.step, 7);
  assert.equal(notes.length, 1);
  assert.match(notes[0]!, /^note: checkpoint ".*checkpoint-v1\.mpo" is in the old MPOCKPT1 format, which has no checksum: it is read unchecked/);
  const quiet: string[] = [];
  saveCheckpoint(path, old);
  loadCheckpoint(path, (l) => quiet.push(l));
  assert.deepEqual(quiet, [], 'a checkpoint saved now is checked, without a note');
});

test('the advice for a corrupt checkpoint fits its run folder: a finished run keeps its results, an unfinished one starts again or restores a copy', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-ckpt-advice-'));
  const path = join(dir, 'checkpoint.mpo');
  writeFileSync(join(dir, 'config.json'), '{}');
  const bytes = Buffer.from(encodeCheckpoint(ckpt));
  bytes[bytes.length - 2]! ^= 0x01;
  writeFileSync(path, bytes);
  assert.throws(() => loadCheckpoint(path, () => {}), (e: Error) => {
    assert.equal(e.message, `checkpoint "${path}" is corrupt (checksum mismatch): the unfinished run in "${dir}" cannot continue from it: ` +
      'start it again with another --out (or delete that folder first), or restore checkpoint.mpo from a copy');
    return true;
  });
  writeFileSync(join(dir, 'summary.json'), '{}');
  assert.throws(() => loadCheckpoint(path, () => {}), (e: Error) => {
    assert.equal(e.message, `checkpoint "${path}" is corrupt (checksum mismatch): the results of that finished run in "${dir}" are intact, ` +
      'but its checkpoint cannot be resumed or evaluated: restore checkpoint.mpo from a copy to do that');
    assert.doesNotMatch(e.message, /delete|start/, 'a finished run is not to be started again');
    return true;
  });
});
