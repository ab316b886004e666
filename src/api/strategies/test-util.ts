/**
 * Test support for the strategy overlays: runs a resource's hooks from BUILTIN_STRATEGIES in
 * the order the registry does (prepare, default, validate, warnings), composing hooks of
 * the same name as the registry's builtinBehaviours does. Not part of the public surface.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { TypeStrategy } from '../strategy.js';
import { BUILTIN_STRATEGIES } from './index.js';

type Hook = keyof TypeStrategy;

function hooks<K extends Hook>(key: string, name: K): NonNullable<TypeStrategy[K]>[] {
  return BUILTIN_STRATEGIES.map((o) => o[key]?.[name]).filter((h): h is NonNullable<TypeStrategy[K]> => typeof h === 'function');
}

export interface Outcome {
  obj: KubeObject;
  errors: string[];
  warnings: string[];
}

const clone = <T>(v: T): T => structuredClone(v);

/** A create as the registry runs it: prepareForCreate, default, validate, warnings. */
export function runCreate(key: string, input: unknown): Outcome {
  const obj = clone(input) as KubeObject;
  obj.metadata ??= {};
  for (const h of hooks(key, 'prepareForCreate')) h(obj);
  for (const h of hooks(key, 'default')) h(obj);
  const errors = hooks(key, 'validate').flatMap((h) => h(obj).map((e) => e.message()));
  const warnings = hooks(key, 'warnings').flatMap((h) => h(obj));
  return { obj, errors, warnings };
}

/** An update of the main resource: prepareForUpdate, default, validateUpdate, warnings. */
export function runUpdate(key: string, input: unknown, oldInput: unknown): Outcome {
  const obj = clone(input) as KubeObject;
  const old = clone(oldInput) as KubeObject;
  obj.metadata ??= {};
  // as the registry: system metadata comes from the stored object
  if (old.metadata?.generation !== undefined) obj.metadata.generation = old.metadata.generation;
  for (const h of hooks(key, 'prepareForUpdate')) h(obj, old);
  for (const h of hooks(key, 'default')) h(obj);
  const errors = hooks(key, 'validateUpdate').flatMap((h) => h(obj, old).map((e) => e.message()));
  const warnings = hooks(key, 'warnings').flatMap((h) => h(obj, old));
  return { obj, errors, warnings };
}

/** A /status update: prepareForStatusUpdate, validateStatusUpdate. */
export function runStatusUpdate(key: string, input: unknown, oldInput: unknown): Outcome {
  const obj = clone(input) as KubeObject;
  const old = clone(oldInput) as KubeObject;
  for (const h of hooks(key, 'prepareForStatusUpdate')) h(obj, old);
  const errors = hooks(key, 'validateStatusUpdate').flatMap((h) => h(obj, old).map((e) => e.message()));
  return { obj, errors, warnings: [] };
}

/** A created object as stored (errors must be empty), for use as the old side of updates. */
export function created(key: string, input: unknown): KubeObject {
  const out = runCreate(key, input);
  if (out.errors.length) throw new Error(`fixture invalid: ${out.errors.join('; ')}`);
  return out.obj;
}
