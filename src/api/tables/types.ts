/**
 * The meta.k8s.io Table shapes the API server answers with when a client asks for
 * `application/json;as=Table;v=v1;g=meta.k8s.io`, and the printer model behind them.
 */

import type { KubeObject, ObjectMeta } from '../../apimachinery/types.js';

/** meta/v1 TableColumnDefinition. Every field is always serialized, as upstream does. */
export interface TableColumnDefinition {
  /** Human name; kubectl upper-cases it for the header (`Nominated Node` -> `NOMINATED NODE`). */
  name: string;
  /** OpenAPI type of the cells: string, integer, number, boolean or date. */
  type: string;
  /** OpenAPI format hint; `name` marks the column kubectl prefixes with the kind. */
  format: string;
  description: string;
  /** 0: shown by default; higher: shown by `kubectl get -o wide` only. */
  priority: number;
}

/** A cell value as it is serialized: kubectl prints strings as-is and formats the rest. */
export type TableCell = string | number | boolean | null;

/** meta/v1 TableRowCondition (only `Completed` exists upstream). */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/** meta/v1 PartialObjectMetadata, the row object for `includeObject=Metadata`. */
export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

/** meta/v1 TableRow. */
export interface TableRow {
  cells: TableCell[];
  /** Present only when non-empty (upstream: omitempty). */
  conditions?: TableRowCondition[];
  /**
   * The row's object per `includeObject`: PartialObjectMetadata, the full object, or null
   * for `None` (upstream serializes an empty RawExtension as null).
   */
  object: PartialObjectMetadata | KubeObject | null;
}

/** meta/v1 ListMeta as the table carries it; empty fields are left out. */
export interface TableListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

/** meta/v1 Table. */
export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: TableListMeta;
  /** null when the client asked for `noHeaders` (upstream leaves the slice nil). */
  columnDefinitions: TableColumnDefinition[] | null;
  /** null only from the default convertor given an empty list (upstream leaves the slice nil). */
  rows: TableRow[] | null;
}

/** The `includeObject` values of meta/v1 TableOptions. */
export const IncludeObject = {
  None: 'None',
  Metadata: 'Metadata',
  Object: 'Object',
} as const;
export type IncludeObject = (typeof IncludeObject)[keyof typeof IncludeObject];

/** What a printer may read besides the object. */
export interface RowContext {
  /** The instant ages are measured to, in milliseconds since the epoch. */
  now: number;
  /**
   * Whether priority>0 cells are filled. The API server always asks its printers for wide
   * rows; kubectl hides those columns itself unless `-o wide`.
   */
  wide: boolean;
}

/** One row's content as a printer computes it. */
export interface PrintedRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
}

/**
 * How one kind is shown as a table: its columns and how an object becomes a row.
 * Invariant: with `wide` set, `row` yields one cell per column, in column order; without it,
 * one per priority-0 column (except where upstream's printer itself does otherwise).
 */
export interface Printer {
  columns: readonly TableColumnDefinition[];
  row(obj: KubeObject, ctx: RowContext): PrintedRow;
  /** Orders the rows of a list, for the kinds whose upstream list printer sorts. */
  compare?(a: KubeObject, b: KubeObject): number;
  /** Columns are sent even when the client asked for `noHeaders` (upstream's APIService table). */
  alwaysHeaders?: boolean;
}
