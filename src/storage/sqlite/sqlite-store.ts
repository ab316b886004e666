import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Worker } from 'node:worker_threads';
import { realClock, type Clock } from '../../util/clock.js';
import {
  closedError,
  compactedError,
  conflictError,
  futureRevisionError,
  keyExistsError,
  keyNotFoundError,
  StorageError,
  StorageErrorCode,
  unavailableError,
} from '../errors.js';
import type {
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  ReadOptions,
  Store,
  WatchOptions,
  Watcher,
  WriteOptions,
} from '../interface.js';
import { checkRevisionArg, decodeContinue, encodeContinue, nextKey, prefixEnd } from '../keys.js';
import { TtlSweeper } from '../ttl-sweeper.js';
import { WatchHub, type ObjectEvent } from '../watch-hub.js';
import type { PrevValue, WriteRequest, WriteResult, WriterData, WriterMessage, WriterRequest } from './protocol.js';
import { CONNECTION_PRAGMAS } from './schema.js';

export interface SqliteStoreOptions {
  /** The database file; created (with its directory) if missing. */
  path: string;
  clock?: Clock;
  /** Largest number of writes grouped into one transaction (default 1,000). */
  maxBatch?: number;
}

interface Pending {
  resolve: (r: WriteResult) => void;
  request: WriterRequest;
}

type Row = { key: string; rev: number; create_rev: number; value: Buffer };
type HistoryRow = Row & { deleted: number; prev_rev: number; p_create: number | null; p_value: Buffer | null };

// A key above every Kubernetes key, for ranges without an upper end (the empty prefix).
const KEY_SPACE_END = '\u{10ffff}';

/**
 * The embedded default Store: one SQLite file in WAL mode.
 *
 * Writes go to a dedicated writer thread (src/storage/sqlite/writer.ts) that group-commits
 * them with synchronous=FULL; a write's promise settles only after its transaction is
 * durable. Reads run on the calling thread through a separate connection, each from one
 * consistent snapshot (WAL readers never block the writer). Watch events are dispatched
 * in-process as the writer reports each committed batch, in revision order: no polling.
 */
export class SqliteStore implements Store {
  readonly backend = 'sqlite';
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private outbox: WriterRequest[] = [];
  private flushScheduled = false;
  private closed = false;
  private closing: Promise<void> | undefined;
  private readonly hub: WatchHub;
  private readonly sweeper: TtlSweeper;
  private readonly clock: Clock;
  private readonly stmts;
  private readonly readTx;

  private constructor(
    private readonly db: Database.Database,
    private readonly worker: Worker,
    startRev: number,
    clock: Clock,
  ) {
    this.clock = clock;
    this.hub = new WatchHub({ readHistory: (p, f, l) => this.readHistory(p, f, l) });
    this.hub.setDispatchedRevision(startRev);
    this.sweeper = new TtlSweeper(clock, (key, rev) => this.delete(key, rev));
    const q = <P extends unknown[], R>(sql: string) => db.prepare<P, R>(sql);
    this.stmts = {
      meta: q<[], { rev: number; compact: number }>(
        "SELECT (SELECT value FROM meta WHERE name = 'rev') AS rev, (SELECT value FROM meta WHERE name = 'compact') AS compact",
      ),
      getCurrent: q<[string], Row>(
        'SELECT c.key, c.rev, l.create_rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE c.key = ?',
      ),
      getAt: q<[string, number], Row & { deleted: number }>(
        'SELECT key, rev, create_rev, deleted, value FROM log WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1',
      ),
      listCurrent: q<[string, string, number], Row>(
        'SELECT c.key, c.rev, l.create_rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE c.key >= ? AND c.key < ? ORDER BY c.key LIMIT ?',
      ),
      countCurrent: q<[string, string], { n: number }>('SELECT COUNT(*) AS n FROM current WHERE key >= ? AND key < ?'),
      listAt: q<[string, string, number, number], Row>(
        'SELECT key, rev, create_rev, value FROM (SELECT key, MAX(rev) AS rev, create_rev, deleted, value FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key) WHERE deleted = 0 ORDER BY key LIMIT ?',
      ),
      countAt: q<[string, string, number], { n: number }>(
        'SELECT COUNT(*) AS n FROM (SELECT MAX(rev) AS rev, deleted FROM log WHERE key >= ? AND key < ? AND rev <= ? GROUP BY key) WHERE deleted = 0',
      ),
      history: q<[number, string, string, number], HistoryRow>(
        'SELECT l.key, l.rev, l.create_rev, l.value, l.deleted, l.prev_rev, p.create_rev AS p_create, p.value AS p_value FROM log l LEFT JOIN log p ON p.rev = l.prev_rev WHERE l.rev >= ? AND l.key >= ? AND l.key < ? ORDER BY l.rev LIMIT ?',
      ),
      expiring: q<[], { key: string; rev: number; expires_at: number }>(
        'SELECT key, rev, expires_at FROM current WHERE expires_at IS NOT NULL',
      ),
    };
    this.readTx = db.transaction((fn: () => unknown) => fn());
  }

  /** Runs `fn` in a deferred transaction: every statement inside reads the same snapshot. */
  private snapshot<T>(fn: () => T): T {
    return this.readTx.deferred(fn) as T;
  }

  /** Opens (creating if needed) the database file and starts the writer thread. */
  static async open(opts: SqliteStoreOptions): Promise<SqliteStore> {
    mkdirSync(dirname(opts.path), { recursive: true });
    const here = import.meta.url;
    const ext = here.endsWith('.ts') ? '.ts' : '.js';
    const data: WriterData = { path: opts.path, maxBatch: opts.maxBatch ?? 1000 };
    const worker = startWorker(new URL(`./writer${ext}`, here), data);
    const ready = await new Promise<{ rev: number; compact: number }>((resolve, reject) => {
      const onError = (e: Error) => reject(unavailableError(`sqlite writer failed to start: ${e.message}`, e));
      worker.once('error', onError);
      worker.once('message', (m: WriterMessage) => {
        worker.off('error', onError);
        if (m.type === 'ready') resolve(m);
        else if (m.type === 'failed') reject(unavailableError(`cannot open ${opts.path}: ${m.message}`));
        else reject(unavailableError(`sqlite writer sent ${m.type} before ready`));
      });
    }).catch(async (e: unknown) => {
      await worker.terminate();
      throw e;
    });
    const db = new Database(opts.path, { fileMustExist: true });
    for (const p of CONNECTION_PRAGMAS) db.pragma(p);
    const store = new SqliteStore(db, worker, ready.rev, opts.clock ?? realClock);
    store.attach();
    return store;
  }

  private attach(): void {
    this.worker.on('message', (m: WriterMessage) => {
      if (m.type === 'results') this.onResults(m.results);
    });
    const fail = (why: string) => {
      const err = unavailableError(`sqlite writer stopped: ${why}`);
      for (const p of this.pending.values()) {
        p.resolve({ id: p.request.id, ok: false, code: 'Unavailable', message: err.message });
      }
      this.pending.clear();
      if (!this.closed) {
        this.closed = true;
        this.hub.closeAll(err);
        this.sweeper.stop();
      }
    };
    this.worker.on('error', (e) => fail(e.message));
    this.worker.on('exit', (code) => fail(`exit code ${code}`));
    for (const row of this.stmts.expiring.all()) this.sweeper.trackUntil(row.key, row.rev, row.expires_at);
  }

  private onResults(results: WriteResult[]): void {
    const events: ObjectEvent[] = [];
    for (const r of results) {
      const p = this.pending.get(r.id);
      if (!p) continue;
      this.pending.delete(r.id);
      if (r.ok) {
        const req = p.request;
        if (req.op === 'create' || req.op === 'update' || req.op === 'delete') {
          const event = toEvent(req, r);
          events.push(event);
          if (req.op === 'delete') this.sweeper.track(req.key, r.rev, undefined);
          else if (req.expiresAt !== null) this.sweeper.trackUntil(req.key, r.rev, req.expiresAt);
          else this.sweeper.track(req.key, r.rev, undefined);
        }
      }
      p.resolve(r);
    }
    // Resolve first, dispatch after: both happen in this same task, so a writer that awaits
    // its result and a watcher see the same committed state.
    this.hub.dispatch(events);
  }

  private send(request: WriterRequest): Promise<WriteResult> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<WriteResult>((resolve) => {
      this.pending.set(request.id, { resolve, request });
      this.outbox.push(request);
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        // Gather every write issued in this turn of the event loop into one message.
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.flushScheduled = false;
    const out = this.outbox;
    this.outbox = [];
    // One message per turn: structured-clone and wake-up costs are per message.
    this.worker.postMessage(out);
  }

  private check(): void {
    if (this.closed) throw closedError();
  }

  private revisions(): { rev: number; compact: number } {
    return this.stmts.meta.get()!;
  }

  private resolveRevision(requested: number | undefined, meta: { rev: number; compact: number }): number {
    checkRevisionArg(requested);
    if (!requested) return meta.rev;
    if (requested > meta.rev) throw futureRevisionError(requested, meta.rev);
    if (requested < meta.compact) throw compactedError(requested, meta.compact);
    return requested;
  }

  async get(key: string, opts: ReadOptions = {}): Promise<GetResult> {
    this.check();
    return this.snapshot(() => {
      const meta = this.revisions();
      const at = this.resolveRevision(opts.revision, meta);
      if (at === meta.rev) {
        const row = this.stmts.getCurrent.get(key);
        return { kv: row && rowToKv(row), revision: at };
      }
      const row = this.stmts.getAt.get(key, at);
      return { kv: row && !row.deleted ? rowToKv(row) : undefined, revision: at };
    });
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.check();
    let start = prefix;
    let requested = opts.revision;
    if (opts.continue) {
      const tok = decodeContinue(opts.continue, prefix);
      start = tok.start;
      requested = tok.rev;
    }
    const end = prefixEnd(prefix) ?? KEY_SPACE_END;
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    return this.snapshot(() => {
      const meta = this.revisions();
      const at = this.resolveRevision(requested, meta);
      const current = at === meta.rev;
      // One extra row tells whether more remain.
      const fetch = limit > 0 ? limit + 1 : -1;
      const rows = current ? this.stmts.listCurrent.all(start, end, fetch) : this.stmts.listAt.all(start, end, at, fetch);
      const more = limit > 0 && rows.length > limit;
      if (more) rows.length = limit;
      const kvs = rows.map(rowToKv);
      const count = !more
        ? kvs.length
        : current
          ? this.stmts.countCurrent.get(start, end)!.n
          : this.stmts.countAt.get(start, end, at)!.n;
      return {
        kvs,
        revision: at,
        more,
        count,
        continue: more ? encodeContinue({ rev: at, start: nextKey(kvs[kvs.length - 1]!.key), prefix }) : undefined,
      };
    });
  }

  async count(prefix: string): Promise<number> {
    this.check();
    return this.stmts.countCurrent.get(prefix, prefixEnd(prefix) ?? KEY_SPACE_END)!.n;
  }

  private readHistory(prefix: string, from: number, limit: number) {
    return this.snapshot(() => {
      const { compact } = this.revisions();
      const rows = this.stmts.history.all(from, prefix, prefixEnd(prefix) ?? KEY_SPACE_END, limit);
      const events: ObjectEvent[] = rows.map((r) => {
        const kv = rowToKv(r);
        const prevKv: KeyValue | undefined =
          r.prev_rev && r.p_value
            ? { key: r.key, value: r.p_value, createRevision: r.p_create!, modRevision: r.prev_rev }
            : undefined;
        if (r.deleted) return { type: 'delete', kv, prevKv };
        if (r.prev_rev) return { type: 'update', kv, prevKv };
        return { type: 'create', kv };
      });
      return { events, compacted: compact };
    });
  }

  private expiry(opts: WriteOptions | undefined): number | null {
    return opts?.ttlSeconds && opts.ttlSeconds > 0 ? this.clock.now() + opts.ttlSeconds * 1000 : null;
  }

  private async write(req: WriteRequest): Promise<KeyValue> {
    const r = await this.send(req);
    if (r.ok) {
      const value = req.op === 'delete' ? r.prev!.value : req.value;
      return { key: req.key, value, createRevision: r.createRev, modRevision: r.rev };
    }
    throw resultError(req.key, r);
  }

  create(key: string, value: Uint8Array, opts?: WriteOptions): Promise<KeyValue> {
    return this.write({ op: 'create', id: this.nextId++, key, value, expiresAt: this.expiry(opts) });
  }

  update(key: string, value: Uint8Array, expectedModRevision: number, opts?: WriteOptions): Promise<KeyValue> {
    return this.write({ op: 'update', id: this.nextId++, key, value, expected: expectedModRevision, expiresAt: this.expiry(opts) });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.write({ op: 'delete', id: this.nextId++, key, expected: expectedModRevision ?? null });
  }

  watch(prefix: string, opts: WatchOptions = {}): Watcher {
    return this.hub.watch(prefix, opts);
  }

  async currentRevision(): Promise<number> {
    this.check();
    return this.revisions().rev;
  }

  async compactedRevision(): Promise<number> {
    this.check();
    return this.revisions().compact;
  }

  async compact(revision: number): Promise<void> {
    this.check();
    checkRevisionArg(revision);
    const r = await this.send({ op: 'compact', id: this.nextId++, revision });
    if (!r.ok) throw resultError('', r);
  }

  /** Size of the database file and its WAL, in bytes (for benchmarks and tests). */
  fileSizes(): { db: number; pages: number; freePages: number } {
    const pageSize = this.db.pragma('page_size', { simple: true }) as number;
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    const freePages = this.db.pragma('freelist_count', { simple: true }) as number;
    return { db: pageSize * pages, pages, freePages };
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closing = (async () => {
      if (!this.closed) {
        const done = this.send({ op: 'close', id: this.nextId++ });
        this.closed = true;
        this.sweeper.stop();
        this.hub.closeAll(closedError());
        await done;
      }
      await this.worker.terminate();
      this.db.close();
    })();
    return this.closing;
  }
}

/**
 * Starts a worker thread on `entry`. When running from TypeScript sources (tests, development
 * under tsx), the worker registers tsx's loader before importing its entry.
 */
function startWorker(entry: URL, workerData: unknown): Worker {
  if (!entry.pathname.endsWith('.ts')) return new Worker(entry, { workerData });
  const api = import.meta.resolve('tsx/esm/api');
  const code = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { eval: true, workerData });
}

function rowToKv(r: Row): KeyValue {
  return { key: r.key, value: r.value, createRevision: r.create_rev, modRevision: r.rev };
}

function prevToKv(key: string, p: PrevValue): KeyValue {
  return { key, value: p.value, createRevision: p.createRev, modRevision: p.rev };
}

function toEvent(req: WriteRequest, r: Extract<WriteResult, { ok: true }>): ObjectEvent {
  const prevKv = r.prev ? prevToKv(req.key, r.prev) : undefined;
  switch (req.op) {
    case 'create':
      return { type: 'create', kv: { key: req.key, value: req.value, createRevision: r.createRev, modRevision: r.rev } };
    case 'update':
      return { type: 'update', kv: { key: req.key, value: req.value, createRevision: r.createRev, modRevision: r.rev }, prevKv };
    case 'delete':
      return { type: 'delete', kv: { key: req.key, value: r.prev!.value, createRevision: r.createRev, modRevision: r.rev }, prevKv };
  }
}

function resultError(key: string, r: Extract<WriteResult, { ok: false }>): StorageError {
  switch (r.code) {
    case 'KeyExists':
      return keyExistsError(key);
    case 'KeyNotFound':
      return keyNotFoundError(key);
    case 'Conflict':
      return conflictError(key, prevToKv(key, r.current));
    case 'FutureRevision':
      return futureRevisionError(0, r.revision ?? 0);
    default:
      return new StorageError(StorageErrorCode.Unavailable, r.message);
  }
}
