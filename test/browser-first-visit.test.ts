/**
 * The app for a first-time visitor (issue 21), in a real browser: a saved run carries its target
 * and settings to a fresh page, an old checkpoint asks for its target, a damaged one says so in
 * the app's words. Screenshots go to test-output/. The harness is browser-harness.ts.
 */
import { test } from 'node:test';
import { createRequire } from 'node:module';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { decodeCheckpoint, encodeCheckpoint } from '../src/core/io/checkpoint.js';
import { SETTINGS } from '../src/core/settings.js';
import { type Diag, diag, openApp, OUT, saveRun, setField, skip, stepTimes, useApp, waitFor } from './browser-harness.js';

useApp();

const cellsOf = (page: Page) => page.evaluate(() => (window as unknown as { mpoApp: { targetCells(): string; }; }).mpoApp.targetCells());

/** Waits until the status line says `pattern`; returns its text. */
async function statusMatching(page: Page, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  await page.waitForFunction((src) => new RegExp(src).test(document.getElementById('status')!.textContent ?? ''), pattern.source, { timeout: timeoutMs });
  return (await page.textContent('#status')) ?? '';
}

test('a checkpoint carries its target and settings to a fresh page; an old one asks for its target; a damaged one says so', { skip, timeout: 400_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mpo-web-ckpt-'));
    try {
      // Page A: the cross, 12 cells a step, 3 steps, saved.
      const a = await openApp('#p=cross.12&cells=12&lr=0.002');
      await waitFor(a.page, 'the cross', (d) => d.lastLandscape?.rows === 12, 60_000);
      await stepTimes(a.page, 3, 60_000);
      const savedCells = await cellsOf(a.page);
      const savedAuc = (await diag(a.page)).lastLandscape!.auc;
      await saveRun(a.page, dir, ['checkpoint.mpo', 'config.json']);
      await a.page.context().close();

      // Page B: a fresh page showing the heart loads it, and shows and scores the cross.
      const b = await openApp();
      assert.notEqual(await cellsOf(b.page), savedCells, 'the fresh page shows another target');
      await b.page.setInputFiles('#load', join(dir, 'checkpoint.mpo'));
      const loaded = await waitFor(b.page, "the loaded plane's landscape", (d) => d.lastLandscape?.step === 3 && d.lastLandscape.rows === 12, 60_000);
      assert.equal(await cellsOf(b.page), savedCells, 'loading restores the target');
      assert.equal(loaded.lastLandscape!.auc, savedAuc, 'and scores the plane against it');
      assert.equal(await b.page.inputValue('#cells'), '12', 'and restores the settings');
      assert.equal(await b.page.inputValue('#lr'), '0.002');
      assert.match(await b.page.evaluate(() => location.hash), /p=cross\.12/, 'the URL names the loaded target');
      assert.equal(await b.page.textContent('#auc'), savedAuc.toFixed(3));
      assert.match(await b.page.textContent('#status') ?? '', /loaded a plane at step 3 with its target/);

      // An old checkpoint (no target in it): the page asks for the target instead of scoring it against the one on show.
      const ckpt = decodeCheckpoint(readFileSync(join(dir, 'checkpoint.mpo')), 'checkpoint.mpo');
      writeFileSync(join(dir, 'old.mpo'), encodeCheckpoint({ ...ckpt, extra: { seconds: 1 } }));
      await b.page.selectOption('#builtin', 'heart');
      await waitFor(b.page, 'the heart', (d) => d.lastLandscape?.step === 3 && d.lastLandscape.rows === 12 && d.lastLandscape.auc !== savedAuc, 60_000);
      await b.page.setInputFiles('#load', join(dir, 'old.mpo'));
      const hint = await statusMatching(b.page, /does not say which target/);
      assert.match(hint, /choose that target/);
      assert.equal(await b.page.evaluate(() => document.getElementById('status')!.className.includes('hint')), true, 'it is a hint, not an error');
      await b.page.waitForFunction(() => document.getElementById('auc')!.textContent!.startsWith('?'));
      await b.page.screenshot({ path: join(OUT, 'first-visit-old-checkpoint.png') });
      await b.page.selectOption('#builtin', 'cross');
      await waitFor(b.page, 'the chosen target scored', (d) => d.lastLandscape?.auc === savedAuc, 60_000);
      assert.equal(await b.page.textContent('#auc'), savedAuc.toFixed(3), 'choosing the target shows its AUC');

      // A damaged checkpoint: one changed byte.
      const bytes = readFileSync(join(dir, 'checkpoint.mpo'));
      bytes[bytes.length - 10] ^= 0xff;
      writeFileSync(join(dir, 'damaged.mpo'), bytes);
      await b.page.setInputFiles('#load', join(dir, 'damaged.mpo'));
      const said = await statusMatching(b.page, /damaged/);
      assert.equal(said, 'this checkpoint is damaged: choose another file');
      assert.doesNotMatch(said, /delete it|start the run again/);
      assert.equal(await cellsOf(b.page), savedCells, 'the plane on show is kept');
      assert.deepEqual(b.consoleErrors, []);
      await b.page.context().close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

test("beside every AUC the untrained plane's value, in the readout and as a line on the chart; values under 0.5 show; a new target starts a new curve", {
  skip,
  timeout: 300_000,
}, async () => {
  const { page, consoleErrors } = await openApp();
  const d0 = await diag(page);
  const untrained = d0.lastLandscape!.untrainedAuc;
  assert.equal(untrained, d0.lastLandscape!.auc, 'at step 0 the plane is the untrained one');
  assert.equal(await page.textContent('#auc-untrained'), `untrained ${untrained.toFixed(3)}`);
  await stepTimes(page, 3, 60_000);
  const d3 = await diag(page);
  assert.equal(d3.lastLandscape!.untrainedAuc, untrained, 'the untrained value stays beside the trained AUC');
  assert.equal(await page.textContent('#auc-untrained'), `untrained ${untrained.toFixed(3)}`);
  assert.equal(d3.aucChart!.untrained, untrained, 'the chart draws the untrained line');
  assert.deepEqual(d3.aucChart!.steps, [0, 1, 2, 3]);

  // The inverted heart: a new target for the same plane; its AUC falls under 0.5.
  await page.click('#invert');
  const inv = await waitFor(page, 'the inverted target scored', (d) => d.lastLandscape!.untrainedAuc < 0.5 && d.lastLandscape!.step === 3, 60_000);
  const u2 = inv.lastLandscape!.untrainedAuc;
  assert.ok(Math.abs(u2 - (1 - untrained)) < 0.01, `the untrained plane on the inverted target: ${u2} (1 - ${untrained})`);
  await page.waitForFunction(() => (window as unknown as { mpoApp: Diag; }).mpoApp.aucChart?.untrained! < 0.5);
  const chart = (await diag(page)).aucChart!;
  assert.deepEqual(chart.steps, [3], 'the new target starts a new curve (no point of the old target)');
  assert.ok(chart.yRange[0] <= Math.min(...chart.auc, chart.untrained), `the y range ${chart.yRange} shows ${chart.auc} and ${chart.untrained}`);
  assert.equal(await page.textContent('#auc-untrained'), `untrained ${u2.toFixed(3)}`);
  await stepTimes2(page, 4);
  await page.screenshot({ path: join(OUT, 'first-visit-untrained.png') });
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

/** One more step, up to step `n`. */
async function stepTimes2(page: Page, n: number): Promise<void> {
  await page.click('#step');
  await waitFor(page, `step ${n}`, (d) => d.lastLandscape?.step === n && !d.running, 60_000);
}

test('backend status that stays: a webgpu fallback says why beside the backend, and the menu says wasm', { skip, timeout: 300_000 }, async () => {
  const { page, consoleErrors } = await openApp('#backend=webgpu');
  const d = await diag(page);
  assert.equal(d.backend, 'wasm');
  assert.deepEqual(d.errors, [], 'a fallback is no error');
  const note = (await page.textContent('#backend-state')) ?? '';
  assert.match(note, /^webgpu not used: .+; using wasm$/, 'the reason stands beside the backend');
  assert.equal(await page.inputValue('#backend'), 'wasm', 'the menu shows the backend in use');
  assert.equal(await page.locator('#backend option[value=webgpu]').textContent(), 'webgpu (not available here)');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /backend=webgpu/, 'the URL no longer asks for webgpu');
  await stepTimes(page, 2, 60_000);
  await page.click('#invert');
  await page.click('#play');
  await waitFor(page, 'a few steps', (x) => x.step >= 5, 60_000);
  await page.click('#play');
  await waitFor(page, 'the pause', (x) => !x.running, 30_000);
  assert.equal(await page.textContent('#backend-state'), note, 'the note stays after steps, a new target and play');
  await page.screenshot({ path: join(OUT, 'first-visit-backend-note.png') });
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('a slow backend shows what it is doing with the seconds it has taken: starting, compiling for the first landscape and the first step', { skip,
  timeout: 400_000 }, async () => {
  const record = `window.__seen = [];
    document.addEventListener('DOMContentLoaded', () => {
      const el = document.getElementById('backend-state');
      if (!el) return;
      window.__seen.push(el.textContent);
      new MutationObserver(() => window.__seen.push(el.textContent)).observe(el, { childList: true, characterData: true, subtree: true });
    });`;
  const { page, consoleErrors } = await openApp('#backend=webgl', { init: record });
  assert.equal((await diag(page)).backend, 'webgl');
  await page.click('#step');
  await page.waitForFunction(() => /first step/.test(document.getElementById('backend-state')!.textContent ?? ''), undefined, { timeout: 10_000 });
  await waitFor(page, 'the first step', (x) => x.lastLandscape?.step === 1 && !x.running, 120_000);
  const seen = await page.evaluate(() => (window as unknown as { __seen: string[]; }).__seen);
  const has = (re: RegExp) => assert.ok(seen.some((t) => re.test(t)), `the backend status showed ${re} (saw ${[...new Set(seen)].join(' | ')})`);
  has(/^starting webgl… \d+ s$/);
  has(/^webgl: compiling shaders for the first landscape… \d+ s$/);
  has(/^webgl: compiling shaders for the first step… \d+ s$/);
  assert.equal(await page.textContent('#backend-state'), '', 'and nothing once the first step is done (webgl was the backend asked for)');
  assert.deepEqual(consoleErrors.filter((e) => !/GPU stall|WebGL|GL Driver/i.test(e)), []);
  await page.context().close();
});

/** A PNG of `side` x `side` grey `bg` (0..255) with a square of grey `fg` off the cell grid, so that its edge cells are in between (fg = bg: one flat colour). */
function greyPng(side: number, bg: number, fg: number): Buffer {
  const png = new PNG({ width: side, height: side });
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      const inside = x >= 13 && x < 35 && y >= 13 && y < 35;
      const g = inside ? fg : bg;
      png.data.set([g, g, g, 255], 4 * (y * side + x));
    }
  }
  return PNG.sync.write(png);
}

const blackCount = async (page: Page) => [...(await cellsOf(page)).split(':')[1]].filter((c) => c === '1').length;

test('app words for app problems: a bad setting is marked at its field and not applied; errors go once fixed; an all-light upload gets a threshold slider', {
  skip,
  timeout: 300_000,
}, async () => {
  const { page, consoleErrors } = await openApp();
  const clearErrors = () => page.evaluate(() => (window as unknown as { mpoApp: { errors: string[]; }; }).mpoApp.errors.splice(0));

  // A learning rate of -1: marked, kept as typed, not applied (not silently put back to 0.001).
  await setField(page, 'lr', '-1');
  assert.equal(await page.getAttribute('#lr', 'aria-invalid'), 'true', 'the field is marked');
  assert.equal(await page.inputValue('#lr'), '-1', 'what was typed stays to be fixed');
  assert.match(await page.textContent('#settings-error') ?? '', /learning rate must be a number > 0 and <= 1 \(not -1\): this value is not applied/);
  assert.equal(await page.isVisible('#settings-error'), true);
  assert.doesNotMatch(await page.evaluate(() => location.hash), /lr=/, 'the settings in use are unchanged');
  await page.screenshot({ path: join(OUT, 'first-visit-bad-setting.png') });
  await setField(page, 'lr', '0.002');
  assert.equal(await page.getAttribute('#lr', 'aria-invalid'), null, 'the mark goes once the value is fixed');
  assert.equal(await page.isVisible('#settings-error'), false);
  assert.equal(await page.evaluate(() => document.getElementById('status')!.className.includes('error')), false, 'and so does the red status line');
  assert.match(await page.evaluate(() => location.hash), /lr=0\.002/, 'the fixed value is applied');

  // A grid size out of range: an error, gone with the next good size.
  await setField(page, 'size', '99');
  assert.match(await page.textContent('#status') ?? '', /grid size must be 8\.\.50/);
  await setField(page, 'size', '12');
  assert.equal(await page.evaluate(() => document.getElementById('status')!.className.includes('error')), false, 'a good size clears the error');
  await clearErrors();

  // An all-light picture: no "pick a threshold" (the app has no such control): a slider, already set inside the picture's greys.
  const dir = mkdtempSync(join(tmpdir(), 'mpo-web-upload-'));
  try {
    writeFileSync(join(dir, 'light.png'), greyPng(48, 240, 180));
    writeFileSync(join(dir, 'black.png'), greyPng(48, 0, 0));
    await page.setInputFiles('#upload', join(dir, 'light.png'));
    await page.waitForFunction(() => /light\.png/.test(document.getElementById('status')!.textContent ?? ''));
    const said = (await page.textContent('#status')) ?? '';
    assert.doesNotMatch(said, /pick a threshold/);
    assert.match(said, /all light.*threshold slider/);
    assert.equal(await page.isVisible('#threshold'), true, 'the threshold slider is shown');
    const n1 = await blackCount(page);
    assert.ok(n1 > 0 && n1 < 144, `the upload is a usable target (${n1} of 144 cells black)`);
    await page.evaluate(() => {
      const t = document.getElementById('threshold') as HTMLInputElement;
      t.value = String(Number(t.min) + 0.03);
      t.dispatchEvent(new Event('input'));
    });
    const n2 = await blackCount(page);
    assert.ok(n2 > 0 && n2 < n1, `a lower threshold makes fewer cells black (${n2} < ${n1})`);
    await page.screenshot({ path: join(OUT, 'first-visit-threshold.png') });
    await page.setInputFiles('#upload', join(dir, 'black.png'));
    await page.waitForFunction(() => /black\.png/.test(document.getElementById('status')!.textContent ?? ''));
    assert.equal(await page.textContent('#status'), 'black.png is one flat colour: choose a picture with a shape in it');
    assert.equal(await page.isVisible('#threshold'), false, 'no slider can help a flat picture');
    assert.equal(await blackCount(page), n2, 'the target stays as it was');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

/** Whether the element is wholly inside the viewport (after no scrolling). */
const inFirstScreen = (page: Page, selector: string) =>
  page.evaluate((sel) => {
    const r = document.querySelector(sel)!.getBoundingClientRect();
    return { top: r.top, bottom: r.bottom, left: r.left, right: r.right, ok: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth };
  }, selector);

test('a phone (390x844): no sideways scroll, the loss map and play in the first screen; legend, setting tooltips and a "press play" prompt', { skip,
  timeout: 300_000 }, async () => {
  const { page, consoleErrors } = await openApp('', { viewport: { width: 390, height: 844 } });
  await page.waitForTimeout(300);
  await page.screenshot({ path: join(OUT, 'first-visit-phone.png') });
  await page.screenshot({ path: join(OUT, 'first-visit-phone-full.png'), fullPage: true });
  const widths = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, body: document.body.scrollWidth, view: innerWidth }));
  assert.ok(widths.doc <= widths.view && widths.body <= widths.view,
    `no sideways scroll: document ${widths.doc} px, body ${widths.body} px, viewport ${widths.view}`);
  for (const sel of ['#play', '#loss-map', '#target']) {
    const box = await inFirstScreen(page, sel);
    assert.ok(box.ok, `${sel} is in the first screen: ${JSON.stringify(box)}`);
  }
  // The prompt, until play.
  assert.equal(await page.isVisible('#prompt'), true);
  assert.match(await page.textContent('#prompt') ?? '', /press play/);
  // The legend and the explanations.
  assert.match(await page.textContent('#legend') ?? '', /Dark = low test loss.*black cells dark.*cyan outline/s);
  assert.match(await page.textContent('#curves-legend') ?? '', /AUC.*dashed line.*untrained.*eq\. 3/s);
  // Each setting's tooltip is its help line in SETTINGS.
  for (const [id, name] of [['model', 'model'], ['cells', 'cellsPerStep'], ['batch', 'batchSize'], ['lr', 'lr'], ['scale', 'scaleInit'], ['seed',
    'seed']] as const) {
    assert.equal(await page.getAttribute(`#${id}`, 'title'), SETTINGS[name].help, `the tooltip of #${id}`);
    // The control's label, bounds and value come from the table too (the app's entry, else the CLI's).
    const app = SETTINGS[name].app!;
    const label = await page.locator(`#${id}`).evaluate((e) => e.closest('label')!.firstChild!.textContent!.trim());
    assert.equal(label, app.label, `the label of #${id}`);
    if (name === 'model') continue;
    const range = app.range ?? SETTINGS[name].range!;
    assert.equal(await page.getAttribute(`#${id}`, 'min'), String(range.min), `the minimum of #${id}`);
    assert.equal(await page.getAttribute(`#${id}`, 'max'), range.max === undefined ? null : String(range.max), `the maximum of #${id}`);
    assert.equal(Number(await page.inputValue(`#${id}`)), app.default ?? SETTINGS[name].default, `the default of #${id}`);
  }
  assert.ok(((await page.getAttribute('#backend', 'title')) ?? (await page.locator('#backend').evaluate((e) => e.closest('label')!.title))).length > 20);
  await page.click('#play');
  await waitFor(page, 'a few steps', (d) => d.step >= 3, 60_000);
  assert.equal(await page.isVisible('#prompt'), false, 'the prompt goes once training runs');
  await page.click('#play');
  await waitFor(page, 'the pause', (d) => !d.running, 30_000);
  await page.screenshot({ path: join(OUT, 'first-visit-phone-trained.png') });
  assert.equal(await page.isVisible('#prompt'), false, 'and stays away after a pause');
  assert.deepEqual(consoleErrors, []);
  await page.context().close();

  // The desktop at 1366x900: no sideways scroll either, the maps beside the target.
  const desk = await openApp('', { viewport: { width: 1366, height: 900 } });
  await desk.page.screenshot({ path: join(OUT, 'first-visit-desktop.png') });
  const w = await desk.page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 1366, `desktop document width ${w}`);
  for (const sel of ['#play', '#loss-map', '#target']) assert.ok((await inFirstScreen(desk.page, sel)).ok, `${sel} in the desktop's first screen`);
  await desk.page.context().close();
});

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; }[];
}

/** Runs axe-core in the page; returns its serious and critical violations. */
async function axeSerious(page: Page): Promise<AxeViolation[]> {
  await page.addScriptTag({ content: readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: AxeViolation[]; }>; }; }).axe;
    const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

test('accessibility: axe-core finds no serious or critical violation (desktop and phone); play, step and the target work by keyboard', { skip,
  timeout: 300_000 }, async () => {
  for (const viewport of [{ width: 1366, height: 900 }, { width: 390, height: 844 }]) {
    const { page, consoleErrors } = await openApp('', { viewport });
    const bad = await axeSerious(page);
    assert.deepEqual(bad.map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`), [],
      `axe at ${viewport.width}x${viewport.height}`);
    assert.deepEqual(consoleErrors, []);
    await page.context().close();
  }

  // The keyboard: the target takes the focus by Tab, arrow keys move its cursor and space flips a cell (and does not play); space elsewhere plays.
  const { page, consoleErrors } = await openApp();
  const before = await cellsOf(page);
  await page.focus('#manifold');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'target', 'Tab reaches the target after the manifold menu');
  for (const key of ['ArrowRight', 'ArrowRight', 'ArrowDown', 'Space']) await page.keyboard.press(key);
  const after = await cellsOf(page);
  const k = before.indexOf(':') + 1 + 1 * 24 + 2;
  assert.equal(after[k], before[k] === '1' ? '0' : '1', 'space flipped cell (1, 2)');
  assert.equal([...after].filter((c, i) => c !== before[i]).length, 1, 'and only that cell');
  assert.match(await page.textContent('#target-cursor') ?? '', /row 1.*col(umn)? 2|\(1, 2\)/, 'the cursor cell is announced');
  assert.equal((await diag(page)).running, false, 'space on the target draws, it does not play');
  await page.screenshot({ path: join(OUT, 'first-visit-keyboard.png') });
  await page.focus('#play');
  await page.keyboard.press('Enter');
  await waitFor(page, 'training started by keyboard', (d) => d.running && d.step >= 1, 60_000);
  await page.keyboard.press('Enter');
  await waitFor(page, 'paused by keyboard', (d) => !d.running, 30_000);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('presets: thumbnails that set the target and start training on one click, a line and a volume included; a random mask says it is hard', { skip,
  timeout: 300_000 }, async () => {
  const { page, consoleErrors } = await openApp();
  const n = await page.locator('#presets button.preset').count();
  assert.ok(n >= 10, `${n} presets`);
  const colours = await page.evaluate(() =>
    [...document.querySelectorAll<HTMLCanvasElement>('#presets canvas')].map((c) => {
      const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
      const set = new Set<number>();
      for (let k = 0; k < d.length; k += 4) set.add((d[k] << 16) | (d[k + 1] << 8) | d[k + 2]);
      return set.size;
    })
  );
  assert.ok(colours.every((c) => c >= 2), `every thumbnail is drawn (colours ${colours})`);
  await page.screenshot({ path: join(OUT, 'first-visit-presets.png') });

  await page.click('#presets button[data-spec="ring.24"]');
  await waitFor(page, 'training on the ring', (d) => d.running && d.step >= 2 && d.lastLandscape?.rows === 24, 60_000);
  assert.match(await page.evaluate(() => location.hash), /p=ring\.24/);
  await page.click('#presets button[data-spec^="random"]');
  await page.waitForFunction(() => /hard target/.test(document.getElementById('status')!.textContent ?? ''));
  await waitFor(page, 'training on the random mask', (d) => d.running && d.lastLandscape?.rows === 16 && d.step >= 1, 60_000);
  await page.click('#presets button[data-spec^="1d:"]');
  await waitFor(page, 'training on a line', (d) => d.running && d.lastLandscape?.rows === 1 && d.step >= 1, 60_000);
  assert.equal(await page.inputValue('#manifold'), 'line');
  await page.click('#presets button[data-spec="cube-frame.6"]');
  await waitFor(page, 'training on a volume', (d) => d.running && d.lastLandscape?.rows === 6 && d.step >= 1, 120_000);
  assert.equal(await page.inputValue('#manifold'), 'volume');
  await page.click('#play');
  await waitFor(page, 'the pause', (d) => !d.running, 60_000);
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});

test('a hard target says so: a random mask and fine detail (the checker on 12x12 cells), not the heart', { skip, timeout: 120_000 }, async () => {
  const { page, consoleErrors } = await openApp();
  await setField(page, 'size', '12');
  await page.click('#random');
  await page.waitForFunction(() => /random mask is a hard target/.test(document.getElementById('status')!.textContent ?? ''));
  await page.selectOption('#builtin', 'checker');
  await page.waitForFunction(() => /fine detail, a hard target/.test(document.getElementById('status')!.textContent ?? ''));
  await page.selectOption('#builtin', 'heart');
  await page.waitForFunction(() => !/hard target/.test(document.getElementById('status')!.textContent ?? ''));
  assert.deepEqual(consoleErrors, []);
  await page.context().close();
});
