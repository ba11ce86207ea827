// Jest global setup.
// 1. The suite builds what it runs (issue 17 §1): the end-to-end tests start real processes with
//    `node bin/knooppunt.js`, which runs dist/. When dist/ is missing or older than any source file, it is built
//    here (`tsc -p tsconfig.build.json`, incremental); a build error fails the run. No test skips for want of a build.
// 2. The preflight: missing system tools fail the run once, clearly.
// 3. Generate the test PKI once per jest run (RSA keys + forge signing cost ~3 s); workers reuse it via the env.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { preflight } from './preflight.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The first source file whose build output is missing or older than it, or null when dist/ is up to date. */
export function staleSource(srcDir = join(root, 'src'), distDir = join(root, 'dist')) {
  const walk = (dir) => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const config = Math.max(...['tsconfig.json', 'tsconfig.build.json'].map((f) => statSync(join(root, f)).mtimeMs));
  for (const file of walk(srcDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const out = join(distDir, relative(srcDir, file)).replace(/\.ts$/, '.js');
    if (!existsSync(out)) return `${relative(root, file)} (no ${relative(root, out)})`;
    const built = statSync(out).mtimeMs;
    if (built < statSync(file).mtimeMs || built < config) return `${relative(root, file)} (newer than ${relative(root, out)})`;
  }
  return null;
}

export default async function globalSetup() {
  const problem = preflight();
  if (problem) {
    process.stderr.write(`\n${problem}\n\n`);
    throw new Error('preflight: system tools missing (see above)');
  }
  const stale = staleSource();
  if (stale) {
    console.log(`\n[global-setup] dist/ is stale: ${stale}; building (tsc -p tsconfig.build.json)`);
    // A full emit: the incremental build info may consider a touched but unchanged file built already.
    rmSync(join(root, 'dist', '.tsbuildinfo'), { force: true });
    const r = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json', '--noEmitOnError'], { cwd: root, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`the build failed, so the tests cannot run what the sources say:\n${r.stdout}${r.stderr}`);
  }
  if (process.env.KP_TEST_PKI_DIR) return;
  const { generateDevPki } = await import('../dist/pki/dev-pki.js');
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-test-pki-'));
  generateDevPki(dir);
  process.env.KP_TEST_PKI_DIR = dir;
}
