/**
 * The faces bear the load: the CLI (src/cli) and the app (web/src) import mpo only through
 * `src/core/index.ts` and `src/node/index.ts` (and the gradients entry, `mpo/gradients`), so the
 * faces cannot drift from what the front doors use.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(new URL('..', import.meta.url).pathname);
const FACES = new Set(['src/core/index.ts', 'src/node/index.ts', 'src/core/gradients.ts']);

/** Relative imports of `file` that reach past the faces: `path:line: spec`. */
export function pastTheFaces(file: string, text: string): string[] {
  const out: string[] = [];
  const folder = dirname(file);
  // `import ... from '...'` and `export ... from '...'` (over several lines too) and side-effect imports
  for (const m of text.matchAll(/^(?:import|export)\b[^;']*?from\s+'(\.[^']+)'|^import\s+'(\.[^']+)'/gms)) {
    const spec = m[1] ?? m[2]!;
    const target = relative(root, resolve(folder, spec)).replace(/\.js$/, '.ts');
    if (dirname(target) === relative(root, folder) || FACES.has(target)) continue;
    const line = text.slice(0, m.index! + m[0].length).split('\n').length;
    out.push(`${relative(root, file)}:${line}: ${spec}`);
  }
  return out;
}

test('src/cli and web/src import mpo only through the faces (src/core/index.ts, src/node/index.ts, the gradients entry)', () => {
  const files = ['src/cli', 'web/src'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.ts')).map((f) => join(root, d, f)));
  assert.ok(files.length > 20, 'the front doors are there');
  const past = files.flatMap((f) => pastTheFaces(f, readFileSync(f, 'utf8')));
  assert.deepEqual(past, [], `imports past the faces (add the name to a face and import it from there):\n${past.join('\n')}`);
});

test('the check catches an import past a face, and lets the faces, the folder itself and packages through', () => {
  const file = join(root, 'src/cli/x.ts');
  const text = [
    "import { runFit } from '../node/run/fit.js';",
    "import { createSession } from '../core/index.js';",
    "import { registerGallery } from './gallery.js';",
    "import { Command } from 'commander';",
    "import {\n  type Model,\n  createModel,\n} from '../core/models/registry.js';",
    "export { parseShard } from '../node/jobs/shard.js';",
  ].join('\n');
  assert.deepEqual(pastTheFaces(file, text), ['src/cli/x.ts:1: ../node/run/fit.js', 'src/cli/x.ts:8: ../core/models/registry.js',
    'src/cli/x.ts:9: ../node/jobs/shard.js']);
  const web = join(root, 'web/src/y.ts');
  assert.deepEqual(pastTheFaces(web, "import '../../src/core/gradients.js';\nimport { tf } from '../../src/core/tf.js';"), [
    'web/src/y.ts:2: ../../src/core/tf.js',
  ]);
});

test('the core face leads with the session, then groups by topic', () => {
  const face = readFileSync(join(root, 'src/core/index.ts'), 'utf8');
  const groups = [...face.matchAll(/^\/\/ (.+)$/gm)].map((m) => m[1]!);
  assert.match(groups[0]!, /^the session/);
  assert.ok(groups.length >= 8, `topics: ${groups.join(' | ')}`);
});
