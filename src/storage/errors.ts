import type { KeyValue } from './interface.js';

/** What went wrong in a storage call. The apiserver maps each code to a Kubernetes status. */
export const StorageErrorCode = {
  /** create found the key already present. */
  KeyExists: 'KeyExists',
  /** update/delete/get found no such key. */
  KeyNotFound: 'KeyNotFound',
  /** compare-and-swap failed: the key's modRevision is not the expected one. */
  Conflict: 'Conflict',
  /** the revision asked for is below the compacted revision (the API answers 410 Expired). */
  Compacted: 'Compacted',
  /** the revision asked for is above the current revision. */
  FutureRevision: 'FutureRevision',
  /** a watcher fell behind its bounded buffer and was closed; its client must relist. */
  WatchOverflow: 'WatchOverflow',
  /** the backend could not be reached or failed; the operation may be retried. */
  Unavailable: 'Unavailable',
  /** the store was closed. */
  Closed: 'Closed',
  /** the call itself was malformed (bad continue token, bad revision). */
  InvalidArgument: 'InvalidArgument',
} as const;
export type StorageErrorCode = (typeof StorageErrorCode)[keyof typeof StorageErrorCode];

export class StorageError extends Error {
  override readonly name = 'StorageError';
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    /** Conflict: the value the key holds now. */
    readonly current?: KeyValue,
    /** Compacted: the compacted revision; FutureRevision: the current revision. */
    readonly revision?: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const keyExistsError = (key: string) => new StorageError(StorageErrorCode.KeyExists, `key exists: ${key}`);
export const keyNotFoundError = (key: string) => new StorageError(StorageErrorCode.KeyNotFound, `key not found: ${key}`);
export const conflictError = (key: string, current: KeyValue) =>
  new StorageError(
    StorageErrorCode.Conflict,
    `compare failed for ${key}: modRevision is ${current.modRevision}`,
    current,
  );
export const compactedError = (requested: number, compacted: number) =>
  new StorageError(
    StorageErrorCode.Compacted,
    `required revision ${requested} has been compacted (compacted revision ${compacted})`,
    undefined,
    compacted,
  );
export const futureRevisionError = (requested: number, current: number) =>
  new StorageError(
    StorageErrorCode.FutureRevision,
    `required revision ${requested} is a future revision (current revision ${current})`,
    undefined,
    current,
  );
export const watchOverflowError = (capacity: number) =>
  new StorageError(StorageErrorCode.WatchOverflow, `watcher fell more than ${capacity} events behind and was closed`);
export const closedError = () => new StorageError(StorageErrorCode.Closed, 'store is closed');
export const unavailableError = (message: string, cause?: unknown) =>
  new StorageError(StorageErrorCode.Unavailable, message, undefined, undefined, { cause });
export const invalidArgumentError = (message: string) => new StorageError(StorageErrorCode.InvalidArgument, message);

const hasCode = (e: unknown, code: StorageErrorCode): e is StorageError =>
  e instanceof StorageError && e.code === code;

export const isKeyExists = (e: unknown) => hasCode(e, StorageErrorCode.KeyExists);
export const isKeyNotFound = (e: unknown) => hasCode(e, StorageErrorCode.KeyNotFound);
export const isConflict = (e: unknown) => hasCode(e, StorageErrorCode.Conflict);
export const isCompacted = (e: unknown) => hasCode(e, StorageErrorCode.Compacted);
export const isFutureRevision = (e: unknown) => hasCode(e, StorageErrorCode.FutureRevision);
export const isWatchOverflow = (e: unknown) => hasCode(e, StorageErrorCode.WatchOverflow);
export const isUnavailable = (e: unknown) => hasCode(e, StorageErrorCode.Unavailable);
export const isStorageError = (e: unknown): e is StorageError => e instanceof StorageError;
