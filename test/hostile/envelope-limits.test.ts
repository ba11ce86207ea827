/**
 * Issue 9 item 7: tolerances tightened on the envelope. Header values have a length cap (SOAP Fault naming the
 * location: every reply would echo them, see src/ebms/envelope/limits.ts); the SOAP part's charset is honoured
 * or refused; invalid UTF-8 is refused; the number of MIME parts is capped.
 */
import type { Pair } from '../helpers/msh.js';
import { HEADER_VALUES, edit, faultOf, prepare, rmPair, send, setText, type Prepared } from './helpers.js';

const LOCATION: Record<(typeof HEADER_VALUES)[number], string> = {
  PartyId: '//Header/MessageHeader/From/PartyId',
  Role: '//Header/MessageHeader/From/Role',
  CPAId: '//Header/MessageHeader/CPAId',
  ConversationId: '//Header/MessageHeader/ConversationId',
  Service: '//Header/MessageHeader/Service',
  Action: '//Header/MessageHeader/Action',
  MessageId: '//Header/MessageHeader/MessageData/MessageId',
};

describe('hostile input: envelope limits', () => {
  let pair: Pair;
  let base: Prepared;
  beforeAll(async () => { pair = await rmPair(); base = await prepare(pair); });
  afterAll(() => pair.close());
  const unique = (raw: Buffer) => setText(raw, 'MessageId', `m-${Math.random().toString(36).slice(2)}@gemeente.test`);

  test.each(HEADER_VALUES)('eb:%s of 1025 characters → SOAP Fault (Client) with its location', async (name) => {
    const out = await send(pair, setText(base.raw, name, 'x'.repeat(1025)), base.contentType);
    const f = faultOf(out);
    expect(f.faultcode).toBe('SOAP:Client');
    expect(f.faultstring).toBe(`Invalid ebMS header: ${LOCATION[name]} is 1025 characters long; at most 1024 are accepted (limits.ebmsMaxHeaderValueChars)`);
  });

  test('an attribute value over the cap → SOAP Fault with the attribute location', async () => {
    const raw = edit(base.raw, (s) => s.replace('eb:type="urn:osb:services"', `eb:type="${'s'.repeat(2000)}"`));
    const f = faultOf(await send(pair, raw, base.contentType));
    expect(f.faultstring).toBe('Invalid ebMS header: //Header/MessageHeader/Service/@type is 2000 characters long; at most 1024 are accepted (limits.ebmsMaxHeaderValueChars)');
  });

  test('a 25 MB-style ConversationId is refused without being echoed (the fault stays small)', async () => {
    const out = await send(pair, unique(setText(base.raw, 'ConversationId', 'c'.repeat(5_000_000))), base.contentType);
    expect(faultOf(out).faultcode).toBe('SOAP:Client');
    expect(out.reply.body!.length).toBeLessThan(2000);
  });

  test('a ConversationId of exactly 1024 characters is accepted and echoed', async () => {
    const out = await send(pair, unique(setText(base.raw, 'ConversationId', 'k'.repeat(1024))), base.contentType);
    expect(out.outcome).toBe('accepted');
    expect(out.reply.body!.toString('utf8')).toContain(`<eb:ConversationId>${'k'.repeat(1024)}</eb:ConversationId>`);
  });

  test('the cap is configurable (limits.maxHeaderValueChars)', async () => {
    const saved = pair.hub.deps.limits;
    pair.hub.deps.limits = { maxHeaderValueChars: 300, maxMimeParts: 100 };
    try {
      const f = faultOf(await send(pair, setText(base.raw, 'ConversationId', 'k'.repeat(301)), base.contentType));
      expect(f.faultstring).toMatch(/ConversationId is 301 characters long; at most 300 are accepted/);
    } finally {
      if (saved) pair.hub.deps.limits = saved; else delete pair.hub.deps.limits;
    }
  });

  describe('charset of the SOAP part', () => {
    const withCharset = (raw: Buffer, cs: string) => edit(raw, (s) => s.replace('Content-Type: text/xml; charset=UTF-8', `Content-Type: text/xml; charset=${cs}`));

    test.each(['UTF-16', 'utf-16le', 'UTF-32', 'windows-1252', 'x-unknown'])('charset=%s → SOAP Fault (Client): not decoded, not guessed', async (cs) => {
      const f = faultOf(await send(pair, withCharset(base.raw, cs), base.contentType));
      expect(f.faultcode).toBe('SOAP:Client');
      expect(f.faultstring).toBe(`charset "${cs.toLowerCase()}" of the SOAP part is not supported: send it as utf-8, us-ascii, iso-8859-1`);
    });

    test('the same envelope really encoded as UTF-16 (with BOM) is refused too', async () => {
      const raw = edit(base.raw, (s) => s.replace(/(Content-Type: text\/xml; charset=)UTF-8(\r?\nContent-ID: [^\r\n]*\r?\n\r?\n)(<SOAP:Envelope[\s\S]*<\/SOAP:Envelope>)/, (_m, a: string, b: string, env: string) => `${a}UTF-16${b}${Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(env, 'utf16le')]).toString('latin1')}`));
      const f = faultOf(await send(pair, raw, base.contentType));
      expect(f.faultstring).toMatch(/^charset "utf-16" of the SOAP part is not supported/);
    });

    test.each(['US-ASCII', '"us-ascii"', 'utf8', 'UTF-8'])('charset=%s with ASCII content is accepted', async (cs) => {
      const out = await send(pair, unique(withCharset(base.raw, cs)), base.contentType);
      expect(out.outcome).toBe('accepted');
    });

    test('charset=US-ASCII with a non-ASCII octet → SOAP Fault (Client)', async () => {
      const raw = setText(withCharset(base.raw, 'US-ASCII'), 'ConversationId', 'caf\xc3\xa9');
      const f = faultOf(await send(pair, raw, base.contentType));
      expect(f.faultstring).toMatch(/^SOAP part declared US-ASCII has a non-ASCII octet 0xc3 at offset \d+$/);
    });
  });

  test.each([['0xFF', '\xff'], ['a truncated sequence', '\xc3'], ['an overlong NUL', '\xc0\x80']])('invalid UTF-8 (%s) in a header value → SOAP Fault (Client)', async (_l, bytes) => {
    const raw = setText(base.raw, 'ConversationId', `ab${bytes}cd`);
    const f = faultOf(await send(pair, raw, base.contentType));
    expect(f.faultcode).toBe('SOAP:Client');
    expect(f.faultstring).toMatch(/^SOAP part is not valid UTF-8 \(byte offset \d+\)$/);
  });

  describe('MIME parts per message (limits.ebmsMaxMimeParts, default 100)', () => {
    const withParts = (n: number) => {
      const boundary = /boundary="([^"]+)"/.exec(base.contentType)![1]!;
      const extra = Array.from({ length: n }, (_v, i) => `--${boundary}\r\nContent-Type: text/plain\r\nContent-ID: <extra-${i}@test>\r\n\r\nx\r\n`).join('');
      return edit(base.raw, (s) => s.replace(`--${boundary}--`, `${extra}--${boundary}--`));
    };

    test('101 parts → SOAP Fault (Client) before the excess is decoded', async () => {
      const f = faultOf(await send(pair, withParts(99), base.contentType)); // 2 real parts + 99
      expect(f.faultcode).toBe('SOAP:Client');
      expect(f.faultstring).toBe('multipart/related body has more than 100 MIME parts (limits.ebmsMaxMimeParts)');
    });

    test('100,000 parts are refused the same way', async () => {
      const f = faultOf(await send(pair, withParts(100_000), base.contentType));
      expect(f.faultstring).toBe('multipart/related body has more than 100 MIME parts (limits.ebmsMaxMimeParts)');
    });

    test('100 parts pass the MIME layer (unreferenced attachments are then the MSH\'s business, not a fault)', async () => {
      const out = await send(pair, unique(withParts(98)), base.contentType);
      expect(out.outcome).not.toBe('fault');
    });
  });
});
