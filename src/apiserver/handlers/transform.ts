import type { KubeObject } from '../../apimachinery/types.js';
import type { Output } from '../negotiation.js';
import type { ResourceStore, StoredObject } from '../registry/resource-store.js';
import { rfc3339 } from '../registry/resource-store.js';

/**
 * Response transformations requested with `Accept: ...;as=X;g=meta.k8s.io;v=v1`: tables
 * for kubectl's human-readable output and partial object metadata for metadata-only
 * clients (the garbage collector, `kubectl get -o name`...).
 */
export interface TableBuilder {
  (rs: ResourceStore, objects: KubeObject[], opts: { includeObject: string; now: number; listMeta?: Record<string, unknown> }): unknown;
}

/** The default table (NAME, CREATED AT), as upstream's default table convertor. */
export const defaultTable: TableBuilder = (rs, objects, opts) => ({
  kind: 'Table',
  apiVersion: 'meta.k8s.io/v1',
  metadata: opts.listMeta ?? {},
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the object', priority: 0 },
    { name: 'Created At', type: 'date', format: '', description: 'When the object was created', priority: 0 },
  ],
  rows: objects.map((o) => ({
    cells: [o.metadata?.name ?? '', o.metadata?.creationTimestamp ?? ''],
    object: rowObject(rs, o, opts.includeObject),
  })),
});

export function rowObject(rs: ResourceStore, o: KubeObject, includeObject: string): unknown {
  if (includeObject === 'None') return undefined;
  if (includeObject === 'Object') return o;
  return partialMetadata(o);
}

export function partialMetadata(o: KubeObject, asVersion = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${asVersion}`, metadata: o.metadata ?? {} };
}

let tableBuilder: TableBuilder = defaultTable;

/** Installs the per-type table printers. */
export function setTableBuilder(b: TableBuilder): void {
  tableBuilder = b;
}

export function transformOne(rs: ResourceStore, s: StoredObject, output: Output, includeObject: string, now: number): { obj: unknown; json?: string } {
  if (output.as === 'Table') return { obj: tableBuilder(rs, [s.obj], { includeObject, now }) };
  if (output.as === 'PartialObjectMetadata') return { obj: partialMetadata(s.obj, output.asVersion) };
  if (output.as === 'PartialObjectMetadataList') {
    return { obj: { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${output.asVersion ?? 'v1'}`, metadata: {}, items: [partialMetadata(s.obj, output.asVersion)] } };
  }
  return { obj: s.obj, json: s.json };
}

export function transformList(
  rs: ResourceStore,
  items: StoredObject[],
  listMeta: Record<string, unknown>,
  output: Output,
  includeObject: string,
  now: number,
): { obj: unknown; json?: string } {
  if (output.as === 'Table') return { obj: tableBuilder(rs, items.map((s) => s.obj), { includeObject, now, listMeta }) };
  if (output.as === 'PartialObjectMetadataList' || output.as === 'PartialObjectMetadata') {
    return {
      obj: {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${output.asVersion ?? 'v1'}`,
        metadata: listMeta,
        items: items.map((s) => partialMetadata(s.obj, output.asVersion)),
      },
    };
  }
  if (output.format === 'json') {
    // Lists are written from the objects' stored JSON: no re-encoding of every item.
    const head = JSON.stringify({ kind: rs.desc.listKind, apiVersion: rs.apiVersion, metadata: listMeta });
    const json = `${head.slice(0, -1)},"items":[${items.map((s) => s.json).join(',')}]}`;
    return { obj: undefined, json };
  }
  return { obj: rs.listObject(items.map((s) => s.obj), listMeta) };
}

export { rfc3339 };
