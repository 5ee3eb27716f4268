/**
 * `npm run bench [-- --quick] [-- --only paper,mlp] [-- --pattern-race]`: runs the standard
 * workloads in our engine and, in the same run, the PyTorch reference of the original
 * implementation (../shared/bench/torch_reference.py, with Debian's python3-torch), and prints
 * one table: workload, our median, the reference's median, their ratio, peak RSS of each,
 * our workers, and the landscape's rate in images/s (ours / the reference's).
 * Writes the table to bench/results/<date>.json.
 *
 * Options (defaults: what `npm run bench` has always done):
 * - `--backend wasm|webgpu|cpu`: our backend (default wasm; webgpu runs with 1 worker);
 * - `--workers N`: our worker threads, passed to bench/workload.ts (default: one per core, at most 8);
 * - `--ref-device cuda|cpu`, `--ref-threads N`: the reference's `--device` and `--threads`
 *   (default: its own, cpu and 2 threads);
 * - `--python PATH`: the Python with torch (default $MPO_PYTHON, else /usr/bin/python3).
 * A non-default backend or reference device adds `-<backend>` / `-ref-<device>` to the file name.
 * On a GPU machine without Node, use the offline bundle instead (docs/gpu.md).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOAD_BACKENDS, WORKLOADS, type WorkloadName } from './workload.js';

const self = fileURLToPath(import.meta.url);
const here = dirname(self);
const root = join(here, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : Object.keys(WORKLOADS);

/** The value after `flag`, or undefined when the flag is absent; exits with a one-line message when `allowed` rejects it. */
function option(flag: string, allowed: (v: string) => boolean, want: string): string | undefined {
  const at = args.indexOf(flag);
  if (at < 0) return undefined;
  const v = args[at + 1];
  if (v === undefined || !allowed(v)) {
    process.stderr.write(`bench: error: ${flag} needs ${want}, got ${String(v)}\n`);
    process.exit(1);
  }
  return v;
}
const positive = (v: string) => Number.isInteger(Number(v)) && Number(v) >= 1;
const backend = option('--backend', (v) => (WORKLOAD_BACKENDS as readonly string[]).includes(v), WORKLOAD_BACKENDS.join(' | ')) ?? 'wasm';
const workersArg = option('--workers', positive, 'a positive integer');
const refDevice = option('--ref-device', (v) => v === 'cuda' || v === 'cpu', 'cuda | cpu');
const refThreads = option('--ref-threads', positive, 'a positive integer');
const python = option('--python', (v) => v.length > 0, 'a path') ?? process.env.MPO_PYTHON ?? '/usr/bin/python3';
const refScript = [join(root, '..', 'shared', 'bench', 'torch_reference.py'), process.env.MPO_TORCH_REFERENCE ?? ''].find((p) => p && existsSync(p));

/** Row of the results table (also the JSON file's rows). */
interface Row {
  name: string;
  ours_s: number;
  reference_s: number | null;
  ratio: number | null;
  unit: string;
  ours_rss_mb: number;
  reference_rss_mb: number | null;
  workers: number;
  /** Our TF.js backend. */
  backend: string;
  /** The landscape's rate (images evaluated per second), ours and the reference's; null for the other workloads. */
  ours_images_per_s: number | null;
  reference_images_per_s: number | null;
  /** The reference's torch device and threads as it reports them (null without a reference). */
  reference_device: string | null;
  reference_threads: number | null;
}

function hasTorch(): boolean {
  if (python.includes('/') && !existsSync(python)) return false;
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

function runOurs(name: string): Record<string, unknown> {
  // From source under tsx (npm run bench), or bundled as run.js beside workload.js (the GPU bundle).
  const entry = self.endsWith('.ts') ? ['--import', 'tsx', join(here, 'workload.ts')] : [join(here, 'workload.js')];
  const extra = [...(quick ? ['--quick'] : []), ...(backend !== 'wasm' ? ['--backend', backend] : []), ...(workersArg ? ['--workers', workersArg] : [])];
  const r = spawnSync(process.execPath, [...entry, name, ...extra], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`workload ${name} failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

/** What {@link runReference} reads from the reference's JSON line. */
interface Reference {
  seconds: number;
  rss: number;
  imagesPerS: number | null;
  device: string;
  threads: number;
}

function runReference(name: WorkloadName): Reference | null {
  if (!refScript) return null;
  const w = WORKLOADS[name];
  const refArgs = [...w.ref, ...(quick ? w.quickRef : []), ...(refDevice ? ['--device', refDevice] : []), ...(refThreads ? ['--threads', refThreads] : [])];
  // Run under a tiny Python wrapper that reports the child's peak RSS.
  const wrapper = 'import resource,subprocess,sys;p=subprocess.run(sys.argv[1:],capture_output=True,text=True);' +
    'sys.stdout.write(p.stdout);sys.stderr.write(p.stderr);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);sys.exit(p.returncode)';
  const r = spawnSync(python, ['-c', wrapper, python, refScript, ...refArgs], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`reference ${name} failed: ${r.stderr.trim().split('\n').pop()}`);
  const lines = r.stdout.trim().split('\n');
  const rss = Number(lines.pop()) / 1024;
  const j = JSON.parse(lines.pop()!);
  return { seconds: name === 'landscape' ? j.eval_s_per_cell : j.iter_s_median, rss, imagesPerS: name === 'landscape' ? j.eval_images_per_s : null,
    device: j.device, threads: j.threads };
}

function fmt(v: number | null, digits = 3): string {
  return v === null ? '-' : v.toFixed(digits);
}

async function main(): Promise<void> {
  if (args.includes('--pattern-race')) {
    const { runPatternRace } = await import('./race.js');
    await runPatternRace(args);
    return;
  }
  const torch = hasTorch();
  if (!torch) {
    process.stderr.write("note: the PyTorch reference needs Debian's torch: apt-get install -y python3-torch (then rerun); " +
      'printing our times only\n');
  } else if (!refScript) {
    process.stderr.write('note: ../shared/bench/torch_reference.py not found (set MPO_TORCH_REFERENCE=path): printing our times only\n');
  }
  const rows: Row[] = [];
  for (const name of only as WorkloadName[]) {
    if (!WORKLOADS[name]) throw new Error(`unknown workload ${name}: use ${Object.keys(WORKLOADS).join(', ')}`);
    process.stderr.write(`bench ${name}: ours...`);
    const ours = runOurs(name);
    process.stderr.write(` ${fmt(ours.seconds as number)} s; reference...`);
    const ref = torch ? runReference(name) : null;
    process.stderr.write(` ${fmt(ref?.seconds ?? null)} s\n`);
    rows.push({
      name,
      ours_s: ours.seconds as number,
      reference_s: ref?.seconds ?? null,
      ratio: ref ? (ours.seconds as number) / ref.seconds : null,
      unit: ours.unit as string,
      ours_rss_mb: ours.max_rss_mb as number,
      reference_rss_mb: ref ? Math.round(ref.rss) : null,
      workers: ours.workers as number,
      backend: (ours.backend as string | undefined) ?? backend,
      ours_images_per_s: typeof ours.images_per_s === 'number' ? ours.images_per_s : null,
      reference_images_per_s: ref?.imagesPerS ?? null,
      reference_device: ref?.device ?? null,
      reference_threads: ref?.threads ?? null,
    });
  }
  const rate = (r: Row) =>
    r.ours_images_per_s === null
      ? '-'
      : `${Math.round(r.ours_images_per_s)} / ${r.reference_images_per_s === null ? '-' : Math.round(r.reference_images_per_s)}`;
  const head = ['workload', 'ours (median)', 'reference', 'ratio', 'unit', 'our peak RSS', 'ref peak RSS', 'workers', 'images/s (ours / ref)'];
  const table = [head, ...rows.map((
    r,
  ) => [r.name, `${fmt(r.ours_s)} s`, r.reference_s === null ? '-' : `${fmt(r.reference_s)} s`, fmt(r.ratio, 2), r.unit, `${r.ours_rss_mb} MB`,
    r.reference_rss_mb === null ? '-' : `${r.reference_rss_mb} MB`, String(r.workers), rate(r)]
  )];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const text = table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
  process.stdout.write(`${text}\n`);
  mkdirSync(join(here, 'results'), { recursive: true });
  const suffix = `${backend !== 'wasm' ? `-${backend}` : ''}${refDevice && refDevice !== 'cpu' ? `-ref-${refDevice}` : ''}${quick ? '-quick' : ''}`;
  const file = join(here, 'results', `${new Date().toISOString().slice(0, 10)}${suffix}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), quick, node: process.version, backend, rows }, null, 2)}\n`);
  process.stdout.write(`written to ${file}\n`);
}

try {
  await main();
} catch (err) {
  process.stderr.write(`\nbench: error: ${String((err as Error).message ?? err).split('\n')[0]}\n`);
  process.exitCode = 1;
}
