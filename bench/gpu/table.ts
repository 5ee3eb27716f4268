/**
 * The GPU check's Node-side helper (bundled as `mpo/bench/gpu/table.js` by build-bundle.ts and
 * called by run-device.sh; also runs from source under tsx). Three subcommands:
 *
 * - `record --step NAME --meta k=v,k=v --rc N --wall S --budget S [--stdout F] [--stderr F] [--json F] [--skip WHY]`:
 *   prints one JSON line, a {@link StepRecord}, for a step that ran (its result is the last JSON
 *   line of its stdout, or the JSON file `--json`) or was skipped.
 * - `probe`: asks Dawn (the optional `webgpu` package) for a GPU adapter and prints one JSON line
 *   `{adapter: {vendor, architecture, device, description} | null, error}`; exits 3 without one.
 * - `table --in results.jsonl [--machine NAME] [--manifest MANIFEST.json] [--write DIR]`: prints the
 *   one table (mpo webgpu against torch CUDA, mpo wasm against torch CPU, the CPU scaling, the two
 *   fits' test AUCs, and the pass/fail of each bar) and writes `DIR/<date>-<machine>.json`, a
 *   {@link GpuCheckFile}.
 *
 * Ratios are mpo's time over torch's (for the landscape: per image), so below the bar passes.
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

/** The workloads of the table, in its order (bench/workload.ts's, without bn). */
export const TABLE_WORKLOADS = ['paper', 'reduced', 'mlp', 'landscape'] as const;

/** The bars of issue 19 for mpo webgpu: the most mpo's time may be, as a multiple of torch CUDA's (landscape: per image). */
export const GPU_BARS: Record<string, number> = { paper: 0.5, reduced: 1.0, mlp: 0.5, landscape: 1.0 };

/** The bars for mpo wasm on all cores: the most mpo's time may be, as a multiple of torch CPU's on all threads. */
export const CPU_BARS: Record<string, number> = { reduced: 1.5 };

/** The most the test AUCs of `mpo fit --backend webgpu` and `--backend wasm` may differ. */
export const FIT_AUC_BAR = 0.002;

/** How a step ended. */
export type StepStatus = 'ok' | 'failed' | 'timeout' | 'skipped';

/** One line of results.jsonl: one step of run-device.sh, with what the step is (its meta) and what it printed. */
export interface StepRecord {
  /** Unique step name, e.g. `webgpu-reduced`, `cuda-paper`, `wasm-w16-reduced`, `fit-wasm`. */
  step: string;
  /** `mpo`, `torch`, `probe` or `info`. */
  engine: string;
  /** paper, reduced, mlp, landscape or fit (absent for probes). */
  workload?: string;
  /** mpo's backend: webgpu, wasm or cpu. */
  backend?: string;
  /** torch's device: cuda or cpu. */
  device?: string;
  /** mpo's worker threads. */
  workers?: number;
  /** torch's threads. */
  threads?: number;
  /** Training steps of a fit. */
  steps?: number;
  status: StepStatus;
  /** Exit status (124 or 137: killed by `timeout`); null when skipped. */
  rc: number | null;
  /** Wall-clock seconds of the step, start-up included. */
  wall_s: number;
  /** The step's time limit in seconds. */
  budget_s: number;
  /** The step's JSON output (bench/workload.ts's line, torch_reference.py's line, summary.json of a fit). */
  result: Record<string, unknown> | null;
  /** Why it failed or was skipped (one line), else null. */
  error: string | null;
  /** The last lines of stdout when they were not JSON (e.g. `nvidia-smi -L`). */
  stdout_tail?: string[];
}

/** Parses a `k=v,k=v` meta string into record fields (numbers for workers, threads and steps). */
export function parseMeta(meta: string): Partial<StepRecord> {
  const out: Record<string, string | number> = {};
  for (const kv of meta.split(',').filter(Boolean)) {
    const at = kv.indexOf('=');
    if (at <= 0) throw new Error(`bad meta entry "${kv}": write key=value`);
    const k = kv.slice(0, at);
    const v = kv.slice(at + 1);
    out[k] = k === 'workers' || k === 'threads' || k === 'steps' ? Number(v) : v;
  }
  return out as Partial<StepRecord>;
}

/** The line that says why a command failed: its last stderr line that names an error, else its last non-empty one (Node's version footer skipped). */
export function errorLine(stderr: string): string | null {
  const lines = stderr.split('\n').map((l) => l.trim()).filter((l) => l && !/^Node\.js v\d/.test(l) && !/^at /.test(l));
  const named = lines.filter((l) => /error|exception|not found|cannot|couldn't|failed/i.test(l));
  return (named.pop() ?? lines.pop() ?? null)?.slice(0, 400) ?? null;
}

/** The last line of `text` that parses as a JSON object, or null. */
export function lastJsonLine(text: string): Record<string, unknown> | null {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  for (let i = lines.length - 1; i >= 0; i--) {
    if (!lines[i].startsWith('{')) continue;
    try {
      const v = JSON.parse(lines[i]) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
    } catch {
      // not JSON: keep looking
    }
  }
  return null;
}

/** What {@link makeRecord} needs about one step. */
export interface StepOutcome {
  step: string;
  meta: string;
  rc: number | null;
  wall_s: number;
  budget_s: number;
  stdout: string;
  stderr: string;
  /** Text of the step's result file (`--json`), when it has one instead of a JSON stdout line. */
  json?: string | null;
  /** Skip reason: the step did not run. */
  skip?: string;
}

/** Builds the {@link StepRecord} of a step from its exit status and output. */
export function makeRecord(o: StepOutcome): StepRecord {
  const base = { step: o.step, engine: 'info', ...parseMeta(o.meta), rc: o.rc, wall_s: o.wall_s, budget_s: o.budget_s };
  if (o.skip !== undefined) return { ...base, rc: null, status: 'skipped', result: null, error: o.skip };
  let result: Record<string, unknown> | null = null;
  if (o.json) {
    try {
      result = JSON.parse(o.json) as Record<string, unknown>;
    } catch {
      result = null;
    }
  } else {
    result = lastJsonLine(o.stdout);
  }
  const timedOut = o.rc === 124 || o.rc === 137;
  const status: StepStatus = timedOut ? 'timeout' : o.rc === 0 && (result !== null || base.engine === 'info') ? 'ok' : 'failed';
  const said = typeof result?.error === 'string' ? result.error : null; // a probe's own explanation
  const line = errorLine(o.stderr);
  const error = status === 'ok'
    ? null
    : timedOut
    ? `timed out after ${o.budget_s} s${line ? ` (last: ${line})` : ''}`
    : said
    ? `${said}${line ? ` (${line})` : ''}`
    : line ?? (o.rc === 0 ? 'printed no JSON result' : `exit status ${o.rc}`);
  const rec: StepRecord = { ...base, status, result, error };
  if (!result) {
    const tail = o.stdout.split('\n').map((l) => l.trimEnd()).filter(Boolean).slice(-5);
    if (tail.length) rec.stdout_tail = tail;
  }
  return rec;
}

/** Parses results.jsonl: one {@link StepRecord} a line (blank and unparsable lines are skipped). */
export function parseRecords(text: string): StepRecord[] {
  const out: StepRecord[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      out.push(JSON.parse(line) as StepRecord);
    } catch {
      // a half-written last line (the script was stopped): ignore
    }
  }
  return out;
}

/** One cell of the table: a measurement or why there is none. */
export interface Measure {
  /** Time per unit in seconds (s per step; for the landscape, s per image), null without a result. */
  seconds: number | null;
  /** Images per second (landscape only). */
  images_per_s: number | null;
  /** ok, failed, timeout, skipped, or `missing` (no such step ran). */
  status: StepStatus | 'missing';
  /** The step's error line, if any. */
  error: string | null;
  /** mpo's workers or torch's threads. */
  parallel: number | null;
}

/** One workload's row of the table. */
export interface TableRow {
  workload: string;
  /** `s per step`, or `images/s` for the landscape. */
  unit: string;
  webgpu: Measure;
  cuda: Measure;
  /** mpo webgpu's time over torch CUDA's, null when either is missing. */
  ratio_cuda: number | null;
  bar_cuda: number | null;
  /** true / false, or null when there is no bar or no ratio. */
  pass_cuda: boolean | null;
  wasm: Measure;
  cpu: Measure;
  ratio_cpu: number | null;
  bar_cpu: number | null;
  pass_cpu: boolean | null;
}

/** One row of the CPU scaling table (mpo wasm, reduced step). */
export interface ScalingRow {
  workers: number;
  s_per_step: number;
  /** The 1-worker time over this one (null without a 1-worker result). */
  speedup: number | null;
  /** This time over torch CPU's (all threads). */
  ratio_cpu: number | null;
}

/** The two short fits compared. */
export interface FitComparison {
  steps: number | null;
  auc_webgpu: number | null;
  auc_wasm: number | null;
  diff: number | null;
  bar: number;
  pass: boolean | null;
  webgpu_error: string | null;
  wasm_error: string | null;
}

/** A bar of the issue and whether it was met (null: not measured). */
export interface BarResult {
  name: string;
  value: number | null;
  bar: number;
  /** `<=` (value at most bar) or `>=`. */
  op: '<=' | '>=';
  pass: boolean | null;
}

/** Everything the table shows. */
export interface GpuCheckSummary {
  rows: TableRow[];
  scaling: ScalingRow[];
  fit: FitComparison;
  bars: BarResult[];
  /** Failed, timed-out and skipped steps with their reasons. */
  problems: { step: string; status: StepStatus; error: string | null; }[];
}

/** The measurement of one mpo or torch record: time per unit (landscape: per image). */
function measureOf(r: StepRecord | undefined): Measure {
  if (!r) return { seconds: null, images_per_s: null, status: 'missing', error: null, parallel: null };
  const parallel = r.engine === 'torch' ? (r.threads ?? (r.result?.threads as number | undefined) ?? null) : (r.workers ?? null);
  const m: Measure = { seconds: null, images_per_s: null, status: r.status, error: r.error, parallel };
  if (r.status !== 'ok' || !r.result) return m;
  const res = r.result;
  if (r.workload === 'landscape') {
    const ips = r.engine === 'torch'
      ? (res.eval_images_per_s as number | undefined)
      : ((res.images_per_s as number | undefined) ?? (typeof res.seconds === 'number' && typeof res.images_per_cell === 'number'
        ? res.images_per_cell / res.seconds
        : undefined));
    if (typeof ips === 'number' && ips > 0) Object.assign(m, { images_per_s: ips, seconds: 1 / ips });
  } else {
    const s = r.engine === 'torch' ? res.iter_s_median : res.seconds;
    if (typeof s === 'number') m.seconds = s;
  }
  return m;
}

/** The last record matching `f`, preferring ok ones; among ok ones the one with the most workers/threads when `most` is set. */
function pick(records: StepRecord[], f: (r: StepRecord) => boolean, most = false): StepRecord | undefined {
  const all = records.filter(f);
  const ok = all.filter((r) => r.status === 'ok');
  if (!ok.length) return all.at(-1);
  if (!most) return ok.at(-1);
  return ok.reduce((a, b) => ((b.workers ?? b.threads ?? 0) >= (a.workers ?? a.threads ?? 0) ? b : a));
}

const ratioOf = (a: Measure, b: Measure) => (a.seconds !== null && b.seconds !== null && b.seconds > 0 ? a.seconds / b.seconds : null);
const passOf = (ratio: number | null, bar: number | null) => (ratio === null || bar === null ? null : ratio <= bar);

/** Builds the table's content from the records of one run of run-device.sh. */
export function summarize(records: StepRecord[]): GpuCheckSummary {
  const rows: TableRow[] = TABLE_WORKLOADS.map((w) => {
    const webgpu = measureOf(pick(records, (r) => r.engine === 'mpo' && r.backend === 'webgpu' && r.workload === w));
    const cuda = measureOf(pick(records, (r) => r.engine === 'torch' && r.device === 'cuda' && r.workload === w));
    const wasm = measureOf(pick(records, (r) => r.engine === 'mpo' && r.backend === 'wasm' && r.workload === w, true));
    const cpu = measureOf(pick(records, (r) => r.engine === 'torch' && r.device === 'cpu' && r.workload === w, true));
    const ratio_cuda = ratioOf(webgpu, cuda);
    const ratio_cpu = ratioOf(wasm, cpu);
    const bar_cuda = GPU_BARS[w] ?? null;
    const bar_cpu = CPU_BARS[w] ?? null;
    return { workload: w, unit: w === 'landscape' ? 'images/s' : 's per step', webgpu, cuda, ratio_cuda, bar_cuda, pass_cuda: passOf(ratio_cuda, bar_cuda),
      wasm, cpu, ratio_cpu, bar_cpu, pass_cpu: passOf(ratio_cpu, bar_cpu) };
  });
  const reducedCpu = rows.find((r) => r.workload === 'reduced')!.cpu;
  const byWorkers = new Map<number, number>();
  for (const r of records) {
    if (r.engine !== 'mpo' || r.backend !== 'wasm' || r.workload !== 'reduced' || r.status !== 'ok') continue;
    const s = measureOf(r).seconds;
    if (s !== null && r.workers) byWorkers.set(r.workers, s);
  }
  const one = byWorkers.get(1) ?? null;
  const scaling = [...byWorkers.entries()].sort((a, b) => a[0] - b[0]).map(([workers, s]) => ({
    workers,
    s_per_step: s,
    speedup: one === null ? null : one / s,
    ratio_cpu: reducedCpu.seconds === null ? null : s / reducedCpu.seconds,
  }));
  const fitOf = (backend: string) => pick(records, (r) => r.engine === 'mpo' && r.workload === 'fit' && r.backend === backend);
  const fw = fitOf('webgpu');
  const fa = fitOf('wasm');
  const auc = (r: StepRecord | undefined) => (r?.status === 'ok' && typeof r.result?.auc_test === 'number' ? r.result.auc_test : null);
  const aw = auc(fw);
  const aa = auc(fa);
  const diff = aw !== null && aa !== null ? Math.abs(aw - aa) : null;
  const steps = fa?.steps ?? fw?.steps ?? null;
  const fit: FitComparison = { steps, auc_webgpu: aw, auc_wasm: aa, diff, bar: FIT_AUC_BAR, pass: diff === null ? null : diff <= FIT_AUC_BAR,
    webgpu_error: fw && fw.status !== 'ok' ? fw.error : null, wasm_error: fa && fa.status !== 'ok' ? fa.error : null };
  const bars: BarResult[] = [];
  for (const r of rows) {
    if (r.bar_cuda !== null) {
      bars.push(r.workload === 'landscape'
        ? { name: 'mpo webgpu landscape images/s vs torch CUDA (x)', value: r.ratio_cuda === null ? null : 1 / r.ratio_cuda, bar: 1 / r.bar_cuda, op: '>=',
          pass: r.pass_cuda }
        : { name: `mpo webgpu ${r.workload} time / torch CUDA (x)`, value: r.ratio_cuda, bar: r.bar_cuda, op: '<=', pass: r.pass_cuda });
    }
  }
  for (const r of rows) {
    if (r.bar_cpu !== null) {
      bars.push({ name: `mpo wasm ${r.workload}, ${r.wasm.parallel ?? '?'} workers / torch CPU, ${r.cpu.parallel ?? '?'} threads (x)`, value: r.ratio_cpu,
        bar: r.bar_cpu, op: '<=', pass: r.pass_cpu });
    }
  }
  bars.push({ name: 'fit test AUC |webgpu - wasm|', value: diff, bar: FIT_AUC_BAR, op: '<=', pass: fit.pass });
  const problems = records.filter((r) => r.status !== 'ok').map((r) => ({ step: r.step, status: r.status, error: r.error }));
  return { rows, scaling, fit, bars, problems };
}

/** Seconds with 3 significant digits, or images/s rounded, with the unit. */
function fmtMeasure(m: Measure, landscape: boolean): string {
  if (m.seconds === null) return m.status === 'ok' ? '?' : m.status;
  if (landscape && m.images_per_s !== null) return `${Math.round(m.images_per_s).toLocaleString('en-US')}/s`;
  return `${m.seconds < 10 ? m.seconds.toPrecision(3) : m.seconds.toFixed(1)} s`;
}

const fmtRatio = (r: number | null) => (r === null ? '-' : `${r < 10 ? r.toPrecision(2) : r.toFixed(0)}x`);
const fmtPass = (p: boolean | null, bar: number | null) => (bar === null ? '' : p === null ? `n/a (<=${bar}x)` : `${p ? 'pass' : 'FAIL'} (<=${bar}x)`);

/** Lays out rows of cells as aligned columns. */
function columns(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => (c ?? '').padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** The one table as text: the workloads, the scaling, the fits, the bars and the problems. */
export function formatTable(s: GpuCheckSummary, title = 'mpo GPU check'): string {
  const par = (m: Measure, what: string) => (m.parallel ? ` (${m.parallel} ${what})` : '');
  const wasmW = s.rows.map((r) => r.wasm.parallel).find((p) => p) ?? null;
  const cpuT = s.rows.map((r) => r.cpu.parallel).find((p) => p) ?? null;
  const head = ['workload', 'mpo webgpu', 'torch CUDA', 'webgpu/CUDA', 'GPU bar', `mpo wasm${wasmW ? ` (${wasmW} w)` : ''}`,
    `torch CPU${cpuT ? ` (${cpuT} t)` : ''}`, 'wasm/CPU', 'CPU bar'];
  const body = s.rows.map((r) => {
    const land = r.workload === 'landscape';
    const wasmCell = fmtMeasure(r.wasm, land) + (r.wasm.parallel && r.wasm.parallel !== wasmW ? par(r.wasm, 'w') : '');
    const cpuCell = fmtMeasure(r.cpu, land) + (r.cpu.parallel && r.cpu.parallel !== cpuT ? par(r.cpu, 't') : '');
    return [r.workload, fmtMeasure(r.webgpu, land), fmtMeasure(r.cuda, land), fmtRatio(r.ratio_cuda), fmtPass(r.pass_cuda, r.bar_cuda), wasmCell, cpuCell,
      fmtRatio(r.ratio_cpu), fmtPass(r.pass_cpu, r.bar_cpu)];
  });
  const out = [`${title}: ratio = mpo's time / torch's (landscape: per image), so lower is faster; landscape cells are images/s`, columns([head, ...body])];
  if (s.scaling.length) {
    out.push('', 'mpo wasm CPU scaling, reduced step:');
    out.push(
      columns([['workers', 's per step', 'speed-up vs 1', 'vs torch CPU'], ...s.scaling.map((
        r,
      ) => [String(r.workers), `${r.s_per_step.toPrecision(3)} s`, r.speedup === null ? '-' : `${r.speedup.toFixed(2)}x`, fmtRatio(r.ratio_cpu)])]),
    );
  }
  const f = s.fit;
  const auc = (v: number | null, err: string | null) => (v === null ? (err ? `failed (${err})` : 'not run') : v.toFixed(4));
  out.push('',
    `mpo fit (default heart${f.steps ? `, ${f.steps} steps` : ''}), test AUC: webgpu ${auc(f.auc_webgpu, f.webgpu_error)}, wasm ${
      auc(f.auc_wasm, f.wasm_error)
    }`
      + (f.diff === null ? '' : `, |diff| ${f.diff.toFixed(4)}: ${f.pass ? 'pass' : 'FAIL'} (<=${f.bar})`));
  out.push('', 'bars:');
  out.push(
    columns(
      s.bars.map((b) => [b.pass === null ? 'n/a' : b.pass ? 'pass' : 'FAIL', b.name, b.value === null ? '-' : b.value.toPrecision(3), `${b.op} ${b.bar}`]),
    ),
  );
  if (s.problems.length) {
    out.push('', 'steps without a result:');
    for (const p of s.problems) out.push(`  ${p.step}: ${p.status}${p.error ? `: ${p.error}` : ''}`);
  }
  return out.join('\n');
}

/** A file name for the machine: `nvidia-h200` from nvidia-smi's `GPU 0: NVIDIA H200 (UUID: ...)`, else null. */
export function machineFromGpuLine(line: string | undefined): string | null {
  const m = line?.match(/^GPU \d+:\s*(.+?)\s*(\(UUID|$)/);
  if (!m) return null;
  return m[1].toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || null;
}

/** The results file `bench/results/<date>-<machine>.json` (format `mpo-gpu-check/1`, see docs/gpu.md). */
export interface GpuCheckFile {
  format: 'mpo-gpu-check/1';
  /** ISO time the table was made. */
  date: string;
  /** File-safe machine name, e.g. `nvidia-h200`. */
  machine: string;
  /** nvidia-smi -L's lines (empty without a GPU). */
  gpus: string[];
  /** The webgpu probe's adapter (vendor, architecture, device, description), null without one. */
  adapter: Record<string, unknown> | null;
  /** torch's version and CUDA device as its probe reported them, null without torch. */
  torch: Record<string, unknown> | null;
  /** The bundle's MANIFEST.json (mpo commit, build date, node version), null without one. */
  bundle: Record<string, unknown> | null;
  rows: TableRow[];
  scaling: ScalingRow[];
  fit: FitComparison;
  bars: BarResult[];
  problems: GpuCheckSummary['problems'];
  /** Every step as recorded (results.jsonl). */
  steps: StepRecord[];
}

/** Builds the results file's content from the records; `machine` overrides the name taken from nvidia-smi. */
export function resultsFile(records: StepRecord[], opts: { machine?: string; manifest?: Record<string, unknown> | null; date?: Date; } = {}): GpuCheckFile {
  const gpus = records.find((r) => r.step === 'gpu')?.stdout_tail ?? [];
  const machine = opts.machine || machineFromGpuLine(gpus[0]) || `${hostname().toLowerCase().replace(/[^a-z0-9]+/g, '-')}-no-gpu`;
  const adapter = (records.find((r) => r.step === 'probe-webgpu')?.result?.adapter ?? null) as Record<string, unknown> | null;
  const torchProbe = records.find((r) => r.step === 'probe-torch');
  return { format: 'mpo-gpu-check/1', date: (opts.date ?? new Date()).toISOString(), machine, gpus, adapter,
    torch: torchProbe?.status === 'ok' ? torchProbe.result : null, bundle: opts.manifest ?? null, ...summarize(records), steps: records };
}

/** The value after `flag` in `argv`, or undefined. */
function arg(argv: string[], flag: string): string | undefined {
  const at = argv.indexOf(flag);
  return at >= 0 ? argv[at + 1] : undefined;
}

/** Reads a file, or '' when it is absent or unreadable. */
function readOrEmpty(path: string | undefined): string {
  if (!path) return '';
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** `probe`: the GPU adapter Dawn finds, as one JSON line; exit status 3 without one. */
async function probe(): Promise<number> {
  // A variable module name: the optional package needs no types, and the bundle keeps it external.
  const moduleName: string = 'webgpu';
  type Adapter = { info?: Record<string, unknown>; requestAdapterInfo?: () => Promise<Record<string, unknown>>; };
  let mod: { create: (flags: string[]) => { requestAdapter(): Promise<Adapter | null>; }; };
  try {
    mod = await import(moduleName);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ adapter: null, error: `cannot load the webgpu package: ${String((err as Error).message).split('\n')[0]}` })}\n`);
    return 3;
  }
  const adapter = await mod.create([]).requestAdapter();
  const info = adapter?.info ?? (await adapter?.requestAdapterInfo?.());
  const plain = info ? { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description } : null;
  process.stdout.write(
    `${JSON.stringify({ adapter: plain, error: adapter ? null : "no GPU adapter found (Dawn needs a Vulkan driver: libvulkan1 and the GPU vendor's ICD)" })}\n`,
  );
  return adapter ? 0 : 3;
}

/** The command line: `record`, `probe` or `table` (see the module's comment). */
async function main(argv: string[]): Promise<number> {
  const cmd = argv[0];
  if (cmd === 'record') {
    const rec = makeRecord({
      step: arg(argv, '--step') ?? 'unnamed',
      meta: arg(argv, '--meta') ?? '',
      rc: arg(argv, '--rc') === undefined ? null : Number(arg(argv, '--rc')),
      wall_s: Number(arg(argv, '--wall') ?? 0),
      budget_s: Number(arg(argv, '--budget') ?? 0),
      stdout: readOrEmpty(arg(argv, '--stdout')),
      stderr: readOrEmpty(arg(argv, '--stderr')),
      json: arg(argv, '--json') ? readOrEmpty(arg(argv, '--json')) || null : undefined,
      skip: arg(argv, '--skip'),
    });
    process.stdout.write(`${JSON.stringify(rec)}\n`);
    return 0;
  }
  if (cmd === 'probe') return probe();
  if (cmd === 'table') {
    const input = arg(argv, '--in');
    if (!input) throw new Error('table needs --in results.jsonl: pass the JSON-lines file run-device.sh wrote');
    const records = parseRecords(readFileSync(input, 'utf8'));
    const manifestText = readOrEmpty(arg(argv, '--manifest'));
    const file = resultsFile(records, { machine: arg(argv, '--machine'), manifest: manifestText ? JSON.parse(manifestText) as Record<string, unknown> : null });
    process.stdout.write(`${formatTable(file, `mpo GPU check on ${file.machine} (${file.gpus[0] ?? 'no GPU found'})`)}\n`);
    const dir = arg(argv, '--write');
    if (dir) {
      mkdirSync(dir, { recursive: true });
      const path = join(dir, `${file.date.slice(0, 10)}-${file.machine}.json`);
      writeFileSync(path, `${JSON.stringify(file, null, 2)}\n`);
      process.stdout.write(`written to ${path} (commit it as bench/results/${file.date.slice(0, 10)}-${file.machine}.json)\n`);
    }
    return 0;
  }
  throw new Error(`unknown command ${String(cmd)}: use record, probe or table`);
}

if (/table\.(ts|js)$/.test(process.argv[1] ?? '')) {
  try {
    const code = await main(process.argv.slice(2));
    // Dawn's instance may keep the event loop alive: a probe exits at once.
    if (process.argv[2] === 'probe') process.exit(code);
    process.exitCode = code;
  } catch (err) {
    process.stderr.write(`gpu table: error: ${String((err as Error).message ?? err).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
