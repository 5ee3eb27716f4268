/**
 * The browser app's other modes in a real browser (issue 11): a line (a strip of cells drawn as a
 * chart), a volume (a grid of slice heat maps) and the classic views (Li et al.'s random plane, the
 * line between two cells), each trained a few steps, saved and re-drawn by `mpo eval`. The harness
 * is in browser-harness.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { allFinite, canvasPixels, cellPoint, classicDiag, diag, evalMatches, openApp, OUT, saveRun, skip, stepTimes, useApp,
  waitFor } from './browser-harness.js';

useApp();

test('line: the manifold selector switches to a strip, a few steps train it, the chart is drawn; save, load and mpo eval agree', { skip, timeout: 120_000 },
  async (t) => {
    const t0 = Date.now();
    const { page, consoleErrors } = await openApp('#cells=5&batch=32');
    await page.selectOption('#manifold', 'line');
    const d0 = await waitFor(page, "the line's first landscape", (d) => d.lastLandscape?.cols === 10 && d.lastLandscape.rows === 1 && d.step === 0, 30_000);
    assert.match(await page.evaluate(() => location.hash), /^#manifold=line&cells=5&batch=32&p=1d:XX\.\.XX\.\.XX$/,
      'the manifold and the strip are in the URL');
    assert.equal(await page.isHidden('#maps'), true, 'the heat maps give way to the chart');
    const before = await canvasPixels(page, 'line-chart');
    await stepTimes(page, 4, 30_000);
    const d = await diag(page);
    const loss = d.lastLandscape!.loss as unknown as number[];
    assert.equal(loss.length, 10);
    assert.ok(allFinite(loss), `finite losses along the line: ${loss}`);
    assert.notDeepEqual(loss, d0.lastLandscape!.loss, 'training moved the line');
    assert.ok(d.losses.every(Number.isFinite) && d.losses.length === 4);
    const after = await canvasPixels(page, 'line-chart');
    assert.ok(after.colours > 20, `the chart and its strips are drawn (${after.colours} colours)`);
    assert.notEqual(after.hash, before.hash, 'the chart changed');
    const p = (await page.locator('#line-chart').boundingBox())!;
    await page.mouse.move(p.x + p.width * 0.5, p.y + p.height * 0.3);
    assert.match(await page.textContent('#hover') ?? '', /^cell [45] · line coordinate -?0\.5/, 'hovering the chart names the cell under it');

    const dir = mkdtempSync(join(tmpdir(), 'mpo-web-line-'));
    try {
      const config = await saveRun(page, dir, ['checkpoint.mpo', 'config.json']);
      assert.equal(config.manifold, 'line');
      assert.equal(config.pattern, '1d:##..##..##', 'the strip is saved inline: no pattern.txt needed');
      await page.click('#step');
      await waitFor(page, 'step 5', (x) => x.lastLandscape?.step === 5 && !x.running, 30_000);
      await page.setInputFiles('#load', join(dir, 'checkpoint.mpo'));
      const loaded = (await waitFor(page, 'the loaded line', (x) => x.lastLandscape?.step === 4, 30_000)).lastLandscape!;
      assert.deepEqual(loaded.loss, d.lastLandscape!.loss, 'the loaded line draws the saved landscape exactly');
      const worst = evalMatches(dir, loss);
      t.diagnostic(`line: mpo eval vs browser over the 10 cells: largest relative difference ${worst.toExponential(2)}; test ${(Date.now() - t0) / 1000} s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.screenshot({ path: join(OUT, 'app-line.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await page.context().close();
  });

test('volume: a 4-cell cube frame from the URL trains and draws its grid of slice heat maps; mpo eval re-draws its checkpoint', { skip, timeout: 120_000 },
  async (t) => {
    const t0 = Date.now();
    const { page, consoleErrors } = await openApp('#manifold=volume&cells=5&batch=32&p=cube-frame.4');
    const d0 = await diag(page);
    assert.equal(await page.inputValue('#manifold'), 'volume');
    assert.equal(await page.inputValue('#builtin'), 'cube-frame');
    assert.deepEqual([d0.lastLandscape!.rows, d0.lastLandscape!.cols, (d0.lastLandscape as unknown as { slices: number; }).slices], [4, 4, 4]);
    const cells = await page.evaluate(() => (window as unknown as { mpoApp: { targetCells(): string; }; }).mpoApp.targetCells());
    assert.match(cells, /^4x4x4:[01]{64}$/, 'the target is the whole 4x4x4 solid');
    const before = await canvasPixels(page, 'loss-map');
    await stepTimes(page, 3, 30_000);
    const d = await diag(page);
    const loss = d.lastLandscape!.loss as unknown as number[];
    assert.equal(loss.length, 64);
    assert.ok(allFinite(loss), 'finite losses at the 64 cells');
    assert.notDeepEqual(loss, d0.lastLandscape!.loss, 'training moved the volume');
    const after = await canvasPixels(page, 'loss-map');
    assert.ok(after.colours > 20, `the slice grid is drawn (${after.colours} colours)`);
    assert.notEqual(after.hash, before.hash);
    // The last slice's tile is at the bottom right: hovering it names a cell of slice 3.
    const box = (await page.locator('#loss-map').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height * 0.75);
    assert.match(await page.textContent('#hover') ?? '', /^cell \(slice 3, \d, \d\) · volume \(a, b, c\) = \(.+, 1\.5\)/);
    const dir = mkdtempSync(join(tmpdir(), 'mpo-web-volume-'));
    try {
      const config = await saveRun(page, dir, ['checkpoint.mpo', 'config.json']);
      assert.deepEqual([config.manifold, config.pattern, config.patternSize], ['volume', 'cube-frame', 4], 'the solid is saved by name and size');
      const worst = evalMatches(dir, loss);
      t.diagnostic(
        `volume 4x4x4: test AUC ${d.lastLandscape!.auc.toFixed(3)} after 3 steps; mpo eval vs browser: largest relative difference ${
          worst.toExponential(2)
        }; test ${(Date.now() - t0) / 1000} s`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    await page.screenshot({ path: join(OUT, 'app-volume.png'), fullPage: true });
    assert.deepEqual(consoleErrors, []);
    await page.context().close();
  });

test("classic views: Li et al.'s random plane around w_O is drawn as a heat map; the line between two clicked cells starts and ends at their losses", { skip,
  timeout: 120_000 }, async (t) => {
  const t0 = Date.now();
  const { page, consoleErrors } = await openApp('#p=heart.9');
  const land = (await diag(page)).lastLandscape!;
  await page.locator('#classic-points').fill('9');
  await page.click('#classic-plane');
  for (let i = 0; (await classicDiag(page)).planes === 0; i++) {
    assert.ok(i < 300, 'the random plane arrives within 30 s');
    await page.waitForTimeout(100);
  }
  const { plane } = await classicDiag(page);
  assert.equal(plane!.points, 9);
  assert.equal(plane!.loss.length, 81);
  assert.ok(allFinite(plane!.loss), 'finite losses on the random plane');
  const centre = plane!.loss[40];
  // w_O is cell (4, 4) of the 9x9 target: the plane's centre is the same network on the same images.
  assert.ok(Math.abs(centre - land.loss[40]) < 1e-4 * land.loss[40], `centre ${centre} = the landscape's w_O ${land.loss[40]}`);
  assert.ok(Math.max(...plane!.loss) > centre, 'the loss rises away from w_O');
  const map = await canvasPixels(page, 'classic-map');
  assert.ok(map.colours > 20, `the random plane's heat map is drawn (${map.colours} colours)`);
  for (const [row, col] of [[2, 2], [6, 5]]) {
    const p = await cellPoint(page, 'loss-map', 9, row, col);
    await page.mouse.click(p.x, p.y);
  }
  assert.match(await page.textContent('#classic-ends') ?? '', /A = cell \(2, 2\), B = cell \(6, 5\)/);
  await page.click('#classic-line');
  for (let i = 0; (await classicDiag(page)).lines === 0; i++) {
    assert.ok(i < 300, 'the line arrives within 30 s');
    await page.waitForTimeout(100);
  }
  const { line } = await classicDiag(page);
  const a = 2 * 9 + 2, b = 6 * 9 + 5;
  assert.deepEqual([line!.from, line!.to], [a, b]);
  const at = (t: number) => line!.loss[line!.t.indexOf(t)];
  assert.ok(Math.abs(at(0) - land.loss[a]) < 1e-4 * land.loss[a] && Math.abs(at(1) - land.loss[b]) < 1e-4 * land.loss[b],
    `the line passes through A and B: ${at(0)} vs ${land.loss[a]}, ${at(1)} vs ${land.loss[b]}`);
  assert.ok((await canvasPixels(page, 'classic-chart')).colours > 5, 'the line chart is drawn');
  // Open a model (issue 23): the cell B exported by the app, opened again; its random plane is centred on B's own loss.
  const dir = mkdtempSync(join(tmpdir(), 'mpo-open-'));
  try {
    const files = new Set<string>();
    const saves: Promise<void>[] = [];
    const both = new Promise<void>((resolve) =>
      page.on('download', (dl) => {
        files.add(dl.suggestedFilename());
        saves.push(dl.saveAs(join(dir, dl.suggestedFilename())));
        if (files.has('model.json') && files.has('weights.bin')) resolve();
      })
    );
    await page.click('#export');
    await both;
    await Promise.all(saves);
    await page.setInputFiles('#classic-open', [join(dir, 'model.json'), join(dir, 'weights.bin')]);
    await page.waitForFunction(() => !(document.querySelector('#classic-open-plane') as HTMLButtonElement).disabled, undefined, { timeout: 30_000 });
    assert.match(await page.textContent('#classic-info') ?? '', /opened .*model\.json/);
    await page.click('#classic-open-plane');
    for (let i = 0; (await classicDiag(page)).planes < 2; i++) {
      assert.ok(i < 300, "the opened model's plane arrives within 30 s");
      await page.waitForTimeout(100);
    }
    const opened = (await classicDiag(page)).plane!;
    assert.equal(opened.net, 'model.json');
    assert.ok(Math.abs(opened.loss[40] - land.loss[b]) < 1e-4 * land.loss[b],
      `the opened cell's plane is centred on its loss: ${opened.loss[40]} vs ${land.loss[b]}`);
    assert.match(await page.textContent('#classic-info') ?? '', /random plane around the opened model model\.json/);
    await page.setInputFiles('#classic-open', [join(dir, 'model.json')]);
    await page.waitForFunction(() => /weights\.bin/.test(document.querySelector('#status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    assert.match(await page.textContent('#status') ?? '', /keeps its weights in "weights\.bin": choose it together with the model\.json/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  t.diagnostic(`random plane 9x9 around w_O: loss ${centre.toFixed(3)} at w_O, max ${Math.max(...plane!.loss).toFixed(3)}; test ${(Date.now() - t0) / 1000} s`);
  await page.screenshot({ path: join(OUT, 'app-classic.png'), fullPage: true });
  assert.deepEqual(consoleErrors, []);
  assert.equal((await diag(page)).errors.length, 1, 'one error: the model.json chosen without its weights');
  await page.context().close();
});
