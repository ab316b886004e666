import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { SqliteStore, type WatchEvent } from '../../src/storage/index.js';

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'k8ts-sqlite-dur-'));
}

describe('SqliteStore durability', () => {
  it('keeps every acknowledged write across SIGKILL, with gapless increasing revisions', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    try {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'crash-writer.ts'), path], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const acked: { rev: number; key: string; value: string }[] = [];
      const lines = createInterface({ input: child.stdout! });
      let killed = false;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      for await (const line of lines) {
        const m = /^ack (\d+) (\S+) (\S+)$/.exec(line);
        if (m) acked.push({ rev: Number(m[1]), key: m[2]!, value: m[3]! });
        // Kill mid-stream, while writes are in flight.
        if (!killed && acked.length >= 4000) {
          killed = true;
          child.kill('SIGKILL');
        }
      }
      await exited;
      assert.ok(killed, `the writer was killed mid-stream (it acknowledged ${acked.length} writes)`);

      // The file is a consistent SQLite database.
      const raw = new Database(path, { readonly: true });
      assert.equal(raw.pragma('integrity_check', { simple: true }), 'ok');
      raw.close();

      const store = await SqliteStore.open({ path });
      try {
        const current = await store.currentRevision();
        const maxAcked = Math.max(...acked.map((a) => a.rev));
        assert.ok(current >= maxAcked, `current revision ${current} covers the last acknowledged ${maxAcked}`);
        // Every acknowledged write is there, at its revision.
        for (const a of acked) {
          const got = await store.get(a.key, { revision: a.rev });
          assert.equal(got.kv && dec(got.kv.value), a.value, `acknowledged write ${a.key}@${a.rev}`);
          assert.equal(got.kv!.modRevision, a.rev);
        }
        // History is gapless: a replay from revision 1 yields 1, 2, ..., current.
        const w = store.watch('', { fromRevision: 1, bufferSize: current + 10 });
        const revs: number[] = [];
        for await (const e of w as AsyncIterable<WatchEvent>) {
          if (e.type !== 'progress') revs.push(e.kv.modRevision);
          if (revs.length === current) break;
        }
        assert.equal(revs.length, current);
        revs.forEach((r, i) => assert.equal(r, i + 1, 'revisions are 1..N with no gap'));
        // And the store keeps going from there.
        const next = await store.create('/registry/crash/after', enc('x'));
        assert.equal(next.modRevision, current + 1);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reopens with its data, revisions, compaction point and TTLs', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    try {
      let s = await SqliteStore.open({ path });
      const a = await s.create('/registry/a', enc('1'));
      await s.update('/registry/a', enc('2'), a.modRevision);
      await s.create('/registry/b', enc('1'));
      await s.compact(2);
      await s.create('/registry/ttl', enc('x'), { ttlSeconds: 1 });
      const rev = await s.currentRevision();
      await s.close();

      s = await SqliteStore.open({ path });
      try {
        assert.equal(await s.currentRevision(), rev);
        assert.equal(await s.compactedRevision(), 2);
        assert.equal(dec((await s.get('/registry/a')).kv!.value), '2');
        const w = s.watch('/registry/', { fromRevision: rev + 1 });
        // The TTL survives the restart: the key expires with a delete event.
        const it = w[Symbol.asyncIterator]();
        const r = await it.next();
        w.close();
        assert.ok(!r.done && r.value.type === 'delete' && r.value.kv.key === '/registry/ttl');
        const n = await s.create('/registry/c', enc('1'));
        assert.equal(n.modRevision, rev + 2);
      } finally {
        await s.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('stays bounded in size under churn when compacted', async () => {
    const dir = tempDir();
    const path = join(dir, 'state.db');
    const s = await SqliteStore.open({ path });
    try {
      // Lease-like churn: 50 keys rewritten over and over, compacted after every round.
      const mods = new Map<string, number>();
      const pagesPerRound: number[] = [];
      const payload = enc('y'.repeat(600));
      for (let round = 0; round < 12; round++) {
        await Promise.all(
          Array.from({ length: 50 }, async (_, k) => {
            const key = `/registry/leases/kube-node-lease/node-${k}`;
            for (let i = 0; i < 40; i++) {
              const prev = mods.get(key);
              const kv = prev ? await s.update(key, payload, prev) : await s.create(key, payload);
              mods.set(key, kv.modRevision);
            }
          }),
        );
        await s.compact(await s.currentRevision());
        pagesPerRound.push(s.fileSizes().pages);
      }
      const warm = pagesPerRound[2]!;
      const last = pagesPerRound[pagesPerRound.length - 1]!;
      assert.ok(
        last <= warm * 1.5 + 16,
        `file stops growing once compaction keeps up: pages per round ${pagesPerRound.join(', ')}`,
      );
      // 24,000 writes of 600 bytes would be ~14 MB uncompacted.
      assert.ok(s.fileSizes().db < 4 * 1024 * 1024, `database is ${s.fileSizes().db} bytes`);
    } finally {
      await s.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
