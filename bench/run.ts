/**
 * `npm run bench [-- --quick] [-- --only paper,mlp] [-- --pattern-race]`: runs the standard
 * workloads in our engine and, in the same run, the PyTorch reference of the original
 * implementation (../shared/bench/torch_reference.py, with Debian's python3-torch), and prints
 * one table: workload, our median, the reference's median, their ratio, peak RSS of each.
 * Writes the table to bench/results/<date>.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WORKLOADS, type WorkloadName } from './workload.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyAt = args.indexOf('--only');
const only = onlyAt >= 0 ? args[onlyAt + 1].split(',') : Object.keys(WORKLOADS);
const python = '/usr/bin/python3';
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
}

function hasTorch(): boolean {
  if (!existsSync(python)) return false;
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

function runOurs(name: string): Record<string, unknown> {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'workload.ts'), name, ...(quick ? ['--quick'] : [])], { cwd: root, encoding: 'utf8',
    maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`workload ${name} failed: ${r.stderr.trim().split('\n').pop()}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

function runReference(name: WorkloadName): { seconds: number; rss: number; } | null {
  if (!refScript) return null;
  const w = WORKLOADS[name];
  const refArgs = [...w.ref, ...(quick ? w.quickRef : [])];
  // Run under a tiny Python wrapper that reports the child's peak RSS.
  const wrapper = 'import resource,subprocess,sys;p=subprocess.run(sys.argv[1:],capture_output=True,text=True);' +
    'sys.stdout.write(p.stdout);sys.stderr.write(p.stderr);print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss);sys.exit(p.returncode)';
  const r = spawnSync(python, ['-c', wrapper, python, refScript, ...refArgs], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`reference ${name} failed: ${r.stderr.trim().split('\n').pop()}`);
  const lines = r.stdout.trim().split('\n');
  const rss = Number(lines.pop()) / 1024;
  const j = JSON.parse(lines.pop()!);
  return { seconds: name === 'landscape' ? j.eval_s_per_cell : j.iter_s_median, rss };
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
    });
  }
  const head = ['workload', 'ours (median)', 'reference', 'ratio', 'unit', 'our peak RSS', 'ref peak RSS'];
  const table = [head, ...rows.map((
    r,
  ) => [r.name, `${fmt(r.ours_s)} s`, r.reference_s === null ? '-' : `${fmt(r.reference_s)} s`, fmt(r.ratio, 2), r.unit, `${r.ours_rss_mb} MB`,
    r.reference_rss_mb === null ? '-' : `${r.reference_rss_mb} MB`]
  )];
  const widths = head.map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const text = table.map((row) => row.map((c, i) => c.padEnd(widths[i])).join('  ')).join('\n');
  process.stdout.write(`${text}\n`);
  mkdirSync(join(here, 'results'), { recursive: true });
  const file = join(here, 'results', `${new Date().toISOString().slice(0, 10)}${quick ? '-quick' : ''}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), quick, node: process.version, rows }, null, 2)}\n`);
  process.stdout.write(`written to ${file}\n`);
}

await main();
