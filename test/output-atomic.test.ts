import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openFileAtomic, writeFileAtomic, writeJsonAtomic } from '../src/node/output/atomic.js';

function withDir(fn: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'mpo-atomic-'));
  try {
    fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('writeFileAtomic writes strings and bytes, replaces old files, leaves no temporary file', () => {
  withDir((dir) => {
    const p = join(dir, 'a.txt');
    writeFileSync(p, 'old content that is longer');
    writeFileAtomic(p, 'new \u00e9');
    assert.equal(readFileSync(p, 'utf8'), 'new \u00e9');
    writeFileAtomic(join(dir, 'deep', 'er', 'b.bin'), Uint8Array.of(1, 2, 3));
    assert.deepEqual([...readFileSync(join(dir, 'deep', 'er', 'b.bin'))], [1, 2, 3]);
    assert.deepEqual(readdirSync(dir).sort(), ['a.txt', 'deep']);
  });
});

test('writeJsonAtomic writes pretty JSON with a final newline; typed arrays as arrays', () => {
  withDir((dir) => {
    const p = join(dir, 'r.json');
    writeJsonAtomic(p, { auc: 0.97, steps: [1, 2], loss: Float32Array.of(0.5, 2), big: 10n });
    assert.equal(readFileSync(p, 'utf8'), '{\n  "auc": 0.97,\n  "steps": [\n    1,\n    2\n  ],\n  "loss": [\n    0.5,\n    2\n  ],\n  "big": "10"\n}\n');
  });
});

test('errors name the file and what to do; the temporary file is removed', () => {
  withDir((dir) => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.throws(() => writeJsonAtomic(join(dir, 'c.json'), cyclic),
      /cannot write ".*c.json": the value is not JSON \(.*circular.*\): pass plain data without cycles/);
    assert.throws(() => writeJsonAtomic(join(dir, 'u.json'), undefined), /the value is undefined, which JSON cannot represent/);
    // The target is an existing folder: the rename fails.
    const target = join(dir, 'isdir');
    writeFileAtomic(join(target, 'inner.txt'), 'x');
    assert.throws(() => writeFileAtomic(target, 'y'), /^MpoError: cannot write ".*isdir" \(E[A-Z]+: .*\): check that the folder is writable/);
    assert.deepEqual(readdirSync(dir).sort(), ['isdir']);
    assert.throws(() => writeFileAtomic('', 'x'), /output path is empty/);
  });
});

test('an unwritable folder gives an MpoError, not a raw errno exception', { skip: process.getuid?.() === 0 ? 'root can write anywhere' : false }, () => {
  withDir((dir) => {
    chmodSync(dir, 0o500);
    try {
      assert.throws(() => writeFileAtomic(join(dir, 'x.txt'), 'x'), /cannot write ".*x.txt" \(EACCES: .*\)/);
    } finally {
      chmodSync(dir, 0o700);
    }
  });
});

test('a folder that cannot be created gives an MpoError (and does not hang)', { skip: process.platform !== 'linux' }, () => {
  assert.throws(() => writeFileAtomic('/proc/mpo-no-such-folder/x.txt', 'x'),
    /^MpoError: cannot create folder "\/proc\/mpo-no-such-folder" for ".*x.txt" \(ENOENT: .*\): choose a writable output folder$/);
});

test('openFileAtomic: pieces appear at once on commit; discard leaves the old file; no temporary file either way', () => {
  withDir((dir) => {
    const p = join(dir, 'd.bin');
    writeFileSync(p, 'old');
    const f = openFileAtomic(p);
    f.write(Uint8Array.of(1, 2));
    f.write('\u00e9');
    assert.equal(readFileSync(p, 'utf8'), 'old', 'not replaced before commit');
    f.commit();
    assert.deepEqual([...readFileSync(p)], [1, 2, 0xc3, 0xa9]);
    assert.throws(() => f.write('x'), /"[^"]*d\.bin" was already committed or discarded: open it again with openFileAtomic/);
    const g = openFileAtomic(p);
    g.write('partial');
    g.discard();
    g.discard();
    assert.deepEqual([...readFileSync(p)], [1, 2, 0xc3, 0xa9]);
    assert.deepEqual(readdirSync(dir), ['d.bin']);
  });
});
