import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatTable, makeRecord, machineFromGpuLine, parseRecords, resultsFile, summarize, type StepRecord } from '../bench/gpu/table.js';
import { bundlePathOf, relativeUrl } from '../bench/gpu/build-bundle.js';
import { parseWorkloadArgs, WORKLOADS } from '../bench/workload.js';

const root = new URL('..', import.meta.url).pathname;
const script = join(root, 'bench', 'gpu', 'run-device.sh');

/** A step record of the fixture: ok unless said otherwise. */
function rec(step: string, meta: Partial<StepRecord>, result: Record<string, unknown> | null, extra: Partial<StepRecord> = {}): StepRecord {
  return { step, engine: 'mpo', status: 'ok', rc: 0, wall_s: 1, budget_s: 60, result, error: null, ...meta, ...extra };
}

/** What run-device.sh would record on an H200: known values, so known ratios and bars. */
const FIXTURE: StepRecord[] = [
  rec('gpu', { engine: 'info' }, null, { stdout_tail: ['GPU 0: NVIDIA H200 (UUID: GPU-0000)'] }),
  rec('probe-webgpu', { engine: 'probe' }, { adapter: { vendor: 'nvidia', device: 'nvidia-h200' }, error: null }),
  rec('probe-torch', { engine: 'probe' }, { torch: '2.11.0', cuda: true }),
  rec('webgpu-reduced', { workload: 'reduced', backend: 'webgpu', workers: 1 }, { seconds: 0.08 }),
  rec('cuda-reduced', { engine: 'torch', workload: 'reduced', device: 'cuda', threads: 2 }, { iter_s_median: 0.1 }),
  rec('webgpu-paper', { workload: 'paper', backend: 'webgpu', workers: 1 }, { seconds: 0.3 }),
  rec('cuda-paper', { engine: 'torch', workload: 'paper', device: 'cuda', threads: 2 }, { iter_s_median: 0.44 }),
  rec('webgpu-mlp', { workload: 'mlp', backend: 'webgpu', workers: 1 }, null, { status: 'failed', rc: 1, error: 'workload mlp: error: boom' }),
  rec('cuda-mlp', { engine: 'torch', workload: 'mlp', device: 'cuda', threads: 2 }, { iter_s_median: 0.32 }),
  rec('webgpu-landscape', { workload: 'landscape', backend: 'webgpu', workers: 1 }, { seconds: 1000 / 300000, images_per_cell: 1000, images_per_s: 300000 }),
  rec('cuda-landscape', { engine: 'torch', workload: 'landscape', device: 'cuda', threads: 2 }, { eval_images_per_s: 268000 }),
  rec('fit-webgpu', { workload: 'fit', backend: 'webgpu', workers: 1, steps: 100 }, { auc_test: 0.995 }),
  rec('fit-wasm', { workload: 'fit', backend: 'wasm', workers: 1, steps: 100 }, { auc_test: 0.9962 }),
  rec('cpu-reduced', { engine: 'torch', workload: 'reduced', device: 'cpu', threads: 16 }, { iter_s_median: 0.26 }),
  rec('wasm-w16-reduced', { workload: 'reduced', backend: 'wasm', workers: 16 }, { seconds: 0.364 }),
  rec('wasm-w1-reduced', { workload: 'reduced', backend: 'wasm', workers: 1 }, { seconds: 2.0 }),
  rec('wasm-w2-reduced', { workload: 'reduced', backend: 'wasm', workers: 2 }, { seconds: 1.25 }),
  rec('cpu-paper', { engine: 'torch', workload: 'paper', device: 'cpu', threads: 16 }, null, { status: 'skipped', rc: null, error: 'out of time' }),
  rec('wasm-w16-paper', { workload: 'paper', backend: 'wasm', workers: 16 }, null, { status: 'timeout', rc: 124, error: 'timed out after 90 s' }),
];

const close = (a: number | null, b: number) => assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${a} is not ${b}`);

test('the table: ratios against torch CUDA and CPU, the bars, the scaling and the fits', () => {
  const s = summarize(FIXTURE);
  const row = (w: string) => s.rows.find((r) => r.workload === w)!;
  close(row('reduced').ratio_cuda, 0.8);
  assert.equal(row('reduced').pass_cuda, true);
  close(row('paper').ratio_cuda, 0.3 / 0.44);
  assert.equal(row('paper').pass_cuda, false, 'paper must be at most 0.5x torch CUDA');
  assert.equal(row('mlp').ratio_cuda, null);
  assert.equal(row('mlp').pass_cuda, null);
  assert.equal(row('mlp').webgpu.status, 'failed');
  close(row('landscape').ratio_cuda, 268000 / 300000);
  assert.equal(row('landscape').pass_cuda, true);
  close(row('reduced').ratio_cpu, 1.4);
  assert.equal(row('reduced').pass_cpu, true);
  assert.equal(row('reduced').wasm.parallel, 16, 'the all-cores run, not the scaling runs');
  assert.equal(row('paper').wasm.status, 'timeout');
  assert.deepEqual(s.scaling.map((r) => r.workers), [1, 2, 16]);
  close(s.scaling[1].speedup, 1.6);
  close(s.scaling[2].ratio_cpu, 1.4);
  close(s.fit.diff, 0.0012);
  assert.equal(s.fit.pass, true);
  assert.equal(s.fit.steps, 100);
  const bar = (name: RegExp) => s.bars.find((b) => name.test(b.name))!;
  assert.equal(bar(/landscape images\/s/).op, '>=');
  close(bar(/landscape images\/s/).value, 300000 / 268000);
  assert.equal(bar(/wasm reduced, 16 workers \/ torch CPU, 16 threads/).pass, true);
  assert.deepEqual(s.problems.map((p) => p.step), ['webgpu-mlp', 'cpu-paper', 'wasm-w16-paper']);

  const text = formatTable(s);
  assert.match(text, /^reduced\s+0\.0800 s\s+0\.100 s\s+0\.80x\s+pass \(<=1x\)\s+0\.364 s\s+0\.260 s\s+1\.4x\s+pass \(<=1\.5x\)$/m);
  assert.match(text, /^paper\s+0\.300 s\s+0\.440 s\s+0\.68x\s+FAIL \(<=0\.5x\)\s+timeout\s+skipped/m);
  assert.match(text, /^landscape\s+300,000\/s\s+268,000\/s\s+0\.89x\s+pass/m);
  assert.match(text, /test AUC: webgpu 0\.9950, wasm 0\.9962, \|diff\| 0\.0012: pass/);
  assert.match(text, /webgpu-mlp: failed: workload mlp: error: boom/);
});

test('the results file is named after the GPU and keeps every step', () => {
  assert.equal(machineFromGpuLine('GPU 0: NVIDIA H200 (UUID: GPU-0000)'), 'nvidia-h200');
  assert.equal(machineFromGpuLine('NVIDIA-SMI has failed'), null);
  const f = resultsFile(FIXTURE, { date: new Date('2026-12-05T10:00:00Z') });
  assert.equal(f.format, 'mpo-gpu-check/1');
  assert.equal(f.machine, 'nvidia-h200');
  assert.deepEqual(f.adapter, { vendor: 'nvidia', device: 'nvidia-h200' });
  assert.equal(f.steps.length, FIXTURE.length);
  assert.equal(resultsFile(FIXTURE, { machine: 'h200-lab' }).machine, 'h200-lab');

  const dir = mkdtempSync(join(tmpdir(), 'mpo-gpu-table-'));
  writeFileSync(join(dir, 'results.jsonl'), `${FIXTURE.map((r) => JSON.stringify(r)).join('\n')}\n{"step":"half-writ`);
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'bench', 'gpu', 'table.ts'), 'table', '--in',
    join(dir, 'results.jsonl'), '--write', dir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /mpo GPU check on nvidia-h200 \(GPU 0: NVIDIA H200/);
  const written = readdirSync(dir).filter((n) => /^\d{4}-\d{2}-\d{2}-nvidia-h200\.json$/.test(n));
  assert.equal(written.length, 1);
  assert.equal(JSON.parse(readFileSync(join(dir, written[0]), 'utf8')).steps.length, FIXTURE.length);
  rmSync(dir, { recursive: true, force: true });
});

test('a step record: result from the last JSON line, timeouts, failures and skips in one line each', () => {
  const base = { step: 'webgpu-reduced', meta: 'engine=mpo,workload=reduced,backend=webgpu,workers=1', wall_s: 3, budget_s: 90 };
  const ok = makeRecord({ ...base, rc: 0, stdout: 'noise\n{"name":"reduced","seconds":0.5}\n', stderr: '' });
  assert.equal(ok.status, 'ok');
  assert.equal(ok.workers, 1);
  assert.deepEqual(ok.result, { name: 'reduced', seconds: 0.5 });
  const failed = makeRecord({ ...base, rc: 1, stdout: '',
    stderr: "Warning: Couldn't load Vulkan\nworkload reduced: error: no GPU adapter found (x)\n\nNode.js v20.20.2\n" });
  assert.equal(failed.status, 'failed');
  assert.equal(failed.error, 'workload reduced: error: no GPU adapter found (x)');
  const timedOut = makeRecord({ ...base, rc: 124, stdout: '', stderr: '' });
  assert.equal(timedOut.status, 'timeout');
  assert.equal(timedOut.error, 'timed out after 90 s');
  const probe = makeRecord({ step: 'probe-webgpu', meta: 'engine=probe', rc: 3, wall_s: 0.1, budget_s: 30, stdout: '{"adapter":null,"error":"no GPU adapter"}',
    stderr: 'Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER\n' });
  assert.equal(probe.error, 'no GPU adapter (Warning: vkCreateInstance failed with VK_ERROR_INCOMPATIBLE_DRIVER)');
  const info = makeRecord({ step: 'gpu', meta: 'engine=info', rc: 0, wall_s: 0.1, budget_s: 20, stdout: 'GPU 0: NVIDIA H200 (UUID: x)\n', stderr: '' });
  assert.equal(info.status, 'ok');
  assert.deepEqual(info.stdout_tail, ['GPU 0: NVIDIA H200 (UUID: x)']);
  const skipped = makeRecord({ ...base, rc: null, stdout: '', stderr: '', skip: 'out of time' });
  assert.deepEqual([skipped.status, skipped.error, skipped.rc], ['skipped', 'out of time', null]);
  assert.equal(parseRecords(`${JSON.stringify(ok)}\n\n{"broken`).length, 1);
});

test("run-device.sh parses, and its torch arguments are the workloads' own", () => {
  const r = spawnSync('bash', ['-n', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(script, 'utf8');
  for (const w of ['paper', 'reduced', 'mlp', 'landscape'] as const) {
    assert.equal(text.match(new RegExp(`^REF_${w}="([^"]*)"$`, 'm'))?.[1], WORKLOADS[w].ref.join(' '), `REF_${w}`);
    assert.equal(text.match(new RegExp(`^QREF_${w}="([^"]*)"$`, 'm'))?.[1], WORKLOADS[w].quickRef.join(' '), `QREF_${w}`);
  }
});

test('workload options: webgpu runs on one worker, bad values are one-line errors', () => {
  assert.deepEqual(parseWorkloadArgs(['reduced'], 8), { name: 'reduced', quick: false, backend: 'wasm', workers: 8, iters: null, grid: null });
  assert.equal(parseWorkloadArgs(['paper', '--backend', 'webgpu', '--workers', '16'], 8).workers, 1);
  assert.deepEqual(parseWorkloadArgs(['landscape', '--quick', '--workers', '4', '--grid', '5', '--iters', '2'], 8), { name: 'landscape', quick: true,
    backend: 'wasm', workers: 4, iters: 2, grid: 5 });
  assert.throws(() => parseWorkloadArgs(['reduced', '--backend', 'tpu'], 8), /^Error: unknown backend tpu: use wasm, webgpu, cpu$/);
  assert.throws(() => parseWorkloadArgs(['reduced', '--workers', '0'], 8), /--workers needs a positive integer, got 0/);
  assert.throws(() => parseWorkloadArgs(['nope'], 8), /unknown workload nope/);
});

test('bundle paths: sources map to the dist layout, URLs between bundles are relative', () => {
  assert.equal(bundlePathOf('src/node/output/png.ts'), 'dist/node/output/png.js');
  assert.equal(bundlePathOf('bench/workload.ts'), 'bench/workload.js');
  assert.equal(relativeUrl('dist/cli/main.js', 'dist/node/output/png.js'), '../node/output/png.js');
  assert.equal(relativeUrl('bench/workload.js', 'dist/node/parallel/pool.js'), '../dist/node/parallel/pool.js');
  assert.equal(relativeUrl('bench/gpu/table.js', 'wasm/'), '../../wasm/');
  assert.equal(relativeUrl('dist/cli/main.js', 'dist/cli/main.js'), './main.js');
  // What the fonts path in png.ts resolves to from the CLI bundle: mpo/assets, as from dist/.
  const png = new URL(relativeUrl('dist/cli/main.js', 'dist/node/output/png.js'), 'file:///b/mpo/dist/cli/main.js');
  assert.equal(new URL('../../../assets/fonts/x.ttf', png).pathname, '/b/mpo/assets/fonts/x.ttf');
});
