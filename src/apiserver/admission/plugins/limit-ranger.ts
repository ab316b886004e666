import { Quantity } from '../../../apimachinery/quantity.js';
import { errors } from '../../../apimachinery/status.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';
import type { AdmissionLister } from '../lister.js';

type Obj = Record<string, unknown>;
type List = Record<string, string>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface LimitItem {
  type: string;
  max?: List;
  min?: List;
  default?: List;
  defaultRequest?: List;
  maxLimitRequestRatio?: List;
}

const q = (s: string): Quantity => Quantity.parse(String(s));

/** A LimitRange item with upstream's API defaults (default <- max, defaultRequest <- default, then min). */
function effective(item: LimitItem): LimitItem {
  if (item.type !== 'Container') return item;
  const def = { ...(item.max ?? {}), ...(item.default ?? {}) };
  const defReq = { ...(item.min ?? {}), ...def, ...(item.defaultRequest ?? {}) };
  return { ...item, default: def, defaultRequest: defReq };
}

/**
 * LimitRanger, as upstream's admission plugin: on create, containers without requests or
 * limits get the namespace's LimitRange defaults (recorded in the
 * `kubernetes.io/limit-ranger` annotation), then every Container, Pod and
 * PersistentVolumeClaim limit (min, max, maxLimitRequestRatio) is enforced with 403s.
 */
export class LimitRanger implements AdmissionPlugin {
  readonly name = 'LimitRanger';
  readonly operations = ['CREATE'] as const;

  constructor(private readonly lister: AdmissionLister) {}

  private async items(ns: string): Promise<LimitItem[]> {
    const ranges = await this.lister.list('', 'limitranges', ns);
    return ranges.flatMap((r) => ((r.spec as Obj | undefined)?.limits as LimitItem[] | undefined) ?? []).map(effective);
  }

  private applies(a: AdmissionAttributes): boolean {
    return a.resource.group === '' && (a.resource.resource === 'pods' || a.resource.resource === 'persistentvolumeclaims') && !a.subresource && !!a.object;
  }

  async admit(a: AdmissionAttributes): Promise<void> {
    if (!this.applies(a) || a.resource.resource !== 'pods') return;
    const items = (await this.items(a.namespace)).filter((i) => i.type === 'Container');
    if (!items.length) return;
    const spec = (a.object!.spec ?? {}) as Obj;
    const notes: string[] = [];
    for (const field of ['initContainers', 'containers'] as const) {
      for (const c of ((spec[field] as Obj[] | undefined) ?? [])) {
        const res = (isObj(c.resources) ? c.resources : (c.resources = {})) as Obj;
        const setReq: string[] = [];
        const setLim: string[] = [];
        for (const item of items) {
          for (const [k, v] of Object.entries(item.default ?? {})) {
            const limits = (isObj(res.limits) ? res.limits : {}) as List;
            if (limits[k] === undefined) {
              res.limits = { ...limits, [k]: q(v).toString() };
              setLim.push(k);
            }
          }
          for (const [k, v] of Object.entries(item.defaultRequest ?? {})) {
            const requests = (isObj(res.requests) ? res.requests : {}) as List;
            if (requests[k] === undefined) {
              res.requests = { ...requests, [k]: q(v).toString() };
              setReq.push(k);
            }
          }
        }
        if (setReq.length) notes.push(`${setReq.sort().join(', ')} request for ${field === 'initContainers' ? 'init container' : 'container'} ${String(c.name)}`);
        if (setLim.length) notes.push(`${setLim.sort().join(', ')} limit for ${field === 'initContainers' ? 'init container' : 'container'} ${String(c.name)}`);
      }
    }
    if (notes.length) {
      const meta = a.object!.metadata!;
      meta.annotations = { ...(meta.annotations ?? {}), 'kubernetes.io/limit-ranger': `LimitRanger plugin set: ${notes.join('; ')}` };
    }
  }

  async validate(a: AdmissionAttributes): Promise<void> {
    if (!this.applies(a)) return;
    const items = await this.items(a.namespace);
    if (!items.length) return;
    const errs: string[] = [];
    const obj = a.object!;
    if (a.resource.resource === 'pods') {
      const spec = (obj.spec ?? {}) as Obj;
      const containers = [...(((spec.initContainers as Obj[] | undefined) ?? [])), ...(((spec.containers as Obj[] | undefined) ?? []))];
      for (const item of items.filter((i) => i.type === 'Container')) {
        for (const c of containers) errs.push(...check(item, 'Container', (c.resources ?? {}) as Obj));
      }
      for (const item of items.filter((i) => i.type === 'Pod')) {
        const sum = (which: 'requests' | 'limits') => {
          const total: Record<string, Quantity> = {};
          for (const c of ((spec.containers as Obj[] | undefined) ?? [])) {
            for (const [k, v] of Object.entries(((c.resources as Obj | undefined)?.[which] as List | undefined) ?? {})) total[k] = total[k] ? total[k]!.add(q(v)) : q(v);
          }
          return Object.fromEntries(Object.entries(total).map(([k, v]) => [k, v.toString()]));
        };
        errs.push(...check(item, 'Pod', { requests: sum('requests'), limits: sum('limits') }));
      }
    } else {
      const spec = (obj.spec ?? {}) as Obj;
      for (const item of items.filter((i) => i.type === 'PersistentVolumeClaim')) {
        errs.push(...checkClaim(item, (spec.resources ?? {}) as Obj));
      }
    }
    if (errs.length) {
      throw errors.forbidden({ group: '', resource: a.resource.resource }, obj.metadata?.name ?? a.name, errs.length === 1 ? errs[0]! : `[${errs.join(', ')}]`);
    }
  }
}

// Messages as upstream's limitranger (min/max by request and limit, ratio with %f).
function check(item: LimitItem, kind: string, resources: Obj): string[] {
  const errs: string[] = [];
  const requests = (resources.requests ?? {}) as List;
  const limits = (resources.limits ?? {}) as List;
  // As upstream: one error (the first that applies) per resource and constraint.
  for (const [k, min] of Object.entries(item.min ?? {})) {
    const req = requests[k];
    const lim = limits[k];
    if (req === undefined) errs.push(`minimum ${k} usage per ${kind} is ${q(min).toString()}.  No request is specified`);
    else if (q(req).cmp(q(min)) < 0) errs.push(`minimum ${k} usage per ${kind} is ${q(min).toString()}, but request is ${q(req).toString()}`);
    else if (lim !== undefined && q(lim).cmp(q(min)) < 0) errs.push(`minimum ${k} usage per ${kind} is ${q(min).toString()}, but limit is ${q(lim).toString()}`);
  }
  for (const [k, max] of Object.entries(item.max ?? {})) {
    const req = requests[k];
    const lim = limits[k];
    if (lim === undefined) errs.push(`maximum ${k} usage per ${kind} is ${q(max).toString()}.  No limit is specified`);
    else if (q(lim).cmp(q(max)) > 0) errs.push(`maximum ${k} usage per ${kind} is ${q(max).toString()}, but limit is ${q(lim).toString()}`);
    else if (req !== undefined && q(req).cmp(q(max)) > 0) errs.push(`maximum ${k} usage per ${kind} is ${q(max).toString()}, but request is ${q(req).toString()}`);
  }
  for (const [k, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const req = requests[k];
    const lim = limits[k];
    if (req === undefined || lim === undefined) {
      errs.push(`${k} max limit to request ratio per ${kind} is ${q(ratio).toString()}, but no ${req === undefined ? 'request' : 'limit'} is specified or request is 0`);
      continue;
    }
    const r = q(req).milliValue();
    if (r === 0) continue;
    const actual = q(lim).milliValue() / r;
    if (actual > q(ratio).milliValue() / 1000) errs.push(`${k} max limit to request ratio per ${kind} is ${q(ratio).toString()}, but provided ratio is ${actual.toFixed(6)}`);
  }
  return errs;
}

function checkClaim(item: LimitItem, resources: Obj): string[] {
  const errs: string[] = [];
  const requests = (resources.requests ?? {}) as List;
  const limits = (resources.limits ?? {}) as List;
  for (const [k, min] of Object.entries(item.min ?? {})) {
    const req = requests[k];
    if (req !== undefined && q(req).cmp(q(min)) < 0) errs.push(`minimum ${k} usage per PersistentVolumeClaim is ${q(min).toString()}, but request is ${q(req).toString()}`);
  }
  for (const [k, max] of Object.entries(item.max ?? {})) {
    const req = requests[k];
    const lim = limits[k];
    if (req !== undefined && q(req).cmp(q(max)) > 0) errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${q(max).toString()}, but request is ${q(req).toString()}`);
    if (lim !== undefined && q(lim).cmp(q(max)) > 0) errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${q(max).toString()}, but limit is ${q(lim).toString()}`);
  }
  return errs;
}

export type { KubeObject };
