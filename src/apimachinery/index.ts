/**
 * The shared building blocks of the API machinery: errors, field paths, object types,
 * selectors, quantities, IntOrString, validators, timestamps and UIDs. Everything public
 * in this folder is re-exported here.
 */
export * from './field-errors.js';
export * from './field-path.js';
export * from './fields.js';
export * from './go-format.js';
export * from './intstr.js';
export * from './labels.js';
export * from './object-meta.js';
export * from './quantity.js';
export * from './status.js';
export * from './time.js';
export * from './types.js';
export * from './uid.js';
export * from './validation.js';
