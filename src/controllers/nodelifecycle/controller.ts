import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType } from '../../client/event-recorder.js';
import type { Lister } from '../../client/lister.js';
import { rfc3339 } from '../../client/time-format.js';
import { logger } from '../../util/log.js';
import type { Controller, ControllerContext } from '../framework/index.js';

const log = logger('node-lifecycle-controller');
const NODES = gvr('v1', 'nodes');
const PODS = gvr('v1', 'pods');
const LEASES = gvr('coordination.k8s.io/v1', 'leases');
const KUBELET_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const MANAGED_TAINTS = new Set([NOT_READY, UNREACHABLE, 'node.kubernetes.io/memory-pressure', 'node.kubernetes.io/disk-pressure', 'node.kubernetes.io/pid-pressure', 'node.kubernetes.io/unschedulable']);

type Obj = Record<string, unknown>;
interface Taint {
  key: string;
  value?: string;
  effect: string;
  timeAdded?: string;
}
interface Condition {
  type: string;
  status: string;
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}
interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface NodeLifecycleOptions {
  /** How long a node may go without a lease renewal or status heartbeat (default 40 s, upstream's node-monitor-grace-period). */
  gracePeriodMs?: number;
  /** How often nodes are checked (default 5 s, upstream's node-monitor-period). */
  periodMs?: number;
}

function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (!t.key) return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  return t.operator === 'Exists' || (t.value ?? '') === (taint.value ?? '');
}

/**
 * The node lifecycle controller, as upstream's: nodes whose kubelet stopped renewing its
 * Lease and posting status for the grace period get every kubelet condition set Unknown
 * (NodeStatusUnknown, "Kubelet stopped posting node status.") and their pods marked not
 * Ready; nodes carry the taints their conditions imply (not-ready / unreachable with
 * NoSchedule and NoExecute, pressure taints, unschedulable); and pods on nodes with NoExecute
 * taints are evicted at once when they don't tolerate them, or after tolerationSeconds.
 */
export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle';
  private readonly nodes: Lister;
  private readonly leases: Lister;
  private readonly pods: Lister;
  private readonly observed = new Map<string, { signature: string; at: number }>();
  private readonly grace: number;
  private readonly period: number;
  private kick: (() => void) | undefined;

  constructor(
    private readonly ctx: ControllerContext,
    opts: NodeLifecycleOptions = {},
  ) {
    this.grace = opts.gracePeriodMs ?? 40_000;
    this.period = opts.periodMs ?? 5_000;
    const nodeInf = ctx.informers.informerFor(NODES);
    this.nodes = nodeInf.lister();
    // A node's conditions changed: retaint at once rather than at the next period.
    nodeInf.addEventHandler({ onAdd: () => this.kick?.(), onUpdate: () => this.kick?.() });
    this.leases = ctx.informers.informerFor(LEASES, { namespace: 'kube-node-lease' }).lister();
    this.pods = ctx.informers.informerFor(PODS).lister();
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    while (!signal.aborted) {
      try {
        await this.monitor();
      } catch (e: unknown) {
        if (!signal.aborted) log.warn('node monitoring failed', { error: e });
      }
      const woken = new Promise<void>((resolve) => (this.kick = resolve));
      try {
        await Promise.race([this.ctx.clock.sleep(this.period, signal), woken]);
      } catch {
        return;
      } finally {
        this.kick = undefined;
      }
    }
  }

  /** One pass over every node (exposed for tests). */
  async monitor(): Promise<void> {
    const now = this.ctx.clock.now();
    for (const node of this.nodes.list()) {
      const name = node.metadata!.name!;
      const status = (node.status ?? {}) as { conditions?: Condition[] };
      const ready = status.conditions?.find((c) => c.type === 'Ready');
      const lease = this.leases.get('kube-node-lease', name);
      // Progress is judged by our clock: when did the lease or the heartbeat last change?
      const signature = `${(lease?.spec as Obj | undefined)?.renewTime ?? ''}|${ready?.lastHeartbeatTime ?? ''}`;
      const seen = this.observed.get(name);
      if (!seen || seen.signature !== signature) this.observed.set(name, { signature, at: now });
      const lastProgress = this.observed.get(name)!.at;
      let current = node;
      if (!ready) {
        // Never reported: leave it as admission tainted it until the grace period since its
        // creation has passed, then Unknown (as upstream's "never posted" branch).
        const born = Date.parse(node.metadata?.creationTimestamp ?? '') || lastProgress;
        if (now - Math.max(born, lastProgress) <= this.grace) continue;
        current = (await this.markUnknown(node, true)) ?? node;
      } else if (ready.status !== 'Unknown' && now - lastProgress > this.grace) {
        current = (await this.markUnknown(node)) ?? node;
        await this.markPodsNotReady(name);
      }
      current = (await this.syncTaints(current)) ?? current;
      await this.evictPods(current);
    }
    for (const name of this.observed.keys()) if (!this.nodes.get('', name)) this.observed.delete(name);
  }

  private async markUnknown(node: KubeObject, never = false): Promise<KubeObject | undefined> {
    const now = rfc3339(this.ctx.clock.now());
    const status = { ...((node.status ?? {}) as Obj) };
    const reason = never ? 'NodeStatusNeverUpdated' : 'NodeStatusUnknown';
    const message = never ? 'Kubelet never posted node status.' : 'Kubelet stopped posting node status.';
    const have = (status.conditions as Condition[] | undefined) ?? [];
    const conds = KUBELET_CONDITIONS.map((type) => {
      const c = have.find((x) => x.type === type);
      if (c && c.status === 'Unknown') return c;
      return { ...(c ?? { type }), type, status: 'Unknown', reason, message, lastHeartbeatTime: c?.lastHeartbeatTime ?? node.metadata?.creationTimestamp, lastTransitionTime: now };
    });
    status.conditions = [...conds, ...have.filter((c) => !KUBELET_CONDITIONS.includes(c.type))];
    try {
      const updated = await this.ctx.client.update(NODES, '', { ...node, status }, { subresource: 'status' });
      this.ctx.recorder('node-controller').event(
        { kind: 'Node', apiVersion: 'v1', name: node.metadata!.name, uid: node.metadata!.name },
        EventType.Normal,
        'NodeNotReady',
        `Node ${node.metadata!.name} status is now: NodeNotReady`,
      );
      return updated;
    } catch (e: unknown) {
      if (isNotFound(e) || isConflict(e)) return undefined;
      throw e;
    }
  }

  private async markPodsNotReady(nodeName: string): Promise<void> {
    const now = rfc3339(this.ctx.clock.now());
    for (const pod of this.pods.list()) {
      if ((pod.spec as Obj | undefined)?.nodeName !== nodeName) continue;
      const st = (pod.status ?? {}) as { conditions?: Condition[] };
      const ready = st.conditions?.find((c) => c.type === 'Ready');
      if (!ready || ready.status === 'False') continue;
      const conditions = (st.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, status: 'False', lastTransitionTime: now } : c));
      try {
        await this.ctx.client.update(PODS, pod.metadata!.namespace!, { ...pod, status: { ...st, conditions } }, { subresource: 'status' });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
  }

  /** The taints a node's conditions call for (upstream's NoSchedule and NoExecute tainting passes). */
  static wantedTaints(node: KubeObject): Taint[] {
    const conds = ((node.status as Obj | undefined)?.conditions as Condition[] | undefined) ?? [];
    const status = (t: string) => conds.find((c) => c.type === t)?.status;
    const out: Taint[] = [];
    const ready = status('Ready');
    if (ready === 'False') out.push({ key: NOT_READY, effect: 'NoSchedule' }, { key: NOT_READY, effect: 'NoExecute' });
    else if (ready === 'Unknown') out.push({ key: UNREACHABLE, effect: 'NoSchedule' }, { key: UNREACHABLE, effect: 'NoExecute' });
    if (status('MemoryPressure') === 'True') out.push({ key: 'node.kubernetes.io/memory-pressure', effect: 'NoSchedule' });
    if (status('DiskPressure') === 'True') out.push({ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' });
    if (status('PIDPressure') === 'True') out.push({ key: 'node.kubernetes.io/pid-pressure', effect: 'NoSchedule' });
    if ((node.spec as Obj | undefined)?.unschedulable) out.push({ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' });
    return out;
  }

  private async syncTaints(node: KubeObject): Promise<KubeObject | undefined> {
    const taints = ((node.spec as Obj | undefined)?.taints as Taint[] | undefined) ?? [];
    const wanted = NodeLifecycleController.wantedTaints(node);
    const same = (a: Taint, b: Taint) => a.key === b.key && a.effect === b.effect;
    const keep = taints.filter((t) => !MANAGED_TAINTS.has(t.key) || wanted.some((w) => same(w, t)));
    const now = rfc3339(this.ctx.clock.now());
    const add = wanted.filter((w) => !taints.some((t) => same(t, w))).map((w) => (w.effect === 'NoExecute' ? { ...w, timeAdded: now } : w));
    if (keep.length === taints.length && !add.length) return node;
    const next = [...keep, ...add];
    try {
      return await this.ctx.client.update(NODES, '', { ...node, spec: { ...((node.spec as Obj | undefined) ?? {}), taints: next.length ? next : undefined } });
    } catch (e: unknown) {
      if (isNotFound(e) || isConflict(e)) return undefined;
      throw e;
    }
  }

  /** The NoExecute taint manager: pods that don't tolerate a NoExecute taint go, tolerationSeconds after it appeared. */
  private async evictPods(node: KubeObject): Promise<void> {
    const taints = (((node.spec as Obj | undefined)?.taints as Taint[] | undefined) ?? []).filter((t) => t.effect === 'NoExecute');
    if (!taints.length) return;
    const now = this.ctx.clock.now();
    for (const pod of this.pods.list()) {
      if ((pod.spec as Obj | undefined)?.nodeName !== node.metadata!.name || pod.metadata?.deletionTimestamp) continue;
      const tolerations = ((pod.spec as Obj | undefined)?.tolerations as Toleration[] | undefined) ?? [];
      let due = -Infinity;
      let forever = true;
      for (const taint of taints) {
        const matching = tolerations.filter((t) => tolerates(t, taint));
        if (!matching.length) {
          forever = false;
          due = Math.max(due, now);
          continue;
        }
        const bounded = matching.filter((t) => t.tolerationSeconds !== undefined && t.tolerationSeconds !== null);
        if (bounded.length === matching.length) {
          forever = false;
          const secs = Math.min(...bounded.map((t) => Math.max(0, t.tolerationSeconds!)));
          const since = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
          due = Math.max(due, since + secs * 1000);
        }
      }
      if (forever || due > now) continue;
      this.ctx.recorder('taint-eviction-controller').event(
        { kind: 'Pod', apiVersion: 'v1', namespace: pod.metadata!.namespace, name: pod.metadata!.name, uid: pod.metadata!.uid },
        EventType.Normal,
        'TaintManagerEviction',
        `Marking for deletion Pod ${pod.metadata!.namespace}/${pod.metadata!.name}`,
      );
      try {
        await this.ctx.client.delete(PODS, pod.metadata!.namespace!, pod.metadata!.name!, { preconditions: { uid: pod.metadata!.uid } });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    }
  }
}
