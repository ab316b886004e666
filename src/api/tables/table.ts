/**
 * Turns objects into the meta.k8s.io Table the API server returns for
 * `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`.
 */

import { errors, isStatusError } from '../../apimachinery/status.js';
import { apiVersionOf, type KubeObject } from '../../apimachinery/types.js';
import { column } from './columns.js';
import { formatRFC3339, humanDuration, parseTime } from './duration.js';
import { adapterFor, printerFor } from './registry.js';
import {
  IncludeObject,
  type Printer,
  type Table,
  type TableColumnDefinition,
  type TableListMeta,
  type TableRow,
} from './types.js';

export interface BuildTableOptions {
  /** The instant ages are measured to: milliseconds since the epoch, or a Date. */
  now: number | Date;
  /**
   * What each row carries (TableOptions.includeObject): `Metadata` (the default, as upstream
   * when unset), `Object`, or `None`. Any other value is a 400 BadRequest.
   */
  includeObject?: string;
  /**
   * Fill the priority>0 (`-o wide`) columns. Defaults to true: the API server always
   * returns every column and kubectl decides what to show.
   */
  wide?: boolean;
  /** TableOptions.noHeaders: leave out the column definitions. */
  noHeaders?: boolean;
  /** The list's (or the single object's) metadata, copied into the table's. */
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** The Table's version as negotiated with the client; v1 unless it asked for v1beta1. */
  tableVersion?: 'v1' | 'v1beta1';
}

/** Upstream's default table: the columns of a kind with no printer. */
export const DEFAULT_COLUMNS: readonly TableColumnDefinition[] = [
  column('Name', 'string', 'Name of the object, unique within its namespace or the cluster.', { format: 'name' }),
  column('Created At', 'date', 'When the object was created, in UTC.'),
];

/**
 * The columns apiextensions-apiserver serves for a custom resource version that declares no
 * additionalPrinterColumns: NAME and an AGE computed from `.metadata.creationTimestamp`.
 */
export const CUSTOM_RESOURCE_DEFAULT_COLUMNS: readonly TableColumnDefinition[] = [
  DEFAULT_COLUMNS[0]!,
  column('Age', 'date', 'Time elapsed since the object was created.'),
];

/** The column definitions served for a kind (all of them, wide ones included). */
export function columnDefinitions(group: string, kind: string): readonly TableColumnDefinition[] {
  return printerFor(group, kind)?.columns ?? DEFAULT_COLUMNS;
}

/** Whether the kind has a built-in printer (else it gets the default table). */
export function hasPrinter(group: string, kind: string): boolean {
  return printerFor(group, kind) !== undefined;
}

function parseIncludeObject(value: string | undefined): IncludeObject {
  if (value === undefined || value === '') return IncludeObject.Metadata;
  if (value === IncludeObject.None || value === IncludeObject.Metadata || value === IncludeObject.Object) return value;
  throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(value)}`);
}

/**
 * The Table for `objects` of one kind, served as `group/version`: the printer's columns and
 * cells when the kind has one, else upstream's default NAME / CREATED AT table. Rows keep the
 * order of `objects`, except for kinds whose upstream list printer sorts (FlowSchema).
 *
 * Throws a StatusError: BadRequest for an unknown includeObject, InternalError when an
 * object cannot be printed.
 */
export function buildTable(
  kind: string,
  group: string,
  version: string,
  objects: readonly KubeObject[],
  options: BuildTableOptions,
): Table {
  const include = parseIncludeObject(options.includeObject);
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const wide = options.wide ?? true;
  const tableVersion = options.tableVersion ?? 'v1';
  const metaApiVersion = `meta.k8s.io/${tableVersion}`;
  const objectApiVersion = apiVersionOf(group, version);

  const rowObject = rowObjectFor(include, metaApiVersion, objectApiVersion, kind);

  const printer = printerFor(group, kind);
  let columns: TableColumnDefinition[] | null;
  let rows: TableRow[] | null;
  if (printer === undefined) {
    columns = options.noHeaders ? null : [...DEFAULT_COLUMNS];
    // Upstream's default convertor leaves the rows nil for an empty list.
    rows =
      objects.length === 0
        ? null
        : objects.map((obj) => ({
            cells: [obj.metadata?.name ?? '', formatRFC3339(obj.metadata?.creationTimestamp)],
            object: rowObject(obj),
          }));
  } else {
    columns = printerColumns(printer, wide, options.noHeaders ?? false);
    rows = printRows(printer, adapterFor(group, version, kind), objects, now, wide, rowObject);
  }

  return {
    kind: 'Table',
    apiVersion: metaApiVersion,
    metadata: listMeta(options),
    columnDefinitions: columns,
    rows,
  };
}

/**
 * The Table for custom resources whose CRD version declares no additionalPrinterColumns, as
 * apiextensions-apiserver builds it (NAME, AGE). Unlike the built-in default table the AGE
 * cell is a human duration, null when the object has no creation timestamp. Tables for
 * declared printer columns (JSONPath cells) are not built here.
 */
export function buildCustomResourceTable(
  kind: string,
  group: string,
  version: string,
  objects: readonly KubeObject[],
  options: BuildTableOptions,
): Table {
  const include = parseIncludeObject(options.includeObject);
  const now = typeof options.now === 'number' ? options.now : options.now.getTime();
  const tableVersion = options.tableVersion ?? 'v1';
  const rowObject = rowObjectFor(include, `meta.k8s.io/${tableVersion}`, apiVersionOf(group, version), kind);
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${tableVersion}`,
    metadata: listMeta(options),
    columnDefinitions: options.noHeaders ? null : [...CUSTOM_RESOURCE_DEFAULT_COLUMNS],
    rows: objects.map((obj) => ({ cells: [obj.metadata?.name ?? '', ageCell(obj.metadata?.creationTimestamp, now)], object: rowObject(obj) })),
  };
}

/** A `date` column cell as the CRD convertor computes it from a JSON value. */
function ageCell(value: unknown, now: number): string | null {
  if (typeof value !== 'string') return null;
  const t = parseTime(value);
  if (t !== null) return humanDuration(now - t);
  // Empty, "null" and the zero time parse as unset; anything else fails to parse.
  return value === '' || value === 'null' || /^0001-01-01T00:00:00(\.0+)?(Z|[+-]00:00)$/.test(value) ? '<unknown>' : '<invalid>';
}

function rowObjectFor(include: IncludeObject, metaApiVersion: string, objectApiVersion: string, kind: string) {
  return (obj: KubeObject): TableRow['object'] => {
    switch (include) {
      case IncludeObject.None:
        return null;
      case IncludeObject.Object:
        return obj.apiVersion !== undefined && obj.kind !== undefined ? obj : { apiVersion: objectApiVersion, kind, ...obj };
      case IncludeObject.Metadata:
        return { kind: 'PartialObjectMetadata', apiVersion: metaApiVersion, metadata: obj.metadata ?? {} };
    }
  };
}

function printerColumns(printer: Printer, wide: boolean, noHeaders: boolean): TableColumnDefinition[] | null {
  if (noHeaders && !printer.alwaysHeaders) return null;
  return printer.columns.filter((c) => wide || c.priority === 0);
}

function printRows(
  printer: Printer,
  adapt: ((obj: KubeObject) => KubeObject) | undefined,
  objects: readonly KubeObject[],
  now: number,
  wide: boolean,
  rowObject: (obj: KubeObject) => TableRow['object'],
): TableRow[] {
  const ordered = printer.compare ? [...objects].sort((a, b) => printer.compare!(a, b)) : objects;
  return ordered.map((obj) => {
    let printed;
    try {
      printed = printer.row(adapt ? adapt(obj) : obj, { now, wide });
    } catch (e: unknown) {
      throw isStatusError(e) ? e : errors.internal(e);
    }
    // Keys in upstream's serialization order; conditions only when present.
    const conditions = printed.conditions && printed.conditions.length > 0 ? { conditions: printed.conditions } : {};
    return { cells: printed.cells, ...conditions, object: rowObject(obj) };
  });
}

function listMeta(options: BuildTableOptions): TableListMeta {
  const meta: TableListMeta = {};
  if (options.resourceVersion) meta.resourceVersion = options.resourceVersion;
  if (options.continue) meta.continue = options.continue;
  if (options.remainingItemCount !== undefined) meta.remainingItemCount = options.remainingItemCount;
  return meta;
}
