import { test } from 'node:test';
import assert from 'node:assert/strict';
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';

const root = new URL('..', import.meta.url).pathname;

test('the core bundles for a browser target with no Node built-ins', async () => {
  const result = await build({
    entryPoints: [`${root}src/core/index.ts`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
    external: ['@tensorflow/*'],
  });
  assert.equal(result.errors.length, 0);
  const inputs = Object.keys(result.metafile.inputs);
  assert.ok(inputs.some((f) => f.endsWith('src/core/plane/manifold.ts')), 'the bundle holds the core');
  assert.ok(inputs.every((f) => !f.includes('src/node/') && !f.includes('src/cli/')), 'no Node-side module is pulled in');
  const nodeNames = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const imports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.map((x) => x.path));
  assert.deepEqual(imports.filter((p) => nodeNames.has(p)), [], 'no import of a Node built-in');
});

test('the bundler reports a Node built-in when one is imported (the check above can fail)', async () => {
  await assert.rejects(build({
    stdin: { contents: "import { readFileSync } from 'fs'; console.log(readFileSync);", resolveDir: root },
    bundle: true,
    platform: 'browser',
    write: false,
    logLevel: 'silent',
  }), /Could not resolve "fs"/);
  assert.ok(readFileSync(`${root}src/core/index.ts`, 'utf8').length > 0);
});

test('the core bundle for browsers (core + tfjs-core + gradients, minified) stays small and holds no TF.js umbrella code', async (t) => {
  const result = await build({
    stdin: { contents: "export * from './src/core/index.ts'; import './src/core/gradients.ts';", resolveDir: root, loader: 'ts' },
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const bytes = result.outputFiles.reduce((n, f) => n + f.contents.length, 0);
  t.diagnostic(`core bundle: ${(bytes / 1024).toFixed(0)} KiB minified`);
  const inputs = Object.keys(result.metafile.inputs);
  for (const pkg of ['tfjs-layers', 'tfjs-converter', 'tfjs-data', 'tfjs-backend-webgl', '@tensorflow/tfjs/']) {
    assert.ok(!inputs.some((f) => f.includes(pkg)), `no ${pkg} in the core bundle`);
  }
  const gradientFiles = inputs.filter((f) => f.includes('tfjs-core/dist/gradients/'));
  assert.equal(gradientFiles.length, 24, 'only the gradients the core needs (src/core/gradients.ts)');
  assert.ok(!inputs.some((f) => f.includes('register_all_gradients')), 'not all of them');
  // 276 KiB when measured (2026-12-02; 327 KiB with all of tfjs-core's gradients); the core on the
  // @tensorflow/tfjs umbrella was 1,004 KiB.
  assert.ok(bytes < 330 * 1024, `the core bundle is ${(bytes / 1024).toFixed(0)} KiB: something pulled in a large dependency`);
});
