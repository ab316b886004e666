/**
 * The result of running a plugin, as the scheduler framework's Status. `undefined` stands for
 * Success everywhere a Status is returned, so plugins return nothing when all is well.
 */
export const Code = {
  Success: 'Success',
  /** An internal error: the pod is retried after backoff, the condition reason is SchedulerError. */
  Error: 'Error',
  /** The pod does not fit, but preemption might make room. */
  Unschedulable: 'Unschedulable',
  /** The pod does not fit and preemption cannot change that on this node. */
  UnschedulableAndUnresolvable: 'UnschedulableAndUnresolvable',
  /** Permit: hold the pod until allowed, rejected or timed out. */
  Wait: 'Wait',
  /** PreFilter/PreScore: this plugin has nothing to do for this pod; its Filter/Score is skipped. */
  Skip: 'Skip',
  /** The pod waits for something outside the scheduler's control. */
  Pending: 'Pending',
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export class Status {
  /** The plugin that produced this status (set by the framework). */
  plugin = '';

  constructor(
    readonly code: Code,
    readonly reasons: readonly string[] = [],
    /** For Error: the underlying error. */
    readonly error?: Error,
  ) {}

  static of(code: Code, ...reasons: string[]): Status {
    return new Status(code, reasons);
  }

  /** An Error status carrying `err` (its message is the reason). */
  static asStatus(err: unknown): Status {
    const e = err instanceof Error ? err : new Error(String(err));
    return new Status(Code.Error, [e.message], e);
  }

  /** A status of `code` whose only reason is `err`'s message (upstream's WithError). */
  static withError(code: Code, err: unknown): Status {
    const e = err instanceof Error ? err : new Error(String(err));
    return new Status(code, [e.message], e);
  }

  withPlugin(plugin: string): this {
    this.plugin = plugin;
    return this;
  }

  /** The reasons joined by ", ". */
  message(): string {
    return this.reasons.join(', ');
  }

  asError(): Error {
    return this.error ?? new Error(this.message());
  }
}

export type MaybeStatus = Status | undefined | null;

export const codeOf = (s: MaybeStatus): Code => s?.code ?? Code.Success;
export const isSuccess = (s: MaybeStatus): boolean => codeOf(s) === Code.Success;
/** Unschedulable, UnschedulableAndUnresolvable or Pending: the pod was turned down rather than an error occurring. */
export const isRejected = (s: MaybeStatus): boolean => {
  const c = codeOf(s);
  return c === Code.Unschedulable || c === Code.UnschedulableAndUnresolvable || c === Code.Pending;
};
export const isSkip = (s: MaybeStatus): boolean => codeOf(s) === Code.Skip;
