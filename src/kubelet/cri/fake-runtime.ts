import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { realClock, type Clock } from '../../util/clock.js';
import { BoundedQueue } from '../../util/bounded-queue.js';
import { CriError, GrpcCode } from './errors.js';
import { normalizeImageRef } from './oci/reference.js';
import {
  ContainerState,
  SandboxState,
  type AuthConfig,
  type Container,
  type ContainerConfig,
  type ContainerEvent,
  type ContainerFilter,
  type ContainerRuntime,
  type ContainerStatus,
  type ExecSyncResult,
  type Image,
  type PodSandbox,
  type PodSandboxConfig,
  type PodSandboxFilter,
  type PodSandboxStatus,
  type RuntimeStatus,
} from './runtime.js';

/** One recorded call: the method name and its arguments (as passed, not copied). */
export interface RuntimeCall {
  method: string;
  args: unknown[];
}

/** How a container ends: exit code, and the reason/message its status reports. */
export interface ContainerExit {
  exitCode: number;
  /** Default "Completed" for 0, else "Error". */
  reason?: string;
  message?: string;
}

export interface FakeRuntimeOptions {
  /** Source of timestamps (default the real clock). */
  clock?: Clock;
  /** Images present from the start (any reference form; normalised like containerd). */
  images?: string[];
  /** Pod IPs are handed out from this /24's .2 upwards (default 10.244.0.0/24). */
  podCIDR?: string;
  /** Bound of `calls` (oldest dropped first; default 10 000). */
  maxCalls?: number;
  /**
   * Called when a container starts: return an exit to have it exit at once (e.g. a Job's
   * container that completes), or undefined to leave it running.
   */
  exitOnStart?: (config: ContainerConfig, sandbox: PodSandboxConfig) => ContainerExit | undefined;
  /** ExecSync's result (default: exit 0, no output). */
  execHandler?: (containerId: string, cmd: string[]) => ExecSyncResult | Promise<ExecSyncResult>;
}

interface FakeSandbox {
  status: PodSandboxStatus;
  config: PodSandboxConfig;
  runtimeHandler: string;
  hostNetwork: boolean;
}

interface FakeContainer {
  status: ContainerStatus;
  config: ContainerConfig;
}

type Injector = (args: unknown[]) => Error | undefined;

const EVENT_BUFFER = 1000;

function nanos(ms: number): string {
  return (BigInt(Math.floor(ms)) * 1_000_000n).toString();
}

function newId(): string {
  return randomBytes(32).toString('hex');
}

function matchesLabels(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** containerd accepts an unambiguous id prefix wherever an id is asked for. */
function resolveId<T>(map: Map<string, T>, id: string): string | undefined {
  if (map.has(id)) return id;
  if (!id) return undefined;
  const hits = [...map.keys()].filter((k) => k.startsWith(id));
  return hits.length === 1 ? hits[0] : undefined;
}

function notFound(kind: 'sandbox' | 'container', id: string): CriError {
  return new CriError(GrpcCode.NotFound, `an error occurred when try to find ${kind} "${id}": not found`);
}

function isNodeNamespace(mode: unknown): boolean {
  return mode === 2 || mode === 'NODE';
}

/**
 * An in-memory ContainerRuntime for the kubelet's unit tests. It keeps sandboxes, containers
 * and images with containerd's state transitions and error codes (NOT_FOUND for unknown ids,
 * idempotent stop/remove, name reservation per sandbox/attempt), records every call, and
 * lets a test inject failures (`failNext`, `failWhen`), container exits (`exitContainer`,
 * `exitOnStart`) and exec results. No processes, no network. Not meant for concurrent
 * mutation from several tests; each test makes its own.
 */
export class FakeRuntime implements ContainerRuntime {
  /** Every call in order (bounded by maxCalls; the oldest are dropped). */
  readonly calls: RuntimeCall[] = [];
  readonly sandboxes = new Map<string, FakeSandbox>();
  readonly containers = new Map<string, FakeContainer>();
  /** Images by id. */
  readonly images = new Map<string, Image>();

  private readonly clock: Clock;
  private readonly maxCalls: number;
  private readonly podNet: number[];
  private nextIp = 2;
  private readonly injectors = new Map<string, Injector[]>();
  private readonly subscribers = new Set<BoundedQueue<ContainerEvent>>();
  private networkReady = true;
  exitOnStart: FakeRuntimeOptions['exitOnStart'];
  execHandler: NonNullable<FakeRuntimeOptions['execHandler']>;

  constructor(opts: FakeRuntimeOptions = {}) {
    this.clock = opts.clock ?? realClock;
    this.maxCalls = opts.maxCalls ?? 10_000;
    this.podNet = (opts.podCIDR ?? '10.244.0.0/24').split('/')[0]!.split('.').map(Number);
    this.exitOnStart = opts.exitOnStart;
    this.execHandler = opts.execHandler ?? (() => ({ stdout: new Uint8Array(), stderr: new Uint8Array(), exitCode: 0 }));
    for (const img of opts.images ?? []) this.addImage(img);
  }

  // ---- test controls ----

  /** Makes the next `times` calls of `method` throw `error` (after being recorded). */
  failNext(method: string, error: Error, times = 1): void {
    let left = times;
    this.failWhen(method, () => (left-- > 0 ? error : undefined));
  }

  /** Makes calls of `method` throw whatever `check(args)` returns; the result removes the rule. */
  failWhen(method: string, check: (args: unknown[]) => Error | undefined): () => void {
    const list = this.injectors.get(method) ?? [];
    list.push(check);
    this.injectors.set(method, list);
    return () => {
      const cur = this.injectors.get(method) ?? [];
      this.injectors.set(method, cur.filter((c) => c !== check));
    };
  }

  /** Arguments of every recorded call of `method`. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  /** Method names in call order. */
  methods(): string[] {
    return this.calls.map((c) => c.method);
  }

  clearCalls(): void {
    this.calls.length = 0;
  }

  /** Adds an image (as if pulled); returns its id. */
  addImage(ref: string, size = 1_000_000): string {
    const name = normalizeImageRef(ref);
    const existing = this.findImage(name);
    if (existing) return existing.id;
    const id = `sha256:${createHash('sha256').update(name).digest('hex')}`;
    const digest = `${name.replace(/[:@].*$/, '')}@sha256:${createHash('sha256').update(`manifest:${name}`).digest('hex')}`;
    this.images.set(id, { id, repoTags: name.includes('@') ? [] : [name], repoDigests: [digest], size: String(size) });
    return id;
  }

  /** Lets a running (or created) container exit now, as if its process ended. */
  exitContainer(id: string, exit: ContainerExit): void {
    const c = this.containers.get(resolveId(this.containers, id) ?? '');
    if (!c) throw notFound('container', id);
    this.finish(c, exit);
  }

  /** What CRI Status reports for the network (false until a CNI config is in place, upstream). */
  setNetworkReady(ready: boolean): void {
    this.networkReady = ready;
  }

  // ---- internals ----

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    if (this.calls.length > this.maxCalls) this.calls.splice(0, this.calls.length - this.maxCalls);
    for (const check of this.injectors.get(method) ?? []) {
      const err = check(args);
      if (err) throw err;
    }
  }

  private emit(containerId: string, type: string, sandboxId?: string): void {
    const sb = sandboxId ? this.sandboxes.get(sandboxId) : undefined;
    const ev: ContainerEvent = {
      containerId,
      containerEventType: type,
      createdAt: nanos(this.clock.now()),
      ...(sb ? { podSandboxStatus: structuredClone(sb.status) } : {}),
    };
    for (const q of this.subscribers) q.push(ev);
  }

  private findImage(ref: string): Image | undefined {
    if (this.images.has(ref)) return this.images.get(ref);
    let name: string;
    try {
      name = normalizeImageRef(ref);
    } catch {
      return undefined;
    }
    for (const img of this.images.values()) {
      if (img.id === name || img.repoTags.includes(name) || img.repoDigests.includes(name)) return img;
    }
    return undefined;
  }

  private finish(c: FakeContainer, exit: ContainerExit): void {
    if (c.status.state === ContainerState.Exited) return;
    c.status.state = ContainerState.Exited;
    c.status.finishedAt = nanos(this.clock.now());
    if (c.status.startedAt === '0') c.status.startedAt = c.status.finishedAt;
    c.status.exitCode = exit.exitCode;
    c.status.reason = exit.reason ?? (exit.exitCode === 0 ? 'Completed' : 'Error');
    c.status.message = exit.message ?? '';
    this.emit(c.status.id, 'CONTAINER_STOPPED_EVENT', c.status.podSandboxId);
  }

  private allocateIp(): string {
    const ip = `${this.podNet[0]}.${this.podNet[1]}.${this.podNet[2]}.${this.nextIp}`;
    this.nextIp = this.nextIp >= 254 ? 2 : this.nextIp + 1;
    return ip;
  }

  // ---- ContainerRuntime ----

  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    this.record('version', []);
    return { runtimeName: 'fake', runtimeVersion: '0.1.0', runtimeApiVersion: 'v1' };
  }

  async status(): Promise<RuntimeStatus> {
    this.record('status', []);
    return {
      conditions: [
        { type: 'RuntimeReady', status: true, reason: '', message: '' },
        this.networkReady
          ? { type: 'NetworkReady', status: true, reason: '', message: '' }
          : { type: 'NetworkReady', status: false, reason: 'NetworkPluginNotReady', message: 'Network plugin returns error: cni plugin not initialized' },
      ],
    };
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string> {
    this.record('runPodSandbox', [config, runtimeHandler]);
    const m = config.metadata;
    if (!m?.name || !m.namespace || !m.uid) throw new CriError(GrpcCode.InvalidArgument, 'sandbox config must include metadata name, namespace and uid');
    const name = `${m.name}_${m.namespace}_${m.uid}_${m.attempt ?? 0}`;
    for (const [id, sb] of this.sandboxes) {
      const o = sb.config.metadata;
      if (`${o.name}_${o.namespace}_${o.uid}_${o.attempt ?? 0}` === name) {
        throw new CriError(GrpcCode.Unknown, `failed to reserve sandbox name "${name}": name "${name}" is reserved for "${id}"`);
      }
    }
    const hostNetwork = isNodeNamespace(config.linux?.securityContext?.namespaceOptions?.network);
    if (!hostNetwork && !this.networkReady) {
      throw new CriError(GrpcCode.Unknown, 'failed to setup network for sandbox: cni plugin not initialized');
    }
    const id = newId();
    const status: PodSandboxStatus = {
      id,
      metadata: { ...m, attempt: m.attempt ?? 0 },
      state: SandboxState.Ready,
      createdAt: nanos(this.clock.now()),
      labels: { ...(config.labels ?? {}) },
      annotations: { ...(config.annotations ?? {}) },
      network: { ip: hostNetwork ? '' : this.allocateIp(), additionalIps: [] },
    };
    this.sandboxes.set(id, { status, config: structuredClone(config), runtimeHandler: runtimeHandler ?? '', hostNetwork });
    return id;
  }

  async stopPodSandbox(id: string): Promise<void> {
    this.record('stopPodSandbox', [id]);
    const key = resolveId(this.sandboxes, id);
    if (!key) throw notFound('sandbox', id);
    for (const c of this.containers.values()) {
      if (c.status.podSandboxId === key && (c.status.state === ContainerState.Running || c.status.state === ContainerState.Unknown)) {
        this.finish(c, { exitCode: 137, reason: 'Error' });
      }
    }
    this.sandboxes.get(key)!.status.state = SandboxState.NotReady;
  }

  async removePodSandbox(id: string): Promise<void> {
    this.record('removePodSandbox', [id]);
    const key = resolveId(this.sandboxes, id);
    if (!key) return; // idempotent, as containerd
    for (const [cid, c] of this.containers) {
      if (c.status.podSandboxId !== key) continue;
      this.finish(c, { exitCode: 137, reason: 'Error' });
      this.containers.delete(cid);
      this.emit(cid, 'CONTAINER_DELETED_EVENT', key);
    }
    this.sandboxes.delete(key);
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    this.record('podSandboxStatus', [id]);
    const sb = this.sandboxes.get(resolveId(this.sandboxes, id) ?? '');
    if (!sb) throw notFound('sandbox', id);
    return structuredClone(sb.status);
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    this.record('listPodSandbox', [filter]);
    const out: PodSandbox[] = [];
    for (const [id, sb] of this.sandboxes) {
      if (filter?.id && !id.startsWith(filter.id)) continue;
      if (filter?.state && sb.status.state !== filter.state.state) continue;
      if (!matchesLabels(sb.status.labels, filter?.labelSelector)) continue;
      const { network: _network, ...rest } = structuredClone(sb.status);
      out.push(rest);
    }
    return out;
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    this.record('createContainer', [podSandboxId, config, sandboxConfig]);
    const sbKey = resolveId(this.sandboxes, podSandboxId);
    const sb = sbKey ? this.sandboxes.get(sbKey) : undefined;
    if (!sb || !sbKey) throw new CriError(GrpcCode.NotFound, `failed to find sandbox id "${podSandboxId}": not found`);
    if (sb.status.state !== SandboxState.Ready) throw new CriError(GrpcCode.Unknown, `sandbox "${sbKey}" is not running`);
    const image = this.findImage(config.image?.image ?? '');
    if (!image) throw new CriError(GrpcCode.NotFound, `failed to get image "${config.image?.image}": not found`);
    const attempt = config.metadata.attempt ?? 0;
    for (const c of this.containers.values()) {
      if (c.status.podSandboxId === sbKey && c.status.metadata.name === config.metadata.name && c.status.metadata.attempt === attempt) {
        const name = `${config.metadata.name}_${sb.config.metadata.name}_${sb.config.metadata.namespace}_${sb.config.metadata.uid}_${attempt}`;
        throw new CriError(GrpcCode.Unknown, `failed to reserve container name "${name}": name "${name}" is reserved for "${c.status.id}"`);
      }
    }
    const id = newId();
    const status: ContainerStatus = {
      id,
      podSandboxId: sbKey,
      metadata: { name: config.metadata.name, attempt },
      image: { image: image.repoTags[0] ?? config.image.image },
      imageRef: image.id,
      state: ContainerState.Created,
      createdAt: nanos(this.clock.now()),
      startedAt: '0',
      finishedAt: '0',
      exitCode: 0,
      reason: '',
      message: '',
      labels: { ...(config.labels ?? {}) },
      annotations: { ...(config.annotations ?? {}) },
      logPath: config.logPath && sb.config.logDirectory ? join(sb.config.logDirectory, config.logPath) : '',
    };
    this.containers.set(id, { status, config: structuredClone(config) });
    this.emit(id, 'CONTAINER_CREATED_EVENT', sbKey);
    return id;
  }

  async startContainer(id: string): Promise<void> {
    this.record('startContainer', [id]);
    const c = this.containers.get(resolveId(this.containers, id) ?? '');
    if (!c) throw notFound('container', id);
    if (c.status.state !== ContainerState.Created) {
      throw new CriError(GrpcCode.Unknown, `failed to start container "${c.status.id}": container is in ${c.status.state} state`);
    }
    c.status.state = ContainerState.Running;
    c.status.startedAt = nanos(this.clock.now());
    this.emit(c.status.id, 'CONTAINER_STARTED_EVENT', c.status.podSandboxId);
    const sb = this.sandboxes.get(c.status.podSandboxId);
    const exit = sb ? this.exitOnStart?.(c.config, sb.config) : undefined;
    if (exit) this.finish(c, exit);
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.record('stopContainer', [id, timeoutSeconds]);
    const c = this.containers.get(resolveId(this.containers, id) ?? '');
    if (!c) throw notFound('container', id);
    // As containerd: only a running (or unknown) container is signalled; others are left as they are.
    if (c.status.state === ContainerState.Running || c.status.state === ContainerState.Unknown) this.finish(c, { exitCode: 137, reason: 'Error' });
  }

  async removeContainer(id: string): Promise<void> {
    this.record('removeContainer', [id]);
    const key = resolveId(this.containers, id);
    if (!key) return;
    const c = this.containers.get(key)!;
    if (c.status.state === ContainerState.Running) this.finish(c, { exitCode: 137, reason: 'Error' });
    this.containers.delete(key);
    this.emit(key, 'CONTAINER_DELETED_EVENT', c.status.podSandboxId);
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    this.record('listContainers', [filter]);
    const out: Container[] = [];
    for (const [id, c] of this.containers) {
      if (filter?.id && !id.startsWith(filter.id)) continue;
      if (filter?.podSandboxId && !c.status.podSandboxId.startsWith(filter.podSandboxId)) continue;
      if (filter?.state && c.status.state !== filter.state.state) continue;
      if (!matchesLabels(c.status.labels, filter?.labelSelector)) continue;
      const s = structuredClone(c.status);
      out.push({ id: s.id, podSandboxId: s.podSandboxId, metadata: s.metadata, image: s.image, imageRef: s.imageRef, state: s.state, createdAt: s.createdAt, labels: s.labels, annotations: s.annotations });
    }
    return out;
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    this.record('containerStatus', [id]);
    const c = this.containers.get(resolveId(this.containers, id) ?? '');
    if (!c) throw notFound('container', id);
    return structuredClone(c.status);
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    this.record('execSync', [id, cmd, timeoutSeconds]);
    const c = this.containers.get(resolveId(this.containers, id) ?? '');
    if (!c) throw notFound('container', id);
    if (c.status.state !== ContainerState.Running) {
      throw new CriError(GrpcCode.Unknown, `container is in ${c.status.state} state`);
    }
    return this.execHandler(c.status.id, cmd);
  }

  async exec(req: { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }> {
    this.record('exec', [req]);
    if (!resolveId(this.containers, req.containerId)) throw notFound('container', req.containerId);
    return { url: `http://127.0.0.1:0/exec/${randomBytes(4).toString('hex')}` };
  }

  async attach(req: { containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }> {
    this.record('attach', [req]);
    if (!resolveId(this.containers, req.containerId)) throw notFound('container', req.containerId);
    return { url: `http://127.0.0.1:0/attach/${randomBytes(4).toString('hex')}` };
  }

  async portForward(req: { podSandboxId: string; port: number[] }): Promise<{ url: string }> {
    this.record('portForward', [req]);
    if (!resolveId(this.sandboxes, req.podSandboxId)) throw notFound('sandbox', req.podSandboxId);
    return { url: `http://127.0.0.1:0/portforward/${randomBytes(4).toString('hex')}` };
  }

  async listImages(): Promise<Image[]> {
    this.record('listImages', []);
    return [...this.images.values()].map((i) => structuredClone(i));
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    this.record('imageStatus', [image]);
    const img = this.findImage(image);
    return img ? structuredClone(img) : undefined;
  }

  async pullImage(image: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    this.record('pullImage', [image, auth, sandboxConfig]);
    try {
      normalizeImageRef(image);
    } catch (e: unknown) {
      throw new CriError(GrpcCode.Unknown, `failed to pull and unpack image "${image}": ${(e as Error).message}`);
    }
    return this.addImage(image);
  }

  async removeImage(image: string): Promise<void> {
    this.record('removeImage', [image]);
    const img = this.findImage(image);
    if (img) this.images.delete(img.id);
  }

  /** Events of every later create/start/stop/delete; a consumer more than 1000 behind gets an error and should relist. */
  async *containerEvents(signal: AbortSignal): AsyncIterable<ContainerEvent> {
    this.record('containerEvents', []);
    const q = new BoundedQueue<ContainerEvent>(EVENT_BUFFER, () => new CriError(GrpcCode.ResourceExhausted, 'container event buffer overflow'));
    this.subscribers.add(q);
    const onAbort = () => q.close();
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) q.close();
    try {
      for await (const ev of q) yield ev;
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.subscribers.delete(q);
    }
  }
}
