import type { FieldPath } from './field-path.js';

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

/** Prints a bad value as Go's %#v-ish rendering in upstream messages: strings quoted. */
export function formatValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
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
      valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
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
