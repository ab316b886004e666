import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { rfc3339 } from '../../client/time-format.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { controllerRefOf, keyOf, splitKeyOf, type Controller, type ControllerContext } from '../framework/index.js';
import { computePdb, type PdbStatus } from './compute.js';

const log = logger('disruption-controller');
export const PDBS = gvr('policy/v1', 'poddisruptionbudgets');
const PODS = gvr('v1', 'pods');
/** An eviction recorded in disruptedPods counts as done after this long even if the pod lingers (upstream: 2 minutes). */
const DELETION_TIMEOUT_MS = 2 * 60_000;

const SCALABLE: Record<string, ReturnType<typeof gvr>> = {
  ReplicaSet: gvr('apps/v1', 'replicasets'),
  StatefulSet: gvr('apps/v1', 'statefulsets'),
  ReplicationController: gvr('v1', 'replicationcontrollers'),
  Deployment: gvr('apps/v1', 'deployments'),
};

type Obj = Record<string, unknown>;

/**
 * The disruption controller, as upstream's: keeps each PodDisruptionBudget's status
 * (currentHealthy, desiredHealthy, expectedPods, disruptionsAllowed, disruptedPods,
 * observedGeneration and the DisruptionAllowed condition) up to date with the pods it selects
 * and their controllers' scale. The eviction API reads it (src/apiserver eviction check).
 */
export class DisruptionController implements Controller {
  readonly name = 'disruption';
  private readonly queue: Workqueue<string>;
  private readonly pdbs: Lister;
  private readonly pods: Lister;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const pdbInf = ctx.informers.informerFor(PDBS);
    const podInf = ctx.informers.informerFor(PODS);
    this.pdbs = pdbInf.lister();
    this.pods = podInf.lister();
    pdbInf.addEventHandler({ onAdd: (o) => this.queue.add(keyOf(o)), onUpdate: (_a, b) => this.queue.add(keyOf(b)) });
    const podEvent = (p: KubeObject) => {
      for (const pdb of this.pdbs.namespace(p.metadata?.namespace ?? '').list()) if (this.selects(pdb, p)) this.queue.add(keyOf(pdb));
    };
    podInf.addEventHandler({
      onAdd: podEvent,
      onUpdate: (a, b) => {
        podEvent(b);
        if (!deepEqual(a.metadata?.labels, b.metadata?.labels)) podEvent(a);
      },
      onDelete: (o) => {
        const p = isTombstone(o) ? o.obj : o;
        if (p) podEvent(p);
      },
    });
  }

  private selects(pdb: KubeObject, pod: KubeObject): boolean {
    try {
      const sel = labelSelectorAsSelector((pdb.spec as Obj | undefined)?.selector as Parameters<typeof labelSelectorAsSelector>[0]);
      return sel.matches(pod.metadata?.labels ?? {});
    } catch {
      return false;
    }
  }

  async run(signal: AbortSignal): Promise<void> {
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (key) => this.sync(key), signal, { workers: this.ctx.workers, name: this.name, log });
  }

  /** The summed scale of the pods' controllers (undefined when some pod has none we can read). */
  private async controllerScale(pods: KubeObject[]): Promise<number | undefined> {
    const seen = new Map<string, number>();
    for (const p of pods) {
      const ref = controllerRefOf(p);
      if (!ref) return undefined;
      if (seen.has(ref.uid)) continue;
      let g = SCALABLE[ref.kind];
      if (!g) return undefined;
      try {
        let owner = await this.ctx.client.get(g, p.metadata!.namespace!, ref.name);
        // A Deployment's ReplicaSet: the Deployment's replicas count.
        const up = controllerRefOf(owner);
        if (ref.kind === 'ReplicaSet' && up?.kind === 'Deployment') {
          g = SCALABLE.Deployment!;
          owner = await this.ctx.client.get(g, p.metadata!.namespace!, up.name);
          seen.set(up.uid, Number((owner.spec as Obj | undefined)?.replicas ?? 1));
          seen.set(ref.uid, 0);
          continue;
        }
        seen.set(ref.uid, Number((owner.spec as Obj | undefined)?.replicas ?? 1));
      } catch (e: unknown) {
        if (isNotFound(e)) return undefined;
        throw e;
      }
    }
    return [...seen.values()].reduce((a, b) => a + b, 0);
  }

  async sync(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const pdb = this.pdbs.get(namespace, name);
    if (!pdb) return;
    const pods = this.pods.namespace(namespace).list().filter((p) => this.selects(pdb, p));
    const old = (pdb.status ?? {}) as Partial<PdbStatus>;
    const now = this.ctx.clock.now();
    // Evictions recorded but not yet seen: keep them out of the healthy count for a while.
    const disrupted: Record<string, string> = {};
    let nextExpiry: number | undefined;
    for (const [pod, at] of Object.entries(old.disruptedPods ?? {})) {
      const p = pods.find((x) => x.metadata?.name === pod);
      const expires = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (!p || p.metadata?.deletionTimestamp || expires <= now) continue;
      disrupted[pod] = at;
      nextExpiry = Math.min(nextExpiry ?? Infinity, expires);
    }
    const scale = await this.controllerScale(pods);
    const figures = computePdb(pdb, pods, scale, disrupted);
    const allowed = figures.disruptionsAllowed > 0;
    const prevCond = old.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const condition = {
      type: 'DisruptionAllowed',
      status: allowed ? 'True' : 'False',
      reason: allowed ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: pdb.metadata?.generation,
      lastTransitionTime: prevCond && prevCond.status === (allowed ? 'True' : 'False') ? prevCond.lastTransitionTime : rfc3339(now),
    };
    const status: PdbStatus = { observedGeneration: pdb.metadata?.generation, ...figures, conditions: [condition] };
    if (!status.disruptedPods) delete status.disruptedPods;
    if (!deepEqual(old, status)) {
      try {
        await this.ctx.client.update(PDBS, namespace, { ...pdb, status }, { subresource: 'status' });
      } catch (e: unknown) {
        if (isNotFound(e)) return;
        if (isConflict(e)) return { requeueAfter: 50 };
        throw e;
      }
    }
    if (nextExpiry !== undefined) return { requeueAfter: nextExpiry - now + 10 };
  }
}
