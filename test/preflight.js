// Issue 10 §16: `npm test` names the system tools the interop tests need before anything runs, with the one
// command that installs them, instead of failing in fifteen suites with fifteen low-level errors.
import { spawnSync } from 'node:child_process';

/** The independent engines the tests compare against (README "Development"), with their Debian package. */
export const TOOLS = [
  { command: 'xmllint', args: ['--version'], pkg: 'libxml2-utils', why: 'XSD checks against the official schemas' },
  { command: 'xmlsec1', args: ['--version'], pkg: 'xmlsec1', why: 'XML signatures verified by an independent engine' },
  { command: 'openssl', args: ['version'], pkg: 'openssl', why: 'certificates, CRLs and TLS interop' },
];

/** null when every tool runs, else the message to fail with (one paragraph). */
export function preflight(env = process.env) {
  const missing = TOOLS.filter((t) => {
    const r = spawnSync(t.command, t.args, { env, stdio: 'ignore' });
    return r.error !== undefined || r.status !== 0;
  });
  if (missing.length === 0) return null;
  return [
    `npm test needs ${missing.map((t) => t.command).join(', ')}, which ${missing.length === 1 ? 'is' : 'are'} not installed:`,
    ...missing.map((t) => `  - ${t.command}: ${t.why}`),
    'Install with:',
    `  sudo apt-get install -y ${missing.map((t) => t.pkg).join(' ')}`,
    '(bash .ci/run installs them too.)',
  ].join('\n');
}
