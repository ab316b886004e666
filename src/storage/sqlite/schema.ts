/**
 * The SQLite layout, shared by the writer thread and the readers.
 *
 * - `log`: every retained write, one row per revision (the revision is the rowid). A delete
 *   is a tombstone row that keeps the deleted value, so delete events can carry it.
 *   `prev_rev` names the row a write replaced (0 for a create); compaction uses it to find
 *   superseded rows without scanning old history.
 * - `current`: the live keys and the revision of their latest write, plus the TTL expiry
 *   (ms since epoch) when the write had one. Current-state reads never touch old history.
 * - `meta`: `rev`, the last revision written (kept explicitly so compaction can delete the
 *   highest row without the revision ever going back), and `compact`, the compacted revision.
 */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS log (
  rev        INTEGER PRIMARY KEY,
  key        TEXT    NOT NULL,
  create_rev INTEGER NOT NULL,
  prev_rev   INTEGER NOT NULL,
  deleted    INTEGER NOT NULL,
  value      BLOB    NOT NULL
);
CREATE INDEX IF NOT EXISTS log_key_rev ON log (key, rev);
CREATE TABLE IF NOT EXISTS current (
  key        TEXT    PRIMARY KEY,
  rev        INTEGER NOT NULL,
  expires_at INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS meta (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('rev', 0), ('compact', 0), ('schema', 1);
`;

/** Pragmas every connection sets. */
export const CONNECTION_PRAGMAS = ['journal_mode = WAL', 'busy_timeout = 10000', 'foreign_keys = OFF'];

/**
 * Pragmas of the single writer connection. synchronous=FULL: a commit returns only after the
 * WAL is fsynced, so an acknowledged write survives a crash or power loss, as with etcd.
 */
export const WRITER_PRAGMAS = ['synchronous = FULL', 'journal_size_limit = 67108864', 'cache_size = -32000'];
