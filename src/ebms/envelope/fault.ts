import type { SoapFaultCode } from '../errors.js';
import { NS_SOAP } from './model.js';
import { escapeText } from './xml.js';

/**
 * SOAP 1.1 Fault (SOAP 1.1 §4.4), the answer when no ebMS error can be addressed: unparsable request, unknown
 * CPAId, no From PartyId (ebms2-digikoppeling.md b.7 rule 1), or a mustUnderstand header we do not process.
 */
export function buildSoapFault(faultcode: SoapFaultCode, faultstring: string): string {
  return `<SOAP:Envelope xmlns:SOAP="${NS_SOAP}"><SOAP:Body><SOAP:Fault>` +
    `<faultcode>SOAP:${faultcode}</faultcode><faultstring>${escapeText(faultstring)}</faultstring>` +
    '</SOAP:Fault></SOAP:Body></SOAP:Envelope>';
}
