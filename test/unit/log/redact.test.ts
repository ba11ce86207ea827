import { Writable } from 'node:stream';
import { createLogger } from '../../../src/log.js';

/** Secrets are never logged (issue "The house" §9): keys, tokens, passwords and Authorization headers are redacted. */
test('keys, tokens, passwords and Authorization headers are redacted wherever they appear', () => {
  const lines: string[] = [];
  const out = new Writable({ write(chunk: Buffer, _enc, cb) { lines.push(chunk.toString()); cb(); } });
  const log = createLogger('info', out);
  log.info({
    token: 'kpt_secret', tls: { key: '-----BEGIN PRIVATE KEY-----x' }, signing: { keyPem: 'pem' },
    req: { headers: { authorization: 'Bearer kpt_secret', cookie: 'sid=1', host: 'h' } }, password: 'p', oin: '00000099000000000001',
  }, 'request');
  const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
  expect(entry).toMatchObject({
    token: '[redacted]', tls: { key: '[redacted]' }, signing: { keyPem: '[redacted]' }, password: '[redacted]',
    req: { headers: { authorization: '[redacted]', cookie: '[redacted]', host: 'h' } }, oin: '00000099000000000001',
  });
  expect(lines.join('')).not.toContain('kpt_secret');
  expect(lines.join('')).not.toContain('BEGIN PRIVATE KEY');
});
