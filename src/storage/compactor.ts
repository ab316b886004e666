import { realClock, type Clock } from '../util/clock.js';
import type { Store } from './interface.js';

export interface CompactorOptions {
  /** How often to compact, and how much history survives (at least one interval). Default 5 min. */
  intervalMs?: number;
  clock?: Clock;
  /** Called with each compaction's outcome (for logs and metrics). */
  onCompact?: (result: { revision: number } | { error: unknown }) => void;
}

/**
 * Keeps a store's history bounded, as kube-apiserver does for etcd: at every tick it notes
 * the current revision, and compacts to the revision it noted on the previous tick. History
 * therefore always covers at least the last interval, so watchers that resume within it
 * never see 410 Gone, and the store never grows without bound under churn.
 */
export class Compactor {
  private readonly intervalMs: number;
  private readonly clock: Clock;
  private noted = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: CompactorOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 5 * 60_000;
    this.clock = opts.clock ?? realClock;
  }

  /** One tick: compact to the previously noted revision, then note the current one. */
  async tick(): Promise<void> {
    const target = this.noted;
    this.noted = await this.store.currentRevision();
    if (target > 0) {
      try {
        await this.store.compact(target);
        this.opts.onCompact?.({ revision: target });
      } catch (error: unknown) {
        this.opts.onCompact?.({ error });
      }
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.tick();
      } catch (error: unknown) {
        this.opts.onCompact?.({ error });
      }
      try {
        await this.clock.sleep(this.intervalMs, signal);
      } catch {
        return;
      }
    }
  }
}
