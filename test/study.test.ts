import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '../src/node/tf-node.js';
import type { FitConfig } from '../src/core/config.js';
import { createCnn } from '../src/core/models/cnn.js';
import { STUDY_MODELS, withInputPool } from '../src/core/models/study-models.js';
import { buildPlan, parseFills, parseShard, planHeadline, planRuns, shardRuns } from '../src/node/study/plan.js';
import { figureCurves, learningCurves } from '../src/node/study/figures.js';
import { formatPaired, formatResults, pairedDifference, pairedTable, parseResults, summarize, PAIRED_HEADER,
  RESULTS_HEADER } from '../src/node/study/results.js';
import { mergeStudy, planDifference, runStudy } from '../src/node/study/study.js';
import { errorLine } from './helpers.js';

const root = new URL('..', import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), 'mpo-study-'));
/** A tiny study: 5x5 masks, 3 steps, 16 evaluation images, 2 fills x 1 seed x 2 models = 4 runs. */
const TINY: Partial<FitConfig> = {
  patternSize: 5,
  steps: 3,
  batchSize: 8,
  cellsPerStep: 2,
  evalImages: 16,
  trainImages: 64,
  checkpointEvery: 2,
  logEvery: 1,
  evalEvery: 2,
  quickEvalImages: 8,
};
const STUDY = { scale: 'cpu' as const, fills: [0.3, 0.6], seeds: 1, overrides: TINY, log: () => {} };
const read = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8');

function mpo(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), ...args], {
    cwd: tmp,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('plan: 90 runs by default, ordered (model, p, seed); shards split them by index mod N', () => {
  const plan = buildPlan();
  const runs = planRuns(plan);
  assert.equal(runs.length, 90);
  assert.equal(runs[0].name, 'plain-cnn6-small-p0.1-s1');
  assert.equal(runs[89].name, 'bn-cnn-small-p0.9-s5');
  assert.deepEqual(runs[6].config.randomMask, 0.2);
  assert.equal(runs[6].config.seed, 2);
  const a = shardRuns(runs, parseShard('1/2')), b = shardRuns(runs, parseShard('2/2'));
  assert.equal(a.length + b.length, 90);
  assert.deepEqual(a.map((r) => r.index), runs.filter((r) => r.index % 2 === 0).map((r) => r.index));
  assert.equal(a.filter((r) => r.model.startsWith('bn')).length, 22, 'both shards get runs of both models');
  assert.deepEqual(parseFills('0.5, 0.1'), [0.1, 0.5]);
  assert.throws(() => parseFills('0.1,1'), /--fills has "1": give fill probabilities strictly between 0 and 1/);
  assert.throws(() => buildPlan({ overrides: { seed: 3 } }), /the study sets "seed" per run: remove it/);
  assert.equal(buildPlan({ scale: 'paper' }).fit.batchSize, 512);
});

test('plan headline: names the settings the runs use, --config overrides included', () => {
  assert.equal(planHeadline(buildPlan()),
    'cpu scale: plain-cnn6-small vs bn-cnn-small, 8x8 masks, batch 16, 4+4 cells, 400 steps, lr 0.002 cosine, white clip 2.5, xavier init');
  const he = planHeadline(buildPlan({ overrides: { steps: 3000, init: 'he' } }));
  assert.match(he, /, 3000 steps, .*, he init$/);
  assert.match(planHeadline(buildPlan({ scale: 'paper' })),
    /^paper scale: plain-cnn6 vs bn-cnn, 30x30 framed ternary masks, batch 512, 50\+50 cells, 11800 steps, .*white clip 5/);
});

test('study models: the pair differs only by batch norm; the input is average-pooled 4x4 first', async () => {
  await tf.setBackend('cpu');
  const ctx = { inputShape: [28, 28, 1] as const, numClasses: 10 };
  const plain = STUDY_MODELS['plain-cnn6-small'].create(ctx), bn = STUDY_MODELS['bn-cnn-small'].create(ctx);
  assert.deepEqual(plain.inputShape, [28, 28, 1]);
  assert.deepEqual(bn.params.filter((p) => !p.name.startsWith('bn')), plain.params);
  assert.equal(bn.params.length - plain.params.length, 12, 'scale and shift of 6 batch norms');
  assert.ok(bn.usesBatchStats && !plain.usesBatchStats);
  // Weights of the inner 7x7 model; an image constant on each 4x4 block equals its 7x7 version.
  const inner = createCnn({ inputShape: [7, 7, 1], channels: [2, 2], pool: false, hidden: 8 });
  const wrapped = withInputPool(inner, { name: 'w', description: 'w', inputShape: [28, 28, 1], factor: 4 });
  const w = Object.fromEntries(inner.params.map((p, i) => [p.name, tf.randomNormal([...p.shape], 0, 0.3, 'float32', i + 1)]));
  const small = tf.randomUniform([3, 7, 7, 1], 0, 1, 'float32', 7) as tf.Tensor4D;
  const big = tf.image.resizeNearestNeighbor(small, [28, 28]) as tf.Tensor4D;
  const a = wrapped.forward(w, big).arraySync(), b = inner.forward(w, small).arraySync();
  a.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - b[i][j]) < 1e-5, `logit ${i},${j}`)));
  assert.throws(() => withInputPool(inner, { name: 'w', description: 'w', inputShape: [30, 30, 1], factor: 4 }),
    /input pool 4 does not divide the input 30x30/);
});

test('results CSV: fixed format, sorted rows, round trip, mean and sample std', () => {
  const rows = [
    { model: 'b', p: 0.5, seed: 2, accBlack: 0.75, accWhite: 0.25, accDiff: 0.5, auc: 0.9 },
    { model: 'b', p: 0.5, seed: 1, accBlack: 0.5, accWhite: 0.25, accDiff: 0.25, auc: 0.8 },
    { model: 'a', p: 0.5, seed: 1, accBlack: 1 / 3, accWhite: 0, accDiff: 1 / 3, auc: 1 },
  ];
  const text = formatResults(rows);
  const nan5 = ',NaN,NaN,NaN,NaN,NaN';
  assert.equal(text, `${RESULTS_HEADER}\na,0.5,1,0.333333,0.000000,0.333333,1.000000${nan5}\n` +
    `b,0.5,1,0.500000,0.250000,0.250000,0.800000${nan5}\nb,0.5,2,0.750000,0.250000,0.500000,0.900000${nan5}\n`);
  assert.equal(formatResults(parseResults(text, 'x')), text);
  // The new columns round-trip; a legacy file (7 columns) still reads, its new values NaN.
  const full = formatResults([{ ...rows[0], bowlAuc: 0.875, boundaryAuc: 0.5, bowlBoundaryAuc: 0.625, logLossGap: 0.125, accBlackGap: -0.25 }]);
  assert.match(full, /\nb,0\.5,2,0\.750000,0\.250000,0\.500000,0\.900000,0\.875000,0\.500000,0\.625000,0\.125000,-0\.250000\n$/);
  assert.equal(formatResults(parseResults(full, 'x')), full);
  const legacy = parseResults('model,p,seed,acc_black,acc_white,acc_diff,auc\nb,0.5,2,0.75,0.25,0.5,0.9\n', 'old');
  assert.equal(legacy[0].auc, 0.9);
  assert.equal(formatResults(legacy), `${RESULTS_HEADER}\nb,0.5,2,0.750000,0.250000,0.500000,0.900000${nan5}\n`);
  const s = summarize(rows).find((r) => r.model === 'b')!;
  assert.equal(s.runs, 2);
  assert.equal(s.accDiff.mean, 0.375);
  assert.ok(Math.abs(s.accDiff.std - Math.SQRT1_2 * 0.25) < 1e-12);
  assert.throws(() => parseResults('model,p\n', '"f.csv"'), /"f.csv" does not start with the header/);
});

test('paired differences: without minus with BN by seed, standard error over seeds, runs without a partner ignored; pooled over fills by seed', async () => {
  const { findingOf } = await import('../src/node/study/study.js');
  const plan = buildPlan({ fills: [0.3, 0.5, 0.9], seeds: 2 });
  const { plain: a, bn: b } = plan.models;
  const row = (model: string, p: number, seed: number, accDiff: number) => ({ model, p, seed, accBlack: 0.75, accWhite: 0.75 - accDiff, accDiff, auc: 1 });
  const rows = [row(a, 0.5, 1, 0.5), row(a, 0.5, 2, 0.3), row(a, 0.5, 3, 0.9), row(b, 0.5, 1, 0.2), row(b, 0.5, 2, 0.4), row(a, 0.3, 1, 0.6),
    row(b, 0.3, 1, 0.1), row(a, 0.3, 2, 0.2), row(b, 0.3, 2, 0.4), row(a, 0.9, 1, 0.7), row(b, 0.9, 1, 0.7)];
  const at5 = pairedDifference(rows, a, b, [0.5]);
  assert.deepEqual({ fills: at5.fills, seeds: at5.seeds, positive: at5.positive, df: at5.df, mean: +at5.mean.toFixed(12), se: +at5.se.toFixed(12) }, {
    fills: [0.5],
    seeds: 2,
    mean: 0.1,
    se: 0.2,
    positive: 1,
    df: 1,
  });
  // With one degree of freedom Student's t is the Cauchy distribution: P(|T| >= t) = 1 - 2 atan(t) / pi, t_0.975 = tan(0.475 pi).
  const q1 = Math.tan(0.475 * Math.PI);
  assert.ok(Math.abs(at5.t - 0.5) < 1e-12 && Math.abs(at5.p - (1 - 2 * Math.atan(0.5) / Math.PI)) < 1e-9, `${at5.t} ${at5.p}`);
  assert.ok(Math.abs(at5.lo - (0.1 - q1 * 0.2)) < 1e-9 && Math.abs(at5.hi - (0.1 + q1 * 0.2)) < 1e-9, `${at5.lo} ${at5.hi}`);
  const tail = (m: number, se: number) => {
    const t = m / se;
    return `${t.toFixed(3)},1,${(1 - 2 * Math.atan(Math.abs(t)) / Math.PI).toFixed(4)},${(m - q1 * se).toFixed(6)},${(m + q1 * se).toFixed(6)}`;
  };
  const table = pairedTable(rows, a, b);
  assert.deepEqual(table.map((r) => [r.fills, r.seeds, r.positive]), [[[0.3], 2, 1], [[0.5], 2, 1], [[0.9], 1, 0], [[0.3, 0.5], 2, 1], [[0.3, 0.9], 2, 1]]);
  // Pooled over 0.3 and 0.5, a seed is one unit: seed 1 (0.5 + 0.3) / 2 = 0.4, seed 2 (-0.2 - 0.1) / 2 = -0.15; mean 0.125, std 0.388909,
  // se 0.275 (the four pairs taken as independent would give se 0.165).
  assert.equal(formatPaired(table),
    `${PAIRED_HEADER}\n0.3,2,0.150000,0.350000,1,${tail(0.15, 0.35)}\n0.5,2,0.100000,0.200000,1,${tail(0.1, 0.2)}\n0.9,1,0.000000,0.000000,0,,0,,,\n` +
      `0.3..0.5,2,0.125000,0.275000,1,${tail(0.125, 0.275)}\n` +
      // Pooled over all three fills: seed 1 (0.3 + 0.5 + 0) / 3 = 0.266667, seed 2 as before -0.15 (no run of b at 0.9); mean 0.058333,
      // se |0.266667 + 0.15| / 2 = 0.208333.
      `0.3..0.9,2,0.058333,0.208333,1,${tail(0.175 / 3, 1.25 / 6)}\n`);
  const finding = findingOf(plan, summarize(rows), table[3]);
  assert.match(finding,
    /; paired by seed \(same mask\) over p in 0\.3\.\.0\.5: without minus with BN 0\.125 \+- 0\.275 \(standard error over 2 seeds; t = 0\.45, df 1, two-sided p = 0\.7\d\d, 95% interval -3\.369 to 3\.619\), positive for 1 of 2 seeds$/);
  assert.doesNotMatch(findingOf(plan, summarize(rows), pairedDifference(rows, a, b, [0.9])), /paired by seed/, 'one seed: no standard error to give');
});

test('learning curves: mean and std over runs of the quick evaluations in metrics.jsonl; a damaged line is skipped; none gives no figure', () => {
  const dir = join(tmp, 'curves');
  const plan = buildPlan({ fills: [0.5], seeds: 2 });
  const runs = planRuns(plan);
  const quick = (step: number, black: number, diff: number) =>
    JSON.stringify({ step, loss: 1, acc_black_test_quick: black, acc_diff_test_quick: diff, auc_test_quick: 0.9 });
  const write = (name: string, lines: string[]) => {
    mkdirSync(join(dir, 'runs', name), { recursive: true });
    writeFileSync(join(dir, 'runs', name, 'metrics.jsonl'), lines.join('\n') + '\n');
  };
  const [p1, p2] = runs.filter((r) => r.model === plan.models.plain);
  write(p1.name, [JSON.stringify({ step: 1, loss: 2 }), quick(10, 0.2, 0.1), quick(20, 0.6, 0.4)]);
  write(p2.name, [quick(10, 0.4, 0.3), '{"step": 20, "acc_bla']);
  const [plain, bn] = learningCurves(plan, runs, [join(tmp, 'nowhere'), dir]);
  assert.equal(plain.runs, 2);
  assert.deepEqual(plain.steps, [10, 20]);
  assert.ok(Math.abs(plain.accBlack[0].mean - 0.3) < 1e-12 && Math.abs(plain.accBlack[0].std - Math.SQRT2 * 0.1) < 1e-12, JSON.stringify(plain));
  assert.deepEqual(plain.accBlack[1], { mean: 0.6, std: 0 }, 'step 20: only the run whose line is whole');
  assert.deepEqual(plain.accDiff.map((m) => +m.mean.toFixed(12)), [0.2, 0.4]);
  assert.deepEqual({ runs: bn.runs, steps: bn.steps }, { runs: 0, steps: [] });
  const fig = figureCurves(plan, runs, [dir]);
  assert.ok(fig && /mean ± std over runs \(2 without BN, 0 with\)/.test(fig.body) && /without BN, black-cell accuracy/.test(fig.body), fig?.body.slice(0, 300));
  assert.equal(figureCurves(plan, runs, [join(tmp, 'nowhere')]), null);
  for (const r of runs.filter((x) => x.model === plan.models.bn)) write(r.name, [quick(10, 0.5, 0.2)]);
  assert.match(figureCurves(plan, runs, [dir])!.body, /mean ± std over 2 runs per model/);
});

test('a tiny study run whole equals the same study run as two shards and merged; reruns skip finished runs', async () => {
  const whole = join(tmp, 'whole');
  const w = await runStudy({ ...STUDY, out: whole, jobs: 2 });
  assert.equal(w.runs, 4);
  assert.equal(w.skipped, 0);
  const results = read(whole, 'results.csv');
  assert.equal(results.split('\n').length, 6, results);
  assert.match(results,
    /^model,p,seed,acc_black,acc_white,acc_diff,auc,bowl_auc,boundary_auc,bowl_boundary_auc,log_loss_gap,acc_black_gap\nbn-cnn-small,0\.3,1,\d\.\d{6},/);
  // Both models get the same mask, so the same bowl baseline; it is a number (not NaN) in every row.
  const bowls = results.trim().split('\n').slice(1).map((l) => l.split(',')[7]);
  assert.ok(bowls.every((b) => /^\d\.\d{6}$/.test(b)), results);
  assert.equal(bowls[0], bowls[2]);
  for (const f of ['summary.csv', 'paired.csv', 'fig4a-acc-diff.png', 'fig4b-acc.png', 'fig3.png', 'curves.png', 'report.html', 'study.json',
    'runs/plain-cnn6-small-p0.6-s1/summary.json']) {
    assert.ok(existsSync(join(whole, f)), f);
  }
  const fig = PNG.sync.read(readFileSync(join(whole, 'fig4a-acc-diff.png')));
  assert.ok(fig.width > 400 && fig.height > 250);
  const diff = (model: string, p: number) => w.merged!.summary.find((r) => r.model === model && r.p === p)!.accDiff.mean;
  const above = [0.3, 0.6].filter((p) => diff('plain-cnn6-small', p) > diff('bn-cnn-small', p)).length;
  assert.ok(w.merged!.finding.includes(`at this scale: without BN above with BN at ${above} of 2 fills; ` +
    `p=0.3: ${diff('plain-cnn6-small', 0.3).toFixed(3)} +- 0.000 vs ${diff('bn-cnn-small', 0.3).toFixed(3)} +- 0.000; p=0.6: `), w.merged!.finding);
  // One seed: the pooled row is the mean of its two fills' differences, with no standard error, and the finding gives none.
  const d = [0.3, 0.6].map((p) => diff('plain-cnn6-small', p) - diff('bn-cnn-small', p));
  assert.equal(read(whole, 'paired.csv').split('\n')[3], `0.3..0.6,1,${((d[0] + d[1]) / 2).toFixed(6)},0.000000,${(d[0] + d[1]) / 2 > 0 ? 1 : 0},,0,,,`);
  assert.doesNotMatch(w.merged!.finding, /paired by seed/);
  assert.match(read(whole, 'report.html'), /Learning curves: quick test evaluations during training/);

  // Shards 1/2 and 2/2 in two folders (in-process runs), then merged into the first.
  const s1 = join(tmp, 'shard1'), s2 = join(tmp, 'shard2');
  const r1 = await runStudy({ ...STUDY, out: s1, shard: parseShard('1/2'), jobs: 1 });
  const r2 = await runStudy({ ...STUDY, out: s2, shard: parseShard('2/2'), jobs: 1 });
  assert.equal(r1.runs + r2.runs, 4);
  assert.ok(existsSync(join(s1, 'results-shard-1-of-2.csv')) && existsSync(join(s2, 'results-shard-2-of-2.csv')));
  assert.ok(!existsSync(join(s1, 'results.csv')), 'a shard does not merge');
  assert.throws(() => mergeStudy([s1], () => {}), /2 of 4 runs have no results \(first: plain-cnn6-small-p0\.6-s1\): run the missing shards/);
  const m = mergeStudy([s1, s2], () => {});
  assert.equal(read(s1, 'results.csv'), results, 'byte-identical results.csv');
  assert.equal(read(s1, 'summary.csv'), read(whole, 'summary.csv'));
  assert.ok(existsSync(join(s1, 'fig3.png')), 'figure 3 from runs found in the second folder');
  assert.equal(m.rows.length, 4);

  // A rerun skips finished runs; a run without summary.json is resumed from its checkpoint.
  rmSync(join(whole, 'runs/bn-cnn-small-p0.6-s1/summary.json'));
  const again = await runStudy({ ...STUDY, out: whole, jobs: 1 });
  assert.equal(again.skipped, 3);
  assert.equal(read(whole, 'results.csv'), results);
  assert.match(read(whole, 'runs/bn-cnn-small-p0.6-s1/summary.json'), /"steps": 3/);
  const third = await runStudy({ ...STUDY, out: whole, jobs: 2 });
  assert.equal(third.skipped, 4);

  await assert.rejects(runStudy({ ...STUDY, seeds: 2, out: whole }),
    /study folder ".*whole" holds a study with other seeds \(\[1\] there, \[1,2\] now\): choose another --out/);
});

test('mpo study bn rejects bad --shard values with one-line errors', () => {
  assert.match(errorLine(mpo('study', 'bn', '--shard', '3/2', '--out', 'x')), /--shard 3\/2 is out of range: i must be in 1\.\.N \(here 1\.\.2\)/);
  assert.match(errorLine(mpo('study', 'bn', '--shard', 'x', '--out', 'x')), /--shard is "x": give i\/N with whole numbers 1 <= i <= N/);
  assert.ok(!existsSync(join(tmp, 'x')), 'nothing written');
});

test('a study plan written by an older mpo (a setting absent there, null now) is the same study', () => {
  const older = { seeds: [1, 2], fit: { steps: 30, lr: 0.002 } };
  assert.equal(planDifference(older, { seeds: [1, 2], fit: { steps: 30, lr: 0.002, initFrom: null } }), null);
  assert.equal(planDifference(older, { seeds: [1, 2], fit: { steps: 30, lr: 0.002, initFrom: 'a.mpo' } }), 'fit.initFrom (undefined there, "a.mpo" now)');
  assert.equal(planDifference(older, { seeds: [1, 2], fit: { steps: 40, lr: 0.002 } }), 'fit.steps (30 there, 40 now)');
  assert.equal(planDifference(older, { seeds: [1], fit: older.fit }), 'seeds ([1,2] there, [1] now)');
});
