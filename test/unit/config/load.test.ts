import { writeFileSync } from 'node:fs';
import { loadConfig } from '../../../src/config/load.js';
import { ConfigError } from '../../../src/errors.js';
import { testConfigObject, writeTestConfig } from '../../helpers/config.js';

function problemsOf(fn: () => unknown): { path: string; message: string }[] {
  try { fn(); } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as ConfigError).problems.map(({ path, message }) => ({ path, message }));
  }
  throw new Error('expected a ConfigError');
}

describe('configuration loading', () => {
  test('a valid file loads, defaults fill the rest, PEMs are read and the result is frozen', () => {
    const cfg = loadConfig(writeTestConfig(testConfigObject()), {});
    expect(cfg.limits.ebmsMaxBytes).toBe(30 * 1024 * 1024);
    expect(cfg.tls.crlRefreshMinutes).toBe(240);
    expect(cfg.pem.server.cert).toContain('BEGIN CERTIFICATE');
    expect(cfg.pem.trustAnchors).toHaveLength(1);
    expect(Object.isFrozen(cfg.listen.portal)).toBe(true);
  });

  test('every problem is listed with its path, unknown keys rejected', () => {
    const obj = testConfigObject();
    (obj.hub as Record<string, unknown>).oin = '123';
    (obj.hub as Record<string, unknown>).colour = 'blue';
    (obj.hub as { endpoints: Record<string, string> }).endpoints.internet = 'http://insecure.example.nl/ebms';
    (obj.listen as { portal: Record<string, unknown> }).portal.port = 70000;
    obj.logging = { level: 'info' };
    (obj.log as Record<string, string>).level = 'loud';
    expect(problemsOf(() => loadConfig(writeTestConfig(obj), {}))).toEqual(expect.arrayContaining([
      { path: 'hub.colour', message: 'unknown key' },
      { path: 'logging', message: 'unknown key' },
      { path: 'hub.oin', message: 'must be 20 digits (OIN)' },
      { path: 'hub.endpoints.internet', message: 'must be an https:// URL (DK-02: HTTPS is the only transport)' },
      { path: 'listen.portal.port', message: expect.stringContaining('65535') },
      { path: 'log.level', message: expect.stringContaining('fatal') },
    ]));
    expect(problemsOf(() => loadConfig(writeTestConfig(obj), {}))).toHaveLength(6);
  });

  test('required keys are named when missing', () => {
    const obj = testConfigObject();
    delete (obj as Record<string, unknown>).hub;
    expect(problemsOf(() => loadConfig(writeTestConfig(obj), {}))).toEqual([{ path: 'hub', message: 'required' }]);
  });

  test('unreadable files and a key that does not fit its certificate are reported', () => {
    const obj = testConfigObject();
    const tls = obj.tls as Record<string, { cert: string; key: string }>;
    tls.client!.key = tls.server!.key;
    tls.signing!.cert = '/nonexistent/signing.pem';
    expect(problemsOf(() => loadConfig(writeTestConfig(obj), {}))).toEqual([
      { path: 'tls.client.key', message: 'does not belong to tls.client.cert' },
      { path: 'tls.signing.cert', message: 'cannot read /nonexistent/signing.pem (ENOENT)' },
    ]);
  });

  test('certificates whose OIN differs from hub.oin are refused (DK-16)', () => {
    const obj = testConfigObject('hub');
    (obj.hub as Record<string, string>).oin = '00000099000000036300';
    const problems = problemsOf(() => loadConfig(writeTestConfig(obj), {}));
    expect(problems).toContainEqual({ path: 'tls.server.cert', message: 'subject.serialNumber 00000099000000000001 differs from hub.oin 00000099000000036300 (DK-16)' });
    expect(problems).toHaveLength(3);
  });

  test('environment overrides apply and are checked; unknown KNOOPPUNT_ variables are refused', () => {
    const file = writeTestConfig(testConfigObject());
    const cfg = loadConfig(file, { KNOOPPUNT_LISTEN_PORTAL_PORT: '9090', KNOOPPUNT_LOG_LEVEL: 'debug', KNOOPPUNT_METRICS_REQUIRE_TOKEN: 'true' });
    expect(cfg.listen.portal.port).toBe(9090);
    expect(cfg.log.level).toBe('debug');
    expect(cfg.metrics.requireToken).toBe(true);
    expect(problemsOf(() => loadConfig(file, { KNOOPPUNT_LISTEN_PORTAL_PORT: 'eighty', KNOOPPUNT_COLOUR: 'x', KNOOPPUNT_METRICS_REQUIRE_TOKEN: 'yes' }))).toEqual([
      { path: 'KNOOPPUNT_COLOUR', message: 'unknown environment variable (see docs/configuration.md)' },
      { path: 'KNOOPPUNT_LISTEN_PORTAL_PORT', message: 'must be a number, got "eighty"' },
      { path: 'KNOOPPUNT_METRICS_REQUIRE_TOKEN', message: 'must be true or false, got "yes"' },
      { path: 'listen.portal.port', message: expect.any(String) },
    ]);
  });

  test('broken JSON and a missing file give clear errors', () => {
    const file = writeTestConfig({});
    writeFileSync(file, '{ "hub": ');
    expect(problemsOf(() => loadConfig(file, {}))[0]).toEqual({ path: '(file)', message: expect.stringMatching(/^not valid JSON: /) });
    expect(() => loadConfig('/nonexistent/knooppunt.config.json', {})).toThrow('Configuration file not found: /nonexistent/knooppunt.config.json');
  });
});

describe('hub.endpoints follow the ebMS listen port when not set (issue 10 item 8)', () => {
  test('absent endpoints become https://localhost:{listen.ebms.port}/ebms, also with an environment override', () => {
    const obj = testConfigObject();
    delete (obj.hub as Record<string, unknown>).endpoints;
    (obj.listen as { ebms: { port: number } }).ebms.port = 8443;
    const file = writeTestConfig(obj);
    expect(loadConfig(file, {}).hub.endpoints).toEqual({ diginetwerk: 'https://localhost:8443/ebms', internet: 'https://localhost:8443/ebms' });
    expect(loadConfig(file, { KNOOPPUNT_LISTEN_EBMS_PORT: '9543' }).hub.endpoints).toEqual({ diginetwerk: 'https://localhost:9543/ebms', internet: 'https://localhost:9543/ebms' });
  });

  test('endpoints set explicitly are kept', () => {
    const obj = testConfigObject();
    (obj.hub as { endpoints: Record<string, string> }).endpoints = { diginetwerk: 'https://knooppunt.diginetwerk.example/ebms', internet: 'https://knooppunt.example.nl/ebms' };
    expect(loadConfig(writeTestConfig(obj), { KNOOPPUNT_LISTEN_EBMS_PORT: '9543' }).hub.endpoints).toEqual({ diginetwerk: 'https://knooppunt.diginetwerk.example/ebms', internet: 'https://knooppunt.example.nl/ebms' });
  });
});
