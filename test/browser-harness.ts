/**
 * The browser-test harness: builds the app (web/) into a temporary folder, serves it with
 * scripts/serve.ts, launches Debian's Chromium headless through playwright-core, and gives the
 * tests the page helpers they share (open the app, read `window.mpoApp`, wait, click cells, draw,
 * save a run, re-draw it with `mpo eval`). Used by test/browser-*.test.ts; not a test file itself.
 */
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { chromium, type Browser, type Download, type Page } from 'playwright-core';
import { buildWeb } from '../scripts/build-web.js';
import { serveStatic } from '../scripts/serve.js';
import type { AppDiag } from '../web/src/app-diag.js';

export const root = new URL('..', import.meta.url).pathname;
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Where screenshots and measurements go (test-output/, not committed). */
export const OUT = join(root, 'test-output');
const haveChromium = existsSync(CHROMIUM);
/** The `skip` option of every browser test: a reason when there is no Chromium, else false. */
export const skip = haveChromium ? false : `no Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`;

let tmp = '';
let server: Server | null = null;
let url = '';
let browser: Browser | null = null;

/**
 * Registers the calling test file's `before` (build, serve, launch) and `after` (close, clean up)
 * hooks; `extraArgs` go to Chromium after the usual flags (`--enable-unsafe-webgpu` for WebGPU).
 */
export function useApp(extraArgs: readonly string[] = []): void {
  before(async () => {
    if (!haveChromium) return;
    tmp = mkdtempSync(join(tmpdir(), 'mpo-web-test-'));
    await buildWeb({ out: join(tmp, 'web') });
    ({ server, url } = await serveStatic({ dir: join(tmp, 'web'), port: 0 }));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
        '--disable-quic', '--disable-dev-shm-usage', ...extraArgs],
    });
    mkdirSync(OUT, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });
}

/** `window.mpoApp` as it arrives from the page: the landscape's typed arrays come back as plain objects. */
export type Diag = Omit<AppDiag, 'lastLandscape' | 'targetCells'> & {
  lastLandscape: { step: number; rows: number; cols: number; loss: Record<string, number>; auc: number; untrainedAuc: number; } | null;
};

/**
 * A page of the app with its console errors collected; `init` (a script) runs in the page before
 * the app's own, `viewport` replaces the usual 1400x1000.
 */
export async function openApp(hash = '', opts: { init?: string; viewport?: { width: number; height: number; }; } = {}): Promise<{
  page: Page;
  consoleErrors: string[];
}> {
  const context = await browser!.newContext({ acceptDownloads: true, viewport: opts.viewport ?? { width: 1400, height: 1000 } });
  if (opts.init) await context.addInitScript(opts.init);
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(e.message));
  await page.goto(url + hash);
  await waitFor(page, 'the worker is ready and drew a landscape', (d) => d.backend !== '' && d.landscapes > 0, 90_000);
  return { page, consoleErrors };
}

export const diag = (page: Page) =>
  page.evaluate(() => {
    const d = (window as unknown as { mpoApp: Diag & { lastLandscape: { loss: Float32Array; } | null; }; }).mpoApp;
    return { ...d, lastLandscape: d.lastLandscape ? { ...d.lastLandscape, loss: Array.from(d.lastLandscape.loss) } : null } as unknown as Diag;
  });

export async function waitFor(page: Page, what: string, ok: (d: Diag) => boolean, timeoutMs: number): Promise<Diag> {
  const t0 = Date.now();
  for (;;) {
    const d = await diag(page);
    if (d.errors.length) throw new Error(`the app reported: ${d.errors.join('; ')}`);
    if (ok(d)) return d;
    if (Date.now() - t0 > timeoutMs) {
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting until ${what} (step ${d.step}, status: ${await page.textContent('#status')})`);
    }
    await page.waitForTimeout(100);
  }
}

/** Presses "step" `n` times, each time waiting until the landscape of that step is drawn and training has stopped. */
export async function stepTimes(page: Page, n: number, timeoutMs: number): Promise<void> {
  for (let i = 1; i <= n; i++) {
    await page.click('#step');
    await waitFor(page, `step ${i}`, (d) => d.lastLandscape?.step === i && !d.running, timeoutMs);
  }
}

export async function setField(page: Page, id: string, value: string): Promise<void> {
  await page.locator(`#${id}`).fill(value);
  await page.locator(`#${id}`).dispatchEvent('change');
}

/** Clicks the centre of cell (row, col) of a canvas showing a `side` x `side` grid. */
export async function cellPoint(page: Page, id: string, side: number, row: number, col: number): Promise<{ x: number; y: number; }> {
  const box = (await page.locator(`#${id}`).boundingBox())!;
  const size = await page.evaluate((i) => (document.getElementById(i) as HTMLCanvasElement).width, id);
  const cell = Math.floor(size / side);
  const o = Math.floor((size - cell * side) / 2);
  return { x: box.x + ((o + (col + 0.5) * cell) * box.width) / size, y: box.y + ((o + (row + 0.5) * cell) * box.height) / size };
}

/** Draws an 8x8 target with the mouse: two horizontal strokes on a cleared grid. */
export async function draw8x8(page: Page): Promise<void> {
  await setField(page, 'size', '8');
  await page.click('#clear');
  assert.match(await page.textContent('#status') ?? '', /no black cell/, 'an empty target gets a hint');
  for (const row of [2, 5]) {
    const a = await cellPoint(page, 'target', 8, row, 1);
    const b = await cellPoint(page, 'target', 8, row, 6);
    await page.mouse.move(a.x, a.y);
    await page.mouse.down();
    await page.mouse.move(b.x, b.y, { steps: 8 });
    await page.mouse.up();
  }
  assert.equal(await page.evaluate(() => document.getElementById('status')!.className.includes('hint')), false, 'the hint goes once there are black cells');
}

/** Distinct colours of a canvas, and a hash of its pixels. */
export const canvasPixels = (page: Page, id: string) =>
  page.evaluate((i) => {
    const c = document.getElementById(i) as HTMLCanvasElement;
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    let hash = 0;
    for (let k = 0; k < d.length; k += 4) {
      const v = (d[k] << 16) | (d[k + 1] << 8) | d[k + 2];
      colours.add(v);
      hash = (hash * 31 + v) | 0;
    }
    return { colours: colours.size, hash };
  }, id);

export const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;

/** Trains `steps` steps of the MLP on a drawn 8x8 target with `backend`; returns the step losses and steps/s. */
export async function trainDrawn(backend: 'wasm' | 'webgl',
  steps: number): Promise<{ losses: number[]; stepsPerSecond: number; page: Page; consoleErrors: string[]; }> {
  const { page, consoleErrors } = await openApp(backend === 'wasm' ? '' : `#backend=${backend}`);
  const d0 = await diag(page);
  assert.equal(d0.backend, backend, `the app runs on ${backend}`);
  assert.equal(await page.textContent('#backend-used'), backend, 'the backend in use is shown');
  await draw8x8(page);
  await setField(page, 'cells', '10');
  await setField(page, 'batch', '64');
  await page.click('#reset');
  await waitFor(page, 'a fresh plane', (d) => d.step === 0 && d.lastLandscape?.rows === 8, 30_000);
  const t0 = Date.now();
  await page.click('#play');
  const d = await waitFor(page, `${steps} steps`, (x) => x.losses.length >= steps, 240_000);
  await page.click('#play');
  await waitFor(page, 'the pause', (x) => !x.running, 30_000);
  const losses = (await diag(page)).losses;
  return { losses, stepsPerSecond: d.losses.length / ((Date.now() - t0) / 1000), page, consoleErrors };
}

/** Reads a float32 .npy file (format 1.0, little-endian). */
export function readNpy(path: string): Float32Array {
  const b = readFileSync(path);
  const hlen = b.readUInt16LE(8);
  assert.match(b.toString('latin1', 10, 10 + hlen), /'descr': '<f4'/);
  const data = b.subarray(10 + hlen);
  return new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** The page's classic-view results (window.mpoApp.classic), typed arrays as plain arrays. */
export const classicDiag = (page: Page) =>
  page.evaluate(() => {
    const c = (window as unknown as {
      mpoApp: {
        classic: { planes: number; lines: number; lastPlane: { loss: Float32Array; points: number; net?: string; } | null;
          lastLine: { loss: Float32Array; t: number[]; from: number | null; to: number | null; } | null; };
      };
    }).mpoApp.classic;
    return {
      planes: c.planes,
      lines: c.lines,
      plane: c.lastPlane && { points: c.lastPlane.points, net: c.lastPlane.net, loss: Array.from(c.lastPlane.loss) },
      line: c.lastLine && { t: c.lastLine.t, from: c.lastLine.from, to: c.lastLine.to, loss: Array.from(c.lastLine.loss) },
    };
  });

export const allFinite = (a: number[]) => a.every((v) => Number.isFinite(v) && v > 0);

/** Presses "save run" and saves the downloads (`expected` file names) into `dir`; returns the parsed config.json. */
export async function saveRun(page: Page, dir: string, expected: string[]): Promise<Record<string, unknown>> {
  const names = new Set<string>();
  const saves: Promise<void>[] = [];
  let handler: ((dl: Download) => void) | undefined;
  const got = new Promise<void>((resolve) => {
    handler = (dl) => {
      names.add(dl.suggestedFilename());
      saves.push(dl.saveAs(join(dir, dl.suggestedFilename())));
      if (expected.every((n) => names.has(n))) resolve();
    };
    page.on('download', handler);
  });
  await page.click('#save');
  await got;
  await Promise.all(saves);
  page.off('download', handler!);
  assert.deepEqual([...names].sort(), [...expected].sort());
  return JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
}

/** Runs `mpo eval` on a saved browser run and checks its test losses against the browser's; returns the largest relative difference. */
export function evalMatches(dir: string, browserLoss: number[]): number {
  const r = spawnSync(process.execPath, ['--import', import.meta.resolve('tsx'), join(root, 'src/cli/main.ts'), 'eval', dir, '--images', '300', '--padding',
    '0', '--out', join(dir, 'eval'), '--quiet'], { cwd: root, encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, `mpo eval failed: ${r.stderr}`);
  const npy = readdirSync(join(dir, 'eval'), { recursive: true }).map(String).find((f) => f.endsWith('test-loss.npy'));
  assert.ok(npy, 'mpo eval wrote test-loss.npy');
  const cli = readNpy(join(dir, 'eval', npy));
  assert.equal(cli.length, browserLoss.length);
  const worst = Math.max(...Array.from(cli, (v, i) => Math.abs(v - browserLoss[i]) / browserLoss[i]));
  assert.ok(worst < 1e-4, `the CLI re-draws the browser's landscape (largest relative difference ${worst})`);
  return worst;
}
