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

/**
 * The preferred version of every served resource (main resources only, no subresources), as
 * client-go's ServerPreferredResources. Throws GroupDiscoveryFailedError when some groups
 * could not be read (carrying what could).
 */
export type Discovery = () => Promise<DiscoveredResource[]>;

/**
 * Some group versions could not be discovered, as client-go's ErrGroupDiscoveryFailed;
 * `resources` holds what the others served.
 */
export class GroupDiscoveryFailedError extends Error {
  constructor(
    readonly groups: Map<string, string>,
    readonly resources: DiscoveredResource[],
  ) {
    super(`unable to retrieve the complete list of server APIs: ${[...groups].map(([gv, err]) => `${gv}: ${err}`).join(', ')}`);
  }
}

interface ApiResourceList {
  groupVersion: string;
  resources: { name: string; kind: string; namespaced: boolean; verbs: string[] }[];
}

/**
 * Discovery over HTTPS (for `k8ts controller-manager` as its own process): /api/v1, then the
 * preferred version of every group under /apis.
 */
export function httpDiscovery(rest: RestClient): Discovery {
  return async () => {
    const out: DiscoveredResource[] = [];
    const failed = new Map<string, string>();
    const add = (list: ApiResourceList) => {
      const [group, version] = list.groupVersion.includes('/') ? list.groupVersion.split('/') : ['', list.groupVersion];
      for (const r of list.resources) {
        if (r.name.includes('/')) continue;
        out.push({ group: group!, version: version!, resource: r.name, kind: r.kind, namespaced: r.namespaced, verbs: r.verbs });
      }
    };
    const core = await rest.request({ path: '/api/v1' });
    if (core.status !== 200) throw new Error(`unable to retrieve the complete list of server APIs: v1: the server responded with HTTP ${core.status}`);
    add(core.json<ApiResourceList>());
    const groups = await rest.request({ path: '/apis' });
    if (groups.status !== 200) throw new GroupDiscoveryFailedError(new Map([['apis', `the server responded with HTTP ${groups.status}`]]), out);
    for (const g of groups.json<{ groups: { name: string; preferredVersion: { groupVersion: string } }[] }>().groups) {
      const gv = g.preferredVersion.groupVersion;
      try {
        const res = await rest.request({ path: `/apis/${gv}` });
        if (res.status === 200) add(res.json<ApiResourceList>());
        else failed.set(gv, `the server responded with HTTP ${res.status}`);
      } catch (e: unknown) {
        failed.set(gv, (e as Error).message);
      }
    }
    if (failed.size) throw new GroupDiscoveryFailedError(failed, out);
    return out;
  };
}
