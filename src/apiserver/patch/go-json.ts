/**
 * A JSON decoder that fails the way Go's encoding/json (and sigs.k8s.io/json, which
 * kube-apiserver decodes patch bodies with) fails, so that a malformed patch body gets the
 * same 400 message as upstream: `invalid character 'x' looking for beginning of value`,
 * `unexpected end of JSON input`, and so on. It also reports duplicate object keys with the
 * field paths sigs.k8s.io/json's strict mode prints (`a.b`, `a[0].b`), and decodes `\u`
 * escapes of lone surrogates to U+FFFD as Go does.
 *
 * The decoder is iterative, so nesting is bounded only by Go's own limit (10000 levels).
 */
import { setKey, type JsonObject } from './json-values.js';

export class GoJsonSyntaxError extends Error {
  override readonly name = 'GoJsonSyntaxError';
}

export interface GoDecoded {
  value: unknown;
  /** Field paths of repeated object keys, in input order, without repeats; the last value wins. */
  duplicateFields: string[];
}

/** Go's encoding/json nesting limit. */
const MAX_NESTING_DEPTH = 10000;

/** Decodes UTF-8 as Go does: invalid sequences become U+FFFD and a BOM is kept (it is an error). */
export function decodeUtf8(bytes: Uint8Array): string {
  return new TextDecoder('utf-8', { fatal: false, ignoreBOM: true }).decode(bytes);
}

/**
 * How Go quotes the offending byte in "invalid character ..." messages. Go reports the first
 * byte of a multi-byte UTF-8 sequence, converted to the rune of the same value.
 */
export function goQuoteChar(ch: string): string {
  const cp = ch.codePointAt(0) ?? 0;
  const b = cp < 0x80 ? cp : (Buffer.from(ch, 'utf8')[0] ?? 0);
  if (b === 0x27) return `'\\''`;
  if (b === 0x22) return `'"'`;
  if (b === 0x5c) return `'\\\\'`;
  if (b >= 0x20 && b < 0x7f) return `'${String.fromCharCode(b)}'`;
  const named: Record<number, string> = { 7: '\\a', 8: '\\b', 9: '\\t', 10: '\\n', 11: '\\v', 12: '\\f', 13: '\\r' };
  if (named[b] !== undefined) return `'${named[b]}'`;
  if (b < 0x20 || b === 0x7f) return `'\\x${b.toString(16).padStart(2, '0')}'`;
  // Latin-1 runes: U+0080..U+00A0 and the soft hyphen are not printable for strconv.Quote.
  if (b <= 0xa0 || b === 0xad) return `'\\u00${b.toString(16).padStart(2, '0')}'`;
  return `'${String.fromCharCode(b)}'`;
}

type Frame =
  | { kind: 'object'; value: JsonObject; path: string; key: string; seen: Set<string> }
  | { kind: 'array'; value: unknown[]; path: string };

/** Decodes one JSON document; throws GoJsonSyntaxError with Go's message on malformed input. */
export function goJsonDecode(text: string): GoDecoded {
  const n = text.length;
  let i = 0;
  const duplicates: string[] = [];
  const seenDuplicates = new Set<string>();
  const stack: Frame[] = [];

  const invalid = (ch: string | undefined, context: string): never => {
    // At the end of input Go's scanner feeds one space, so states that need more input
    // report ' '; the others report the end of input.
    throw new GoJsonSyntaxError(`invalid character ${goQuoteChar(ch ?? ' ')} ${context}`);
  };
  const unexpectedEnd = (): never => {
    throw new GoJsonSyntaxError('unexpected end of JSON input');
  };
  const skipSpace = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return;
      i++;
    }
  };
  const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
  const childPath = (path: string, key: string): string => (path ? `${path}.${key}` : key);

  const readString = (): string => {
    i++; // opening quote
    let out = '';
    let run = i;
    for (;;) {
      if (i >= n) unexpectedEnd();
      const c = text[i]!;
      if (c === '"') {
        out += text.slice(run, i);
        i++;
        return out;
      }
      if (c < ' ') invalid(c, 'in string literal');
      if (c !== '\\') {
        i++;
        continue;
      }
      out += text.slice(run, i);
      i++;
      const e = text[i];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          i++;
          break;
        case 'b':
          out += '\b';
          i++;
          break;
        case 'f':
          out += '\f';
          i++;
          break;
        case 'n':
          out += '\n';
          i++;
          break;
        case 'r':
          out += '\r';
          i++;
          break;
        case 't':
          out += '\t';
          i++;
          break;
        case 'u': {
          i++;
          const unit = readHex4();
          if (unit >= 0xd800 && unit < 0xdc00 && text[i] === '\\' && text[i + 1] === 'u') {
            const save = i;
            i += 2;
            const low = readHex4();
            if (low >= 0xdc00 && low < 0xe000) {
              out += String.fromCharCode(unit, low);
              break;
            }
            i = save; // not a pair: the second escape is decoded on its own
            out += '\ufffd';
            break;
          }
          out += unit >= 0xd800 && unit < 0xe000 ? '\ufffd' : String.fromCharCode(unit);
          break;
        }
        default:
          invalid(e, 'in string escape code');
      }
      run = i;
    }
  };
  const readHex4 = (): number => {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = text[i];
      const d = c === undefined ? NaN : parseInt(c, 16);
      if (Number.isNaN(d) || !/[0-9a-fA-F]/.test(c ?? '')) invalid(c, 'in \\u hexadecimal character escape');
      v = v * 16 + d;
      i++;
    }
    return v;
  };
  const readNumber = (): number => {
    const start = i;
    if (text[i] === '-') {
      i++;
      if (!isDigit(text[i])) invalid(text[i], 'in numeric literal');
    }
    if (text[i] === '0') i++;
    else while (isDigit(text[i])) i++;
    let integral = true;
    if (text[i] === '.') {
      integral = false;
      i++;
      if (!isDigit(text[i])) invalid(text[i], 'after decimal point in numeric literal');
      while (isDigit(text[i])) i++;
    }
    if (text[i] === 'e' || text[i] === 'E') {
      integral = false;
      i++;
      if (text[i] === '+' || text[i] === '-') i++;
      if (!isDigit(text[i])) invalid(text[i], 'in exponent of numeric literal');
      while (isDigit(text[i])) i++;
    }
    const v = Number(text.slice(start, i));
    // Go decodes "-0" without fraction or exponent as int64 zero.
    return integral && Object.is(v, -0) ? 0 : v;
  };
  const readLiteral = (word: 'true' | 'false' | 'null'): boolean | null => {
    i++;
    for (let k = 1; k < word.length; k++) {
      if (text[i] !== word[k]) invalid(text[i], `in literal ${word} (expecting '${word[k]}')`);
      i++;
    }
    return word === 'true' ? true : word === 'false' ? false : null;
  };
  const push = (frame: Frame, ch: string): void => {
    stack.push(frame);
    if (stack.length > MAX_NESTING_DEPTH) invalid(ch, 'exceeded max depth');
  };
  const readKey = (frame: Extract<Frame, { kind: 'object' }>): void => {
    if (i >= n) unexpectedEnd();
    if (text[i] !== '"') invalid(text[i], 'looking for beginning of object key string');
    const key = readString();
    skipSpace();
    if (i >= n) unexpectedEnd();
    if (text[i] !== ':') invalid(text[i], 'after object key');
    i++;
    if (frame.seen.has(key)) {
      const p = childPath(frame.path, key);
      if (!seenDuplicates.has(p)) {
        seenDuplicates.add(p);
        duplicates.push(p);
      }
    }
    frame.seen.add(key);
    frame.key = key;
  };
  const pathOfNextValue = (): string => {
    const top = stack[stack.length - 1];
    if (!top) return '';
    return top.kind === 'object' ? childPath(top.path, top.key) : `${top.path}[${top.value.length}]`;
  };

  for (;;) {
    // Expecting the beginning of a value.
    skipSpace();
    if (i >= n) unexpectedEnd();
    const c = text[i]!;
    let value: unknown;
    if (c === '{') {
      const frame: Frame = { kind: 'object', value: {}, path: pathOfNextValue(), key: '', seen: new Set() };
      i++;
      push(frame, c);
      skipSpace();
      if (text[i] === '}') {
        i++;
        stack.pop();
        value = frame.value;
      } else {
        readKey(frame);
        continue;
      }
    } else if (c === '[') {
      const frame: Frame = { kind: 'array', value: [], path: pathOfNextValue() };
      i++;
      push(frame, c);
      skipSpace();
      if (text[i] === ']') {
        i++;
        stack.pop();
        value = frame.value;
      } else {
        continue;
      }
    } else if (c === '"') {
      value = readString();
    } else if (c === '-' || isDigit(c)) {
      value = readNumber();
    } else if (c === 't') {
      value = readLiteral('true');
    } else if (c === 'f') {
      value = readLiteral('false');
    } else if (c === 'n') {
      value = readLiteral('null');
    } else {
      invalid(c, 'looking for beginning of value');
    }

    // A value is complete: store it, then consume separators and closers.
    for (;;) {
      const top = stack[stack.length - 1];
      if (!top) {
        skipSpace();
        if (i < n) invalid(text[i], 'after top-level value');
        return { value, duplicateFields: duplicates };
      }
      if (top.kind === 'object') setKey(top.value, top.key, value);
      else top.value.push(value);
      skipSpace();
      if (i >= n) unexpectedEnd();
      const sep = text[i]!;
      if (sep === ',') {
        i++;
        if (top.kind === 'object') {
          skipSpace();
          readKey(top);
        }
        break;
      }
      if ((top.kind === 'object' && sep === '}') || (top.kind === 'array' && sep === ']')) {
        i++;
        stack.pop();
        value = top.value;
        continue;
      }
      invalid(sep, top.kind === 'object' ? 'after object key:value pair' : 'after array element');
    }
  }
}
