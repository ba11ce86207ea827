/**
 * iWmo/iJw 3.0–3.2 payload layer: the message catalogue, structural validation (an invalid payload is answered with
 * Fo01 StUF055 by the StUF layer) and header / business-key extraction. No knowledge of StUF, ebMS or the store.
 */
export {
  ISTANDAARD_VERSIONS, basisschemaNamespace, berichtByCode, berichtByType, catalogue, lookupNamespace, messageNamespace,
} from './catalogue.js';
export type { Berichtdefinitie, Berichtstroom, Deadline, Direction, HeaderPartyField, IstandaardVersion } from './catalogue.js';
export { MAX_PROBLEMS, describeProblem, validatePayload } from './validate.js';
export type { PayloadProblem, PayloadRule, PayloadValidation } from './validate.js';
export { extractBusinessKeys, extractHeader, extractPayload } from './extract.js';
export type { BusinessItem, BusinessKeys, ExtractedPayload, PayloadHeader } from './extract.js';
export { MAX_PAYLOAD_BYTES, PayloadReadError } from './xml-input.js';
export type { InputRule } from './xml-input.js';
