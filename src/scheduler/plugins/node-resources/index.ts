export * from './fit.js';
export * from './balanced-allocation.js';
export * from './resource-allocation.js';
