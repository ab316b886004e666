/** Messages between SqliteStore (main thread) and its writer thread. */

export type WriteRequest =
  | { op: 'create'; id: number; key: string; value: Uint8Array; expiresAt: number | null }
  | { op: 'update'; id: number; key: string; value: Uint8Array; expected: number; expiresAt: number | null }
  | { op: 'delete'; id: number; key: string; expected: number | null };

export type ControlRequest =
  | { op: 'compact'; id: number; revision: number }
  | { op: 'close'; id: number };

export type WriterRequest = WriteRequest | ControlRequest;

/** The previous value of a key, as the writer read it inside the write's transaction. */
export interface PrevValue {
  rev: number;
  createRev: number;
  value: Uint8Array;
}

export type WriteResult =
  | { id: number; ok: true; rev: number; createRev: number; prev: PrevValue | null }
  | { id: number; ok: false; code: 'KeyExists' | 'KeyNotFound' | 'Unavailable' | 'FutureRevision'; message: string; revision?: number }
  | { id: number; ok: false; code: 'Conflict'; message: string; current: PrevValue };

export type WriterMessage =
  | { type: 'ready'; rev: number; compact: number }
  | { type: 'failed'; message: string }
  /** Results of one committed (or rolled back) batch, in the order the writes were applied. */
  | { type: 'results'; results: WriteResult[] };

export interface WriterData {
  path: string;
  /** Largest number of writes grouped into one transaction. */
  maxBatch: number;
}
