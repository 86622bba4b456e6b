#!/usr/bin/env node
// The `cto` command: a thin launcher for the compiled CLI (built by `npm install` / `npm run build`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  process.stderr.write('cto: the CLI is not built yet; run `npm install` (or `npm run build`) in the cto folder first.\n');
  process.exit(2);
}
await import(main.href);
