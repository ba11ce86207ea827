/**
 * XML Schema 1.0 regular expressions (Part 2, Appendix F) translated to JavaScript RegExp.
 *
 * Differences handled: an XSD pattern is implicitly anchored at both ends; `^` and `$` are ordinary characters;
 * `.` is any character except #xA and #xD; `\s` is exactly [#x20#x9#xD#xA] (JS `\s` is wider); `\d` is any
 * Unicode decimal digit (\p{Nd}). Ranges compare code points (the `u` flag). Constructs the iStandaarden do not use
 * (\i, \c, \w, block escapes \p{IsX}, character-class subtraction) throw, so an unsupported pattern can never be
 * silently mis-validated.
 */

const XSD_SPACE = ' \\t\\n\\r';
/** Characters that must stay escaped in a `u`-mode JS pattern outside a class. */
const JS_SYNTAX = new Set(['\\', '^', '$', '.', '|', '?', '*', '+', '(', ')', '[', ']', '{', '}', '/', '-']);
const SINGLE_ESCAPES: Record<string, string> = { n: '\\n', r: '\\r', t: '\\t' };

function escape(p: string, i: number, inClass: boolean): [string, number] {
  const c = p[i + 1];
  if (c === undefined) throw new SyntaxError(`XSD pattern ends in a backslash: ${p}`);
  if (SINGLE_ESCAPES[c]) return [SINGLE_ESCAPES[c], i + 2];
  if (c === 's') return [inClass ? XSD_SPACE : `[${XSD_SPACE}]`, i + 2];
  if (c === 'S' && !inClass) return [`[^${XSD_SPACE}]`, i + 2];
  if (c === 'd') return ['\\p{Nd}', i + 2];
  if (c === 'D' && !inClass) return ['\\P{Nd}', i + 2];
  if (c === 'p' || c === 'P') {
    const end = p.indexOf('}', i);
    const name = p.slice(i + 3, end);
    if (p[i + 2] !== '{' || end < 0 || name.startsWith('Is')) throw new SyntaxError(`unsupported XSD escape in ${p}`);
    return [`\\${c}{${name}}`, end + 1];
  }
  if (JS_SYNTAX.has(c)) return [c === '-' && !inClass ? '-' : `\\${c}`, i + 2];
  throw new SyntaxError(`unsupported XSD escape \\${c} in ${p}`);
}

/** Translate one XSD pattern to an anchored JS RegExp. */
export function xsdPatternToRegExp(pattern: string): RegExp {
  let out = '';
  let i = 0;
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '\\') {
      const [s, next] = escape(pattern, i, false);
      out += s;
      i = next;
    } else if (ch === '[') {
      let cls = '[';
      i++;
      if (pattern[i] === '^') { cls += '^'; i++; }
      while (i < pattern.length && pattern[i] !== ']') {
        const c = pattern[i]!;
        if (c === '\\') {
          const [s, next] = escape(pattern, i, true);
          cls += s;
          i = next;
        } else if (c === '[' || (c === '-' && pattern[i + 1] === '[')) {
          throw new SyntaxError(`character class subtraction is not supported: ${pattern}`);
        } else {
          cls += c === '/' ? '\\/' : c;
          i++;
        }
      }
      if (pattern[i] !== ']') throw new SyntaxError(`unterminated character class in ${pattern}`);
      out += `${cls}]`;
      i++;
    } else if (ch === '.') {
      out += '[^\\n\\r]';
      i++;
    } else if (ch === '^' || ch === '$' || ch === '/') {
      out += `\\${ch}`;
      i++;
    } else {
      out += ch;
      i++;
    }
  }
  return new RegExp(`^(?:${out})$`, 'u');
}
