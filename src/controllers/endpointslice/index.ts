/** The EndpointSlice controller (kube-controller-manager's "endpointslice"). */
export { EndpointSliceController, type EndpointSliceControllerOptions } from './controller.js';
export {
  reconcile,
  podToEndpoint,
  addressTypesFor,
  sliceLabels,
  newSlice,
  CONTROLLER_NAME,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  MAX_ENDPOINTS_PER_SLICE,
  type EndpointSlice,
  type SliceEndpoint,
  type SlicePort,
  type ReconcilePlan,
} from './reconciler.js';
export { EndpointSliceTracker } from './tracker.js';
