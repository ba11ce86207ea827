import { EbmsError, SoapFaultError } from '../../../src/ebms/errors.js';
import { DOCTYPE_REFUSED, parseEnvelope } from '../../../src/ebms/envelope/index.js';
import { EB, peerEnvelope } from './envelope-test-helpers.js';

function faultOf(fn: () => unknown): { faultcode: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SoapFaultError);
    return { faultcode: (err as SoapFaultError).faultcode, message: (err as SoapFaultError).message };
  }
  throw new Error('expected a SoapFaultError');
}

const problemsOf = (xml: string): { errorCode: string; location: string; message: string }[] =>
  parseEnvelope(xml).problems.map((p) => ({ errorCode: p.errorCode, location: p.location, message: p.message }));

describe('parseEnvelope: peer tolerances (ebms2-digikoppeling.md, "Tolerances a real peer requires")', () => {
  test('SOAP-ENV prefix, +00:00/+01:00 timestamps with milliseconds, two PartyIds, mustUnderstand="true"', () => {
    const env = parseEnvelope(peerEnvelope());
    expect(env.MessageHeader).toEqual({
      From: { PartyId: [{ value: '00000099000000000001', type: 'urn:osb:oin' }], Role: 'Deelnemer' },
      To: { PartyId: [{ value: '00000099000000000002', type: 'urn:osb:oin' }, { value: 'hub' }], Role: 'Knooppunt' },
      CPAId: 'cpa-1',
      ConversationId: 'conv-1',
      Service: { value: 'GGK:OntvangAsynchroon:0210', type: 'urn:osb:services' },
      Action: 'envelopHeenbericht-ggk_Di01',
      MessageData: {
        MessageId: '20261123-033349-15401@127.0.0.1',
        Timestamp: new Date('2026-11-23T03:33:49.154Z'),
        TimeToLive: new Date('2026-11-23T04:33:49.154Z'),
      },
      DuplicateElimination: true,
    });
    expect(env.AckRequested).toEqual({ actor: 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH', signed: false });
    expect(env.Manifest).toEqual({ Reference: [{ href: 'cid:payload-0@127.0.0.1' }] });
    expect(env.notUnderstood).toEqual([]);
    expect(env.problems).toEqual([]);
    expect(env.signaturePresent).toBe(false);
    expect(env.soapPrefix).toBe('SOAP-ENV');
    expect(env.document.documentElement.localName).toBe('Envelope');
  });

  test('default namespaces instead of prefixes, unqualified attributes, fractional seconds beyond ms, no zone, MessageId without @', () => {
    const xml = `<Envelope xmlns="http://schemas.xmlsoap.org/soap/envelope/"><Header>
      <MessageHeader xmlns="${EB}" version="2.0" xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" s:mustUnderstand="1">
        <From><PartyId type="urn:osb:oin">A</PartyId></From><To><PartyId>B</PartyId></To>
        <CPAId>c</CPAId><ConversationId>v</ConversationId><Service>urn:oasis:names:tc:ebxml-msg:service</Service><Action>Pong</Action>
        <MessageData><MessageId>no-at-sign</MessageId><Timestamp>2026-01-02T03:04:05.123456</Timestamp><RefToMessageId>ping-1</RefToMessageId></MessageData>
      </MessageHeader></Header><Body/></Envelope>`;
    const env = parseEnvelope(xml);
    expect(env.soapPrefix).toBeNull();
    expect(env.MessageHeader.From).toEqual({ PartyId: [{ value: 'A', type: 'urn:osb:oin' }] }); // no Role in a signal
    expect(env.MessageHeader.MessageData).toEqual({ MessageId: 'no-at-sign', Timestamp: new Date('2026-01-02T03:04:05.123Z'), RefToMessageId: 'ping-1' });
    expect(env.problems).toEqual([]);
  });

  test('ds:Signature with &#13; in base64 content is detected and kept in the DOM; Buffer input with BOM', () => {
    const sig = '<ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:SignatureValue>QUJD&#13;\nREVG</ds:SignatureValue></ds:Signature>';
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(peerEnvelope({ extraHeader: sig }))]);
    const env = parseEnvelope(bytes);
    expect(env.signaturePresent).toBe(true);
    const value = env.document.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'SignatureValue')[0]!;
    expect(value.textContent).toBe('QUJD\r\nREVG');
    expect(Buffer.from(value.textContent!, 'base64').toString()).toBe('ABCDEF');
  });

  test('a sync Acknowledgment carrying eb:DuplicateElimination is accepted (Hermes)', () => {
    const header = peerEnvelope().replace('<eb:AckRequested', `<eb:Acknowledgment SOAP-ENV:mustUnderstand="1" eb:version="2.0" SOAP-ENV:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH">
        <eb:Timestamp>2026-11-23T03:33:50+00:00</eb:Timestamp><eb:RefToMessageId>orig@host</eb:RefToMessageId>
        <ds:Reference xmlns:ds="http://www.w3.org/2000/09/xmldsig#" URI=""><ds:DigestValue>YWJj&#13;\nZA==</ds:DigestValue></ds:Reference>
      </eb:Acknowledgment><eb:Dummy`);
    const env = parseEnvelope(header);
    expect(env.MessageHeader.DuplicateElimination).toBe(true);
    expect(env.Acknowledgment).toEqual({
      actor: 'urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH',
      Timestamp: new Date('2026-11-23T03:33:50Z'),
      RefToMessageId: 'orig@host',
      Reference: ['<ds:Reference xmlns:ds="http://www.w3.org/2000/09/xmldsig#" URI=""><ds:DigestValue>YWJj\r\nZA==</ds:DigestValue></ds:Reference>'],
    });
  });

  test('ErrorList, StatusRequest, StatusResponse and MessageOrder are read', () => {
    const xml = peerEnvelope({
      extraHeader: `<eb:ErrorList SOAP-ENV:mustUnderstand="1" eb:version="2.0" eb:highestSeverity="Error">
          <eb:Error eb:errorCode="ValueNotRecognized" eb:severity="Error" eb:location="//Header/MessageHeader/Action" eb:codeContext="urn:oasis:names:tc:ebxml-msg:service:errors">
            <eb:Description xml:lang="en-US">Unknown action</eb:Description></eb:Error>
          <eb:Error errorCode="Unknown" severity="Warning"/></eb:ErrorList>
        <eb:MessageOrder SOAP-ENV:mustUnderstand="1" eb:version="2.0"><eb:SequenceNumber eb:status="Reset">0</eb:SequenceNumber></eb:MessageOrder>`,
      body: `<eb:StatusRequest eb:version="2.0"><eb:RefToMessageId>m1</eb:RefToMessageId></eb:StatusRequest>
        <eb:StatusResponse eb:version="2.0" eb:messageStatus="Processed"><eb:RefToMessageId>m2</eb:RefToMessageId><eb:Timestamp>2026-11-23T03:33:49+02:00</eb:Timestamp></eb:StatusResponse>`,
    });
    const env = parseEnvelope(xml);
    expect(env.ErrorList).toEqual({
      highestSeverity: 'Error',
      Error: [
        { errorCode: 'ValueNotRecognized', severity: 'Error', location: '//Header/MessageHeader/Action', codeContext: 'urn:oasis:names:tc:ebxml-msg:service:errors', Description: { value: 'Unknown action', lang: 'en-US' } },
        { errorCode: 'Unknown', severity: 'Warning' },
      ],
    });
    expect(env.MessageOrder).toEqual({ SequenceNumber: '0', status: 'Reset' });
    expect(env.StatusRequest).toEqual({ RefToMessageId: 'm1' });
    expect(env.StatusResponse).toEqual({ messageStatus: 'Processed', RefToMessageId: 'm2', Timestamp: new Date('2026-11-23T01:33:49Z') });
    expect(env.Manifest).toBeUndefined();
    expect(env.notUnderstood).toEqual([]);
  });
});

describe('parseEnvelope: mustUnderstand (SOAP 1.1 §4.2.3)', () => {
  test('header blocks with mustUnderstand 1/true for us are listed; "0", other actors and understood blocks are not', () => {
    const env = parseEnvelope(peerEnvelope({
      extraHeader: `<wsse:Security xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" SOAP-ENV:mustUnderstand="1"/>
        <x:Custom xmlns:x="urn:x" SOAP-ENV:mustUnderstand="true"/>
        <x:Optional xmlns:x="urn:x" SOAP-ENV:mustUnderstand="0"/>
        <x:ForOthers xmlns:x="urn:x" SOAP-ENV:mustUnderstand="1" SOAP-ENV:actor="urn:somebody-else"/>
        <x:ForNext xmlns:x="urn:x" SOAP-ENV:mustUnderstand="1" SOAP-ENV:actor="http://schemas.xmlsoap.org/soap/actor/next"/>
        <eb:Via SOAP-ENV:mustUnderstand="1" eb:version="2.0"/>`,
    }));
    expect(env.notUnderstood).toEqual([
      { namespaceURI: 'http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd', localName: 'Security' },
      { namespaceURI: 'urn:x', localName: 'Custom' },
      { namespaceURI: 'urn:x', localName: 'ForNext' },
      { namespaceURI: EB, localName: 'Via' },
    ]);
  });
});

describe('parseEnvelope: DTDs are never processed', () => {
  test.each([
    ['XXE', `<?xml version="1.0"?><!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>${peerEnvelope().replace(/^<\?xml[^>]*>/, '').replace('cpa-1', '&xxe;')}`],
    ['internal entity expansion', `<!DOCTYPE lol [<!ENTITY a "aaaa">]><a>&a;</a>`],
    ['lower-case doctype', `<!doctype a><a/>`],
  ])('%s is refused with a SOAP Fault before parsing', (_n, xml) => {
    expect(faultOf(() => parseEnvelope(xml))).toEqual({ faultcode: 'Client', message: DOCTYPE_REFUSED });
    expect(DOCTYPE_REFUSED).toBe('XML with a DOCTYPE declaration is refused: no DTD is ever processed');
  });
});

describe('parseEnvelope: SOAP Faults where no ebMS error can be addressed (b.7 rule 1)', () => {
  const mh = (inner: string): string => peerEnvelope({ messageHeader: `<eb:MessageHeader SOAP-ENV:mustUnderstand="1" eb:version="2.0">${inner}</eb:MessageHeader>` });
  const from = '<eb:From><eb:PartyId>A</eb:PartyId></eb:From>';
  const to = '<eb:To><eb:PartyId>B</eb:PartyId></eb:To>';
  const rest = '<eb:ConversationId>c</eb:ConversationId><eb:Service>s</eb:Service><eb:Action>a</eb:Action>';
  const md = '<eb:MessageData><eb:MessageId>m</eb:MessageId><eb:Timestamp>2026-01-01T00:00:00Z</eb:Timestamp></eb:MessageData>';
  test.each([
    ['not well-formed', '<a><b></a>', 'SOAP envelope is not well-formed XML: unclosed xml attribute'],
    ['undefined entity', '<a>&nbsp;</a>', 'SOAP envelope is not well-formed XML: entity not found:&nbsp;'],
    ['no XML at all', 'hello', 'SOAP envelope is not well-formed XML: no root element'],
    ['SOAP 1.2 envelope', '<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>', 'Root element {http://www.w3.org/2003/05/soap-envelope}Envelope is not a SOAP 1.1 Envelope'],
    ['no Header', '<S:Envelope xmlns:S="http://schemas.xmlsoap.org/soap/envelope/"><S:Body/></S:Envelope>', 'SOAP Envelope has no Header (eb:MessageHeader is required)'],
    ['no MessageHeader', peerEnvelope({ messageHeader: '' }), 'SOAP Header has no eb:MessageHeader'],
    ['two MessageHeaders', peerEnvelope({ messageHeader: peerEnvelope().match(/<eb:MessageHeader.*?<\/eb:MessageHeader>/s)![0].repeat(2) }), 'SOAP Header contains more than one eb:MessageHeader'],
    ['missing CPAId', mh(from + to + rest + md), 'Invalid ebMS header: MessageHeader/CPAId is missing or empty'],
    ['empty CPAId', mh(from + to + '<eb:CPAId> </eb:CPAId>' + rest + md), 'Invalid ebMS header: MessageHeader/CPAId is missing or empty'],
    ['missing From', mh(to + '<eb:CPAId>x</eb:CPAId>' + rest + md), 'Invalid ebMS header: MessageHeader/From is missing'],
    ['From without PartyId', mh('<eb:From><eb:Role>r</eb:Role></eb:From>' + to + '<eb:CPAId>x</eb:CPAId>' + rest + md), 'Invalid ebMS header: MessageHeader/From/PartyId is missing or empty'],
    ['empty To PartyId', mh(from + '<eb:To><eb:PartyId/></eb:To><eb:CPAId>x</eb:CPAId>' + rest + md), 'Invalid ebMS header: MessageHeader/To/PartyId is missing or empty'],
    ['missing MessageId', mh(from + to + '<eb:CPAId>x</eb:CPAId>' + rest + '<eb:MessageData><eb:Timestamp>2026-01-01T00:00:00Z</eb:Timestamp></eb:MessageData>'), 'Invalid ebMS header: MessageHeader/MessageData/MessageId is missing or empty'],
    ['bad Timestamp', mh(from + to + '<eb:CPAId>x</eb:CPAId>' + rest + '<eb:MessageData><eb:MessageId>m</eb:MessageId><eb:Timestamp>1 Jan 2026</eb:Timestamp></eb:MessageData>'), 'Invalid ebMS header: MessageHeader/MessageData/Timestamp "1 Jan 2026" is not an xs:dateTime'],
    ['AckRequested without signed', peerEnvelope().replace(' eb:signed="false"', ''), 'Invalid ebMS header: AckRequested/@signed must be a boolean, found none'],
  ])('%s', (_n, xml, message) => {
    expect(faultOf(() => parseEnvelope(xml))).toEqual({ faultcode: 'Client', message });
  });
});

describe('parseEnvelope: ebMS errors collected as problems (raised by the pipeline after the CPA is known, b.7 rule 5/7)', () => {
  test('eb:version other than 2.0 on MessageHeader, AckRequested and Manifest', () => {
    const xml = peerEnvelope()
      .replace('eb:version="2.0">\n      <eb:From>', 'eb:version="1.0">\n      <eb:From>')
      .replace('<eb:AckRequested SOAP-ENV:mustUnderstand="true" eb:version="2.0"', '<eb:AckRequested SOAP-ENV:mustUnderstand="true"')
      .replace('<eb:Manifest eb:version="2.0">', '<eb:Manifest eb:version="2.1">');
    expect(problemsOf(xml)).toEqual([
      { errorCode: 'Inconsistent', location: '//Header/MessageHeader/@version', message: 'Invalid value: version must be 2.0, found "1.0"' },
      { errorCode: 'Inconsistent', location: '//Header/AckRequested/@version', message: 'Invalid value: version must be 2.0, found none' },
      { errorCode: 'Inconsistent', location: '//Body/Manifest/@version', message: 'Invalid value: version must be 2.0, found "2.1"' },
    ]);
    expect(parseEnvelope(xml).problems[0]).toBeInstanceOf(EbmsError);
  });

  test('SyncReply with another actor than the SOAP next actor is Inconsistent at its @actor', () => {
    const xml = peerEnvelope({ extraHeader: '<eb:SyncReply SOAP-ENV:mustUnderstand="1" eb:version="2.0" SOAP-ENV:actor="urn:oasis:names:tc:ebxml-msg:actor:nextMSH"/>' });
    expect(problemsOf(xml)).toEqual([
      { errorCode: 'Inconsistent', location: '//Header/SyncReply/@actor', message: 'Invalid value: actor must be http://schemas.xmlsoap.org/soap/actor/next, found "urn:oasis:names:tc:ebxml-msg:actor:nextMSH"' },
    ]);
    const ok = peerEnvelope({ extraHeader: '<eb:SyncReply SOAP-ENV:mustUnderstand="1" eb:version="2.0" SOAP-ENV:actor="http://schemas.xmlsoap.org/soap/actor/next"/>' });
    expect(parseEnvelope(ok).SyncReply).toEqual({ actor: 'http://schemas.xmlsoap.org/soap/actor/next' });
    expect(problemsOf(ok)).toEqual([]);
  });

  test('Manifest Reference without xlink:href is a MimeProblem', () => {
    const xml = peerEnvelope({ body: '<eb:Manifest eb:version="2.0"><eb:Reference xlink:type="simple"/></eb:Manifest>' });
    expect(problemsOf(xml)).toEqual([
      { errorCode: 'MimeProblem', location: '//Body/Manifest/Reference/@href', message: 'Manifest Reference has no xlink:href' },
    ]);
  });
});
