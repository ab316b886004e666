import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { rfc3339 } from '../../client/time-format.js';
import { gvr, type Gvr } from '../../client/api-client.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import type { Controller, ControllerContext, DiscoveredResource } from '../framework/index.js';

const NAMESPACES = gvr('v1', 'namespaces');
const gvrOf = (r: DiscoveredResource): Gvr => gvr(r.group ? `${r.group}/${r.version}` : r.version, r.resource);
const qualified = (r: DiscoveredResource) => (r.group ? `${r.resource}.${r.group}` : r.resource);

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

/**
 * The namespace controller, as upstream's: a namespace being deleted (deletionTimestamp set,
 * "kubernetes" still in spec.finalizers) has everything in it deleted, resource by resource;
 * while content remains its status conditions say what (NamespaceContentRemaining,
 * NamespaceFinalizersRemaining, and the three failure conditions False); once nothing is
 * left it removes "kubernetes" through the finalize subresource and the API server deletes
 * the namespace.
 */
export class NamespaceController implements Controller {
  readonly name = 'namespace';
  private readonly queue: Workqueue<string>;

  constructor(private readonly ctx: ControllerContext) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
  }

  async run(signal: AbortSignal): Promise<void> {
    const inf = this.ctx.informers.informerFor(NAMESPACES);
    const enqueue = (o: KubeObject) => {
      if (o.metadata?.deletionTimestamp) this.queue.add(o.metadata.name!);
    };
    inf.addEventHandler({ onAdd: enqueue, onUpdate: (_a, b) => enqueue(b) });
    if (!(await inf.waitForSync(signal))) return;
    await runWorkers(this.queue, (name) => this.reconcile(name), signal, { workers: this.ctx.workers, name: this.name });
  }

  async reconcile(name: string): Promise<{ requeueAfter: number } | void> {
    let ns: KubeObject;
    try {
      ns = await this.ctx.client.get(NAMESPACES, '', name);
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (!ns.metadata?.deletionTimestamp) return;
    const finalizers = ((ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? []);
    if (!finalizers.includes('kubernetes')) return;

    const resources = (await this.ctx.discovery()).filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete') && !(r.resource === 'events' && r.group === 'events.k8s.io'));
    const remaining = new Map<string, number>();
    const withFinalizers = new Map<string, number>();
    let failures: string[] = [];
    for (const r of resources) {
      try {
        const items = (await this.ctx.client.list(gvrOf(r), name)).items;
        for (const o of items) {
          if (!o.metadata?.deletionTimestamp) {
            try {
              await this.ctx.client.delete(gvrOf(r), name, o.metadata!.name!, { propagationPolicy: 'Background', preconditions: { uid: o.metadata!.uid } });
            } catch (e: unknown) {
              if (!isNotFound(e) && !isConflict(e)) throw e;
            }
          }
        }
        const left = items.length ? (await this.ctx.client.list(gvrOf(r), name)).items : [];
        if (left.length) {
          remaining.set(qualified(r), left.length);
          for (const o of left) for (const f of o.metadata?.finalizers ?? []) withFinalizers.set(f, (withFinalizers.get(f) ?? 0) + 1);
        }
      } catch (e: unknown) {
        failures = [...failures, `${qualified(r)}: ${(e as Error).message}`];
      }
    }
    const now = rfc3339(this.ctx.clock.now());
    const cond = (type: string, on: boolean, reason: string, message: string): Condition => ({ type, status: on ? 'True' : 'False', lastTransitionTime: now, reason, message });
    const fmt = (m: Map<string, number>, what: string) =>
      [...m].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} has ${n} ${what}`).join(', ');
    const conditions: Condition[] = [
      cond('NamespaceDeletionDiscoveryFailure', false, 'ResourcesDiscovered', 'All resources successfully discovered'),
      cond('NamespaceDeletionGroupVersionParsingFailure', false, 'ParsedGroupVersions', 'All legacy kube types successfully parsed'),
      failures.length
        ? cond('NamespaceDeletionContentFailure', true, 'ContentDeletionFailed', `Failed to delete all resource types, ${failures.length} remaining: ${failures.join(', ')}`)
        : cond('NamespaceDeletionContentFailure', false, 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'),
      remaining.size
        ? cond('NamespaceContentRemaining', true, 'SomeResourcesRemain', `Some resources are remaining: ${fmt(remaining, 'resource instances')}`)
        : cond('NamespaceContentRemaining', false, 'ContentRemoved', 'All content successfully removed'),
      withFinalizers.size
        ? cond('NamespaceFinalizersRemaining', true, 'SomeFinalizersRemain', `Some content in the namespace has finalizers remaining: ${fmt(withFinalizers, 'resource instances').replace(/ has /g, ' in ')}`)
        : cond('NamespaceFinalizersRemaining', false, 'ContentHasNoFinalizers', 'All content-preserving finalizers finished'),
    ];
    await this.writeConditions(ns, conditions);
    if (remaining.size || failures.length) return { requeueAfter: 1000 };
    const done = { ...ns, spec: { ...((ns.spec as object | undefined) ?? {}), finalizers: finalizers.filter((f) => f !== 'kubernetes') } };
    try {
      await this.ctx.client.update(NAMESPACES, '', done, { subresource: 'finalize' });
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      if (isConflict(e)) return { requeueAfter: 100 };
      throw e;
    }
  }

  private async writeConditions(ns: KubeObject, conditions: Condition[]): Promise<void> {
    const status = (ns.status ?? {}) as { conditions?: Condition[] };
    const old = status.conditions ?? [];
    const merged = conditions.map((c) => {
      const prev = old.find((o) => o.type === c.type);
      return prev && prev.status === c.status && prev.reason === c.reason && prev.message === c.message ? prev : c;
    });
    if (JSON.stringify(merged) === JSON.stringify(old)) return;
    try {
      await this.ctx.client.update(NAMESPACES, '', { ...ns, status: { ...status, conditions: merged } }, { subresource: 'status' });
    } catch (e: unknown) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }
}
