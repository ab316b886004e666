/** The serviceaccount controller (kube-controller-manager's "serviceaccount"). */
export { ServiceAccountController, DEFAULT_SERVICE_ACCOUNTS } from './controller.js';
