import { gvr } from '../../../client/api-client.js';
import type { Lister } from '../../../client/lister.js';
import { rfc3339 } from '../../../client/time-format.js';
import { isNotFound } from '../../../apimachinery/status.js';
import { labelSelectorAsSelector } from '../../../apimachinery/labels.js';
import {
  Code,
  FitError,
  NodeToStatus,
  NominatingMode,
  Status,
  isSuccess,
  newDiagnosis,
  podPriority,
  schedulerNameOf,
  type CycleState,
  type Handle,
  type MaybeStatus,
  type NodeInfo,
  type NodeToStatusReader,
  type Pod,
  type PodDisruptionBudget,
  type PodInfo,
  type PostFilterPlugin,
  type PostFilterResult,
} from '../../framework/index.js';
import { Names } from '../names.js';

const PODS = gvr('v1', 'pods');
const MAX_INT32 = 2 ** 31 - 1;

export const REASON_NO_VICTIMS = 'No preemption victims found for incoming pod';
export const REASON_NOT_HELPFUL = 'Preemption is not helpful for scheduling';

/** A node where preempting `victims` (most important first) makes room for the pod. */
export interface Candidate {
  name: string;
  victims: Pod[];
  numPDBViolations: number;
}

export interface DefaultPreemptionArgs {
  /** Share of nodes to dry-run at least (default 10%). */
  minCandidateNodesPercentage?: number;
  /** Nodes to dry-run at least (default 100). */
  minCandidateNodesAbsolute?: number;
}

/** When a pod started (now when it has not: assumed and freshly bound pods). */
function startTime(p: Pod, now: number): number {
  const t = p.status?.startTime ? Date.parse(p.status.startTime) : NaN;
  return Number.isFinite(t) ? t : now;
}

/** Higher priority first; among equals the pod running longer. */
export function moreImportantPod(a: Pod, b: Pod, now: number): boolean {
  const pa = podPriority(a);
  const pb = podPriority(b);
  if (pa !== pb) return pa > pb;
  return startTime(a, now) < startTime(b, now);
}

/** Pods being deleted because the scheduler preempted them. */
function terminatingByPreemption(p: Pod): boolean {
  if (!p.metadata.deletionTimestamp) return false;
  const c = (p.status?.conditions ?? []).find((x) => x.type === 'DisruptionTarget');
  return !!c && c.status === 'True' && c.reason === 'PreemptionByScheduler';
}

/**
 * Splits pods (keeping their order) into those whose eviction would violate a
 * PodDisruptionBudget and the rest, as upstream's filterPodsWithPDBViolation.
 */
export function filterPodsWithPDBViolation<T extends { pod: Pod }>(pods: readonly T[], pdbs: readonly PodDisruptionBudget[]): [T[], T[]] {
  const allowed = pdbs.map((p) => p.status?.disruptionsAllowed ?? 0);
  const violating: T[] = [];
  const nonViolating: T[] = [];
  for (const pi of pods) {
    const labels = pi.pod.metadata.labels ?? {};
    let violated = false;
    if (Object.keys(labels).length) {
      pdbs.forEach((pdb, i) => {
        if (pdb.metadata.namespace !== pi.pod.metadata.namespace) return;
        let sel;
        try {
          sel = labelSelectorAsSelector(pdb.spec?.selector);
        } catch {
          return;
        }
        // A nil or empty selector matches nothing.
        if (sel.isEmpty() || sel.isNothing() || !sel.matches(labels)) return;
        if (pdb.status?.disruptedPods && pi.pod.metadata.name! in pdb.status.disruptedPods) return;
        allowed[i]!--;
        if (allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(pi);
  }
  return [violating, nonViolating];
}

/**
 * Picks the node to preempt on, as upstream: fewest PDB violations, then the lowest
 * highest-priority victim, the smallest priority sum, the fewest victims, the latest start
 * among the highest-priority victims, and finally the first.
 */
export function pickOneNodeForPreemption(candidates: readonly Candidate[], now: number): Candidate | undefined {
  if (candidates.length === 0) return undefined;
  const earliestStartOfTop = (c: Candidate) => {
    const top = podPriority(c.victims[0]!);
    let earliest = Infinity;
    for (const v of c.victims) if (podPriority(v) === top) earliest = Math.min(earliest, startTime(v, now));
    return earliest;
  };
  const scoreFuncs: ((c: Candidate) => number)[] = [
    (c) => -c.numPDBViolations,
    (c) => -podPriority(c.victims[0]!),
    (c) => -c.victims.reduce((sum, v) => sum + podPriority(v) + MAX_INT32 + 1, 0),
    (c) => -c.victims.length,
    (c) => earliestStartOfTop(c),
  ];
  let pool = [...candidates];
  for (const f of scoreFuncs) {
    let best = -Infinity;
    let selected: Candidate[] = [];
    for (const c of pool) {
      const s = f(c);
      if (s > best) {
        best = s;
        selected = [];
      }
      if (s === best) selected.push(c);
    }
    if (selected.length === 1) return selected[0];
    pool = selected;
  }
  return pool[0];
}

/**
 * PostFilter: when no node fits, find pods of lower priority whose removal from one node
 * lets the pod fit, delete them gracefully (after marking them with a DisruptionTarget
 * condition), and nominate that node for the pod (status.nominatedNodeName). Victims are
 * chosen to spare PodDisruptionBudgets and more important pods first.
 */
export class DefaultPreemption implements PostFilterPlugin {
  readonly name = Names.DefaultPreemption;
  private readonly pods: Lister<Pod>;
  private readonly pdbs: Lister<PodDisruptionBudget>;
  private readonly minPercentage: number;
  private readonly minAbsolute: number;

  constructor(
    private readonly handle: Handle,
    args: DefaultPreemptionArgs = {},
  ) {
    this.pods = handle.informers.informerFor(PODS, { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }).lister();
    this.pdbs = handle.informers.informerFor(gvr('policy/v1', 'poddisruptionbudgets')).lister();
    this.minPercentage = args.minCandidateNodesPercentage ?? 10;
    this.minAbsolute = args.minCandidateNodesAbsolute ?? 100;
  }

  async postFilter(state: CycleState, pod: Pod, m: NodeToStatusReader): Promise<{ result?: PostFilterResult; status: MaybeStatus }> {
    const { result, status } = await this.preempt(state, pod, m);
    const msg = status?.message() ?? '';
    if (msg) return { result, status: new Status(status!.code, [`preemption: ${msg}`], status!.error) };
    return { result, status };
  }

  private async preempt(state: CycleState, podIn: Pod, m: NodeToStatusReader): Promise<{ result?: PostFilterResult; status: MaybeStatus }> {
    const pod = this.pods.get(podIn.metadata.namespace ?? '', podIn.metadata.name ?? '');
    if (!pod) return { status: Status.asStatus(new Error(`pod "${podIn.metadata.name}" not found`)) };
    const [eligible, why] = this.podEligibleToPreemptOthers(pod, m.get(pod.status?.nominatedNodeName ?? ''));
    if (!eligible) return { status: Status.of(Code.Unschedulable, why) };
    const allNodes = this.handle.snapshot().list();
    const { candidates, statuses } = this.findCandidates(state, allNodes, pod, m);
    if (candidates.length === 0) {
      const d = newDiagnosis();
      d.nodeToStatus = statuses;
      statuses.absentNodesStatus = Status.of(Code.UnschedulableAndUnresolvable, REASON_NOT_HELPFUL);
      const fitError = new FitError(pod, allNodes.length, d);
      // Clear the pod's nomination, if it has one: preemption will not help anywhere.
      return { result: { nominatingInfo: { mode: NominatingMode.Override, nominatedNodeName: '' } }, status: Status.of(Code.Unschedulable, fitError.message()) };
    }
    const best = pickOneNodeForPreemption(candidates, this.handle.clock.now());
    if (!best) return { status: Status.of(Code.Unschedulable, 'no candidate node for preemption') };
    const s = await this.prepareCandidate(best, pod);
    if (!isSuccess(s)) return { status: s };
    return { result: { nominatingInfo: { mode: NominatingMode.Override, nominatedNodeName: best.name } }, status: undefined };
  }

  /**
   * A pod may preempt unless its preemptionPolicy is Never, or victims it already
   * preempted are still terminating on its nominated node.
   */
  podEligibleToPreemptOthers(pod: Pod, nominatedNodeStatus: Status | undefined): [boolean, string] {
    if (pod.spec?.preemptionPolicy === 'Never') return [false, 'not eligible due to preemptionPolicy=Never.'];
    const nnn = pod.status?.nominatedNodeName;
    if (nnn) {
      // The nominated node cannot work any more: preempt elsewhere.
      if (nominatedNodeStatus?.code === Code.UnschedulableAndUnresolvable) return [true, ''];
      const ni = this.handle.snapshot().get(nnn);
      if (ni) {
        const prio = podPriority(pod);
        for (const p of ni.pods) {
          if (podPriority(p.pod) < prio && terminatingByPreemption(p.pod)) return [false, 'not eligible due to a terminating pod on the nominated node.'];
        }
      }
    }
    return [true, ''];
  }

  private numCandidates(numNodes: number): number {
    let n = Math.trunc((numNodes * this.minPercentage) / 100);
    if (n < this.minAbsolute) n = this.minAbsolute;
    return Math.min(n, numNodes);
  }

  findCandidates(state: CycleState, allNodes: readonly NodeInfo[], pod: Pod, m: NodeToStatusReader): { candidates: Candidate[]; statuses: NodeToStatus } {
    const statuses = new NodeToStatus();
    const potential = m.nodesForStatusCode(allNodes, Code.Unschedulable);
    if (potential.length === 0) return { candidates: [], statuses };
    const pdbs = this.pdbs.list();
    const offset = Math.floor(this.handle.random() * potential.length);
    const want = this.numCandidates(potential.length);
    const nonViolating: Candidate[] = [];
    const violating: Candidate[] = [];
    for (let i = 0; i < potential.length; i++) {
      const ni = potential[(offset + i) % potential.length]!.clone();
      const { victims, numPDBViolations, status } = this.selectVictimsOnNode(state.clone(), pod, ni, pdbs);
      if (isSuccess(status) && victims.length) {
        (numPDBViolations === 0 ? nonViolating : violating).push({ name: ni.name, victims, numPDBViolations });
        if (nonViolating.length > 0 && nonViolating.length + violating.length >= want) break;
        continue;
      }
      statuses.set(ni.name, isSuccess(status) ? Status.asStatus(new Error(`expected at least one victim pod on node "${ni.name}"`)) : status!);
    }
    return { candidates: [...nonViolating, ...violating], statuses };
  }

  /** The fewest pods to remove from `nodeInfo` (a copy) so the pod fits, most important kept first. */
  selectVictimsOnNode(state: CycleState, pod: Pod, nodeInfo: NodeInfo, pdbs: readonly PodDisruptionBudget[]): { victims: Pod[]; numPDBViolations: number; status: MaybeStatus } {
    const prio = podPriority(pod);
    const remove = (pi: PodInfo): MaybeStatus => {
      nodeInfo.removePod(pi.pod);
      return this.handle.runPreFilterExtensionRemovePod(state, pod, pi, nodeInfo);
    };
    const add = (pi: PodInfo): MaybeStatus => {
      nodeInfo.addPodInfo(pi);
      return this.handle.runPreFilterExtensionAddPod(state, pod, pi, nodeInfo);
    };
    const potential = nodeInfo.pods.filter((p) => podPriority(p.pod) < prio);
    for (const pi of potential) {
      const s = remove(pi);
      if (!isSuccess(s)) return { victims: [], numPDBViolations: 0, status: Status.asStatus(s!.asError()) };
    }
    if (potential.length === 0) return { victims: [], numPDBViolations: 0, status: Status.of(Code.UnschedulableAndUnresolvable, REASON_NO_VICTIMS) };
    const fits = this.handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (!isSuccess(fits)) return { victims: [], numPDBViolations: 0, status: fits };
    const now = this.handle.clock.now();
    potential.sort((a, b) => (moreImportantPod(a.pod, b.pod, now) ? -1 : moreImportantPod(b.pod, a.pod, now) ? 1 : 0));
    const [violatingPods, nonViolatingPods] = filterPodsWithPDBViolation(potential, pdbs);
    const victims: PodInfo[] = [];
    let numViolating = 0;
    const reprieve = (pi: PodInfo): boolean | Status => {
      const s = add(pi);
      if (!isSuccess(s)) return Status.asStatus(s!.asError());
      const ok = isSuccess(this.handle.runFilterPluginsWithNominatedPods(state, pod, nodeInfo));
      if (!ok) {
        const r = remove(pi);
        if (!isSuccess(r)) return Status.asStatus(r!.asError());
        victims.push(pi);
      }
      return ok;
    };
    for (const pi of violatingPods) {
      const r = reprieve(pi);
      if (r instanceof Status) return { victims: [], numPDBViolations: 0, status: r };
      if (!r) numViolating++;
    }
    for (const pi of nonViolatingPods) {
      const r = reprieve(pi);
      if (r instanceof Status) return { victims: [], numPDBViolations: 0, status: r };
    }
    if (violatingPods.length && nonViolatingPods.length) {
      victims.sort((a, b) => (moreImportantPod(a.pod, b.pod, now) ? -1 : moreImportantPod(b.pod, a.pod, now) ? 1 : 0));
    }
    return { victims: victims.map((v) => v.pod), numPDBViolations: numViolating, status: undefined };
  }

  /** Evicts the victims and withdraws lower-priority nominations on the node. */
  private async prepareCandidate(c: Candidate, pod: Pod): Promise<MaybeStatus> {
    const client = this.handle.client;
    for (const victim of c.victims) {
      if (victim.metadata.deletionTimestamp) continue;
      const waiting = this.handle.getWaitingPod(victim.metadata.uid ?? '');
      if (waiting) {
        waiting.reject(this.name, 'preempted');
      } else {
        const ns = victim.metadata.namespace ?? '';
        const name = victim.metadata.name ?? '';
        const existing = (victim.status?.conditions ?? []).find((x) => x.type === 'DisruptionTarget');
        const message = `${schedulerNameOf(pod)}: preempting to accommodate a higher priority pod`;
        try {
          if (!existing || existing.status !== 'True' || existing.reason !== 'PreemptionByScheduler' || existing.message !== message) {
            const condition = {
              type: 'DisruptionTarget',
              status: 'True',
              lastProbeTime: null,
              lastTransitionTime: existing?.status === 'True' ? existing.lastTransitionTime : rfc3339(this.handle.clock.now()),
              reason: 'PreemptionByScheduler',
              message,
            };
            await client.patch(PODS, ns, name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
          }
          await client.delete(PODS, ns, name);
        } catch (e: unknown) {
          if (!isNotFound(e)) return Status.asStatus(e);
          continue;
        }
      }
      this.handle.recorder.eventf(victim, pod, 'Normal', 'Preempted', 'Preempting', `Preempted by pod ${pod.metadata.uid} on node ${c.name}`);
    }
    // Lower-priority pods nominated here may no longer fit: withdraw their nominations so they look elsewhere.
    const prio = podPriority(pod);
    for (const pi of this.handle.nominator().nominatedPodsForNode(c.name)) {
      if (podPriority(pi.pod) >= prio || !pi.pod.status?.nominatedNodeName) continue;
      try {
        await client.patch(PODS, pi.namespace, pi.name, 'strategic', { status: { nominatedNodeName: null } }, { subresource: 'status' });
      } catch {
        // Not critical: the pod's next attempt corrects it.
      }
    }
    return undefined;
  }
}

export const newDefaultPreemption = (h: Handle, args?: DefaultPreemptionArgs) => new DefaultPreemption(h, args);
