/**
 * The scheduler's cache of nodes and the pods on them, as upstream's internal cache:
 * bound pods come from the informer; "assumed" pods are the scheduler's own decisions
 * whose bindings are still in flight, so the next pods already see the space they take.
 * When the informer reports the pod bound, the assumption is confirmed (and moved if the
 * pod ended up elsewhere); when binding fails the scheduler forgets it.
 *
 * Single-threaded: callers never interleave inside a method. Snapshots are copies that a
 * scheduling cycle can read while the cache keeps changing.
 */
import type { Node, Pod } from './api.js';
import { LABEL_ZONE } from './api.js';
import type { NodeInfoLister } from './interfaces.js';
import { NodeInfo } from './node-info.js';

interface PodState {
  pod: Pod;
  assumed: boolean;
  bindingFinished: boolean;
}

const REGION = 'topology.kubernetes.io/region';

/** A node's zone key (region + zone), as upstream's nodeTree groups nodes. */
function zoneOf(node: Node | undefined): string {
  const l = node?.metadata?.labels ?? {};
  return `${l[REGION] ?? ''}:\u0000:${l[LABEL_ZONE] ?? ''}`;
}

/** Node names grouped by zone; `list` interleaves zones so early nodes come from every zone. */
class NodeTree {
  private readonly zones = new Map<string, string[]>();

  add(node: Node): void {
    const z = zoneOf(node);
    const names = this.zones.get(z) ?? [];
    if (!names.includes(node.metadata.name!)) names.push(node.metadata.name!);
    this.zones.set(z, names);
  }

  remove(node: Node): void {
    const z = zoneOf(node);
    const names = this.zones.get(z);
    if (!names) return;
    const i = names.indexOf(node.metadata.name!);
    if (i >= 0) names.splice(i, 1);
    if (names.length === 0) this.zones.delete(z);
  }

  update(oldNode: Node | undefined, newNode: Node): void {
    if (oldNode && zoneOf(oldNode) === zoneOf(newNode)) return;
    if (oldNode) this.remove(oldNode);
    this.add(newNode);
  }

  list(): string[] {
    const out: string[] = [];
    const lists = [...this.zones.values()];
    for (let i = 0; ; i++) {
      let any = false;
      for (const l of lists) {
        if (i < l.length) {
          out.push(l[i]!);
          any = true;
        }
      }
      if (!any) return out;
    }
  }
}

/** A consistent copy of the cache for one scheduling cycle. */
export class Snapshot implements NodeInfoLister {
  nodeInfoMap = new Map<string, NodeInfo>();
  nodeInfoList: NodeInfo[] = [];
  private withAffinity: NodeInfo[] = [];
  private withRequiredAntiAffinity: NodeInfo[] = [];
  generation = 0;

  /** A snapshot of the given node infos (for tests and tools). */
  static of(nodeInfos: NodeInfo[]): Snapshot {
    const s = new Snapshot();
    for (const ni of nodeInfos) s.nodeInfoMap.set(ni.name, ni);
    s.nodeInfoList = [...nodeInfos];
    s.rebuildLists();
    return s;
  }

  rebuildLists(): void {
    this.withAffinity = this.nodeInfoList.filter((n) => n.podsWithAffinity.length > 0);
    this.withRequiredAntiAffinity = this.nodeInfoList.filter((n) => n.podsWithRequiredAntiAffinity.length > 0);
  }

  list(): readonly NodeInfo[] {
    return this.nodeInfoList;
  }

  havePodsWithAffinityList(): readonly NodeInfo[] {
    return this.withAffinity;
  }

  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[] {
    return this.withRequiredAntiAffinity;
  }

  get(nodeName: string): NodeInfo | undefined {
    return this.nodeInfoMap.get(nodeName);
  }

  numNodes(): number {
    return this.nodeInfoList.length;
  }
}

export class SchedulerCache {
  private readonly nodes = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  private readonly tree = new NodeTree();

  private nodeInfoFor(name: string): NodeInfo {
    let ni = this.nodes.get(name);
    if (!ni) {
      ni = new NodeInfo();
      this.nodes.set(name, ni);
    }
    return ni;
  }

  private addPodToNode(pod: Pod): void {
    this.nodeInfoFor(pod.spec.nodeName!).addPod(pod);
  }

  private removePodFromNode(pod: Pod): void {
    const name = pod.spec.nodeName ?? '';
    const ni = this.nodes.get(name);
    if (!ni) return;
    ni.removePod(pod);
    // A node deleted while pods were on it lingers until its last pod goes.
    if (ni.pods.length === 0 && !ni.node) this.nodes.delete(name);
  }

  /** Records the scheduler's decision `pod` (with spec.nodeName set) before its binding completes. */
  assumePod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    if (this.podStates.has(uid)) throw new Error(`pod ${pod.metadata.namespace}/${pod.metadata.name} is in the cache, so can't be assumed`);
    this.addPodToNode(pod);
    this.podStates.set(uid, { pod, assumed: true, bindingFinished: false });
  }

  finishBinding(pod: Pod): void {
    const s = this.podStates.get(pod.metadata.uid!);
    if (s?.assumed) s.bindingFinished = true;
  }

  /** Drops an assumption (binding failed or was abandoned). */
  forgetPod(pod: Pod): void {
    const s = this.podStates.get(pod.metadata.uid!);
    if (!s || !s.assumed) return;
    this.removePodFromNode(s.pod);
    this.podStates.delete(pod.metadata.uid!);
  }

  isAssumedPod(pod: Pod): boolean {
    return !!this.podStates.get(pod.metadata.uid!)?.assumed;
  }

  /** A bound pod seen by the informer; confirms an assumption of it. */
  addPod(pod: Pod): void {
    const uid = pod.metadata.uid!;
    const s = this.podStates.get(uid);
    if (s) {
      // Assumed (or re-added after a relist): replace what we had with the API's version.
      this.removePodFromNode(s.pod);
    }
    this.addPodToNode(pod);
    this.podStates.set(uid, { pod, assumed: false, bindingFinished: false });
  }

  updatePod(_oldPod: Pod, newPod: Pod): void {
    const s = this.podStates.get(newPod.metadata.uid!);
    if (s) this.removePodFromNode(s.pod);
    this.addPodToNode(newPod);
    this.podStates.set(newPod.metadata.uid!, { pod: newPod, assumed: false, bindingFinished: false });
  }

  removePod(pod: Pod): void {
    const s = this.podStates.get(pod.metadata.uid!);
    this.removePodFromNode(s?.pod ?? pod);
    this.podStates.delete(pod.metadata.uid!);
  }

  /** The cached version of a pod (assumed or bound). */
  getPod(uid: string): Pod | undefined {
    return this.podStates.get(uid)?.pod;
  }

  addNode(node: Node): void {
    const ni = this.nodeInfoFor(node.metadata.name!);
    this.tree.update(ni.node, node);
    ni.setNode(node);
  }

  updateNode(_oldNode: Node, newNode: Node): void {
    this.addNode(newNode);
  }

  removeNode(node: Node): void {
    const name = node.metadata.name!;
    const ni = this.nodes.get(name);
    if (!ni) return;
    if (ni.node) this.tree.remove(ni.node);
    if (ni.pods.length === 0) this.nodes.delete(name);
    else ni.removeNode();
  }

  nodeCount(): number {
    let n = 0;
    for (const ni of this.nodes.values()) if (ni.node) n++;
    return n;
  }

  podCount(): number {
    return this.podStates.size;
  }

  /** Brings `snap` up to date, copying only node infos that changed since it was last updated. */
  updateSnapshot(snap: Snapshot): void {
    let maxGen = snap.generation;
    const fresh = new Map<string, NodeInfo>();
    for (const name of this.tree.list()) {
      const ni = this.nodes.get(name);
      if (!ni?.node) continue;
      const prev = snap.nodeInfoMap.get(name);
      fresh.set(name, prev && prev.generation === ni.generation ? prev : ni.clone());
      if (ni.generation > maxGen) maxGen = ni.generation;
    }
    snap.nodeInfoMap = fresh;
    snap.nodeInfoList = [...fresh.values()];
    snap.rebuildLists();
    snap.generation = maxGen;
  }

  /** Every node info, including nodes only known through their pods (for tests and dumps). */
  dump(): NodeInfo[] {
    return [...this.nodes.values()];
  }
}
