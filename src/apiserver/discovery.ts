import { GROUP_ORDER } from '../api/resources.js';
import { apiVersionOf } from '../apimachinery/types.js';
import type { ResourceDescriptor } from './registry/resource.js';

/** The groups and versions a server serves, in discovery order, built from its descriptors. */
export class DiscoveryModel {
  /** group -> versions (preferred first) -> descriptors */
  private groups = new Map<string, Map<string, ResourceDescriptor[]>>();

  constructor(descriptors: Iterable<ResourceDescriptor>) {
    this.rebuild(descriptors);
  }

  rebuild(descriptors: Iterable<ResourceDescriptor>): void {
    const groups = new Map<string, Map<string, ResourceDescriptor[]>>();
    for (const d of descriptors) {
      let versions = groups.get(d.group);
      if (!versions) groups.set(d.group, (versions = new Map()));
      let list = versions.get(d.version);
      if (!list) versions.set(d.version, (list = []));
      list.push(d);
    }
    // Versions: in the order of each resource's declared versions (preferred first).
    for (const [, versions] of groups) {
      const order = [...versions.keys()].sort((a, b) => versionPriority(b) - versionPriority(a));
      const sorted = new Map(order.map((v) => [v, versions.get(v)!.sort((x, y) => (x.resource < y.resource ? -1 : 1))]));
      versions.clear();
      for (const [k, v] of sorted) versions.set(k, v);
    }
    this.groups = groups;
  }

  /** Named groups (not core) in upstream's discovery order, then others alphabetically. */
  groupNames(): string[] {
    const names = [...this.groups.keys()].filter((g) => g !== '');
    return names.sort((a, b) => {
      const ia = GROUP_ORDER.indexOf(a);
      const ib = GROUP_ORDER.indexOf(b);
      if (ia >= 0 && ib >= 0) return ia - ib;
      if (ia >= 0) return -1;
      if (ib >= 0) return 1;
      return a < b ? -1 : 1;
    });
  }

  versions(group: string): string[] {
    return [...(this.groups.get(group)?.keys() ?? [])];
  }

  resources(group: string, version: string): ResourceDescriptor[] {
    return this.groups.get(group)?.get(version) ?? [];
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.groups.get(group)?.has(version) ?? false;
  }

  /** GET /api */
  apiVersions(serverAddress: string) {
    return {
      kind: 'APIVersions',
      versions: this.versions(''),
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  apiGroup(group: string) {
    const versions = this.versions(group).map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
    return { name: group, versions, preferredVersion: versions[0] };
  }

  /** GET /apis */
  apiGroupList() {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groupNames().map((g) => this.apiGroup(g)) };
  }

  /** GET /apis/{group} */
  apiGroupObject(group: string) {
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.apiGroup(group) };
  }

  /** GET /api/v1, /apis/{group}/{version} */
  apiResourceList(group: string, version: string) {
    const resources: Record<string, unknown>[] = [];
    for (const d of this.resources(group, version)) {
      const info = d.info;
      resources.push({
        name: d.resource,
        singularName: info.singular,
        namespaced: d.namespaced,
        kind: d.kind,
        verbs: [...info.verbs],
        ...(info.shortNames?.length ? { shortNames: [...info.shortNames] } : {}),
        ...(info.categories?.length ? { categories: [...info.categories] } : {}),
      });
      for (const sub of info.subresources ?? []) {
        resources.push({
          name: `${d.resource}/${sub.name}`,
          singularName: '',
          namespaced: d.namespaced,
          ...(sub.kind && (sub.kind.group !== d.group || sub.kind.version !== d.version)
            ? { group: sub.kind.group, version: sub.kind.version }
            : {}),
          kind: sub.kind?.kind ?? d.kind,
          verbs: [...sub.verbs],
        });
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf(group, version), resources };
  }

  /** One aggregated-discovery group entry (apidiscovery.k8s.io/v2 APIGroupDiscovery). */
  private discoveryGroup(group: string) {
    return {
      metadata: group ? { name: group } : {},
      versions: this.versions(group).map((version) => ({
        version,
        resources: this.resources(group, version).map((d) => {
          const info = d.info;
          const subs = (info.subresources ?? []).map((sub) => ({
            subresource: sub.name,
            responseKind: sub.kind ?? { group: d.group, version: d.version, kind: d.kind },
            verbs: [...sub.verbs],
          }));
          return {
            resource: d.resource,
            responseKind: { group: d.group, version: d.version, kind: d.kind },
            scope: d.namespaced ? 'Namespaced' : 'Cluster',
            singularResource: info.singular,
            verbs: [...info.verbs],
            ...(info.shortNames?.length ? { shortNames: [...info.shortNames] } : {}),
            ...(info.categories?.length ? { categories: [...info.categories] } : {}),
            ...(subs.length ? { subresources: subs } : {}),
          };
        }),
        freshness: 'Current',
      })),
    };
  }

  /** Aggregated discovery for /api (core only) or /apis (every named group). */
  aggregated(prefix: 'api' | 'apis', apiVersion: 'v2' | 'v2beta1') {
    const groups = prefix === 'api' ? [''] : this.groupNames();
    return {
      kind: 'APIGroupDiscoveryList',
      apiVersion: `apidiscovery.k8s.io/${apiVersion}`,
      metadata: {},
      items: groups.filter((g) => this.groups.has(g)).map((g) => this.discoveryGroup(g)),
    };
  }
}

/** Orders versions as Kubernetes does: GA > beta > alpha, then by number. */
export function versionPriority(v: string): number {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return -1;
  const major = Number(m[1]);
  const stage = m[2] === undefined ? 3 : m[2] === 'beta' ? 2 : 1;
  const minor = m[3] === undefined ? 0 : Number(m[3]);
  return stage * 1_000_000 + major * 1000 + minor;
}
