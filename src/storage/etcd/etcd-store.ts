import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { fileURLToPath } from 'node:url';
import { BoundedQueue } from '../../util/bounded-queue.js';
import {
  closedError,
  compactedError,
  conflictError,
  invalidArgumentError,
  keyExistsError,
  keyNotFoundError,
  StorageError,
  unavailableError,
  watchOverflowError,
} from '../errors.js';
import type {
  GetResult,
  KeyValue,
  ListOptions,
  ListResult,
  ReadOptions,
  Store,
  WatchEvent,
  WatchOptions,
  Watcher,
  WriteOptions,
} from '../interface.js';
import { checkRevisionArg, decodeContinue, encodeContinue, nextKey, prefixEnd } from '../keys.js';

export interface EtcdStoreOptions {
  /** Client URLs of the cluster members, e.g. `http://127.0.0.1:2379`. */
  endpoints: string[];
  /** Prepended to every key (and stripped from results); isolates several stores in one etcd. */
  keyPrefix?: string;
  /** Deadline of each unary call, in ms (default 10 s). */
  callTimeoutMs?: number;
}

// Wire shapes (proto-loader with keepCase, longs as strings, bytes as Buffers).
interface PbKeyValue {
  key: Buffer;
  create_revision: string;
  mod_revision: string;
  value: Buffer;
}
interface PbHeader {
  revision: string;
}
interface PbRangeResponse {
  header: PbHeader;
  kvs: PbKeyValue[];
  more: boolean;
  count: string;
}
interface PbTxnResponse {
  header: PbHeader;
  succeeded: boolean;
  responses: {
    response_range?: PbRangeResponse;
    response_put?: { prev_kv: PbKeyValue | null };
    response_delete_range?: { deleted: string; prev_kvs: PbKeyValue[] };
  }[];
}
interface PbWatchResponse {
  header: PbHeader;
  watch_id: string;
  created: boolean;
  canceled: boolean;
  compact_revision: string;
  cancel_reason: string;
  events: { type: number; kv: PbKeyValue; prev_kv: PbKeyValue | null }[];
}

type GrpcClient = grpc.Client & Record<string, (...args: unknown[]) => unknown>;

let packageCache: grpc.GrpcObject | undefined;
function etcdPackage(): grpc.GrpcObject {
  if (!packageCache) {
    const def = protoLoader.loadSync(fileURLToPath(new URL('./etcd.proto', import.meta.url)), {
      keepCase: true,
      longs: String,
      enums: Number,
      defaults: true,
      oneofs: true,
    });
    packageCache = grpc.loadPackageDefinition(def).etcdserverpb as grpc.GrpcObject;
  }
  return packageCache;
}

/** grpc-js target for a list of etcd client URLs (several IPs: failover between them). */
export function grpcTarget(endpoints: string[]): string {
  const hosts = endpoints.map((e) => {
    const u = new URL(e.includes('://') ? e : `http://${e}`);
    if (u.protocol !== 'http:') throw invalidArgumentError(`only http:// etcd endpoints are supported, got ${e}`);
    return u.host;
  });
  if (hosts.length === 1) return hosts[0]!;
  const ipv4 = hosts.every((h) => /^\d+\.\d+\.\d+\.\d+:\d+$/.test(h));
  if (!ipv4) throw invalidArgumentError('several etcd endpoints must be given as IPv4 addresses');
  return `ipv4:${hosts.join(',')}`;
}

const LEASE_REUSE_MS = 60_000;

/**
 * A Store on a real etcd v3 cluster through its gRPC API: every operation maps onto etcd's
 * own revisions, transactions (compare on mod_revision), watches and leases, so the
 * semantics are etcd's exactly. Kubernetes keeps its keys under `/registry/`; the apiserver
 * passes full keys.
 */
export class EtcdStore implements Store {
  readonly backend = 'etcd';
  private readonly kv: GrpcClient;
  private readonly watchClient: GrpcClient;
  private readonly lease: GrpcClient;
  private readonly prefix: string;
  private readonly timeout: number;
  private readonly watchers = new Set<EtcdWatcher>();
  private readonly leases = new Map<number, { id: string; grantedAt: number }>();
  private closed = false;

  constructor(opts: EtcdStoreOptions) {
    const pkg = etcdPackage();
    const target = grpcTarget(opts.endpoints);
    const creds = grpc.credentials.createInsecure();
    const options = { 'grpc.max_receive_message_length': 256 * 1024 * 1024, 'grpc.keepalive_time_ms': 30_000 };
    const make = (name: string) => new (pkg[name] as grpc.ServiceClientConstructor)(target, creds, options) as GrpcClient;
    this.kv = make('KV');
    this.watchClient = make('Watch');
    this.lease = make('Lease');
    this.prefix = opts.keyPrefix ?? '';
    this.timeout = opts.callTimeoutMs ?? 10_000;
  }

  private call<T>(client: GrpcClient, method: string, req: unknown): Promise<T> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise<T>((resolve, reject) => {
      const deadline = Date.now() + this.timeout;
      client[method]!(req, { deadline }, (err: grpc.ServiceError | null, res: T) => {
        if (err) reject(translate(err));
        else resolve(res);
      });
    });
  }

  private k(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  private toKv(pb: PbKeyValue): KeyValue {
    return {
      key: pb.key.toString('utf8').slice(this.prefix.length),
      value: pb.value,
      createRevision: Number(pb.create_revision),
      modRevision: Number(pb.mod_revision),
    };
  }

  private range(start: string, end: string | undefined, opts: { limit?: number; revision?: number; countOnly?: boolean }) {
    return this.call<PbRangeResponse>(this.kv, 'Range', {
      key: this.k(start),
      range_end: end === undefined ? Buffer.from([0]) : this.k(end),
      limit: opts.limit ?? 0,
      revision: opts.revision ?? 0,
      count_only: opts.countOnly ?? false,
    });
  }

  /** The end of `prefix`'s range within this store's key space. */
  private end(prefix: string): string | undefined {
    const e = prefixEnd(this.prefix + prefix);
    return e === undefined ? undefined : e.slice(this.prefix.length);
  }

  private rangeEnd(prefix: string): Buffer {
    const e = prefixEnd(this.prefix + prefix);
    return e === undefined ? Buffer.from([0]) : Buffer.from(e);
  }

  async get(key: string, opts: ReadOptions = {}): Promise<GetResult> {
    checkRevisionArg(opts.revision);
    const res = await this.call<PbRangeResponse>(this.kv, 'Range', { key: this.k(key), revision: opts.revision ?? 0 });
    const kv = res.kvs[0];
    return { kv: kv && this.toKv(kv), revision: opts.revision || Number(res.header.revision) };
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    let start = prefix;
    let revision = opts.revision ?? 0;
    if (opts.continue) {
      const tok = decodeContinue(opts.continue, prefix);
      start = tok.start;
      revision = tok.rev;
    }
    checkRevisionArg(revision);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.call<PbRangeResponse>(this.kv, 'Range', {
      key: this.k(start),
      range_end: this.rangeEnd(prefix),
      limit,
      revision,
    });
    const at = revision || Number(res.header.revision);
    const kvs = res.kvs.map((pb) => this.toKv(pb));
    return {
      kvs,
      revision: at,
      more: res.more,
      count: Number(res.count),
      continue: res.more ? encodeContinue({ rev: at, start: nextKey(kvs[kvs.length - 1]!.key), prefix }) : undefined,
    };
  }

  async count(prefix: string): Promise<number> {
    const res = await this.range(prefix, this.end(prefix), { countOnly: true });
    return Number(res.count);
  }

  private async leaseFor(ttlSeconds: number | undefined): Promise<string> {
    if (!ttlSeconds || ttlSeconds <= 0) return '0';
    // As kube-apiserver: writes with the same TTL share a lease for a while, so etcd does
    // not hold one lease per Event. The lease lives for the TTL plus the reuse window.
    const now = Date.now();
    const cached = this.leases.get(ttlSeconds);
    if (cached && now - cached.grantedAt < Math.min(LEASE_REUSE_MS, ttlSeconds * 50)) return cached.id;
    const window = Math.ceil(Math.min(LEASE_REUSE_MS, ttlSeconds * 50) / 1000);
    const res = await this.call<{ ID: string }>(this.lease, 'LeaseGrant', { TTL: ttlSeconds + window, ID: 0 });
    this.leases.set(ttlSeconds, { id: res.ID, grantedAt: now });
    return res.ID;
  }

  private txn(compare: unknown[], success: unknown[], failure: unknown[]) {
    return this.call<PbTxnResponse>(this.kv, 'Txn', { compare, success, failure });
  }

  private modCompare(key: string, rev: number) {
    return { result: 0 /* EQUAL */, target: 2 /* MOD */, key: this.k(key), mod_revision: rev };
  }

  async create(key: string, value: Uint8Array, opts: WriteOptions = {}): Promise<KeyValue> {
    const lease = await this.leaseFor(opts.ttlSeconds);
    const res = await this.txn(
      [this.modCompare(key, 0)],
      [{ request_put: { key: this.k(key), value: Buffer.from(value), lease } }],
      [],
    );
    if (!res.succeeded) throw keyExistsError(key);
    const rev = Number(res.header.revision);
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: Uint8Array, expectedModRevision: number, opts: WriteOptions = {}): Promise<KeyValue> {
    if (!expectedModRevision) throw keyNotFoundError(key);
    const lease = await this.leaseFor(opts.ttlSeconds);
    const res = await this.txn(
      [this.modCompare(key, expectedModRevision)],
      [{ request_put: { key: this.k(key), value: Buffer.from(value), lease, prev_kv: true } }],
      [{ request_range: { key: this.k(key) } }],
    );
    if (!res.succeeded) throw this.compareFailure(key, res);
    const prev = res.responses[0]?.response_put?.prev_kv;
    return { key, value, createRevision: Number(prev!.create_revision), modRevision: Number(res.header.revision) };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    const del = { request_delete_range: { key: this.k(key), prev_kv: true } };
    const res =
      expectedModRevision === undefined
        ? await this.txn([], [del], [])
        : await this.txn([this.modCompare(key, expectedModRevision)], [del], [{ request_range: { key: this.k(key) } }]);
    if (!res.succeeded) throw this.compareFailure(key, res);
    const prev = res.responses[0]?.response_delete_range?.prev_kvs[0];
    if (!prev) throw keyNotFoundError(key);
    return { key, value: prev.value, createRevision: Number(prev.create_revision), modRevision: Number(res.header.revision) };
  }

  private compareFailure(key: string, res: PbTxnResponse): StorageError {
    const cur = res.responses[0]?.response_range?.kvs[0];
    return cur ? conflictError(key, this.toKv(cur)) : keyNotFoundError(key);
  }

  watch(prefix: string, opts: WatchOptions = {}): Watcher {
    const w = new EtcdWatcher(this, prefix, opts);
    if (this.closed) w.fail(closedError());
    else {
      this.watchers.add(w);
      w.start();
    }
    return w;
  }

  /** @internal */
  openWatchStream(): grpc.ClientDuplexStream<unknown, PbWatchResponse> {
    return (this.watchClient.Watch as () => grpc.ClientDuplexStream<unknown, PbWatchResponse>).call(this.watchClient);
  }

  /** @internal */
  watchRange(prefix: string): { key: Buffer; range_end: Buffer } {
    return { key: this.k(prefix), range_end: this.rangeEnd(prefix) };
  }

  /** @internal */
  eventFromPb(e: PbWatchResponse['events'][number]): WatchEvent {
    const prevKv = e.prev_kv ? this.toKv(e.prev_kv) : undefined;
    if (e.type === 1) {
      const kv: KeyValue = {
        key: this.toKv(e.kv).key,
        value: prevKv?.value ?? new Uint8Array(0),
        createRevision: prevKv?.createRevision ?? 0,
        modRevision: Number(e.kv.mod_revision),
      };
      return { type: 'delete', kv, prevKv };
    }
    const kv = this.toKv(e.kv);
    if (kv.createRevision === kv.modRevision) return { type: 'create', kv };
    return { type: 'update', kv, prevKv };
  }

  /** @internal */
  unregister(w: EtcdWatcher): void {
    this.watchers.delete(w);
  }

  async currentRevision(): Promise<number> {
    const res = await this.range('\x00', undefined, { countOnly: true, limit: 1 });
    return Number(res.header.revision);
  }

  async compactedRevision(): Promise<number> {
    // etcd does not report it directly. A read at revision r succeeds exactly when r is at
    // or above the compacted revision, so search for the lowest readable revision.
    const current = await this.currentRevision();
    const readable = async (rev: number) => {
      try {
        await this.range('\x00', undefined, { revision: rev, countOnly: true, limit: 1 });
        return true;
      } catch (e: unknown) {
        if (e instanceof StorageError && e.code === 'Compacted') return false;
        throw e;
      }
    };
    if (current <= 1 || (await readable(1))) return 0;
    let lo = 2; // lowest candidate
    let hi = current; // known readable
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await readable(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  async compact(revision: number): Promise<void> {
    checkRevisionArg(revision);
    try {
      await this.call(this.kv, 'Compact', { revision, physical: true });
    } catch (e: unknown) {
      // Compacting to an already compacted revision is a no-op here, as the interface says.
      if (e instanceof StorageError && e.code === 'Compacted') return;
      throw e;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const w of this.watchers) w.fail(closedError());
    this.watchers.clear();
    this.kv.close();
    this.watchClient.close();
    this.lease.close();
  }
}

/** One etcd watch on its own gRPC stream (streams share the HTTP/2 connection). */
class EtcdWatcher implements Watcher {
  private readonly queue: BoundedQueue<WatchEvent>;
  private stream: grpc.ClientDuplexStream<unknown, PbWatchResponse> | undefined;
  private iterated = false;
  private created = false;
  private progressWanted = 0;

  constructor(
    private readonly store: EtcdStore,
    private readonly prefix: string,
    private readonly opts: WatchOptions,
  ) {
    const capacity = opts.bufferSize ?? 10_000;
    this.queue = new BoundedQueue<WatchEvent>(capacity, () => watchOverflowError(capacity));
  }

  start(): void {
    const stream = this.store.openWatchStream();
    this.stream = stream;
    stream.on('data', (r: PbWatchResponse) => this.onResponse(r));
    stream.on('error', (e: grpc.ServiceError) => {
      if (e.code === grpc.status.CANCELLED) this.queue.close();
      else this.fail(translate(e));
    });
    stream.on('end', () => this.fail(unavailableError('etcd closed the watch stream')));
    stream.write({
      create_request: {
        ...this.store.watchRange(this.prefix),
        start_revision: this.opts.fromRevision ?? 0,
        prev_kv: true,
        progress_notify: false,
      },
    });
  }

  private onResponse(r: PbWatchResponse): void {
    if (r.canceled) {
      const compact = Number(r.compact_revision);
      if (compact > 0) this.fail(compactedError(this.opts.fromRevision ?? 0, compact));
      else this.fail(unavailableError(`etcd canceled the watch: ${r.cancel_reason || 'no reason given'}`));
      return;
    }
    if (r.created) {
      this.created = true;
      if (this.progressWanted > 0) this.sendProgressRequest();
      if (r.events.length === 0) return;
    }
    if (r.events.length === 0) {
      // A progress notification: every event up to header.revision has been sent.
      if (this.progressWanted > 0) {
        this.progressWanted--;
        this.push({ type: 'progress', revision: Number(r.header.revision) });
      }
      return;
    }
    for (const e of r.events) {
      let ev = this.store.eventFromPb(e);
      if (!this.opts.prevKv && ev.type !== 'create' && ev.type !== 'progress') ev = { type: ev.type, kv: ev.kv };
      if (!this.push(ev)) return;
    }
  }

  private push(e: WatchEvent): boolean {
    const ok = this.queue.push(e);
    if (!ok) this.stop();
    return ok;
  }

  private sendProgressRequest(): void {
    this.stream?.write({ progress_request: {} });
  }

  requestProgress(): void {
    this.progressWanted++;
    if (this.created) this.sendProgressRequest();
  }

  fail(error: Error): void {
    this.queue.close(error);
    this.stop();
  }

  private stop(): void {
    this.store.unregister(this);
    const s = this.stream;
    this.stream = undefined;
    if (s) {
      s.removeAllListeners('end');
      s.on('error', () => {});
      s.cancel();
    }
  }

  close(): void {
    this.queue.close();
    this.stop();
  }

  [Symbol.asyncIterator](): AsyncIterator<WatchEvent> {
    if (this.iterated) throw new Error('a Watcher can be iterated only once');
    this.iterated = true;
    const it = this.queue[Symbol.asyncIterator]();
    return {
      next: () => it.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

function translate(err: grpc.ServiceError): Error {
  const msg = err.details || err.message;
  if (/required revision has been compacted/.test(msg)) return new StorageError('Compacted', `etcd: ${msg}`);
  if (/required revision is a future revision/.test(msg)) return new StorageError('FutureRevision', `etcd: ${msg}`);
  return unavailableError(`etcd: ${msg}`, err);
}
