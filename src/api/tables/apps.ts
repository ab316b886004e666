/**
 * Printers of the apps/v1 kinds, mirroring kube-apiserver 1.32's built-in printers.
 */

import {
  ageColumn,
  ageOf,
  column,
  containerCells,
  containersColumn,
  imagesColumn,
  int,
  metadataOf,
  nameColumn,
  nameOf,
  rec,
  recs,
  selectorColumn,
  str,
  templateContainers,
} from './columns.js';
import { formatLabels, formatLabelSelector, labelSelectorString } from './selectors.js';
import type { Printer, PrintedRow } from './types.js';

export const deploymentPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready replicas out of desired replicas.'),
    column('Up-to-date', 'string', 'Replicas running the latest pod template.'),
    column('Available', 'string', 'Replicas available to serve.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector of the deployment\'s pods.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      `${int(status.readyReplicas)}/${int(spec.replicas)}`,
      int(status.updatedReplicas),
      int(status.availableReplicas),
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) {
      const [names, images] = containerCells(templateContainers(spec));
      // Unlike the other workloads, the selector prints bare (no `<none>` when empty).
      cells.push(names, images, labelSelectorString(spec.selector));
    }
    return { cells };
  },
};

export const replicaSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Number of replicas wanted.'),
    column('Current', 'integer', 'Number of replicas that exist.'),
    column('Ready', 'integer', 'Number of replicas that are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector of the replica set\'s pods.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      int(spec.replicas),
      int(status.replicas),
      int(status.readyReplicas),
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) {
      const [names, images] = containerCells(templateContainers(spec));
      cells.push(names, images, formatLabelSelector(spec.selector));
    }
    return { cells };
  },
};

export const statefulSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready replicas out of desired replicas.'),
    ageColumn,
    containersColumn,
    imagesColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      `${int(rec(obj.status).readyReplicas)}/${int(spec.replicas)}`,
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) cells.push(...containerCells(templateContainers(spec)));
    return { cells };
  },
};

export const daemonSetPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes running at least one daemon pod.'),
    column('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Nodes running the latest pod template.'),
    column('Available', 'integer', 'Nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'Node selector of the pod template.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Label selector of the daemon set\'s pods.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      int(status.desiredNumberScheduled),
      int(status.currentNumberScheduled),
      int(status.numberReady),
      int(status.updatedNumberScheduled),
      int(status.numberAvailable),
      formatLabels(rec(rec(spec.template).spec).nodeSelector),
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) {
      const [names, images] = containerCells(templateContainers(spec));
      cells.push(names, images, formatLabelSelector(spec.selector));
    }
    return { cells };
  },
};

/** `statefulset.apps/web` for the controlling owner, `<none>` without one. */
function controllerName(ownerReferences: unknown): string {
  const owner = recs(ownerReferences).find((r) => r.controller === true);
  if (owner === undefined) return '<none>';
  const apiVersion = str(owner.apiVersion);
  const slash = apiVersion.indexOf('/');
  if (slash !== apiVersion.lastIndexOf('/')) {
    // Upstream fails the whole request on an unparseable group version.
    throw new Error(`unexpected GroupVersion string: ${apiVersion}`);
  }
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind = str(owner.kind);
  const name = str(owner.name);
  if (group === '' && kind === '') return name;
  return `${(group === '' ? kind : `${kind}.${group}`).toLowerCase()}/${name}`;
}

export const controllerRevisionPrinter: Printer = {
  columns: [
    nameColumn,
    column('Controller', 'string', 'The object controlling the revision, as kind.group/name.'),
    column('Revision', 'string', 'Revision number of the state data.'),
    ageColumn,
  ],
  row: (obj, ctx) => ({
    cells: [nameOf(obj), controllerName(metadataOf(obj).ownerReferences), int(obj.revision), ageOf(obj, ctx.now)],
  }),
};
