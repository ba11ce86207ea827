/**
 * Reading an iWmo/iJw payload safely before any parsing: size limit first (OP179: 25 MB) and strict UTF-8.
 * The XML itself is read by xml-scan.ts, which refuses any DOCTYPE (no DTD is ever processed).
 */
/** OP179 / GGk IB007: a message may not exceed 25 MB. */
export const MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/** Why a payload could not be read as XML at all. */
export type InputRule = 'size' | 'encoding' | 'doctype' | 'wellformed' | 'limit';

export class PayloadReadError extends Error {
  readonly rule: InputRule;
  constructor(rule: InputRule, message: string) {
    super(message);
    this.name = 'PayloadReadError';
    this.rule = rule;
  }
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** Bytes or text to text, enforcing the size limit and UTF-8. */
export function payloadText(xml: string | Buffer | Uint8Array): string {
  if (typeof xml === 'string') {
    // A JS string is at least length bytes and at most 3×length bytes in UTF-8; measure only when it matters.
    if (xml.length * 3 > MAX_PAYLOAD_BYTES && Buffer.byteLength(xml, 'utf8') > MAX_PAYLOAD_BYTES) {
      throw new PayloadReadError('size', `payload exceeds ${MAX_PAYLOAD_BYTES} bytes (OP179)`);
    }
    return xml;
  }
  if (xml.byteLength > MAX_PAYLOAD_BYTES) {
    throw new PayloadReadError('size', `payload of ${xml.byteLength} bytes exceeds ${MAX_PAYLOAD_BYTES} bytes (OP179)`);
  }
  try {
    return decoder.decode(xml);
  } catch {
    throw new PayloadReadError('encoding', 'payload is not valid UTF-8');
  }
}
