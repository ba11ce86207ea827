/**
 * ebMS 2.0 wire errors (OASIS ebMS 2.0 §4.2.3.4.1, codeContext urn:oasis:names:tc:ebxml-msg:service:errors).
 * A peer that sends something wrong gets an `eb:ErrorList/eb:Error` with one of these codes and an XPath-like
 * location (ebms-core style, e.g. `//Header/MessageHeader/CPAId`). Digikoppeling adds no codeContext of its own
 * (KVS ch05). Cases that cannot be answered with an ebMS error (no CPA known, no From PartyId, unparsable SOAP)
 * are a SOAP Fault with HTTP 500 instead: `SoapFaultError`.
 */
export const EBMS_ERROR_CODE_CONTEXT = 'urn:oasis:names:tc:ebxml-msg:service:errors';

export const ebmsErrorCodes = {
  ValueNotRecognized: 'Element content or attribute value not recognized.',
  NotSupported: 'Element or attribute not supported.',
  Inconsistent: 'Element content or attribute value inconsistent with other elements or attributes.',
  OtherXml: 'Other error in an element content or attribute value.',
  DeliveryFailure: 'Message delivery failure.',
  TimeToLiveExpired: 'Message time to live expired.',
  SecurityFailure: 'Message security checks failed.',
  MimeProblem: 'URI resolve error.',
  Unknown: 'Unknown error.',
} as const;

export type EbmsErrorCode = keyof typeof ebmsErrorCodes;
export type EbmsSeverity = 'Error' | 'Warning';

/** The peer's message is wrong: answered with an eb:ErrorList (severity Error = not delivered). */
export class EbmsError extends Error {
  readonly errorCode: EbmsErrorCode;
  readonly location: string;
  readonly severity: EbmsSeverity;

  constructor(errorCode: EbmsErrorCode, location: string, description: string, severity: EbmsSeverity = 'Error') {
    super(description);
    this.name = 'EbmsError';
    this.errorCode = errorCode;
    this.location = location;
    this.severity = severity;
  }
}

/** SOAP 1.1 §4.4.1 fault codes. */
export type SoapFaultCode = 'Client' | 'Server' | 'MustUnderstand' | 'VersionMismatch';

/** Cannot be answered with an ebMS message (no CPA/party to address it to): SOAP 1.1 Fault, HTTP 500. */
export class SoapFaultError extends Error {
  readonly faultcode: SoapFaultCode;
  readonly httpStatus: number;

  constructor(faultcode: SoapFaultCode, faultstring: string, httpStatus = 500) {
    super(faultstring);
    this.name = 'SoapFaultError';
    this.faultcode = faultcode;
    this.httpStatus = httpStatus;
  }
}
