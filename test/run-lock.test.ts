import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkUnlocked, isIncidental, LOCK_FILE, lockFolder, lockHolder, removeStaleTemps } from '../src/node/run/lock.js';
import { inEmptyFolder } from '../src/node/run/folder.js';
import { prepareRunFolder, runFolderState } from '../src/node/jobs/index.js';

const tmp = mkdtempSync(join(tmpdir(), 'mpo-lock-'));

/** The pid of a process that has ended (so `kill(pid, 0)` fails with ESRCH). */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

function writeLock(dir: string, info: Record<string, unknown>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ started: '2026-01-01T00:00:00.000Z', command: 'mpo fit', token: 'abc', ...info }));
}

test('one writer per folder: the lock holds pid, host and start time; a second taker is refused naming the pid; release frees it', () => {
  const dir = join(tmp, 'one', 'run');
  const lock = lockFolder(dir, { command: 'mpo fit' });
  assert.ok(existsSync(dir), 'the folder is made');
  const info = JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'));
  assert.equal(info.pid, process.pid);
  assert.equal(info.host, hostname());
  assert.ok(Math.abs(Date.parse(info.started) - Date.now()) < 60_000, info.started);
  assert.equal(lockHolder(dir)?.pid, process.pid);
  assert.throws(() => lockFolder(dir, { command: 'mpo eval' }),
    new RegExp(`^MpoError: output folder ".*run" is in use by mpo fit \\(pid ${process.pid}, since .*\\): one process writes a run folder at a time; ` +
      'wait for it to end or stop it$'));
  assert.throws(() => checkUnlocked(dir, 'gallery folder'), /gallery folder ".*" is in use by mpo fit/);
  assert.throws(() => prepareRunFolder(dir), /is in use by mpo fit/, 'a batch does not clear a folder someone writes');
  lock.release();
  lock.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'released');
  assert.equal(lockHolder(dir), null);
  lockFolder(dir).release();
});

test('the lock of a dead process is taken over with a warning; a lock from another host is refused', () => {
  const dir = join(tmp, 'dead');
  const pid = deadPid();
  writeLock(dir, { pid, host: hostname() });
  assert.equal(lockHolder(dir), null, 'a dead holder holds nothing');
  const lines: string[] = [];
  const lock = lockFolder(dir, { log: (l) => lines.push(l) });
  assert.equal(lines.length, 1);
  assert.match(lines[0]!,
    new RegExp(`^warning: output folder ".*dead" was locked by mpo fit \\(pid ${pid}, since .*\\), which is no longer running: taking it over$`));
  assert.equal(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid, process.pid);
  lock.release();

  // This pid, but not this process's lock: left by an earlier process that had the same pid (containers).
  writeLock(dir, { pid: process.pid, host: hostname(), token: 'old' });
  const again: string[] = [];
  lockFolder(dir, { log: (l) => again.push(l) }).release();
  assert.equal(again.length, 1);

  const far = join(tmp, 'far');
  writeLock(far, { pid: 1, host: 'elsewhere.example' });
  assert.throws(() => lockFolder(far),
    /is in use by mpo fit \(pid 1 on host elsewhere\.example, since .*\): .*or delete .*\.mpo-lock if that process is gone$/);

  const torn = join(tmp, 'torn');
  mkdirSync(torn);
  writeFileSync(join(torn, LOCK_FILE), '');
  assert.throws(() => lockFolder(torn), /is being locked by another process right now/, 'an empty, new lock is being written');
});

test('taking the lock removes stale temporary files of atomic writes, not live ones or those of locked subfolders', () => {
  const dir = join(tmp, 'temps');
  const pid = deadPid();
  mkdirSync(join(dir, 'landscape'), { recursive: true });
  mkdirSync(join(dir, 'eval-p0-r1'), { recursive: true });
  writeFileSync(join(dir, `checkpoint.mpo.tmp-${pid}-0a1b2c`), 'x');
  writeFileSync(join(dir, 'landscape', `test-loss.npy.tmp-${pid}-ff00aa`), 'x');
  writeFileSync(join(dir, `summary.json.tmp-${process.pid}-123abc`), 'x'); // this live process's
  writeLock(join(dir, 'eval-p0-r1'), { pid: process.pid, host: hostname() });
  writeFileSync(join(dir, 'eval-p0-r1', `figure.png.tmp-${pid}-abcdef`), 'x');
  writeFileSync(join(dir, 'notes.tmp-x'), 'mine'); // not a temporary file of ours
  const lock = lockFolder(dir);
  lock.release();
  assert.deepEqual(readdirSync(dir).sort(), ['eval-p0-r1', 'landscape', 'notes.tmp-x', `summary.json.tmp-${process.pid}-123abc`]);
  assert.deepEqual(readdirSync(join(dir, 'landscape')), []);
  assert.equal(readdirSync(join(dir, 'eval-p0-r1')).length, 2, 'a separately locked subfolder is left alone');
  assert.equal(removeStaleTemps(dir), 0);
});

test('lock and temporary files do not make a folder non-empty or foreign; inEmptyFolder refuses real contents', async () => {
  assert.ok(isIncidental(LOCK_FILE) && isIncidental(`${LOCK_FILE}.takeover`) && isIncidental('config.json.tmp-1-ab'));
  assert.ok(!isIncidental('config.json'));
  const dir = join(tmp, 'early');
  writeLock(dir, { pid: deadPid(), host: hostname() });
  writeFileSync(join(dir, 'config.json'), '{}');
  assert.equal(runFolderState(dir), 'fresh');
  assert.equal(await inEmptyFolder(join(tmp, 'empty'), {}, async () => 7), 7);
  assert.ok(!existsSync(join(tmp, 'empty', LOCK_FILE)), 'released after');
  await assert.rejects(inEmptyFolder(dir, {}, async () => 7), /output folder ".*early" is not empty: choose another --out/);
  assert.ok(!existsSync(join(dir, LOCK_FILE)), 'released after a refusal (the dead lock was taken over first)');
});
