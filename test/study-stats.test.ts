// Student's t of the batch-norm study's paired differences (src/node/study/stats.ts) against known values.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedT, studentTQuantile, studentTTwoSided } from '../src/node/study/stats.js';

test("Student's t: tabulated 97.5% quantiles, the Cauchy case in closed form, symmetry, bad arguments", () => {
  // Tables: t_0.975 = 12.706 (df 1), 4.303 (2), 2.776 (4), 2.228 (10), 2.042 (30).
  for (const [df, q] of [[1, 12.7062047], [2, 4.3026527], [4, 2.7764451], [10, 2.2281389], [30, 2.0422725]]) {
    assert.ok(Math.abs(studentTQuantile(0.975, df) - q) < 1e-6, `df ${df}: ${studentTQuantile(0.975, df)}`);
    assert.ok(Math.abs(studentTTwoSided(q, df) - 0.05) < 1e-7, `df ${df}`);
  }
  assert.equal(studentTQuantile(0.025, 4), -studentTQuantile(0.975, 4));
  for (const t of [0.1, 1, 3, 30]) assert.ok(Math.abs(studentTTwoSided(t, 1) - (1 - 2 * Math.atan(t) / Math.PI)) < 1e-12, `t ${t}`);
  assert.ok(Math.abs(studentTTwoSided(1.959964, 1e7) - 0.05) < 1e-6, 'large df: the normal');
  assert.equal(studentTTwoSided(0, 3), 1);
  assert.throws(() => studentTQuantile(1, 3), /probability must be in \(0, 1\), got 1/);
  assert.throws(() => studentTTwoSided(1, 0), /degrees of freedom must be a positive number, got 0/);
});

test('pairedT: mean, standard error, t, df, p and the 95% interval of five differences; fewer than two give NaN', () => {
  const d = [0.085, 0.044, 0.062, -0.013, 0.034];
  const r = pairedT(d);
  const mean = 0.0424, sd = Math.sqrt(d.reduce((a, v) => a + (v - mean) ** 2, 0) / 4);
  assert.ok(Math.abs(r.mean - mean) < 1e-15);
  assert.ok(Math.abs(r.se - sd / Math.sqrt(5)) < 1e-15);
  assert.equal(r.df, 4);
  assert.ok(Math.abs(r.t - 2.5945) < 1e-4, String(r.t));
  assert.ok(Math.abs(r.p - 0.0604) < 1e-4, String(r.p));
  assert.ok(Math.abs(r.lo - (mean - 2.7764451 * r.se)) < 1e-8 && Math.abs(r.hi - (mean + 2.7764451 * r.se)) < 1e-8);
  const one = pairedT([0.2]);
  assert.equal(one.mean, 0.2);
  assert.ok(Number.isNaN(one.t) && Number.isNaN(one.lo) && Number.isNaN(one.p));
});
