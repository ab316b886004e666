import type { Clock } from '../../util/clock.js';

interface Entry {
  backoffMs: number;
  lastUpdate: number;
}

/**
 * Per-key exponential backoff, as client-go's flowcontrol.Backoff: `next` starts a key at
 * the initial delay and doubles it up to the maximum; an entry idle for twice the maximum
 * starts over. `gc` drops such idle entries (bounding memory by active keys).
 */
export class KeyedBackoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly initialMs: number,
    private readonly maxMs: number,
  ) {}

  get(key: string): number {
    return this.entries.get(key)?.backoffMs ?? 0;
  }

  next(key: string, now = this.clock.now()): void {
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * this.maxMs) this.entries.set(key, { backoffMs: this.initialMs, lastUpdate: now });
    else this.entries.set(key, { backoffMs: Math.min(e.backoffMs * 2, this.maxMs), lastUpdate: now });
  }

  /** Whether `now` is still within the key's current backoff since its last update. */
  inBackoffSinceUpdate(key: string, now = this.clock.now()): boolean {
    const e = this.entries.get(key);
    if (!e || now - e.lastUpdate > 2 * this.maxMs) return false;
    return now - e.lastUpdate < e.backoffMs;
  }

  gc(now = this.clock.now()): void {
    for (const [k, e] of this.entries) if (now - e.lastUpdate > 2 * this.maxMs) this.entries.delete(k);
  }
}
