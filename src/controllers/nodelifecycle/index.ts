export { NodeLifecycleController, type NodeLifecycleOptions } from './controller.js';
