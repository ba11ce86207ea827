import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: the folder holding package.json, cpa-templates/ and migrations/. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
