export { FieldSet, pathString } from './fieldset.js';
export { compare, fieldSetOf, mergeApplied, removePath, shapeOf, type Comparison, type Shape } from './typed.js';
export { applyConfig, trackUpdate, ignoredPaths, decodeManaged, encodeManaged, type ApplyResult, type TrackOptions } from './manager.js';
