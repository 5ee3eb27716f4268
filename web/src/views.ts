/**
 * The page's live views of the training: the step counter, speed and test AUC, the landscape
 * (a plane's or a volume's heat maps, a line's chart), the training-loss and AUC curves, and
 * hover and click on the maps. Keeps the last landscape and the curves of the current plane.
 */
import type { AppDiag } from './app-diag.js';
import { drawCurves, fmt } from './draw.js';
import type { Locator } from './draw-manifold.js';
import type { PageElements } from './elements.js';
import { cellName, drawLandscapeOf, landscapeFits, manifoldOf } from './manifold-ui.js';
import type { FromWorker, LandscapeInfo, PatternData } from './protocol.js';

/** What the AUC chart shows (`window.mpoApp.aucChart`): the current target's curve, the untrained plane's value and the y range. */
export interface AucChart {
  steps: number[];
  auc: number[];
  /** NaN before the first landscape. */
  untrained: number;
  yRange: [number, number];
}

/** What the views need from the page. */
export interface ViewsDeps {
  els: Pick<PageElements,
    'maps' | 'lineView' | 'lineChart' | 'lossMap' | 'lossBar' | 'accMap' | 'accBar' | 'curves' | 'hover' | 'stepCount' | 'speed' | 'auc' | 'aucUntrained'>;
  /** Updated with each step and landscape, and with click latencies. */
  diag: AppDiag;
  /** The current target. */
  pattern(): PatternData;
  /** A cell of a map was clicked (the hover line already shows it as selected). */
  cellClicked(cell: number): void;
}

/** The live views; the page forwards worker messages to them. */
export interface Views {
  /** Handles the worker's `step` and `landscape` messages; false for other messages. */
  onMessage(m: FromWorker): boolean;
  /** Redraws at the next frame (once, however often it is asked before). */
  scheduleDraw(): void;
  /** Redraws now. */
  draw(): void;
  /** The last landscape; null before the first one or after `dropLandscape`. */
  landscape(): LandscapeInfo | null;
  /** Forgets the landscape and clears the maps (the target changed shape, or the manifold changed). */
  dropLandscape(): void;
  /**
   * Whether the landscape can be scored against the current target: false after loading a
   * checkpoint that does not say its target (the AUC then shows "?" until a target is chosen).
   */
  setTargetKnown(known: boolean): void;
  /** A new target for the same plane: the AUC curve starts anew (the next landscape is its first point). */
  newTarget(): void;
  /** A new plane: forgets the curves, the diagnostics' losses and the time the AUC was reached. */
  resetHistory(): void;
}

/**
 * Sets up the live views and hover and click on their maps. A factory: the maps' handlers share
 * the last landscape, the curves and the hovered cell.
 */
export function createViews(deps: ViewsDeps): Views {
  const { els, diag } = deps;
  let landscape: LandscapeInfo | null = null;
  let mapLocators = new Map<HTMLCanvasElement, Locator>();
  let drawPending = false;
  let targetKnown = true;
  const history = { steps: [] as number[], loss: [] as number[], evalSteps: [] as number[], auc: [] as number[], untrained: NaN };

  function scheduleDraw(): void {
    if (drawPending) return;
    drawPending = true;
    requestAnimationFrame(() => {
      drawPending = false;
      draw();
    });
  }

  function draw(): void {
    const pattern = deps.pattern();
    const line = manifoldOf(pattern) === 'line';
    els.maps.hidden = line;
    els.lineView.hidden = !line;
    if (landscape && landscapeFits(landscape, pattern)) mapLocators = drawLandscapeOf(els, landscape, pattern);
    else if (line) mapLocators = new Map([[els.lineChart, drawLineTargetOnly(pattern)]]);
    const w = els.curves.width / 2;
    drawCurves(els.curves, 0, w, 'training loss (eq. 3)', [{ x: history.steps, y: history.loss, color: '#d9480f', label: '' }], 'linear');
    const chart = aucChart();
    diag.aucChart = chart;
    const series = [{ x: chart.steps, y: chart.auc, color: '#1971c2', label: '' }];
    if (Number.isFinite(chart.untrained) && chart.steps.length) {
      series.push(
        { x: [0, Math.max(1, ...chart.steps)], y: [chart.untrained, chart.untrained], color: '#868e96', label: `untrained ${chart.untrained.toFixed(3)}`,
          dash: [4, 3] } as (typeof series)[number],
      );
    }
    drawCurves(els.curves, w, w, 'test AUC', series, 'linear', chart.yRange);
  }

  /** The AUC chart's data: this target's curve, the untrained line, and a y range that reaches under 0.5 when a value does. */
  function aucChart(): AucChart {
    const values = [...history.auc, history.untrained].filter(Number.isFinite);
    const lo = Math.min(0.5, Math.floor(Math.min(...values, 1) * 10) / 10);
    return { steps: history.evalSteps.slice(), auc: history.auc.slice(), untrained: history.untrained, yRange: [Math.max(0, lo), 1] };
  }

  function drawLineTargetOnly(pattern: PatternData): Locator {
    return drawLandscapeOf(els, { step: 0, dims: 1, slices: 1, rows: 1, cols: pattern.width, loss: new Float32Array(pattern.width).fill(NaN),
      acc: new Float32Array(pattern.width).fill(NaN), auc: NaN, untrainedAuc: NaN, accBlack: NaN, accWhite: NaN, images: 0, seconds: 0 }, pattern).get(
        els.lineChart,
      )!;
  }

  function cellText(k: number): string {
    const pattern = deps.pattern();
    const parts = [cellName(pattern, k), `target ${pattern.cells[k] ? 'black (low loss)' : 'white (high loss)'}`];
    if (landscape && landscapeFits(landscape, pattern)) parts.push(`test loss ${fmt(landscape.loss[k])}`, `accuracy ${(100 * landscape.acc[k]).toFixed(1)}%`);
    return parts.join(' · ');
  }

  for (const canvas of [els.lossMap, els.accMap, els.lineChart]) {
    canvas.addEventListener('pointermove', (e) => {
      const k = mapLocators.get(canvas)?.(e.clientX, e.clientY) ?? null;
      if (k !== null) els.hover.textContent = cellText(k);
    });
    canvas.addEventListener('click', (e) => {
      const k = mapLocators.get(canvas)?.(e.clientX, e.clientY) ?? null;
      if (k === null) return;
      els.hover.textContent = `selected ${cellText(k)}`;
      const t0 = e.timeStamp;
      requestAnimationFrame(() => diag.clickLatencies.push(performance.now() - t0));
      deps.cellClicked(k);
    });
  }

  return {
    onMessage(m) {
      if (m.type === 'step') {
        const i = m.info;
        diag.step = i.step;
        diag.stepsPerSecond = i.stepsPerSecond;
        history.steps.push(i.step);
        history.loss.push(i.loss);
        diag.losses.push(i.loss);
        els.stepCount.textContent = String(i.step);
        els.speed.textContent = i.stepsPerSecond.toFixed(1);
        scheduleDraw();
        return true;
      }
      if (m.type === 'landscape') {
        landscape = m.info;
        diag.landscapes += 1;
        diag.lastLandscape = m.info;
        diag.step = Math.max(diag.step, m.info.step);
        els.stepCount.textContent = String(m.info.step);
        if (!targetKnown) {
          els.auc.textContent = '? (choose the target)';
          els.aucUntrained.textContent = '';
          scheduleDraw();
          return true;
        }
        if (m.info.step > (history.evalSteps.at(-1) ?? -1)) {
          history.evalSteps.push(m.info.step);
          history.auc.push(m.info.auc);
        } else if (m.info.step === history.evalSteps.at(-1)) history.auc[history.auc.length - 1] = m.info.auc;
        history.untrained = m.info.untrainedAuc;
        els.auc.textContent = m.info.auc.toFixed(3);
        els.aucUntrained.textContent = Number.isFinite(m.info.untrainedAuc) ? `untrained ${m.info.untrainedAuc.toFixed(3)}` : '';
        if (m.info.auc >= 0.95 && diag.playedAt && !diag.aucReachedAt) diag.aucReachedAt = performance.now();
        scheduleDraw();
        return true;
      }
      return false;
    },
    scheduleDraw,
    draw,
    landscape: () => landscape,
    dropLandscape() {
      landscape = null;
      for (const c of [els.lossMap, els.accMap]) c.getContext('2d')!.clearRect(0, 0, c.width, c.height);
    },
    setTargetKnown(known) {
      targetKnown = known;
      if (!known) {
        els.auc.textContent = '? (choose the target)';
        els.aucUntrained.textContent = '';
      }
    },
    newTarget() {
      history.evalSteps.length = history.auc.length = 0;
      history.untrained = NaN;
      scheduleDraw();
    },
    resetHistory() {
      diag.losses.length = 0;
      history.steps.length =
        history.loss.length =
        history.evalSteps.length =
        history.auc.length =
          0;
      history.untrained = NaN;
      diag.aucReachedAt = 0;
    },
  };
}
