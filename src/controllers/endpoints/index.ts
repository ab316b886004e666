export { EndpointsController, EndpointSliceController } from './controller.js';
export { portsFor, resolvePort } from './compute.js';
