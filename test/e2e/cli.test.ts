import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';
import { BIN, built } from './harness.js';

/**
 * Issue 10 item 1: every command of the README's command table, run through the real binary (`bin/knooppunt.js`)
 * on its normal path. (`serve`, `ping`, `send` and `messages` against a running peer: test/e2e/init-ports.test.ts.)
 */
const e2e = built ? describe : describe.skip;
const GEMEENTE_OIN = '00000099000000036300';
const PARTNER_OIN = '00000099000000090000';

e2e('the command line through the real binary', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kp-e2e-cli-'));
  const kp = (...args: string[]) => {
    const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, KNOOPPUNT_CONFIG: '', KNOOPPUNT_LOG_LEVEL: 'warn' } });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = (...args: string[]) => {
    const r = kp(...args);
    if (r.status !== 0) throw new Error(`knooppunt ${args.join(' ')}: exit ${r.status}\n${r.stderr}${r.stdout}`);
    return r;
  };
  const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
  const generate = (party: string, oin: string, out: string) => ok('cpa', 'generate', '--profielnaam', `${party} iJw`, '--oin', oin, '--ingangsdatum', day(-1), '--einddatum', day(60),
    '--connectietype', 'internet', '--endpoint', 'https://localhost:9443/ebms', '--server-cert', `certs-dev/${party}/server.crt.pem`,
    '--client-cert', `certs-dev/${party}/client.crt.pem`, '--signing-cert', `certs-dev/${party}/signing.crt.pem`, '--out', out);

  test('README command table row by row', () => {
    // init, dev-pki
    expect(ok('init').stdout).toMatch(/^created .*knooppunt\.config\.json \(mode hub, party hub, OIN 00000099000000000001\); dev PKI created in certs-dev\/\n$/);
    expect(existsSync(join(dir, 'certs-dev', 'ca.crt.pem'))).toBe(true);
    expect(ok('dev-pki', '--dir', 'pki2').stdout).toMatch(/^CA: pki2\/ca\.crt\.pem\nhub {12}OIN 00000099000000000001 /);
    // config
    const cfg = JSON.parse(ok('config').stdout) as { hub: { oin: string; endpoints: { internet: string } } };
    expect(cfg.hub).toMatchObject({ oin: '00000099000000000001', endpoints: { internet: 'https://localhost:8443/ebms' } });
    expect(ok('config', '--docs').stdout).toBe(readFileSync(join(packageRoot, 'docs', 'configuration.md'), 'utf8'));
    // orgs, tokens
    expect(ok('orgs', 'add', '--kind', 'gemeente', '--code', '0363', '--name', 'Amsterdam', '--oin', GEMEENTE_OIN).stdout).toBe(`registered gemeente:0363 (Amsterdam), OINs ${GEMEENTE_OIN}\n`);
    expect(ok('orgs', 'add', '--kind', 'ketenpartner', '--code', PARTNER_OIN, '--name', 'Partner', '--oin', PARTNER_OIN).stdout).toBe(`registered ketenpartner:${PARTNER_OIN} (Partner), OINs ${PARTNER_OIN}\n`);
    expect(ok('orgs', 'list').stdout).toMatch(/^gemeente:0363 +Amsterdam +00000099000000036300$/m);
    const token = ok('tokens', 'create', '--org', '0363', '--name', 'cli');
    expect(token.stdout).toMatch(/^\S{20,}\n$/);
    const tokenId = /^token (\S+) for gemeente:0363/.exec(token.stderr)![1]!;
    expect(ok('tokens', 'list').stdout).toMatch(new RegExp(`^${tokenId} +gemeente:0363 +cli `, 'm'));
    expect(ok('tokens', 'revoke', tokenId).stdout).toBe(`revoked ${tokenId}\n`);
    // cpa generate|validate|import|list|show|export|withdraw
    const g = generate('gemeente-0363', GEMEENTE_OIN, 'gemeente.xml');
    const cpaId = /^wrote CPA (\S+) to gemeente\.xml$/m.exec(g.stderr)![1]!;
    expect(ok('cpa', 'validate', 'gemeente.xml').stdout).toBe('gemeente.xml: valid (0 errors, 0 warnings)\n');
    expect(ok('cpa', 'import', 'gemeente.xml').stdout).toBe(`imported CPA ${cpaId} (status gegenereerd, party ${GEMEENTE_OIN})\n`);
    expect(ok('cpa', 'list').stdout).toMatch(new RegExp(`^${cpaId.replace(/\./g, '\\.')} +gegenereerd +${GEMEENTE_OIN} `, 'm'));
    expect(ok('cpa', 'show', cpaId).stdout.split('\n').slice(0, 2)).toEqual([`CPAId:         ${cpaId}`, 'status:        gegenereerd']);
    expect(ok('cpa', 'export', cpaId).stdout).toBe(`${readFileSync(join(dir, 'gemeente.xml'), 'utf8')}\n`);
    // routes set|list|delete|partner
    expect(ok('routes', 'set', '--gemeente', '0363', '--stroom', 'ijw', '--berichttype', 'JW302', '--richting', 'ontvangen', '--kanaal', 'digikoppeling', '--cpa', cpaId).stdout)
      .toBe(`set 0363 ijw JW302 ontvangen: digikoppeling ${cpaId}, StUF 0210\n`);
    const p = generate('partner', PARTNER_OIN, 'partner.xml');
    const partnerCpa = /^wrote CPA (\S+) to partner\.xml$/m.exec(p.stderr)![1]!;
    ok('cpa', 'import', 'partner.xml');
    expect(ok('routes', 'partner', '--stroom', 'ijw', '--org', PARTNER_OIN, '--cpa', partnerCpa).stdout).toBe(`ketenpartner for ijw: ketenpartner:${PARTNER_OIN} via CPA ${partnerCpa}, StUF 0210\n`);
    const routes = ok('routes', 'list').stdout;
    expect(routes).toContain(partnerCpa);
    expect(routes).toMatch(/^0363 +ijw +JW302 +ontvangen +digikoppeling /m);
    expect(ok('routes', 'delete', '--gemeente', '0363', '--stroom', 'ijw', '--berichttype', 'JW302', '--richting', 'ontvangen').stdout).toBe('deleted 0363 ijw JW302 ontvangen\n');
    // validate
    expect(ok('validate', join(packageRoot, 'test', 'fixtures', 'istandaarden', 'jw301.xml')).stdout).toContain(': OK ');
    // messages list (empty store), cpa withdraw
    expect(ok('messages', 'list').status).toBe(0);
    expect(ok('cpa', 'withdraw', cpaId).stdout).toBe(`withdrew CPA ${cpaId} (status ingetrokken)\n`);
  }, 120_000);

  test('send takes several --payload parts (a variadic option)', () => {
    // Commander reads `--payload a b` as a list only when the option is declared variadic; the CPA is unknown here,
    // so the command gets as far as the CPA lookup (not "too many arguments" or "opts.payload.map is not a function").
    writeFileSync(join(dir, 'part1.xml'), '<a/>');
    writeFileSync(join(dir, 'part2.txt'), 'b');
    const r = kp('send', '--cpa', 'no-such-cpa', '--action', 'envelopHeenbericht-ggk_Di01', '--payload', 'part1.xml', 'part2.txt:text/plain');
    expect(r.stderr).toBe('ERR_CPA_NOT_FOUND: no CPA no-such-cpa\n');
    expect(r.status).toBe(1);
  });
});
