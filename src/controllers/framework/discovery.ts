import type { RestClient } from '../../client/rest.js';

/** A served resource as controllers that act on "everything" (GC, namespace deletion) see it. */
export interface DiscoveredResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
}

export type Discovery = () => Promise<DiscoveredResource[]>;

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

/**
 * Discovery over HTTPS (for `k8ts controller-manager` as its own process): the preferred
 * version of every group, main resources only (no subresources).
 */
export function httpDiscovery(rest: RestClient): Discovery {
  return async () => {
    const out: DiscoveredResource[] = [];
    const add = (list: ApiResourceList) => {
      const [group, version] = list.groupVersion.includes('/') ? list.groupVersion.split('/') : ['', list.groupVersion];
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        out.push({ group: group!, version: version!, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs });
      }
    };
    add((await rest.request({ path: '/api/v1' })).json<ApiResourceList>());
    const groups = (await rest.request({ path: '/apis' })).json<{ groups: { name: string; preferredVersion: { groupVersion: string } }[] }>();
    for (const g of groups.groups) {
      const res = await rest.request({ path: `/apis/${g.preferredVersion.groupVersion}` });
      if (res.status === 200) add(res.json<ApiResourceList>());
    }
    return out;
  };
}
