/** Shared by the envelope-/signals- tests: xmllint XSD validation and peer-style fixture envelopes. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { packageRoot } from '../../../src/paths.js';

/** Official ebMS 2.0 schema (imports envelope.xsd, xmldsig, xlink, xml); never copied into the repo. */
export const MSG_HEADER_XSD = resolve(packageRoot, '..', 'shared', 'schemas', 'ebms2', 'msg-header-2_0.xsd');

/**
 * Validates a SOAP envelope with xmllint (libxml2, an independent engine) against msg-header-2_0.xsd. The
 * schema imports envelope.xsd, so SOAP:Envelope is the validation root; SOAP:Header/Body children are `lax`,
 * which makes libxml2 validate every eb:/ds: element strictly because their declarations are loaded.
 */
export function xmllintValidate(xml: string): { ok: boolean; output: string } {
  const dir = mkdtempSync(join(tmpdir(), 'knooppunt-xsd-'));
  try {
    const file = join(dir, 'envelope.xml');
    writeFileSync(file, xml);
    const r = spawnSync('xmllint', ['--noout', '--nonet', '--schema', MSG_HEADER_XSD, file], { encoding: 'utf8' });
    return { ok: r.status === 0, output: `${r.stdout}${r.stderr}`.replaceAll(file, 'envelope.xml').trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const EB = 'http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd';

export interface PeerEnvelopeOptions {
  /** Extra SOAP header blocks (raw XML, may use SOAP-ENV/eb/ds/wsse prefixes). */
  extraHeader?: string;
  /** Replaces the whole eb:MessageHeader. */
  messageHeader?: string;
  body?: string;
}

/**
 * A message as an independent MSH writes it (Hermes 2 style): SOAP-ENV prefix, `+00:00` timestamps with
 * milliseconds, two PartyIds in To, mustUnderstand="true", MessageId `date-time-n@ip`.
 */
export function peerEnvelope(opts: PeerEnvelopeOptions = {}): string {
  const header =
    opts.messageHeader ??
    `<eb:MessageHeader SOAP-ENV:mustUnderstand="true" eb:version="2.0">
      <eb:From><eb:PartyId eb:type="urn:osb:oin">00000099000000000001</eb:PartyId><eb:Role>Deelnemer</eb:Role></eb:From>
      <eb:To><eb:PartyId eb:type="urn:osb:oin">00000099000000000002</eb:PartyId><eb:PartyId>hub</eb:PartyId><eb:Role>Knooppunt</eb:Role></eb:To>
      <eb:CPAId>cpa-1</eb:CPAId>
      <eb:ConversationId>conv-1</eb:ConversationId>
      <eb:Service eb:type="urn:osb:services">GGK:OntvangAsynchroon:0210</eb:Service>
      <eb:Action>envelopHeenbericht-ggk_Di01</eb:Action>
      <eb:MessageData>
        <eb:MessageId>20261123-033349-15401@127.0.0.1</eb:MessageId>
        <eb:Timestamp>2026-11-23T03:33:49.154+00:00</eb:Timestamp>
        <eb:TimeToLive>2026-11-23T05:33:49.154+01:00</eb:TimeToLive>
      </eb:MessageData>
      <eb:DuplicateElimination/>
    </eb:MessageHeader>`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:eb="${EB}" xmlns:xlink="http://www.w3.org/1999/xlink">
  <SOAP-ENV:Header>
    ${header}
    <eb:AckRequested SOAP-ENV:mustUnderstand="true" eb:version="2.0" SOAP-ENV:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH" eb:signed="false"/>
    ${opts.extraHeader ?? ''}
  </SOAP-ENV:Header>
  <SOAP-ENV:Body>${opts.body ?? `
    <eb:Manifest eb:version="2.0">
      <eb:Reference xlink:href="cid:payload-0@127.0.0.1" xlink:type="simple"/>
    </eb:Manifest>`}
  </SOAP-ENV:Body>
</SOAP-ENV:Envelope>`;
}
