import type { Clock } from '../util/clock.js';

export interface BackoffOptions {
  /** First delay (default 800 ms, as client-go's reflector). */
  initialMs?: number;
  /** Cap on the un-jittered delay (default 30 s). */
  maxMs?: number;
  /** Growth per consecutive failure (default 2). */
  factor?: number;
  /** Each delay is stretched by up to this fraction, at random (default 1.0: up to double). */
  jitter?: number;
  /** A quiet spell this long since the last delay starts the sequence over (default 2 min). */
  resetAfterMs?: number;
  /** Source of randomness in [0, 1) (default Math.random); tests pin it. */
  random?: () => number;
}

/**
 * Jittered exponential backoff with reset, as client-go's exponential backoff manager: each
 * `next()` returns the delay to wait before the next attempt, doubling up to `maxMs`, and
 * falls back to `initialMs` when the previous delay was handed out more than `resetAfterMs`
 * ago (a long healthy run forgets old failures). Not shared between callers.
 */
export class Backoff {
  private readonly initialMs: number;
  private readonly maxMs: number;
  private readonly factor: number;
  private readonly jitter: number;
  private readonly resetAfterMs: number;
  private readonly random: () => number;
  private current = 0;
  private lastAt: number | undefined;

  constructor(
    private readonly clock: Clock,
    opts: BackoffOptions = {},
  ) {
    this.initialMs = opts.initialMs ?? 800;
    this.maxMs = opts.maxMs ?? 30_000;
    this.factor = opts.factor ?? 2;
    this.jitter = opts.jitter ?? 1;
    this.resetAfterMs = opts.resetAfterMs ?? 120_000;
    this.random = opts.random ?? Math.random;
  }

  /** The next delay in ms (jittered), advancing the sequence. */
  next(): number {
    const now = this.clock.now();
    if (this.lastAt === undefined || now - this.lastAt > this.resetAfterMs) this.current = this.initialMs;
    else this.current = Math.min(this.current * this.factor, this.maxMs);
    this.lastAt = now;
    return this.current + (this.jitter > 0 ? this.random() * this.jitter * this.current : 0);
  }

  /** Forgets past failures: the next delay is `initialMs` again. */
  reset(): void {
    this.lastAt = undefined;
  }
}

/** Sleeps `ms` on `clock`; resolves false (instead of throwing) when `signal` aborts first. */
export async function sleepUnlessAborted(clock: Clock, ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  try {
    await clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}
