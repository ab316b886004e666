import type { Clock } from '../util/clock.js';
import { isConflict, isKeyNotFound, isStorageError, StorageErrorCode } from './errors.js';

/**
 * Expires keys written with a TTL, for stores without native leases (memory, sqlite).
 *
 * Granularity is one sweep per `intervalMs` (1 s, like etcd's lease checks). A key expires
 * only if it still has the revision it was tracked at: a later write without TTL
 * untracks it, a later write with TTL re-tracks it. Expiry is a normal delete (with a CAS on
 * that revision), so watchers see a delete event.
 */
export class TtlSweeper {
  private readonly entries = new Map<string, { rev: number; at: number }>();
  private cancelTimer: (() => void) | undefined;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly deleteFn: (key: string, rev: number) => Promise<unknown>,
    private readonly intervalMs = 1000,
  ) {}

  /** Records the TTL (if any) of the write of `key` at `rev`. */
  track(key: string, rev: number, ttlSeconds: number | undefined): void {
    if (ttlSeconds !== undefined && ttlSeconds > 0) {
      this.trackUntil(key, rev, this.clock.now() + ttlSeconds * 1000);
    } else if (this.entries.size > 0) {
      this.entries.delete(key);
    }
  }

  /** Like track, with an absolute expiry time (ms since epoch), e.g. as reloaded from disk. */
  trackUntil(key: string, rev: number, expiresAt: number): void {
    if (this.stopped) return;
    this.entries.set(key, { rev, at: expiresAt });
    this.schedule();
  }

  expiryOf(key: string): number | undefined {
    return this.entries.get(key)?.at;
  }

  get size(): number {
    return this.entries.size;
  }

  private schedule(): void {
    if (this.cancelTimer || this.stopped || this.entries.size === 0) return;
    this.cancelTimer = this.clock.setTimer(() => {
      this.cancelTimer = undefined;
      void this.sweep().finally(() => this.schedule());
    }, this.intervalMs);
  }

  /** Deletes every tracked key whose expiry has passed. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const due: [string, number][] = [];
    for (const [key, e] of this.entries) if (e.at <= now) due.push([key, e.rev]);
    await Promise.all(
      due.map(async ([key, rev]) => {
        try {
          await this.deleteFn(key, rev);
        } catch (e: unknown) {
          // Rewritten or deleted meanwhile: that write decides the key's fate now.
          if (!isConflict(e) && !isKeyNotFound(e) && !(isStorageError(e) && e.code === StorageErrorCode.Closed)) {
            return; // keep it tracked; retried next sweep
          }
        }
        const cur = this.entries.get(key);
        if (cur && cur.rev === rev) this.entries.delete(key);
      }),
    );
  }

  stop(): void {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.entries.clear();
  }
}
