/**
 * ControllerRevision history shared by the StatefulSet and DaemonSet controllers (upstream's
 * pkg/controller/history and the hashing both use).
 */
export { fnv1, fnv1a, safeEncodeString, canonicalJson, sortedKeys, computeTemplateHash } from './hash.js';
export {
  CONTROLLER_REVISIONS,
  CONTROLLER_REVISION_HASH_LABEL,
  revisionName,
  hashRevision,
  newControllerRevision,
  equalRevision,
  findEqualRevisions,
  sortRevisions,
  nextRevisionNumber,
  createControllerRevision,
  updateRevisionNumber,
  templatePatchOf,
  goTypedTemplate,
  applyTemplatePatch,
  type ControllerRevision,
} from './revisions.js';
