import { aggregateMessage, type FieldError } from './field-errors.js';
import { goQuote } from './go-format.js';

/** meta/v1 StatusCause. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** meta/v1 StatusDetails. */
export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

/** meta/v1 Status, as every failed request returns it. */
export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: StatusDetails;
  code: number;
}

/** meta/v1 StatusReason values. */
export const StatusReason = {
  Unknown: '',
  Unauthorized: 'Unauthorized',
  Forbidden: 'Forbidden',
  NotFound: 'NotFound',
  AlreadyExists: 'AlreadyExists',
  Conflict: 'Conflict',
  Gone: 'Gone',
  Invalid: 'Invalid',
  ServerTimeout: 'ServerTimeout',
  Timeout: 'Timeout',
  TooManyRequests: 'TooManyRequests',
  BadRequest: 'BadRequest',
  MethodNotAllowed: 'MethodNotAllowed',
  NotAcceptable: 'NotAcceptable',
  RequestEntityTooLarge: 'RequestEntityTooLarge',
  UnsupportedMediaType: 'UnsupportedMediaType',
  InternalError: 'InternalError',
  Expired: 'Expired',
  ServiceUnavailable: 'ServiceUnavailable',
} as const;
export type StatusReason = (typeof StatusReason)[keyof typeof StatusReason];

/** A group and resource, e.g. {group: 'apps', resource: 'deployments'}. */
export interface GroupResource {
  group: string;
  resource: string;
}

/** A group and kind, e.g. {group: 'apps', kind: 'Deployment'}. */
export interface GroupKind {
  group: string;
  kind: string;
}

/** `deployments.apps`, or `pods` for the core group, as upstream prints qualified resources. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group ? `${gr.resource}.${gr.group}` : gr.resource;
}

/** `Deployment.apps`, or `Pod` for the core group. */
export function qualifiedKind(gk: GroupKind): string {
  return gk.group ? `${gk.kind}.${gk.group}` : gk.kind;
}

/**
 * The one error type of the API layer: carries the Status object the client receives.
 * Build them with the constructors below; test them with the predicates.
 */
export class StatusError extends Error {
  override readonly name = 'StatusError';
  readonly status: Status;

  constructor(code: number, reason: StatusReason, message: string, details?: StatusDetails) {
    super(message);
    this.status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason: reason || undefined,
      details,
      code,
    };
  }

  get code(): number {
    return this.status.code;
  }

  get reason(): string {
    return this.status.reason ?? '';
  }
}

const details = (gr: GroupResource, name: string | undefined, extra?: StatusDetails): StatusDetails => ({
  name: name || undefined,
  group: gr.group || undefined,
  kind: gr.resource,
  ...extra,
});

export const errors = {
  notFound: (gr: GroupResource, name: string) =>
    new StatusError(404, StatusReason.NotFound, `${qualifiedResource(gr)} "${name}" not found`, details(gr, name)),

  alreadyExists: (gr: GroupResource, name: string) =>
    new StatusError(409, StatusReason.AlreadyExists, `${qualifiedResource(gr)} "${name}" already exists`, details(gr, name)),

  /** An optimistic-concurrency failure. */
  conflict: (gr: GroupResource, name: string, why: string) =>
    new StatusError(
      409,
      StatusReason.Conflict,
      `Operation cannot be fulfilled on ${qualifiedResource(gr)} "${name}": ${why}`,
      details(gr, name),
    ),

  /** The stale-resourceVersion conflict, with upstream's exact wording. */
  modified: (gr: GroupResource, name: string) =>
    errors.conflict(gr, name, 'the object has been modified; please apply your changes to the latest version and try again'),

  /** As upstream's NewInvalid: the message aggregates the errors (duplicates dropped). */
  invalid: (gk: GroupKind, name: string, fieldErrors: readonly FieldError[]) => {
    const list = aggregateMessage(fieldErrors);
    const head = `${qualifiedKind(gk)} ${goQuote(name)} is invalid`;
    return new StatusError(422, StatusReason.Invalid, list ? `${head}: ${list}` : head, {
      name: name || undefined,
      group: gk.group || undefined,
      kind: gk.kind,
      causes: fieldErrors.map((e) => ({ reason: e.type, message: e.body(), field: e.field })),
    });
  },

  badRequest: (message: string) => new StatusError(400, StatusReason.BadRequest, message),

  unauthorized: (message = 'Unauthorized') => new StatusError(401, StatusReason.Unauthorized, message),

  forbidden: (gr: GroupResource, name: string, why: string) =>
    new StatusError(
      403,
      StatusReason.Forbidden,
      name ? `${qualifiedResource(gr)} "${name}" is forbidden: ${why}` : `${qualifiedResource(gr)} is forbidden: ${why}`,
      details(gr, name),
    ),

  /** Forbidden for a non-resource URL or without a resource. */
  forbiddenMessage: (message: string) => new StatusError(403, StatusReason.Forbidden, message),

  methodNotSupported: (gr: GroupResource, action: string) =>
    new StatusError(405, StatusReason.MethodNotAllowed, `${action} is not supported on resources of kind "${qualifiedResource(gr)}"`, details(gr, undefined)),

  methodNotAllowed: () =>
    new StatusError(405, StatusReason.MethodNotAllowed, 'the server does not allow this method on the requested resource'),

  notAcceptable: (accepted: readonly string[]) =>
    new StatusError(406, StatusReason.NotAcceptable, `only the following media types are accepted: ${accepted.join(', ')}`),

  unsupportedMediaType: (accepted: readonly string[]) =>
    new StatusError(
      415,
      StatusReason.UnsupportedMediaType,
      `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
    ),

  requestEntityTooLarge: (message = 'Request entity too large: limit is 3145728') =>
    new StatusError(413, StatusReason.RequestEntityTooLarge, message),

  tooManyRequests: (message = 'Too many requests, please try again later.', retryAfterSeconds = 1) =>
    new StatusError(429, StatusReason.TooManyRequests, message, { retryAfterSeconds }),

  /** 410 for a watch or list from a resourceVersion that has been compacted. */
  resourceExpired: (message: string) => new StatusError(410, StatusReason.Expired, message),

  gone: (message: string) => new StatusError(410, StatusReason.Gone, message),

  internal: (err: unknown) =>
    new StatusError(
      500,
      StatusReason.InternalError,
      `Internal error occurred: ${err instanceof Error ? err.message : String(err)}`,
      { causes: [{ message: err instanceof Error ? err.message : String(err) }] },
    ),

  serviceUnavailable: (message: string) => new StatusError(503, StatusReason.ServiceUnavailable, message),

  timeout: (message: string, retryAfterSeconds = 1) =>
    new StatusError(504, StatusReason.Timeout, message, { retryAfterSeconds }),
};

const isReason = (e: unknown, reason: StatusReason): e is StatusError => e instanceof StatusError && e.reason === reason;

export const isStatusError = (e: unknown): e is StatusError => e instanceof StatusError;
export const isNotFound = (e: unknown) => isReason(e, StatusReason.NotFound);
export const isAlreadyExists = (e: unknown) => isReason(e, StatusReason.AlreadyExists);
export const isConflict = (e: unknown) => isReason(e, StatusReason.Conflict);
export const isInvalid = (e: unknown) => isReason(e, StatusReason.Invalid);
export const isForbidden = (e: unknown) => isReason(e, StatusReason.Forbidden);
export const isBadRequest = (e: unknown) => isReason(e, StatusReason.BadRequest);
export const isExpired = (e: unknown) => isReason(e, StatusReason.Expired) || isReason(e, StatusReason.Gone);
export const isTooManyRequests = (e: unknown) => isReason(e, StatusReason.TooManyRequests);
