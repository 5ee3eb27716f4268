import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaleLinear, scaleLog } from 'd3-scale';
import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import { colorFor, colormapNames, dataDomain, getColormap, LOG_FLOOR, normalize, positionScale } from '../src/core/render/colormap.js';

const hex = (s: string): number[] => [1, 3, 5].map((i) => Number.parseInt(s.slice(i, i + 2), 16));

test('the registry has viridis, magma, inferno and gray; unknown names are rejected', () => {
  assert.deepEqual(colormapNames().sort(), ['gray', 'inferno', 'magma', 'viridis']);
  assert.throws(() => getColormap('jet'), /unknown colour map "jet": use one of viridis, magma, inferno, gray/);
  assert.throws(() => getColormap('toString'), /unknown colour map "toString"/);
});

test('log scale: domain min -> first colour, max -> last colour, geometric middle -> middle', () => {
  const s = { scale: 'log' as const, domain: [0.01, 100] as const, colormap: 'viridis' };
  assert.deepEqual(colorFor(0.01, s), hex(interpolateViridis(0)));
  assert.deepEqual(colorFor(100, s), hex(interpolateViridis(1)));
  assert.ok(Math.abs(normalize(1, s) - 0.5) < 1e-12);
  assert.deepEqual(colorFor(1, s), hex(interpolateViridis(normalize(1, s))));
  assert.deepEqual(colorFor(3, s), hex(interpolateViridis((Math.log10(3) + 2) / 4)));
  assert.deepEqual(hex(interpolateViridis(0)), [68, 1, 84]);
  assert.deepEqual(hex(interpolateViridis(1)), [253, 231, 37]);
});

test('log scale defaults to magma, so low loss is dark; linear defaults to viridis', () => {
  const low = colorFor(0.01, { scale: 'log', domain: [0.01, 10] });
  assert.deepEqual(low, hex(interpolateMagma(0)));
  assert.ok(low[0] + low[1] + low[2] < 30);
  assert.deepEqual(colorFor(1, { scale: 'linear', domain: [0, 1] }), hex(interpolateViridis(1)));
  assert.deepEqual(colorFor(0.5, { scale: 'linear', domain: [0, 1], colormap: 'gray' }), [128, 128, 128]);
});

test('values are clamped; log scale raises values <= 0 to a floor; NaN gets a distinct colour', () => {
  const s = { scale: 'log' as const, domain: [0.1, 10] as const };
  assert.equal(normalize(1000, s), 1);
  assert.equal(normalize(Infinity, s), 1);
  assert.equal(normalize(0, s), 0);
  assert.equal(normalize(-3, s), 0);
  assert.equal(normalize(1e-3, { scale: 'log', domain: [LOG_FLOOR, 1] }) > 0, true);
  assert.equal(normalize(-1, { scale: 'linear', domain: [0, 2] }), 0);
  assert.ok(Number.isNaN(normalize(NaN, s)));
  assert.deepEqual(colorFor(NaN, { ...s, colormap: 'gray' }), [255, 0, 0]);
  const nan = colorFor(NaN, s);
  for (let t = 0; t <= 1; t += 0.01) {
    const c = hex(interpolateMagma(t));
    assert.ok(Math.abs(c[0] - nan[0]) + Math.abs(c[1] - nan[1]) + Math.abs(c[2] - nan[2]) > 120);
  }
  assert.equal(normalize(5, { scale: 'linear', domain: [5, 5] }), 0.5);
});

test('invalid domains are rejected with a message saying what to do', () => {
  assert.throws(() => colorFor(1, { scale: 'log', domain: [0, 2.5] }),
    /log-scale colour domain \[0, 2.5\] does not start above 0: use a positive lower bound \(e.g. 0.001\) or scale 'linear'/);
  assert.throws(() => colorFor(1, { scale: 'linear', domain: [2, 1] }), /colour domain \[2,1\] is invalid: pass \[lo, hi\]/);
  assert.throws(() => colorFor(1, { scale: 'linear', domain: [0, NaN] }), /colour domain/);
});

test('dataDomain ignores non-finite values, and values <= 0 on a log scale', () => {
  const v = [NaN, 0, 0.5, -2, 8, Infinity];
  assert.deepEqual(dataDomain(v, 'linear'), [-2, 8]);
  assert.deepEqual(dataDomain(v, 'log'), [0.5, 8]);
  assert.deepEqual(dataDomain([NaN], 'linear'), [0, 1]);
  assert.deepEqual(dataDomain([0, -1], 'log'), [1, 10]);
});

test('the log colour scale maps known losses to known magma colours', () => {
  const s = { scale: 'log' as const, domain: [0.001, 10] as const };
  assert.deepEqual(colorFor(0.001, s), [0, 0, 4]); // magma's first colour: low loss is (almost) black
  assert.deepEqual(colorFor(10, s), [252, 253, 191]); // magma's last colour
  assert.deepEqual(colorFor(0.1, s), hex(interpolateMagma(0.5))); // two of four decades: the middle
  assert.deepEqual(colorFor(0.01, s), hex(interpolateMagma(0.25)));
  assert.deepEqual(colorFor(1e-9, s), [0, 0, 4]); // clamped
});

test('positionScale is d3: scaleLog / scaleLinear clamped to [0, 1], with the same ticks', () => {
  const log = positionScale({ scale: 'log', domain: [0.001, 2.5] });
  assert.deepEqual(log.ticks(), scaleLog().domain([0.001, 2.5]).ticks());
  assert.deepEqual(log.ticks().filter((t) => log.tickFormat(5, '~g')(t) !== ''), [0.001, 0.01, 0.1, 1]);
  assert.equal(log(0.05), scaleLog().domain([0.001, 2.5])(0.05));
  assert.equal(log(1e6), 1);
  const lin = positionScale({ scale: 'linear', domain: [0, 1] });
  assert.deepEqual(lin.ticks(5), scaleLinear().ticks(5));
  assert.deepEqual(lin.ticks(5), [0, 0.2, 0.4, 0.6, 0.8, 1]);
  assert.throws(() => positionScale({ scale: 'log', domain: [0, 1] }), /does not start above 0/);
});
