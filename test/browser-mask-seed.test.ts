/** The browser app's random masks are the CLI's: the same mask stream of the same seed. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { patternOfSpec } from '../web/src/manifold-ui.js';
import { patternOf } from '../src/node/run/setup.js';
import { resolveConfig } from '../src/core/config.js';
import { randomMask } from '../src/core/pattern/random-mask.js';

test('a random mask in the app equals mpo fit --random-mask p --seed s, and is drawn apart from the initialisation seed', () => {
  for (const [p, side, seed] of [[0.3, 10, 7], [0.5, 24, 1]] as const) {
    const app = patternOfSpec({ kind: 'random', p, side }, seed);
    const cli = patternOf(resolveConfig({ randomMask: p, patternSize: side, seed }));
    assert.deepEqual([app.height, app.width], [cli.height, cli.width]);
    assert.deepEqual(Array.from(app.cells), Array.from(cli.cells), `p ${p}, seed ${seed}`);
    const sameStream = randomMask({ side, fill: p, seed });
    assert.notDeepEqual(Array.from(app.cells), Array.from(sameStream.cells), 'not the initialisation stream');
  }
});
