/**
 * Issue 9 item 2: characters outside XML 1.0's Char production (§2.2), literal or as character references (§4.1
 * WFC Legal Character), in any eb header value are malformed input: SOAP Fault (Client), never an HTTP 500 without
 * a body because the reply could not be built.
 */
import type { Pair } from '../helpers/msh.js';
import { HEADER_VALUES, edit, faultOf, prepare, rmPair, send, setText, utf8, type Prepared } from './helpers.js';

const BAD: ReadonlyArray<[string, string, RegExp]> = [
  ['NUL', utf8('\u0000'), /character U\+0000 at offset \d+ is not allowed \(XML 1\.0 §2\.2 Char\)/],
  ['U+0001', utf8('\u0001'), /character U\+0001 at offset \d+ is not allowed/],
  ['U+001F', utf8('\u001f'), /character U\+001F at offset \d+ is not allowed/],
  ['U+FFFF', utf8('\uffff'), /character U\+FFFF at offset \d+ is not allowed/],
  ['&#1;', '&#1;', /character reference &#1; at offset \d+ is not a legal character/],
  ['&#xFFFE;', '&#xFFFE;', /character reference &#xFFFE; at offset \d+ is not a legal character/],
  ['&#xD800; (lone surrogate)', '&#xD800;', /character reference &#xD800; at offset \d+ is not a legal character/],
  ['&#0;', '&#0;', /character reference &#0; at offset \d+ is not a legal character/],
];

describe('hostile input: characters XML 1.0 does not allow in eb header values', () => {
  let pair: Pair;
  let base: Prepared;
  beforeAll(async () => { pair = await rmPair(); base = await prepare(pair); });
  afterAll(() => pair.close());

  describe.each(HEADER_VALUES)('in eb:%s', (name) => {
    test.each(BAD)('%s → SOAP Fault (Client) naming the character', async (_label, bad, reason) => {
      const raw = edit(base.raw, (s) => s.replace(new RegExp(`(<eb:${name}(?: [^>]*)?>)([^<]*)`), (_m, open: string, text: string) => `${open}${text.slice(0, 3)}${bad}${text.slice(3)}`));
      const out = await send(pair, raw, base.contentType);
      const f = faultOf(out);
      expect(out.outcome).toBe('fault');
      expect(f).toMatchObject({ faultcode: 'SOAP:Client', status: 500 });
      expect(f.faultstring).toMatch(reason);
    });
  });

  test('in an attribute value (eb:PartyId/@eb:type) → SOAP Fault (Client)', async () => {
    const raw = edit(base.raw, (s) => s.replace('eb:type="urn:osb:oin"', `eb:type="urn:osb:oin${utf8('\u0002')}"`));
    const f = faultOf(await send(pair, raw, base.contentType));
    expect(f.faultcode).toBe('SOAP:Client');
    expect(f.faultstring).toMatch(/character U\+0002 at offset \d+ is not allowed/);
  });

  test('a lone surrogate written in UTF-8 (CESU octets ED A0 80) is invalid UTF-8 → SOAP Fault (Client)', async () => {
    const raw = setText(base.raw, 'ConversationId', `abc${'\xed\xa0\x80'}def`);
    const f = faultOf(await send(pair, raw, base.contentType));
    expect(f.faultcode).toBe('SOAP:Client');
    expect(f.faultstring).toMatch(/^SOAP part is not valid UTF-8 \(byte offset \d+\)$/);
  });

  test('legal characters from every range, literal and as references, are accepted and echoed in the Acknowledgment', async () => {
    const value = `tab\there-${utf8('é-\u20ac\ud83d\ude00\ufffd')}-&#x1F600;-&#233;-&#xFFFD;`;
    const raw = setText(setText(base.raw, 'ConversationId', value), 'MessageId', `legal-${Date.now()}@gemeente.test`);
    const out = await send(pair, raw, base.contentType);
    expect(out.outcome).toBe('accepted');
    expect(out.reply.status).toBe(200);
    expect(out.record?.conversationId).toBe('tab\there-é-€😀\ufffd-😀-é-\ufffd');
  });
});
