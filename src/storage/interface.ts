/**
 * The Store: a key-value store with etcd v3 semantics, which the apiserver (and nothing
 * else) keeps every object in.
 *
 * Semantics every implementation guarantees (checked by the shared conformance suite):
 * - One global revision, starting at 1 for the first write, increasing by exactly one with
 *   every successful write (create, update, delete, TTL expiry). Failed writes and compaction
 *   do not consume revisions.
 * - Every value carries createRevision (the revision of the write that created this
 *   incarnation of the key) and modRevision (the revision of its last write).
 * - Reads at a revision see exactly the writes with revision <= that revision.
 * - Watches deliver each matching event exactly once, in revision order, first replaying
 *   history from the requested revision, then streaming live events.
 * - After compact(C), reads at revisions < C and watches from revisions < C fail with a
 *   Compacted error; reads at revisions above the current one fail with FutureRevision.
 * - An acknowledged write survives a crash of the process (for durable implementations).
 *
 * All methods may be called concurrently; writes to the same key are serialized in the
 * order the store applies them, and the compare in a CAS happens atomically with the write.
 */
export interface KeyValue {
  readonly key: string;
  readonly value: Uint8Array;
  /** Revision of the write that created this incarnation of the key. */
  readonly createRevision: number;
  /** Revision of the last write to the key (for a delete event: the delete's revision). */
  readonly modRevision: number;
}

export interface ReadOptions {
  /** Read at this revision (0 or absent: the current revision). */
  revision?: number;
}

export interface ListOptions extends ReadOptions {
  /** At most this many keys (0 or absent: no limit). */
  limit?: number;
  /**
   * A token from a previous ListResult.continue: resumes after the last key returned, at the
   * same revision (a consistent snapshot across pages). Overrides `revision`.
   */
  continue?: string;
}

export interface ListResult {
  /** Keys in ascending byte order. */
  readonly kvs: KeyValue[];
  /** The revision the list was served at. */
  readonly revision: number;
  /** True when keys beyond `kvs` remain in the range. */
  readonly more: boolean;
  /** When `more`: the token for the next page. */
  readonly continue?: string;
  /** Number of keys in the range from the first key returned (kvs.length when !more). */
  readonly count: number;
}

export interface GetResult {
  readonly kv?: KeyValue;
  /** The revision the read was served at. */
  readonly revision: number;
}

export interface WriteOptions {
  /**
   * Time to live: the key is deleted (with a delete event) about this many seconds after
   * the write, unless written again first. As kube-apiserver does for Events.
   */
  ttlSeconds?: number;
}

export type WatchEvent =
  | { readonly type: 'create'; readonly kv: KeyValue }
  | { readonly type: 'update'; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  /** kv.value is the deleted value and kv.modRevision the delete's revision. */
  | { readonly type: 'delete'; readonly kv: KeyValue; readonly prevKv?: KeyValue }
  /**
   * Progress notification: every event for this watch up to `revision` has been delivered.
   * Sent in answer to Watcher.requestProgress().
   */
  | { readonly type: 'progress'; readonly revision: number };

export interface WatchOptions {
  /**
   * First revision to deliver (inclusive). Absent or 0: from the revision after the current
   * one (only new events). Below the compacted revision: the watch fails with Compacted.
   */
  fromRevision?: number;
  /** Include prevKv on update and delete events (it may be absent if compacted). */
  prevKv?: boolean;
  /**
   * Capacity of the watcher's buffer in events. A watcher further behind than this is
   * closed with a WatchOverflow error. Default 10,000.
   */
  bufferSize?: number;
}

/**
 * A running watch. Iterate it once to receive events; the iteration ends with an error
 * (Compacted, WatchOverflow, Unavailable, Closed) or, after close(), normally.
 */
export interface Watcher extends AsyncIterable<WatchEvent> {
  /** Asks for a progress event; it follows every event delivered before it. */
  requestProgress(): void;
  /** Stops the watch; idempotent. */
  close(): void;
}

export interface Store {
  /** Human-readable backend name, e.g. "sqlite". */
  readonly backend: string;

  get(key: string, opts?: ReadOptions): Promise<GetResult>;
  /** Lists keys with the given prefix. An empty prefix lists every key. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  /** Counts keys with the given prefix at the current revision. */
  count(prefix: string): Promise<number>;

  /** Creates the key if absent; KeyExists otherwise. */
  create(key: string, value: Uint8Array, opts?: WriteOptions): Promise<KeyValue>;
  /**
   * Replaces the value if the key's modRevision equals `expectedModRevision`; Conflict
   * (carrying the current value) if not, KeyNotFound if the key is absent.
   */
  update(key: string, value: Uint8Array, expectedModRevision: number, opts?: WriteOptions): Promise<KeyValue>;
  /**
   * Deletes the key, if `expectedModRevision` is given only when it matches (Conflict
   * otherwise). Returns the deleted value with modRevision set to the delete's revision.
   */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;

  watch(prefix: string, opts?: WatchOptions): Watcher;

  /** The revision of the last successful write (0 for an empty store). */
  currentRevision(): Promise<number>;
  /** The compacted revision (0 if never compacted). */
  compactedRevision(): Promise<number>;
  /** Discards history below `revision`. Compacting to a revision at or below the compacted one is a no-op. */
  compact(revision: number): Promise<void>;

  /** Closes the store; pending and later calls fail with Closed. Watchers end with Closed. */
  close(): Promise<void>;
}
