import type { BuiltinResource } from '../../api/resources.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { TypeHooks, TypeStrategy } from './strategy.js';
import type { WatchCache } from './watch-cache.js';

/**
 * One served group/version/resource: what discovery reports, how its objects map onto
 * storage, and the type's strategy. Several versions (autoscaling/v1 and v2) or groups
 * (core and events.k8s.io events) may share one storage (`StorageResource`); `convert`
 * translates between the stored shape and this version's.
 */
export interface ResourceDescriptor {
  readonly info: BuiltinResource;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly kind: string;
  readonly listKind: string;
  readonly namespaced: boolean;
  readonly subresources: ReadonlySet<string>;
  readonly storage: StorageResource;
  readonly strategy: TypeStrategy;
  readonly hooks: TypeHooks;
  /** Stored shape -> this version (absent: identical). Must not mutate its input. */
  readonly fromStorage?: (obj: KubeObject) => KubeObject;
  /** This version -> stored shape (absent: identical). */
  readonly toStorage?: (obj: KubeObject) => KubeObject;
  /** The kind's schema when it is not a built-in definition (custom resources). */
  readonly schema?: import('../../api/schema/types.js').Schema;
  /** Extras of dynamic resources (e.g. a CRD's printer columns and scale paths). */
  readonly extra?: Record<string, unknown>;
}

/** The storage of one resource: its key prefix and watch cache. */
export interface StorageResource {
  /** `/registry/pods/`: objects live at PREFIX + (namespace + '/')? + name. */
  readonly prefix: string;
  readonly cache: WatchCache;
  /** Group/resource naming this storage (for messages), e.g. {group:'', resource:'events'}. */
  readonly group: string;
  readonly resource: string;
  /** apiVersion of the stored objects, e.g. `v1` or `autoscaling/v2`. */
  readonly storageApiVersion: string;
}

export function objectKey(storage: StorageResource, namespaced: boolean, namespace: string, name: string): string {
  return namespaced ? `${storage.prefix}${namespace}/${name}` : `${storage.prefix}${name}`;
}

export function namespacePrefix(storage: StorageResource, namespace: string): string {
  return namespace ? `${storage.prefix}${namespace}/` : storage.prefix;
}
