/** Message security, XML Signature part (ebMS 2.0 §4.1.3, DK-25/26/27). Pure functions: no CPA, store or server. */
export * from './algorithms.js';
export { InclusiveC14n, ExclusiveC14n, canonicalizeSubset, canonicalizeTree, compareCodePoints } from './c14n.js';
export { signEnvelope, cidUri, type SignOptions, type SignatureAttachment } from './sign.js';
export { verifyEnvelope, contentIdOf, type VerifyOptions, type VerifiedSignature } from './verify.js';
export { verifySignedAckReferences, serializeReference, extractSignedInfoReferences, extractAcknowledgmentReferences } from './signed-ack.js';
export { ebmsXPathExpression, matchEbmsXPath } from './xpath-filter.js';
