export { ServiceAccountController, RootCaPublisher, ROOT_CA_CONFIGMAP } from './serviceaccount.js';
