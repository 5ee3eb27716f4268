import { patternFromPixels, resizeGrey, type RgbaImage, targetSize, toGrey } from '../../src/core/index.js';
import type { Locator } from './draw-manifold.js';
import type { PageElements, StatusFn } from './elements.js';
import { gridGeometry } from './draw.js';
import { builtinsOf, cellName, drawTargetOf, manifoldOf, patternOfSpec, resizedPattern, sizeLimits, sizeOf } from './manifold-ui.js';
import type { ManifoldName, PatternData, Settings } from './protocol.js';
import { MAX_SIDE, MIN_SIDE } from './url-state.js';

/** What the editor needs from the page. */
export interface TargetDeps {
  els: Pick<
    PageElements,
    'target' | 'manifold' | 'planeOnly' | 'builtinRow' | 'size' | 'sizeLabel' | 'builtin' | 'upload' | 'threshold' | 'thresholdRow' | 'thresholdValue'
      | 'targetCursor' | 'randomP' | 'random' | 'clear' | 'invert'
  >;
  /** The page's current target; painting changes its cells in place, then hands it back through `setPattern`. */
  pattern(): PatternData;
  /** The current settings: the manifold, and the seed of random masks. */
  settings(): Settings;
  /** A new target: the page takes it, shows it (`showPattern`), writes the URL and retargets the plane. */
  setPattern(p: PatternData): void;
  /** The manifold selector changed. */
  manifoldChanged(m: ManifoldName): void;
  status: StatusFn;
}

/** The editor: wires the target's canvas and controls; the page asks it to show the current target. */
export interface TargetEditor {
  /** Redraws the target. */
  redraw(): void;
  /** Redraws the target and shows its size and built-in name in the fields. */
  showPattern(): void;
  /** Shows the target controls of the current manifold (built-ins of the plane or the volume; random masks and images only for the plane) and the target's size. */
  showControls(): void;
}

/**
 * Sets up the target editor of web/index.html and draws the current target. A factory: its
 * controls' handlers share the drawing, the brush and the upload in its closure.
 */
export function createTargetEditor(deps: TargetDeps): TargetEditor {
  const { els } = deps;
  let targetLocator: Locator = drawTargetOf(els.target, deps.pattern());
  let painting: number | null = null;
  let dirty = false;

  function redraw(): void {
    targetLocator = drawTargetOf(els.target, deps.pattern());
  }

  function showPattern(): void {
    const pattern = deps.pattern();
    redraw();
    els.size.value = String(sizeOf(pattern));
    els.builtin.value = pattern.origin.kind === 'builtin' ? pattern.origin.name : '';
  }

  function showControls(): void {
    const m = deps.settings().manifold;
    const pattern = deps.pattern();
    els.manifold.value = m;
    for (const el of els.planeOnly) el.hidden = m !== 'plane';
    if (m !== 'plane') els.thresholdRow.hidden = true;
    const names = builtinsOf(m);
    els.builtinRow.hidden = names.length === 0;
    els.builtin.replaceChildren(new Option('—', ''), ...names.map((n) => new Option(n, n)));
    els.builtin.value = pattern.origin.kind === 'builtin' ? pattern.origin.name : '';
    const [lo, hi] = sizeLimits(m);
    els.sizeLabel.textContent = m === 'line' ? 'length' : m === 'volume' ? 'side' : 'grid';
    els.size.min = String(lo);
    els.size.max = String(hi);
    els.size.value = String(sizeOf(pattern));
  }

  // Drawing by keyboard (a line's strip or a picture): arrow keys move a cursor cell, space or enter flips it.
  let cursor = 0;
  function drawCursor(): void {
    const p = deps.pattern();
    if (manifoldOf(p) === 'volume' || document.activeElement !== els.target) return;
    cursor = Math.min(cursor, p.cells.length - 1);
    const g = gridGeometry(els.target, p.height, p.width);
    const ctx = els.target.getContext('2d')!;
    ctx.strokeStyle = '#e8590c';
    ctx.lineWidth = 3;
    ctx.strokeRect(g.ox + (cursor % p.width) * g.cell + 1.5, g.oy + Math.floor(cursor / p.width) * g.cell + 1.5, g.cell - 3, g.cell - 3);
    els.targetCursor.textContent = `${cellName(p, cursor).split(' · ')[0]}: ${p.cells[cursor] ? 'black' : 'white'}`;
  }
  els.target.addEventListener('focus', () => {
    redraw();
    drawCursor();
  });
  els.target.addEventListener('blur', () => redraw());
  els.target.addEventListener('keydown', (e) => {
    const p = deps.pattern();
    if (manifoldOf(p) === 'volume') return;
    let row = Math.floor(cursor / p.width), col = cursor % p.width;
    if (e.key === 'ArrowUp') row = Math.max(0, row - 1);
    else if (e.key === 'ArrowDown') row = Math.min(p.height - 1, row + 1);
    else if (e.key === 'ArrowLeft') col = Math.max(0, col - 1);
    else if (e.key === 'ArrowRight') col = Math.min(p.width - 1, col + 1);
    else if (e.key === ' ' || e.key === 'Enter') {
      const cells = p.cells.slice();
      cells[cursor] = 1 - cells[cursor];
      deps.setPattern({ ...p, cells, name: drawnName(), origin: { kind: 'cells' } });
    } else return;
    // The page's own keys (space plays) do not apply while the target has the focus.
    e.preventDefault();
    e.stopPropagation();
    cursor = row * p.width + col;
    redraw();
    drawCursor();
  });

  const tool = () => ((document.querySelector('input[name=tool]:checked') as HTMLInputElement).value === 'pen' ? 1 : 0);
  const drawnName = () => (manifoldOf(deps.pattern()) === 'line' ? 'strip' : 'drawn');

  function paintAt(e: PointerEvent): void {
    const k = targetLocator(e.clientX, e.clientY);
    if (k === null || painting === null) return;
    const pattern = deps.pattern();
    if (pattern.cells[k] !== painting) {
      pattern.cells[k] = painting;
      dirty = true;
      redraw();
    }
  }

  els.target.addEventListener('pointerdown', (e) => {
    painting = tool();
    els.target.setPointerCapture(e.pointerId);
    paintAt(e);
  });
  els.target.addEventListener('pointermove', (e) => {
    if (painting !== null) paintAt(e);
  });
  const endPaint = () => {
    if (painting === null) return;
    painting = null;
    if (dirty) {
      dirty = false;
      deps.setPattern({ ...deps.pattern(), name: drawnName(), origin: { kind: 'cells' } });
    }
  };
  els.target.addEventListener('pointerup', endPaint);
  els.target.addEventListener('pointercancel', endPaint);

  els.clear.addEventListener('click', () => {
    const pattern = deps.pattern();
    deps.setPattern({ ...pattern, cells: new Uint8Array(pattern.cells.length), name: drawnName(), origin: { kind: 'cells' } });
  });
  els.invert.addEventListener('click', () => {
    const pattern = deps.pattern();
    deps.setPattern({ ...pattern, cells: pattern.cells.map((v) => 1 - v), name: drawnName(), origin: { kind: 'cells' } });
  });
  els.size.addEventListener('change', () => {
    const { manifold, seed } = deps.settings();
    const n = Math.round(Number(els.size.value));
    const [lo, hi] = sizeLimits(manifold);
    if (!(n >= lo && n <= hi)) {
      deps.status(`the ${manifold === 'line' ? 'strip length' : 'grid size'} must be ${lo}..${hi}`, 'error');
      els.size.value = String(sizeOf(deps.pattern()));
      return;
    }
    deps.setPattern(resizedPattern(deps.pattern(), n, seed));
  });
  els.builtin.addEventListener('change', () => {
    if (!els.builtin.value) return;
    deps.setPattern(patternOfSpec({ kind: 'builtin', name: els.builtin.value, side: Number(els.size.value) || 24 }, deps.settings().seed));
  });
  els.manifold.addEventListener('change', () => deps.manifoldChanged(els.manifold.value as ManifoldName));
  els.random.addEventListener('click', () => {
    const p = Number(els.randomP.value);
    if (!(p > 0 && p < 1)) {
      deps.status('the random mask needs 0 < p < 1', 'error');
      return;
    }
    deps.setPattern(patternOfSpec({ kind: 'random', p, side: Number(els.size.value) || 24 }, deps.settings().seed));
  });
  /** The last uploaded image, kept so that the threshold slider can binarise it again. */
  let upload: { image: RgbaImage; name: string; side: number; } | null = null;

  /** Binarises the last upload at the slider's threshold and makes it the target. */
  function applyUpload(threshold: number): void {
    if (!upload) return;
    const { image, name, side } = upload;
    const p = patternFromPixels(image, { size: side, name, threshold });
    if (p.height < MIN_SIDE || p.width < MIN_SIDE) throw new Error(`the image comes out ${p.height}x${p.width}: use one closer to square`);
    deps.setPattern({ ...p, name, origin: { kind: 'cells' } });
  }

  /** The grey levels (0 black .. 1 white) of the last upload's cells, lowest and highest. */
  function greyRange(): { lo: number; hi: number; } {
    const { image, side } = upload!;
    const to = targetSize(image.height, image.width, side);
    const grey = resizeGrey(toGrey(image), image.height, image.width, to.height, to.width);
    let lo = Infinity, hi = -Infinity;
    for (const g of grey) {
      lo = Math.min(lo, g);
      hi = Math.max(hi, g);
    }
    return { lo, hi };
  }

  els.upload.addEventListener('change', async () => {
    const file = els.upload.files?.[0];
    if (!file) return;
    try {
      const bitmap = await createImageBitmap(file);
      const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(bitmap, 0, 0);
      const img = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
      const side = Math.min(MAX_SIDE, Math.max(MIN_SIDE, Number(els.size.value) || 24));
      upload = { image: { data: img.data, width: img.width, height: img.height }, name: file.name, side };
      els.thresholdRow.hidden = true;
      els.threshold.value = '0.5';
      const { lo, hi } = greyRange();
      if (hi - lo < 0.02) {
        upload = null;
        deps.status(`${file.name} is one flat colour: choose a picture with a shape in it`, 'error');
        return;
      }
      const mid = 0.5 > lo && 0.5 < hi ? 0.5 : Math.round(((lo + hi) / 2) * 100) / 100;
      els.threshold.min = String(Math.floor(lo * 100) / 100);
      els.threshold.max = String(Math.ceil(hi * 100) / 100);
      els.threshold.value = String(mid);
      els.thresholdValue.textContent = mid.toFixed(2);
      applyUpload(mid);
      if (mid !== 0.5) {
        // All one colour at the usual grey level 0.5: the slider (shown now) picks which cells are black.
        els.thresholdRow.hidden = false;
        deps.status(
          `${file.name} is all ${lo >= 0.5 ? 'light' : 'dark'}: the cells darker than ${mid.toFixed(2)} are black; move the threshold slider to change that`,
          'hint',
        );
      } else deps.status(`loaded ${file.name} as ${deps.pattern().height}x${deps.pattern().width} cells`);
    } catch (e) {
      deps.status(`cannot use ${file.name}: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`, 'error');
    } finally {
      els.upload.value = '';
    }
  });
  els.threshold.addEventListener('input', () => {
    const t = Number(els.threshold.value);
    els.thresholdValue.textContent = t.toFixed(2);
    try {
      applyUpload(t);
    } catch {
      // All white or all black at this end of the slider: the target stays as it was.
    }
  });

  return { redraw, showPattern, showControls };
}
