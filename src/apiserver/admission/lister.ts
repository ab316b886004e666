import type { KubeObject } from '../../apimachinery/types.js';
import type { Registry } from '../registry/registry.js';

/**
 * Read access for admission plugins: objects from the watch caches (as upstream's plugins
 * read from informers), so admission adds no storage round trips.
 */
export interface AdmissionLister {
  get(group: string, resource: string, namespace: string, name: string): Promise<KubeObject | undefined>;
  list(group: string, resource: string, namespace: string): Promise<KubeObject[]>;
}

export function registryLister(registry: () => Registry): AdmissionLister {
  return {
    async get(group, resource, namespace, name) {
      const rs = registry().preferred(group, resource);
      if (!rs) return undefined;
      try {
        return (await rs.get(rs.desc.namespaced ? namespace : '', name, { resourceVersion: '0' })).obj;
      } catch {
        return undefined;
      }
    },
    async list(group, resource, namespace) {
      const rs = registry().preferred(group, resource);
      if (!rs) return [];
      return (await rs.list(rs.desc.namespaced ? namespace : '', { resourceVersion: '0' })).items.map((s) => s.obj);
    },
  };
}
