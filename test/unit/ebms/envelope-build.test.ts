import { buildEnvelope, parseEnvelope } from '../../../src/ebms/envelope/index.js';
import { buildSoapWithAttachments, parseContentType, parseSoapWithAttachments } from '../../../src/ebms/mime/index.js';
import type { EbmsMessage, MessageHeader } from '../../../src/ebms/envelope/index.js';
import { xmllintValidate } from './envelope-test-helpers.js';

const header = (over: Partial<MessageHeader> = {}): MessageHeader => ({
  From: { PartyId: [{ value: '00000099000000000001', type: 'urn:osb:oin' }], Role: 'Deelnemer' },
  To: { PartyId: [{ value: '00000099000000000002', type: 'urn:osb:oin' }, { value: 'hub' }], Role: 'Knooppunt' },
  CPAId: 'GGK-OntvangAsynchroon-0210_1_2_abc',
  ConversationId: 'conv-1',
  Service: { value: 'GGK:OntvangAsynchroon:0210', type: 'urn:osb:services' },
  Action: 'envelopHeenbericht-ggk_Di01',
  MessageData: {
    MessageId: 'ref-123@adapter.example.nl',
    Timestamp: new Date('2026-03-01T10:15:30.123Z'),
    RefToMessageId: 'earlier@hub.example.nl',
    TimeToLive: new Date('2026-03-02T10:15:30.000Z'),
  },
  DuplicateElimination: true,
  Description: [{ value: 'iWmo WMO301', lang: 'nl' }],
  ...over,
});

/** Everything the builder can write except the ds:Reference of a signed Ack (see signals tests). */
const businessMessage: EbmsMessage = {
  MessageHeader: header(),
  SyncReply: {},
  AckRequested: { actor: 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH', signed: true },
  Manifest: {
    Reference: [
      { href: 'cid:payload-1@adapter.example.nl', role: 'urn:x:role', id: 'ref1', Schema: [{ location: 'http://example.nl/WMO301.xsd', version: '3.2' }], Description: [{ value: 'payload', lang: 'en' }] },
      { href: 'cid:payload-2@adapter.example.nl' },
    ],
  },
};

function expectValid(xml: string): void {
  const r = xmllintValidate(xml);
  expect(r.output).toBe('envelope.xml validates');
  expect(r.ok).toBe(true);
}

describe('buildEnvelope: valid against the official msg-header-2_0.xsd (xmllint)', () => {
  test('negative control: the xmllint check fails on an envelope that breaks the schema', () => {
    const broken = buildEnvelope(businessMessage).replace(/<eb:CPAId>.*?<\/eb:CPAId>/, '');
    const r = xmllintValidate(broken);
    expect(r.ok).toBe(false);
    expect(r.output).toContain("Element '{http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd}ConversationId': This element is not expected.");
  });

  test('business message with Manifest, AckRequested, SyncReply, DuplicateElimination, TTL, Description', () => {
    const xml = buildEnvelope(businessMessage);
    expectValid(xml);
    expect(xml).toContain('<eb:MessageHeader eb:version="2.0" SOAP:mustUnderstand="1">');
    expect(xml).toContain('<eb:SyncReply eb:version="2.0" SOAP:mustUnderstand="1" SOAP:actor="http://schemas.xmlsoap.org/soap/actor/next"/>');
    expect(xml).toContain('<eb:AckRequested eb:version="2.0" SOAP:mustUnderstand="1" SOAP:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH" eb:signed="true"/>');
    expect(xml).toContain('<eb:Timestamp>2026-03-01T10:15:30.123Z</eb:Timestamp>');
  });

  test('ErrorList, StatusRequest and StatusResponse', () => {
    const xml = buildEnvelope({
      MessageHeader: header({ DuplicateElimination: undefined, Description: undefined }),
      ErrorList: {
        highestSeverity: 'Error',
        Error: [
          { errorCode: 'Inconsistent', severity: 'Error', location: '//Header/MessageHeader/@cpaid', id: 'e1', Description: { value: 'CPA not active', lang: 'en' } },
          { errorCode: 'Unknown', severity: 'Warning' },
        ],
      },
      StatusRequest: { RefToMessageId: 'a@b' },
      StatusResponse: { messageStatus: 'Forwarded', RefToMessageId: 'a@b', Timestamp: new Date('2026-03-01T10:00:00Z') },
    });
    expectValid(xml);
    expect(xml).toContain('eb:codeContext="urn:oasis:names:tc:ebxml-msg:service:errors"');
  });

  test('timestamps are written in UTC with Z whatever zone the Date was created in', () => {
    const xml = buildEnvelope({ MessageHeader: header({ MessageData: { MessageId: 'm@h', Timestamp: new Date('2026-03-01T12:00:00+02:00') } }) });
    expect(xml).toContain('<eb:Timestamp>2026-03-01T10:00:00.000Z</eb:Timestamp>');
    expectValid(xml);
  });
});

describe('buildEnvelope: escaping', () => {
  test('markup characters, quotes and CR in values are escaped, stay XSD-valid and round-trip exactly', () => {
    const nasty = 'a&b<c>"d\'e]]>';
    const msg: EbmsMessage = {
      MessageHeader: header({
        ConversationId: nasty,
        Service: { value: 'svc', type: 'x"&<y' },
        Description: [{ value: 'line1\r\nline2\ttab', lang: 'en' }],
      }),
      Manifest: { Reference: [{ href: 'cid:a&b@"host"' }] },
    };
    const xml = buildEnvelope(msg);
    expect(xml).toContain('<eb:ConversationId>a&amp;b&lt;c&gt;"d\'e]]&gt;</eb:ConversationId>');
    expect(xml).toContain('eb:type="x&quot;&amp;&lt;y"');
    expectValid(xml);
    const back = parseEnvelope(xml);
    expect(back.MessageHeader.ConversationId).toBe(nasty);
    expect(back.MessageHeader.Service).toEqual({ value: 'svc', type: 'x"&<y' });
    expect(back.MessageHeader.Description).toEqual([{ value: 'line1\r\nline2\ttab', lang: 'en' }]);
    expect(back.Manifest!.Reference[0]!.href).toBe('cid:a&b@"host"');
  });

  test('characters XML 1.0 cannot carry are a TypeError (caller misuse), not broken XML', () => {
    expect(() => buildEnvelope({ MessageHeader: header({ CPAId: 'a\u0001b' }) })).toThrow(new TypeError('value contains a character that XML 1.0 does not allow'));
  });

  test('a party without PartyId is a TypeError', () => {
    expect(() => buildEnvelope({ MessageHeader: header({ To: { PartyId: [] } }) })).toThrow(new TypeError('To needs at least one PartyId'));
  });
});

describe('parseEnvelope(buildEnvelope(x)) round-trips', () => {
  test('business message', () => {
    const back = parseEnvelope(buildEnvelope(businessMessage));
    expect(back.problems).toEqual([]);
    expect(back.notUnderstood).toEqual([]);
    const { document, problems, notUnderstood, signaturePresent, soapPrefix, ...model } = back;
    expect(soapPrefix).toBe('SOAP');
    expect(signaturePresent).toBe(false);
    expect(model).toEqual({ ...businessMessage, SyncReply: { actor: 'http://schemas.xmlsoap.org/soap/actor/next' } });
  });

  test('error list and status elements', () => {
    const msg: EbmsMessage = {
      MessageHeader: header({ DuplicateElimination: undefined, Description: undefined, From: { PartyId: [{ value: 'x' }] } }),
      ErrorList: { highestSeverity: 'Warning', Error: [{ errorCode: 'Unknown', severity: 'Warning', codeContext: 'urn:oasis:names:tc:ebxml-msg:service:errors', location: '//x' }] },
      StatusResponse: { messageStatus: 'NotRecognized', RefToMessageId: 'q@h' },
    };
    const { document, problems, notUnderstood, signaturePresent, soapPrefix, ...model } = parseEnvelope(buildEnvelope(msg));
    const expected = { ...msg, MessageHeader: { ...msg.MessageHeader } };
    delete expected.MessageHeader.DuplicateElimination;
    delete expected.MessageHeader.Description;
    expect(model).toEqual(expected);
  });
});

test('a business message through MIME and back: Manifest hrefs resolve to the attachments by Content-ID', () => {
  const payloads = [
    { contentId: 'payload-1@adapter.example.nl', contentType: 'application/xml', content: Buffer.from('<WMO301/>') },
    { contentId: 'payload-2@adapter.example.nl', contentType: 'application/octet-stream', content: Buffer.from([0, 13, 10, 255]) },
  ];
  const mime = buildSoapWithAttachments(buildEnvelope(businessMessage), payloads);
  const { soapPart, attachments } = parseSoapWithAttachments(mime.body, mime.contentType);
  const env = parseEnvelope(soapPart.content, parseContentType(soapPart.contentType).params.charset);
  const resolved = env.Manifest!.Reference.map((r) => attachments.find((a) => `cid:${a.contentId}` === r.href)?.content);
  expect(resolved).toEqual(payloads.map((p) => p.content));
});
