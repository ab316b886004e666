/**
 * The hashes upstream controllers name things with: FNV-1 and FNV-1a (32 bit) over bytes,
 * and the "safe" encoding of the decimal hash that avoids vowels (and so words), as
 * apimachinery's rand.SafeEncodeString.
 */

const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1 32-bit (multiply, then xor), as Go's hash/fnv New32. */
export function fnv1(data: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of data) {
    h = Math.imul(h, FNV_PRIME) >>> 0;
    h = (h ^ b) >>> 0;
  }
  return h;
}

/** FNV-1a 32-bit (xor, then multiply), as Go's hash/fnv New32a. */
export function fnv1a(data: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of data) {
    h = (h ^ b) >>> 0;
    h = Math.imul(h, FNV_PRIME) >>> 0;
  }
  return h;
}

const SAFE_ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** Maps every byte of `s` onto a vowel-free alphabet (apimachinery's rand.SafeEncodeString). */
export function safeEncodeString(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let out = '';
  for (const b of bytes) out += SAFE_ALPHANUMS[b % SAFE_ALPHANUMS.length];
  return out;
}

/** A copy of a JSON value with every object's keys in sorted order (undefined members dropped). */
export function sortedKeys<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => sortedKeys(x)) as T;
  const o = v as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortedKeys(o[k]);
  return out as T;
}

// Go's encoding/json escapes these even in plain strings.
const goEscapes = (s: string) => s.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/**
 * Compact JSON with object keys sorted and Go's HTML escaping: the bytes Go's json.Marshal
 * writes for a map[string]interface{}, which is what upstream hashes and stores revision
 * data as. Equal values give equal text whatever order their keys arrived in.
 */
export function canonicalJson(v: unknown): string {
  if (typeof v === 'string') return goEscapes(JSON.stringify(v));
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map((x) => (x === undefined ? 'null' : canonicalJson(x))).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined).sort();
  return `{${keys.map((k) => `${goEscapes(JSON.stringify(k))}:${canonicalJson(o[k])}`).join(',')}}`;
}

/**
 * The hash of a pod template with an optional collision count, shaped as upstream's
 * controller.ComputeHash (FNV-1a over the template, then the count as 8 little-endian bytes,
 * safe-encoded). Upstream hashes Go's printed form of the struct; this hashes its canonical
 * JSON, so values differ from upstream's but have the same form and stability.
 */
export function computeTemplateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a(new TextEncoder().encode(canonicalJson(template)));
  if (collisionCount !== undefined && collisionCount !== null) {
    const bytes = new Uint8Array(8);
    new DataView(bytes.buffer).setUint32(0, collisionCount >>> 0, true);
    h = fnv1a(bytes, h);
  }
  return safeEncodeString(String(h));
}
