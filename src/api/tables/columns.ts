/**
 * Building blocks shared by the printers: column definitions, tolerant readers of the
 * JSON objects, and cells several kinds print alike.
 */

import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { translateTimestampSince } from './duration.js';
import type { TableColumnDefinition } from './types.js';

/** A column definition; `priority` 1 marks an `-o wide` column. */
export function column(
  name: string,
  type: string,
  description: string,
  opts: { format?: string; priority?: number } = {},
): TableColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

export const nameColumn = column('Name', 'string', 'Name of the object, unique within its namespace or the cluster.', {
  format: 'name',
});
export const ageColumn = column('Age', 'string', 'Time elapsed since the object was created.');
export const containersColumn = column('Containers', 'string', 'Names of the containers in the pod template.', {
  priority: 1,
});
export const imagesColumn = column('Images', 'string', 'Images of the containers in the pod template.', { priority: 1 });
export const selectorColumn = (description: string) => column('Selector', 'string', description, { priority: 1 });

// Readers that yield Go's zero values for absent or mistyped fields, so a printer reads a
// JSON object the way upstream reads its decoded struct.
export type Fields = Record<string, unknown>;
export const rec = (v: unknown): Fields => (isObject(v) ? v : {});
export const recs = (v: unknown): Fields[] => (Array.isArray(v) ? v.map(rec) : []);
export const strs = (v: unknown): string[] => (Array.isArray(v) ? v.map(str) : []);
export const str = (v: unknown): string => (typeof v === 'string' ? v : '');
export const int = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : 0);
/** Whether an optional (pointer) field is set. */
export const isSet = (v: unknown): boolean => v !== undefined && v !== null;
export const count = (v: unknown): number => (Array.isArray(v) ? v.length : isObject(v) ? Object.keys(v).length : 0);

export const metadataOf = (obj: KubeObject): Fields => rec(obj.metadata);
export const nameOf = (obj: KubeObject): string => str(metadataOf(obj).name);
export const isDeleting = (obj: KubeObject): boolean => isSet(metadataOf(obj).deletionTimestamp);
export const ageOf = (obj: KubeObject, now: number): string => translateTimestampSince(metadataOf(obj).creationTimestamp, now);

/** Container names and images, each comma-joined (upstream: layoutContainerCells). */
export function containerCells(containers: unknown): [string, string] {
  const list = recs(containers);
  return [list.map((c) => str(c.name)).join(','), list.map((c) => str(c.image)).join(',')];
}

/** The pod template's containers of a workload whose template sits at `spec.template`. */
export const templateContainers = (spec: Fields): unknown => rec(rec(rec(spec.template).spec)).containers;

/** Upstream's printBoolPtr: `True`, `False`, or `<unset>` for an absent pointer. */
export function boolPointer(v: unknown): string {
  if (!isSet(v)) return '<unset>';
  return v === true ? 'True' : 'False';
}

/** Whether the condition of that type is present with status True (first match decides). */
export function conditionTrue(conditions: unknown, type: string): boolean {
  const c = recs(conditions).find((x) => x.type === type);
  return c !== undefined && c.status === 'True';
}
