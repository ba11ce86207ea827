import type { SoapFaultCode } from '../errors.js';
import { NS_SOAP } from './model.js';
import { escapeText } from './xml.js';

/**
 * SOAP 1.1 Fault (SOAP 1.1 §4.4), the answer when no ebMS error can be addressed: unparsable request, unknown
 * CPAId, no From PartyId (ebms2-digikoppeling.md b.7 rule 1), or a mustUnderstand header we do not process.
 */
export function buildSoapFault(faultcode: SoapFaultCode, faultstring: string): string {
  return faultEnvelope(faultcode, printable(faultstring));
}

/** Largest faultstring sent: reasons may quote the peer's values, which are not echoed at length. */
export const MAX_FAULTSTRING = 1000;

/**
 * A faultstring that can always be written: characters XML 1.0 does not allow (which a reason may quote from the
 * peer's input) become U+FFFD, and it is cut at MAX_FAULTSTRING characters. A fault must never fail to build.
 */
function printable(s: string): string {
  const clean = s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
  if (clean.length <= MAX_FAULTSTRING) return clean;
  const cut = /[\uD800-\uDBFF]/.test(clean[MAX_FAULTSTRING - 1]!) ? MAX_FAULTSTRING - 1 : MAX_FAULTSTRING; // keep pairs whole
  return `${clean.slice(0, cut)}…`;
}

function faultEnvelope(faultcode: SoapFaultCode, faultstring: string): string {
  return `<SOAP:Envelope xmlns:SOAP="${NS_SOAP}"><SOAP:Body><SOAP:Fault>` +
    `<faultcode>SOAP:${faultcode}</faultcode><faultstring>${escapeText(faultstring)}</faultstring>` +
    '</SOAP:Fault></SOAP:Body></SOAP:Envelope>';
}
