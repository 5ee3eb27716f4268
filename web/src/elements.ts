/** The page's elements (web/index.html), looked up once by id. */

/** The page's element with this id, typed by the caller. */
export const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const $ = byId;

/** Looks up the elements of the page's main panels (the classic views find their own). */
export function findElements() {
  return {
    play: $<HTMLButtonElement>('play'),
    step: $<HTMLButtonElement>('step'),
    reset: $<HTMLButtonElement>('reset'),
    stepCount: $('step-count'),
    speed: $('speed'),
    auc: $('auc'),
    aucUntrained: $('auc-untrained'),
    backendUsed: $('backend-used'),
    backendState: $('backend-state'),
    status: $('status'),
    prompt: $('prompt'),
    progress: $<HTMLProgressElement>('progress'),
    target: $<HTMLCanvasElement>('target'),
    presets: $('presets'),
    targetCursor: $('target-cursor'),
    manifold: $<HTMLSelectElement>('manifold'),
    planeOnly: [...document.querySelectorAll<HTMLElement>('.plane-only')],
    builtinRow: $('builtin-row'),
    maps: $('maps'),
    lineView: $('line-view'),
    lineChart: $<HTMLCanvasElement>('line-chart'),
    size: $<HTMLInputElement>('size'),
    sizeLabel: $('size-label'),
    builtin: $<HTMLSelectElement>('builtin'),
    upload: $<HTMLInputElement>('upload'),
    threshold: $<HTMLInputElement>('threshold'),
    thresholdRow: $('threshold-row'),
    thresholdValue: $('threshold-value'),
    randomP: $<HTMLInputElement>('random-p'),
    random: $<HTMLButtonElement>('random'),
    clear: $<HTMLButtonElement>('clear'),
    invert: $<HTMLButtonElement>('invert'),
    lossMap: $<HTMLCanvasElement>('loss-map'),
    lossBar: $<HTMLCanvasElement>('loss-bar'),
    accMap: $<HTMLCanvasElement>('acc-map'),
    accBar: $<HTMLCanvasElement>('acc-bar'),
    hover: $('hover'),
    probe: $('probe'),
    curves: $<HTMLCanvasElement>('curves'),
    model: $<HTMLSelectElement>('model'),
    cells: $<HTMLInputElement>('cells'),
    batch: $<HTMLInputElement>('batch'),
    lr: $<HTMLInputElement>('lr'),
    scale: $<HTMLInputElement>('scale'),
    seed: $<HTMLInputElement>('seed'),
    backend: $<HTMLSelectElement>('backend'),
    settingsError: $('settings-error'),
    save: $<HTMLButtonElement>('save'),
    load: $<HTMLInputElement>('load'),
    exportCell: $<HTMLButtonElement>('export'),
    share: $<HTMLButtonElement>('share'),
  };
}

/** The page's elements, by role. */
export type PageElements = ReturnType<typeof findElements>;

/** Shows a status line; `error` for failures, `hint` for what the user should do next. */
export type StatusFn = (text: string, kind?: 'info' | 'hint' | 'error') => void;
