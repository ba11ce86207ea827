import { randomBytes } from 'node:crypto';
import { buildSoapWithAttachments, parseContentType, parseSoapWithAttachments } from '../../../src/ebms/mime/index.js';

const SOAP = '<SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/"><SOAP:Body>é</SOAP:Body></SOAP:Envelope>';

describe('buildSoapWithAttachments', () => {
  test('without attachments: plain text/xml in UTF-8 (signals, b.1)', () => {
    const r = buildSoapWithAttachments(SOAP, []);
    expect(r.contentType).toBe('text/xml; charset=UTF-8');
    expect(r.body.equals(Buffer.from(SOAP, 'utf8'))).toBe(true);
  });

  test('with attachments: multipart/related with type, boundary and start; SOAP part first with charset UTF-8', () => {
    const payload = randomBytes(5000);
    const r = buildSoapWithAttachments(SOAP, [{ contentId: 'payload-1@host', contentType: 'application/xml', content: payload }], {
      soapContentId: 'soap-1@host',
      boundary: 'MIMEBoundary_test',
    });
    expect(r.contentType).toBe('multipart/related; type="text/xml"; boundary="MIMEBoundary_test"; start="<soap-1@host>"');
    const text = r.body.toString('latin1');
    expect(text.startsWith('--MIMEBoundary_test\r\nContent-Type: text/xml; charset=UTF-8\r\nContent-ID: <soap-1@host>\r\n\r\n')).toBe(true);
    expect(text).toContain('\r\n--MIMEBoundary_test\r\nContent-Type: application/xml\r\nContent-ID: <payload-1@host>\r\n\r\n');
    expect(text.endsWith('\r\n--MIMEBoundary_test--\r\n')).toBe(true);
    // DK-32: never a Content-Transfer-Encoding on send
    expect(text.toLowerCase()).not.toContain('content-transfer-encoding');

    const back = parseSoapWithAttachments(r.body, r.contentType);
    expect(back.soapPart.contentId).toBe('soap-1@host');
    expect(back.soapPart.content.toString('utf8')).toBe(SOAP);
    expect(back.attachments).toHaveLength(1);
    expect(back.attachments[0]!.contentId).toBe('payload-1@host');
    expect(back.attachments[0]!.contentType).toBe('application/xml');
    expect(back.attachments[0]!.content.equals(payload)).toBe(true);
  });

  test('default Content-ID and boundary are random and round-trip; alwaysMultipart without attachments', () => {
    const r = buildSoapWithAttachments(SOAP, [], { alwaysMultipart: true });
    const ct = parseContentType(r.contentType);
    expect(ct.mediaType).toBe('multipart/related');
    expect(ct.params.boundary).toMatch(/^MIMEBoundary_[0-9a-f]{32}$/);
    expect(ct.params.start).toMatch(/^<soap-[0-9a-f-]{36}@knooppunt>$/);
    const back = parseSoapWithAttachments(r.body, r.contentType);
    expect(back.soapPart.content.toString('utf8')).toBe(SOAP);
    expect(back.attachments).toEqual([]);
  });

  test('misuse is a TypeError: a given boundary that occurs in a part, header injection', () => {
    expect(() => buildSoapWithAttachments(SOAP, [{ contentId: 'a', contentType: 'text/plain', content: Buffer.from('x\r\n--bb\r\n') }], { boundary: 'bb' }))
      .toThrow(new TypeError('boundary occurs in the content of a part'));
    expect(() => buildSoapWithAttachments(SOAP, [{ contentId: 'a\r\nX-Evil: 1', contentType: 'text/plain', content: Buffer.alloc(1) }]))
      .toThrow(new TypeError('contentId must be a non-empty single-line value'));
  });
});

describe('large attachments (speed is measured in bench/, not asserted here)', () => {
  test('50 MiB binary attachment: build (chunks) and parse round-trip byte for byte', () => {
    const big = randomBytes(50 * 1024 * 1024);
    const att = [{ contentId: 'big@host', contentType: 'application/octet-stream', content: big }];
    const built = buildSoapWithAttachments(SOAP, att);
    expect(built.contentLength).toBe(built.body.length);
    expect(Buffer.concat(built.chunks).equals(built.body)).toBe(true);
    const parsed = parseSoapWithAttachments(built.body, built.contentType);
    expect(parsed.attachments[0]!.content.equals(big)).toBe(true);
  });
});
