/** Message security, XML Encryption of payload parts (profiles osb-*-e; DK-28). Pure functions: no CPA or store. */
export * from './algorithms.js';
export { encryptAttachment, type EncryptOptions } from './encrypt.js';
export { decryptAttachment, type DecryptOptions, type DecryptedAttachment } from './decrypt.js';
