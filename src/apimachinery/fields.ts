/**
 * Field selectors with upstream's semantics (k8s.io/apimachinery pkg/fields, 1.32): the
 * `?fieldSelector=` syntax (`a=b`, `a==b`, `a!=b`, comma-separated, `\`-escaping of `\`, `,`
 * and `=` in values), matching against an object's selectable fields, and the texts of
 * upstream's errors.
 *
 * Upstream does not trim whitespace: in `a = b` the field is `a ` and the value ` b`.
 * A field missing from the field set reads as '' (so `a=` matches it and `a!=x` too).
 */
import { compareGoStrings, goQuote } from './go-format.js';

/** A field selector that is malformed, or a field the resource does not support. */
export class FieldSelectorError extends Error {
  override readonly name = 'FieldSelectorError';
}

/** One term of a field selector. */
export interface FieldRequirement {
  readonly field: string;
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** An object's selectable fields, e.g. {'metadata.name': 'x', 'spec.nodeName': 'n1'}. */
export type FieldSet = Readonly<Record<string, string>>;

/**
 * Maps a term's field and value to what the resource matches on, or throws (typically
 * FieldSelectorError with `fieldLabelNotSupported`'s text). Returning ['', ''] drops the
 * term, as upstream's Transform.
 */
export type FieldTransform = (field: string, value: string) => readonly [string, string];

/**
 * A parsed field selector: an AND of terms in the order upstream keeps them (terms sorted
 * as strings at parse time). Immutable. `FieldSelector.nothing()` matches nothing.
 */
export class FieldSelector {
  private static readonly EVERYTHING = new FieldSelector([], false);
  private static readonly NOTHING = new FieldSelector([], true);

  private constructor(
    private readonly terms: readonly FieldRequirement[],
    private readonly matchesNothing: boolean,
  ) {}

  static everything(): FieldSelector {
    return FieldSelector.EVERYTHING;
  }

  static nothing(): FieldSelector {
    return FieldSelector.NOTHING;
  }

  /** An AND of `field=value` terms (in the map's order, as given); null matches everything. */
  static fromSet(set: FieldSet | undefined | null): FieldSelector {
    if (!set) return FieldSelector.EVERYTHING;
    return new FieldSelector(
      Object.entries(set).map(([field, value]) => ({ field, operator: '=', value })),
      false,
    );
  }

  static fromRequirements(reqs: readonly FieldRequirement[]): FieldSelector {
    return new FieldSelector([...reqs], false);
  }

  /** True if every term holds; a missing field reads as ''. */
  matches(fields: FieldSet | undefined | null): boolean {
    if (this.matchesNothing) return false;
    for (const t of this.terms) {
      const v = fields != null && Object.prototype.hasOwnProperty.call(fields, t.field) ? fields[t.field]! : '';
      if ((t.operator === '=') !== (v === t.value)) return false;
    }
    return true;
  }

  /** True if the selector does not restrict anything (false for nothing()). */
  isEmpty(): boolean {
    return !this.matchesNothing && this.terms.length === 0;
  }

  isNothing(): boolean {
    return this.matchesNothing;
  }

  /** The terms, in order. */
  requirements(): readonly FieldRequirement[] {
    return this.terms;
  }

  /** The distinct field names used, in order of first use. */
  fieldNames(): string[] {
    return [...new Set(this.terms.map((t) => t.field))];
  }

  /** The value `field` must equal, if some `=` term requires one (the first such term). */
  requiresExactMatch(field: string): string | undefined {
    for (const t of this.terms) if (t.operator === '=' && t.field === field) return t.value;
    return undefined;
  }

  /**
   * Applies `fn` to every term (upstream's Transform): terms it maps to ['', ''] are
   * dropped; errors it throws propagate. Used to reject or rename fields per resource.
   */
  transform(fn: FieldTransform): FieldSelector {
    if (this.matchesNothing) return this;
    const out: FieldRequirement[] = [];
    for (const t of this.terms) {
      const [field, value] = fn(t.field, t.value);
      if (field === '' && value === '') continue;
      out.push({ field, operator: t.operator, value });
    }
    return new FieldSelector(out, false);
  }

  /**
   * Throws FieldSelectorError(`field label not supported: X`) for the first term whose field
   * is not in `supported` (the message the API server returns for built-in resources).
   */
  checkSupported(supported: Iterable<string> | ((field: string) => boolean)): void {
    let ok: (field: string) => boolean;
    if (typeof supported === 'function') ok = supported;
    else {
      const set = new Set(supported);
      ok = (f) => set.has(f);
    }
    for (const t of this.terms) if (!ok(t.field)) throw new FieldSelectorError(fieldLabelNotSupported(t.field));
  }

  /** The canonical text: terms joined by ',', values escaped (upstream's String()). */
  toString(): string {
    return this.terms.map((t) => `${t.field}${t.operator}${escapeValue(t.value)}`).join(',');
  }
}

/** Upstream's message for an unsupported field in a built-in resource's field selector. */
export const fieldLabelNotSupported = (field: string) => `field label not supported: ${field}`;

/**
 * Upstream's message for resources that support only the metadata fields (custom
 * resources and types without their own field labels).
 */
export const fieldNotKnownForMetadataOnly = (field: string) =>
  `${goQuote(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;

/** The transform for resources with only metadata.name and metadata.namespace selectable. */
export const metadataOnlyFieldTransform: FieldTransform = (field, value) => {
  if (field === 'metadata.name' || field === 'metadata.namespace') return [field, value];
  throw new FieldSelectorError(fieldNotKnownForMetadataOnly(field));
};

/** Escapes `\`, `,` and `=` with a backslash (upstream's EscapeValue). */
export function escapeValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => '\\' + c);
}

/**
 * Undoes escapeValue (upstream's UnescapeValue). Throws FieldSelectorError with upstream's
 * texts: `invalid field selector: invalid escape sequence: \x` for an unknown escape or a
 * trailing backslash, and `invalid field selector: unescaped character in value: 61` (the
 * code point in decimal, as upstream prints a rune) for a bare `=` or `,`.
 */
export function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== '\\' && c !== ',' && c !== '=') {
        throw new FieldSelectorError(`invalid field selector: invalid escape sequence: \\${c}`);
      }
      out += c;
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      throw new FieldSelectorError(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new FieldSelectorError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** Splits on commas not preceded by an escaping backslash; the backslashes stay. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i]!;
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const TERM_OPERATORS = ['!=', '==', '='] as const;

/** Splits a term at the first operator (no escaping on the left-hand side). */
function splitTerm(term: string): { lhs: string; op: string; rhs: string } | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { lhs: term.slice(0, i), op, rhs: term.slice(i + op.length) };
    }
  }
  return undefined;
}

/**
 * Parses `?fieldSelector=` as upstream's fields.ParseSelector: terms split on unescaped
 * commas, sorted as strings, empty terms skipped; each term `field(=|==|!=)value` split at
 * the first operator, the value unescaped. Throws FieldSelectorError, e.g.
 * `invalid selector: 'a'; can't understand 'a'`.
 */
export function parseFieldSelector(selector: string): FieldSelector {
  const parts = splitTerms(selector).sort(compareGoStrings);
  const terms: FieldRequirement[] = [];
  for (const part of parts) {
    if (part === '') continue;
    const t = splitTerm(part);
    if (!t) throw new FieldSelectorError(`invalid selector: '${selector}'; can't understand '${part}'`);
    terms.push({ field: t.lhs, operator: t.op === '!=' ? '!=' : '=', value: unescapeValue(t.rhs) });
  }
  return FieldSelector.fromRequirements(terms);
}
