import { deepEqual } from '../../util/deep.js';

/**
 * core/v1 Endpoints subsets: building, repacking and truncating them as upstream's
 * endpoints controller and pkg/api/v1/endpoints do.
 */

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  resourceVersion?: string;
}

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

/** Upstream's cap on addresses in one Endpoints object. */
export const MAX_CAPACITY = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

const addrKey = (a: EndpointAddress) => `${a.ip}|${a.targetRef?.uid ?? ''}`;
const portKey = (p: EndpointPort) => JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']);

function compareAddrs(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const ka = portKey(a);
  const kb = portKey(b);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/**
 * Regroups subsets so that each holds the addresses sharing exactly one set of ports, as
 * upstream's RepackSubsets: an address ready on any subset for a port is ready for it;
 * addresses are sorted by IP then target uid. Upstream orders ports and subsets by a hash
 * of their Go representation; here they are ordered by their content, which is as stable.
 */
export function repackSubsets(subsets: EndpointSubset[]): EndpointSubset[] {
  const addrs = new Map<string, EndpointAddress>();
  // port key -> (address key -> ready)
  const byPort = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, boolean> }>();
  const note = (port: EndpointPort | undefined, a: EndpointAddress, ready: boolean) => {
    const ak = addrKey(a);
    if (!addrs.has(ak)) addrs.set(ak, { ...a });
    const pk = port ? portKey(port) : '<none>';
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, addrs: new Map() }));
    const prev = entry.addrs.get(ak);
    if (prev === undefined || !prev) entry.addrs.set(ak, ready);
  };
  for (const s of subsets) {
    const ports: (EndpointPort | undefined)[] = s.ports?.length ? s.ports : [undefined];
    for (const p of ports) {
      for (const a of s.addresses ?? []) note(p, a, true);
      for (const a of s.notReadyAddresses ?? []) note(p, a, false);
    }
  }
  // Address set -> the ports offered by exactly that set.
  const groups = new Map<string, { set: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addrs: set } of byPort.values()) {
    const key = JSON.stringify([...set].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { set, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [ak, r] of g.set) (r ? ready : notReady).push(addrs.get(ak)!);
    const s: EndpointSubset = {};
    if (ready.length) s.addresses = ready.sort(compareAddrs);
    if (notReady.length) s.notReadyAddresses = notReady.sort(compareAddrs);
    if (g.ports.length) s.ports = g.ports.sort(comparePorts);
    out.push(s);
  }
  return out.sort((a, b) => {
    const ka = JSON.stringify(a);
    const kb = JSON.stringify(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}

const count = (subsets: EndpointSubset[]) => subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);

/**
 * Cuts subsets down to MAX_CAPACITY addresses, ready ones first, spreading the cut over the
 * subsets in proportion, as upstream's truncateEndpoints. Returns whether it cut anything.
 */
export function truncateSubsets(subsets: EndpointSubset[]): boolean {
  let totalReady = 0;
  let totalNotReady = 0;
  for (const s of subsets) {
    totalReady += s.addresses?.length ?? 0;
    totalNotReady += s.notReadyAddresses?.length ?? 0;
  }
  if (totalReady + totalNotReady <= MAX_CAPACITY) return false;
  const truncateReady = totalReady > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = max;
  subsets.forEach((s, i) => {
    const inSubset = truncateReady ? (s.addresses?.length ?? 0) : (s.notReadyAddresses?.length ?? 0);
    const toBeAdded = i !== subsets.length - 1 ? Math.ceil((inSubset / numTotal) * max) : canBeAdded;
    const take = (list: EndpointAddress[] | undefined) => (list ?? []).slice(0, Math.max(0, Math.min(toBeAdded, canBeAdded)));
    if (truncateReady) {
      s.addresses = take(s.addresses);
      delete s.notReadyAddresses;
      canBeAdded -= s.addresses.length;
    } else {
      s.notReadyAddresses = take(s.notReadyAddresses);
      canBeAdded -= s.notReadyAddresses.length;
    }
  });
  return true;
}

/** Whether the over-capacity annotation matches the subsets, as upstream's capacityAnnotationSetCorrectly. */
export function capacityAnnotationSetCorrectly(annotations: Record<string, string> | undefined, subsets: EndpointSubset[]): boolean {
  const n = count(subsets);
  if (n > MAX_CAPACITY) return false;
  const set = annotations?.[ANNOTATION_OVER_CAPACITY] !== undefined;
  return (set && n === MAX_CAPACITY) || (!set && n < MAX_CAPACITY);
}

/** Subsets equal apart from the targets' resourceVersions (empty lists count as absent). */
export function subsetsEqualIgnoringResourceVersion(a: EndpointSubset[] | undefined, b: EndpointSubset[] | undefined): boolean {
  const addr = (list: EndpointAddress[] | undefined) =>
    list?.length ? list.map((x) => ({ ...x, targetRef: x.targetRef ? { ...x.targetRef, resourceVersion: undefined } : undefined })) : undefined;
  const norm = (subsets: EndpointSubset[] | undefined) =>
    (subsets ?? []).map((s) => ({ addresses: addr(s.addresses), notReadyAddresses: addr(s.notReadyAddresses), ports: s.ports?.length ? s.ports : undefined }));
  return deepEqual(norm(a), norm(b));
}
