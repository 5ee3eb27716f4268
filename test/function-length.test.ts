/**
 * Functions stay readable: none in src/ or web/src/ is over 80 lines, except documented
 * factories (a `create...` function whose JSDoc says it is a factory: its methods share a closure).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';

const root = new URL('..', import.meta.url).pathname;
const LIMIT = 80;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

/** Functions of `text` over {@link LIMIT} lines that are not documented factories: `file:line name (n lines)`. */
export function longFunctions(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  const visit = (n: ts.Node) => {
    if ((ts.isFunctionDeclaration(n) || ts.isMethodDeclaration(n) || ts.isArrowFunction(n) || ts.isFunctionExpression(n)) && n.body) {
      const a = sf.getLineAndCharacterOfPosition(n.getStart()).line, b = sf.getLineAndCharacterOfPosition(n.end).line;
      const name = ts.isFunctionDeclaration(n) ? n.name?.text ?? '' : '(inner)';
      const doc = ts.getJSDocCommentsAndTags(n).map((d) => d.getText()).join('\n');
      const factory = /^create[A-Z]/.test(name) && /\bA factory\b/.test(doc);
      if (b - a + 1 > LIMIT && !factory) out.push(`${relative(root, file)}:${a + 1} ${name} (${b - a + 1} lines)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

test(`no function in src/ or web/src/ is over ${LIMIT} lines, except documented factories`, () => {
  const long = [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'web/src'))].flatMap((f) => longFunctions(f, readFileSync(f, 'utf8')));
  assert.deepEqual(long, [], `split these (or document a factory):\n${long.join('\n')}`);
});

test('the check counts a long function and lets a documented factory through', () => {
  const body = Array.from({ length: LIMIT }, (_, i) => `  const v${i} = ${i};`).join('\n');
  const text =
    `export function long(): void {\n${body}\n}\n/** Makes one. A factory: its methods share a closure. */\nexport function createThing(): void {\n${body}\n}\n`
    + `/** Makes one. */\nexport function createOther(): void {\n${body}\n}\n`;
  assert.deepEqual(longFunctions(join(root, 'src/x.ts'), text), [`src/x.ts:1 long (${LIMIT + 2} lines)`,
    `src/x.ts:${2 * LIMIT + 7} createOther (${LIMIT + 2} lines)`]);
});
