import type { Resolved } from '../../cpa/resolve.js';
import { verifyChain, type CrlStore } from '../../pki/trust.js';
import type { MessagePart } from '../../store/store.js';
import { decryptAttachment, RSA_1_5 } from '../encryption/index.js';
import { EbmsError } from '../errors.js';
import type { ParsedEnvelope } from '../envelope/model.js';
import type { MimePart } from '../mime/index.js';
import { verifyEnvelope } from '../signature/index.js';

export interface SecurityContext {
  /** Our decryption key (the key of the CPA's encryption certificate for our party). */
  decryptionKeyPem: string;
  trustAnchors: string[];
  crls?: CrlStore;
  legacy?: { sha1: boolean; rsa15: boolean };
}

export interface SecuredMessage {
  /** Payload parts in Manifest order, decrypted, with their original content types. */
  parts: MessagePart[];
  /** ds:Reference elements of the verified signature (for a signed Acknowledgment, ebMS 2.0 §6.3.2.2). */
  signedReferences: string[] | null;
}

const refLocation = (href: string) => `//Body/Manifest/Reference[@href="${href}"]`;

/**
 * Pipeline steps "signature required?", "Manifest", "decrypt", "verify" (b.7 rules 6–9, ebms-core order: signature
 * policy → manifest → decrypt → signature crypto; profiles sign the plain payload, then encrypt it).
 */
export function secureInbound(env: ParsedEnvelope, soapXml: string, attachments: MimePart[], r: Resolved, ctx: SecurityContext): SecuredMessage {
  // b.6 / DK-25: the CPA's SenderNonRepudiation makes a signature mandatory.
  if (r.signing.required && !env.signaturePresent) {
    throw new EbmsError('SecurityFailure', '//Header/Signature', 'the CPA requires a signature (SenderNonRepudiation) and the message has none');
  }
  // DK-24: the Manifest references only MIME parts of this message, by cid: (RFC 2392); anything else is an error.
  const byId = new Map(attachments.filter((a) => a.contentId).map((a) => [a.contentId!, a]));
  const refs = env.Manifest?.Reference ?? [];
  const selected: MimePart[] = refs.map((ref) => {
    if (!ref.href.startsWith('cid:')) throw new EbmsError('MimeProblem', refLocation(ref.href), `Manifest Reference "${ref.href}" is not a cid: reference (DK-24)`);
    const part = byId.get(decodeURIComponent(ref.href.slice(4)));
    if (!part) throw new EbmsError('MimeProblem', refLocation(ref.href), `no MIME part with Content-ID <${ref.href.slice(4)}>`);
    return part;
  });
  // Attachments not named in the Manifest are dropped (ebms-core; ebMS 2.0 §3.2.2 leaves it to the MSH).
  let parts: MessagePart[] = selected.map((p) => ({ contentId: p.contentId!, contentType: p.contentType, content: p.content }));
  if (r.encryption.required) {
    // rsa-1_5 key transport for this CPA only: our ReceiverDigitalEnvelope lists it (ebms-core compatible
    // encryption, issue 18) — not through the global legacy switch, which also admits 3DES.
    const allowRsa15 = r.encryption.algorithms.includes(RSA_1_5);
    parts = parts.map((p) => {
      const d = decryptAttachment(p.content, { keyPem: ctx.decryptionKeyPem, allowLegacy: ctx.legacy?.rsa15 ?? false, allowRsa15, contentId: p.contentId });
      return { contentId: p.contentId, contentType: d.mimeType ?? 'application/octet-stream', content: d.content };
    });
  }
  let signedReferences: string[] | null = null;
  if (r.signing.required) {
    if (!r.signing.senderSigningCertPem) throw new EbmsError('SecurityFailure', '//Header/Signature', 'the CPA names no signing certificate for the sender');
    const v = verifyEnvelope(soapXml, parts.map((p) => ({ contentId: p.contentId, content: p.content })), {
      expectedCertPem: r.signing.senderSigningCertPem,
      allowSha1: ctx.legacy?.sha1 ?? false,
      manifestHrefs: refs.map((x) => x.href),
    });
    // b.6 (ebms-core): the algorithms are the CPA's SenderNonRepudiation SignatureAlgorithm and HashFunction.
    if (r.signing.signatureAlgorithm && v.signatureAlgorithm !== r.signing.signatureAlgorithm) {
      throw new EbmsError('SecurityFailure', '//Header/Signature/SignedInfo/SignatureMethod', `SignatureMethod ${v.signatureAlgorithm} is not the CPA's ${r.signing.signatureAlgorithm}`);
    }
    if (r.signing.hashFunction && v.digestAlgorithm !== r.signing.hashFunction) {
      throw new EbmsError('SecurityFailure', '//Header/Signature/SignedInfo/Reference/DigestMethod', `DigestMethod ${v.digestAlgorithm} is not the CPA's HashFunction ${r.signing.hashFunction}`);
    }
    // Certificate policy (DK-30, issue "Message security" §4): chain to our anchors, valid at the message
    // Timestamp and now, key usage for signing, not revoked.
    verifyChain(v.certPem, ctx.trustAnchors, env.MessageHeader.MessageData.Timestamp, {
      keyUsage: ['digitalSignature'],
      ...(ctx.crls ? { crls: ctx.crls } : {}),
    });
    signedReferences = v.signedInfoReferences;
  }
  return { parts, signedReferences };
}
