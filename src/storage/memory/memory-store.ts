import { realClock, type Clock } from '../../util/clock.js';
import {
  closedError,
  compactedError,
  conflictError,
  futureRevisionError,
  keyExistsError,
  keyNotFoundError,
} from '../errors.js';
import type {
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  ReadOptions,
  Store,
  WatchOptions,
  Watcher,
  WriteOptions,
} from '../interface.js';
import { checkRevisionArg, compareKeys, decodeContinue, encodeContinue, nextKey } from '../keys.js';
import { WatchHub, type ObjectEvent } from '../watch-hub.js';
import { TtlSweeper } from '../ttl-sweeper.js';

export interface MemoryStoreOptions {
  clock?: Clock;
}

/** One write in a key's history. */
interface Revision {
  readonly rev: number;
  readonly key: string;
  readonly createRev: number;
  readonly deleted: boolean;
  /** For a tombstone: the value that was deleted. */
  readonly value: Uint8Array;
  /** The revision this write replaced (0 for a create). */
  readonly prevRev: number;
}

/**
 * A Store held entirely in memory, for unit tests and `--datastore memory`. Nothing survives
 * the process. Every operation completes synchronously; the async interface is kept so
 * callers cannot tell it from the durable stores.
 */
export class MemoryStore implements Store {
  readonly backend = 'memory';
  private rev = 0;
  private compacted = 0;
  /** Every write still retained, by revision (ascending). */
  private log: Revision[] = [];
  /** Per key: its retained writes, ascending by revision. */
  private readonly history = new Map<string, Revision[]>();
  /** All keys in `history`, sorted by compareKeys. */
  private sortedKeys: string[] = [];
  private readonly hub: WatchHub;
  private readonly sweeper: TtlSweeper;
  private closed = false;

  constructor(opts: MemoryStoreOptions = {}) {
    this.hub = new WatchHub({ readHistory: (p, f, l) => this.readHistory(p, f, l) });
    this.sweeper = new TtlSweeper(opts.clock ?? realClock, (key, rev) => this.delete(key, rev));
  }

  private check(): void {
    if (this.closed) throw closedError();
  }

  private latest(key: string, atRev = this.rev): Revision | undefined {
    const h = this.history.get(key);
    if (!h) return undefined;
    for (let i = h.length - 1; i >= 0; i--) {
      const r = h[i]!;
      if (r.rev <= atRev) return r;
    }
    return undefined;
  }

  private live(key: string, atRev = this.rev): Revision | undefined {
    const r = this.latest(key, atRev);
    return r && !r.deleted ? r : undefined;
  }

  private static kv(r: Revision): KeyValue {
    return { key: r.key, value: r.value, createRevision: r.createRev, modRevision: r.rev };
  }

  private readRevision(revision: number | undefined): number {
    checkRevisionArg(revision);
    if (!revision) return this.rev;
    if (revision > this.rev) throw futureRevisionError(revision, this.rev);
    if (revision < this.compacted) throw compactedError(revision, this.compacted);
    return revision;
  }

  async get(key: string, opts: ReadOptions = {}): Promise<GetResult> {
    this.check();
    const at = this.readRevision(opts.revision);
    const r = this.live(key, at);
    return { kv: r && MemoryStore.kv(r), revision: at };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.check();
    let start = prefix;
    let at: number;
    if (opts.continue) {
      const tok = decodeContinue(opts.continue, prefix);
      at = this.readRevision(tok.rev);
      start = tok.start;
    } else {
      at = this.readRevision(opts.revision);
    }
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const kvs: KeyValue[] = [];
    let count = 0;
    for (let i = this.lowerBound(start); i < this.sortedKeys.length; i++) {
      const key = this.sortedKeys[i]!;
      if (!key.startsWith(prefix)) break;
      const r = this.live(key, at);
      if (!r) continue;
      count++;
      if (kvs.length < limit) kvs.push(MemoryStore.kv(r));
    }
    const more = count > kvs.length;
    return {
      kvs,
      revision: at,
      more,
      count,
      continue: more ? encodeContinue({ rev: at, start: nextKey(kvs[kvs.length - 1]!.key), prefix }) : undefined,
    };
  }

  async count(prefix: string): Promise<number> {
    return (await this.list(prefix)).count;
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sortedKeys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (compareKeys(this.sortedKeys[mid]!, key) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private append(r: Revision): void {
    this.log.push(r);
    let h = this.history.get(r.key);
    if (!h) {
      h = [];
      this.history.set(r.key, h);
      this.sortedKeys.splice(this.lowerBound(r.key), 0, r.key);
    }
    h.push(r);
  }

  private commit(r: Revision, prev: Revision | undefined): KeyValue {
    this.append(r);
    const kv = MemoryStore.kv(r);
    const prevKv = prev && MemoryStore.kv(prev);
    const event: ObjectEvent = r.deleted
      ? { type: 'delete', kv, prevKv }
      : prev
        ? { type: 'update', kv, prevKv }
        : { type: 'create', kv };
    this.hub.dispatch([event]);
    return kv;
  }

  async create(key: string, value: Uint8Array, opts: WriteOptions = {}): Promise<KeyValue> {
    this.check();
    if (this.live(key)) throw keyExistsError(key);
    const rev = ++this.rev;
    this.sweeper.track(key, rev, opts.ttlSeconds);
    return this.commit({ rev, key, createRev: rev, deleted: false, value, prevRev: 0 }, undefined);
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, opts: WriteOptions = {}): Promise<KeyValue> {
    this.check();
    const cur = this.live(key);
    if (!cur) throw keyNotFoundError(key);
    if (cur.rev !== expectedModRevision) throw conflictError(key, MemoryStore.kv(cur));
    const rev = ++this.rev;
    this.sweeper.track(key, rev, opts.ttlSeconds);
    return this.commit({ rev, key, createRev: cur.createRev, deleted: false, value, prevRev: cur.rev }, cur);
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.check();
    const cur = this.live(key);
    if (!cur) throw keyNotFoundError(key);
    if (expectedModRevision !== undefined && cur.rev !== expectedModRevision) {
      throw conflictError(key, MemoryStore.kv(cur));
    }
    const rev = ++this.rev;
    this.sweeper.track(key, rev, undefined);
    return this.commit({ rev, key, createRev: cur.createRev, deleted: true, value: cur.value, prevRev: cur.rev }, cur);
  }

  watch(prefix: string, opts: WatchOptions = {}): Watcher {
    return this.hub.watch(prefix, opts);
  }

  private readHistory(prefix: string, from: number, limit: number) {
    const events: ObjectEvent[] = [];
    // The log is ascending by revision; find the first retained entry >= from.
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.rev < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < this.log.length && events.length < limit; i++) {
      const r = this.log[i]!;
      if (!r.key.startsWith(prefix)) continue;
      const kv = MemoryStore.kv(r);
      const prev = r.prevRev ? this.history.get(r.key)?.find((x) => x.rev === r.prevRev) : undefined;
      const prevKv = prev && MemoryStore.kv(prev);
      events.push(r.deleted ? { type: 'delete', kv, prevKv } : r.prevRev ? { type: 'update', kv, prevKv } : { type: 'create', kv });
    }
    return { events, compacted: this.compacted };
  }

  async currentRevision(): Promise<number> {
    this.check();
    return this.rev;
  }

  async compactedRevision(): Promise<number> {
    this.check();
    return this.compacted;
  }

  async compact(revision: number): Promise<void> {
    this.check();
    checkRevisionArg(revision);
    if (revision > this.rev) throw futureRevisionError(revision, this.rev);
    if (revision <= this.compacted) return;
    this.compacted = revision;
    // Keep, per key, the newest write at or below the compacted revision unless it is a
    // tombstone older than it, and everything newer.
    const keep = (r: Revision, newestAtOrBelow: Revision) =>
      r.rev >= revision || (r === newestAtOrBelow && !(r.deleted && r.rev < revision));
    const removed = new Set<Revision>();
    for (const [key, h] of this.history) {
      let newest: Revision | undefined;
      for (const r of h) if (r.rev <= revision) newest = r;
      if (!newest) continue;
      const kept: Revision[] = [];
      for (const r of h) {
        if (keep(r, newest)) kept.push(r);
        else removed.add(r);
      }
      if (kept.length === 0) {
        this.history.delete(key);
        this.sortedKeys.splice(this.lowerBound(key), 1);
      } else if (kept.length !== h.length) {
        this.history.set(key, kept);
      }
    }
    if (removed.size > 0) this.log = this.log.filter((r) => !removed.has(r));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.sweeper.stop();
    this.hub.closeAll(closedError());
  }
}
