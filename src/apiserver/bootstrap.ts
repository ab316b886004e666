import { isAlreadyExists, isNotFound } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { systemContext } from './registry/context.js';
import type { Registry } from './registry/registry.js';

export interface BootstrapOptions {
  /** The address Services and pods use to reach the API server. */
  advertiseAddress: string;
  port: number;
  /** The `kubernetes` Service's ClusterIP: the first address of the service range. */
  serviceIP?: string;
}

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/**
 * What kube-apiserver creates for itself on start (idempotently): the system namespaces,
 * the `kubernetes` Service in `default` with its Endpoints and EndpointSlice pointing at
 * this server, and the system priority classes.
 */
export async function bootstrapCluster(registry: Registry, opts: BootstrapOptions): Promise<void> {
  const ctx = systemContext();
  const ensure = async (group: string, resource: string, namespace: string, obj: KubeObject) => {
    const rs = registry.preferred(group, resource);
    if (!rs) throw new Error(`no resource ${group}/${resource}`);
    try {
      await rs.create(ctx, namespace, obj);
    } catch (e: unknown) {
      if (!isAlreadyExists(e)) throw e;
    }
  };
  const upsert = async (group: string, resource: string, namespace: string, name: string, obj: KubeObject) => {
    const rs = registry.preferred(group, resource)!;
    try {
      await rs.update(ctx, namespace, name, (cur) => {
        if (!cur) return obj;
        const metadata = { ...cur.metadata, ...obj.metadata };
        delete metadata.resourceVersion;
        return { ...cur, ...obj, metadata };
      }, { forceAllowCreate: true });
    } catch (e: unknown) {
      if (isNotFound(e)) await ensure(group, resource, namespace, obj);
      else throw e;
    }
  };
  for (const name of SYSTEM_NAMESPACES) {
    await ensure('', 'namespaces', '', { metadata: { name, labels: { 'kubernetes.io/metadata.name': name } } });
  }
  const serviceIP = opts.serviceIP ?? '10.96.0.1';
  await ensure('', 'services', 'default', {
    metadata: { name: 'kubernetes', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: {
      type: 'ClusterIP',
      clusterIP: serviceIP,
      clusterIPs: [serviceIP],
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
      sessionAffinity: 'None',
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.port }],
    },
  });
  await upsert('', 'endpoints', 'default', 'kubernetes', {
    metadata: { name: 'kubernetes', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: opts.advertiseAddress }], ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }] }],
  });
  await upsert('discovery.k8s.io', 'endpointslices', 'default', 'kubernetes', {
    metadata: { name: 'kubernetes', labels: { 'kubernetes.io/service-name': 'kubernetes' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: [opts.advertiseAddress], conditions: { ready: true } }],
    ports: [{ name: 'https', port: opts.port, protocol: 'TCP' }],
  });
  for (const [name, value] of [
    ['system-node-critical', 2000001000],
    ['system-cluster-critical', 2000000000],
  ] as const) {
    await ensure('scheduling.k8s.io', 'priorityclasses', '', {
      metadata: { name },
      value,
      globalDefault: false,
      preemptionPolicy: 'PreemptLowerPriority',
      description: `Used for system critical pods that must ${name === 'system-node-critical' ? 'not be moved from their current node' : 'run in the cluster, but can be moved to another node if necessary'}.`,
    });
  }
}
