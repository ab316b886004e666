/**
 * The error text Go's encoding/json gives when unmarshalling bytes into a
 * `map[string]interface{}`: syntax errors as its scanner words them
 * (`invalid character 'x' looking for beginning of value`, `unexpected end of JSON input`)
 * and type errors (`json: cannot unmarshal array into Go value of type map[string]interface {}`).
 * Upstream's Secret validation puts these texts into its messages.
 */
import { goQuote } from '../../apimachinery/go-format.js';

class SyntaxFailure extends Error {}

/** As Go's quoteChar: `'x'`, with `'` and `"` special-cased. */
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`;
  if (c === '"') return `'"'`;
  const q = goQuote(c);
  return `'${q.slice(1, -1)}'`;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n';
const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

class Scanner {
  private i = 0;
  constructor(private readonly s: string) {}

  fail(context: string): never {
    if (this.i >= this.s.length) throw new SyntaxFailure('unexpected end of JSON input');
    throw new SyntaxFailure(`invalid character ${quoteChar(String.fromCodePoint(this.s.codePointAt(this.i)!))} ${context}`);
  }

  private peek(): string | undefined {
    return this.i < this.s.length ? this.s[this.i] : undefined;
  }

  private skipSpace(): void {
    while (this.i < this.s.length && isSpace(this.s[this.i]!)) this.i++;
  }

  /** Scans the whole input; returns the top-level value's kind. */
  top(): string {
    this.skipSpace();
    const kind = this.value();
    this.skipSpace();
    if (this.i < this.s.length) this.fail('after top-level value');
    return kind;
  }

  private value(): string {
    this.skipSpace();
    const c = this.peek();
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') {
      this.string();
      return 'string';
    }
    if (c === '-' || isDigit(c)) {
      this.number();
      return 'number';
    }
    if (c === 't') return this.literal('true', 'bool');
    if (c === 'f') return this.literal('false', 'bool');
    if (c === 'n') return this.literal('null', 'null');
    return this.fail('looking for beginning of value');
  }

  private literal(word: string, kind: string): string {
    for (let k = 0; k < word.length; k++) {
      if (this.s[this.i] !== word[k]) this.fail(`in literal ${word} (expecting ${quoteChar(word[k]!)})`);
      this.i++;
    }
    return kind;
  }

  private number(): void {
    if (this.peek() === '-') {
      this.i++;
      if (!isDigit(this.peek())) this.fail('in numeric literal');
    }
    if (this.peek() === '0') this.i++;
    else while (isDigit(this.peek())) this.i++;
    if (this.peek() === '.') {
      this.i++;
      if (!isDigit(this.peek())) this.fail('after decimal point in numeric literal');
      while (isDigit(this.peek())) this.i++;
    }
    if (this.peek() === 'e' || this.peek() === 'E') {
      this.i++;
      if (this.peek() === '+' || this.peek() === '-') this.i++;
      if (!isDigit(this.peek())) this.fail('in exponent of numeric literal');
      while (isDigit(this.peek())) this.i++;
    }
  }

  private string(): void {
    this.i++; // opening quote
    for (;;) {
      const c = this.peek();
      if (c === undefined) this.fail('in string literal');
      if (c === '"') {
        this.i++;
        return;
      }
      if (c === '\\') {
        this.i++;
        const e = this.peek();
        if (e === 'u') {
          this.i++;
          for (let k = 0; k < 4; k++) {
            if (!/[0-9a-fA-F]/.test(this.peek() ?? '')) this.fail('in \\u hexadecimal character escape');
            this.i++;
          }
          continue;
        }
        if (e === undefined || !'"\\/bfnrt'.includes(e)) this.fail('in string escape code');
        this.i++;
        continue;
      }
      if (c < ' ') this.fail('in string literal');
      this.i++;
    }
  }

  private object(): string {
    this.i++;
    this.skipSpace();
    if (this.peek() === '}') {
      this.i++;
      return 'object';
    }
    for (;;) {
      this.skipSpace();
      if (this.peek() !== '"') this.fail('looking for beginning of object key string');
      this.string();
      this.skipSpace();
      if (this.peek() !== ':') this.fail('after object key');
      this.i++;
      this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === '}') {
        this.i++;
        return 'object';
      }
      this.fail('after object key:value pair');
    }
  }

  private array(): string {
    this.i++;
    this.skipSpace();
    if (this.peek() === ']') {
      this.i++;
      return 'array';
    }
    for (;;) {
      this.value();
      this.skipSpace();
      const c = this.peek();
      if (c === ',') {
        this.i++;
        continue;
      }
      if (c === ']') {
        this.i++;
        return 'array';
      }
      this.fail('after array element');
    }
  }
}

/**
 * What `json.Unmarshal(text, &map[string]interface{}{})` returns as an error message, or
 * undefined when it succeeds (an object, or null).
 */
export function goJSONObjectError(text: string): string | undefined {
  let kind: string;
  try {
    kind = new Scanner(text).top();
  } catch (e: unknown) {
    if (e instanceof SyntaxFailure) return e.message;
    throw e;
  }
  if (kind === 'object' || kind === 'null') return undefined;
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`;
}
