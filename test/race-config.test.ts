// The pattern race's configurations resolve to what issue 3 and docs/speed.md say they are.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveConfig } from '../src/core/config.js';
import { RACE_CONFIGS } from '../bench/race.js';

test("the race's original configuration matches the original code: CNN, 10 + 10 ternary cells, batch 128, Adam 2.5e-4, scale 0.1", () => {
  const c = resolveConfig(RACE_CONFIGS.original);
  assert.deepEqual([c.model, c.cellsPerStep, c.batchSize, c.lr, c.lrSchedule, c.ignoreInterior, c.scaleInit], ['cnn', 10, 128, 2.5e-4, 'constant', true, 0.1]);
});

test("the race's best configuration is mpo fit's CNN default (up to the schedule)", () => {
  const best = resolveConfig(RACE_CONFIGS.best);
  const fit = resolveConfig({ model: 'cnn' });
  for (const k of ['model', 'cellsPerStep', 'batchSize', 'lr', 'scaleInit', 'ignoreInterior'] as const) assert.equal(best[k], fit[k], k);
});
