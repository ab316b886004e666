/**
 * Equality of two API values the way upstream's apiequality.Semantic.DeepEqual sees the Go
 * structs they decode into, as far as JSON alone can tell: an absent member, null, an empty
 * list and an empty object are all "empty" and equal to each other; everything else must
 * match exactly (quantities and times arrive in canonical form from the API).
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  const ea = isEmpty(a);
  const eb = isEmpty(b);
  if (ea || eb) return ea && eb;
  if (typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    if (a.length !== bb.length) return false;
    return a.every((x, i) => semanticEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) if (!semanticEqual(ao[k], bo[k])) return false;
  return true;
}

function isEmpty(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') return Object.keys(v as object).every((k) => (v as Record<string, unknown>)[k] === undefined);
  return false;
}
