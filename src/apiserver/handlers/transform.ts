import type { KubeObject } from '../../apimachinery/types.js';
import type { Output } from '../negotiation.js';
import type { ResourceStore, StoredObject } from '../registry/resource-store.js';
import { rfc3339 } from '../registry/resource-store.js';
import { buildCustomResourceTable, buildTable } from '../../api/tables/index.js';
import { cellFor, type PrinterColumn } from '../crd/table.js';

/**
 * Response transformations requested with `Accept: ...;as=X;g=meta.k8s.io;v=v1`: tables
 * for kubectl's human-readable output (src/api/tables) and partial object metadata for
 * metadata-only clients (the garbage collector, `kubectl get -o name`...).
 */
export function partialMetadata(o: KubeObject, asVersion = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${asVersion}`, metadata: o.metadata ?? {} };
}

function table(rs: ResourceStore, objects: KubeObject[], output: Output, includeObject: string, now: number, listMeta: Record<string, unknown> = {}, noHeaders = false) {
  if (rs.desc.schema !== undefined || rs.desc.extra?.crd !== undefined) {
    const opts = {
      now,
      includeObject,
      noHeaders,
      resourceVersion: listMeta.resourceVersion as string | undefined,
      continue: listMeta.continue as string | undefined,
      remainingItemCount: listMeta.remainingItemCount as number | undefined,
      tableVersion: (output.asVersion === 'v1beta1' ? 'v1beta1' : 'v1') as 'v1' | 'v1beta1',
    };
    const base = buildCustomResourceTable(rs.desc.kind, rs.desc.group, rs.desc.version, objects, opts);
    const columns = rs.desc.extra?.printerColumns as PrinterColumn[] | undefined;
    if (!columns?.length) return base;
    // As the apiextensions apiserver: NAME, then the CRD's columns (priority > 0 only with -o wide, which kubectl filters).
    return {
      ...base,
      columnDefinitions: noHeaders
        ? null
        : [
            base.columnDefinitions?.[0] ?? { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace.', priority: 0 },
            ...columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: c.description ?? '', priority: c.priority ?? 0 })),
          ],
      rows: (base.rows ?? []).map((r, i) => ({ ...r, cells: [r.cells[0], ...columns.map((c) => cellFor(c, objects[i]!, now))] })),
    };
  }
  return buildTable(rs.desc.kind, rs.desc.group, rs.desc.version, objects, {
    now,
    includeObject,
    noHeaders,
    resourceVersion: listMeta.resourceVersion as string | undefined,
    continue: listMeta.continue as string | undefined,
    remainingItemCount: listMeta.remainingItemCount as number | undefined,
    tableVersion: output.asVersion === 'v1beta1' ? 'v1beta1' : 'v1',
  });
}

export function transformOne(
  rs: ResourceStore,
  s: StoredObject,
  output: Output,
  includeObject: string,
  now: number,
  noHeaders = false,
): { obj: unknown; json?: string } {
  if (output.as === 'Table') {
    return { obj: table(rs, [s.obj], output, includeObject, now, { resourceVersion: s.obj.metadata?.resourceVersion }, noHeaders) };
  }
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
  if (output.as === 'Table') return { obj: table(rs, items.map((s) => s.obj), output, includeObject, now, listMeta) };
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
