/**
 * The Status errors patching produces, shaped as kube-apiserver 1.32 shapes them.
 *
 * Two of them have no constructor in `errors.*` because upstream builds them in unusual ways;
 * they are built here from StatusError directly:
 * - `patchInvalid`: upstream wraps JSON-patch application failures (and two strategic merge
 *   patch errors) in NewGenericServerResponse(422, ...), which throws the library's message
 *   away and answers a fixed sentence with reason Invalid and an empty details object. The
 *   library's message is kept here as the error's `cause`, for logs and tests.
 * - `patchUnconverted`: errors upstream returns as plain Go errors, which the response writer
 *   turns into 500 with an empty reason and the error text as message.
 */
import { StatusError, StatusReason, errors } from '../../apimachinery/status.js';

/** The fixed message of upstream's generic 422. */
export const GENERIC_INVALID_MESSAGE = 'the server rejected our request due to an error in our request';

export function patchInvalid(detail: string): StatusError {
  const e = new StatusError(422, StatusReason.Invalid, GENERIC_INVALID_MESSAGE, {});
  e.cause = new Error(detail);
  return e;
}

export function patchUnconverted(message: string): StatusError {
  return new StatusError(500, StatusReason.Unknown, message);
}

export function patchBadRequest(message: string): StatusError {
  return errors.badRequest(message);
}

/** The detail behind a `patchInvalid` error (or the message of any other error). */
export function patchErrorDetail(e: unknown): string {
  if (e instanceof Error && e.cause instanceof Error) return e.cause.message;
  return e instanceof Error ? e.message : String(e);
}
