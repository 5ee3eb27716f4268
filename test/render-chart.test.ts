import { test } from 'node:test';
import assert from 'node:assert/strict';
import { scaleLinear } from 'd3-scale';
import { renderLineChart } from '../src/core/render/chart.js';
import type { Figure } from '../src/core/render/svg.js';

const texts = (f: Figure) => [...f.body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
const lines = (f: Figure) => [...f.body.matchAll(/<path d="(M[^"]*)" fill="none"/g)].map((m) => m[1]);

test('lines split at NaN; a lone point is a dot; log axes label d3 ticks at powers of ten', () => {
  const f = renderLineChart({ title: 'loss', xLabel: 'step', logY: true, series: [
    { name: 'a', points: [[0, 10], [1, 1], [2, NaN], [3, 0.1], [4, 0.01]], markers: false },
    { name: 'b', points: [[2, 0.5]] },
  ] });
  assert.deepEqual(lines(f).map((d) => (d.match(/M/g) ?? []).length), [2, 1], 'two runs for a, one for b');
  assert.equal((f.body.match(/<circle /g) ?? []).length, 1);
  const t = texts(f);
  for (const label of ['0.01', '0.1', '1', '10']) assert.ok(t.includes(label), label);
  assert.ok(!t.includes('1e-2') && !t.includes('10m'), 'no SI or exponent labels for these');
});

test('linear axes use d3 ticks and formats; given x ticks and domain are kept', () => {
  const f = renderLineChart({ title: 't', xLabel: 'p', xDomain: [0, 1], xTicks: [0, 0.5, 1], series: [{ name: 's', points: [[0.1, 0.13], [0.9, 0.57]] }] });
  const t = texts(f);
  const y = scaleLinear().domain([0.13, 0.57]).nice();
  for (const v of y.ticks(6)) assert.ok(t.includes(y.tickFormat(6)(v)), `y tick ${v}`);
  for (const v of ['0.0', '0.5', '1.0']) assert.ok(t.includes(v), `x tick ${v}`);
});

test('error bars, dotted lines, colours and a y label; text is escaped', () => {
  const f = renderLineChart({ title: 'A <b> & "c"', xLabel: 'x', yLabel: 'mean ± std', series: [
    { name: 'with <BN>', color: '#d62728', dotted: true, points: [[0, 1], [1, 2]], errors: [0.5, 0.25] },
  ] });
  assert.ok(texts(f).includes('A &lt;b&gt; &amp; &quot;c&quot;') && texts(f).includes('with &lt;BN&gt;'));
  assert.ok(texts(f).includes('mean ± std'));
  assert.ok(f.body.includes('stroke="#d62728" stroke-width="2" stroke-linejoin="round" stroke-dasharray'));
  assert.equal((f.body.match(/stroke="#d62728" stroke-width="1.3"/g) ?? []).length, 2, 'one error bar per point');
});

test('an empty chart says "no data yet"; legends wrap into aligned rows', () => {
  const e = renderLineChart({ title: 'AUC', xLabel: 'step', series: [{ name: 'auc', points: [] }] });
  assert.ok(texts(e).includes('no data yet'));
  const names = ['a long series name number one', 'a long series name number two', 'a long series name number three'];
  const w = renderLineChart({ title: 't', xLabel: 'x', width: 500, series: names.map((name) => ({ name, points: [[0, 1], [1, 2]] })) });
  const ys = [...w.body.matchAll(/<text x="[\d.]+" y="([\d.]+)"[^>]*>a long/g)].map((m) => +m[1]);
  assert.equal(new Set(ys).size, 3, 'one entry per row at this width');
  assert.ok(w.height > e.height);
});

test("dodge shifts a series' dots and error bars sideways by that many units, not its neighbours", () => {
  const chart = (dodge?: number) =>
    renderLineChart({ title: 't', xLabel: 'p', xDomain: [0, 1], series: [
      { name: 'a', points: [[0.5, 1], [0.6, 2]], errors: [0.5, 0.5], dodge },
      { name: 'b', points: [[0.5, 1.5], [0.6, 2.5]], errors: [0.5, 0.5] },
    ] });
  const cx = (f: Figure) => [...f.body.matchAll(/<circle cx="([\d.]+)"/g)].map((m) => Number(m[1]));
  const bars = (f: Figure) => [...f.body.matchAll(/<path d="M([\d.]+) [\d.]+V[\d.]+M[^"]*" stroke="[^"]*" stroke-width="1.3"/g)].map((m) => Number(m[1]));
  const [plain, shifted] = [chart(), chart(-3)];
  assert.equal(cx(plain).length, 4);
  assert.deepEqual(cx(shifted).map((v, i) => +(v - cx(plain)[i]).toFixed(2)), [-3, -3, 0, 0]);
  assert.deepEqual(bars(shifted).map((v, i) => +(v - bars(plain)[i]).toFixed(2)), [-3, -3, 0, 0]);
});
