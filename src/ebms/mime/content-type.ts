/**
 * MIME header-field helpers (RFC 2045 §5.1 Content-Type syntax, RFC 5322 §2.2.3 unfolding).
 * Pure string functions; no knowledge of ebMS.
 */

export interface ContentType {
  /** `type/subtype`, lower-cased. */
  mediaType: string;
  /** Parameter names lower-cased; values unquoted (quoted-pair escapes resolved), case kept. */
  params: Record<string, string>;
}

/**
 * Parses `type/subtype; name=value; name="quoted; value"`. Tolerant: whitespace anywhere between tokens,
 * a trailing `;`, parameters without a value are skipped. Returns mediaType '' when there is no type at all.
 */
export function parseContentType(value: string): ContentType {
  const params: Record<string, string> = {};
  let i = value.indexOf(';');
  const mediaType = (i < 0 ? value : value.slice(0, i)).trim().toLowerCase();
  if (i < 0) return { mediaType, params };
  const n = value.length;
  while (i < n) {
    i++; // skip ';'
    while (i < n && isSpace(value.charCodeAt(i))) i++;
    const eq = value.indexOf('=', i);
    const semi = value.indexOf(';', i);
    if (eq < 0 || (semi >= 0 && semi < eq)) {
      // parameter without '=': ignore it up to the next ';'
      if (semi < 0) break;
      i = semi;
      continue;
    }
    const name = value.slice(i, eq).trim().toLowerCase();
    i = eq + 1;
    while (i < n && isSpace(value.charCodeAt(i))) i++;
    let paramValue = '';
    if (value[i] === '"') {
      i++;
      while (i < n && value[i] !== '"') {
        if (value[i] === '\\' && i + 1 < n) i++; // quoted-pair
        paramValue += value[i];
        i++;
      }
      i = value.indexOf(';', i);
      if (i < 0) i = n;
    } else {
      const end = value.indexOf(';', i);
      paramValue = value.slice(i, end < 0 ? n : end).trim();
      i = end < 0 ? n : end;
    }
    if (name !== '' && !(name in params)) params[name] = paramValue;
  }
  return { mediaType, params };
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Quotes a parameter value when it is not a plain RFC 2045 token. */
export function quoteParam(value: string): string {
  return `"${value.replace(/(["\\])/g, '\\$1')}"`;
}

/** `<id@host>` → `id@host` (Content-ID and the `start` parameter are msg-ids, RFC 2392 / RFC 2387 §3.2). */
export function stripAngleBrackets(value: string): string {
  const v = value.trim();
  return v.startsWith('<') && v.endsWith('>') ? v.slice(1, -1).trim() : v;
}

/**
 * Parses a MIME header block (bytes before the empty line) into a record with lower-cased names.
 * Folded lines (starting with SP or HT) are unfolded; a repeated header keeps its first value.
 * Accepts CRLF or bare LF line ends.
 */
export function parseHeaderBlock(text: string): Record<string, string> {
  const headers: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  let name: string | null = null;
  let val = '';
  const flush = (): void => {
    if (name !== null && !(name in headers)) headers[name] = val.trim();
  };
  for (const line of lines) {
    if (line === '') continue;
    const c = line.charCodeAt(0);
    if ((c === 0x20 || c === 0x09) && name !== null) {
      val += ' ' + line.trim(); // RFC 5322 §2.2.3 unfolding
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue; // not a header line: ignore (robustness)
    flush();
    name = line.slice(0, colon).trim().toLowerCase();
    val = line.slice(colon + 1);
  }
  flush();
  return headers;
}
