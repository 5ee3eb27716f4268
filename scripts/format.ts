/**
 * The formatter: dprint's TypeScript plugin (Wasm, inside the `@dprint/typescript` npm package)
 * run by `@dprint/formatter`, with the settings of `dprint.json`, over the TypeScript files git
 * knows (tracked or new, not ignored). `npm run format` rewrites them; `npm run format:check`
 * lists the files that differ and exits 1 (part of `npm test`).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createContext } from '@dprint/formatter';
import { getPath } from '@dprint/typescript';

const check = process.argv.includes('--check');
const root = new URL('..', import.meta.url).pathname;
const config = JSON.parse(readFileSync(`${root}dprint.json`, 'utf8')) as {
  lineWidth: number;
  indentWidth: number;
  typescript: Record<string, unknown>;
  includes: string[];
};
const context = createContext({ lineWidth: config.lineWidth, indentWidth: config.indentWidth });
context.addPlugin(readFileSync(getPath()), config.typescript as Record<string, string | number | boolean>);

const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', ...config.includes.map((g) => `:(glob)${g}`)], {
  cwd: root,
  encoding: 'utf8',
}).split('\n').filter((f) => f.endsWith('.ts'));
const differ: string[] = [];
for (const f of files) {
  let text: string;
  try {
    text = readFileSync(`${root}${f}`, 'utf8');
  } catch {
    continue; // deleted in the work tree
  }
  const formatted = context.formatText({ filePath: f, fileText: text });
  if (formatted === text) continue;
  differ.push(f);
  if (!check) writeFileSync(`${root}${f}`, formatted);
}
if (check && differ.length) {
  process.stderr.write(`${differ.length} file(s) not formatted (run npm run format): ${differ.join(', ')}\n`);
  process.exit(1);
}
process.stdout.write(`${files.length} files ${check ? 'checked' : 'formatted'}${check ? '' : `, ${differ.length} changed`}\n`);
