/**
 * Server-side tables: the meta.k8s.io/v1 Table kube-apiserver 1.32 returns for
 * `kubectl get`, with its printers' columns and cells for every built-in kind and the
 * default NAME / CREATED AT table for the rest.
 */

export {
  buildTable,
  buildCustomResourceTable,
  columnDefinitions,
  hasPrinter,
  DEFAULT_COLUMNS,
  CUSTOM_RESOURCE_DEFAULT_COLUMNS,
  type BuildTableOptions,
} from './table.js';
export { humanDuration, translateTimestampSince, parseTime, formatRFC3339 } from './duration.js';
export { formatQuantity } from './quantity.js';
export { formatLabels, formatLabelSelector } from './selectors.js';
export {
  IncludeObject,
  type PartialObjectMetadata,
  type Table,
  type TableCell,
  type TableColumnDefinition,
  type TableListMeta,
  type TableRow,
  type TableRowCondition,
} from './types.js';
