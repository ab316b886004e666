import { setMaxListeners } from 'node:events';
import { BUILTIN_RESOURCES, type BuiltinResource } from '../../api/resources.js';
import { apiVersionOf, type KubeObject } from '../../apimachinery/types.js';
import type { Store } from '../../storage/index.js';
import type { Clock } from '../../util/clock.js';
import type { AdmissionChain } from '../admission/interface.js';
import type { ResourceDescriptor, StorageResource } from './resource.js';
import { decodeStored, ResourceStore } from './resource-store.js';
import type { TypeHooks, TypeStrategy } from './strategy.js';
import { WatchCache } from './watch-cache.js';

/** What a resource served beyond the built-ins (a custom resource) brings with it. */
export interface DynamicResource {
  behaviour: TypeBehaviour;
  storageVersion: string;
  prefix: string;
  listKind: string;
  /** The schema of each served version. */
  schemas: Record<string, import('../../api/schema/types.js').Schema | undefined>;
  /** Per-version extras (printer columns, scale paths) for handlers that need them. */
  perVersion?: Record<string, Record<string, unknown>>;
}

/** Per-type behaviour and version conversions, keyed `group/resource` (core: `/pods`). */
export interface TypeBehaviour {
  strategy?: TypeStrategy;
  hooks?: TypeHooks;
  /** Conversions for a served version whose shape differs from the stored one. */
  conversions?: Record<string, { fromStorage: (o: KubeObject) => KubeObject; toStorage: (o: KubeObject) => KubeObject }>;
}

export interface RegistryOptions {
  store: Store;
  clock: Clock;
  admission: AdmissionChain;
  behaviours: Record<string, TypeBehaviour>;
  resources?: readonly BuiltinResource[];
  /** Storage version per `group/resource` when a resource is served in several versions. */
  storageVersions?: Record<string, string>;
}

/** The storage key prefix of a built-in resource, following upstream's layout. */
function keyPrefix(group: string, resource: string): string {
  if (group === 'apiregistration.k8s.io' || group === 'apiextensions.k8s.io') return `/registry/${group}/${resource}/`;
  return `/registry/${resource}/`;
}

const STORAGE_VERSIONS: Record<string, string> = { 'autoscaling/horizontalpodautoscalers': 'v2' };

/**
 * Every served resource of the API server: descriptors, their storages (one watch cache
 * per stored resource, shared by the versions and groups that serve it) and REST stores.
 */
export class Registry {
  private readonly byGvr = new Map<string, ResourceStore>();
  private readonly storages = new Map<string, StorageResource>();
  private readonly abort = new AbortController();
  private running: Promise<void>[] = [];

  private started = false;

  constructor(private readonly opts: RegistryOptions) {
    const resources = opts.resources ?? BUILTIN_RESOURCES;
    for (const info of resources) this.register(info, resources);
  }

  private register(info: BuiltinResource, resources: readonly BuiltinResource[], extra?: DynamicResource): StorageResource {
    const storageVersions = { ...STORAGE_VERSIONS, ...this.opts.storageVersions };
    const stored = info.storedAs ?? { group: info.group, resource: info.resource };
    const storageKey = `${stored.group}/${stored.resource}`;
    let storage = this.storages.get(storageKey);
    if (!storage) {
      const storedInfo = resources.find((r) => r.group === stored.group && r.resource === stored.resource) ?? info;
      const version = extra?.storageVersion ?? storageVersions[storageKey] ?? storedInfo.versions[0]!;
      const prefix = extra?.prefix ?? keyPrefix(stored.group, stored.resource);
      storage = {
        prefix,
        group: stored.group,
        resource: stored.resource,
        storageApiVersion: apiVersionOf(stored.group, version),
        cache: new WatchCache(this.opts.store, prefix, (kv, rv) => decodeStored(kv.key, kv.value, rv ?? kv.modRevision)),
      };
      this.storages.set(storageKey, storage);
    }
    const behaviour = extra?.behaviour ?? this.opts.behaviours[`${info.group}/${info.resource}`] ?? {};
    for (const version of info.versions) {
      const conv = behaviour.conversions?.[version];
      const desc: ResourceDescriptor = {
        info,
        group: info.group,
        version,
        resource: info.resource,
        kind: info.kind,
        listKind: extra?.listKind ?? `${info.kind}List`,
        namespaced: info.namespaced,
        subresources: new Set((info.subresources ?? []).map((s) => s.name)),
        storage,
        strategy: behaviour.strategy ?? {},
        hooks: behaviour.hooks ?? {},
        fromStorage: conv?.fromStorage,
        toStorage: conv?.toStorage,
        schema: extra?.schemas?.[version],
        extra: extra?.perVersion?.[version],
      };
      this.byGvr.set(`${info.group}/${version}/${info.resource}`, new ResourceStore(desc, this.opts));
    }
    return storage;
  }

  /**
   * Serves a resource that is not built in (a CustomResourceDefinition's), replacing any
   * earlier registration of the same group/resource; its watch cache starts at once when the
   * registry runs. Resolves once the cache has its initial listing.
   */
  async addResource(info: BuiltinResource, extra: DynamicResource): Promise<void> {
    const key = `${info.group}/${info.resource}`;
    const prev = this.storages.get(key);
    for (const k of [...this.byGvr.keys()]) if (k.startsWith(`${info.group}/`) && k.endsWith(`/${info.resource}`)) this.byGvr.delete(k);
    // The storage (and its watch cache) survives re-registration: only the served shape changes.
    const storage = this.register(info, [info], extra);
    if (!prev && this.started) {
      this.running.push(storage.cache.run(this.abort.signal));
      await storage.cache.whenReady();
    }
  }

  /** Stops serving a dynamic resource (its stored objects are not touched). */
  removeResource(group: string, resource: string): void {
    for (const k of [...this.byGvr.keys()]) if (k.startsWith(`${group}/`) && k.endsWith(`/${resource}`)) this.byGvr.delete(k);
  }

  /** Starts every watch cache; resolves when all have their initial listing. */
  async start(): Promise<void> {
    // Every watch cache listens on this one signal.
    setMaxListeners(0, this.abort.signal);
    this.started = true;
    for (const s of this.storages.values()) this.running.push(s.cache.run(this.abort.signal));
    await Promise.all([...this.storages.values()].map((s) => s.cache.whenReady()));
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.running);
  }

  get(group: string, version: string, resource: string): ResourceStore | undefined {
    return this.byGvr.get(`${group}/${version}/${resource}`);
  }

  /** The preferred-version store of a resource. */
  preferred(group: string, resource: string): ResourceStore | undefined {
    for (const rs of this.byGvr.values()) {
      if (rs.desc.group === group && rs.desc.resource === resource && rs.desc.info.versions[0] === rs.desc.version) return rs;
    }
    return undefined;
  }

  descriptors(): ResourceDescriptor[] {
    return [...this.byGvr.values()].map((rs) => rs.desc);
  }

  stores(): ResourceStore[] {
    return [...this.byGvr.values()];
  }
}
