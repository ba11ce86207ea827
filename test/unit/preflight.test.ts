import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/** Issue 10 §16: a machine without xmllint/xmlsec1 gets one clear failure naming them and the install command. */
describe('test preflight', () => {
  test('names every missing tool and the one apt-get command; jest stops before any suite', () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'kp-nopath-'));
    const script = join(mkdtempSync(join(tmpdir(), 'kp-preflight-')), 'run.mjs');
    writeFileSync(script, `import { preflight } from ${JSON.stringify(join(packageRoot, 'test', 'preflight.js'))};\nprocess.stdout.write(String(preflight({ PATH: ${JSON.stringify(emptyPath)} })));\n`);
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(r.stdout.split('\n')).toEqual([
      'npm test needs xmllint, xmlsec1, openssl, which are not installed:',
      '  - xmllint: XSD checks against the official schemas',
      '  - xmlsec1: XML signatures verified by an independent engine',
      '  - openssl: certificates, CRLs and TLS interop',
      'Install with:',
      '  sudo apt-get install -y libxml2-utils xmlsec1 openssl',
      '(bash .ci/run installs them too.)',
    ]);
    // With the tools on PATH (this machine): nothing to say.
    const ok = spawnSync(process.execPath, ['-e', `import(${JSON.stringify(join(packageRoot, 'test', 'preflight.js'))}).then((m) => process.stdout.write(String(m.preflight())))`], { encoding: 'utf8' });
    expect(ok.stdout).toBe('null');
  });

  test('a jest run on such a machine fails once, with that message, before any test', () => {
    const emptyPath = mkdtempSync(join(tmpdir(), 'kp-nopath-'));
    const r = spawnSync(process.execPath, ['--experimental-vm-modules', '--no-warnings', join(packageRoot, 'node_modules/jest/bin/jest.js'), 'test/unit/errors-catalogue'], {
      cwd: packageRoot, encoding: 'utf8', env: { ...process.env, PATH: emptyPath, KP_TEST_PKI_DIR: '' }, timeout: 120_000,
    });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('npm test needs xmllint, xmlsec1, openssl');
    expect(r.stderr).toContain('sudo apt-get install -y libxml2-utils xmlsec1 openssl');
    expect(r.stderr).not.toContain('PASS');
  }, 120_000);
});
