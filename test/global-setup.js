// Before any test: the preflight (missing system tools fail the run once, clearly), then the test PKI, generated
// once per jest run (RSA keys + forge signing cost ~3 s); workers reuse it via the env.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { preflight } from './preflight.js';

export default async function globalSetup() {
  const problem = preflight();
  if (problem) {
    process.stderr.write(`\n${problem}\n\n`);
    throw new Error('preflight: system tools missing (see above)');
  }
  if (process.env.KP_TEST_PKI_DIR) return;
  const { generateDevPki } = await import('../dist/pki/dev-pki.js').catch(() => ({ generateDevPki: null }));
  if (!generateDevPki) return; // not built: each worker generates its own (test/helpers/pki.ts)
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-test-pki-'));
  generateDevPki(dir);
  process.env.KP_TEST_PKI_DIR = dir;
}
