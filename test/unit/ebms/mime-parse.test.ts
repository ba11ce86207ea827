import { randomBytes } from 'node:crypto';
import { SoapFaultError } from '../../../src/ebms/errors.js';
import { parseContentType, parseSoapWithAttachments } from '../../../src/ebms/mime/index.js';

const SOAP = '<SOAP:Envelope xmlns:SOAP="http://schemas.xmlsoap.org/soap/envelope/"><SOAP:Body/></SOAP:Envelope>';

function faultOf(fn: () => unknown): { faultcode: string; message: string } {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SoapFaultError);
    const f = err as SoapFaultError;
    return { faultcode: f.faultcode, message: f.message };
  }
  throw new Error('expected a SoapFaultError');
}

const crlf = (s: string): string => s.replace(/\r?\n/g, '\r\n');

describe('parseSoapWithAttachments: plain text/xml (signals, b.1)', () => {
  test.each(['text/xml', 'text/xml; charset=UTF-8', 'TEXT/XML;charset="utf-8"', 'application/soap+xml'])('%s is the SOAP part itself', (ct) => {
    const body = Buffer.from(SOAP);
    const r = parseSoapWithAttachments(body, ct);
    expect(r.soapPart.content.equals(body)).toBe(true);
    expect(r.soapPart.contentId).toBeNull();
    expect(r.soapPart.contentType).toBe(ct);
    expect(r.attachments).toEqual([]);
  });
});

describe('parseSoapWithAttachments: multipart/related', () => {
  test('ebms-core style: quoted boundary, start naming a later part, preamble and epilogue', () => {
    const body = Buffer.from(crlf(`This is a preamble; ignore it.
--MIME_b1
Content-Type: application/xml
Content-ID: <payload-1@host>

<payload/>
--MIME_b1
Content-Type: text/xml; charset=UTF-8
Content-ID: <soap@host>

${SOAP}
--MIME_b1--
epilogue text
`));
    const r = parseSoapWithAttachments(body, 'multipart/related; type="text/xml"; boundary="MIME_b1"; start="<soap@host>"; start-info="text/xml"');
    expect(r.soapPart.contentId).toBe('soap@host');
    expect(r.soapPart.content.toString()).toBe(SOAP);
    expect(r.soapPart.contentType).toBe('text/xml; charset=UTF-8');
    expect(r.attachments).toHaveLength(1);
    expect(r.attachments[0]!.contentId).toBe('payload-1@host');
    expect(r.attachments[0]!.content.toString()).toBe('<payload/>');
  });

  test('Hermes style: no start parameter, root = first part, header spelled Content-Id, LF-only line ends', () => {
    const body = Buffer.from(`--b2\nCONTENT-TYPE: text/xml\ncontent-id: <soap-part>\n\n${SOAP}\n--b2\nContent-Type: application/octet-stream\nContent-Id: <att>\n\nABC\n--b2--\n`);
    const r = parseSoapWithAttachments(body, 'Multipart/Related; boundary=b2; type=text/xml');
    expect(r.soapPart.contentId).toBe('soap-part');
    expect(r.soapPart.contentType).toBe('text/xml');
    expect(r.soapPart.headers['content-id']).toBe('<soap-part>');
    expect(r.soapPart.content.toString()).toBe(SOAP);
    expect(r.attachments.map((a) => [a.contentId, a.content.toString()])).toEqual([['att', 'ABC']]);
  });

  test('empty start parameter is treated as absent', () => {
    const body = Buffer.from(crlf(`--b\nContent-ID: <x>\n\nroot\n--b--`));
    expect(parseSoapWithAttachments(body, 'multipart/related; boundary=b; start=""').soapPart.content.toString()).toBe('root');
  });

  test('Content-Transfer-Encoding base64 (wrapped lines) and quoted-printable are decoded; 7bit/8bit/binary kept', () => {
    const bin = randomBytes(300);
    const b64 = bin.toString('base64').replace(/(.{76})/g, '$1\r\n');
    const body = Buffer.concat([
      Buffer.from(crlf(`--q\nContent-Type: text/xml\nContent-Transfer-Encoding: 8bit\n\n${SOAP}\n--q\nContent-ID: <b64>\nContent-Transfer-Encoding: BASE64\n\n`)),
      Buffer.from(b64),
      Buffer.from(crlf(`\n--q\nContent-ID: <qp>\nContent-Transfer-Encoding: quoted-printable\n\na=3Db caf=C3=A9 soft=\n break  \nline2=20\n--q\nContent-ID: <7>\nContent-Transfer-Encoding: 7bit\n\nplain\n--q--\n`)),
    ]);
    const r = parseSoapWithAttachments(body, 'multipart/related; boundary="q"');
    expect(r.soapPart.content.toString()).toBe(SOAP);
    const [b, qp, seven] = r.attachments;
    expect(b!.content.equals(bin)).toBe(true);
    expect(qp!.content.toString('utf8')).toBe('a=b café soft break\r\nline2 ');
    expect(seven!.content.toString()).toBe('plain');
  });

  test('folded header lines are unfolded', () => {
    const body = Buffer.from(crlf(`--f\nContent-Type: text/xml;\n\tcharset=UTF-8\nContent-ID:\n <folded@id>\n\n${SOAP}\n--f--\n`));
    const r = parseSoapWithAttachments(body, 'multipart/related; boundary=f');
    expect(r.soapPart.contentType).toBe('text/xml; charset=UTF-8');
    expect(r.soapPart.contentId).toBe('folded@id');
  });

  test('binary content keeps every octet, including CRLFs and boundary look-alikes that are not delimiters', () => {
    const payload = Buffer.concat([randomBytes(3000), Buffer.from('\r\n--bX not a delimiter\r\nx--b-y\r\n'), randomBytes(100).fill(0x0d, 50, 51)]);
    const body = Buffer.concat([
      Buffer.from(`--b\r\nContent-ID: <s>\r\n\r\n${SOAP}\r\n--b   \r\nContent-ID: <p>\r\nContent-Transfer-Encoding: binary\r\n\r\n`),
      payload,
      Buffer.from('\r\n--b--'),
    ]);
    const r = parseSoapWithAttachments(body, 'multipart/related; boundary=b; start=<s>');
    expect(r.attachments[0]!.content.equals(payload)).toBe(true);
  });

  test('a part with no headers at all and a missing close delimiter (javax.mail tolerance)', () => {
    const body = Buffer.from(`--b\r\n\r\n${SOAP}\r\n--b\r\nContent-ID: <p>\r\n\r\nlast part\r\n`);
    const r = parseSoapWithAttachments(body, 'multipart/related; boundary=b');
    expect(r.soapPart.contentId).toBeNull();
    expect(r.soapPart.contentType).toBe('text/plain');
    expect(r.attachments[0]!.content.toString()).toBe('last part');
  });
});

describe('parseSoapWithAttachments: refusals are SOAP Faults (Client), b.7 rule 1', () => {
  const ok = Buffer.from(crlf(`--b\nContent-ID: <s>\n\n${SOAP}\n--b--\n`));
  test.each([
    ['unsupported media type', ok, 'application/json', 'Unsupported Content-Type "application/json": expected multipart/related or text/xml'],
    ['no Content-Type', ok, '', 'Unsupported Content-Type "": expected multipart/related or text/xml'],
    ['no boundary parameter', ok, 'multipart/related; type="text/xml"', 'multipart/related Content-Type has no boundary parameter'],
    ['boundary not in body', ok, 'multipart/related; boundary=zz', 'multipart/related body does not contain its boundary'],
    ['start names no part', ok, 'multipart/related; boundary=b; start="<other>"', 'multipart/related start parameter <other> names no part'],
    ['only a close delimiter', Buffer.from('--b--\r\n'), 'multipart/related; boundary=b', 'multipart/related body contains no parts'],
    ['unsupported transfer encoding', Buffer.from(crlf(`--b\nContent-Transfer-Encoding: x-uuencode\n\nx\n--b--`)), 'multipart/related; boundary=b', 'MIME part 1 has unsupported Content-Transfer-Encoding "x-uuencode"'],
    ['no empty line after headers', Buffer.from(crlf(`--b\nContent-ID: <s>\n--b--`)), 'multipart/related; boundary=b', 'MIME part 1 has no empty line after its headers'],
  ])('%s', (_name, body, ct, message) => {
    expect(faultOf(() => parseSoapWithAttachments(body, ct))).toEqual({ faultcode: 'Client', message });
  });
});

describe('parseContentType (RFC 2045 §5.1)', () => {
  test('quoted values with ; and escaped quotes, case-insensitive names, whitespace, trailing ;', () => {
    expect(parseContentType('Multipart/Related ; BOUNDARY="a;b\\"c" ;start=<x@y>; type = "text/xml";')).toEqual({
      mediaType: 'multipart/related',
      params: { boundary: 'a;b"c', start: '<x@y>', type: 'text/xml' },
    });
  });
});
