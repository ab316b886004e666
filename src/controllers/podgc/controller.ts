import { isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import type { Lister } from '../../client/lister.js';
import { rfc3339 } from '../../client/time-format.js';
import { logger } from '../../util/log.js';
import type { Controller, ControllerContext } from '../framework/types.js';

const log = logger('pod-garbage-collector');

export const PODS = gvr('v1', 'pods');
export const NODES = gvr('v1', 'nodes');
/** Upstream's --terminated-pod-gc-threshold default. */
export const TERMINATED_POD_THRESHOLD = 12_500;
/** How often the collector runs (upstream's gcCheckPeriod). */
export const GC_CHECK_PERIOD_MS = 20_000;
/** How long a missing node is given to appear before its pods count as orphaned (upstream's quarantineTime). */
export const QUARANTINE_MS = 40_000;
const OUT_OF_SERVICE_TAINT = 'node.kubernetes.io/out-of-service';

interface PodCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

const phaseOf = (p: KubeObject) => (p.status as { phase?: string } | undefined)?.phase ?? '';
const nodeNameOf = (p: KubeObject) => (p.spec as { nodeName?: string } | undefined)?.nodeName ?? '';

/** Not Pending, Running or Unknown (so also a pod without a phase), as upstream's isPodTerminated. */
export function isPodTerminated(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase !== 'Pending' && phase !== 'Running' && phase !== 'Unknown';
}

const isEvicted = (pod: KubeObject) => phaseOf(pod) === 'Failed' && (pod.status as { reason?: string } | undefined)?.reason === 'Evicted';

/** Evicted pods first, then oldest first, then by name, as upstream's byEvictionAndCreationTimestamp. */
export function byEvictionAndCreation(a: KubeObject, b: KubeObject): number {
  const ea = isEvicted(a);
  const eb = isEvicted(b);
  if (ea !== eb) return ea ? -1 : 1;
  const ta = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ta !== tb) return ta - tb;
  const na = a.metadata?.name ?? '';
  const nb = b.metadata?.name ?? '';
  return na < nb ? -1 : na > nb ? 1 : 0;
}

function isNodeReady(node: KubeObject): boolean {
  const conds = ((node.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []);
  return conds.some((c) => c.type === 'Ready' && c.status === 'True');
}

const hasTaint = (node: KubeObject, key: string) =>
  ((node.spec as { taints?: { key: string }[] } | undefined)?.taints ?? []).some((t) => t.key === key);

export interface PodGcOptions {
  /** 0 disables collection of terminated pods (default TERMINATED_POD_THRESHOLD). */
  terminatedPodThreshold?: number;
  /** Default GC_CHECK_PERIOD_MS. */
  checkPeriodMs?: number;
  /** Default QUARANTINE_MS. */
  quarantineMs?: number;
}

/**
 * The pod garbage collector, as kube-controller-manager's "pod-garbage-collector". Every
 * check period it force-deletes (grace period 0, after moving the pod to phase Failed):
 * - terminated pods beyond the threshold, evicted and oldest first;
 * - terminating pods on a node that is not Ready and has the out-of-service taint;
 * - pods bound to a node that does not exist, once the node has been missing for the
 *   quarantine time and a live read confirms it (condition DisruptionTarget, reason
 *   DeletionByPodGC);
 * - terminating pods that were never scheduled.
 */
export class PodGcController implements Controller {
  readonly name = 'pod-garbage-collector';
  private readonly pods: Lister;
  private readonly nodes: Lister;
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;
  /** Missing node -> when it was first seen missing (upstream's delaying node queue). */
  private readonly quarantine = new Map<string, number>();

  constructor(
    private readonly ctx: ControllerContext,
    opts: PodGcOptions = {},
  ) {
    this.threshold = opts.terminatedPodThreshold ?? TERMINATED_POD_THRESHOLD;
    this.periodMs = opts.checkPeriodMs ?? GC_CHECK_PERIOD_MS;
    this.quarantineMs = opts.quarantineMs ?? QUARANTINE_MS;
    this.pods = ctx.informers.informerFor(PODS).lister();
    this.nodes = ctx.informers.informerFor(NODES).lister();
  }

  async run(signal: AbortSignal): Promise<void> {
    const synced = await Promise.all([PODS, NODES].map((g) => this.ctx.informers.informerFor(g).waitForSync(signal)));
    if (!synced.every(Boolean)) return;
    while (!signal.aborted) {
      try {
        await this.gc();
      } catch (e: unknown) {
        log.error('pod garbage collection failed', { error: e });
      }
      try {
        await this.ctx.clock.sleep(this.periodMs, signal);
      } catch {
        return;
      }
    }
  }

  /** One collection pass (upstream's gc). */
  async gc(): Promise<void> {
    const pods = this.pods.list();
    const nodes = this.nodes.list();
    if (this.threshold > 0) await this.gcTerminated(pods);
    await this.gcTerminating(pods);
    await this.gcOrphaned(pods, nodes);
    await this.gcUnscheduledTerminating(pods);
  }

  private async gcTerminated(pods: KubeObject[]): Promise<void> {
    const terminated = pods.filter(isPodTerminated);
    const deleteCount = terminated.length - this.threshold;
    if (deleteCount <= 0) return;
    log.info('garbage collecting pods', { numPods: deleteCount });
    terminated.sort(byEvictionAndCreation);
    await Promise.all(terminated.slice(0, deleteCount).map((p) => this.forceDelete(p)));
  }

  private async gcTerminating(pods: KubeObject[]): Promise<void> {
    const victims: KubeObject[] = [];
    for (const pod of pods) {
      if (!pod.metadata?.deletionTimestamp) continue;
      const node = this.nodes.get('', nodeNameOf(pod));
      if (!node) continue;
      if (!isNodeReady(node) && hasTaint(node, OUT_OF_SERVICE_TAINT)) victims.push(pod);
    }
    if (!victims.length) return;
    victims.sort(byEvictionAndCreation);
    await Promise.all(victims.map((p) => this.forceDelete(p)));
  }

  private async gcOrphaned(pods: KubeObject[], nodes: KubeObject[]): Promise<void> {
    const existing = new Set(nodes.map((n) => n.metadata!.name!));
    const now = this.ctx.clock.now();
    for (const pod of pods) {
      const node = nodeNameOf(pod);
      if (node && !existing.has(node) && !this.quarantine.has(node)) this.quarantine.set(node, now);
    }
    const deleted = new Set<string>();
    for (const [node, since] of this.quarantine) {
      if (now - since < this.quarantineMs) continue;
      this.quarantine.delete(node);
      if (existing.has(node)) continue;
      try {
        await this.ctx.client.get(NODES, '', node);
      } catch (e: unknown) {
        if (isNotFound(e)) deleted.add(node);
        else log.error('error while getting node', { node, error: e });
      }
    }
    for (const pod of pods) {
      if (!deleted.has(nodeNameOf(pod))) continue;
      log.info('found orphaned pod assigned to the node, deleting', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}`, node: nodeNameOf(pod) });
      await this.forceDelete(pod, { type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    }
  }

  private async gcUnscheduledTerminating(pods: KubeObject[]): Promise<void> {
    for (const pod of pods) {
      if (!pod.metadata?.deletionTimestamp || nodeNameOf(pod)) continue;
      log.info('found unscheduled terminating pod not assigned to any node, deleting', { pod: `${pod.metadata?.namespace}/${pod.metadata?.name}` });
      await this.forceDelete(pod);
    }
  }

  /**
   * Moves the pod to Failed (with `condition`, if given) unless it already finished, then
   * deletes it with grace period 0, as upstream's markFailedAndDeletePodWithCondition.
   * Failures are logged; the next pass tries again.
   */
  private async forceDelete(pod: KubeObject, condition?: PodCondition): Promise<void> {
    const ns = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    log.info('PodGC is force deleting Pod', { pod: `${ns}/${name}` });
    try {
      const phase = phaseOf(pod);
      if (phase !== 'Succeeded' && phase !== 'Failed') {
        const status: Record<string, unknown> = { phase: 'Failed' };
        if (condition) status.conditions = [this.withTransition(pod, condition)];
        await this.ctx.client.patch(PODS, ns, name, 'strategic', { metadata: { uid: pod.metadata!.uid }, status }, { subresource: 'status' });
      }
      await this.ctx.client.delete(PODS, ns, name, { gracePeriodSeconds: 0 });
    } catch (e: unknown) {
      if (!isNotFound(e)) log.error('failed to force delete pod', { pod: `${ns}/${name}`, error: e });
    }
  }

  /** The condition with lastTransitionTime kept when its status does not change, as UpdatePodCondition. */
  private withTransition(pod: KubeObject, c: PodCondition): PodCondition {
    const old = ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []).find((x) => x.type === c.type);
    const now = rfc3339(this.ctx.clock.now());
    return { ...c, lastTransitionTime: old && old.status === c.status ? old.lastTransitionTime : now };
  }
}
