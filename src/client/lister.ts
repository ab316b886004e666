import { errors, type GroupResource } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { NAMESPACE_INDEX, type Indexer } from './indexer.js';

/** Anything that can decide on a label set, e.g. a parsed label selector. */
export interface LabelMatcher {
  matches(labels: Readonly<Record<string, string>>): boolean;
}

/** Matches every label set. */
export const everything: LabelMatcher = { matches: () => true };

/**
 * Reads of an informer's cache, as client-go's generated listers: `get` by namespace and
 * name, `list` filtered by a label matcher, `namespace(ns)` for one namespace. Results are the
 * cache's own objects: treat them as read-only (copy before changing). Never calls the API.
 */
export class Lister<T extends KubeObject = KubeObject> {
  constructor(
    private readonly indexer: Indexer,
    /** Names the resource in NotFound errors from `getOrThrow`. */
    private readonly resource: GroupResource = { group: '', resource: '' },
  ) {}

  /** Every cached object whose labels match (all namespaces). */
  list(selector: LabelMatcher = everything): T[] {
    return filter(this.indexer.list(), selector) as T[];
  }

  /** The object `namespace/name` (namespace '' for cluster-scoped objects), or undefined. */
  get(namespace: string, name: string): T | undefined {
    return this.indexer.getByKey(namespace ? `${namespace}/${name}` : name) as T | undefined;
  }

  /** As `get`, but a missing object is a 404 NotFound StatusError (as client-go's listers). */
  getOrThrow(namespace: string, name: string): T {
    const obj = this.get(namespace, name);
    if (obj === undefined) throw errors.notFound(this.resource, name);
    return obj;
  }

  /** A view of one namespace. */
  namespace(namespace: string): NamespaceLister<T> {
    return new NamespaceLister<T>(this.indexer, namespace, this);
  }
}

export class NamespaceLister<T extends KubeObject = KubeObject> {
  constructor(
    private readonly indexer: Indexer,
    readonly namespaceName: string,
    private readonly parent: Lister<T>,
  ) {}

  list(selector: LabelMatcher = everything): T[] {
    return filter(this.indexer.byIndex(NAMESPACE_INDEX, this.namespaceName), selector) as T[];
  }

  get(name: string): T | undefined {
    return this.parent.get(this.namespaceName, name);
  }

  getOrThrow(name: string): T {
    return this.parent.getOrThrow(this.namespaceName, name);
  }
}

function filter(objs: KubeObject[], selector: LabelMatcher): KubeObject[] {
  if (selector === everything) return objs;
  return objs.filter((o) => selector.matches(o.metadata?.labels ?? {}));
}
