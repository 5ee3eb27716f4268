/**
 * The browser app's webgpu choice (issue 19) on Chromium's SwiftShader WebGPU (headless, no GPU;
 * `--enable-unsafe-webgpu` gives the adapter): with `?gpu=software` the app runs its real webgpu
 * path, the core's self-test against wasm included, and 5 steps equal 5 steps on wasm within a
 * relative 1e-4 (step losses and the test landscape after step 5); without the flag the software
 * adapter is declined with a note, and the app trains on wasm (the reference run). Screenshot of
 * the note in test-output/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { diag, openApp, OUT, skip, stepTimes, useApp } from './browser-harness.js';

useApp(['--enable-unsafe-webgpu']);

/**
 * A line of 8 cells (4 black, all of them trained every step) and 64 images a step: its landscape
 * is 8 networks, which SwiftShader evaluates in about a second (an 8x8 plane's 64 take ~13 s).
 */
const HASH = '#manifold=line&backend=webgpu&cells=4&batch=64&p=1d:XX..XX..';
const STEPS = 5;
const TOLERANCE = 1e-4;

/** Largest |a - b| / max(|b|) over two equally long arrays. */
function relDiff(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  const scale = Math.max(...b.map(Math.abs));
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]))) / scale;
}

test(`SwiftShader WebGPU passes the self-test and ${STEPS} app steps on webgpu equal ${STEPS} on wasm within ${TOLERANCE}`, { skip, timeout: 150_000 },
  async (t) => {
    const gpu = await openApp(`?gpu=software${HASH}`);
    const adapter = await gpu.page.evaluate(async () => {
      const a = await (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown>; } | null>; }; }).gpu
        ?.requestAdapter();
      return a ? JSON.stringify({ ...(a.info ? { vendor: a.info.vendor, architecture: a.info.architecture, fallback: a.info.isFallbackAdapter } : {}) }) : null;
    });
    t.diagnostic(`WebGPU adapter: ${adapter}`);
    assert.ok(adapter, 'Chromium with --enable-unsafe-webgpu gives a WebGPU adapter');
    const status = (await gpu.page.textContent('#status')) ?? '';
    assert.doesNotMatch(status, /not used/, 'the self-test passes on SwiftShader');
    assert.equal((await diag(gpu.page)).backend, 'webgpu', `the app runs on webgpu (status: ${status})`);
    assert.equal(await gpu.page.textContent('#backend-used'), 'webgpu');
    const t0 = Date.now();
    await stepTimes(gpu.page, STEPS, 60_000);
    const onGpu = await diag(gpu.page);
    t.diagnostic(`webgpu: ${STEPS} steps with their landscapes in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // The same app without the flag: the note (a hint on the status line, and beside the backend, where it stays), then wasm.
    const cpu = { page: await gpu.page.context().newPage(), consoleErrors: [] as string[] };
    cpu.page.on('console', (m) => m.type() === 'error' && cpu.consoleErrors.push(m.text()));
    cpu.page.on('pageerror', (e) => cpu.consoleErrors.push(e.message));
    await cpu.page.goto(new URL(HASH, gpu.page.url().replace(/[?#].*$/, '')).href);
    await cpu.page.waitForFunction(() => {
      const d = (window as unknown as { mpoApp: { backend: string; landscapes: number; }; }).mpoApp;
      return d.backend !== '' && d.landscapes > 0;
    }, undefined, { timeout: 60_000, polling: 100 });
    const note = 'webgpu not used: WebGPU runs in software here (slower than wasm); using wasm';
    assert.equal(await cpu.page.textContent('#status'), note, 'without ?gpu=software the software adapter is declined');
    assert.deepEqual((await diag(cpu.page)).errors, [], 'a fallback is no error: the app works on wasm');
    assert.equal((await diag(cpu.page)).backend, 'wasm');
    assert.equal(await cpu.page.textContent('#backend-state'), note, 'the note stands beside the backend');
    await cpu.page.screenshot({ path: join(OUT, 'browser-webgpu-note.png') });
    await stepTimes(cpu.page, STEPS, 60_000);
    assert.equal(await cpu.page.textContent('#backend-state'), note, 'and stays there');
    const onWasm = await diag(cpu.page);

    assert.equal(onGpu.losses.length, STEPS);
    assert.equal(onWasm.losses.length, STEPS);
    const lossDiff = relDiff(onGpu.losses, onWasm.losses);
    const a = onGpu.lastLandscape!;
    const b = onWasm.lastLandscape!;
    assert.equal(a.step, STEPS);
    assert.equal(b.step, STEPS);
    const mapDiff = relDiff(a.loss as unknown as number[], b.loss as unknown as number[]);
    t.diagnostic(
      `webgpu vs wasm: step losses ${onGpu.losses.map((v) => v.toFixed(6)).join(' ')} vs ${onWasm.losses.map((v) => v.toFixed(6)).join(' ')} (relative ${
        lossDiff.toExponential(1)
      }); test landscape after step ${STEPS}: relative ${mapDiff.toExponential(1)}, AUC ${a.auc} vs ${b.auc}`,
    );
    assert.ok(lossDiff <= TOLERANCE, `the step losses agree (relative ${lossDiff})`);
    assert.ok(mapDiff <= TOLERANCE, `the test landscapes after step ${STEPS} agree (relative ${mapDiff})`);
    assert.ok(Math.abs(a.auc - b.auc) <= 1e-3, `the AUCs agree: ${a.auc} vs ${b.auc}`);
    assert.deepEqual(gpu.consoleErrors, []);
    assert.deepEqual(cpu.consoleErrors, []);
    await gpu.page.context().close();
  });
