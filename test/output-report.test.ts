import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderHeatmap, renderMask } from '../src/core/render/heatmap.js';
import { formatNumber, renderReport, writeReport, type ReportInput } from '../src/node/output/report.js';

const map = renderHeatmap([0.1, 1, 10, 0.5], 2, 2, { scale: 'log', title: 'test loss (log)' });
const tiny = renderMask(Uint8Array.of(1, 0, 0, 1), 2, 2, { axes: false });

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
      { caption: 'Target pattern', figure: tiny },
      { caption: 'Test loss (log scale)', figure: map, alt: 'loss <map>' },
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
  assert.ok(html.includes('aria-label="loss &lt;map&gt;"'));
});

test('summary numbers are formatted; one inline <svg> per figure, at its size, with its caption', () => {
  const html = renderReport(input());
  assert.ok(html.includes('<td class="value">0.9734</td>'));
  assert.ok(html.includes('<td class="value">1500</td>'));
  const svgs = [...html.matchAll(/<figure>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg" width="(\d+)" height="(\d+)"/g)];
  assert.deepEqual(svgs.slice(0, 2).map((m) => [+m[1], +m[2]]), [[tiny.width, tiny.height], [map.width, map.height]]);
  assert.ok(html.includes(map.body), 'the heat map is embedded as it is');
  assert.ok(html.includes('>test loss (log)</text>'), 'its title is real text');
  assert.ok(html.indexOf('Target pattern') < html.indexOf('Test loss (log scale)'));
  assert.match(html, /<figcaption>Test loss \(log scale\)<\/figcaption>/);
});

test('the report is self-contained: inline CSS and SVG, no external resources', () => {
  const html = renderReport(input());
  assert.match(html, /<style>[^]*figure svg[^]*<\/style>/);
  assert.equal((html.match(/<svg /g) ?? []).length, 4, 'two figures and two charts');
  assert.ok(!/(src|href)="(https?:)?\/\//.test(html));
  assert.ok([...html.matchAll(/href="([^"]*)"/g)].every((m) => m[1].startsWith('data:image/png;base64,')), 'images are data URIs');
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

test('formatNumber gives short numbers for the summary table', () => {
  assert.deepEqual([0.97341, 1234, 123.456, 1e-7, NaN, -Infinity, 0.1 + 0.2].map((v) => formatNumber(v)), ['0.9734', '1234', '123.5', '1e-7', 'NaN', '-inf',
    '0.3']);
});

test('bad input is rejected; writeReport writes the same HTML to a file', () => {
  assert.throws(() => renderReport({ ...input(), title: ' ' }), /report title is empty: pass a title/);
  assert.throws(() => renderReport({ ...input(), figures: [{ caption: 'x', figure: { width: 0, height: 1, body: '' } }] }),
    /report figure 0 \("x"\) is not a figure: pass the output of renderHeatmap/);
  const dir = mkdtempSync(join(tmpdir(), 'mpo-report-'));
  try {
    const p = join(dir, 'report.html');
    writeReport(p, input());
    assert.equal(readFileSync(p, 'utf8'), renderReport(input()));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
