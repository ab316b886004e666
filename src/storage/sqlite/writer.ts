/**
 * The SQLite store's writer thread: the only connection that writes.
 *
 * Group commit: writes that arrive while a transaction is committing are queued and applied
 * together in the next transaction, so one fsync covers many writes. Within a batch, writes
 * apply in arrival order, each assigned the next revision; a failed compare consumes no
 * revision. Results are posted only after COMMIT returned (the WAL is fsynced), so the main
 * thread acknowledges only durable writes. Compaction runs in chunks between batches so it
 * never holds the write lock for long.
 */
import Database from 'better-sqlite3';
import { parentPort, workerData } from 'node:worker_threads';
import { CONNECTION_PRAGMAS, SCHEMA_SQL, WRITER_PRAGMAS } from './schema.js';
import type { PrevValue, WriteRequest, WriteResult, WriterData, WriterMessage, WriterRequest } from './protocol.js';

const COMPACT_CHUNK = 5000;

const data = workerData as WriterData;
const port = parentPort!;
const post = (m: WriterMessage) => port.postMessage(m);

let db: Database.Database;
try {
  db = new Database(data.path);
  for (const p of CONNECTION_PRAGMAS) db.pragma(p);
  // Must precede table creation to take effect on a new file.
  db.pragma('auto_vacuum = INCREMENTAL');
  for (const p of WRITER_PRAGMAS) db.pragma(p);
  db.exec(SCHEMA_SQL);
} catch (e: unknown) {
  post({ type: 'failed', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
}

const stmt = {
  current: db.prepare<[string], { rev: number; create_rev: number; value: Buffer }>(
    'SELECT c.rev, l.create_rev, l.value FROM current c JOIN log l ON l.rev = c.rev WHERE c.key = ?',
  ),
  insertLog: db.prepare('INSERT INTO log (rev, key, create_rev, prev_rev, deleted, value) VALUES (?, ?, ?, ?, ?, ?)'),
  upsertCurrent: db.prepare(
    'INSERT INTO current (key, rev, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET rev = excluded.rev, expires_at = excluded.expires_at',
  ),
  deleteCurrent: db.prepare('DELETE FROM current WHERE key = ?'),
  getMeta: db.prepare<[string], { value: number }>('SELECT value FROM meta WHERE name = ?'),
  setMeta: db.prepare('UPDATE meta SET value = ? WHERE name = ?'),
  deleteSuperseded: db.prepare('DELETE FROM log WHERE rev IN (SELECT prev_rev FROM log WHERE rev > ? AND rev <= ? AND prev_rev != 0)'),
  deleteTombstones: db.prepare('DELETE FROM log WHERE deleted = 1 AND rev >= ? AND rev < ?'),
};

let rev = stmt.getMeta.get('rev')!.value;
let compacted = stmt.getMeta.get('compact')!.value;

function apply(w: WriteRequest): WriteResult {
  const cur = stmt.current.get(w.key);
  const prev: PrevValue | null = cur ? { rev: cur.rev, createRev: cur.create_rev, value: cur.value } : null;
  switch (w.op) {
    case 'create': {
      if (prev) return { id: w.id, ok: false, code: 'KeyExists', message: `key exists: ${w.key}` };
      const r = ++rev;
      stmt.insertLog.run(r, w.key, r, 0, 0, w.value);
      stmt.upsertCurrent.run(w.key, r, w.expiresAt);
      return { id: w.id, ok: true, rev: r, createRev: r, prev: null };
    }
    case 'update': {
      if (!prev) return { id: w.id, ok: false, code: 'KeyNotFound', message: `key not found: ${w.key}` };
      if (prev.rev !== w.expected) {
        return { id: w.id, ok: false, code: 'Conflict', message: `compare failed for ${w.key}`, current: prev };
      }
      const r = ++rev;
      stmt.insertLog.run(r, w.key, prev.createRev, prev.rev, 0, w.value);
      stmt.upsertCurrent.run(w.key, r, w.expiresAt);
      return { id: w.id, ok: true, rev: r, createRev: prev.createRev, prev };
    }
    case 'delete': {
      if (!prev) return { id: w.id, ok: false, code: 'KeyNotFound', message: `key not found: ${w.key}` };
      if (w.expected !== null && prev.rev !== w.expected) {
        return { id: w.id, ok: false, code: 'Conflict', message: `compare failed for ${w.key}`, current: prev };
      }
      const r = ++rev;
      stmt.insertLog.run(r, w.key, prev.createRev, prev.rev, 1, prev.value);
      stmt.deleteCurrent.run(w.key);
      return { id: w.id, ok: true, rev: r, createRev: prev.createRev, prev };
    }
  }
}

const applyBatch = db.transaction((writes: WriteRequest[]) => {
  const results = writes.map(apply);
  stmt.setMeta.run(rev, 'rev');
  return results;
});

let queue: WriterRequest[] = [];
let scheduled = false;
let compaction: { target: number; next: number; id: number } | undefined;
const compactionWaiters: { id: number; revision: number }[] = [];
let closing: number | undefined;

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(step);
}

function step(): void {
  scheduled = false;
  const writes: WriteRequest[] = [];
  const rest: WriterRequest[] = [];
  for (const m of queue) {
    if ((m.op === 'create' || m.op === 'update' || m.op === 'delete') && writes.length < data.maxBatch) writes.push(m);
    else rest.push(m);
  }
  queue = rest;
  if (writes.length > 0) commit(writes);
  handleControl();
  if (compaction) compactChunk();
  if (queue.some((m) => m.op !== 'close') || compaction) schedule();
  else if (closing !== undefined) finishClose();
}

function commit(writes: WriteRequest[]): void {
  const before = rev;
  let results: WriteResult[];
  try {
    results = applyBatch(writes);
  } catch (e: unknown) {
    rev = before;
    const message = `sqlite write failed: ${e instanceof Error ? e.message : String(e)}`;
    results = writes.map((w) => ({ id: w.id, ok: false as const, code: 'Unavailable' as const, message }));
  }
  post({ type: 'results', results });
}

function handleControl(): void {
  const rest: WriterRequest[] = [];
  for (const m of queue) {
    if (m.op === 'compact') startCompaction(m.id, m.revision);
    else if (m.op === 'close') closing = m.id;
    else rest.push(m);
  }
  queue = rest;
}

function startCompaction(id: number, revision: number): void {
  if (revision > rev) {
    post({ type: 'results', results: [{ id, ok: false, code: 'FutureRevision', message: `required revision ${revision} is a future revision`, revision: rev }] });
    return;
  }
  if (revision <= compacted) {
    // Already at or past it (or in progress towards a higher target): done once that is.
    if (compaction && compaction.target >= revision) compactionWaiters.push({ id, revision });
    else post({ type: 'results', results: [{ id, ok: true, rev: compacted, createRev: 0, prev: null }] });
    return;
  }
  try {
    // Publish the new compacted revision first: from here on, reads below it fail rather
    // than seeing history that the chunks below are removing.
    stmt.setMeta.run(revision, 'compact');
  } catch (e: unknown) {
    post({ type: 'results', results: [{ id, ok: false, code: 'Unavailable', message: String(e) }] });
    return;
  }
  const from = compaction ? compaction.next : compacted;
  if (compaction) compactionWaiters.push({ id: compaction.id, revision: compaction.target });
  compacted = revision;
  compaction = { target: revision, next: from, id };
}

const compactChunkTx = db.transaction((lo: number, hi: number, target: number) => {
  // Rows replaced by a write in (lo, hi] are superseded at `target` (hi <= target).
  stmt.deleteSuperseded.run(lo, hi);
  // Tombstones below the target hide nothing a read at >= target could see.
  stmt.deleteTombstones.run(lo, Math.min(hi + 1, target));
});

function compactChunk(): void {
  const c = compaction!;
  const hi = Math.min(c.next + COMPACT_CHUNK, c.target);
  try {
    compactChunkTx(c.next, hi, c.target);
  } catch (e: unknown) {
    // Leave the rest for the next compaction; the compacted revision is already published.
    compaction = undefined;
    post({ type: 'results', results: [{ id: c.id, ok: false, code: 'Unavailable', message: String(e) }] });
    return;
  }
  c.next = hi;
  if (hi >= c.target) {
    compaction = undefined;
    reclaimSpace();
    const done = [{ id: c.id, revision: c.target }, ...compactionWaiters.splice(0)];
    post({ type: 'results', results: done.map((d) => ({ id: d.id, ok: true as const, rev: c.target, createRev: 0, prev: null })) });
  }
}

/** Gives free pages back to the file system when a large part of the file is free. */
function reclaimSpace(): void {
  try {
    const pages = db.pragma('page_count', { simple: true }) as number;
    const free = db.pragma('freelist_count', { simple: true }) as number;
    if (free > 256 && free * 4 > pages) db.pragma(`incremental_vacuum(${free})`);
    db.pragma('wal_checkpoint(TRUNCATE)');
  } catch {
    // Best effort: space is reused by later writes either way.
  }
}

function finishClose(): void {
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
  } catch {
    // closing anyway
  }
  post({ type: 'results', results: [{ id: closing!, ok: true, rev, createRev: 0, prev: null }] });
  port.close();
}

port.on('message', (m: WriterRequest[]) => {
  for (const r of m) queue.push(r);
  schedule();
});

post({ type: 'ready', rev, compact: compacted });
