import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeNpy, encodeNpy, writeNpy } from '../src/node/output/npy.js';

test('the NPY 1.0 header of a 2x3 float32 array is byte-exact', () => {
  const buf = encodeNpy(Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]);
  const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
  const headerLen = 128 - 10;
  const expected = Buffer.concat([
    Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00, headerLen & 0xff, headerLen >> 8]),
    Buffer.from(dict.padEnd(headerLen - 1, ' ') + '\n', 'latin1'),
  ]);
  assert.equal(expected.length, 128);
  assert.deepEqual(buf.subarray(0, 128), expected);
  assert.equal(buf.length, 128 + 6 * 4);
  assert.deepEqual([...buf.subarray(128, 136)], [0, 0, 0x80, 0x3f, 0, 0, 0, 0x40]); // 1.0f, 2.0f little-endian
});

test('header shapes: 1-D has a trailing comma, 0-D is empty; data starts at a multiple of 64', () => {
  const one = encodeNpy(Int32Array.of(-1, 2, 3), [3]);
  assert.match(one.toString('latin1', 10, 80), /^\{'descr': '<i4', 'fortran_order': False, 'shape': \(3,\), \}/);
  const scalar = encodeNpy(Uint8Array.of(7), []);
  assert.match(scalar.toString('latin1', 10, 80), /^\{'descr': '\|u1', 'fortran_order': False, 'shape': \(\), \}/);
  for (const b of [one, scalar]) {
    const len = b.readUInt16LE(8);
    assert.equal((10 + len) % 64, 0);
    assert.equal(b[10 + len - 1], 0x0a);
  }
});

test('round trip of every dtype and shape', () => {
  const cases = [
    { data: Float32Array.of(0.5, -1.25, Infinity, NaN), shape: [2, 2], dtype: 'float32' },
    { data: Float64Array.of(Math.PI, -1e-300, 1e300), shape: [3], dtype: 'float64' },
    { data: Int32Array.of(-2147483648, 0, 2147483647, 5, 6, 7), shape: [1, 2, 3], dtype: 'int32' },
    { data: Uint8Array.of(0, 1, 255), shape: [3, 1], dtype: 'uint8' },
    { data: new Float64Array(0), shape: [0, 4], dtype: 'float64' },
  ] as const;
  for (const c of cases) {
    const back = decodeNpy(encodeNpy(c.data, c.shape));
    assert.equal(back.dtype, c.dtype);
    assert.deepEqual(back.shape, c.shape);
    assert.equal(back.data.constructor, c.data.constructor);
    assert.deepEqual(back.data, c.data);
  }
});

test('decodeNpy reads version 2.0, big-endian and bool arrays', () => {
  const dict = "{'descr': '>f8', 'fortran_order': False, 'shape': (2,), }";
  const header = dict.padEnd(128 - 12 - 1, ' ') + '\n';
  const buf = Buffer.alloc(128 + 16);
  buf.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 2, 0]);
  buf.writeUInt32LE(header.length, 8);
  buf.write(header, 12, 'latin1');
  buf.writeDoubleBE(1.5, 128);
  buf.writeDoubleBE(-2, 136);
  assert.deepEqual(decodeNpy(buf), { data: Float64Array.of(1.5, -2), shape: [2], dtype: 'float64' });
  const bool = Buffer.from(encodeNpy(Uint8Array.of(1, 0), [2]).toString('latin1').replace("'|u1'", "'|b1'"), 'latin1');
  assert.deepEqual(decodeNpy(bool).data, Uint8Array.of(1, 0));
});

test('bad input gets one-line messages that say what to do', () => {
  assert.throws(() => encodeNpy(Float32Array.of(1, 2, 3), [2, 2]), /NPY shape \[2,2\] holds 4 values but the data has 3: pass a matching shape/);
  assert.throws(() => encodeNpy(Float32Array.of(1), [-1]), /NPY shape \[-1\] is invalid/);
  assert.throws(() => decodeNpy(Buffer.from('hello world!'), 'x.npy'), /x.npy is not an NPY file .*: pass a file written by numpy.save/);
  const f8 = encodeNpy(Float64Array.of(1, 2), [2]);
  assert.throws(() => decodeNpy(f8.subarray(0, f8.length - 1), 'cut.npy'), /cut.npy is truncated: shape \(2\) needs 16 data bytes, found 15/);
  const i8 = Buffer.from(f8.toString('latin1').replace("'<f8'", "'<i8'"), 'latin1');
  assert.throws(() => decodeNpy(i8, 'big.npy'), /big.npy has dtype '<i8': only float32, float64, int32, uint8 and bool are supported/);
  const fortran = Buffer.from(f8.toString('latin1').replace('False', 'True '), 'latin1');
  assert.throws(() => decodeNpy(fortran, 'f.npy'), /f.npy is stored in Fortran order: save it with numpy.save\(np.ascontiguousarray\(a\)\)/);
});

test('writeNpy writes a file that decodes to the same array', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-npy-'));
  try {
    const path = join(dir, 'loss.npy');
    writeNpy(path, Float32Array.of(1, 2, 3, 4), [2, 2]);
    assert.deepEqual(decodeNpy(readFileSync(path)), { data: Float32Array.of(1, 2, 3, 4), shape: [2, 2], dtype: 'float32' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
