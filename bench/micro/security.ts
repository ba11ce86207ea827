import { randomBytes } from 'node:crypto';
import { decryptAttachment } from '../../src/ebms/encryption/decrypt.js';
import { encryptAttachment } from '../../src/ebms/encryption/encrypt.js';
import { signEnvelope } from '../../src/ebms/signature/sign.js';
import { verifyEnvelope } from '../../src/ebms/signature/verify.js';
import { issueCertificate } from '../../src/pki/dev-pki.js';

/**
 * Micro benchmark of message security (issue 5): milliseconds per operation for signing and verifying an ebMS
 * envelope with one 5 KB payload (RSA-2048, RSA-SHA256/SHA-256, inclusive C14N + XPath filter) and for
 * encrypting and decrypting a 5 KB payload (AES-256-GCM + RSA-OAEP).
 */

const SOAP_NS = 'http://schemas.xmlsoap.org/soap/envelope/';
const EB_NS = 'http://www.oasis-open.org/committees/ebxml-msg/schema/msg-header-2_0.xsd';

function envelope(contentId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<SOAP:Envelope xmlns:SOAP="${SOAP_NS}" xmlns:eb="${EB_NS}" xmlns:xlink="http://www.w3.org/1999/xlink">
  <SOAP:Header>
    <eb:MessageHeader SOAP:mustUnderstand="1" eb:version="2.0">
      <eb:From><eb:PartyId eb:type="urn:osb:oin">00000099000000036300</eb:PartyId><eb:Role>Gemeente</eb:Role></eb:From>
      <eb:To><eb:PartyId eb:type="urn:osb:oin">00000099000000000001</eb:PartyId><eb:Role>Knooppunt</eb:Role></eb:To>
      <eb:CPAId>iWmo_00000099000000036300_00000099000000000001_1</eb:CPAId>
      <eb:ConversationId>bench-conversation@example.nl</eb:ConversationId>
      <eb:Service eb:type="urn:osb:services">iWmo:3:2</eb:Service>
      <eb:Action>WMO301</eb:Action>
      <eb:MessageData><eb:MessageId>bench-message@example.nl</eb:MessageId><eb:Timestamp>2026-03-01T10:00:00Z</eb:Timestamp></eb:MessageData>
    </eb:MessageHeader>
    <eb:AckRequested SOAP:mustUnderstand="1" eb:version="2.0" SOAP:actor="urn:oasis:names:tc:ebxml-msg:actor:toPartyMSH" eb:signed="true"/>
  </SOAP:Header>
  <SOAP:Body><eb:Manifest eb:version="2.0"><eb:Reference xlink:href="cid:${contentId}" xlink:type="simple"/></eb:Manifest></SOAP:Body>
</SOAP:Envelope>
`;
}

function msPerOp(iterations: number, fn: () => unknown): number {
  for (let i = 0; i < Math.min(20, iterations); i++) fn(); // warm-up (JIT, key cache)
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) fn();
  return Number(process.hrtime.bigint() - start) / 1e6 / iterations;
}

const round = (n: number) => Math.round(n * 1000) / 1000;

export async function run(): Promise<Record<string, number>> {
  const ca = issueCertificate({ commonName: 'bench CA', use: 'ca' });
  const party = issueCertificate({ commonName: 'bench signing', use: 'signing', issuer: ca });
  const contentId = 'payload-1@bench.example.nl';
  const payload = { contentId, content: randomBytes(5 * 1024) };
  const env = envelope(contentId);
  const signOpts = { keyPem: party.keyPem, certPem: party.certPem };
  const signed = signEnvelope(env, [payload], signOpts);
  const encrypted = encryptAttachment(payload.content, { contentId, mimeType: 'application/xml', certPem: party.certPem });
  const iterations = 300;
  return {
    'security.sign_ms': round(msPerOp(iterations, () => signEnvelope(env, [payload], signOpts))),
    'security.verify_ms': round(msPerOp(iterations, () => verifyEnvelope(signed, [payload], { expectedCertPem: party.certPem, manifestHrefs: [`cid:${contentId}`] }))),
    'security.encrypt_ms': round(msPerOp(iterations, () => encryptAttachment(payload.content, { contentId, mimeType: 'application/xml', certPem: party.certPem }))),
    'security.decrypt_ms': round(msPerOp(iterations, () => decryptAttachment(encrypted, { keyPem: party.keyPem }))),
  };
}
