import { isConflict, isNotFound } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { gvr } from '../client/api-client.js';
import { EventType, type EventRecorder } from '../client/event-recorder.js';
import { isTombstone } from '../client/indexer.js';
import type { Lister } from '../client/lister.js';
import { rfc3339 } from '../client/time-format.js';
import { runWorkers, Workqueue } from '../client/workqueue.js';
import type { Controller, ControllerContext } from '../controllers/framework/index.js';
import { keyOf, splitKeyOf } from '../controllers/framework/index.js';
import { logger } from '../util/log.js';
import { Code, NodeInfo, requestsOf, type Plugin, type Status } from './framework/index.js';
import { DEFAULT_PLUGINS } from './plugins/index.js';

const log = logger('scheduler');
const PODS = gvr('v1', 'pods');
const NODES = gvr('v1', 'nodes');
export const SCHEDULER_NAME = 'default-scheduler';
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 10_000;
/** Unschedulable pods are retried at least this often even without a relevant event (upstream: 5 minutes). */
const FLUSH_MS = 5 * 60_000;

type Obj = Record<string, unknown>;
const phaseOf = (p: KubeObject) => (p.status as Obj | undefined)?.phase;
const priorityOf = (p: KubeObject) => Number((p.spec as Obj | undefined)?.priority ?? 0);
const nodeNameOf = (p: KubeObject) => (p.spec as Obj | undefined)?.nodeName as string | undefined;

function wantsScheduling(p: KubeObject): boolean {
  const spec = (p.spec ?? {}) as Obj;
  const name = (spec.schedulerName as string | undefined) || SCHEDULER_NAME;
  return name === SCHEDULER_NAME && !spec.nodeName && !p.metadata?.deletionTimestamp && phaseOf(p) !== 'Succeeded' && phaseOf(p) !== 'Failed';
}

/**
 * kube-scheduler: pods without a node (schedulerName default-scheduler) are taken in
 * priority order, filtered against every node by the plugins (NodeUnschedulable, NodeName,
 * TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit), scored (LeastAllocated, node
 * affinity preferences, PreferNoSchedule taints) and bound to the best node (ties broken at
 * random) through pods/binding. A pod that fits nowhere gets PodScheduled=False
 * (Unschedulable) and a FailedScheduling event with upstream's "0/N nodes are available: ..."
 * message; a higher-priority pod preempts lower-priority pods when removing them makes it
 * fit (status.nominatedNodeName). Pods bound but not yet seen in the cache are "assumed" so
 * back-to-back pods account for each other.
 */
export class Scheduler implements Controller {
  readonly name = 'scheduler';
  private readonly queue: Workqueue<string>;
  private readonly pods: Lister;
  private readonly nodes: Lister;
  private readonly recorder: EventRecorder;
  private readonly assumed = new Map<string, { pod: KubeObject; node: string }>();
  private readonly attempts = new Map<string, number>();
  private readonly unschedulable = new Set<string>();
  private readonly plugins: readonly Plugin[];

  constructor(private readonly ctx: ControllerContext, plugins: readonly Plugin[] = DEFAULT_PLUGINS) {
    this.plugins = plugins;
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const podInf = ctx.informers.informerFor(PODS);
    const nodeInf = ctx.informers.informerFor(NODES);
    this.pods = podInf.lister();
    this.nodes = nodeInf.lister();
    this.recorder = ctx.recorder(SCHEDULER_NAME);
    podInf.addEventHandler({
      onAdd: (p) => {
        if (wantsScheduling(p)) this.queue.add(keyOf(p));
        else this.assumed.delete(p.metadata!.uid!);
      },
      onUpdate: (_a, p) => {
        if (wantsScheduling(p)) this.queue.add(keyOf(p));
        else if (nodeNameOf(p)) this.assumed.delete(p.metadata!.uid!);
      },
      onDelete: (o) => {
        const p = isTombstone(o) ? o.obj : o;
        if (!p) return;
        this.assumed.delete(p.metadata!.uid!);
        this.unschedulable.delete(keyOf(p));
        // Freed resources may let waiting pods in.
        if (nodeNameOf(p)) this.retryUnschedulable();
      },
    });
    nodeInf.addEventHandler({
      onAdd: () => this.retryUnschedulable(),
      onUpdate: (a, b) => {
        if (JSON.stringify(a.spec) !== JSON.stringify(b.spec) || JSON.stringify((a.status as Obj)?.allocatable) !== JSON.stringify((b.status as Obj)?.allocatable) || JSON.stringify(a.metadata?.labels) !== JSON.stringify(b.metadata?.labels)) {
          this.retryUnschedulable();
        }
      },
    });
  }

  private retryUnschedulable(): void {
    for (const k of this.unschedulable) this.queue.add(k);
    this.unschedulable.clear();
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    // Workers take pods one at a time so each decision sees the previous one (as upstream's single scheduling cycle).
    await runWorkers(this.queue, (key) => this.scheduleOne(key), signal, { workers: 1, name: 'scheduler', log });
  }

  private snapshot(): Map<string, NodeInfo> {
    const infos = new Map<string, NodeInfo>();
    for (const n of this.nodes.list()) infos.set(n.metadata!.name!, new NodeInfo(n));
    const seen = new Set<string>();
    for (const p of this.pods.list()) {
      const node = nodeNameOf(p);
      if (!node || phaseOf(p) === 'Succeeded' || phaseOf(p) === 'Failed') continue;
      infos.get(node)?.addPod(p);
      seen.add(p.metadata!.uid!);
    }
    for (const [uid, a] of this.assumed) if (!seen.has(uid)) infos.get(a.node)?.addPod(a.pod);
    return infos;
  }

  private filter(pod: KubeObject, n: NodeInfo): Status {
    const reasons: string[] = [];
    let code: Code = Code.Success;
    for (const p of this.plugins) {
      if (!p.filter) continue;
      const s = p.filter(pod, n);
      if (s.code === Code.Success) continue;
      // As upstream: the first unresolvable plugin ends the node's evaluation.
      if (s.code === Code.UnschedulableAndUnresolvable) return s;
      code = s.code;
      reasons.push(...s.reasons);
    }
    return { code, reasons };
  }

  async scheduleOne(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const pod = this.pods.get(namespace, name);
    if (!pod || !wantsScheduling(pod) || this.assumed.has(pod.metadata!.uid!)) return;
    const infos = this.snapshot();
    const statuses = new Map<string, Status>();
    const feasible: NodeInfo[] = [];
    for (const n of infos.values()) {
      const s = this.filter(pod, n);
      if (s.code === Code.Success) feasible.push(n);
      else statuses.set(n.name, s);
    }
    if (!feasible.length) return this.failed(pod, infos, statuses);
    let best: NodeInfo[] = [];
    let bestScore = -Infinity;
    for (const n of feasible) {
      let score = 0;
      for (const p of this.plugins) if (p.score) score += p.score(pod, n) * (p.weight ?? 1);
      if (score > bestScore) {
        best = [n];
        bestScore = score;
      } else if (score === bestScore) best.push(n);
    }
    const chosen = best[Math.floor(Math.random() * best.length)]!;
    return this.bind(pod, chosen.name);
  }

  private async bind(pod: KubeObject, node: string): Promise<{ requeueAfter?: number } | void> {
    const uid = pod.metadata!.uid!;
    this.assumed.set(uid, { pod, node });
    try {
      await this.ctx.client.create(
        PODS,
        pod.metadata!.namespace!,
        { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata!.name, namespace: pod.metadata!.namespace, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } },
        { subresource: 'binding' },
      );
    } catch (e: unknown) {
      this.assumed.delete(uid);
      if (isNotFound(e) || isConflict(e)) return;
      throw e;
    }
    this.attempts.delete(keyOf(pod));
    this.unschedulable.delete(keyOf(pod));
    this.recorder.event(this.ref(pod), EventType.Normal, 'Scheduled', `Successfully assigned ${pod.metadata!.namespace}/${pod.metadata!.name} to ${node}`);
  }

  private ref(pod: KubeObject) {
    const m = pod.metadata!;
    return { kind: 'Pod', apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid, resourceVersion: m.resourceVersion };
  }

  /** "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) had untolerated taint {a: b}." as upstream's FitError. */
  static fitMessage(total: number, statuses: Map<string, Status>): string {
    const counts = new Map<string, number>();
    for (const s of statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    const parts = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([r, n]) => `${n} ${r}`);
    return `0/${total} nodes are available${parts.length ? `: ${parts.join(', ')}` : ''}.`;
  }

  private async failed(pod: KubeObject, infos: Map<string, NodeInfo>, statuses: Map<string, Status>): Promise<{ requeueAfter?: number } | void> {
    const key = keyOf(pod);
    let message = Scheduler.fitMessage(infos.size, statuses);
    const preempt = await this.preempt(pod, infos, statuses);
    message += ` preemption: ${preempt}`;
    const now = rfc3339(this.ctx.clock.now());
    const status = (pod.status ?? {}) as { conditions?: { type: string; status: string; reason?: string; message?: string; lastTransitionTime?: string; lastProbeTime?: unknown }[] };
    const prev = status.conditions?.find((c) => c.type === 'PodScheduled');
    if (!prev || prev.status !== 'False' || prev.message !== message) {
      const cond = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: prev?.status === 'False' ? prev.lastTransitionTime : now, reason: 'Unschedulable', message };
      try {
        const cur = await this.ctx.client.get(PODS, pod.metadata!.namespace!, pod.metadata!.name!);
        const st = (cur.status ?? {}) as typeof status;
        st.conditions = [...(st.conditions ?? []).filter((c) => c.type !== 'PodScheduled'), cond];
        await this.ctx.client.update(PODS, cur.metadata!.namespace!, { ...cur, status: st }, { subresource: 'status' });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    this.recorder.event(this.ref(pod), EventType.Warning, 'FailedScheduling', message);
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    this.unschedulable.add(key);
    return { requeueAfter: Math.min(BACKOFF_MAX_MS, BACKOFF_INITIAL_MS * 2 ** (n - 1)) + (n > 8 ? FLUSH_MS - BACKOFF_MAX_MS : 0) };
  }

  /**
   * DefaultPreemption, reduced to its core: on nodes that failed only resource or port checks
   * (Unschedulable, not Unresolvable), remove lower-priority pods, lowest priority first,
   * until the pod fits; pick the node needing the fewest victims; delete them and nominate
   * the node. Returns the "preemption: ..." half of the message.
   */
  private async preempt(pod: KubeObject, infos: Map<string, NodeInfo>, statuses: Map<string, Status>): Promise<string> {
    const total = infos.size;
    const policy = (pod.spec as Obj | undefined)?.preemptionPolicy;
    if (policy === 'Never') return `0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
    const prio = priorityOf(pod);
    let best: { node: string; victims: KubeObject[] } | undefined;
    let notHelpful = 0;
    let noVictims = 0;
    for (const n of infos.values()) {
      const s = statuses.get(n.name);
      if (!s || s.code === Code.UnschedulableAndUnresolvable) {
        notHelpful++;
        continue;
      }
      const lower = n.pods.filter((p) => priorityOf(p) < prio && !p.metadata?.deletionTimestamp).sort((a, b) => priorityOf(a) - priorityOf(b));
      const trial = new NodeInfo(n.node);
      for (const p of n.pods) trial.addPod(p);
      const victims: KubeObject[] = [];
      let fits = this.filter(pod, trial).code === Code.Success;
      for (const v of lower) {
        if (fits) break;
        trial.removePod(v);
        victims.push(v);
        fits = this.filter(pod, trial).code === Code.Success;
      }
      if (!fits || !victims.length) {
        noVictims++;
        continue;
      }
      if (!best || victims.length < best.victims.length) best = { node: n.name, victims };
    }
    if (!best) {
      const parts = [noVictims ? `${noVictims} No preemption victims found for incoming pod` : '', notHelpful ? `${notHelpful} Preemption is not helpful for scheduling` : ''].filter(Boolean);
      return `0/${total} nodes are available: ${parts.join(', ')}.`;
    }
    for (const v of best.victims) {
      this.recorder.event(this.ref(v), EventType.Normal, 'Preempted', `Preempted by pod ${pod.metadata!.uid} on node ${best.node}`);
      try {
        await this.ctx.client.delete(PODS, v.metadata!.namespace!, v.metadata!.name!, { preconditions: { uid: v.metadata!.uid } });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
    try {
      const cur = await this.ctx.client.get(PODS, pod.metadata!.namespace!, pod.metadata!.name!);
      await this.ctx.client.update(PODS, cur.metadata!.namespace!, { ...cur, status: { ...((cur.status as Obj) ?? {}), nominatedNodeName: best.node } }, { subresource: 'status' });
    } catch (e: unknown) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
    return `${best.victims.length} pod(s) preempted on node ${best.node}.`;
  }
}

export { requestsOf };
