/**
 * JSON patch (RFC 6902, `application/json-patch+json`) with the behaviour of the library
 * kube-apiserver 1.32 applies it with (evanphx/json-patch v4, as the apiserver configures it:
 * negative array indices allowed, "copy" limited to 3 MiB in total, at most 10000 operations).
 *
 * Where that library departs from the RFC, this module departs the same way:
 * - `replace` of a missing object member adds it (only array indices must exist);
 * - `replace` of the whole document with anything but an object or array does nothing;
 * - `copy` from a missing object member writes null;
 * - `add` of an operation without `value` writes null;
 * - negative array indices count from the end (`add` at -1 appends);
 * - a path is split at every `/` and its first segment ignored, so `a/b` means `/b`, and array
 *   indices may have a sign or leading zeros (`+1`, `01`);
 * - `test` of a missing member (or a null one) passes when the value is null;
 * - an unknown `op` (or a missing or non-string one) fails as `Unexpected kind`.
 *
 * Errors, as kube-apiserver reports them: a body that is not an array of objects is a
 * 400 BadRequest with Go's decoding message; more than 10000 operations is 413; any failing
 * operation is 422 Invalid with the fixed message "the server rejected our request due to an
 * error in our request" — upstream discards the library's message, which is kept here as the
 * error's `cause` (e.g. `add operation does not apply: doc is missing path: "/a/b": missing value`).
 */
import type { StatusError } from '../../apimachinery/status.js';
import { errors } from '../../apimachinery/status.js';
import { goJsonKind } from './go-format.js';
import { cloneJson, getKey, hasKey, isJsonObject, jsonEqual, setKey, type JsonObject } from './json-values.js';
import { patchBadRequest, patchInvalid, patchUnconverted } from './patch-errors.js';

export interface JsonPatchOptions {
  /** Total bytes "copy" operations may add; 0 means no limit. kube-apiserver's default: 3 MiB. */
  maxCopyBytes?: number;
  /** Most operations one patch may hold. kube-apiserver: 10000. */
  maxOperations?: number;
}

export const DEFAULT_JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024;
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/**
 * Applies a JSON patch (the decoded body: an array of operation objects) to `doc` and returns
 * the result, which may be an array if the patch replaced the whole document with one.
 * Pure: neither argument is modified. Throws StatusError (400, 413 or 422).
 */
export function applyJsonPatch(doc: unknown, patch: unknown, options: JsonPatchOptions = {}): unknown {
  const ops = decodeOperations(patch);
  const maxOps = options.maxOperations ?? MAX_JSON_PATCH_OPERATIONS;
  if (ops.length > maxOps) {
    throw errors.requestEntityTooLarge(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${maxOps}, got ${ops.length}`,
    );
  }
  if (!isJsonObject(doc) && !Array.isArray(doc)) {
    throw patchInvalid(`json: cannot unmarshal ${goJsonKind(doc)} into Go value of type jsonpatch.partialDoc`);
  }
  const state: ApplyState = {
    root: cloneJson(doc),
    copied: 0,
    maxCopyBytes: options.maxCopyBytes ?? DEFAULT_JSON_PATCH_MAX_COPY_BYTES,
  };
  for (const op of cloneJson(ops)) {
    try {
      applyOperation(state, op);
    } catch (e: unknown) {
      if (e instanceof OperationFailure) throw patchInvalid(e.message);
      throw e;
    }
  }
  return state.root;
}

/**
 * The strict-decoding pass kube-apiserver runs first when fieldValidation is Strict or Warn:
 * decodes the body into its own operation struct (op, path, from, value), so a field of the
 * wrong type is a 400 `error decoding patch: ...`. Returns the unknown-field findings,
 * e.g. `json patch unknown field "[0].foo"`; `duplicateFields` are the paths the body
 * decoder found repeated.
 */
export function strictJsonPatchErrors(patch: unknown, duplicateFields: readonly string[] = []): string[] {
  if (patch === null || patch === undefined) return duplicateFields.map((p) => `json patch duplicate field "${p}"`);
  if (!Array.isArray(patch)) {
    throw patchBadRequest(
      `error decoding patch: json: cannot unmarshal ${goJsonKind(patch)} into Go value of type []handlers.jsonPatchOp`,
    );
  }
  let typeError: string | undefined;
  const findings: string[] = [];
  const unknownPaths = new Set<string>();
  patch.forEach((op, i) => {
    if (op === null) return;
    if (!isJsonObject(op)) {
      typeError ??= `json: cannot unmarshal ${goJsonKind(op)} into Go value of type handlers.jsonPatchOp`;
      return;
    }
    for (const k of Object.keys(op)) {
      if (k === 'op' || k === 'path' || k === 'from') {
        const v = op[k];
        if (v !== null && typeof v !== 'string') {
          typeError ??= `json: cannot unmarshal ${goJsonKind(v)} into Go struct field jsonPatchOp.${k} of type string`;
        }
      } else if (k !== 'value') {
        const path = `[${i}].${k}`;
        unknownPaths.add(path);
        findings.push(`json patch unknown field ${JSON.stringify(path)}`);
      }
    }
  });
  if (typeError !== undefined) throw patchBadRequest(`error decoding patch: ${typeError}`);
  // A repeated unknown member is reported once, as unknown.
  for (const p of duplicateFields) {
    if (!unknownPaths.has(p)) findings.push(`json patch duplicate field ${JSON.stringify(p)}`);
  }
  return findings.slice(0, 100);
}

/** As evanphx/json-patch's DecodePatch: an array (or null) of objects (or nulls). */
function decodeOperations(patch: unknown): (JsonObject | null)[] {
  if (patch === null || patch === undefined) return [];
  if (!Array.isArray(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of patch) {
    if (op !== null && !isJsonObject(op)) {
      throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  return patch as (JsonObject | null)[];
}

/** A failed operation; its message is the library's, reported as the 422's cause. */
class OperationFailure extends Error {}

type Container = JsonObject | unknown[];

interface ApplyState {
  root: Container;
  copied: number;
  maxCopyBytes: number;
}

interface Location {
  con: Container;
  key: string;
}

const MISSING = 'missing value';
const fail = (message: string): never => {
  throw new OperationFailure(message);
};

function applyOperation(state: ApplyState, op: JsonObject | null): void {
  const kind = op ? opKind(op) : 'unknown';
  switch (kind) {
    case 'add':
      return opAdd(state, op!);
    case 'remove':
      return opRemove(state, op!);
    case 'replace':
      return opReplace(state, op!);
    case 'move':
      return opMove(state, op!);
    case 'test':
      return opTest(state, op!);
    case 'copy':
      return opCopy(state, op!);
    default:
      fail(`Unexpected kind: ${kind}`);
  }
}

function opKind(op: JsonObject): string {
  const v = getKey(op, 'op');
  return typeof v === 'string' ? v : 'unknown';
}

/** An operation's `path` or `from`: a string, or the reason there is none. */
function opString(op: JsonObject, field: 'path' | 'from'): { value: string } | { error: string } {
  const v = getKey(op, field);
  if (v === undefined || v === null) {
    return { error: `${field === 'path' ? 'operation missing path field' : 'operation, missing from field'}: ${MISSING}` };
  }
  if (typeof v !== 'string') return { error: `json: cannot unmarshal ${goJsonKind(v)} into Go value of type string` };
  return { value: v };
}

/** The operation's value; an absent `value` reads as null, as the library's nil node does. */
function opValue(op: JsonObject): unknown {
  return hasKey(op, 'value') ? op['value'] : null;
}

function opAdd(state: ApplyState, op: JsonObject): void {
  const p = opString(op, 'path');
  if (!('value' in p)) return fail(`add operation failed to decode path: ${MISSING}`);
  const path = p.value;
  const loc = findObject(state.root, path) ?? fail(`add operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  wrap(`error in add for path: '${path}'`, () => containerAdd(loc, opValue(op)));
}

function opRemove(state: ApplyState, op: JsonObject): void {
  const p = opString(op, 'path');
  if (!('value' in p)) return fail(`remove operation failed to decode path: ${MISSING}`);
  const path = p.value;
  const loc =
    findObject(state.root, path) ?? fail(`remove operation does not apply: doc is missing path: "${path}": ${MISSING}`);
  wrap(`error in remove for path: '${path}'`, () => containerRemove(loc));
}

function opReplace(state: ApplyState, op: JsonObject): void {
  const p = opString(op, 'path');
  if (!('value' in p)) return fail(`replace operation failed to decode path: ${p.error}`);
  const path = p.value;
  if (path === '') {
    if (!hasKey(op, 'value')) throw libraryPanic();
    const v = op['value'];
    // as the library: a scalar replacement of the whole document is silently ignored
    if (isJsonObject(v) || Array.isArray(v)) state.root = v;
    return;
  }
  const loc = findObject(state.root, path) ?? fail(`replace operation does not apply: doc is missing path: ${path}: ${MISSING}`);
  try {
    containerGet(loc);
  } catch (e: unknown) {
    if (e instanceof OperationFailure) fail(`replace operation does not apply: doc is missing key: ${path}: ${MISSING}`);
    throw e;
  }
  wrap(`error in remove for path: '${path}'`, () => containerSet(loc, opValue(op)));
}

function opMove(state: ApplyState, op: JsonObject): void {
  const f = opString(op, 'from');
  if (!('value' in f)) return fail(`move operation failed to decode from: ${f.error}`);
  const from = f.value;
  const src = findObject(state.root, from) ?? fail(`move operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  const val = wrap(`error in move for path: '${src.key}'`, () => containerGet(src));
  wrap(`error in move for path: '${src.key}'`, () => containerRemove(src));
  const p = opString(op, 'path');
  if (!('value' in p)) return fail(`move operation failed to decode path: ${p.error}`);
  const path = p.value;
  const dst =
    findObject(state.root, path) ?? fail(`move operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  wrap(`error in move for path: '${path}'`, () => containerAdd(dst, val ?? null));
}

function opTest(state: ApplyState, op: JsonObject): void {
  const p = opString(op, 'path');
  if (!('value' in p)) return fail(`test operation failed to decode path: ${p.error}`);
  const path = p.value;
  const failed = (): never => fail(`testing value ${path} failed: test failed`);
  if (path === '') {
    if (!hasKey(op, 'value')) throw libraryPanic();
    if (!jsonEqual(state.root, op['value'])) failed();
    return;
  }
  const loc = findObject(state.root, path) ?? fail(`test operation does not apply: is missing path: ${path}: ${MISSING}`);
  const val = wrap(`error in test for path: '${path}'`, () => containerGet(loc));
  if (val === undefined) {
    if (!hasKey(op, 'value')) throw libraryPanic();
    if (op['value'] !== null) failed();
    return;
  }
  if (!hasKey(op, 'value')) failed();
  // Values compare structurally. The library compares scalars by their encoded bytes, which
  // agrees with this for Go clients such as kubectl (they encode as the server does).
  if (!jsonEqual(val, op['value'])) failed();
}

function opCopy(state: ApplyState, op: JsonObject): void {
  const f = opString(op, 'from');
  if (!('value' in f)) return fail(`copy operation failed to decode from: ${f.error}`);
  const from = f.value;
  const src = findObject(state.root, from) ?? fail(`copy operation does not apply: doc is missing from path: ${from}: ${MISSING}`);
  const val = wrap(`error in copy for from: '${from}'`, () => containerGet(src));
  const p = opString(op, 'path');
  if (!('value' in p)) return fail(`copy operation failed to decode path: ${MISSING}`);
  const path = p.value;
  const dst =
    findObject(state.root, path) ?? fail(`copy operation does not apply: doc is missing destination path: ${path}: ${MISSING}`);
  state.copied += val === undefined ? 0 : goJsonSize(val);
  if (state.maxCopyBytes > 0 && state.copied > state.maxCopyBytes) {
    fail(
      `Unable to complete the copy, the accumulated size increase of copy is ${state.copied}, exceeding the limit ${state.maxCopyBytes}`,
    );
  }
  wrap('error while adding value during copy', () => containerAdd(dst, val === undefined ? null : cloneJson(val)));
}

/** Runs `fn`, prefixing an operation failure's message with `context` (as errors.Wrapf). */
function wrap<T>(context: string, fn: () => T): T {
  try {
    return fn();
  } catch (e: unknown) {
    if (e instanceof OperationFailure) fail(`${context}: ${e.message}`);
    throw e;
  }
}

/** Where the library dereferences a nil value and panics; the apiserver answers 500. */
function libraryPanic(): StatusError {
  return patchUnconverted('runtime error: invalid memory address or nil pointer dereference');
}

/** RFC 6901 unescaping in one left-to-right pass: `~1` is `/`, `~0` is `~`. */
function decodePointerToken(token: string): string {
  return token.replace(/~[01]/g, (m) => (m === '~1' ? '/' : '~'));
}

/**
 * The container holding the last segment of `path`, and that segment; undefined when a
 * parent is missing, null, or not a container. As the library, the first segment (before the
 * first `/`) is never looked at.
 */
function findObject(root: Container, path: string): Location | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let doc: Container = root;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = containerGet({ con: doc, key: decodePointerToken(part) });
    } catch (e: unknown) {
      if (e instanceof OperationFailure) return undefined;
      throw e;
    }
    if (!isJsonObject(next) && !Array.isArray(next)) return undefined;
    doc = next;
  }
  return { con: doc, key: decodePointerToken(split[split.length - 1]!) };
}

/** Go's strconv.Atoi. */
function atoi(key: string): number {
  if (!/^[+-]?[0-9]+$/.test(key)) fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  const n = Number(key);
  if (n > 9223372036854775807 || n < -9223372036854775808) {
    fail(`strconv.Atoi: parsing ${JSON.stringify(key)}: value out of range`);
  }
  return n;
}

const invalidIndex = (idx: number): never => fail(`Unable to access invalid index: ${idx}: invalid index referenced`);

/** The value at the location; undefined for a missing or null member (the library's nil). */
function containerGet(loc: Location): unknown {
  const { con, key } = loc;
  if (Array.isArray(con)) {
    let idx = atoi(key);
    if (idx < 0) {
      if (idx < -con.length) invalidIndex(idx);
      idx += con.length;
    }
    if (idx >= con.length) invalidIndex(idx);
    return con[idx] ?? undefined;
  }
  return getKey(con, key) ?? undefined;
}

function containerAdd(loc: Location, value: unknown): void {
  const { con, key } = loc;
  if (!Array.isArray(con)) {
    setKey(con, key, value);
    return;
  }
  if (key === '-') {
    con.push(value);
    return;
  }
  let idx: number;
  try {
    idx = atoi(key);
  } catch (e: unknown) {
    if (e instanceof OperationFailure) fail(`value was not a proper array index: '${key}': ${e.message}`);
    throw e;
  }
  const size = con.length + 1;
  if (idx >= size) invalidIndex(idx);
  if (idx < 0) {
    if (idx < -size) invalidIndex(idx);
    idx += size;
  }
  con.splice(idx, 0, value);
}

function containerRemove(loc: Location): void {
  const { con, key } = loc;
  if (!Array.isArray(con)) {
    if (!hasKey(con, key)) fail(`Unable to remove nonexistent key: ${key}: ${MISSING}`);
    delete con[key];
    return;
  }
  let idx = atoi(key);
  if (idx >= con.length) invalidIndex(idx);
  if (idx < 0) {
    if (idx < -con.length) invalidIndex(idx);
    idx += con.length;
  }
  con.splice(idx, 1);
}

/** `replace` after the location was checked to exist (or to be an object member). */
function containerSet(loc: Location, value: unknown): void {
  const { con, key } = loc;
  if (!Array.isArray(con)) {
    setKey(con, key, value);
    return;
  }
  let idx = atoi(key);
  if (idx < 0) {
    if (idx < -con.length) invalidIndex(idx);
    idx += con.length;
  }
  con[idx] = value;
}

/** Bytes of Go's encoding of `v` (it escapes <, > and & in strings, and U+2028/U+2029). */
function goJsonSize(v: unknown): number {
  const s = JSON.stringify(v);
  let extra = 0;
  for (const ch of s) {
    if (ch === '<' || ch === '>' || ch === '&') extra += 5;
    else if (ch === '\u2028' || ch === '\u2029') extra += 3;
  }
  return Buffer.byteLength(s, 'utf8') + extra;
}
