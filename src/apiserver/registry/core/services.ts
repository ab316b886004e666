import { errors } from '../../../apimachinery/status.js';
import { fieldErrors, type FieldError } from '../../../apimachinery/field-errors.js';
import { isObject, type KubeObject } from '../../../apimachinery/types.js';
import type { Store } from '../../../storage/index.js';
import type { TypeHooks, TypeStrategy } from '../strategy.js';
import { Ipv4Range, ipAllocated, ipNotInRange, NODE_PORT_RANGE, SERVICE_CIDR, StoreAllocator } from './allocator.js';

interface ServicePort {
  name?: string;
  port?: number;
  nodePort?: number;
  protocol?: string;
}

interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: ServicePort[];
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  healthCheckNodePort?: number;
  externalTrafficPolicy?: string;
}

const specOf = (o: KubeObject): ServiceSpec => (isObject(o.spec) ? (o.spec as ServiceSpec) : ((o.spec = {}) as ServiceSpec));

const needsClusterIP = (s: ServiceSpec) => s.type !== 'ExternalName' && s.clusterIP !== 'None';
const needsNodePorts = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';

/**
 * ClusterIP and NodePort allocation for Services, as kube-apiserver's service REST does:
 * IPs from the service CIDR (10.96.0.0/12), node ports from 30000-32767, chosen at random
 * unless the client names one, taken atomically in the store, released on delete, when the
 * type no longer needs them, or when the write that took them fails.
 */
export function serviceBehaviour(store: Store, cidr = SERVICE_CIDR) {
  const range = new Ipv4Range(cidr);
  const ips = new StoreAllocator<string>(store, '/registry/k8ts/clusterips/', (ip) => ip);
  const ports = new StoreAllocator<number>(store, '/registry/k8ts/nodeports/', (p) => String(p));
  const ownerOf = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;
  const invalid = (o: KubeObject, errs: FieldError[]) => errors.invalid({ group: '', kind: 'Service' }, o.metadata?.name ?? '', errs);

  function* portCandidates(): Generator<number> {
    const span = NODE_PORT_RANGE.max - NODE_PORT_RANGE.min + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) yield NODE_PORT_RANGE.min + ((start + i) % span);
  }

  /** Takes what `spec` needs beyond what `old` already holds; returns what it took. */
  async function allocate(o: KubeObject, old: ServiceSpec | undefined): Promise<{ ip?: string; ports: number[] }> {
    const spec = specOf(o);
    const taken: { ip?: string; ports: number[] } = { ports: [] };
    const owner = ownerOf(o);
    try {
      if (needsClusterIP(spec) && !(old && needsClusterIP(old) && old.clusterIP && old.clusterIP === spec.clusterIP)) {
        if (spec.clusterIP) {
          if (!range.contains(spec.clusterIP)) throw invalid(o, [ipNotInRange('spec.clusterIPs', spec.clusterIP, range)]);
          if (!(await ips.take(spec.clusterIP, owner))) throw invalid(o, [ipAllocated('spec.clusterIPs', spec.clusterIP)]);
          taken.ip = spec.clusterIP;
        } else {
          const ip = await ips.takeAny(range.candidates(), owner);
          if (!ip) throw errors.internal(new Error('failed to allocate a serviceIP: range is full'));
          taken.ip = ip;
          spec.clusterIP = ip;
        }
        spec.clusterIPs = [spec.clusterIP!];
      }
      if (spec.clusterIP === 'None') spec.clusterIPs = ['None'];
      if (needsClusterIP(spec) || spec.clusterIP === 'None') {
        spec.ipFamilies ??= ['IPv4'];
        spec.ipFamilyPolicy ??= 'SingleStack';
      }
      if (needsNodePorts(spec)) {
        const held = new Set((old && needsNodePorts(old) ? old.ports ?? [] : []).map((p) => p.nodePort).filter((p): p is number => !!p));
        const errs: FieldError[] = [];
        for (const [i, p] of (spec.ports ?? []).entries()) {
          if (p.nodePort) {
            if (held.has(p.nodePort) || taken.ports.includes(p.nodePort)) continue;
            if (p.nodePort < NODE_PORT_RANGE.min || p.nodePort > NODE_PORT_RANGE.max) {
              errs.push(
                fieldErrors.invalid(
                  `spec.ports[${i}].nodePort`,
                  p.nodePort,
                  `provided port is not in the valid range. The range of valid ports is ${NODE_PORT_RANGE.min}-${NODE_PORT_RANGE.max}`,
                ),
              );
              continue;
            }
            if (!(await ports.take(p.nodePort, owner))) {
              errs.push(fieldErrors.invalid(`spec.ports[${i}].nodePort`, p.nodePort, 'provided port is already allocated'));
              continue;
            }
            taken.ports.push(p.nodePort);
          } else {
            // Ports of the same number but different protocols share a node port, as upstream.
            const sibling = (spec.ports ?? []).find((q) => q !== p && q.port === p.port && q.nodePort);
            if (sibling?.nodePort) {
              p.nodePort = sibling.nodePort;
              continue;
            }
            const np = await ports.takeAny(portCandidates(), owner);
            if (!np) throw errors.internal(new Error('failed to allocate a nodePort: range is full'));
            taken.ports.push(np);
            p.nodePort = np;
          }
        }
        if (errs.length) throw invalid(o, errs);
      }
      return taken;
    } catch (e: unknown) {
      await release(taken);
      throw e;
    }
  }

  async function release(t: { ip?: string; ports: number[] }): Promise<void> {
    if (t.ip) await ips.release(t.ip);
    for (const p of t.ports) await ports.release(p);
  }

  /** What `spec` holds that `keep` does not. */
  function heldBy(spec: ServiceSpec, keep?: ServiceSpec): { ip?: string; ports: number[] } {
    const out: { ip?: string; ports: number[] } = { ports: [] };
    if (needsClusterIP(spec) && spec.clusterIP && !(keep && needsClusterIP(keep) && keep.clusterIP === spec.clusterIP)) out.ip = spec.clusterIP;
    if (needsNodePorts(spec)) {
      const kept = new Set(keep && needsNodePorts(keep) ? (keep.ports ?? []).map((p) => p.nodePort) : []);
      for (const p of spec.ports ?? []) if (p.nodePort && !kept.has(p.nodePort)) out.ports.push(p.nodePort);
    }
    return out;
  }

  // Allocations made by a write in flight, so a failed write can give them back.
  const pending = new WeakMap<KubeObject, { ip?: string; ports: number[] }>();

  const hooks: TypeHooks = {
    async beforeCreate(obj) {
      pending.set(obj, await allocate(obj, undefined));
    },
    async createFailed(obj) {
      const t = pending.get(obj);
      if (t) await release(t);
    },
    async beforeUpdate(obj, old) {
      pending.set(obj, await allocate(obj, specOf(old)));
    },
    async updateFailed(obj) {
      const t = pending.get(obj);
      if (t) await release(t);
    },
    async afterUpdate(obj, old) {
      await release(heldBy(specOf(old), specOf(obj)));
    },
    async afterDelete(obj) {
      await release(heldBy(specOf(obj)));
    },
  };

  const strategy: Partial<TypeStrategy> = {
    prepareForUpdate(obj, old) {
      // As upstream: values the server allocated carry over when the client leaves them out.
      const spec = specOf(obj);
      const prev = specOf(old);
      if (!spec.clusterIP && prev.clusterIP && needsClusterIP(spec) && needsClusterIP(prev)) {
        spec.clusterIP = prev.clusterIP;
        spec.clusterIPs = prev.clusterIPs;
      }
      if (spec.type === 'ExternalName') {
        delete spec.clusterIP;
        delete spec.clusterIPs;
      }
      if (needsNodePorts(spec) && needsNodePorts(prev)) {
        for (const p of spec.ports ?? []) {
          if (p.nodePort) continue;
          const match = (prev.ports ?? []).find((q) => q.port === p.port && (q.protocol ?? 'TCP') === (p.protocol ?? 'TCP'));
          if (match?.nodePort) p.nodePort = match.nodePort;
        }
      }
      if (!needsNodePorts(spec)) for (const p of spec.ports ?? []) delete p.nodePort;
    },
  };

  return { hooks, strategy };
}
