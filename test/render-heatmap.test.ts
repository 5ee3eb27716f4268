import { test } from 'node:test';
import assert from 'node:assert/strict';
import { builtinModules } from 'node:module';
import { build } from 'esbuild';
import { decode } from 'fast-png';
import { colorFor, getColormap } from '../src/core/render/colormap.js';
import { renderHeatmap, renderMask } from '../src/core/render/heatmap.js';
import { compose, toSvg, type Figure } from '../src/core/render/svg.js';
import { decodePng, figureToPng, type Raster } from '../src/node/output/png.js';

/** The cells of the first embedded `<image>`: its box and its decoded RGBA pixels. */
function cells(f: Figure) {
  const m = /<image x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*href="data:image\/png;base64,([^"]+)"/.exec(f.body)!;
  const png = decode(Buffer.from(m[5], 'base64'));
  return { x: +m[1], y: +m[2], w: +m[3], h: +m[4], width: png.width, height: png.height, data: png.data as Uint8Array };
}
const px = (d: ArrayLike<number>, i: number) => [d[i * 4], d[i * 4 + 1], d[i * 4 + 2]];
const at = (r: Raster, x: number, y: number) => px(r.data, Math.floor(y) * r.width + Math.floor(x));
const texts = (f: Figure) => [...f.body.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);

test('a 2x2 log heat map: one pixel per cell in the mask orientation, the colours of the log scale', () => {
  const h = renderHeatmap([0.01, 0.1, 1, 10], 2, 2, { scale: 'log', cellSize: 40 });
  const c = cells(h);
  assert.deepEqual([c.width, c.height, c.w, c.h], [2, 2, 80, 80]);
  const s = { scale: 'log' as const, domain: [0.01, 10] as const };
  [0.01, 0.1, 1, 10].forEach((v, i) => assert.deepEqual(px(c.data, i), [...colorFor(v, s)], `cell ${i}`));
  assert.deepEqual(h.domain, [0.01, 10]);
  // The rendered PNG shows each cell as a solid block (nearest-neighbour scaling), row 0 at the top.
  const png = decodePng(figureToPng(h));
  assert.deepEqual([png.width, png.height], [h.width, h.height]);
  assert.deepEqual(at(png, c.x + 5, c.y + 5), [...colorFor(0.01, s)]);
  assert.deepEqual(at(png, c.x + 38, c.y + 38), [...colorFor(0.01, s)]);
  assert.deepEqual(at(png, c.x + 42, c.y + 2), [...colorFor(0.1, s)]);
  assert.deepEqual(at(png, c.x + 60, c.y + 60), [...colorFor(10, s)]);
});

test('linear maps default to viridis and the data range; a given domain clamps', () => {
  const c = cells(renderHeatmap([0, 0.5, 1, 2], 1, 4, { scale: 'linear', domain: [0, 1] }));
  assert.deepEqual(px(c.data, 0), [...getColormap('viridis').at(0)]);
  assert.deepEqual(px(c.data, 2), px(c.data, 3));
  const d = renderHeatmap([2, 4], 1, 2, { scale: 'linear' });
  assert.deepEqual(d.domain, [2, 4]);
});

test('text is real SVG text: title, d3 colour-bar labels, cell-index axes with a real minus sign', () => {
  const h = renderHeatmap(Array.from({ length: 100 }, (_, i) => 0.001 * 1.08 ** i), 10, 10, { scale: 'log', title: 'test loss (log scale)', padding: 2 });
  const t = texts(h);
  assert.equal(t[0], 'test loss (log scale)');
  for (const label of ['0.001', '0.01', '0.1', '1', '\u22122', '0', '4']) assert.ok(t.includes(label), `label ${label} in ${t}`);
  assert.ok(!t.includes('-2'), 'a hyphen is not a minus sign');
  const plain = renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'linear', axes: false, colorbar: false });
  assert.deepEqual(texts(plain), []);
  assert.ok(plain.width < h.width);
});

test('titles are escaped (<, &, ") in the SVG and the document parses to the same text', () => {
  const h = renderHeatmap([1, 2], 1, 2, { scale: 'linear', title: 'a <b> & "c"' });
  assert.ok(h.body.includes('>a &lt;b&gt; &amp; &quot;c&quot;</text>'));
  assert.ok(!h.body.includes('<b>'));
  const svg = toSvg(h, 'x "y" <z>');
  assert.ok(svg.includes('aria-label="x &quot;y&quot; &lt;z&gt;"'));
  assert.ok(isPngSize(figureToPng(h), h.width, h.height), 'resvg parses the escaped document');
});

function isPngSize(png: Uint8Array, w: number, h: number): boolean {
  const r = decodePng(png);
  return r.width === w && r.height === h;
}

test('outline: the boundary of the 1-cells as one path in the accent colour; a pattern-sized outline sits inside the padding', () => {
  const h = renderHeatmap(new Array(9).fill(1), 3, 3, { scale: 'log', padding: 1, outline: Uint8Array.of(1), cellSize: 10 });
  const m = /<path d="([^"]+)" fill="none" stroke="#00dcff"/.exec(h.body)!; // magma's accent colour
  assert.equal(m[1], 'M10 10H20M10 20H20M10 10V20M20 10V20');
  const v = renderHeatmap(new Array(4).fill(1), 2, 2, { scale: 'linear', outline: Uint8Array.of(1, 1, 0, 0) });
  assert.ok(v.body.includes('stroke="#ff2828"'), 'viridis accent colour');
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', outline: new Uint8Array(3) }), /heatmap outline has 3 cells, expected 2x2=4/);
});

test('NaN cells get the NaN colour and a NaN swatch under the colour bar', () => {
  const h = renderHeatmap([NaN, 1, 2, 3], 2, 2, { scale: 'linear' });
  assert.deepEqual(px(cells(h).data, 0), [255, 0, 255]);
  assert.ok(texts(h).includes('NaN') && h.body.includes('fill="#ff00ff"'));
  assert.ok(!texts(renderHeatmap([0, 1, 2, 3], 2, 2, { scale: 'linear' })).includes('NaN'));
});

test('renderMask: black, white and grey cells, aligned with a heat map of the same grid', () => {
  const m = renderMask(Uint8Array.of(0, 1, 2, 1), 2, 2, { states: 'ternary', title: 'mask' });
  const c = cells(m);
  assert.deepEqual([0, 1, 2, 3].map((i) => px(c.data, i)), [[255, 255, 255], [0, 0, 0], [170, 170, 170], [0, 0, 0]]);
  const h = renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'linear', colorbar: false, title: 'mask' });
  assert.deepEqual([m.width, m.height, cells(m).x, cells(m).y], [h.width, h.height, cells(h).x, cells(h).y]);
  assert.throws(() => renderMask(Uint8Array.of(0, 1, 2, 1), 2, 2),
    /mask has a cell value 2: binary cells must be 0 \(white\) or 1 \(black\); pass states: 'ternary'/);
  assert.throws(() => renderMask(Uint8Array.of(3), 1, 1, { states: 'ternary' }), /ternary cells must be 0 \(white\), 1 \(black\) or 2 \(ignored\)/);
  assert.throws(() => renderMask(Uint8Array.of(0, 1), 3, 2), /mask has 2 values, expected 3x2=6/);
});

test('bad input is rejected with one-line messages naming the problem', () => {
  assert.throws(() => renderHeatmap([1, 2, 3], 2, 2, { scale: 'log' }), /heatmap has 3 values, expected 2x2=4: pass one value per grid cell/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'cubic' as 'log' }), /heatmap scale "cubic" is unknown/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', domain: [0, 1] }), /log-scale colour domain \[0, 1\]/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', cellSize: 0 }), /cell size 0 is invalid/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', padding: 1 }), /padding 1 is invalid/);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', colormap: 'jet' as 'magma' }), /unknown colour map "jet"/);
});

test('compose lays figures out in rows; the PNG has the figure size (times the scale)', () => {
  const a = renderMask(Uint8Array.of(1, 0, 0, 1), 2, 2, { cellSize: 50 });
  const row = compose([[a, a], [a]], { gap: 10, title: 'two rows' });
  assert.equal(row.width, 10 + 2 * (a.width + 10));
  assert.equal(row.height, 10 + 28 + 2 * (a.height + 10));
  assert.ok(texts(row).includes('two rows'));
  const big = decodePng(figureToPng(row, { scale: 2 }));
  assert.deepEqual([big.width, big.height], [2 * row.width, 2 * row.height]);
});

test('the render module bundles for a browser with no Node built-ins', async () => {
  const root = new URL('..', import.meta.url).pathname;
  const result = await build({ entryPoints: [`${root}src/core/render/index.ts`], bundle: true, platform: 'browser', format: 'esm', write: false, metafile: true,
    logLevel: 'silent' });
  const nodeNames = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  assert.deepEqual(imports.filter((p) => nodeNames.has(p)), []);
  assert.ok(Object.keys(result.metafile.inputs).some((f) => f.includes('fast-png')), 'PNG encoding is in the bundle');
});

test("at --resolution r the axes count the pattern's cells, not grid samples: a label every r grid cells (issue 20 item 8f)", () => {
  // a 3x3 pattern with --padding 1 at --resolution 2: (3 - 1 + 2) * 2 + 1 = 9 grid cells a side, 2 of them padding
  const h = renderHeatmap(Array.from({ length: 81 }, (_, i) => i + 1), 9, 9, { scale: 'linear', colorbar: false, padding: 2, resolution: 2, cellSize: 10 });
  const labels = ['\u22121', '0', '1', '2', '3'];
  assert.deepEqual(texts(h), [...labels, ...labels], 'y then x: cells -1 (padding) to 3 (padding), not grid samples -2 to 6');
  // the x label of cell 0 sits at the centre of grid column 2, that of cell 3 at grid column 8
  const xs = [...h.body.matchAll(/<text x="([\d.]+)"[^>]*text-anchor="middle"[^>]*>([^<]*)<\/text>/g)].map((m) => [m[2], +m[1]] as const);
  const x = Object.fromEntries(xs);
  assert.ok(Math.abs(x['3'] - x['0'] - 60) < 1e-9 && Math.abs(x['1'] - x['0'] - 20) < 1e-9, `x positions ${JSON.stringify(x)}`);
  assert.throws(() => renderHeatmap([1, 2, 3, 4], 2, 2, { scale: 'log', resolution: 0.5 }), /resolution 0\.5 is invalid: use a whole number >= 1/);
});
