import { BUILTIN_NAMES } from '../../src/core/index.js';
import { drawTarget } from './draw.js';
import { patternOfSpec } from './manifold-ui.js';
import type { PatternData } from './protocol.js';
import { decodePatternSpec, type PatternSpec } from './url-state.js';

/** A preset: its label and its target as in the URL (`heart.24`, `random.0.5.24`, `1d:...`, `cube-frame.6`). */
export interface Preset {
  label: string;
  spec: string;
}

/** The presets shown, in order. */
export const PRESETS: readonly Preset[] = [
  { label: 'heart', spec: 'heart.24' },
  { label: 'ring', spec: 'ring.24' },
  { label: 'star', spec: 'star.24' },
  { label: 'smiley', spec: 'smiley.24' },
  { label: 'letter A', spec: 'letter-a.24' },
  { label: 'cross', spec: 'cross.24' },
  { label: 'moon', spec: 'moon.24' },
  { label: 'random mask (hard)', spec: 'random.0.5.16' },
  { label: 'line', spec: '1d:XX..XX..XX' },
  { label: 'volume', spec: 'cube-frame.6' },
];

/** Fills `container` with a thumbnail button per preset; `choose` gets the preset's target spec on a click. */
export function createPresets(container: HTMLElement, seed: () => number, choose: (spec: PatternSpec, label: string) => void): void {
  for (const preset of PRESETS) {
    const spec = decodePatternSpec(preset.spec, BUILTIN_NAMES);
    if (!spec) continue;
    const button = document.createElement('button');
    button.className = 'preset';
    button.type = 'button';
    button.dataset.spec = preset.spec;
    button.title = `${preset.label}: make it the target and start training`;
    button.setAttribute('aria-label', `${preset.label}: make it the target and start training`);
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 48;
    canvas.setAttribute('aria-hidden', 'true');
    drawThumbnail(canvas, patternOfSpec(spec, seed()));
    const caption = document.createElement('span');
    caption.textContent = preset.label;
    button.append(canvas, caption);
    button.addEventListener('click', () => choose(spec, preset.label));
    container.append(button);
  }
}

/** Draws a target small: a picture or a strip as it is, a volume by its first slice. */
function drawThumbnail(canvas: HTMLCanvasElement, p: PatternData): void {
  drawTarget(canvas, p.cells.subarray(0, p.height * p.width), p.height, p.width);
}
