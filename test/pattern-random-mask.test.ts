import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomMask } from '../src/core/pattern/index.js';
import { createRng } from '../src/core/random.js';

const mpo = (message: RegExp) => ({ name: 'MpoError', message });

test('randomMask: each cell is one createRng(seed).next() < fill in row-major order', () => {
  const p = randomMask({ side: 30, fill: 0.3, seed: 42 });
  assert.equal(p.height, 30);
  assert.equal(p.width, 30);
  assert.equal(p.name, 'random-p0.3-30-s42');
  const rng = createRng(42);
  for (let k = 0; k < 900; k++) assert.equal(p.cells[k], rng.next() < 0.3 ? 1 : 0, `cell ${k}`);
  assert.deepEqual(randomMask({ side: 30, fill: 0.3, seed: 42 }).cells, p.cells, 'same seed, same mask');
  assert.notDeepEqual(randomMask({ side: 30, fill: 0.3, seed: 43 }).cells, p.cells, 'another seed, another mask');
  assert.equal(randomMask({ fill: 0.5 }).height, 30, 'default side 30');
  assert.deepEqual(randomMask({ fill: 0.5 }).cells, randomMask({ fill: 0.5, seed: 0 }).cells, 'default seed 0');
});

test("randomMask: the fraction of black cells follows fill over the paper's range 0.1..0.9", () => {
  for (const fill of [0.1, 0.3, 0.5, 0.7, 0.9]) {
    let black = 0;
    for (let seed = 0; seed < 20; seed++) black += randomMask({ side: 30, fill, seed }).cells.reduce((s, v) => s + v, 0);
    const frac = black / (20 * 900);
    assert.ok(Math.abs(frac - fill) < 0.01, `fill ${fill}: got ${frac}`); // sd of frac <= 0.0037
  }
});

test('randomMask: bad options throw MpoErrors', () => {
  for (const fill of [0, 1, -0.1, 1.5, Number.NaN]) {
    assert.throws(() => randomMask({ fill }), mpo(/^random mask fill .* is not strictly between 0 and 1: pass the probability of a black cell, e\.g\. 0\.5$/));
  }
  assert.throws(() => randomMask({ fill: 0.5, side: 1 }), mpo(/^random mask side 1 is not an integer in 2\.\.200/));
  assert.throws(() => randomMask({ fill: 0.5, side: 201 }), mpo(/^random mask side 201 is not an integer in 2\.\.200/));
  assert.throws(() => randomMask({ fill: 0.5, seed: 0.5 }), mpo(/^random mask seed 0\.5 is not an integer/));
  assert.throws(() => randomMask({ fill: 0.001, side: 2 }), mpo(/^random mask "random-p0\.001-2-s0" came out all white: use another seed/));
});
