// Generate the test PKI once per jest run (RSA keys + forge signing cost ~3 s); workers reuse it via the env.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export default async function globalSetup() {
  if (process.env.KP_TEST_PKI_DIR) return;
  const { generateDevPki } = await import('../dist/pki/dev-pki.js').catch(() => ({ generateDevPki: null }));
  if (!generateDevPki) return; // not built: each worker generates its own (test/helpers/pki.ts)
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-test-pki-'));
  generateDevPki(dir);
  process.env.KP_TEST_PKI_DIR = dir;
}
