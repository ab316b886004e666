import { errors } from '../../../apimachinery/status.js';
import { fieldErrors } from '../../../apimachinery/field-errors.js';
import { isKeyExists, isKeyNotFound, type Store } from '../../../storage/index.js';

/**
 * Allocations of cluster-unique values (Service ClusterIPs, NodePorts) recorded as keys in
 * the store, so that every API server sharing the store agrees: taking a value is a
 * create-if-absent of its key, releasing it a delete. (Upstream keeps a bitmap object or
 * IPAddress objects in etcd for the same purpose.)
 */
export class StoreAllocator<T> {
  constructor(
    private readonly store: Store,
    private readonly prefix: string,
    private readonly toKey: (v: T) => string,
  ) {}

  /** Takes `value`; false if it is taken already. */
  async take(value: T, owner: string): Promise<boolean> {
    try {
      await this.store.create(this.prefix + this.toKey(value), Buffer.from(owner));
      return true;
    } catch (e: unknown) {
      if (isKeyExists(e)) return false;
      throw e;
    }
  }

  async release(value: T): Promise<void> {
    try {
      await this.store.delete(this.prefix + this.toKey(value));
    } catch (e: unknown) {
      if (!isKeyNotFound(e)) throw e;
    }
  }

  /** Takes some free value from `candidates()` (tried in order); undefined if none is free. */
  async takeAny(candidates: Iterable<T>, owner: string): Promise<T | undefined> {
    for (const v of candidates) if (await this.take(v, owner)) return v;
    return undefined;
  }
}

/** An IPv4 CIDR range: parse, membership, random candidates. */
export class Ipv4Range {
  readonly base: number;
  readonly size: number;

  constructor(readonly cidr: string) {
    const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(cidr);
    if (!m) throw new Error(`invalid CIDR ${cidr}`);
    const bits = Number(m[5]);
    const ip = ((Number(m[1]) << 24) | (Number(m[2]) << 16) | (Number(m[3]) << 8) | Number(m[4])) >>> 0;
    this.size = 2 ** (32 - bits);
    this.base = bits === 0 ? 0 : (ip & (~(this.size - 1) >>> 0)) >>> 0;
  }

  static toString(n: number): string {
    return [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
  }

  static parse(ip: string): number | undefined {
    const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
    if (!m) return undefined;
    const parts = m.slice(1).map(Number);
    if (parts.some((p) => p > 255)) return undefined;
    return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0;
  }

  contains(ip: string): boolean {
    const n = Ipv4Range.parse(ip);
    return n !== undefined && n >= this.base && n < this.base + this.size;
  }

  /** The n-th address of the range. */
  nth(n: number): string {
    return Ipv4Range.toString(this.base + n);
  }

  /**
   * Candidate service IPs in random order, skipping the network and broadcast addresses, and
   * (as upstream) preferring the upper part of the range so that the lower part stays free
   * for statically chosen IPs such as 10.96.0.10 for DNS.
   */
  *candidates(): Generator<string> {
    const first = 1;
    const last = this.size - 2;
    const staticEnd = Math.min(Math.max(16, Math.floor(this.size / 16)), 256);
    const dynStart = Math.min(first + staticEnd, last);
    const span = last - dynStart + 1;
    const start = Math.floor(Math.random() * span);
    for (let i = 0; i < span; i++) yield this.nth(dynStart + ((start + i) % span));
    for (let n = first; n < dynStart; n++) yield this.nth(n);
  }
}

export const SERVICE_CIDR = '10.96.0.0/12';
export const NODE_PORT_RANGE = { min: 30000, max: 32767 };

export function ipNotInRange(path: string, ip: string, range: Ipv4Range) {
  return fieldErrors.invalid(
    path,
    [ip],
    `failed to allocate IP ${ip}: provided IP is not in the valid range. The range of valid IPs is ${range.cidr}`,
  );
}

export function ipAllocated(path: string, ip: string) {
  return fieldErrors.invalid(path, [ip], `failed to allocate IP ${ip}: provided IP is already allocated`);
}

export const noIpsLeft = () => errors.internal(new Error('range is full'));
