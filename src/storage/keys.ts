import { invalidArgumentError } from './errors.js';

/**
 * Key ranges and continue tokens shared by the implementations.
 *
 * Keys are compared as UTF-8 bytes, as etcd does. Kubernetes keys are ASCII, where UTF-16
 * code unit order (JavaScript's `<`) and byte order agree; `compareKeys` is exact for all.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  // Fast path: ASCII strings order the same in UTF-16 and UTF-8.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(a) && /^[\x00-\x7f]*$/.test(b)) return a < b ? -1 : 1;
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/**
 * The smallest key greater than every key with `prefix`, or undefined when there is none
 * (empty prefix: the whole key space).
 */
export function prefixEnd(prefix: string): string | undefined {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const c = prefix.charCodeAt(i);
    if (c < 0xffff) return prefix.slice(0, i) + String.fromCharCode(c + 1);
  }
  return undefined;
}

interface ContinueToken {
  /** Revision the first page was served at. */
  rev: number;
  /** First key of the next page. */
  start: string;
  /** The prefix the list was for; a token is only valid for its own prefix. */
  prefix: string;
}

export function encodeContinue(token: ContinueToken): string {
  return Buffer.from(JSON.stringify({ v: 1, r: token.rev, s: token.start, p: token.prefix })).toString('base64url');
}

export function decodeContinue(raw: string, prefix: string): ContinueToken {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgumentError('continue token is not valid');
  }
  const t = parsed as { v?: unknown; r?: unknown; s?: unknown; p?: unknown };
  if (
    t === null ||
    typeof t !== 'object' ||
    t.v !== 1 ||
    typeof t.r !== 'number' ||
    !Number.isSafeInteger(t.r) ||
    t.r < 1 ||
    typeof t.s !== 'string' ||
    typeof t.p !== 'string'
  ) {
    throw invalidArgumentError('continue token is not valid');
  }
  if (t.p !== prefix) throw invalidArgumentError('continue token is for a different key range');
  return { rev: t.r, start: t.s, prefix: t.p };
}

/** The key that follows `key` immediately in byte order. */
export function nextKey(key: string): string {
  return key + '\x00';
}

export function checkRevisionArg(revision: number | undefined): void {
  if (revision !== undefined && (!Number.isSafeInteger(revision) || revision < 0)) {
    throw invalidArgumentError(`revision must be a non-negative integer, got ${revision}`);
  }
}
