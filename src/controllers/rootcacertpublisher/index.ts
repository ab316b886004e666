/** The root CA publisher (kube-controller-manager's "root-ca-certificate-publisher"). */
export { RootCaCertPublisher, ROOT_CA_CONFIGMAP, ROOT_CA_DESCRIPTION, DESCRIPTION_ANNOTATION } from './controller.js';
