import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import zlib from 'node:zlib';
import * as tf from '../src/node/tf-node.js';
import { useCpu } from './helpers.js';
import { adamMoments } from '../src/core/training/adam.js';
import { checkpointFormat, checkpointOf, decodeCheckpoint, encodeCheckpoint, stateOfCheckpoint, type Checkpoint } from '../src/core/io/checkpoint.js';
import { crc32 } from '../src/core/io/crc32.js';
import { createPlaneState, disposePlaneState } from '../src/core/training/plane-state.js';
import { createModel } from '../src/core/models/registry.js';

await useCpu();

const fixture = new URL('./fixtures/checkpoint-v1.mpo', import.meta.url);

/** The checkpoint in test/fixtures/checkpoint-v1.mpo, written by the Buffer encoder mpo used before the core codec. */
const FIXTURE: Checkpoint = {
  model: 'mlp',
  dims: 2,
  step: 7,
  rng: [11, 22, 33, 44],
  theta: { 'origin/a': Float32Array.from([1.5, -2, Math.PI]), 'up/a': Float32Array.from([0.1, 1e-30, -0]), scale: Float32Array.from([0.1]) },
  adam: {
    step: 7,
    m: { 'origin/a': Float32Array.from([0.25, 0, 3]), 'up/a': Float32Array.from([1, 2, 3]), scale: Float32Array.from([3]) },
    v: { 'origin/a': Float32Array.from([1, 2, 4]), 'up/a': Float32Array.from([5, 6, 7]), scale: Float32Array.from([4]) },
  },
  extra: { seconds: 12.5, note: 'héllo ✓' },
};

/**
 * The encoder mpo used before the core codec (Node's Buffer), kept here as the reference for byte
 * equality: format 1 (`MPOCKPT1`, no checksum), or with `version` 2 the same bytes as `MPOCKPT2`
 * with the CRC-32 of the payload after the header length.
 */
function oldBufferEncode(c: Checkpoint, version: 1 | 2 = 1): Buffer {
  const entries: { group: string; key: string; length: number; }[] = [];
  const arrays: Float32Array[] = [];
  for (const [group, values] of [['theta', c.theta], ['m', c.adam.m], ['v', c.adam.v]] as const) {
    for (const [key, arr] of Object.entries(values)) {
      entries.push({ group, key, length: arr.length });
      arrays.push(arr);
    }
  }
  const header = Buffer.from(JSON.stringify({
    version,
    model: c.model,
    dims: c.dims,
    step: c.step,
    rng: c.rng,
    adamStep: c.adam.step,
    extra: c.extra ?? {},
    entries,
  }));
  const total = arrays.reduce((n, a) => n + a.length, 0);
  const start = version === 1 ? 12 : 16;
  const out = Buffer.alloc(start + header.length + total * 4);
  out.write(`MPOCKPT${version}`, 0, 'latin1');
  out.writeUInt32LE(header.length, 8);
  header.copy(out, start);
  let off = start + header.length;
  for (const a of arrays) {
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(out, off);
    off += a.byteLength;
  }
  if (version === 2) out.writeUInt32LE(zlib.crc32(out.subarray(16)), 12);
  return out;
}

test('crc32: the check value of CRC-32/ISO-HDLC and zlib on random data, whole and in pieces', () => {
  assert.equal(crc32(new TextEncoder().encode('123456789')), 0xcbf43926);
  assert.equal(crc32(new Uint8Array(0)), 0);
  assert.equal(crc32(new TextEncoder().encode('The quick brown fox jumps over the lazy dog')), 0x414fa339);
  const data = new Uint8Array(10_007);
  for (let i = 0; i < data.length; i++) data[i] = (i * 2654435761) >>> 24;
  assert.equal(crc32(data), zlib.crc32(data));
  assert.equal(crc32(data.subarray(5000), crc32(data.subarray(0, 5000))), crc32(data));
});

test('the Buffer-era MPOCKPT1 fixture still loads; the codec writes MPOCKPT2, the same bytes plus a CRC-32', () => {
  const old = new Uint8Array(readFileSync(fixture));
  assert.equal(checkpointFormat(old), 1);
  assert.deepEqual(decodeCheckpoint(old, 'fixture'), FIXTURE);
  const bytes = encodeCheckpoint(FIXTURE);
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(checkpointFormat(bytes), 2);
  assert.deepEqual(bytes, new Uint8Array(oldBufferEncode(FIXTURE, 2)));
  assert.equal(bytes.length, old.length + 4);
  assert.deepEqual(decodeCheckpoint(bytes, 'new'), FIXTURE);
});

test('byte-equal to the old Buffer encoder on an unaligned header and empty/odd arrays; both formats decode', () => {
  for (const header of ['', 'x', 'xy', 'xyz']) {
    const c: Checkpoint = {
      ...FIXTURE,
      extra: { pad: header, big: 1e300, nested: { a: [1, 2] } },
      theta: { ...FIXTURE.theta, 'phi_right/a': Float32Array.from([NaN, Infinity, -Infinity]), 'empty/x': new Float32Array(0) },
      adam: {
        step: 3,
        m: { ...FIXTURE.adam.m, 'phi_right/a': Float32Array.from([1, 2, 3]), 'empty/x': new Float32Array(0) },
        v: { ...FIXTURE.adam.v, 'phi_right/a': Float32Array.from([4, 5, 6]), 'empty/x': new Float32Array(0) },
      },
    };
    const ours = encodeCheckpoint(c);
    assert.deepEqual(ours, new Uint8Array(oldBufferEncode(c, 2)), `pad "${header}"`);
    for (const bytes of [ours.subarray(0), new Uint8Array(oldBufferEncode(c, 1))]) {
      const back = decodeCheckpoint(bytes, 'x');
      assert.ok(Number.isNaN(back.theta['phi_right/a']![0]));
      assert.deepEqual(back.adam, c.adam);
    }
  }
  // A subarray view with a non-zero offset decodes the same.
  const bytes = encodeCheckpoint(FIXTURE);
  const shifted = new Uint8Array(bytes.length + 3);
  shifted.set(bytes, 3);
  assert.deepEqual(decodeCheckpoint(shifted.subarray(3), 'x'), FIXTURE);
});

test('a changed byte anywhere after the magic is a checksum mismatch (format 2); format 1 cannot tell', () => {
  const bytes = encodeCheckpoint(FIXTURE);
  const msg = /^MpoError: checkpoint "f\.mpo" is corrupt \(checksum mismatch\): it cannot be read; use an undamaged copy$/;
  const hlen = new DataView(bytes.buffer).getUint32(8, true);
  const step = 16 + new TextDecoder().decode(bytes.subarray(16, 16 + hlen)).indexOf('"step":7') + 7;
  for (const at of [12, 15, step, 16 + hlen, bytes.length - 1]) {
    const bad = Uint8Array.from(bytes);
    bad[at]! ^= at === step ? 0x01 : 0x40; // the step 7 becomes 6: still a valid header
    assert.throws(() => decodeCheckpoint(bad, 'f.mpo'), msg, `byte ${at}`);
  }
  const v1 = new Uint8Array(oldBufferEncode(FIXTURE, 1));
  v1[v1.length - 1]! ^= 0x40;
  assert.notDeepEqual(decodeCheckpoint(v1, 'old').adam.v, FIXTURE.adam.v, 'format 1 has no checksum: read unchecked');
});

test('corrupt bytes give the one-line corrupt-checkpoint error', () => {
  const bytes = encodeCheckpoint(FIXTURE);
  const msg = (why: RegExp) => new RegExp(`^MpoError: checkpoint "f\\.mpo" is corrupt \\(${why.source}\\): it cannot be read; use an undamaged copy$`);
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, bytes.length - 3), 'f.mpo'), msg(/expected 604 bytes, found 601/));
  assert.throws(() => decodeCheckpoint(new TextEncoder().encode('hello world, not a checkpoint'), 'f.mpo'), msg(/not an mpo checkpoint/));
  assert.throws(() => decodeCheckpoint(new Uint8Array(0), 'f.mpo'), msg(/not an mpo checkpoint/));
  assert.throws(() => decodeCheckpoint(bytes.subarray(0, 40), 'f.mpo'), msg(/truncated header/));
  const badJson = new Uint8Array(oldBufferEncode(FIXTURE, 1));
  badJson[12] = '}'.charCodeAt(0); // the header's '{' becomes '}': not JSON (format 1: no checksum to catch it first)
  assert.throws(() => decodeCheckpoint(badJson, 'f.mpo'), msg(/unreadable header/));
  const badJson2 = Uint8Array.from(bytes);
  badJson2[16] = '}'.charCodeAt(0);
  assert.throws(() => decodeCheckpoint(badJson2, 'f.mpo'), msg(/checksum mismatch/));
  // Valid JSON that is not a checkpoint header.
  const json = new TextEncoder().encode('{"model":"mlp"}');
  const noEntries = new Uint8Array(12 + json.length);
  noEntries.set(new TextEncoder().encode('MPOCKPT1'));
  new DataView(noEntries.buffer).setUint32(8, json.length, true);
  noEntries.set(json, 12);
  assert.throws(() => decodeCheckpoint(noEntries, 'f.mpo'), msg(/unreadable header/));
  assert.throws(() => decodeCheckpoint('MPOCKPT1' as unknown as Uint8Array, 'f.mpo'), /decodeCheckpoint: bytes must be a Uint8Array/);
  assert.throws(() => encodeCheckpoint({ ...FIXTURE, theta: { a: [1, 2] as unknown as Float32Array } }), /c\.theta\["a"\] must be a Float32Array/);
});

test('state -> checkpoint -> bytes -> state keeps theta, Adam, the random state and the step', async () => {
  const model = createModel('mlp', { inputShape: [4, 4, 1], numClasses: 3 });
  const state = createPlaneState(model, { seed: 5, scaleInit: 0.3 });
  state.step = 9;
  state.adam.step = 9;
  state.adam.m['scale']!.dispose();
  state.adam.m['scale'] = tf.keep(tf.scalar(0.75));
  state.rng.next();
  const ckpt = await checkpointOf(model, state, { seconds: 4 });
  assert.equal(ckpt.model, 'mlp');
  assert.deepEqual(ckpt.extra, { seconds: 4 });
  const back = stateOfCheckpoint(model, decodeCheckpoint(encodeCheckpoint(ckpt), 'mem'));
  try {
    assert.deepEqual(Object.keys(back.vars).sort(), Object.keys(state.vars).sort());
    for (const k of Object.keys(state.vars)) {
      assert.deepEqual(back.vars[k]!.dataSync(), state.vars[k]!.dataSync(), k);
      assert.deepEqual(back.vars[k]!.shape, state.vars[k]!.shape, k);
    }
    const [mine, theirs] = [await adamMoments(state.adam), await adamMoments(back.adam)];
    assert.deepEqual(theirs, mine);
    assert.equal(theirs.m['scale']![0], 0.75);
    assert.equal(back.step, 9);
    assert.equal(back.adam.step, 9);
    assert.equal(back.dims, 2);
    assert.deepEqual(back.rng.state(), state.rng.state());
    assert.equal(back.rng.next(), state.rng.next());
    // The checkpoint owns copies: changing the state afterwards does not change it.
    const before = Float32Array.from(ckpt.theta.scale!);
    state.vars['scale']!.assign(tf.scalar(123));
    assert.deepEqual(ckpt.theta.scale, before);
    const cnn = createModel('cnn', { inputShape: [8, 8, 1], numClasses: 3 });
    assert.throws(() => stateOfCheckpoint(cnn, ckpt), /^MpoError: checkpoint is for model mlp, not cnn: load it with the model it was saved with$/);
    const other = createModel('mlp', { inputShape: [5, 5, 1], numClasses: 3 });
    assert.throws(() => stateOfCheckpoint(other, ckpt), /does not match --model/);
  } finally {
    disposePlaneState(back);
    disposePlaneState(state);
  }
});
