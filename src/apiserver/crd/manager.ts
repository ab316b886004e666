import type { BuiltinResource } from '../../api/resources.js';
import type { Schema } from '../../api/schema/types.js';
import { isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ApiClient } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import { SharedInformer } from '../../client/informer.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { realClock, type Clock } from '../../util/clock.js';
import { logger } from '../../util/log.js';
import type { TypeStrategy } from '../../api/strategy.js';
import type { Registry } from '../registry/registry.js';
import { applyDefaults, prune, validateStructural } from './structural.js';

const log = logger('crd');
export const CRDS = gvr('apiextensions.k8s.io/v1', 'customresourcedefinitions');
export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';
const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';

type Obj = Record<string, unknown>;

interface CrdVersion {
  name: string;
  served: boolean;
  storage: boolean;
  schema?: { openAPIV3Schema?: Schema };
  subresources?: { status?: object; scale?: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string } };
  additionalPrinterColumns?: { name: string; type: string; format?: string; description?: string; priority?: number; jsonPath: string }[];
}
interface CrdSpec {
  group: string;
  names: { plural: string; singular?: string; kind: string; listKind?: string; shortNames?: string[]; categories?: string[] };
  scope: 'Namespaced' | 'Cluster';
  versions: CrdVersion[];
}

/** kube-aware version order (v2 > v1 > v1beta2 > v1beta1 > v1alpha1 > others), as discovery lists them. */
export function versionPriority(a: string, b: string): number {
  const parse = (v: string) => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v] as const;
    return [m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2, -Number(m[1]), -Number(m[3] ?? 0), v] as const;
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return a.localeCompare(b);
}

/** A CR schema with the ObjectMeta the API server types every object's metadata with. */
function servedSchema(s: Schema | undefined): Schema | undefined {
  if (!s) return undefined;
  return {
    ...s,
    type: 'object',
    properties: { ...(s.properties ?? {}), apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata: { $ref: OBJECT_META } },
  };
}

/**
 * Serves CustomResourceDefinitions, as the apiextensions apiserver: every established CRD
 * becomes a resource of the registry (storage under /registry/<group>/<plural>/, the CRD's
 * schema for typed decoding, pruning, defaulting and validation, one storage version with
 * apiVersion rewritten for the others — conversion None), its status gets NamesAccepted and
 * Established (or NamesAccepted=False on a name conflict), and discovery is rebuilt. A CRD
 * being deleted (finalizer customresourcecleanup.apiextensions.k8s.io) has its objects
 * deleted, then stops being served and goes.
 */
export class CrdManager {
  private readonly queue: Workqueue<string>;
  private readonly informer: SharedInformer;
  private readonly clock: Clock;
  private readonly served = new Map<string, string>();

  constructor(
    private readonly opts: { registry: Registry; client: ApiClient; onChange: () => void; clock?: Clock; builtinNames: (group: string, plural: string) => boolean },
  ) {
    this.clock = opts.clock ?? realClock;
    this.queue = new Workqueue<string>({ clock: this.clock });
    this.informer = new SharedInformer({ client: opts.client, gvr: CRDS, clock: this.clock });
    this.informer.addEventHandler({
      onAdd: (o) => this.queue.add(o.metadata!.name!),
      onUpdate: (_a, o) => this.queue.add(o.metadata!.name!),
      onDelete: (o) => this.queue.add(isTombstone(o) ? o.key : o.metadata!.name!),
    });
  }

  /** Serves every stored CRD, then keeps following changes until `signal` aborts. */
  async run(signal: AbortSignal, ready?: () => void): Promise<void> {
    const informing = this.informer.run(signal);
    if (await this.informer.waitForSync(signal)) {
      for (const crd of this.informer.lister().list()) await this.sync(crd.metadata!.name!).catch((e: unknown) => log.warn('serving CRD failed', { crd: crd.metadata?.name, error: e }));
      ready?.();
      await runWorkers(this.queue, (name) => this.sync(name), signal, { name: 'crd-manager', log });
    }
    await informing;
  }

  async sync(name: string): Promise<{ requeueAfter?: number } | void> {
    const crd = this.informer.lister().get('', name);
    if (!crd) {
      const gr = this.served.get(name);
      if (gr) {
        const [group, resource] = gr.split('/') as [string, string];
        this.opts.registry.removeResource(group, resource);
        this.served.delete(name);
        this.opts.onChange();
      }
      return;
    }
    const spec = crd.spec as CrdSpec;
    if (crd.metadata?.deletionTimestamp) return this.cleanup(crd, spec);
    // Name conflicts: a built-in resource of the group, or another CRD with the same names.
    const conflict = this.opts.builtinNames(spec.group, spec.names.plural)
      ? `"${spec.names.plural}" is already in use`
      : this.informer
          .lister()
          .list()
          .some((o) => o.metadata!.name !== name && (o.spec as CrdSpec).group === spec.group && ((o.spec as CrdSpec).names.plural === spec.names.plural || (o.spec as CrdSpec).names.kind === spec.names.kind) && String(o.metadata!.creationTimestamp) < String(crd.metadata!.creationTimestamp))
        ? `"${spec.names.plural}" is already in use`
        : '';
    if (!conflict) {
      await this.serve(crd, spec);
      this.served.set(name, `${spec.group}/${spec.names.plural}`);
      this.opts.onChange();
    }
    await this.writeStatus(crd, spec, conflict);
    if (!conflict && !crd.metadata?.finalizers?.includes(CLEANUP_FINALIZER)) {
      try {
        const cur = await this.opts.client.get(CRDS, '', name);
        if (!cur.metadata!.finalizers?.includes(CLEANUP_FINALIZER)) {
          cur.metadata!.finalizers = [...(cur.metadata!.finalizers ?? []), CLEANUP_FINALIZER];
          await this.opts.client.update(CRDS, '', cur);
        }
      } catch (e: unknown) {
        if (isConflict(e)) return { requeueAfter: 50 };
        if (!isNotFound(e)) throw e;
      }
    }
  }

  private async serve(crd: KubeObject, spec: CrdSpec): Promise<void> {
    const served = spec.versions.filter((v) => v.served).map((v) => v.name).sort(versionPriority);
    const storage = spec.versions.find((v) => v.storage)?.name ?? served[0]!;
    const withSub = (n: 'status' | 'scale') => spec.versions.some((v) => v.subresources?.[n]);
    const info: BuiltinResource = {
      group: spec.group,
      versions: served,
      resource: spec.names.plural,
      singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
      kind: spec.names.kind,
      namespaced: spec.scope !== 'Cluster',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      ...(spec.names.shortNames?.length ? { shortNames: spec.names.shortNames } : {}),
      ...(spec.names.categories?.length ? { categories: spec.names.categories } : {}),
      subresources: [
        ...(withSub('status') ? [{ name: 'status', verbs: ['get', 'patch', 'update'] }] : []),
        ...(withSub('scale') ? [{ name: 'scale', kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] }] : []),
      ],
    };
    const schemas: Record<string, Schema | undefined> = {};
    const perVersion: Record<string, Record<string, unknown>> = {};
    for (const v of spec.versions) {
      schemas[v.name] = servedSchema(v.schema?.openAPIV3Schema);
      perVersion[v.name] = { printerColumns: v.additionalPrinterColumns, scale: v.subresources?.scale, crd: crd.metadata!.name };
    }
    const storageSchema = schemas[storage];
    const strategy: Partial<TypeStrategy> = {
      generation: true,
      standardFinalizerNames: false,
      default: (o) => {
        const s = schemas[String(o.apiVersion).split('/')[1] ?? storage] ?? storageSchema;
        if (!s) return;
        // Pruned below the top level only: apiVersion, kind and metadata are the server's.
        for (const [k, v] of Object.entries(o)) {
          if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
          const ps = s.properties?.[k];
          if (!ps && !s['x-kubernetes-preserve-unknown-fields']) delete (o as Obj)[k];
          else if (ps) prune(v, ps, k, []);
        }
        applyDefaults(o, s);
      },
      validate: (o) => {
        const s = schemas[String(o.apiVersion).split('/')[1] ?? storage] ?? storageSchema;
        return s ? validateStructural(o as Obj, s) : [];
      },
      validateUpdate: (o) => {
        const s = schemas[String(o.apiVersion).split('/')[1] ?? storage] ?? storageSchema;
        return s ? validateStructural(o as Obj, s) : [];
      },
      validateStatusUpdate: (o) => {
        const s = schemas[String(o.apiVersion).split('/')[1] ?? storage] ?? storageSchema;
        return s ? validateStructural(o as Obj, s) : [];
      },
    };
    // conversion None: only apiVersion differs between served versions.
    const conversions: Record<string, { fromStorage: (o: KubeObject) => KubeObject; toStorage: (o: KubeObject) => KubeObject }> = {};
    for (const v of served) {
      if (v === storage) continue;
      conversions[v] = {
        fromStorage: (o) => ({ ...o, apiVersion: `${spec.group}/${v}` }),
        toStorage: (o) => ({ ...o, apiVersion: `${spec.group}/${storage}` }),
      };
    }
    await this.opts.registry.addResource(info, {
      behaviour: { strategy: strategy as TypeStrategy, conversions },
      storageVersion: storage,
      prefix: `/registry/${spec.group}/${spec.names.plural}/`,
      listKind: spec.names.listKind ?? `${spec.names.kind}List`,
      schemas,
      perVersion,
    });
  }

  private async writeStatus(crd: KubeObject, spec: CrdSpec, conflict: string): Promise<void> {
    const now = new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    const prev = ((crd.status as Obj | undefined)?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined) ?? [];
    const cond = (type: string, status: string, reason: string, message: string) => {
      const p = prev.find((c) => c.type === type);
      return { type, status, lastTransitionTime: p && p.status === status ? p.lastTransitionTime : now, reason, message };
    };
    const storage = spec.versions.find((v) => v.storage)?.name;
    const storedVersions = [...new Set([...(((crd.status as Obj | undefined)?.storedVersions as string[] | undefined) ?? []), ...(storage ? [storage] : [])])];
    const names = { ...spec.names, singular: spec.names.singular ?? spec.names.kind.toLowerCase(), listKind: spec.names.listKind ?? `${spec.names.kind}List` };
    const status = conflict
      ? {
          conditions: [cond('NamesAccepted', 'False', 'PluralConflict', conflict), cond('Established', 'False', 'NotAccepted', 'not all names are accepted')],
          acceptedNames: { plural: '', kind: '' },
          storedVersions,
        }
      : {
          conditions: [cond('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'), cond('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted')],
          acceptedNames: names,
          storedVersions,
        };
    if (JSON.stringify(crd.status) === JSON.stringify(status)) return;
    try {
      const cur = await this.opts.client.get(CRDS, '', crd.metadata!.name!);
      await this.opts.client.update(CRDS, '', { ...cur, status }, { subresource: 'status' });
    } catch (e: unknown) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  /** A CRD being deleted: Terminating, its objects deleted, then the finalizer removed. */
  private async cleanup(crd: KubeObject, spec: CrdSpec): Promise<{ requeueAfter?: number } | void> {
    if (!crd.metadata?.finalizers?.includes(CLEANUP_FINALIZER)) return;
    const storage = spec.versions.find((v) => v.storage)?.name ?? spec.versions[0]!.name;
    const api = gvr(`${spec.group}/${storage}`, spec.names.plural);
    const status = { ...((crd.status as Obj | undefined) ?? {}) };
    const conds = ((status.conditions as { type: string }[] | undefined) ?? []).filter((c) => c.type !== 'Terminating');
    status.conditions = [...conds, { type: 'Terminating', status: 'True', lastTransitionTime: new Date(Math.floor(this.clock.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z'), reason: 'InstanceDeletionInProgress', message: 'CustomResource deletion is in progress' }];
    try {
      await this.opts.client.update(CRDS, '', { ...crd, status }, { subresource: 'status' });
    } catch {
      // best effort: the condition is informational
    }
    let remaining = 0;
    try {
      const items = (await this.opts.client.list(api, '')).items;
      for (const o of items) {
        try {
          await this.opts.client.delete(api, o.metadata?.namespace ?? '', o.metadata!.name!, { gracePeriodSeconds: 0 });
        } catch (e: unknown) {
          if (!isNotFound(e)) throw e;
        }
      }
      remaining = (await this.opts.client.list(api, '')).items.length;
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
    }
    if (remaining) return { requeueAfter: 500 };
    this.opts.registry.removeResource(spec.group, spec.names.plural);
    this.served.delete(crd.metadata!.name!);
    this.opts.onChange();
    try {
      const cur = await this.opts.client.get(CRDS, '', crd.metadata!.name!);
      cur.metadata!.finalizers = (cur.metadata!.finalizers ?? []).filter((f) => f !== CLEANUP_FINALIZER);
      await this.opts.client.update(CRDS, '', cur);
    } catch (e: unknown) {
      if (isConflict(e)) return { requeueAfter: 50 };
      if (!isNotFound(e)) throw e;
    }
  }
}
