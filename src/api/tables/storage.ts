/**
 * Printers of the storage.k8s.io/v1 kinds, mirroring kube-apiserver 1.32's built-in printers.
 */

import { ageColumn, ageOf, column, count, isSet, metadataOf, nameColumn, nameOf, rec, recs, str, strs } from './columns.js';
import { formatQuantity } from './quantity.js';
import type { Printer } from './types.js';

/** Either annotation set to "true" marks the default class. */
function isDefaultClass(annotations: unknown): boolean {
  const a = rec(annotations);
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

export const storageClassPrinter: Printer = {
  columns: [
    nameColumn,
    column('Provisioner', 'string', 'The volume plugin provisioning volumes of the class.'),
    column('ReclaimPolicy', 'string', 'Reclaim policy of the volumes provisioned.'),
    column('VolumeBindingMode', 'string', 'When volumes are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether volumes of the class can be expanded.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const name = nameOf(obj) + (isDefaultClass(metadataOf(obj).annotations) ? ' (default)' : '');
    return {
      cells: [
        name,
        str(obj.provisioner),
        isSet(obj.reclaimPolicy) ? str(obj.reclaimPolicy) : 'Delete',
        isSet(obj.volumeBindingMode) ? str(obj.volumeBindingMode) : 'Immediate',
        obj.allowVolumeExpansion === true,
        ageOf(obj, ctx.now),
      ],
    };
  },
};

export const csiDriverPrinter: Printer = {
  columns: [
    nameColumn,
    column('AttachRequired', 'boolean', 'Whether volumes need an attach step.'),
    column('PodInfoOnMount', 'boolean', 'Whether pod information is passed on mount.'),
    column('StorageCapacity', 'boolean', 'Whether the scheduler considers storage capacity.'),
    column('TokenRequests', 'string', 'Audiences of the service account tokens passed to the driver.'),
    column('RequiresRepublish', 'boolean', 'Whether volumes are periodically republished.'),
    column('Modes', 'string', 'Volume lifecycle modes the driver supports.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const modes = strs(spec.volumeLifecycleModes).join(',');
    const tokenRequests = isSet(spec.tokenRequests) ? recs(spec.tokenRequests).map((t) => str(t.audience)).join(',') : '<unset>';
    return {
      cells: [
        nameOf(obj),
        // Absent flags read as their defaults.
        spec.attachRequired !== false,
        spec.podInfoOnMount === true,
        spec.storageCapacity === true,
        tokenRequests,
        spec.requiresRepublish === true,
        modes || '<none>',
        ageOf(obj, ctx.now),
      ],
    };
  },
};

export const csiNodePrinter: Printer = {
  columns: [nameColumn, column('Drivers', 'integer', 'Number of CSI drivers registered on the node.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), count(rec(obj.spec).drivers), ageOf(obj, ctx.now)] }),
};

export const csiStorageCapacityPrinter: Printer = {
  columns: [
    nameColumn,
    column('StorageClassName', 'string', 'Storage class the capacity was reported for.'),
    column('Capacity', 'string', 'Capacity available for new volumes.'),
  ],
  row: (obj) => ({
    cells: [nameOf(obj), str(obj.storageClassName), isSet(obj.capacity) ? formatQuantity(obj.capacity) : '<unset>'],
  }),
};

export const volumeAttachmentPrinter: Printer = {
  columns: [
    nameColumn,
    column('Attacher', 'string', 'The volume driver attaching the volume.', { format: 'name' }),
    column('PV', 'string', 'The persistent volume to attach.'),
    column('Node', 'string', 'The node the volume is attached to.'),
    column('Attached', 'boolean', 'Whether the attach operation succeeded.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    return {
      cells: [
        nameOf(obj),
        str(spec.attacher),
        str(rec(spec.source).persistentVolumeName),
        str(spec.nodeName),
        rec(obj.status).attached === true,
        ageOf(obj, ctx.now),
      ],
    };
  },
};
