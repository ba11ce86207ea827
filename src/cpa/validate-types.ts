import type { Problem } from '../errors.js';

/** One finding of `validateCpa`: a stable code, severity, XPath-like location and a readable message. */
export interface CpaProblem {
  code: CpaProblemCode;
  severity: 'error' | 'warning';
  location: string;
  message: string;
}

export type CpaProblemCode =
  | 'XML' // not parseable as a CPA at all
  | 'STRUCTURE' // required element/attribute missing (cpp-cpa-2_0.xsd)
  | 'INVALID_VALUE' // value outside the schema's type
  | 'UNKNOWN_ELEMENT'
  | 'UNSUPPORTED'
  | 'EMPTY_VALUE' // allowed by cpp-cpa-2_0.xsd but carries nothing (e.g. PartyRef xlink:href="")
  | 'STATUS'
  | 'PERIOD'
  | 'EXPIRED'
  | 'NOT_YET_ACTIVE'
  | 'PARTY_COUNT'
  | 'PARTYID_TYPE'
  | 'OIN_FORMAT'
  | 'ROLE_COUNT'
  | 'DUPLICATE_ID'
  | 'IDREF'
  | 'TRANSPORT'
  | 'TLS'
  | 'CANSEND_UNMATCHED'
  | 'MESSAGING'
  | 'RELIABILITY'
  | 'SIGNING'
  | 'ENCRYPTION'
  | 'CERTIFICATE';

export interface CpaValidationResult {
  /** True when there is no problem of severity error (warnings allowed). */
  valid: boolean;
  problems: CpaProblem[];
}

export interface ValidateOptions {
  /** Clock for expiry/validity checks (default now). */
  now?: Date;
  /** Accept SHA-1 signing (legacy CPAs, e.g. the Compliance Voorziening) as a warning instead of an error (DK-27). */
  allowLegacySha1?: boolean;
}

/** CpaProblems as `Problem`s (path = location) for a GatewayError ERR_CPA_INVALID / API response. */
export function toProblems(problems: CpaProblem[]): Problem[] {
  return problems.map((p) => ({ path: p.location, message: `${p.code}: ${p.message}`, severity: p.severity }));
}
