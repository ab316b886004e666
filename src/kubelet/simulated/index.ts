export { SimulatedNodes, type SimulatedNodesOptions } from './nodes.js';
export { runningStatus, finishedStatus, scriptedExit, EXIT_CODE_ANNOTATION, RUN_SECONDS_ANNOTATION } from './pod-status.js';
