import { BoundedQueue } from '../util/bounded-queue.js';
import { closedError, compactedError, watchOverflowError } from './errors.js';
import type { WatchEvent, WatchOptions, Watcher } from './interface.js';

export type ObjectEvent = Exclude<WatchEvent, { type: 'progress' }>;

/** Where replays come from: the committed history of an in-process store. */
export interface HistorySource {
  /**
   * Committed events with revision >= `from` whose key has `prefix`, in revision order, at
   * most `limit` of them (prevKv filled where still available), read from one consistent
   * snapshot, together with that snapshot's compacted revision.
   */
  readHistory(prefix: string, from: number, limit: number): { events: ObjectEvent[]; compacted: number };
}

const REPLAY_CHUNK = 1000;
const DEFAULT_BUFFER = 10_000;

type QueueItem = ObjectEvent | { type: 'progress'; revision: number };

const revisionOf = (e: ObjectEvent) => e.kv.modRevision;

/**
 * Fans committed events out to the watchers of an in-process store (memory, sqlite).
 *
 * Contract: `dispatch` is called with every committed event exactly once, in revision order,
 * after the write is durable and visible to `HistorySource` reads. A watcher registers its
 * live buffer before it reads any history, and skips live events it already replayed, so
 * history and live stream join with no gap and no duplicate.
 */
export class WatchHub {
  private readonly watchers = new Set<LocalWatcher>();
  private dispatched = 0;
  private closed = false;

  constructor(private readonly source: HistorySource) {}

  /** The revision of the last event dispatched (or the revision the store opened at). */
  get dispatchedRevision(): number {
    return this.dispatched;
  }

  /** Sets the starting point when the store opens, before any dispatch. */
  setDispatchedRevision(rev: number): void {
    this.dispatched = Math.max(this.dispatched, rev);
  }

  get size(): number {
    return this.watchers.size;
  }

  watch(prefix: string, opts: WatchOptions = {}): Watcher {
    const w = new LocalWatcher(this, prefix, opts);
    if (this.closed) w.fail(closedError());
    else this.watchers.add(w);
    return w;
  }

  dispatch(events: readonly ObjectEvent[]): void {
    if (events.length === 0) return;
    for (const w of this.watchers) {
      for (const e of events) {
        if (e.kv.key.startsWith(w.prefix)) {
          if (!w.offer(e)) break;
        }
      }
    }
    this.dispatched = Math.max(this.dispatched, revisionOf(events[events.length - 1]!));
  }

  /** Ends every watcher with `error`. Later watches fail at once. */
  closeAll(error: Error): void {
    this.closed = true;
    for (const w of this.watchers) w.fail(error);
    this.watchers.clear();
  }

  /** @internal */
  unregister(w: LocalWatcher): void {
    this.watchers.delete(w);
  }

  /** @internal */
  readHistory(prefix: string, from: number, limit: number) {
    return this.source.readHistory(prefix, from, limit);
  }
}

class LocalWatcher implements Watcher {
  private readonly queue: BoundedQueue<QueueItem>;
  private readonly prevKv: boolean;
  private readonly from: number | undefined;
  private iterated = false;

  constructor(
    private readonly hub: WatchHub,
    readonly prefix: string,
    opts: WatchOptions,
  ) {
    const capacity = opts.bufferSize ?? DEFAULT_BUFFER;
    this.queue = new BoundedQueue<QueueItem>(capacity, () => watchOverflowError(capacity));
    this.prevKv = opts.prevKv ?? false;
    this.from = opts.fromRevision ? opts.fromRevision : undefined;
    // Without a start revision the watch begins after what has been dispatched so far.
    if (this.from === undefined) this.start = hub.dispatchedRevision + 1;
  }

  private start = 0;

  /** Queues a live event; false if the watcher is closed (overflowed or stopped). */
  offer(e: ObjectEvent): boolean {
    const ok = this.queue.push(e);
    if (!ok) this.hub.unregister(this);
    return ok;
  }

  fail(error: Error): void {
    this.queue.close(error);
    this.hub.unregister(this);
  }

  requestProgress(): void {
    this.queue.push({ type: 'progress', revision: this.hub.dispatchedRevision });
  }

  close(): void {
    this.queue.close();
    this.hub.unregister(this);
  }

  private strip(e: ObjectEvent): WatchEvent {
    if (e.type === 'create' || this.prevKv || e.prevKv === undefined) return e;
    return { type: e.type, kv: e.kv };
  }

  async *events(): AsyncGenerator<WatchEvent> {
    let next = this.from ?? this.start;
    try {
      if (this.from !== undefined) {
        for (;;) {
          // Closed (stopped, overflowed, store closed): what is queued, then the end or error.
          if (this.queue.isClosed) break;
          const { events, compacted } = this.hub.readHistory(this.prefix, next, REPLAY_CHUNK);
          // As etcd: the event at the compacted revision itself is still available.
          if (next < compacted) throw compactedError(next, compacted);
          for (const e of events) {
            next = revisionOf(e) + 1;
            yield this.strip(e);
          }
          if (events.length < REPLAY_CHUNK) break;
        }
      }
      for (;;) {
        const r = await this.queue.next();
        if (r.done) return;
        const item = r.value;
        if (item.type === 'progress') {
          yield { type: 'progress', revision: Math.max(item.revision, next - 1) };
          continue;
        }
        const rev = revisionOf(item);
        if (rev < next) continue;
        next = rev + 1;
        yield this.strip(item);
      }
    } finally {
      this.close();
    }
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    if (this.iterated) throw new Error('a Watcher can be iterated only once');
    this.iterated = true;
    return this.events();
  }
}
