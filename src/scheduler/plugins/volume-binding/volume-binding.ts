import { gvr } from '../../../client/api-client.js';
import type { Lister } from '../../../client/lister.js';
import { labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import { Quantity } from '../../../apimachinery/quantity.js';
import {
  ActionType,
  Code,
  EventResource,
  QueueingHint,
  Status,
  nodeSelectorMatches,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type MaybeStatus,
  type Node,
  type NodeInfo,
  type PersistentVolume,
  type PersistentVolumeClaim,
  type Pod,
  type PreBindPlugin,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type ReservePlugin,
  type StateData,
  type StorageClass,
} from '../../framework/index.js';
import { Names } from '../names.js';

export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
export const ERR_REASON_NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const ERR_REASON_PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ERR_UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';

export const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const ANN_BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';
const NOT_SUPPORTED_PROVISIONER = 'kubernetes.io/no-provisioner';

const STATE_KEY = Names.VolumeBinding;
const PVCS = gvr('v1', 'persistentvolumeclaims');
const PVS = gvr('v1', 'persistentvolumes');

interface PodVolumes {
  staticBindings: { pv: PersistentVolume; pvc: PersistentVolumeClaim }[];
  dynamicProvisions: PersistentVolumeClaim[];
}

class VolumeState implements StateData {
  podVolumesByNode = new Map<string, PodVolumes>();
  constructor(
    readonly boundClaims: PersistentVolumeClaim[],
    readonly delayedClaims: PersistentVolumeClaim[],
    public allBound = false,
  ) {}
  clone(): StateData {
    return this;
  }
}

const claimClass = (c: PersistentVolumeClaim): string => c.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? c.spec?.storageClassName ?? '';
const volumeClass = (v: PersistentVolume): string => v.metadata.annotations?.[ANN_BETA_STORAGE_CLASS] ?? v.spec?.storageClassName ?? '';
const fullyBound = (c: PersistentVolumeClaim): boolean => !!c.spec?.volumeName && !!c.metadata.annotations && ANN_BIND_COMPLETED in c.metadata.annotations;
const rvNum = (o: { metadata?: { resourceVersion?: string } } | undefined): number => Number(o?.metadata?.resourceVersion ?? 0) || 0;

function storageOf(list: Record<string, string | number> | undefined): Quantity {
  const v = list?.storage;
  try {
    return v === undefined ? Quantity.zero() : Quantity.parse(String(v));
  } catch {
    return Quantity.zero();
  }
}

/** Whether a PV's node affinity admits the node (no affinity admits every node). */
export function pvNodeAffinityMatches(pv: PersistentVolume, node: Node): boolean {
  const req = pv.spec?.nodeAffinity?.required;
  if (!req) return true;
  return nodeSelectorMatches(req.nodeSelectorTerms, node);
}

function boundToClaim(pv: PersistentVolume, c: PersistentVolumeClaim): boolean {
  const ref = pv.spec?.claimRef;
  if (!ref) return false;
  if (ref.name !== c.metadata.name || ref.namespace !== c.metadata.namespace) return false;
  return !ref.uid || ref.uid === c.metadata.uid;
}

/** The smallest available PV matching the claim on `node` (or the one pre-bound to it), as upstream's FindMatchingVolume. */
export function findMatchingVolume(c: PersistentVolumeClaim, volumes: readonly PersistentVolume[], node: Node, excluded: Set<string>): PersistentVolume | undefined {
  const requested = storageOf(c.spec?.resources?.requests);
  const klass = claimClass(c);
  let selector;
  if (c.spec?.selector) selector = labelSelectorAsSelector(c.spec.selector);
  let best: PersistentVolume | undefined;
  let bestQty: Quantity | undefined;
  for (const v of volumes) {
    if (excluded.has(v.metadata.name!)) continue;
    if (v.spec?.claimRef && !boundToClaim(v, c)) continue;
    const qty = storageOf(v.spec?.capacity);
    if (qty.cmp(requested) < 0) continue;
    if ((c.spec?.volumeMode ?? 'Filesystem') !== (v.spec?.volumeMode ?? 'Filesystem')) continue;
    if (v.metadata.deletionTimestamp) continue;
    const affinityOk = pvNodeAffinityMatches(v, node);
    if (boundToClaim(v, c)) return affinityOk ? v : undefined;
    if (v.status?.phase !== 'Available') continue;
    if (selector && !selector.matches(v.metadata.labels ?? {})) continue;
    if (volumeClass(v) !== klass) continue;
    if (!affinityOk) continue;
    const modes = new Set(v.spec?.accessModes ?? []);
    if (!(c.spec?.accessModes ?? []).every((m) => modes.has(m))) continue;
    if (!best || bestQty!.cmp(qty) > 0) {
      best = v;
      bestQty = qty;
    }
  }
  return best;
}

/** Whether a node satisfies a storage class's allowedTopologies (none: every node). */
function matchTopology(sc: StorageClass, node: Node): boolean {
  const terms = sc.allowedTopologies ?? [];
  if (terms.length === 0) return true;
  const labels = node.metadata.labels ?? {};
  return terms.some((t) => (t.matchLabelExpressions ?? []).every((e) => e.key in labels && e.values.includes(labels[e.key]!)));
}

export interface VolumeBindingArgs {
  /** How long PreBind waits for the claims to be bound (default 600 s). */
  bindTimeoutSeconds?: number;
}

/**
 * Volumes of PersistentVolumeClaims, as upstream's VolumeBinding for PVs without CSI
 * capacity tracking: bound claims need their PV's node affinity to admit the node; claims
 * of a WaitForFirstConsumer class are matched to an available PV on the node, or (when
 * none) provisioned there. PreBind writes the decisions — claimRef on matched PVs, the
 * annotation volume.kubernetes.io/selected-node on claims to provision — and waits until
 * every claim is bound before the pod is.
 */
export class VolumeBinding implements PreFilterPlugin, FilterPlugin, ReservePlugin, PreBindPlugin, EnqueueExtensions {
  readonly name = Names.VolumeBinding;
  private readonly pvcs: Lister<PersistentVolumeClaim>;
  private readonly pvs: Lister<PersistentVolume>;
  private readonly classes: Lister<StorageClass>;
  private readonly nodes: Lister<Node>;
  private readonly pods: Lister<Pod>;
  private readonly bindTimeoutMs: number;
  /** Objects the scheduler has decided on but not yet seen back from the API (upstream's assume cache). */
  private readonly assumedPVs = new Map<string, PersistentVolume>();
  private readonly assumedPVCs = new Map<string, PersistentVolumeClaim>();

  constructor(
    private readonly handle: Handle,
    args: VolumeBindingArgs = {},
  ) {
    const inf = handle.informers;
    this.pvcs = inf.informerFor(PVCS).lister();
    this.pvs = inf.informerFor(PVS).lister();
    this.classes = inf.informerFor(gvr('storage.k8s.io/v1', 'storageclasses')).lister();
    this.nodes = inf.informerFor(gvr('v1', 'nodes')).lister();
    this.pods = inf.informerFor(gvr('v1', 'pods'), { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }).lister();
    this.bindTimeoutMs = (args.bindTimeoutSeconds ?? 600) * 1000;
  }

  private getPV(name: string): PersistentVolume | undefined {
    const api = this.pvs.get('', name);
    const assumed = this.assumedPVs.get(name);
    if (assumed && (!api || rvNum(assumed) >= rvNum(api))) return assumed;
    if (assumed) this.assumedPVs.delete(name);
    return api;
  }

  private getPVC(ns: string, name: string): PersistentVolumeClaim | undefined {
    const key = `${ns}/${name}`;
    const api = this.pvcs.get(ns, name);
    const assumed = this.assumedPVCs.get(key);
    if (assumed && (!api || rvNum(assumed) >= rvNum(api))) return assumed;
    if (assumed) this.assumedPVCs.delete(key);
    return api;
  }

  private pvsOfClass(klass: string): PersistentVolume[] {
    return this.pvs.list().map((v) => this.getPV(v.metadata.name!) ?? v).filter((v) => volumeClass(v) === klass);
  }

  /** The claims of a pod's volumes, or the reason they cannot be used at all. */
  private podClaims(pod: Pod): { claims: PersistentVolumeClaim[] } | { error: string } | undefined {
    const claims: PersistentVolumeClaim[] = [];
    let any = false;
    const ns = pod.metadata.namespace ?? '';
    for (const v of pod.spec?.volumes ?? []) {
      let name: string;
      let ephemeral = false;
      if (v.persistentVolumeClaim) name = v.persistentVolumeClaim.claimName;
      else if (v.ephemeral) {
        name = `${pod.metadata.name}-${v.name}`;
        ephemeral = true;
      } else continue;
      any = true;
      const pvc = this.getPVC(ns, name);
      if (!pvc) {
        return { error: ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found` };
      }
      if (pvc.status?.phase === 'Lost') return { error: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"` };
      if (pvc.metadata.deletionTimestamp) return { error: `persistentvolumeclaim "${name}" is being deleted` };
      if (ephemeral && !(pvc.metadata.ownerReferences ?? []).some((r) => r.controller && r.uid === pod.metadata.uid)) {
        return { error: `PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)` };
      }
      claims.push(pvc);
    }
    return any ? { claims } : undefined;
  }

  private isDelayBinding(c: PersistentVolumeClaim): boolean {
    const klass = claimClass(c);
    if (!klass) return false;
    const sc = this.classes.get('', klass);
    return (sc?.volumeBindingMode ?? 'Immediate') === 'WaitForFirstConsumer';
  }

  preFilter(state: CycleState, pod: Pod): PreFilterOutcome | undefined {
    const found = this.podClaims(pod);
    if (!found) {
      state.write(STATE_KEY, new VolumeState([], [], true));
      return { status: Status.of(Code.Skip) };
    }
    if ('error' in found) return { status: Status.of(Code.UnschedulableAndUnresolvable, found.error) };
    const bound: PersistentVolumeClaim[] = [];
    const delayed: PersistentVolumeClaim[] = [];
    let immediate = 0;
    for (const c of found.claims) {
      if (fullyBound(c)) bound.push(c);
      else if (this.isDelayBinding(c) && !c.spec?.volumeName) delayed.push(c);
      else immediate++;
    }
    if (immediate > 0) return { status: Status.of(Code.UnschedulableAndUnresolvable, ERR_UNBOUND_IMMEDIATE) };
    state.write(STATE_KEY, new VolumeState(bound, delayed));
    return undefined;
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const s = state.mustRead<VolumeState>(STATE_KEY);
    const node = nodeInfo.node!;
    let boundSatisfied = true;
    let pvsFound = true;
    for (const c of s.boundClaims) {
      const pv = this.getPV(c.spec!.volumeName!);
      if (!pv) {
        pvsFound = false;
        break;
      }
      if (!pvNodeAffinityMatches(pv, node)) {
        boundSatisfied = false;
        break;
      }
    }
    let unboundSatisfied = true;
    const vols: PodVolumes = { staticBindings: [], dynamicProvisions: [] };
    if (boundSatisfied && pvsFound && s.delayedClaims.length) {
      const chosen = new Set<string>();
      const toProvision: PersistentVolumeClaim[] = [];
      const bySize = [...s.delayedClaims].sort((a, b) => storageOf(a.spec?.resources?.requests).cmp(storageOf(b.spec?.resources?.requests)));
      for (const c of bySize) {
        let pv: PersistentVolume | undefined;
        try {
          pv = findMatchingVolume(c, this.pvsOfClass(claimClass(c)), node, chosen);
        } catch (e: unknown) {
          return Status.asStatus(e);
        }
        if (pv) {
          chosen.add(pv.metadata.name!);
          vols.staticBindings.push({ pv, pvc: c });
        } else toProvision.push(c);
      }
      for (const c of toProvision) {
        const klass = claimClass(c);
        if (!klass) return Status.asStatus(new Error(`no class for claim "${c.metadata.namespace}/${c.metadata.name}"`));
        const sc = this.classes.get('', klass);
        if (!sc) return Status.asStatus(new Error(`failed to find storage class "${klass}"`));
        if (!sc.provisioner || sc.provisioner === NOT_SUPPORTED_PROVISIONER || !matchTopology(sc, node)) {
          unboundSatisfied = false;
          break;
        }
        vols.dynamicProvisions.push(c);
      }
    }
    const reasons: string[] = [];
    if (!boundSatisfied) reasons.push(ERR_REASON_NODE_CONFLICT);
    if (!unboundSatisfied) reasons.push(ERR_REASON_BIND_CONFLICT);
    if (!pvsFound) reasons.push(ERR_REASON_PV_NOT_EXIST);
    if (reasons.length) return Status.of(Code.UnschedulableAndUnresolvable, ...reasons);
    s.podVolumesByNode.set(nodeInfo.name, vols);
    return undefined;
  }

  reserve(state: CycleState, _pod: Pod, nodeName: string): MaybeStatus {
    const s = state.read<VolumeState>(STATE_KEY);
    if (!s) return undefined;
    const vols = s.podVolumesByNode.get(nodeName);
    if (!vols || (vols.staticBindings.length === 0 && vols.dynamicProvisions.length === 0)) {
      s.allBound = true;
      return undefined;
    }
    const bindings = vols.staticBindings.map(({ pv, pvc }) => {
      const clone = structuredClone(pv);
      const wasBound = boundToClaim(pv, pvc);
      const ref = pv.spec?.claimRef;
      if (!ref || ref.name !== pvc.metadata.name || ref.namespace !== pvc.metadata.namespace || ref.uid !== pvc.metadata.uid) {
        clone.spec = {
          ...clone.spec,
          claimRef: {
            kind: 'PersistentVolumeClaim',
            namespace: pvc.metadata.namespace,
            name: pvc.metadata.name,
            uid: pvc.metadata.uid,
            apiVersion: 'v1',
            resourceVersion: pvc.metadata.resourceVersion,
          },
        };
      }
      if (!wasBound && !clone.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER]) clone.metadata.annotations = { ...clone.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      this.assumedPVs.set(clone.metadata.name!, clone);
      return { pv: clone, pvc };
    });
    const provisions = vols.dynamicProvisions.map((c) => {
      const clone = structuredClone(c);
      clone.metadata.annotations = { ...clone.metadata.annotations, [ANN_SELECTED_NODE]: nodeName };
      this.assumedPVCs.set(`${clone.metadata.namespace}/${clone.metadata.name}`, clone);
      return clone;
    });
    s.podVolumesByNode.set(nodeName, { staticBindings: bindings, dynamicProvisions: provisions });
    return undefined;
  }

  unreserve(state: CycleState, _pod: Pod, nodeName: string): void {
    const vols = state.read<VolumeState>(STATE_KEY)?.podVolumesByNode.get(nodeName);
    if (!vols) return;
    for (const b of vols.staticBindings) this.assumedPVs.delete(b.pv.metadata.name!);
    for (const c of vols.dynamicProvisions) this.assumedPVCs.delete(`${c.metadata.namespace}/${c.metadata.name}`);
  }

  async preBind(state: CycleState, pod: Pod, nodeName: string, signal: AbortSignal): Promise<MaybeStatus> {
    const s = state.read<VolumeState>(STATE_KEY);
    if (!s || s.allBound) return undefined;
    const vols = s.podVolumesByNode.get(nodeName);
    if (!vols) return Status.asStatus(new Error(`no pod volumes found for node "${nodeName}"`));
    try {
      for (const b of vols.staticBindings) b.pv = (await this.handle.client.update(PVS, '', b.pv)) as PersistentVolume;
      for (let i = 0; i < vols.dynamicProvisions.length; i++) {
        const c = vols.dynamicProvisions[i]!;
        vols.dynamicProvisions[i] = (await this.handle.client.update(PVCS, c.metadata.namespace!, c)) as PersistentVolumeClaim;
      }
    } catch (e: unknown) {
      return Status.asStatus(e);
    }
    const deadline = this.handle.clock.now() + this.bindTimeoutMs;
    for (;;) {
      if (!(await sleep(this.handle, 1000, signal))) return Status.asStatus(new Error('binding volumes: context canceled'));
      let done: boolean;
      try {
        done = this.checkBindings(pod, nodeName, vols);
      } catch (e: unknown) {
        return Status.asStatus(new Error(`binding volumes: ${(e as Error).message}`));
      }
      if (done) return undefined;
      if (this.handle.clock.now() >= deadline) return Status.asStatus(new Error('binding volumes: context deadline exceeded'));
    }
  }

  /** True when every claim the pod needed is bound; throws when binding cannot succeed any more. */
  private checkBindings(pod: Pod, nodeName: string, vols: PodVolumes): boolean {
    const node = this.nodes.get('', nodeName);
    if (!node) throw new Error(`node "${nodeName}" not found`);
    if (!this.pods.get(pod.metadata.namespace ?? '', pod.metadata.name ?? '')) throw new Error('pod does not exist any more');
    for (const b of vols.staticBindings) {
      const pv = this.pvs.get('', b.pv.metadata.name!);
      const pvc = this.pvcs.get(b.pvc.metadata.namespace ?? '', b.pvc.metadata.name ?? '');
      if (!pv || !pvc) throw new Error(`failed to get PV/PVC "${b.pv.metadata.name}" from cache`);
      // Our own update has not come back through the informer yet.
      if (rvNum(b.pv) > rvNum(pv)) return false;
      if (!pvNodeAffinityMatches(pv, node)) throw new Error(`pv "${pv.metadata.name}" node affinity doesn't match node "${nodeName}"`);
      if (!pv.spec?.claimRef?.uid) throw new Error(`ClaimRef got reset for pv "${pv.metadata.name}"`);
      if (!fullyBound(pvc)) return false;
    }
    for (const c of vols.dynamicProvisions) {
      const pvc = this.pvcs.get(c.metadata.namespace ?? '', c.metadata.name ?? '');
      if (!pvc) throw new Error(`failed to get pvc "${c.metadata.namespace}/${c.metadata.name}" from cache`);
      if (rvNum(c) > rvNum(pvc)) return false;
      if (!pvc.metadata.annotations) throw new Error(`selectedNode annotation reset for PVC "${pvc.metadata.name}"`);
      // The provisioner removes the annotation to ask for another node.
      if (pvc.metadata.annotations[ANN_SELECTED_NODE] !== nodeName) throw new Error(`provisioning failed for PVC "${pvc.metadata.name}"`);
      if (pvc.spec?.volumeName) {
        const pv = this.pvs.get('', pvc.spec.volumeName);
        if (!pv) return false;
        if (!pvNodeAffinityMatches(pv, node)) throw new Error(`pv "${pv.metadata.name}" node affinity doesn't match node "${nodeName}"`);
      }
      if (!fullyBound(pvc)) return false;
    }
    return true;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      { event: { resource: EventResource.StorageClass, actionType: ActionType.Add | ActionType.Update } },
      {
        event: { resource: EventResource.PersistentVolumeClaim, actionType: ActionType.Add | ActionType.Update },
        hint: (pod, _old, newObj) => {
          const c = newObj as PersistentVolumeClaim | undefined;
          if (!c || c.metadata.namespace !== pod.metadata.namespace) return QueueingHint.QueueSkip;
          const names = new Set(
            (pod.spec?.volumes ?? []).map((v) => v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata.name}-${v.name}` : undefined)),
          );
          return names.has(c.metadata.name) ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
      { event: { resource: EventResource.PersistentVolume, actionType: ActionType.Add | ActionType.Update } },
      { event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint } },
      { event: { resource: EventResource.CSINode, actionType: ActionType.Add | ActionType.Update } },
    ];
  }
}

async function sleep(h: Handle, ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await h.clock.sleep(ms, signal);
    return true;
  } catch {
    return false;
  }
}

export const newVolumeBinding = (h: Handle, args?: VolumeBindingArgs) => new VolumeBinding(h, args);
