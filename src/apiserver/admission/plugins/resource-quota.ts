import { formatUsage, quotaSelects, restrictTo, sumUsages, usageOf, type Usage } from '../../../api/quota.js';
import { Quantity } from '../../../apimachinery/quantity.js';
import { errors, isConflict } from '../../../apimachinery/status.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';
import type { AdmissionLister } from '../lister.js';

type Obj = Record<string, unknown>;

/** Writes a quota's status.used with the quota's resourceVersion as precondition (409 when stale). */
export type QuotaStatusWriter = (quota: KubeObject, used: Record<string, string>) => Promise<void>;

const MAX_ATTEMPTS = 8;

/**
 * ResourceQuota, as upstream's admission plugin: a create (or an update of a Service or
 * PersistentVolumeClaim that grows its usage) is checked against every quota of the
 * namespace that tracks what it uses; if any would exceed its hard limits the request fails
 * with 403 "exceeded quota"; otherwise the usage is charged to each quota's status.used at
 * once (with optimistic concurrency, retried), so concurrent creates cannot both slip under
 * a limit. Quotas that limit compute resources require pods to specify them. The
 * resourcequota controller later recomputes status.used from what really exists.
 */
export class ResourceQuotaAdmission implements AdmissionPlugin {
  readonly name = 'ResourceQuota';
  readonly operations = ['CREATE', 'UPDATE'] as const;

  constructor(
    private readonly lister: AdmissionLister,
    private readonly writeUsed: QuotaStatusWriter,
    /** A live read of the namespace's quotas (after a conflict the cache may be stale). */
    private readonly liveQuotas: (namespace: string) => Promise<KubeObject[]>,
  ) {}

  async validate(a: AdmissionAttributes): Promise<void> {
    if (!a.namespace || a.subresource || !a.object) return;
    const { group, resource } = a.resource;
    if (a.operation === 'UPDATE' && !(group === '' && (resource === 'services' || resource === 'persistentvolumeclaims'))) return;
    let quotas = await this.lister.list('', 'resourcequotas', a.namespace);
    if (!quotas.length) return;
    const after = usageOf(group, resource, a.object);
    const before = a.operation === 'UPDATE' && a.oldObject ? usageOf(group, resource, a.oldObject) : new Map<string, Quantity>();
    const delta: Usage = new Map();
    for (const [k, v] of after) {
      const d = v.sub(before.get(k) ?? Quantity.zero());
      if (d.sign() > 0) delta.set(k, d);
    }
    if (!delta.size) return;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.checkAndCharge(a, quotas, group, resource, delta);
        return;
      } catch (e: unknown) {
        if (!isConflict(e) || attempt >= MAX_ATTEMPTS) throw e;
        quotas = await this.liveQuotas(a.namespace);
      }
    }
  }

  private async checkAndCharge(a: AdmissionAttributes, quotas: KubeObject[], group: string, resource: string, delta: Usage): Promise<void> {
    const name = a.object!.metadata?.name ?? a.name;
    const gr = { group, resource };
    const charges: { quota: KubeObject; used: Usage }[] = [];
    for (const quota of [...quotas].sort((x, y) => String(x.metadata?.name).localeCompare(String(y.metadata?.name)))) {
      const qname = quota.metadata!.name!;
      const hardRaw = (((quota.status as Obj | undefined)?.hard ?? (quota.spec as Obj | undefined)?.hard) ?? {}) as Record<string, string>;
      if (!quotaSelects(quota, group, resource, a.object!)) continue;
      const tracked = restrictTo(delta, hardRaw);
      // Compute quotas need pods to declare the resource, as upstream.
      if (group === '' && resource === 'pods') {
        const missing = requiredButUnset(hardRaw, a.object!);
        if (missing.length) throw errors.forbidden(gr, name, `failed quota: ${qname}: must specify ${missing.join('; ')}`);
      }
      if (!tracked.size) continue;
      const usedRaw = (((quota.status as Obj | undefined)?.used ?? {}) as Record<string, string>);
      const unknown = [...tracked.keys()].filter((k) => usedRaw[k] === undefined || (quota.status as Obj | undefined)?.hard === undefined);
      if (unknown.length) throw errors.forbidden(gr, name, `status unknown for quota: ${qname}, resources: ${unknown.sort().join(',')}`);
      const used: Usage = new Map(Object.entries(usedRaw).map(([k, v]) => [k, Quantity.parse(v)]));
      const next = sumUsages(used, tracked);
      const exceeded = [...tracked.keys()].filter((k) => next.get(k)!.cmp(Quantity.parse(hardRaw[k]!)) > 0).sort();
      if (exceeded.length) {
        const pick = (u: Usage) => new Map(exceeded.map((k) => [k, u.get(k) ?? Quantity.zero()]));
        const hard = new Map(exceeded.map((k) => [k, Quantity.parse(hardRaw[k]!)]));
        throw errors.forbidden(gr, name, `exceeded quota: ${qname}, requested: ${formatUsage(pick(tracked))}, used: ${formatUsage(pick(used))}, limited: ${formatUsage(hard)}`);
      }
      charges.push({ quota, used: next });
    }
    if (a.dryRun) return;
    for (const c of charges) {
      await this.writeUsed(c.quota, Object.fromEntries([...c.used].map(([k, v]) => [k, v.toString()])));
    }
  }
}

function requiredButUnset(hard: Record<string, string>, pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as Obj;
  const containers = [...(((spec.initContainers as Obj[] | undefined) ?? [])), ...(((spec.containers as Obj[] | undefined) ?? []))];
  const out: string[] = [];
  for (const key of ['limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory', 'cpu', 'memory', 'requests.ephemeral-storage', 'limits.ephemeral-storage']) {
    if (!(key in hard)) continue;
    const [which, res] = key.includes('.') ? (key.split('.') as ['requests' | 'limits', string]) : (['requests', key] as const);
    const lacking = containers.filter((c) => ((c.resources as Obj | undefined)?.[which] as Obj | undefined)?.[res] === undefined).map((c) => String(c.name));
    if (lacking.length) out.push(`${key} for: ${lacking.join(',')}`);
  }
  return out;
}
