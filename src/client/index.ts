export { loadKubeconfig, type ClusterCredentials } from './kubeconfig.js';
export { RestClient, type RestRequest, type RestResponse } from './rest.js';
export * from './api-client.js';
export { HttpClient } from './http-client.js';
