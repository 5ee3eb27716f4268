import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { encodeCheckpoint } from '../src/core/io/checkpoint.js';
import { runFit } from '../src/node/run/fit.js';
import { runEval } from '../src/node/run/eval.js';
import { loadCheckpoint } from '../src/node/checkpoint.js';
import { LOCK_FILE } from '../src/node/run/lock.js';
import { TRAIN_KEYS } from '../src/node/run/train.js';
import { mpoIn, errorLine } from './helpers.js';

/** Issue 24: a run folder that survives anything (one writer, no stuck states, kinds checked, one-line errors). */

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-run-folder-'));
const cli = ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts')];
const TINY = ['--pattern-size', '8', '--train-images', '64', '--eval-images', '40', '--quick-eval-images', '40', '--cells-per-step', '4', '--eval-every', '0',
  '--workers', '1', '--batch-size', '16', '--log-every', '1', '--quiet'];
const config = resolveConfig({ pattern: 'ring', patternSize: 8, steps: 4, trainImages: 64, evalImages: 40, quickEvalImages: 40, batchSize: 16, cellsPerStep: 4,
  evalEvery: 0, checkpointEvery: 2, logEvery: 1, workers: 1, backend: 'cpu' });
const quiet = { quiet: true, log: () => {} };

const mpo = mpoIn(tmp, 120_000);

function start(...args: string[]) {
  const child = spawn(process.execPath, [...cli, ...args], { cwd: tmp, env: { ...process.env, MPO_DATA_DIR: '' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<{ code: number | null; stderr: string; }>((r) => child.on('close', (code) => r({ code, stderr })));
  return { child, done };
}

function steps(dir: string): number[] {
  return readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step as number);
}

function deadPid(): number {
  return Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
}

async function waitFor(what: string, ok: () => boolean, ms = 90_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    assert.ok(Date.now() < deadline, `timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A folder that looks like `mpo train`'s (its config, a 0-dimensional checkpoint). */
function fakeNetwork(name: string): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  const c = resolveConfig({});
  writeFileSync(join(d, 'config.json'), JSON.stringify({ ...Object.fromEntries(TRAIN_KEYS.map((k) => [k, c[k]])), provenance: { command: 'train' } }));
  writeFileSync(join(d, 'checkpoint.mpo'), encodeCheckpoint({ model: 'mlp', dims: 0, step: 0, rng: [1, 2, 3, 4], theta: {}, adam: { step: 0, m: {}, v: {} } }));
  return d;
}

test('two writers on one folder: the second is refused naming the pid, and nothing is interleaved', async () => {
  const out = join(tmp, 'two');
  const args = ['fit', ...TINY, '--steps', '40', '--checkpoint-every', '10', '--out', out];
  const [a, b] = [start(...args), start(...args)];
  const results = [await a.done, await b.done];
  assert.deepEqual(results.map((r) => r.code).sort(), [0, 1], results.map((r) => r.stderr).join('\n---\n'));
  const refused = results.find((r) => r.code === 1)!;
  assert.match(errorLine(refused), /^mpo: error: output folder ".*two" is in use by mpo fit \(pid \d+, since .*\): one process writes a run folder at a time/);
  assert.deepEqual(steps(out), Array.from({ length: 40 }, (_, i) => i + 1), 'metrics.jsonl holds each step once');
  assert.ok(!existsSync(join(out, LOCK_FILE)), 'the lock is released at the end');
});

test('SIGKILL during training: the next --resume takes the dead lock over with a warning and continues', async () => {
  const out = join(tmp, 'killed');
  const run = start('fit', ...TINY, '--steps', '100000', '--checkpoint-every', '5', '--out', out);
  await waitFor('a checkpoint', () => existsSync(join(out, 'checkpoint.mpo')));
  run.child.kill('SIGKILL');
  await run.done;
  assert.ok(existsSync(join(out, LOCK_FILE)), 'SIGKILL leaves the lock');
  const cfg = JSON.parse(readFileSync(join(out, 'config.json'), 'utf8'));
  // end soon: a few steps past the checkpoint (at or past --steps, a resume has nothing to train)
  writeFileSync(join(out, 'config.json'), JSON.stringify({ ...cfg, steps: loadCheckpoint(join(out, 'checkpoint.mpo')).step + 7 }));
  const r = mpo('fit', '--resume', out, '--quiet');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /warning: output folder ".*killed" was locked by mpo fit \(pid \d+, since .*\), which is no longer running: taking it over/);
  assert.ok(existsSync(join(out, 'summary.json')) && !existsSync(join(out, LOCK_FILE)));
});

test('a folder killed before its first checkpoint starts afresh, with --out and with --resume; stale temporary files go', async () => {
  const early = (name: string) => {
    const d = join(tmp, name);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'config.json'), JSON.stringify({ ...config, provenance: {} }));
    writeFileSync(join(d, 'metrics.jsonl'), '{"step":1}\n{"st');
    writeFileSync(join(d, 'pattern.txt'), '#.\n');
    writeFileSync(join(d, LOCK_FILE), JSON.stringify({ pid: deadPid(), host: hostname(), started: 'then', command: 'mpo fit', token: 'x' }));
    writeFileSync(join(d, `checkpoint.mpo.tmp-${deadPid()}-0a1b2c3d`), 'half');
    return d;
  };
  const lines: string[] = [];
  const a = early('early-out');
  const s = await runFit(config, { out: a, quiet: true, log: (l) => lines.push(l) });
  assert.ok(s && s.steps === 4);
  assert.ok(lines.some((l) => /note: ".*early-out" holds a run stopped before its first checkpoint: starting afresh there/.test(l)), lines.join('\n'));
  assert.deepEqual(steps(a), [1, 2, 3, 4]);
  assert.ok(!readdirSync(a).some((f) => f.includes('.tmp-') || f === LOCK_FILE), readdirSync(a).join(', '));

  const b = early('early-resume');
  lines.length = 0;
  const r = await runFit(config, { out: b, resume: true, quiet: true, log: (l) => lines.push(l) });
  assert.deepEqual(r, { ...s, seconds: r!.seconds, eval_seconds: r!.eval_seconds }, 'the same run as a fresh start');
  assert.ok(lines.some((l) => /note: ".*early-resume" was stopped before its first checkpoint, so there is nothing to resume: starting it again/.test(l)));

  const empty = join(tmp, 'no-config');
  mkdirSync(empty);
  writeFileSync(join(empty, `config.json.tmp-${deadPid()}-abcdef`), '{');
  await assert.rejects(runFit(config, { out: empty, resume: true, ...quiet }),
    /"[^"]*no-config" has no config.json: --resume takes .*; this one was stopped before it wrote one: start it again with mpo fit --out/);
  assert.ok(await runFit(config, { out: empty, ...quiet }), 'a fresh start takes it');
});

test('eval and --resume check the folder kind first; eval --out refuses the fit itself unless --force; a corrupt checkpoint is refused', async () => {
  const fit = join(tmp, 'early-out'); // finished above
  const net = fakeNetwork('net');
  const before = readdirSync(net).sort();
  await assert.rejects(runEval({ dir: net, ...quiet }), /^MpoError: mpo eval: ".*net" is a network from mpo train, not an mpo fit run: pass the --out folder/);
  await assert.rejects(runFit(config, { out: net, resume: true, ...quiet }), /--resume: ".*net" is a network from mpo train, not an mpo fit run/);
  await assert.rejects(runFit(config, { out: net, ...quiet }), /output folder ".*net" holds a network from mpo train: choose another --out/);
  assert.deepEqual(readdirSync(net).sort(), before, 'nothing written into it');
  const curve = join(tmp, 'curve');
  mkdirSync(curve);
  writeFileSync(join(curve, 'config.json'), JSON.stringify({ a: 'x', b: 'y', steps: 3 }));
  await assert.rejects(runEval({ dir: curve, ...quiet }), /is a curve from mpo connect, not an mpo fit run/);

  const summary = readFileSync(join(fit, 'summary.json'), 'utf8');
  await assert.rejects(runEval({ dir: fit, out: fit, backend: 'cpu', ...quiet }),
    /--out ".*early-out" is an mpo fit run folder: its own results .* would be replaced; choose another --out, or pass --force/);
  assert.equal(readFileSync(join(fit, 'summary.json'), 'utf8'), summary);
  const e = await runEval({ dir: fit, images: 30, padding: 0, backend: 'cpu', ...quiet });
  assert.deepEqual([e.test_images, e.train_images], [30, 30], 'the summary records the images used');
  assert.equal(JSON.parse(readFileSync(join(fit, 'eval-p0-r1', 'summary.json'), 'utf8')).test_images, 30);
  const forced = await runEval({ dir: fit, out: fit, force: true, backend: 'cpu', ...quiet });
  assert.equal(JSON.parse(readFileSync(join(fit, 'summary.json'), 'utf8')).test_images, forced.test_images);

  const ckpt = join(fit, 'checkpoint.mpo');
  const bytes = readFileSync(ckpt);
  bytes[bytes.length - 9]! ^= 0x04;
  writeFileSync(ckpt, bytes);
  const corrupt = /checkpoint ".*checkpoint\.mpo" is corrupt \(checksum mismatch\): the results of that finished run in ".*early-out" are intact/;
  await assert.rejects(runEval({ dir: fit, out: join(tmp, 'e2'), backend: 'cpu', ...quiet }), corrupt);
  await assert.rejects(runFit(config, { out: fit, resume: true, ...quiet }), corrupt);
  assert.ok(!existsSync(join(fit, LOCK_FILE)), 'a refused resume releases the lock');
});

test('ordinary mistakes are one-line errors naming the flag and what to do', () => {
  const fit = join(tmp, 'early-resume'); // finished above
  const net = fakeNetwork('net2');
  writeFileSync(join(tmp, 'a-file'), 'x');
  assert.match(errorLine(mpo('fit', '--config', fit)),
    /--config ".*early-resume" is a folder, not a config file: pass a JSON or YAML file, e\.g\. --config .*config\.json/);
  const missing = errorLine(mpo('fit', '--resume', join(tmp, 'nowhere')));
  assert.match(missing, /"[^"]*nowhere" has no config.json: --resume takes the output folder of an earlier mpo fit, and there is no such folder/);
  assert.doesNotMatch(missing, /--config/);
  assert.match(errorLine(mpo('export', fit, '--cell', '0,0', '--out', join(tmp, 'a-file'))),
    /--out ".*a-file" is a file: mpo export writes a folder \(model\.json and weights\.bin\)/);
  assert.match(errorLine(mpo('view', 'random-plane', net, '--out', join(tmp, 'v1'), '--seed', 'abc')), /"seed" in the command line is "abc": give a number/);
  assert.match(errorLine(mpo('view', 'random-plane', net, '--out', join(tmp, 'v1'), '--seed', '-1')),
    /"seed" in the command line is -1: give a whole number >= 0/);
  assert.match(errorLine(mpo('connect', net, net, '--out', join(tmp, 'c1'))), /mpo connect A B: A and B are the same network ".*net2": pass two networks/);
  assert.match(errorLine(mpo('view', 'random-plane', fit, '--out', join(tmp, 'v2'))),
    /".*early-resume" is an mpo fit run .*not one network: pass the --out folder of mpo train/);
});
