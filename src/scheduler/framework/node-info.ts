/**
 * The scheduler's view of pods and nodes: PodInfo (a pod with its parsed affinity terms and
 * computed requests) and NodeInfo (a node with the pods on it and the resources, ports and
 * claims they use), as upstream's framework types.
 */
import { labelSelectorAsSelector, newRequirement, Operator, type Labels, type Selector } from '../../apimachinery/labels.js';
import type { Node, Pod, PodAffinityTerm, WeightedPodAffinityTerm } from './api.js';
import { NON_ZERO_DEFAULTS, Resource, podRequests, CPU, MEMORY } from './resources.js';

/** A pod (anti-)affinity term ready for matching. */
export class AffinityTerm {
  constructor(
    readonly namespaces: Set<string>,
    readonly selector: Selector,
    readonly topologyKey: string,
    /** Matches the labels of namespaces the term also covers (nothing() when absent). */
    public namespaceSelector: Selector,
  ) {}

  /** Whether `pod` (whose namespace has `nsLabels`) is selected by this term. */
  matches(pod: Pod, nsLabels: Labels | undefined): boolean {
    const ns = pod.metadata?.namespace ?? '';
    if (this.namespaces.has(ns) || this.namespaceSelector.matches(nsLabels ?? {})) {
      return this.selector.matches(pod.metadata?.labels ?? {});
    }
    return false;
  }
}

export interface WeightedAffinityTerm {
  term: AffinityTerm;
  weight: number;
}

function newAffinityTerm(pod: Pod, t: PodAffinityTerm): AffinityTerm {
  let selector = labelSelectorAsSelector(t.labelSelector);
  // As upstream's apiserver does at creation (MatchLabelKeysInPodAffinity): the pod's own
  // values of matchLabelKeys/mismatchLabelKeys become In/NotIn requirements. Adding them again
  // when the apiserver already did is harmless (the same requirement twice).
  const labels = pod.metadata?.labels ?? {};
  if (t.labelSelector) {
    for (const k of t.matchLabelKeys ?? []) if (k in labels) selector = selector.add(newRequirement(k, Operator.In, [labels[k]!]));
    for (const k of t.mismatchLabelKeys ?? []) if (k in labels) selector = selector.add(newRequirement(k, Operator.NotIn, [labels[k]!]));
  }
  const namespaces = new Set<string>(t.namespaces ?? []);
  if ((t.namespaces ?? []).length === 0 && t.namespaceSelector == null) namespaces.add(pod.metadata?.namespace ?? '');
  return new AffinityTerm(namespaces, selector, t.topologyKey, labelSelectorAsSelector(t.namespaceSelector));
}

/** A pod plus what the scheduler derives from it once. Replace the PodInfo when the pod changes. */
export class PodInfo {
  readonly requiredAffinityTerms: AffinityTerm[] = [];
  readonly requiredAntiAffinityTerms: AffinityTerm[] = [];
  readonly preferredAffinityTerms: WeightedAffinityTerm[] = [];
  readonly preferredAntiAffinityTerms: WeightedAffinityTerm[] = [];
  /** Set when an affinity term could not be parsed (upstream keeps going and reports it where it matters). */
  readonly parseError: Error | undefined;
  private res: { requested: Resource; non0CPU: number; non0Mem: number } | undefined;

  constructor(readonly pod: Pod) {
    const a = pod.spec?.affinity;
    const errs: string[] = [];
    const parse = (terms: readonly PodAffinityTerm[] | null | undefined, into: AffinityTerm[], what: string) => {
      for (const t of terms ?? []) {
        try {
          into.push(newAffinityTerm(pod, t));
        } catch (e: unknown) {
          errs.push(`${what}: ${(e as Error).message}`);
        }
      }
    };
    const parseWeighted = (terms: readonly WeightedPodAffinityTerm[] | null | undefined, into: WeightedAffinityTerm[], what: string) => {
      for (const t of terms ?? []) {
        try {
          into.push({ term: newAffinityTerm(pod, t.podAffinityTerm), weight: t.weight });
        } catch (e: unknown) {
          errs.push(`${what}: ${(e as Error).message}`);
        }
      }
    };
    parse(a?.podAffinity?.requiredDuringSchedulingIgnoredDuringExecution, this.requiredAffinityTerms, 'requiredAffinityTerms');
    parse(a?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution, this.requiredAntiAffinityTerms, 'requiredAntiAffinityTerms');
    parseWeighted(a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution, this.preferredAffinityTerms, 'preferredAffinityTerms');
    parseWeighted(a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution, this.preferredAntiAffinityTerms, 'preferredAntiAffinityTerms');
    this.parseError = errs.length ? new Error(errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`) : undefined;
  }

  get name(): string {
    return this.pod.metadata?.name ?? '';
  }

  get namespace(): string {
    return this.pod.metadata?.namespace ?? '';
  }

  get uid(): string {
    return this.pod.metadata?.uid ?? '';
  }

  /** The pod's requests and its non-zero CPU/memory requests (defaults for containers requesting none). */
  resources(): { requested: Resource; non0CPU: number; non0Mem: number } {
    if (!this.res) {
      const requested = Resource.fromRequests(podRequests(this.pod));
      const non0 = podRequests(this.pod, { nonMissing: NON_ZERO_DEFAULTS });
      this.res = { requested, non0CPU: non0.get(CPU) ?? 0, non0Mem: non0.get(MEMORY) ?? 0 };
    }
    return this.res;
  }
}

export const hasAffinity = (p: Pod): boolean => !!(p.spec?.affinity?.podAffinity || p.spec?.affinity?.podAntiAffinity);
export const hasRequiredAntiAffinity = (p: Pod): boolean =>
  (p.spec?.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;

/** Host ports in use on a node: ip -> "protocol/port". 0.0.0.0 conflicts with every address. */
export class HostPortInfo {
  readonly byIp = new Map<string, Map<string, number>>();

  private static sanitize(ip: string | undefined, protocol: string | undefined): [string, string] {
    return [ip || '0.0.0.0', protocol || 'TCP'];
  }

  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (port <= 0) return;
    const [i, p] = HostPortInfo.sanitize(ip, protocol);
    const m = this.byIp.get(i) ?? new Map<string, number>();
    const key = `${p}/${port}`;
    m.set(key, (m.get(key) ?? 0) + 1);
    this.byIp.set(i, m);
  }

  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    if (port <= 0) return;
    const [i, p] = HostPortInfo.sanitize(ip, protocol);
    const m = this.byIp.get(i);
    if (!m) return;
    const key = `${p}/${port}`;
    const n = (m.get(key) ?? 0) - 1;
    if (n > 0) m.set(key, n);
    else m.delete(key);
    if (m.size === 0) this.byIp.delete(i);
  }

  /** Whether binding ip:protocol/port would collide with a port in use. */
  conflicts(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    if (port <= 0) return false;
    const [i, p] = HostPortInfo.sanitize(ip, protocol);
    const key = `${p}/${port}`;
    if (i === '0.0.0.0') {
      for (const m of this.byIp.values()) if (m.has(key)) return true;
      return false;
    }
    return !!this.byIp.get(i)?.has(key) || !!this.byIp.get('0.0.0.0')?.has(key);
  }

  get size(): number {
    return this.byIp.size;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, m] of this.byIp) c.byIp.set(ip, new Map(m));
    return c;
  }
}

/** Host ports a pod binds: its containers' and restartable init containers' ports with a hostPort. */
export function podHostPorts(pod: Pod): { hostIP?: string; protocol?: string; hostPort: number }[] {
  const out: { hostIP?: string; protocol?: string; hostPort: number }[] = [];
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always')];
  for (const c of containers) {
    for (const p of c.ports ?? []) if ((p.hostPort ?? 0) > 0) out.push({ hostIP: p.hostIP, protocol: p.protocol, hostPort: p.hostPort! });
  }
  return out;
}

let generation = 0;
export const nextGeneration = (): number => ++generation;

/**
 * A node and the pods the scheduler believes are on it (bound or assumed). `generation`
 * changes on every mutation so snapshots copy only what changed.
 */
export class NodeInfo {
  node: Node | undefined;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  requested = new Resource();
  nonZeroRequested = new Resource();
  allocatable = new Resource();
  /** "namespace/claim" -> number of pods on this node using it. */
  pvcRefCounts = new Map<string, number>();
  generation = nextGeneration();

  constructor(node?: Node, ...pods: Pod[]) {
    if (node) this.setNode(node);
    for (const p of pods) this.addPod(p);
  }

  get name(): string {
    return this.node?.metadata?.name ?? '';
  }

  setNode(node: Node): void {
    this.node = node;
    this.allocatable = Resource.fromList(node.status?.allocatable);
    this.generation = nextGeneration();
  }

  removeNode(): void {
    this.node = undefined;
    this.generation = nextGeneration();
  }

  addPod(pod: Pod): void {
    this.addPodInfo(new PodInfo(pod));
  }

  addPodInfo(pi: PodInfo): void {
    this.pods.push(pi);
    if (hasAffinity(pi.pod)) this.podsWithAffinity.push(pi);
    if (hasRequiredAntiAffinity(pi.pod)) this.podsWithRequiredAntiAffinity.push(pi);
    this.update(pi, 1);
  }

  /** Removes the pod with `pod`'s uid; false when it is not here. */
  removePod(pod: Pod): boolean {
    const uid = pod.metadata?.uid;
    const i = this.pods.findIndex((p) => p.uid === uid);
    if (i < 0) return false;
    const [pi] = this.pods.splice(i, 1);
    this.podsWithAffinity = this.podsWithAffinity.filter((p) => p.uid !== uid);
    this.podsWithRequiredAntiAffinity = this.podsWithRequiredAntiAffinity.filter((p) => p.uid !== uid);
    this.update(pi!, -1);
    return true;
  }

  private update(pi: PodInfo, sign: 1 | -1): void {
    const r = pi.resources();
    this.requested.addResource(r.requested, sign);
    this.nonZeroRequested.milliCPU += sign * r.non0CPU;
    this.nonZeroRequested.memory += sign * r.non0Mem;
    for (const hp of podHostPorts(pi.pod)) {
      if (sign > 0) this.usedPorts.add(hp.hostIP, hp.protocol, hp.hostPort);
      else this.usedPorts.remove(hp.hostIP, hp.protocol, hp.hostPort);
    }
    for (const v of pi.pod.spec?.volumes ?? []) {
      const claim = v.persistentVolumeClaim?.claimName;
      if (!claim) continue;
      const key = `${pi.namespace}/${claim}`;
      const n = (this.pvcRefCounts.get(key) ?? 0) + sign;
      if (n > 0) this.pvcRefCounts.set(key, n);
      else this.pvcRefCounts.delete(key);
    }
    this.generation = nextGeneration();
  }

  /** A copy that can be changed (e.g. by preemption's what-if) without touching this one. */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = this.usedPorts.clone();
    c.requested = this.requested.clone();
    c.nonZeroRequested = this.nonZeroRequested.clone();
    c.allocatable = this.allocatable.clone();
    c.pvcRefCounts = new Map(this.pvcRefCounts);
    c.generation = this.generation;
    return c;
  }
}
