import type { FieldPath } from './field-path.js';
import { goQuote } from './go-format.js';

/**
 * Validation errors about one field, as upstream's field.Error: a type (which becomes the
 * cause's reason), the field path, the offending value and a detail. `message()` renders
 * them the way kube-apiserver does inside a 422 Invalid status.
 */
export const FieldErrorType = {
  NotFound: 'FieldValueNotFound',
  Required: 'FieldValueRequired',
  Duplicate: 'FieldValueDuplicate',
  Invalid: 'FieldValueInvalid',
  NotSupported: 'FieldValueNotSupported',
  Forbidden: 'FieldValueForbidden',
  TooLong: 'FieldValueTooLong',
  TooMany: 'FieldValueTooMany',
  Internal: 'InternalError',
  TypeInvalid: 'FieldValueTypeInvalid',
} as const;
export type FieldErrorType = (typeof FieldErrorType)[keyof typeof FieldErrorType];

const TYPE_TEXT: Record<FieldErrorType, string> = {
  FieldValueNotFound: 'Not found',
  FieldValueRequired: 'Required value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  InternalError: 'Internal error',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Marks "no value to print" (Required, Forbidden, ... print none). */
const OMIT = Symbol('omit');

export class FieldError {
  constructor(
    readonly type: FieldErrorType,
    readonly field: string,
    readonly badValue: unknown,
    readonly detail: string,
  ) {}

  /** The text after the field path, e.g. `Invalid value: "Foo": must be lowercase`. */
  body(): string {
    let s = TYPE_TEXT[this.type];
    if (this.badValue !== OMIT) s += `: ${formatValue(this.badValue)}`;
    if (this.detail) s += `: ${this.detail}`;
    return s;
  }

  /** `field: body`, as in a Status message and a cause's message is `body()`. */
  message(): string {
    return this.field ? `${this.field}: ${this.body()}` : this.body();
  }

  toString(): string {
    return this.message();
  }
}

/**
 * A bad value already rendered the way upstream prints it, for values whose Go rendering
 * is not their JSON (Go's `%#v` of a slice or struct, `time.Time`'s String()).
 */
export class RenderedValue {
  constructor(readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** Wraps a pre-rendered bad value; see RenderedValue. */
export const rendered = (text: string) => new RenderedValue(text);

/**
 * Prints a bad value as upstream's field.Error does: strings as Go's `%q`, numbers and
 * booleans plainly, null for nothing, pre-rendered values verbatim, anything else as JSON.
 */
export function formatValue(v: unknown): string {
  if (v instanceof RenderedValue) return v.text;
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v === null || v === undefined) return 'null';
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

const p = (path: FieldPath | string) => String(path);

export const fieldErrors = {
  required: (path: FieldPath | string, detail = '') => new FieldError(FieldErrorType.Required, p(path), OMIT, detail),
  invalid: (path: FieldPath | string, value: unknown, detail: string) =>
    new FieldError(FieldErrorType.Invalid, p(path), value, detail),
  typeInvalid: (path: FieldPath | string, value: unknown, detail: string) =>
    new FieldError(FieldErrorType.TypeInvalid, p(path), value, detail),
  notSupported: (path: FieldPath | string, value: unknown, valid: readonly string[]) =>
    new FieldError(
      FieldErrorType.NotSupported,
      p(path),
      value,
      valid.length ? `supported values: ${valid.map((v) => goQuote(v)).join(', ')}` : '',
    ),
  duplicate: (path: FieldPath | string, value: unknown) => new FieldError(FieldErrorType.Duplicate, p(path), value, ''),
  notFound: (path: FieldPath | string, value: unknown) => new FieldError(FieldErrorType.NotFound, p(path), value, ''),
  forbidden: (path: FieldPath | string, detail: string) => new FieldError(FieldErrorType.Forbidden, p(path), OMIT, detail),
  tooLong: (path: FieldPath | string, value: unknown, max: number) =>
    new FieldError(FieldErrorType.TooLong, p(path), OMIT, `may not be more than ${max} bytes`),
  tooMany: (path: FieldPath | string, actual: number, max: number) =>
    new FieldError(FieldErrorType.TooMany, p(path), actual, `must have at most ${max} items`),
  internal: (path: FieldPath | string, err: unknown) =>
    new FieldError(FieldErrorType.Internal, p(path), OMIT, err instanceof Error ? err.message : String(err)),
};

export type FieldErrorList = FieldError[];

/**
 * The text of a field error list as upstream's `ErrorList.ToAggregate().Error()` prints it:
 * duplicates (by message) dropped, one error bare, several as `[a, b]`; '' for none.
 * Unlike FieldError.message(), an empty field still prints its `: ` separator, as Go does.
 */
export function aggregateMessage(list: readonly FieldError[]): string {
  const seen = new Set<string>();
  const msgs: string[] = [];
  for (const e of list) {
    const m = `${e.field}: ${e.body()}`;
    if (seen.has(m)) continue;
    seen.add(m);
    msgs.push(m);
  }
  if (msgs.length === 0) return '';
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}
