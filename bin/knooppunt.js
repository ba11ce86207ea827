#!/usr/bin/env node
// The knooppunt CLI runs the compiled sources (dist/), built by `npm ci` (prepare) or `npm run build`.
import { existsSync } from 'node:fs';

const main = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(main)) {
  console.error('knooppunt is not built yet: run `npm run build` (npm ci does this too).');
  process.exit(1);
}
await import(main.href);
