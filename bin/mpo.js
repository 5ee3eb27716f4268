#!/usr/bin/env node
// Entry point of the `mpo` command: runs the compiled CLI (built by `npm install` via `prepare`).
import { existsSync } from 'node:fs';
const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  process.stderr.write('mpo: error: mpo is not built: run npm install (or npm run build) in the mpo folder\n');
  process.exit(1);
}
const { main: run } = await import(main.href);
process.exitCode = await run(process.argv);
