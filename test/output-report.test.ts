import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHeatmap } from '../src/core/render/heatmap.js';
import { createRaster } from '../src/core/render/raster.js';
import { renderLineChartSvg } from '../src/core/render/svg-chart.js';
import { decodePng, encodePng } from '../src/node/output/png.js';
import { renderReport, writeReport, type ReportInput } from '../src/node/output/report.js';

const png = encodePng(renderHeatmap([0.1, 1, 10, 0.5], 2, 2, { scale: 'log', title: 'test loss (log)' }));
const tiny = encodePng(createRaster(3, 2, [0, 0, 0]));

function input(): ReportInput {
  return {
    title: 'Ring <script>alert(1)</script> & co',
    subtitle: 'pattern "ring", MLP',
    summary: [
      { label: 'AUC (test loss)', value: 0.973412, hint: 'black vs white cells' },
      { label: 'steps', value: 1500 },
      { label: 'note', value: '<b>bold</b>' },
    ],
    figures: [
      { caption: 'Target pattern', png: tiny },
      { caption: 'Test loss (log scale)', png, alt: 'loss <map>' },
    ],
    curves: [
      { title: 'loss', xLabel: 'step', logY: true,
        series: [{ name: 'train <loss>', points: [[0, 2.3], [100, 0.9], [200, NaN], [300, 0.2], [400, 0.1]] }, { name: 'test', points: [[0, 2.4]] }] },
      { title: 'AUC', xLabel: 'step', series: [] },
    ],
    config: { pattern: 'ring</pre><script>', lr: 3e-4, cells: Uint8Array.of(1, 0), nested: { deep: [1, 2] } },
    notes: ['Loss is <low> in black cells.'],
  };
}

test('the report escapes all text, including a title with <script>', () => {
  const html = renderReport(input());
  assert.match(html, /^<!DOCTYPE html>/);
  assert.ok(html.includes('<title>Ring &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</title>'));
  assert.ok(html.includes('<h1>Ring &lt;script&gt;alert(1)&lt;/script&gt; &amp; co</h1>'));
  assert.ok(!/<script/i.test(html), 'no <script> element may appear');
  assert.ok(html.includes('pattern &quot;ring&quot;, MLP'));
  assert.ok(html.includes('&lt;b&gt;bold&lt;/b&gt;'));
  assert.ok(html.includes('<p>Loss is &lt;low&gt; in black cells.</p>'));
  assert.ok(html.includes('alt="loss &lt;map&gt;"'));
});

test('summary numbers are formatted; one <img> per figure with a PNG data URI and its caption', () => {
  const html = renderReport(input());
  assert.ok(html.includes('<td class="value">0.9734</td>'));
  assert.ok(html.includes('<td class="value">1500</td>'));
  const imgs = [...html.matchAll(/<img src="data:image\/png;base64,([A-Za-z0-9+/=]+)" width="(\d+)" height="(\d+)"/g)];
  assert.equal(imgs.length, 2);
  assert.deepEqual(Buffer.from(imgs[0][1], 'base64'), Buffer.from(tiny));
  assert.deepEqual([imgs[0][2], imgs[0][3]], ['3', '2']);
  const decoded = decodePng(Buffer.from(imgs[1][1], 'base64'));
  assert.deepEqual([String(decoded.width), String(decoded.height)], [imgs[1][2], imgs[1][3]]);
  assert.ok(html.indexOf('Target pattern') < html.indexOf('Test loss (log scale)'));
  assert.match(html, /<figcaption>Test loss \(log scale\)<\/figcaption>/);
});

test('the report is self-contained: inline CSS and SVG, no external resources', () => {
  const html = renderReport(input());
  assert.match(html, /<style>[^]*figure img[^]*<\/style>/);
  assert.equal((html.match(/<svg /g) ?? []).length, 2);
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html));
  assert.ok(!/<link|@import|url\(/.test(html));
  assert.ok(html.includes('train &lt;loss&gt;'));
  assert.ok(html.includes('no data yet')); // the AUC chart has no points
});

test('the configuration is escaped, pretty-printed JSON in a <pre>', () => {
  const html = renderReport(input());
  const pre = /<pre>([^]*?)<\/pre>/.exec(html)![1];
  const json = pre.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
  assert.deepEqual(JSON.parse(json), { pattern: 'ring</pre><script>', lr: 3e-4, cells: [1, 0], nested: { deep: [1, 2] } });
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.me = cyclic;
  const shared = { x: 1 };
  assert.ok(renderReport({ ...input(), config: cyclic }).includes('&quot;me&quot;: &quot;[circular]&quot;'));
  assert.ok(!renderReport({ ...input(), config: { p: shared, q: shared } }).includes('[circular]'));
});

test('charts: lines split at NaN, a lone point is a dot, log axes tick at powers of ten', () => {
  const svg = renderLineChartSvg({ title: 'loss', xLabel: 'step', logY: true,
    series: [{ name: 'a', points: [[0, 10], [1, 1], [2, NaN], [3, 0.1], [4, 0.01]] }, { name: 'b', points: [[2, 0.5]] }] });
  assert.equal((svg.match(/<path /g) ?? []).length, 2);
  assert.equal((svg.match(/<circle /g) ?? []).length, 1);
  for (const label of ['>0.01<', '>0.1<', '>1<', '>10<']) assert.ok(svg.includes(label), label);
  const one = renderLineChartSvg({ title: 'AUC', xLabel: 'step', series: [{ name: 'auc', points: [[5, 0.9]] }] });
  assert.equal((one.match(/<circle /g) ?? []).length, 1);
  assert.ok(!one.includes('NaN'));
  const empty = renderLineChartSvg({ title: 'AUC', xLabel: 'step', series: [{ name: 'auc', points: [] }] });
  assert.ok(empty.includes('no data yet') && !empty.includes('<path'));
});

test('bad input is rejected; writeReport writes the same HTML to a file', () => {
  assert.throws(() => renderReport({ ...input(), title: ' ' }), /report title is empty: pass a title/);
  assert.throws(() => renderReport({ ...input(), figures: [{ caption: 'x', png: Uint8Array.of(1, 2, 3) }] }),
    /report figure 0 \("x"\) is not PNG bytes: pass the output of encodePng/);
  const dir = mkdtempSync(join(tmpdir(), 'mpo-report-'));
  try {
    const p = join(dir, 'report.html');
    writeReport(p, input());
    assert.equal(readFileSync(p, 'utf8'), renderReport(input()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
