/**
 * `npm run gpu:bundle`: builds `gpu-bundle/` (git-ignored), everything an offline GPU machine with
 * no Node.js and no package registry needs to run the GPU check (docs/gpu.md):
 *
 * - `node.xz`: this Node binary (`process.execPath`), xz-compressed;
 * - `mpo.tar.xz`: mpo built for production, unpacked by run-device.sh into `mpo/`:
 *   esbuild bundles of the CLI (`dist/cli/main.js`, run by `bin/mpo.js`), of the worker thread
 *   (`dist/node/parallel/worker.js`), of `bench/workload.js`, `bench/run.js` and
 *   `bench/gpu/table.js`; the tfjs wasm backend's `.wasm` files (`wasm/`); the only packages kept
 *   external, pruned: `webgpu` (its linux-x64 `dawn.node` only) and `@resvg/resvg-js` (native);
 *   `assets/` and `data/` (the fonts and the FashionMNIST subset that `mpo fit` reads by default);
 *   `vulkan/`: the Vulkan loader `libvulkan.so.1` from Debian's libvulkan1 (amd64), which Dawn
 *   needs and the device lacks;
 * - `torch_reference.py` (copied from ../shared/bench/), `run-device.sh` (the one prepared
 *   script), and `MANIFEST.json` (commit, build date, sizes).
 *
 * Fails with a one-line message when a piece is missing or the bundle exceeds 50 MB.
 * Options: `--out DIR` (default gpu-bundle), `--no-smoke` (skip running the built CLI and a
 * tiny workload once). $MPO_LIBVULKAN_DEB may name a libvulkan1 .deb to use instead of
 * `apt-get download libvulkan1`; $MPO_TORCH_REFERENCE another torch_reference.py.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync,
  writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion, type Metafile, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url)).replace(/[\\/]$/, '');

/** The bundle's size limit in bytes (50 MB). */
export const BUNDLE_LIMIT_BYTES = 50 * 1000 * 1000;

/** The esbuild bundles: source entry (relative to the repository) and output path inside `mpo/`. */
export const BUNDLE_ENTRIES = [
  { entry: 'src/cli/main.ts', out: 'dist/cli/main.js' },
  { entry: 'src/node/parallel/worker.ts', out: 'dist/node/parallel/worker.js' },
  { entry: 'bench/workload.ts', out: 'bench/workload.js' },
  { entry: 'bench/run.ts', out: 'bench/run.js' },
  { entry: 'bench/gpu/table.ts', out: 'bench/gpu/table.js' },
] as const;

/** Packages left outside the bundles (native code found next to their own files) and copied, pruned, into `mpo/node_modules`. */
export const EXTERNAL_PACKAGES = ['webgpu', '@resvg/resvg-js'] as const;

/**
 * Where a repository source file would sit in the bundle's `mpo/` tree, as tsc lays it out:
 * `src/x/y.ts` -> `dist/x/y.js`, `bench/x.ts` -> `bench/x.js` (posix separators).
 */
export function bundlePathOf(repoRelative: string): string {
  const p = repoRelative.split(sep).join('/');
  return (p.startsWith('src/') ? `dist/${p.slice(4)}` : p).replace(/\.ts$/, '.js');
}

/** The relative URL from the bundle at `outPath` to `target` (both inside `mpo/`, posix). */
export function relativeUrl(outPath: string, target: string): string {
  const from = outPath.split('/').slice(0, -1);
  const to = target.split('/');
  let i = 0;
  while (i < from.length && i < to.length - 1 && from[i] === to[i]) i++;
  const up = from.length - i;
  return `${up ? '../'.repeat(up) : './'}${to.slice(i).join('/')}`;
}

/** A one-line failure of the build. */
class BundleError extends Error {}

function fail(message: string): never {
  throw new BundleError(message);
}

/** Runs a command; throws a one-line BundleError (naming `what`) when it fails. */
function run(cmd: string, args: string[], what: string, opts: { cwd?: string; } = {}): string {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.error) fail(`${what}: cannot run ${cmd} (${r.error.message}): install it`);
  if (r.status !== 0) fail(`${what} failed: ${(r.stderr || r.stdout).trim().split('\n').pop() ?? `exit ${r.status}`}`);
  return r.stdout;
}

/**
 * The esbuild plugin that keeps module-relative paths right inside a bundle: in each repository
 * file, `import.meta.url` becomes the URL that file would have in the `mpo/` tree (so
 * `../../../assets/fonts` and `./worker.js` resolve as they do in dist/), and in the tfjs wasm
 * backend `__dirname` (where emscripten looks for its .wasm files) becomes `mpo/wasm/`.
 */
function pathsPlugin(outPath: string): Plugin {
  return {
    name: 'mpo-bundle-paths',
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (a) => {
        if (a.path.includes(`${sep}node_modules${sep}`)) return undefined;
        const text = readFileSync(a.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const url = relativeUrl(outPath, bundlePathOf(relative(root, a.path)));
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(url)}, import.meta.url).href`), loader: 'ts',
          resolveDir: dirname(a.path) };
      });
      b.onLoad({ filter: /tfjs-backend-wasm[\\/]dist[\\/]tf-backend-wasm\.node\.js$/ }, (a) => {
        const text = readFileSync(a.path, 'utf8');
        if (!text.includes('__dirname')) fail('@tensorflow/tfjs-backend-wasm no longer locates its .wasm files by __dirname: update bench/gpu/build-bundle.ts');
        return { contents: text.replaceAll('__dirname', '__mpoWasmDir'), loader: 'js' };
      });
    },
  };
}

/** Bundles one entry into `mpoDir`; returns esbuild's metafile. */
async function bundle(entry: string, outPath: string, mpoDir: string): Promise<Metafile> {
  const wasmUrl = relativeUrl(outPath, 'wasm/');
  // CommonJS code inside an ES module bundle needs require, __filename and __dirname.
  const banner = [
    "import { createRequire as __mpoCreateRequire } from 'node:module';",
    "import { fileURLToPath as __mpoFileURLToPath } from 'node:url';",
    "import { dirname as __mpoDirname } from 'node:path';",
    'const require = __mpoCreateRequire(import.meta.url);',
    'const __filename = __mpoFileURLToPath(import.meta.url);',
    'const __dirname = __mpoDirname(__filename);',
    `const __mpoWasmDir = __mpoFileURLToPath(new URL(${JSON.stringify(wasmUrl)}, import.meta.url));`,
  ].join('\n');
  const r = await build({
    entryPoints: [join(root, entry)],
    outfile: join(mpoDir, outPath),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: [...EXTERNAL_PACKAGES],
    banner: { js: banner },
    plugins: [pathsPlugin(outPath)],
    metafile: true,
    legalComments: 'none',
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'error',
  });
  return r.metafile;
}

/** Checks a bundle's inputs: one tfjs-core (the Node build every backend registers with) and, for the CLI, the webgpu backend. */
function checkInputs(entry: string, meta: Metafile, warnings: string[]): string[] {
  const inputs = Object.keys(meta.inputs);
  const cores = new Set(inputs.filter((p) => p.includes('@tensorflow/tfjs-core/')).map((p) => (p.includes('tf-core.node.js') ? 'node' : 'esm')));
  if (cores.size > 1) {
    fail(`${entry}: the bundle holds two copies of tfjs-core (its Node build and its ES modules): import '@tensorflow/tfjs-core' only by name`);
  }
  if (entry === 'src/cli/main.ts' && !inputs.some((p) => p.includes('@tensorflow/tfjs-backend-webgpu/'))) {
    warnings.push('the CLI bundle has no @tensorflow/tfjs-backend-webgpu: src/node/backend.ts does not import it (yet), so --backend webgpu cannot work in it');
  }
  const packages = new Set<string>();
  for (const p of inputs) {
    const m = p.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (m) packages.add(m[1]);
  }
  return [...packages].sort();
}

/** Copies the external packages, pruned to what runs on linux-x64. */
function copyExternals(mpoDir: string): void {
  const nm = join(root, 'node_modules');
  const dawn = join(nm, 'webgpu', 'dist', 'linux-x64', 'dawn.node');
  if (!existsSync(dawn)) fail("webgpu's linux-x64 dawn.node is missing: run npm install in the mpo folder (webgpu is an optional dependency)");
  const webgpu = join(mpoDir, 'node_modules', 'webgpu');
  mkdirSync(join(webgpu, 'dist', 'linux-x64'), { recursive: true });
  for (const f of ['package.json', 'index.js', 'LICENSE.md']) copyFileSync(join(nm, 'webgpu', f), join(webgpu, f));
  copyFileSync(dawn, join(webgpu, 'dist', 'linux-x64', 'dawn.node'));
  for (const pkg of ['@resvg/resvg-js', '@resvg/resvg-js-linux-x64-gnu']) {
    const from = join(nm, pkg);
    if (!existsSync(from)) fail(`${pkg} is missing from node_modules: run npm install in the mpo folder`);
    cpSync(from, join(mpoDir, 'node_modules', pkg), { recursive: true, filter: (src) => !/\.(md|d\.ts)$/.test(src) });
  }
}

/** Extracts libvulkan.so.1 (and the file it links to) from Debian's libvulkan1 .deb into `dest`; returns the .deb's name. */
function copyVulkanLoader(dest: string, scratch: string): string {
  let deb = process.env.MPO_LIBVULKAN_DEB ?? '';
  if (deb) {
    if (!existsSync(deb)) fail(`$MPO_LIBVULKAN_DEB is ${deb}, which does not exist: point it to a libvulkan1 amd64 .deb or unset it`);
  } else {
    const dl = join(scratch, 'deb');
    mkdirSync(dl);
    const r = spawnSync('apt-get', ['download', 'libvulkan1:amd64'], { cwd: dl, encoding: 'utf8' });
    const found = readdirSync(dl).find((f) => /^libvulkan1_.*_amd64\.deb$/.test(f));
    if (r.status !== 0 || !found) {
      fail(
        `apt-get download libvulkan1 failed (${
          (r.error?.message ?? r.stderr ?? '').trim().split('\n').pop()
        }): run apt-get update, or set MPO_LIBVULKAN_DEB to a libvulkan1 amd64 .deb`,
      );
    }
    deb = join(dl, found);
  }
  const x = join(scratch, 'vulkan-x');
  run('dpkg', ['-x', deb, x], 'dpkg -x of libvulkan1');
  const lib = join(x, 'usr', 'lib', 'x86_64-linux-gnu');
  const files = existsSync(lib) ? readdirSync(lib).filter((f) => f.startsWith('libvulkan.so.1')) : [];
  if (!files.includes('libvulkan.so.1')) fail(`${deb} holds no usr/lib/x86_64-linux-gnu/libvulkan.so.1: use Debian's libvulkan1 for amd64`);
  mkdirSync(dest, { recursive: true });
  // cpSync keeps libvulkan.so.1 a symbolic link to the versioned file beside it.
  for (const f of files) cpSync(join(lib, f), join(dest, f), { verbatimSymlinks: true });
  return deb.split(sep).pop()!;
}

/** Every regular file under `dir` with its size (symbolic links count 0), paths relative to `dir`. */
function filesOf(dir: string, base = dir): { path: string; bytes: number; }[] {
  const out: { path: string; bytes: number; }[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesOf(p, base));
    else out.push({ path: relative(base, p), bytes: lstatSync(p).isSymbolicLink() ? 0 : statSync(p).size });
  }
  return out;
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/** Sums the sizes of `mpo/`'s files by top folder (node_modules by package) for the manifest. */
function treeSummary(mpoDir: string): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const f of filesOf(mpoDir)) {
    const parts = f.path.split(sep);
    const key = parts[0] === 'node_modules' ? parts.slice(0, parts[1].startsWith('@') ? 3 : 2).join('/') : parts.length > 1 ? `${parts[0]}/` : parts[0];
    sums[key] = (sums[key] ?? 0) + f.bytes;
  }
  return sums;
}

/** Runs the built CLI's --help and one tiny wasm workload from the staged tree, so that a broken bundle fails here, not on the device. */
function smoke(mpoDir: string): void {
  const help = spawnSync(process.execPath, [join(mpoDir, 'bin', 'mpo.js'), 'fit', '--help'], { encoding: 'utf8', cwd: mpoDir });
  if (help.status !== 0 || !/--backend/.test(help.stdout)) fail(`the bundled CLI does not run: ${(help.stderr || help.stdout).trim().split('\n').pop()}`);
  const w = spawnSync(process.execPath, [join(mpoDir, 'bench', 'workload.js'), 'mlp', '--quick', '--workers', '2', '--iters', '1'], { encoding: 'utf8',
    cwd: mpoDir, timeout: 120_000 });
  const line = w.stdout.trim().split('\n').pop() ?? '';
  if (w.status !== 0 || !line.startsWith('{')) fail(`the bundled workload does not run: ${(w.stderr || w.stdout).trim().split('\n').pop()}`);
  process.stdout.write(`smoke: mpo fit --help ok; workload mlp (wasm, 2 workers) ${line.slice(0, 120)}...\n`);
}

/** `git describe`-like provenance of the working tree the bundle was built from. */
function provenance(): { commit: string | null; dirty: boolean | null; } {
  const c = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' });
  const d = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: root, encoding: 'utf8' });
  return { commit: c.status === 0 ? c.stdout.trim() : null, dirty: d.status === 0 ? d.stdout.trim().length > 0 : null };
}

/** Builds the bundle into `outDir`; returns its total size in bytes. */
async function buildBundle(outDir: string, opts: { smoke: boolean; }): Promise<number> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    fail(`the bundle is for linux-x64 machines and carries this Node binary: build it on linux-x64, not ${process.platform}-${process.arch}`);
  }
  const torchRef = [process.env.MPO_TORCH_REFERENCE ?? '', join(root, '..', 'shared', 'bench', 'torch_reference.py')].find((p) => p && existsSync(p));
  if (!torchRef) {
    fail(
      `torch_reference.py not found at ${
        join(root, '..', 'shared', 'bench', 'torch_reference.py')
      }: check out ../shared next to mpo, or set MPO_TORCH_REFERENCE=path`,
    );
  }
  run('xz', ['--version'], 'xz');
  run('tar', ['--version'], 'tar');
  const scratch = mkdtempSync(join(tmpdir(), 'mpo-gpu-bundle-'));
  try {
    const mpoDir = join(scratch, 'mpo');
    mkdirSync(mpoDir);
    const warnings: string[] = [];
    const bundled: Record<string, string[]> = {};
    for (const { entry, out } of BUNDLE_ENTRIES) {
      process.stdout.write(`esbuild ${entry} -> mpo/${out}\n`);
      bundled[out] = checkInputs(entry, await bundle(entry, out, mpoDir), warnings);
    }
    mkdirSync(join(mpoDir, 'wasm'));
    const wasmDist = join(root, 'node_modules', '@tensorflow', 'tfjs-backend-wasm', 'dist');
    for (const f of readdirSync(wasmDist).filter((f) => f.endsWith('.wasm'))) copyFileSync(join(wasmDist, f), join(mpoDir, 'wasm', f));
    copyExternals(mpoDir);
    for (const d of ['assets', 'data']) cpSync(join(root, d), join(mpoDir, d), { recursive: true });
    mkdirSync(join(mpoDir, 'bin'));
    copyFileSync(join(root, 'bin', 'mpo.js'), join(mpoDir, 'bin', 'mpo.js'));
    writeFileSync(join(mpoDir, 'package.json'), `${JSON.stringify({ name: 'mpo-gpu-bundle', private: true, type: 'module' }, null, 2)}\n`);
    const deb = copyVulkanLoader(join(mpoDir, 'vulkan'), scratch);
    if (opts.smoke) smoke(mpoDir);
    const tree = treeSummary(mpoDir);

    rmSync(outDir, { recursive: true, force: true });
    mkdirSync(outDir, { recursive: true });
    process.stdout.write('xz: mpo/ -> mpo.tar.xz\n');
    const tar = spawnSync('sh', ['-c', 'tar --sort=name --owner=0 --group=0 --numeric-owner -C "$1" -cf - mpo | xz -9 -T1 -c > "$2"', 'sh', scratch,
      join(outDir, 'mpo.tar.xz')], { encoding: 'utf8' });
    if (tar.status !== 0) fail(`packing mpo/ failed: ${tar.stderr.trim().split('\n').pop()}`);
    process.stdout.write(`xz: ${process.execPath} -> node.xz\n`);
    const xz = spawnSync('sh', ['-c', 'xz -6 -T1 -c "$1" > "$2"', 'sh', process.execPath, join(outDir, 'node.xz')], { encoding: 'utf8' });
    if (xz.status !== 0) fail(`compressing ${process.execPath} failed: ${xz.stderr.trim().split('\n').pop()}`);
    copyFileSync(torchRef, join(outDir, 'torch_reference.py'));
    copyFileSync(join(root, 'bench', 'gpu', 'run-device.sh'), join(outDir, 'run-device.sh'));
    chmodSync(join(outDir, 'run-device.sh'), 0o755);
    const files = Object.fromEntries(filesOf(outDir).map((f) => [f.path, f.bytes]));
    const manifest = {
      built: new Date().toISOString(),
      ...provenance(),
      node: process.version,
      esbuild: esbuildVersion,
      libvulkan_deb: deb,
      torch_reference: torchRef,
      files,
      mpo_tree_bytes: tree,
      bundled_packages: bundled,
      warnings,
    };
    writeFileSync(join(outDir, 'MANIFEST.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const total = filesOf(outDir).reduce((s, f) => s + f.bytes, 0);
    process.stdout.write(`\n${relative(process.cwd(), outDir) || outDir}/\n`);
    for (const f of filesOf(outDir)) process.stdout.write(`  ${f.path.padEnd(20)} ${mb(f.bytes).padStart(9)}\n`);
    process.stdout.write(`  mpo/ unpacked: ${Object.entries(tree).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}\n`);
    for (const w of warnings) process.stdout.write(`warning: ${w}\n`);
    process.stdout.write(`total ${mb(total)} (limit ${mb(BUNDLE_LIMIT_BYTES)})\n`);
    if (total > BUNDLE_LIMIT_BYTES) fail(`the bundle is ${mb(total)}, over the ${mb(BUNDLE_LIMIT_BYTES)} limit: prune what bench/gpu/build-bundle.ts copies`);
    process.stdout.write('on the GPU machine, from the repository root (carry gpu-bundle): bash gpu-bundle/run-device.sh\n');
    return total;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (/build-bundle\.(ts|js)$/.test(process.argv[1] ?? '')) {
  const args = process.argv.slice(2);
  const at = args.indexOf('--out');
  const outDir = at >= 0 ? resolve(args[at + 1]) : join(root, 'gpu-bundle');
  try {
    await buildBundle(outDir, { smoke: !args.includes('--no-smoke') });
  } catch (err) {
    process.stderr.write(`gpu:bundle: error: ${String((err as Error).message ?? err).split('\n')[0]}\n`);
    process.exitCode = 1;
  }
}
