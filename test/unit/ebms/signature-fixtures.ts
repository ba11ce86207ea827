import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test envelopes for the signature tests: minimal ebMS 2.0 messages (MessageHeader, AckRequested for the toPartyMSH,
 * SyncReply for the next MSH, Manifest), written out by hand so that each SOAP prefix style can be tried.
 */
export const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
export const EB_NS = 'http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';

export interface EnvelopeOptions {
  /** SOAP prefix; '' = default namespace on the envelope (attributes then use prefix `s`). */
  prefix?: string;
  xmlLang?: string;
  contentIds?: string[];
  conversationId?: string;
  /** Extra namespace declarations on the envelope, e.g. { AA: 'urn:aa' } (ordering traps). */
  extraNs?: Record<string, string>;
  crlf?: boolean;
}

export function ebmsEnvelope(o: EnvelopeOptions = {}): string {
  const p = o.prefix ?? 'SOAP';
  const el = p === '' ? '' : `${p}:`;
  const at = p === '' ? 's:' : `${p}:`;
  const nsDecl = p === '' ? `xmlns="${SOAP_NS}" xmlns:s="${SOAP_NS}"` : `xmlns:${p}="${SOAP_NS}"`;
  const extra = Object.entries(o.extraNs ?? {}).map(([k, v]) => ` xmlns:${k}="${v}"`).join('');
  const lang = o.xmlLang ? ` xml:lang="${o.xmlLang}"` : '';
  const refs = (o.contentIds ?? []).map((id) => `\n      <eb:Reference xlink:href="cid:${id}" xlink:type="simple"/>`).join('');
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<${el}Envelope ${nsDecl} xmlns:eb="${EB_NS}" xmlns:xlink="${XLINK_NS}"${extra}${lang}>
  <${el}Header>
    <eb:MessageHeader ${at}mustUnderstand="1" eb:version="2.0">
      <eb:From><eb:PartyId eb:type="urn:osb:oin">00000099000000036300</eb:PartyId><eb:Role>Gemeente</eb:Role></eb:From>
      <eb:To><eb:PartyId eb:type="urn:osb:oin">00000099000000000001</eb:PartyId><eb:Role>Knooppunt</eb:Role></eb:To>
      <eb:CPAId>iWmo_00000099000000036300_00000099000000000001_1</eb:CPAId>
      <eb:ConversationId>${o.conversationId ?? 'conv-0001@gemeente.example.nl'}</eb:ConversationId>
      <eb:Service eb:type="urn:osb:services">iWmo:3:2</eb:Service>
      <eb:Action>WMO301</eb:Action>
      <eb:MessageData>
        <eb:MessageId>msg-0001@gemeente.example.nl</eb:MessageId>
        <eb:Timestamp>2026-03-01T10:00:00Z</eb:Timestamp>
      </eb:MessageData>
      <eb:DuplicateElimination/>
    </eb:MessageHeader>
    <eb:AckRequested ${at}mustUnderstand="1" eb:version="2.0" ${at}actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH" eb:signed="true"/>
    <eb:SyncReply ${at}mustUnderstand="1" eb:version="2.0" ${at}actor="http://schemas.xmlsoap.org/soap/actor/next"/>
  </${el}Header>
  <${el}Body>
    <eb:Manifest eb:version="2.0">${refs}
    </eb:Manifest>
  </${el}Body>
</${el}Envelope>
`;
  return o.crlf ? xml.replace(/\n/g, '\r\n') : xml;
}

export interface Part {
  contentId: string;
  content: Buffer;
}

/** `n` attachments: XML payloads, the second one (if any) binary with every byte value. */
export function makeParts(n: number): Part[] {
  return Array.from({ length: n }, (_, i) => ({
    contentId: `payload-${i + 1}@gemeente.example.nl`,
    content: i === 1
      ? Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, b) => b)), Buffer.from('\r\n\0tail')])
      : Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>\n<Bericht nr="${i + 1}">payload ${i + 1} \u00e9\u00e8</Bericht>\n`, 'utf8'),
  }));
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'knooppunt-sig-'));
}

/** Run `xmlsec1 --verify` with the cid: parts mapped to files; returns exit status and output. */
export function xmlsecVerify(signedXml: string, parts: Part[], certPath: string): { status: number; output: string } {
  const dir = tempDir();
  const file = join(dir, 'signed.xml');
  writeFileSync(file, signedXml);
  const maps = parts.flatMap((p, i) => {
    const f = join(dir, `part-${i}.bin`);
    writeFileSync(f, p.content);
    return [`--url-map:cid:${p.contentId}`, f];
  });
  const r = spawnSync('xmlsec1', ['--verify', '--pubkey-cert-pem', certPath, ...maps, file], { encoding: 'utf8' });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

/** Sign a template with `xmlsec1 --sign` (key+cert), cid: parts mapped to files. */
export function xmlsecSign(templateXml: string, parts: Part[], keyPath: string, certPath: string): string {
  const dir = tempDir();
  const file = join(dir, 'template.xml');
  writeFileSync(file, templateXml);
  const maps = parts.flatMap((p, i) => {
    const f = join(dir, `part-${i}.bin`);
    writeFileSync(f, p.content);
    return [`--url-map:cid:${p.contentId}`, f];
  });
  return execFileSync('xmlsec1', ['--sign', '--privkey-pem', `${keyPath},${certPath}`, ...maps, file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}
