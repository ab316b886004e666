import { countName, quotaSelects, restrictTo, sumUsages, usageOf, type Usage } from '../../api/quota.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type Gvr } from '../../client/api-client.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../../client/indexer.js';
import type { SharedInformer } from '../../client/informer.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext } from '../framework/index.js';
import { keyOf, splitKeyOf } from '../framework/index.js';

const QUOTAS = gvr('v1', 'resourcequotas');

/** The resources whose usage the controller follows through informers (others are listed on demand). */
const WATCHED: readonly Gvr[] = [
  gvr('v1', 'pods'),
  gvr('v1', 'services'),
  gvr('v1', 'persistentvolumeclaims'),
  gvr('v1', 'configmaps'),
  gvr('v1', 'secrets'),
  gvr('v1', 'replicationcontrollers'),
  QUOTAS,
];

/** Full recalculation period, as upstream's resource-quota-sync-period (5 minutes). */
const RESYNC_MS = 5 * 60_000;

type Obj = Record<string, unknown>;

/**
 * The resourcequota controller, as upstream: keeps every ResourceQuota's status.hard equal to
 * spec.hard and status.used equal to what the objects in its namespace (selected by its
 * scopes) really use. Admission charges usage as objects are created; this controller
 * corrects the figures when objects go away, pods terminate, or a charge was for a write that
 * failed. Recalculated on any change in the namespace and every five minutes.
 */
export class ResourceQuotaController implements Controller {
  readonly name = 'resourcequota';
  private readonly queue: Workqueue<string>;
  private readonly informers: Map<string, SharedInformer>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    this.informers = new Map(WATCHED.map((g) => [`${g.group}/${g.resource}`, ctx.informers.informerFor(g, { resyncPeriodMs: RESYNC_MS })]));
  }

  private quotaInformer(): SharedInformer {
    return this.informers.get('/resourcequotas')!;
  }

  private enqueueNamespace(ns: string | undefined): void {
    if (!ns) return;
    for (const q of this.quotaInformer().lister().namespace(ns).list()) this.queue.add(keyOf(q));
  }

  async run(signal: AbortSignal): Promise<void> {
    const objOf = (o: KubeObject | DeletedFinalStateUnknown) => (isTombstone(o) ? o.obj : o);
    for (const [key, inf] of this.informers) {
      if (key === '/resourcequotas') {
        inf.addEventHandler({
          onAdd: (q) => this.queue.add(keyOf(q)),
          onUpdate: (_o, q) => this.queue.add(keyOf(q)),
        });
        continue;
      }
      inf.addEventHandler({
        onAdd: (o) => this.enqueueNamespace(o.metadata?.namespace),
        onUpdate: (a, b) => {
          // Only changes that can change usage matter (not every status heartbeat).
          if (a !== b && JSON.stringify(a.spec) === JSON.stringify(b.spec) && (a.status as Obj | undefined)?.phase === (b.status as Obj | undefined)?.phase) return;
          this.enqueueNamespace(b.metadata?.namespace);
        },
        onDelete: (o) => this.enqueueNamespace(objOf(o)?.metadata?.namespace),
      });
    }
    for (const inf of this.informers.values()) {
      if (!(await inf.waitForSync(signal))) return;
    }
    await runWorkers(this.queue, (key) => this.reconcile(key), signal, { workers: this.ctx.workers, name: this.name });
  }

  async reconcile(key: string): Promise<{ requeueAfter: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const quota = this.quotaInformer().lister().get(namespace, name);
    if (!quota) return;
    const hard = ((quota.spec as Obj | undefined)?.hard ?? {}) as Record<string, string>;
    let used: Usage = new Map(Object.keys(hard).map((k) => [k, Quantity.zero()]));
    const watched = new Set(WATCHED.map((g) => countName(g.group, g.resource)));
    const sources: { group: string; resource: string; items: KubeObject[] }[] = [];
    for (const g of WATCHED) {
      sources.push({ group: g.group, resource: g.resource, items: this.informers.get(`${g.group}/${g.resource}`)!.lister().namespace(namespace).list() });
    }
    // count/<resource>.<group> of resources without an informer here: list them now.
    for (const k of Object.keys(hard)) {
      if (!k.startsWith('count/') || watched.has(k)) continue;
      const [resource, ...groupParts] = k.slice('count/'.length).split('.');
      const group = groupParts.join('.');
      const items = await this.listAny(group, resource!, namespace);
      if (items) sources.push({ group, resource: resource!, items });
    }
    for (const s of sources) {
      for (const obj of s.items) {
        if (!quotaSelects(quota, s.group, s.resource, obj)) continue;
        used = sumUsages(used, restrictTo(usageOf(s.group, s.resource, obj), hard));
      }
    }
    const status = {
      hard: Object.fromEntries(Object.entries(hard).map(([k, v]) => [k, Quantity.parse(String(v)).toString()])),
      used: Object.fromEntries([...used].filter(([k]) => k in hard).map(([k, v]) => [k, v.toString()])),
    };
    if (JSON.stringify(canonical(quota.status)) === JSON.stringify(canonical(status))) return { requeueAfter: RESYNC_MS };
    try {
      await this.ctx.client.update(QUOTAS, namespace, { ...quota, status }, { subresource: 'status' });
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      // A concurrent charge by admission: recompute from the newer state.
      if (isConflict(e)) return { requeueAfter: 50 };
      throw e;
    }
    return { requeueAfter: RESYNC_MS };
  }

  /** Lists a resource by group/resource, finding its version through discovery-free guesses. */
  private async listAny(group: string, resource: string, namespace: string): Promise<KubeObject[] | undefined> {
    for (const version of group ? ['v1', 'v2', 'v1beta1'] : ['v1']) {
      try {
        return (await this.ctx.client.list(gvr(group ? `${group}/${version}` : version, resource), namespace)).items;
      } catch (e: unknown) {
        if (!isNotFound(e)) throw e;
      }
    }
    return undefined;
  }
}

function canonical(status: unknown): unknown {
  const s = (status ?? {}) as { hard?: Record<string, string>; used?: Record<string, string> };
  const sort = (m: Record<string, string> | undefined) => Object.fromEntries(Object.entries(m ?? {}).sort(([a], [b]) => a.localeCompare(b)));
  return { hard: sort(s.hard), used: sort(s.used) };
}
