/** CPA layer (CPPA 2.0): model, parse, serialize, generate, validate, resolve. Never imports src/ebms (layer rule). */
export * from './model.js';
export { parseCpa, type ParseOptions } from './parse.js';
export { serializeCpa, formatDateTime, type SerializeOptions } from './serialize.js';
export { DEFAULT_MAX_CPA_BYTES } from './xml-reader.js';
export { generateCpa, makeCpaId, type GenerateOptions, type GeneratedCpa, type HubIdentity } from './generate.js';
export { checkCpaBeheerFields, EBMS_CORE_ENCRYPTION_WARNING, OIN_PATTERN, type CpaBeheerFields, type CheckedFields, type Connectietype } from './generate-input.js';
export { ENCRYPTION_CHOICES, encryptionVariantOf } from './encryption-variant.js';
export {
  BERICHTSTROMEN, DK_PROFILES, ENCRYPTION_VARIANTS, defaultTemplatesDir, loadBerichtstroomTemplate, loadProfiles,
  type Berichtstroom, type BerichtstroomTemplate, type DkProfile, type EncryptionVariant, type ProfilesFile,
} from './templates.js';
export { validateCpa, validateCpaXml, toProblems, type CpaProblem, type CpaProblemCode, type CpaValidationResult, type ValidateOptions } from './validate.js';
export { isActiveAt, mshSignalChannel, partyByPartyId, resolve, type PartyIdRef, type Resolved, type ResolvedParty, type ResolveMiss, type ResolveQuery } from './resolve.js';
export { addDuration, durationToMs, formatDuration, isDuration, parseDuration, type Duration } from './duration.js';
