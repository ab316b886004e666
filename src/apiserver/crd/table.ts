import type { KubeObject } from '../../apimachinery/types.js';
import { humanDuration, parseTime } from '../../api/tables/index.js';

export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/**
 * Evaluates a CRD printer column's JSONPath (`.spec.replicas`, `.status.conditions[0].type`,
 * `.metadata.labels.app`) against an object; undefined when the path does not lead anywhere.
 */
export function evalJsonPath(obj: unknown, path: string): unknown {
  const p = path.trim().replace(/^\{(.*)\}$/, '$1').replace(/^\$/, '');
  const parts = p.match(/\.[^.[\]]+|\[[^\]]+\]/g) ?? [];
  let cur: unknown = obj;
  for (const part of parts) {
    if (cur === null || cur === undefined) return undefined;
    if (part.startsWith('.')) cur = (cur as Record<string, unknown>)[part.slice(1)];
    else {
      const inner = part.slice(1, -1).replace(/^['"]|['"]$/g, '');
      cur = /^\d+$/.test(inner) ? (cur as unknown[])[Number(inner)] : (cur as Record<string, unknown>)[inner];
    }
  }
  return cur;
}

/** A cell as the apiextensions apiserver's table convertor renders it for the column's type. */
export function cellFor(col: PrinterColumn, obj: KubeObject, now: number): unknown {
  const v = evalJsonPath(obj, col.jsonPath);
  if (v === undefined || v === null) return null;
  switch (col.type) {
    case 'date': {
      if (typeof v !== 'string') return null;
      const t = parseTime(v);
      return t === null ? '<invalid>' : humanDuration(now - t);
    }
    case 'integer':
      return typeof v === 'number' ? Math.trunc(v) : null;
    case 'number':
      return typeof v === 'number' ? v : null;
    case 'boolean':
      return typeof v === 'boolean' ? v : null;
    default:
      return typeof v === 'string' ? v : JSON.stringify(v);
  }
}
