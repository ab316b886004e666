import type { KubeObject } from '../apimachinery/types.js';

/**
 * What the informer delivers to `onDelete` when it missed the deletion itself (the object
 * disappeared while the watch was down and a relist noticed): the key and the last state the
 * cache knew, which may be stale. As client-go's cache.DeletedFinalStateUnknown.
 */
export class DeletedFinalStateUnknown {
  constructor(
    readonly key: string,
    readonly obj: KubeObject | undefined,
  ) {}
}

export const isTombstone = (v: unknown): v is DeletedFinalStateUnknown => v instanceof DeletedFinalStateUnknown;

/** Maps an object (or a tombstone) to its cache key. */
export type KeyFunc = (obj: KubeObject | DeletedFinalStateUnknown) => string;

/**
 * `namespace/name`, or `name` for cluster-scoped objects; a tombstone's own key. As
 * client-go's DeletionHandlingMetaNamespaceKeyFunc.
 */
export const metaNamespaceKey: KeyFunc = (obj) => {
  if (isTombstone(obj)) return obj.key;
  const name = obj.metadata?.name;
  if (!name) throw new Error('object has no metadata.name; cannot compute its cache key');
  const ns = obj.metadata?.namespace;
  return ns ? `${ns}/${name}` : name;
};

/** Splits a `namespace/name` (or `name`) key. */
export function splitKey(key: string): { namespace: string; name: string } {
  const i = key.indexOf('/');
  return i < 0 ? { namespace: '', name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** The values an object is indexed under (e.g. the node a pod runs on). */
export type IndexFunc = (obj: KubeObject) => string[];
export type Indexers = Record<string, IndexFunc>;

/** The built-in index: objects by namespace (client-go's NamespaceIndex / MetaNamespaceIndexFunc). */
export const NAMESPACE_INDEX = 'namespace';
export const namespaceIndexFunc: IndexFunc = (obj) => [obj.metadata?.namespace ?? ''];

/**
 * The store a reflector feeds: a full replacement after each list, then one change per
 * watch event. Implemented by the DeltaFIFO (for informers) and the Indexer itself.
 */
export interface ReflectorStore {
  replace(items: KubeObject[], resourceVersion: string): void;
  add(obj: KubeObject): void;
  update(obj: KubeObject): void;
  delete(obj: KubeObject | DeletedFinalStateUnknown): void;
}

/** Read access by key, which the DeltaFIFO uses to learn what the cache knows. */
export interface KeyListerGetter {
  listKeys(): string[];
  getByKey(key: string): KubeObject | undefined;
}

export interface IndexerOptions {
  keyFunc?: KeyFunc;
  /** Extra indexes besides the namespace index. */
  indexers?: Indexers;
}

/**
 * The informer cache, as client-go's thread-safe store with indices: objects by key plus
 * named indexes (value -> keys). The namespace index is always present.
 *
 * Consistency: every mutation computes the new index values before changing anything, so an
 * index function that throws leaves the cache as it was. Reentrancy: index functions may read
 * the indexer, but a mutation from inside one (or from inside another mutation) is refused.
 * Every read returns fresh arrays, so callers may mutate the indexer while iterating results.
 * Objects are shared, not copied: callers must treat them as read-only.
 */
export class Indexer implements ReflectorStore, KeyListerGetter {
  private readonly items = new Map<string, KubeObject>();
  private readonly indexers = new Map<string, IndexFunc>();
  /** index name -> value -> keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();
  readonly keyFunc: KeyFunc;
  private mutating = false;
  private rv = '';

  constructor(opts: IndexerOptions = {}) {
    this.keyFunc = opts.keyFunc ?? metaNamespaceKey;
    this.addIndexers({ [NAMESPACE_INDEX]: namespaceIndexFunc, ...opts.indexers });
  }

  /** The resourceVersion of the last `replace` (informational). */
  get lastReplaceResourceVersion(): string {
    return this.rv;
  }

  get size(): number {
    return this.items.size;
  }

  add(obj: KubeObject): void {
    this.put(this.keyFunc(obj), obj);
  }

  update(obj: KubeObject): void {
    this.put(this.keyFunc(obj), obj);
  }

  delete(obj: KubeObject | DeletedFinalStateUnknown): void {
    this.deleteKey(this.keyFunc(obj));
  }

  deleteKey(key: string): void {
    this.mutate(() => {
      const old = this.items.get(key);
      if (old === undefined) return;
      const oldValues = this.indexValues(old);
      this.items.delete(key);
      this.unindex(key, oldValues);
    });
  }

  /** Replaces the whole content (after a relist). */
  replace(items: KubeObject[], resourceVersion: string): void {
    this.mutate(() => {
      const fresh = new Map<string, KubeObject>();
      const values = new Map<string, Map<string, string[]>>();
      for (const obj of items) {
        const key = this.keyFunc(obj);
        fresh.set(key, obj);
        values.set(key, this.indexValues(obj));
      }
      this.items.clear();
      for (const idx of this.indices.values()) idx.clear();
      for (const [key, obj] of fresh) {
        this.items.set(key, obj);
        this.index(key, values.get(key)!);
      }
      this.rv = resourceVersion;
    });
  }

  get(obj: KubeObject): KubeObject | undefined {
    return this.items.get(this.keyFunc(obj));
  }

  getByKey(key: string): KubeObject | undefined {
    return this.items.get(key);
  }

  list(): KubeObject[] {
    return [...this.items.values()];
  }

  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /**
   * Adds indexes; existing objects are indexed at once (so, unlike older client-go, this is
   * allowed after the informer started). Adding a name that exists is an error.
   */
  addIndexers(indexers: Indexers): void {
    this.mutate(() => {
      for (const name of Object.keys(indexers)) {
        if (this.indexers.has(name)) throw new Error(`indexer conflict: index "${name}" already exists`);
      }
      const built = new Map<string, Map<string, Set<string>>>();
      for (const [name, fn] of Object.entries(indexers)) {
        const idx = new Map<string, Set<string>>();
        for (const [key, obj] of this.items) {
          for (const v of fn(obj)) {
            let keys = idx.get(v);
            if (!keys) idx.set(v, (keys = new Set()));
            keys.add(key);
          }
        }
        built.set(name, idx);
      }
      for (const [name, fn] of Object.entries(indexers)) {
        this.indexers.set(name, fn);
        this.indices.set(name, built.get(name)!);
      }
    });
  }

  getIndexers(): Indexers {
    return Object.fromEntries(this.indexers);
  }

  /** Keys of the objects indexed under `value` in index `name`. */
  indexKeys(name: string, value: string): string[] {
    return [...(this.requireIndex(name).get(value) ?? [])];
  }

  /** Objects indexed under `value` in index `name`. */
  byIndex(name: string, value: string): KubeObject[] {
    const keys = this.requireIndex(name).get(value);
    if (!keys) return [];
    const out: KubeObject[] = [];
    for (const k of keys) {
      const o = this.items.get(k);
      if (o !== undefined) out.push(o);
    }
    return out;
  }

  /** Objects sharing at least one value of index `name` with `obj` (client-go's Index). */
  indexOf(name: string, obj: KubeObject): KubeObject[] {
    const fn = this.indexers.get(name);
    if (!fn) throw new Error(`index with name ${name} does not exist`);
    const keys = new Set<string>();
    const idx = this.indices.get(name)!;
    for (const v of fn(obj)) for (const k of idx.get(v) ?? []) keys.add(k);
    return [...keys].map((k) => this.items.get(k)!).filter((o) => o !== undefined);
  }

  /** The values present in index `name`. */
  listIndexFuncValues(name: string): string[] {
    return [...this.requireIndex(name).keys()];
  }

  private requireIndex(name: string): Map<string, Set<string>> {
    const idx = this.indices.get(name);
    if (!idx) throw new Error(`index with name ${name} does not exist`);
    return idx;
  }

  private mutate(fn: () => void): void {
    if (this.mutating) throw new Error('Indexer: reentrant mutation (from an index function or during another mutation)');
    this.mutating = true;
    try {
      fn();
    } finally {
      this.mutating = false;
    }
  }

  private put(key: string, obj: KubeObject): void {
    this.mutate(() => {
      const newValues = this.indexValues(obj);
      const old = this.items.get(key);
      const oldValues = old === undefined ? undefined : this.indexValues(old);
      this.items.set(key, obj);
      if (oldValues) this.unindex(key, oldValues);
      this.index(key, newValues);
    });
  }

  /** Every index's values for `obj`, deduplicated (may throw; callers have not mutated yet). */
  private indexValues(obj: KubeObject): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const [name, fn] of this.indexers) out.set(name, [...new Set(fn(obj))]);
    return out;
  }

  private index(key: string, values: Map<string, string[]>): void {
    for (const [name, vs] of values) {
      const idx = this.indices.get(name)!;
      for (const v of vs) {
        let keys = idx.get(v);
        if (!keys) idx.set(v, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, values: Map<string, string[]>): void {
    for (const [name, vs] of values) {
      const idx = this.indices.get(name)!;
      for (const v of vs) {
        const keys = idx.get(v);
        if (!keys) continue;
        keys.delete(key);
        // Drop empty sets so the index does not grow with values no object has any more.
        if (keys.size === 0) idx.delete(v);
      }
    }
  }
}
