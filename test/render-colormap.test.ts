import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interpolateMagma, interpolateViridis } from 'd3-scale-chromatic';
import {
  colorFor, colormapNames, dataDomain, getColormap, LOG_FLOOR, normalize,
} from '../src/core/render/colormap.js';
import { formatNumber, formatTick, linearTicks, logTicks } from '../src/core/render/ticks.js';

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

test('log ticks: powers of ten when the range spans decades, nice multiples otherwise', () => {
  assert.deepEqual(logTicks(0.001, 2.5), [0.001, 0.01, 0.1, 1]);
  assert.deepEqual(logTicks(1e-8, 10), [1e-8, 1e-6, 1e-4, 0.01, 1]);
  assert.deepEqual(logTicks(0.3, 2.5), [0.5, 1, 2]);
  assert.deepEqual(logTicks(0.01, 0.5), [0.01, 0.03, 0.1, 0.3]);
  const narrow = logTicks(1.1, 1.3);
  assert.ok(narrow.length >= 2 && narrow.every((t) => t >= 1.1 && t <= 1.3));
  assert.deepEqual(logTicks(0, 1), []);
});

test('linear ticks are nice numbers inside the range', () => {
  assert.deepEqual(linearTicks(0, 1), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(linearTicks(0.31, 0.87), [0.4, 0.5, 0.6, 0.7, 0.8]);
  assert.deepEqual(linearTicks(0.31, 0.87, 3), [0.4, 0.6, 0.8]);
  assert.deepEqual(linearTicks(0, 1000, 6), [0, 200, 400, 600, 800, 1000]);
  assert.deepEqual(linearTicks(-0.3, 0.3), [-0.2, 0, 0.2]);
  assert.deepEqual(linearTicks(2, 2), [2]);
});

test('formatTick and formatNumber give short labels', () => {
  assert.deepEqual([0.1, 1, 2.5, 0.001, 40, 12000, 1e-5, 2.5e6, 0, -0.25].map(formatTick),
    ['0.1', '1', '2.5', '0.001', '40', '12000', '1e-5', '2.5e6', '0', '-0.25']);
  assert.deepEqual([0.97341, 1234, 123.456, 1e-7, NaN, -Infinity, 0.1 + 0.2].map((v) => formatNumber(v)),
    ['0.9734', '1234', '123.5', '1e-7', 'NaN', '-inf', '0.3']);
});
