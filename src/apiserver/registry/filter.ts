import { errors } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';

/**
 * Selection of objects by ?labelSelector= and ?fieldSelector=, compiled once per request.
 * `fieldsOf` gives an object's selectable fields (metadata.name, metadata.namespace and the
 * type's own, e.g. spec.nodeName for pods).
 */
export interface ObjectFilter {
  readonly empty: boolean;
  matches(obj: KubeObject): boolean;
}

type Req = { key: string; op: '=' | '!=' | 'in' | 'notin' | 'exists' | '!'; values: string[] };

function splitTopLevel(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1];
      i++;
      continue;
    }
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur.trim() !== '') out.push(cur);
  return out;
}

function parseLabelSelector(s: string): Req[] {
  const reqs: Req[] = [];
  for (const raw of splitTopLevel(s)) {
    const part = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^([^\s!=()]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part))) {
      reqs.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter((v) => v) });
    } else if ((m = /^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/.exec(part))) {
      reqs.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!] });
    } else if ((m = /^!\s*([^\s!=]+)$/.exec(part))) {
      reqs.push({ key: m[1]!, op: '!', values: [] });
    } else if ((m = /^([^\s!=]+)$/.exec(part))) {
      reqs.push({ key: m[1]!, op: 'exists', values: [] });
    } else {
      throw errors.badRequest(`unable to parse requirement: found '${part}'`);
    }
  }
  return reqs;
}

function parseFieldSelector(s: string): Req[] {
  const reqs: Req[] = [];
  for (const raw of splitTopLevel(s)) {
    const part = raw.trim();
    const m = /^([^\s!=]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw errors.badRequest(`invalid selector: '${s}'; can't understand '${part}'`);
    reqs.push({ key: m[1]!, op: m[2] === '!=' ? '!=' : '=', values: [m[3]!.replace(/\\(.)/g, '$1')] });
  }
  return reqs;
}

function test(reqs: Req[], get: (k: string) => string | undefined): boolean {
  for (const r of reqs) {
    const v = get(r.key);
    switch (r.op) {
      case '=':
        if (v !== r.values[0]) return false;
        break;
      case '!=':
        if (v === r.values[0]) return false;
        break;
      case 'in':
        if (v === undefined || !r.values.includes(v)) return false;
        break;
      case 'notin':
        if (v !== undefined && r.values.includes(v)) return false;
        break;
      case 'exists':
        if (v === undefined) return false;
        break;
      case '!':
        if (v !== undefined) return false;
        break;
    }
  }
  return true;
}

export function compileFilter(
  labelSelector: string | undefined,
  fieldSelector: string | undefined,
  fieldsOf: (obj: KubeObject) => Record<string, string>,
  supportedFields: (name: string) => boolean,
): ObjectFilter {
  const labels = labelSelector?.trim() ? parseLabelSelector(labelSelector) : [];
  const fields = fieldSelector?.trim() ? parseFieldSelector(fieldSelector) : [];
  for (const f of fields) {
    if (!supportedFields(f.key)) throw errors.badRequest(`field label not supported: ${f.key}`);
  }
  const empty = labels.length === 0 && fields.length === 0;
  return {
    empty,
    matches(obj) {
      if (empty) return true;
      if (labels.length && !test(labels, (k) => obj.metadata?.labels?.[k])) return false;
      if (fields.length) {
        const set = fieldsOf(obj);
        if (!test(fields, (k) => set[k])) return false;
      }
      return true;
    },
  };
}
