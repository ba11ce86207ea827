import type { CollaborationProtocolAgreement } from './model.js';
import { algorithmUri, ENCRYPTION_ALGORITHMS } from './validate-security.js';
import { EBMS_CORE_ENCRYPTION_WARNING } from './generate-input.js';
import { ENCRYPTION_VARIANTS, type EncryptionVariant } from './templates.js';

/**
 * The XML Encryption variant a CPA agrees (issue 18), read from its ReceiverDigitalEnvelopes: `ebms-core` when a
 * party's first data algorithm is AES-CBC and rsa-1_5 is listed (what eluinstra/ebms-core can encrypt with:
 * CPAUtils.getEncryptionAlgorithm takes the first, EbMSMessageEncrypter wraps with RSA-1_5), `digikoppeling` for
 * any other encrypted CPA, null when nothing is encrypted.
 */
export function encryptionVariantOf(cpa: CollaborationProtocolAgreement): EncryptionVariant | null {
  let encrypted = false;
  for (const p of cpa.PartyInfo) {
    for (const d of p.DocExchange) {
      const env = d.ebXMLReceiverBinding?.ReceiverDigitalEnvelope;
      if (!env) continue;
      encrypted = true;
      const uris = env.EncryptionAlgorithm.map(algorithmUri);
      const firstData = uris.find((u) => ENCRYPTION_ALGORITHMS[u]?.kind === 'data');
      if (firstData?.endsWith('-cbc') && !firstData.endsWith('tripledes-cbc') && uris.includes('http://www.w3.org/2001/04/xmlenc#rsa-1_5')) return 'ebms-core';
    }
  }
  return encrypted ? 'digikoppeling' : null;
}

/** The choice as the CPA Beheer form offers it (CLI --encryption, API `encryption`, portal). */
export const ENCRYPTION_CHOICES: readonly { value: EncryptionVariant; description: string; warning: string | null }[] = ENCRYPTION_VARIANTS.map((value) => (value === 'ebms-core'
  ? { value, description: 'ebms-core compatible: aes256-cbc + RSA-1_5 key transport (for adapters on eluinstra/ebms-core)', warning: EBMS_CORE_ENCRYPTION_WARNING }
  : { value, description: 'Digikoppeling (DK-28): AES-256-GCM + RSA-OAEP key transport', warning: null }));
