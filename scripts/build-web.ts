/**
 * `npm run build:web`: bundles the browser app (web/) with esbuild into a static folder
 * (default dist/web/) that works from any static host, offline: relative URLs, the WASM
 * backend's binaries and the embedded FashionMNIST subset copied in.
 * Usage: node --import tsx scripts/build-web.ts [--out DIR] [--dev]
 */
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Options of {@link buildWeb}. */
export interface BuildWebOptions {
  /** Output folder (default `<repo>/dist/web`). */
  readonly out?: string;
  /** Unminified, with source maps. */
  readonly dev?: boolean;
}

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; version: string; };

/** Builds the app; returns the output folder and its size in bytes. */
export async function buildWeb(opts: BuildWebOptions = {}): Promise<{ out: string; bytes: number; }> {
  const out = resolve(opts.out ?? join(root, 'dist', 'web'));
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, 'data'), { recursive: true });
  await build({
    entryPoints: { main: join(root, 'web/src/main.ts'), worker: join(root, 'web/src/worker.ts') },
    outdir: out,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    splitting: false,
    minify: !opts.dev,
    sourcemap: opts.dev ? 'linked' : false,
    logLevel: 'warning',
    legalComments: 'linked',
    // The WASM backend's Node-only code paths reference these; the browser never runs them.
    external: ['worker_threads', 'fs', 'path', 'os', 'perf_hooks', 'crypto'],
    // The tool and version the app records in a saved run's config.json, read once from package.json.
    define: { MPO_TOOL: JSON.stringify(`${pkg.name} ${pkg.version}`) },
  });
  copyFileSync(join(root, 'web/index.html'), join(out, 'index.html'));
  copyFileSync(join(root, 'web/style.css'), join(out, 'style.css'));
  const wasmDir = join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
  for (const f of readdirSync(wasmDir).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join(out, f));
  const dataDir = join(root, 'data/fashion-mnist-subset');
  for (const f of readdirSync(dataDir).filter((f) => f.endsWith('.gz') || f === 'LICENSE' || f === 'README.md')) {
    copyFileSync(join(dataDir, f), join(out, 'data', f));
  }
  const size = (dir: string): number =>
    readdirSync(dir).reduce((n, f) => {
      const p = join(dir, f);
      const s = statSync(p);
      return n + (s.isDirectory() ? size(p) : s.size);
    }, 0);
  return { out, bytes: size(out) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  try {
    const r = await buildWeb({ out: outAt >= 0 ? args[outAt + 1] : undefined, dev: args.includes('--dev') });
    console.log(`built the app in ${r.out} (${(r.bytes / 1e6).toFixed(1)} MB): serve it with npm run app, or from any static host`);
  } catch (e) {
    console.error(`build:web failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`);
    process.exit(1);
  }
}
