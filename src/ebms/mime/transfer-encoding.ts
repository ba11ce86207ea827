/**
 * Content-Transfer-Encoding decoding (RFC 2045 §6). Receive side only: Digikoppeling forbids sending any
 * Content-Transfer-Encoding (DK-32), but peers send binary/8bit/7bit/base64/quoted-printable and we accept them
 * (ebms2-digikoppeling.md b.1 robustness).
 */

export const supportedTransferEncodings = ['binary', '8bit', '7bit', 'base64', 'quoted-printable'] as const;
export type TransferEncoding = (typeof supportedTransferEncodings)[number];

export function isSupportedTransferEncoding(value: string): value is TransferEncoding {
  return (supportedTransferEncodings as readonly string[]).includes(value);
}

/** Decodes `content` per its Content-Transfer-Encoding (already lower-cased and checked). */
export function decodeTransferEncoding(content: Buffer, encoding: TransferEncoding): Buffer {
  switch (encoding) {
    case 'base64':
      // Node's base64 decoder skips line breaks and other whitespace (RFC 2045 §6.8 76-char lines).
      return Buffer.from(content.toString('latin1'), 'base64');
    case 'quoted-printable':
      return decodeQuotedPrintable(content);
    default:
      return content;
  }
}

function hexValue(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  return -1;
}

/**
 * RFC 2045 §6.7: `=XX` is one octet, `=` at the end of a line is a soft line break (CRLF or LF), trailing
 * whitespace on a line is dropped (rule 3). An `=` not followed by two hex digits is kept literally (robustness,
 * as §6.7 note 1 suggests).
 */
export function decodeQuotedPrintable(input: Buffer): Buffer {
  const out = Buffer.allocUnsafe(input.length);
  let o = 0;
  let keep = 0; // output length up to the last octet that is not literal (transport) whitespace
  const n = input.length;
  let i = 0;
  while (i < n) {
    const c = input[i]!;
    if (c === 0x3d /* = */) {
      let j = i + 1;
      while (j < n && (input[j] === 0x20 || input[j] === 0x09)) j++;
      if (j === n) break; // '=' at the very end: soft break without newline
      if (input[j] === 0x0a || (input[j] === 0x0d && input[j + 1] === 0x0a)) {
        i = input[j] === 0x0a ? j + 1 : j + 2; // soft line break
        continue;
      }
      const hi = hexValue(input[i + 1] ?? -1);
      const lo = hexValue(input[i + 2] ?? -1);
      if (hi >= 0 && lo >= 0) {
        out[o++] = (hi << 4) | lo;
        keep = o;
        i += 3;
        continue;
      }
      out[o++] = c;
      keep = o;
      i++;
      continue;
    }
    if (c === 0x0d || c === 0x0a) {
      o = keep; // hard line break: drop literal trailing whitespace (rule 3), keep the break itself
      out[o++] = c;
      keep = o;
      i++;
      continue;
    }
    out[o++] = c;
    if (c !== 0x20 && c !== 0x09) keep = o;
    i++;
  }
  return out.subarray(0, o);
}
