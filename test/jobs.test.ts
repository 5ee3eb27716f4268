import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../src/core/config.js';
import { firstLine, MpoError } from '../src/core/errors.js';
import { configChanges, EARLY_RUN_FILES, estimateRemaining, fitChildArgs, fitChildCommand, planFits, prepareRunFolder, runFolderState, runJobs, summaryText,
  type Job } from '../src/node/jobs/index.js';
import { parseFitChildArgs } from '../src/node/jobs/fit-child.js';
import { formatDuration } from '../src/node/progress.js';
import { writePatternOutputs } from '../src/node/run/outputs.js';
import { runPatternOf } from '../src/node/run/setup.js';

const tmp = mkdtempSync(join(tmpdir(), 'mpo-jobs-'));

function folder(name: string, files: Record<string, string>): string {
  const d = join(tmp, name);
  mkdirSync(d, { recursive: true });
  for (const [f, text] of Object.entries(files)) writeFileSync(join(d, f), text);
  return d;
}

test('run folders: finished, resume, fresh (early leftovers cleared), foreign files refused', () => {
  assert.equal(prepareRunFolder(join(tmp, 'missing')), 'fresh');
  assert.ok(!existsSync(join(tmp, 'missing')), 'nothing created');

  const early = folder('early', { 'config.json': '{}', 'pattern.png': '', 'metrics.jsonl': '', 'checkpoint.mpo.tmp-12-ab': '' });
  assert.equal(runFolderState(early), 'fresh');
  assert.equal(readdirSync(early).length, 4, 'runFolderState changes nothing');
  assert.equal(prepareRunFolder(early), 'fresh');
  assert.deepEqual(readdirSync(early), [], 'early files and temporary files removed');

  const ckpt = folder('ckpt', { 'config.json': '{}', 'checkpoint.mpo': '', 'metrics.jsonl': '' });
  assert.equal(prepareRunFolder(ckpt), 'resume');
  assert.equal(readdirSync(ckpt).length, 3, 'a resumable folder is kept as it is');
  writeFileSync(join(ckpt, 'summary.json'), '{}');
  assert.equal(prepareRunFolder(ckpt), 'finished');

  const foreign = folder('foreign', { 'notes.txt': 'mine', 'config.json': '{}' });
  assert.throws(() => prepareRunFolder(foreign, 'gallery folder'),
    /^MpoError: gallery folder ".*foreign" holds notes\.txt but no checkpoint\.mpo or summary\.json: it is not an mpo run; move it away or choose another --out$/);
  assert.ok(existsSync(join(foreign, 'notes.txt')) && existsSync(join(foreign, 'config.json')), 'nothing removed');

  const orphan = folder('orphan', { 'checkpoint.mpo': '' });
  assert.throws(() => runFolderState(orphan), /run folder ".*orphan" has checkpoint\.mpo but no config\.json, so it cannot be resumed: delete the folder/);
  writeFileSync(join(tmp, 'afile'), '');
  assert.throws(() => runFolderState(join(tmp, 'afile')), /run folder ".*afile" is a file, not a folder: move it away/);
});

test('the early files are exactly what a fit writes before its first checkpoint (besides config and metrics)', () => {
  const d = join(tmp, 'pattern-outputs');
  writePatternOutputs(d, runPatternOf(resolveConfig({ pattern: 'ring', patternSize: 6 })));
  const written = readdirSync(d);
  assert.ok(written.length >= 3, written.join(', '));
  for (const f of written) assert.ok(EARLY_RUN_FILES.has(f), `${f} is written before the first checkpoint: add it to EARLY_RUN_FILES`);
  assert.equal(prepareRunFolder(d), 'fresh');
});

test('planFits checks every folder before anything runs; configChanges names changed settings', () => {
  const config = resolveConfig({ steps: 5 });
  const good = { name: 'good', dir: join(tmp, 'plan-good'), config };
  const bad = { name: 'bad', dir: folder('plan-bad', { 'x.bin': '' }), config };
  assert.throws(() => planFits([good, bad]), /run folder ".*plan-bad" holds x\.bin/);
  const [job] = planFits([good]);
  assert.deepEqual({ state: job.state, kind: job.kind, resume: job.resume }, { state: 'fresh', kind: config.model, resume: false });

  const d = folder('changes', { 'config.json': JSON.stringify({ ...config, steps: 3, backend: 'cpu', workers: 1 }) });
  assert.deepEqual(configChanges(d, config), ['steps 3 -> 5'], 'backend and workers do not count');
  assert.deepEqual(configChanges(join(tmp, 'missing'), config), []);
  writeFileSync(join(d, 'config.json'), '{oops');
  assert.throws(() => configChanges(d, config), /config\.json" is not valid JSON \(.*\): delete ".*changes" to redo that run/);
});

test('child fits: fresh runs start from their config file, resumed ones from their folder', () => {
  const config = resolveConfig({ backend: 'cpu' });
  assert.deepEqual(fitChildArgs({ dir: '/r/a', config, state: 'fresh' }, '/r/configs/a.json'), ['--config', '/r/configs/a.json', '--out', '/r/a']);
  assert.deepEqual(fitChildArgs({ dir: '/r/a', config, state: 'resume' }, '/r/configs/a.json'), ['--resume', '/r/a', '--backend', 'cpu']);
  // read back by the child's entry, which calls the fit itself (not the CLI)
  assert.deepEqual(parseFitChildArgs(fitChildArgs({ dir: '/r/a', config, state: 'fresh' }, '/r/configs/a.json')), { kind: 'fresh', config: '/r/configs/a.json',
    out: '/r/a' });
  assert.deepEqual(parseFitChildArgs(fitChildArgs({ dir: '/r/a', config, state: 'resume' }, '/r/configs/a.json')), { kind: 'resume', dir: '/r/a',
    backend: 'cpu' });
  assert.throws(() => parseFitChildArgs(['fit', '--config', 'c.json']),
    /^MpoError: fit-child: arguments "fit --config c\.json" are not --config FILE --out DIR/);
  const { entry } = fitChildCommand();
  assert.match(entry, /src\/node\/jobs\/fit-child\.ts$/);
  assert.ok(existsSync(entry), entry);
  assert.equal(summaryText({ auc_test: 0.98765, acc_diff_test: -0.25 }), 'auc_test 0.988, acc_diff_test -0.250');
  assert.equal(summaryText({}), 'auc_test ?, acc_diff_test ?');
});

test("a child fit's entry: a one-line error and exit code 1 for a config file that is not there, nothing written", () => {
  const { execArgs, entry } = fitChildCommand();
  const out = join(tmp, 'child-missing');
  const r = spawnSync(process.execPath, [...execArgs, entry, '--config', join(tmp, 'nope.json'), '--out', out], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 1, r.stderr);
  assert.deepEqual(r.stderr.split('\n').filter((l) => l.trim()), [
    `mpo: error: config file "${join(tmp, 'nope.json')}" does not exist: check the path given to --config`,
  ]);
  assert.ok(!existsSync(out));
  const bad = spawnSync(process.execPath, [...execArgs, entry, 'fit', '--quiet'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /^mpo: error: fit-child: arguments "fit --quiet" are not/m);
});

test('ETA: mean duration per kind (else overall), the rest of running runs, shared by the jobs', () => {
  const finished = [{ kind: 'a', seconds: 10 }, { kind: 'a', seconds: 20 }, { kind: 'b', seconds: 60 }];
  // waiting: a (15) + b (60) + c (overall mean 30); running: a 5 s in (10 left), b 70 s in (0 left); 5 left, 2 jobs
  assert.equal(estimateRemaining({ finished, waiting: ['a', 'b', 'c'], running: [{ kind: 'a', elapsed: 5 }, { kind: 'b', elapsed: 70 }], jobs: 2 }),
    (15 + 60 + 30 + 10 + 0) / 2);
  // fewer runs left than jobs: shared by the runs left
  assert.equal(estimateRemaining({ finished, waiting: ['b'], running: [], jobs: 4 }), 60);
  assert.equal(estimateRemaining({ finished, waiting: [], running: [], jobs: 2 }), 0);
  assert.ok(Number.isNaN(estimateRemaining({ finished: [], waiting: ['a'], running: [], jobs: 1 })), 'unknown before a run finished');
});

test('formatDuration: the one duration format', () => {
  const cases: [number, string][] = [[0, '0s'], [0.4, '0s'], [59.4, '59s'], [59.6, '1m00s'], [65, '1m05s'], [600, '10m00s'], [3599, '59m59s'], [3600, '1h00m'],
    [3661, '1h01m'], [7325, '2h02m'], [-3, '0s'], [NaN, '?'], [Infinity, '?']];
  for (const [s, text] of cases) assert.equal(formatDuration(s), text, `${s} s`);
});

test('firstLine: the first line of an error, trimmed', () => {
  assert.equal(firstLine(new Error('  bad thing \nat line 2\r\n')), 'bad thing');
  assert.equal(firstLine(new Error('one\r\ntwo')), 'one');
  assert.equal(firstLine('plain\ntext'), 'plain');
  assert.equal(firstLine(new Error('\nsecond')), 'unknown error');
  assert.equal(firstLine(undefined, '-'), 'undefined');
});

interface FakeJob extends Job {
  readonly ms: number;
  readonly fail?: string;
}

/** A fake job: waits `ms` (or until the signal aborts: then rejects as an interrupted fit does), then resolves or fails. */
function fake(started: string[]) {
  return (job: FakeJob, signal: AbortSignal) =>
    new Promise<string>((resolveJob, reject) => {
      started.push(job.name);
      const timer = setTimeout(() => (job.fail ? reject(new MpoError(job.fail)) : resolveJob(`done ${job.name}`)), job.ms);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(new MpoError(`interrupted ${job.name}`, 130));
      }, { once: true });
    });
}

test('runJobs: jobs at a time, in order, one log line each; failures do not stop the others', async () => {
  const started: string[] = [];
  const lines: string[] = [];
  const jobs: FakeJob[] = [
    { name: 'a', ms: 30, kind: 'x' },
    { name: 'b', ms: 5, fail: 'boom' },
    { name: 'c', ms: 5, resume: true },
    { name: 'd', ms: 5, kind: 'x' },
  ];
  let running = 0;
  let most = 0;
  const exec = fake(started);
  const result = await runJobs(jobs, async (j, s) => {
    most = Math.max(most, ++running);
    try {
      return await exec(j, s);
    } finally {
      running--;
    }
  }, { jobs: 2, log: (l) => lines.push(l), interrupted: 'stopped' });
  assert.equal(most, 2);
  assert.deepEqual(started, ['a', 'b', 'c', 'd']);
  assert.deepEqual(result.failures, [{ name: 'b', reason: 'boom' }]);
  assert.deepEqual([...result.finished].sort(), ['a', 'c', 'd']);
  assert.ok(lines.includes('c: resuming from its checkpoint'), lines.join('\n'));
  assert.ok(lines.some((l) => /^\[1\/4\] b: FAILED: boom$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^\[\d\/4\] a: done a \(\d+s\); eta \d+s$/.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /^\[4\/4\] \w: done \w \(\d+s\); eta 0s$/.test(l)), lines.join('\n'));
  // job a sleeps 30 ms; a timer may fire a millisecond early by the wall clock, so allow a little under
  assert.ok(result.seconds >= 0.025, `seconds ${result.seconds}`);
  await assert.rejects(runJobs(jobs, fake([]), { jobs: 0, log: () => {}, interrupted: 'x' }), /--jobs is 0: give a whole number >= 1/);
});

test('runJobs: aborting starts no further job, stops the running ones, and ends with the interrupted error (130)', async () => {
  const started: string[] = [];
  const lines: string[] = [];
  const ctl = new AbortController();
  const jobs: FakeJob[] = ['a', 'b', 'c', 'd', 'e'].map((name) => ({ name, ms: name === 'a' ? 5 : 10_000 }));
  const run = runJobs(jobs, fake(started), { jobs: 2, signal: ctl.signal, log: (l) => lines.push(l), interrupted: 'interrupted: rerun to continue' });
  // a finishes, c starts in its place; then Ctrl-C while b and c run
  while (!started.includes('c')) await new Promise((r) => setTimeout(r, 2));
  ctl.abort();
  await assert.rejects(run, (e: unknown) => e instanceof MpoError && e.exitCode === 130 && e.message === 'interrupted: rerun to continue');
  assert.deepEqual(started, ['a', 'b', 'c'], 'd and e never started');
  assert.ok(!lines.some((l) => l.includes('FAILED')), 'interrupted jobs are not failures');
  assert.ok(lines.some((l) => /^\[1\/5\] a: done a/.test(l)));
});

test('runJobs: an abort after every job ended is no interruption; a bug (not an MpoError) is rethrown', async () => {
  const ctl = new AbortController();
  const result = await runJobs([{ name: 'a', ms: 1 }], async (j, s) => {
    const text = await fake([])(j, s);
    ctl.abort();
    return text;
  }, { jobs: 1, signal: ctl.signal, log: () => {}, interrupted: 'x' });
  assert.deepEqual(result.finished, ['a']);

  const started: string[] = [];
  await assert.rejects(runJobs([{ name: 'a' }, { name: 'b' }], async (j) => {
    started.push(j.name);
    throw new TypeError('a bug');
  }, { jobs: 1, log: () => {}, interrupted: 'x' }), /^TypeError: a bug$/);
  assert.deepEqual(started, ['a'], 'no further job after a bug');
});
