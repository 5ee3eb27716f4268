/**
 * The pattern race (`npm run bench -- --pattern-race`): the wall-clock training time until the
 * test-set ROC AUC (black vs white cells of the 20x20 ring, by loss, on 500 FashionMNIST test
 * images) first reaches 0.95, for several configurations of the paper's CNN (and the MLP).
 * Time counts training only: the periodic AUC measurement is excluded (the clock stops while it runs).
 */
import { mkdtempSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveConfig, type FitConfig } from '../src/core/config.js';
import { runFit } from '../src/node/run/fit.js';

const here = dirname(fileURLToPath(import.meta.url));

/** The ring as the benchmark defines it, trained on the embedded FashionMNIST subset. */
const RING: Partial<FitConfig> = {
  pattern: 'ring',
  patternSize: 20,
  dataset: 'fashion-mnist-subset',
  quickEvalImages: 500,
  evalImages: 500,
  evalPadding: 0,
  seed: 1,
};

/** What the CNN configurations share unless they say otherwise (each states its scale: the CNN's default changed with the race). */
const CNN: Partial<FitConfig> = {
  model: 'cnn',
  cellsPerStep: 10,
  batchSize: 128,
  lr: 1e-3,
  lrSchedule: 'constant',
  ignoreInterior: false,
  scaleInit: 0.1,
  evalEvery: 10,
};

/** A CNN configuration: {@link CNN} with `over` on top. */
const cnn = (over: Partial<FitConfig>): Partial<FitConfig> => ({ ...CNN, ...over });

/**
 * Configurations raced: `original` matches the original code's reduced setting, `best` is the
 * fastest found (now `mpo fit --model cnn`'s default), the others are the exploration of
 * docs/speed.md ("ternary" = `ignoreInterior: true`).
 */
export const RACE_CONFIGS: Record<string, Partial<FitConfig>> = {
  original: cnn({ lr: 2.5e-4, ignoreInterior: true, evalEvery: 25 }),
  best: cnn({ scaleInit: 0.2 }),
  b32: cnn({ batchSize: 32, lr: 2e-3, ignoreInterior: true, evalEvery: 20 }),
  a: cnn({ ignoreInterior: true }),
  g: cnn({ lr: 2e-3, ignoreInterior: true }),
  h: cnn({}),
  h64: cnn({ batchSize: 64, evalEvery: 20 }),
  h20: cnn({ cellsPerStep: 20, batchSize: 64 }),
  hlr: cnn({ lr: 2e-3 }),
  hs2: cnn({ scaleInit: 0.2 }),
  hs3: cnn({ scaleInit: 0.3 }),
  hs2b64: cnn({ batchSize: 64, scaleInit: 0.2 }),
  hs2seed2: cnn({ scaleInit: 0.2, seed: 2 }),
  hs2seed3: cnn({ scaleInit: 0.2, seed: 3 }),
  hseed2: cnn({ seed: 2 }),
  hseed3: cnn({ seed: 3 }),
  mlp: { model: 'mlp', cellsPerStep: 50, batchSize: 256, lr: 1e-3, lrSchedule: 'constant', ignoreInterior: false, evalEvery: 10 },
};

/** Runs one race: returns the training seconds and steps at which AUC first reached the target. */
export async function race(name: string, over: Partial<FitConfig>, budgetSeconds: number, target = 0.95) {
  const config = resolveConfig(RING, { steps: 100000, checkpointEvery: 1000, logEvery: 10 }, over);
  const out = mkdtempSync(join(tmpdir(), `mpo-race-${name}-`));
  let hit: Record<string, number> | null = null;
  let lastAuc: number | null = null;
  await runFit(config, {
    out,
    quiet: true,
    log: () => {},
    stopWhen: (line) => {
      const auc = line.auc_test_quick;
      if (auc !== undefined) {
        lastAuc = auc;
        process.stderr.write(`race ${name}: step ${line.step} ${line.seconds.toFixed(0)} s auc ${auc.toFixed(3)}\n`);
        if (auc >= target) hit = line;
      }
      return hit !== null || line.seconds > budgetSeconds;
    },
  });
  const h = hit as Record<string, number> | null;
  return { name, reached: h !== null, seconds: h ? h.seconds : null, steps: h ? h.step : null, last_auc: lastAuc as number | null, budget_s: budgetSeconds,
    config: over, metrics: readFileSync(join(out, 'metrics.jsonl'), 'utf8').split('\n').length - 1 };
}

/** `--pattern-race [--configs a,b] [--budget SECONDS]`: races the configurations (default original, best, mlp; budget 1500 s of training each), prints a table, writes JSON. */
export async function runPatternRace(args: string[]): Promise<void> {
  const ci = args.indexOf('--configs');
  const names = ci >= 0 ? args[ci + 1].split(',') : ['original', 'best', 'mlp'];
  const bi = args.indexOf('--budget');
  const budget = bi >= 0 ? Number(args[bi + 1]) : 1500;
  const results = [];
  for (const n of names) {
    if (!RACE_CONFIGS[n]) throw new Error(`unknown race config ${n}: use ${Object.keys(RACE_CONFIGS).join(', ')}`);
    results.push(await race(n, RACE_CONFIGS[n], budget));
  }
  for (const r of results) {
    process.stdout.write(
      `${r.name.padEnd(10)} ${
        r.reached ? `AUC 0.95 after ${r.seconds!.toFixed(1)} s (${r.steps} steps)` : `not reached in ${r.budget_s} s (last AUC ${r.last_auc?.toFixed(3)})`
      }\n`,
    );
  }
  mkdirSync(join(here, 'results'), { recursive: true });
  const file = join(here, 'results', `race-${new Date().toISOString().slice(0, 10)}.json`);
  writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), results }, null, 2)}\n`);
  process.stdout.write(`written to ${file}\n`);
}
