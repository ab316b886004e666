/** k8ts as a library. */
export { startServer, type ServerOptions, type RunningServer } from './server.js';
export * as storage from './storage/index.js';
export { KUBERNETES_VERSION } from './version.js';
