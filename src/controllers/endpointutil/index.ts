/** Helpers shared by the endpoints and endpointslice controllers (upstream's pkg/controller/util/endpoint). */
export * from './util.js';
