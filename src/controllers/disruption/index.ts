export { DisruptionController, PDBS } from './controller.js';
export { computePdb } from './compute.js';
export { pdbEvictionCheck, type PdbAccess } from './eviction.js';
