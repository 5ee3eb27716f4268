import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FitConfig } from '../src/core/config.js';
import { MpoError } from '../src/core/errors.js';
import { inShard, parseShard, shardFromEnv, shardItems, type Shard, type ShardEnv } from '../src/node/jobs/shard.js';
import { galleryEntries, runGallery, type GalleryRow } from '../src/node/run/gallery.js';
import { buildPlan, planRuns, shardRuns } from '../src/node/study/plan.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-shard-'));
const pick = (s: Shard) => ({ index: s.index, count: s.count });

/** The environment of this process without any job-array variable (the tests may run inside one). */
function cleanEnv(extra: ShardEnv = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !/^SLURM_/.test(k) && k !== 'JOB_COMPLETION_INDEX' && k !== 'MPO_SHARD_COUNT') env[k] = v;
  }
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) env[k] = v;
  return env;
}

function mpo(env: ShardEnv, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args], {
    cwd: tmp,
    encoding: 'utf8',
    env: cleanEnv({ MPO_DATA_DIR: '', ...env }),
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Asserts that `f` throws one MpoError whose one-line message matches `re`. */
function throwsOneLine(f: () => unknown, re: RegExp): void {
  assert.throws(f, (e: unknown) => {
    assert.ok(e instanceof MpoError, `an MpoError, got ${String(e)}`);
    assert.ok(!e.message.includes('\n'), `one line: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('SLURM array from 0: index SLURM_ARRAY_TASK_ID + 1 of SLURM_ARRAY_TASK_COUNT', () => {
  const env = { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '4', SLURM_ARRAY_TASK_MIN: '0', SLURM_ARRAY_TASK_MAX: '3' };
  assert.deepEqual(pick(parseShard('auto', env)), { index: 3, count: 4 });
  assert.deepEqual(pick(shardFromEnv({ SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4' })), { index: 1, count: 4 }, 'MIN unset counts from 0');
  assert.deepEqual(pick(parseShard('auto/4', env)), { index: 3, count: 4 }, 'auto/N agreeing with the array');
  assert.match(parseShard('auto', env).source!, /SLURM_ARRAY_TASK_ID=2.*SLURM_ARRAY_TASK_COUNT=4/);
  assert.equal(parseShard('3/4', env).source, undefined, 'i/N ignores the environment');
  assert.deepEqual(pick(parseShard(' 3 / 4 ', env)), { index: 3, count: 4 });
});

test('SLURM array from SLURM_ARRAY_TASK_MIN (e.g. --array=1-4, or with a step): ids counted from MIN', () => {
  const at = (id: number) => pick(parseShard('auto', { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' }));
  assert.deepEqual([1, 2, 3, 4].map(at), [1, 2, 3, 4].map((index) => ({ index, count: 4 })));
  // Without MIN the last task of --array=1-4 would be out of range:
  throwsOneLine(() => shardFromEnv({ SLURM_ARRAY_TASK_ID: '4', SLURM_ARRAY_TASK_COUNT: '4' }),
    /^SLURM_ARRAY_TASK_ID=4 gives shard index 4, outside 0\.\.3 for 4 shards \(SLURM_ARRAY_TASK_COUNT\): submit the array with N tasks/);
  // --array=10-14:2 has ids 10, 12, 14.
  const step = (id: string) => ({ SLURM_ARRAY_TASK_ID: id, SLURM_ARRAY_TASK_MIN: '10', SLURM_ARRAY_TASK_STEP: '2', SLURM_ARRAY_TASK_COUNT: '3' });
  assert.deepEqual(['10', '12', '14'].map((id) => pick(shardFromEnv(step(id)))), [1, 2, 3].map((index) => ({ index, count: 3 })));
  throwsOneLine(() => shardFromEnv(step('13')), /^SLURM_ARRAY_TASK_ID=13 is not in the range SLURM_ARRAY_TASK_MIN=10, step 2: submit one contiguous array/);
  throwsOneLine(() => shardFromEnv({ ...step('9'), SLURM_ARRAY_TASK_STEP: '1' }), /^SLURM_ARRAY_TASK_ID=9 is not in the range SLURM_ARRAY_TASK_MIN=10/);
});

test('Kubernetes Indexed Job: JOB_COMPLETION_INDEX (0-based) with MPO_SHARD_COUNT or --shard auto/N', () => {
  assert.deepEqual(pick(parseShard('auto', { JOB_COMPLETION_INDEX: '0', MPO_SHARD_COUNT: '3' })), { index: 1, count: 3 });
  assert.deepEqual(pick(parseShard('auto', { JOB_COMPLETION_INDEX: '2', MPO_SHARD_COUNT: '3' })), { index: 3, count: 3 });
  assert.deepEqual(pick(parseShard('auto/3', { JOB_COMPLETION_INDEX: '1' })), { index: 2, count: 3 });
  assert.deepEqual(pick(parseShard('auto/3', { JOB_COMPLETION_INDEX: '1', MPO_SHARD_COUNT: '3' })), { index: 2, count: 3 });
  assert.equal(parseShard('auto', { JOB_COMPLETION_INDEX: '1', MPO_SHARD_COUNT: '3' }).source, 'JOB_COMPLETION_INDEX=1, MPO_SHARD_COUNT=3');
  assert.deepEqual(pick(parseShard('auto', { JOB_COMPLETION_INDEX: '1', MPO_SHARD_COUNT: ' 3 ', SLURM_ARRAY_TASK_ID: '' })), { index: 2, count: 3 },
    'blank variables count as unset');
});

test('--shard auto: missing count, index out of range, non-numbers and disagreeing counts are one-line errors', () => {
  throwsOneLine(() => parseShard('auto', { JOB_COMPLETION_INDEX: '1' }),
    /^MPO_SHARD_COUNT is not set: Kubernetes does not export the Job's completions, so set env MPO_SHARD_COUNT to spec\.completions/);
  throwsOneLine(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '1' }), /^SLURM_ARRAY_TASK_COUNT is not set: pass --shard auto\/N or set MPO_SHARD_COUNT=N/);
  throwsOneLine(() => parseShard('auto', {}), /^--shard auto found neither SLURM_ARRAY_TASK_ID .* nor JOB_COMPLETION_INDEX .*: .* or pass --shard i\/N$/);
  throwsOneLine(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2', JOB_COMPLETION_INDEX: '1' }),
    /^--shard auto found both SLURM_ARRAY_TASK_ID and JOB_COMPLETION_INDEX set/);
  throwsOneLine(() => parseShard('auto', { JOB_COMPLETION_INDEX: '3', MPO_SHARD_COUNT: '3' }),
    /^JOB_COMPLETION_INDEX=3 gives shard index 3, outside 0\.\.2 for 3 shards \(MPO_SHARD_COUNT\): set MPO_SHARD_COUNT to the Job's completions$/);
  throwsOneLine(() => parseShard('auto/2', { SLURM_ARRAY_TASK_ID: '2' }),
    /^SLURM_ARRAY_TASK_ID=2 gives shard index 2, outside 0\.\.1 for 2 shards \(--shard auto\/2\)/);
  for (const bad of ['x', '-1', '1.5', '0x2', '1e3']) {
    throwsOneLine(() => parseShard('auto', { JOB_COMPLETION_INDEX: bad, MPO_SHARD_COUNT: '3' }),
      new RegExp(`^JOB_COMPLETION_INDEX is "${bad.replace('.', '\\.')}": expected a whole number >= 0 \\(set by a Kubernetes Indexed Job\\)$`));
  }
  throwsOneLine(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0', MPO_SHARD_COUNT: 'four' }),
    /^MPO_SHARD_COUNT is "four": expected a whole number >= 1 \(the number of shards\)$/);
  throwsOneLine(() => parseShard('auto', { JOB_COMPLETION_INDEX: '0', MPO_SHARD_COUNT: '0' }), /^MPO_SHARD_COUNT is "0": expected a whole number >= 1/);
  throwsOneLine(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: 'x', SLURM_ARRAY_TASK_COUNT: '2' }),
    /^SLURM_ARRAY_TASK_ID is "x": expected a whole number >= 0/);
  throwsOneLine(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_COUNT: '2.5' }), /^SLURM_ARRAY_TASK_COUNT is "2\.5"/);
  throwsOneLine(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '1', SLURM_ARRAY_TASK_MIN: 'one', SLURM_ARRAY_TASK_COUNT: '2' }),
    /^SLURM_ARRAY_TASK_MIN is "one"/);
  throwsOneLine(() => parseShard('auto/5', { JOB_COMPLETION_INDEX: '0', MPO_SHARD_COUNT: '4' }),
    /^--shard auto\/5 says 5 shards but MPO_SHARD_COUNT says 4: make them equal/);
  throwsOneLine(() => parseShard('auto', { SLURM_ARRAY_TASK_ID: '0', SLURM_ARRAY_TASK_COUNT: '4', MPO_SHARD_COUNT: '8' }),
    /^MPO_SHARD_COUNT says 8 shards but SLURM_ARRAY_TASK_COUNT says 4: make them equal \(submit the array with N tasks/);
  for (const bad of ['auto/0', 'auto/x', 'auto/']) {
    throwsOneLine(() => parseShard(bad, { JOB_COMPLETION_INDEX: '0' }), /^--shard is "auto\/.*": give auto\/N with N the number of shards/);
  }
  throwsOneLine(() => parseShard('autox', {}), /^--shard is "autox": give i\/N with whole numbers 1 <= i <= N, e\.g\. --shard 1\/4, or auto/);
  throwsOneLine(() => parseShard('0/3', {}), /^--shard 0\/3 is out of range/);
});

test('study plan: --shard auto picks the runs of index mod N = task index, and the array covers the plan once', () => {
  const runs = planRuns(buildPlan());
  assert.equal(runs.length, 90);
  const env = (id: number) => ({ SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_COUNT: '4' });
  const third = shardRuns(runs, parseShard('auto', env(3)));
  assert.deepEqual(third.map((r) => r.index), Array.from({ length: 22 }, (_, k) => 2 + 4 * k));
  assert.equal(third[0].name, 'plain-cnn6-small-p0.1-s3');
  assert.deepEqual(third, shardRuns(runs, parseShard('3/4')));
  const k8s = shardRuns(runs, parseShard('auto', { JOB_COMPLETION_INDEX: '2', MPO_SHARD_COUNT: '4' }));
  assert.deepEqual(k8s, third, 'Kubernetes index 2 is SLURM task 3 of --array=1-4');
  const seen = [1, 2, 3, 4].flatMap((id) => shardRuns(runs, parseShard('auto', env(id))).map((r) => r.index)).sort((a, b) => a - b);
  assert.deepEqual(seen, runs.map((r) => r.index), 'every run exactly once');
  assert.ok(inShard(6, { index: 3, count: 4 }) && !inShard(7, { index: 3, count: 4 }));
});

test("mpo study bn --shard auto --backend: the dry run lists the task's runs; without a job array, one error line", () => {
  const r = mpo({ JOB_COMPLETION_INDEX: '1', MPO_SHARD_COUNT: '30' }, 'study', 'bn', '--shard', 'auto', '--backend', 'cpu', '--dry-run');
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^ {2}--backend +cpu$/m, "mpo study bn --backend sets every run's backend");
  assert.match(r.stdout,
    /^shard 2\/30 \(JOB_COMPLETION_INDEX=1, MPO_SHARD_COUNT=30\): 3 runs: plain-cnn6-small-p0\.1-s2, plain-cnn6-small-p0\.7-s2, bn-cnn-small-p0\.4-s2$/m);
  const bad = mpo({}, 'study', 'bn', '--shard', 'auto', '--out', 'never');
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /^mpo: error: --shard auto found neither SLURM_ARRAY_TASK_ID/m);
  assert.ok(!/\n\s+at /.test(bad.stderr), bad.stderr);
  assert.ok(!existsSync(join(tmp, 'never')), 'nothing written');
});

test('gallery: a shard takes the patterns at positions i-1, i-1+N, ... of the whole gallery', () => {
  const out = join(tmp, 'entries');
  const all = galleryEntries({ out, patterns: ['heart', 'ring', 'star', 'smiley', 'moon'] });
  const names = (s: Shard) => shardItems(all, s).map((e) => e.name);
  assert.deepEqual(names(parseShard('auto', { JOB_COMPLETION_INDEX: '0', MPO_SHARD_COUNT: '2' })), ['heart', 'star', 'moon']);
  assert.deepEqual(names(parseShard('auto', { SLURM_ARRAY_TASK_ID: '2', SLURM_ARRAY_TASK_COUNT: '2', SLURM_ARRAY_TASK_MIN: '1' })), ['ring', 'smiley']);
  assert.deepEqual(names(parseShard('3/3')), ['star']);
  assert.deepEqual(names(parseShard('6/6')), [], 'more shards than patterns: the last ones are empty');
  assert.deepEqual(shardItems(all).map((e) => e.name), all.map((e) => e.name), 'no shard: everything');
});

test('gallery shards fit only their patterns into one folder, draw nothing; the run without a shard skips them all and draws the gallery', async () => {
  const out = join(tmp, 'g');
  const settings: Partial<FitConfig> = { patternSize: 10, steps: 3, trainImages: 200, evalImages: 40, quickEvalImages: 40, batchSize: 16, cellsPerStep: 4,
    evalEvery: 0, workers: 1 };
  const opts = { patterns: ['heart', 'ring', 'star'], out, settings, jobs: 1 };
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const second = await runGallery({ ...opts, log, shard: parseShard('auto', { JOB_COMPLETION_INDEX: '1', MPO_SHARD_COUNT: '2' }) });
  assert.deepEqual(second.map((r) => r.pattern), ['ring']);
  assert.ok(existsSync(join(out, 'ring', 'summary.json')));
  assert.ok(!existsSync(join(out, 'heart')) && !existsSync(join(out, 'star')), "other shards' patterns untouched");
  assert.ok(!existsSync(join(out, 'gallery.png')) && !existsSync(join(out, 'gallery.json')), 'a shard draws no gallery');
  assert.ok(lines.some((l) => /^gallery: shard 2\/2 \(JOB_COMPLETION_INDEX=1, MPO_SHARD_COUNT=2\): 1 of 3 patterns \(ring\) in /.test(l)), lines.join('\n'));
  assert.ok(lines.some((l) => /run the same mpo gallery command without --shard to draw the gallery/.test(l)), lines.join('\n'));

  const first = await runGallery({ ...opts, log, shard: parseShard('1/2') });
  assert.deepEqual(first.map((r) => r.pattern), ['heart', 'star']);
  assert.ok(!existsSync(join(out, 'gallery.json')));

  lines.length = 0;
  const whole = await runGallery({ ...opts, log });
  assert.ok(lines.some((l) => /skipping finished heart, ring, star/.test(l)), lines.join('\n'));
  assert.ok(!lines.some((l) => /^\[\d+\/\d+\]/.test(l)), `nothing fitted again:\n${lines.join('\n')}`);
  assert.deepEqual(whole.map((r) => r.pattern), ['heart', 'ring', 'star']);
  const json = JSON.parse(readFileSync(join(out, 'gallery.json'), 'utf8')) as GalleryRow[];
  assert.deepEqual(json.map((r) => r.pattern), ['heart', 'ring', 'star']);
  assert.equal(json[1].auc_test, JSON.parse(readFileSync(join(out, 'ring', 'summary.json'), 'utf8')).auc_test);
  assert.ok(existsSync(join(out, 'gallery.png')) && existsSync(join(out, 'report.html')));
});
