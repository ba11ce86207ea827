import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateDevPki, loadDevCa, type DevPkiFiles, type IssuedCert } from '../../src/pki/dev-pki.js';

let cached: { dir: string; files: DevPkiFiles; ca: IssuedCert } | undefined;

/** One dev PKI per test worker, in a temp dir (generation costs ~1 s). */
export function testPki(): { dir: string; files: DevPkiFiles; ca: IssuedCert } {
  if (!cached) {
    // test/global-setup.js generates one PKI per run and passes it on; otherwise make one here.
    const dir = process.env.KP_TEST_PKI_DIR ?? mkdtempSync(join(tmpdir(), 'knooppunt-pki-'));
    const { files } = generateDevPki(dir);
    cached = { dir, files, ca: loadDevCa(dir) };
  }
  return cached;
}
