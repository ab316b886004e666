/** The endpoints controller (kube-controller-manager's "endpoints"). */
export { EndpointsController, desiredSubsets, podAddressForService } from './controller.js';
export {
  repackSubsets,
  truncateSubsets,
  capacityAnnotationSetCorrectly,
  subsetsEqualIgnoringResourceVersion,
  MAX_CAPACITY,
  ANNOTATION_OVER_CAPACITY,
  type EndpointSubset,
  type EndpointAddress,
  type EndpointPort,
} from './subsets.js';
