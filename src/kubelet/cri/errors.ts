/**
 * Runtime errors as CRI runtimes report them: a gRPC status code and the runtime's message.
 * Both `ContainerdRuntime` (from the wire) and `FakeRuntime` throw these, so the kubelet can
 * test `isNotFound(e)` (runtime.ts) whichever runtime it has.
 */

/** gRPC status codes. */
export const GrpcCode = {
  Ok: 0,
  Canceled: 1,
  Unknown: 2,
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  AlreadyExists: 6,
  PermissionDenied: 7,
  ResourceExhausted: 8,
  FailedPrecondition: 9,
  Aborted: 10,
  OutOfRange: 11,
  Unimplemented: 12,
  Internal: 13,
  Unavailable: 14,
  DataLoss: 15,
  Unauthenticated: 16,
} as const;
export type GrpcCode = (typeof GrpcCode)[keyof typeof GrpcCode];

const CODE_NAMES = new Map<number, string>(Object.entries(GrpcCode).map(([name, code]) => [code, name]));

/** Go's name of a gRPC code (`NotFound`), or `Code(n)` for an unknown one. */
export function grpcCodeName(code: number): string {
  return CODE_NAMES.get(code) ?? `Code(${code})`;
}

export class CriError extends Error {
  override readonly name = 'CriError';
  /** gRPC status code (5 = NOT_FOUND, 14 = UNAVAILABLE, ...). */
  readonly code: number;
  /** The runtime's own message. */
  readonly details: string;
  /** The RPC that failed, e.g. "RunPodSandbox" (unset for errors made locally). */
  readonly method?: string;

  /**
   * `message` reads as a Go gRPC client formats it (`rpc error: code = NotFound desc = ...`),
   * which is what the kubelet puts into events and container statuses upstream.
   */
  constructor(code: number, details: string, method?: string) {
    super(`rpc error: code = ${grpcCodeName(code)} desc = ${details}`);
    this.code = code;
    this.details = details;
    this.method = method;
  }
}

/** Turns a grpc-js error (or anything thrown) into a CriError carrying its status code. */
export function toCriError(e: unknown, method?: string): CriError {
  if (e instanceof CriError) return e;
  const err = e as { code?: unknown; details?: unknown; message?: unknown } | null;
  const code = typeof err?.code === 'number' ? err.code : GrpcCode.Unknown;
  // grpc-js prefixes `message` with "<code> <NAME>: "; `details` is the runtime's own text.
  const text = typeof err?.details === 'string' && err.details ? err.details : String(err?.message ?? e);
  return new CriError(code, text, method);
}

export function isUnavailable(e: unknown): boolean {
  return (e as { code?: number } | null)?.code === GrpcCode.Unavailable;
}

export function isUnimplemented(e: unknown): boolean {
  return (e as { code?: number } | null)?.code === GrpcCode.Unimplemented;
}
