import * as grpc from '@grpc/grpc-js';
import { CriError, GrpcCode, toCriError } from '../errors.js';
import { criServices } from '../proto/index.js';
import type {
  AuthConfig,
  Container,
  ContainerConfig,
  ContainerEvent,
  ContainerFilter,
  ContainerRuntime,
  ContainerStatus,
  ExecSyncResult,
  Image,
  PodSandbox,
  PodSandboxConfig,
  PodSandboxFilter,
  PodSandboxStatus,
  RuntimeStatus,
} from '../runtime.js';

export interface ContainerdRuntimeOptions {
  /** Absolute path of containerd's gRPC socket (CRI is served on it). */
  socketPath: string;
  /** Deadline of ordinary calls in ms (default 2 min, the kubelet's runtime request timeout). */
  callTimeoutMs?: number;
  /** Deadline of PullImage in ms (default 10 min). */
  pullTimeoutMs?: number;
  /**
   * When a pull fails but the image is already present (imported from DATA_DIR/images, the
   * air-gapped case), resolve with the local image instead of failing, so that
   * `imagePullPolicy: Always` (the default for `:latest`) still runs offline. Default true.
   */
  pullFallbackToLocal?: boolean;
}

/** The CRI API version this client speaks. */
export const CRI_API_VERSION = 'v1';

type Callback<T> = (err: grpc.ServiceError | null, res: T) => void;
type UnaryMethod = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Callback<unknown>) => grpc.ClientUnaryCall;
type StreamMethod = (req: unknown, opts: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;
type GrpcClient = grpc.Client & Record<string, unknown>;

/**
 * Removes null members (proto-loader's "absent message") recursively, so results match the
 * optional fields of the `ContainerRuntime` types.
 */
export function dropNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map(dropNulls) as T;
  if (v && typeof v === 'object' && !Buffer.isBuffer(v) && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
    return out as T;
  }
  return v;
}

/**
 * The kubelet's view of containerd: a CRI runtime.v1 client over containerd's unix socket
 * (RuntimeService + ImageService on the same connection). grpc-js reconnects by itself
 * after containerd restarts; calls made while it is down fail with UNAVAILABLE (14).
 * Every failure is thrown as a CriError carrying the gRPC code. Safe for concurrent use.
 */
export class ContainerdRuntime implements ContainerRuntime {
  readonly socketPath: string;
  private readonly runtimeClient: GrpcClient;
  private readonly imageClient: GrpcClient;
  private readonly callTimeoutMs: number;
  private readonly pullTimeoutMs: number;
  private readonly pullFallbackToLocal: boolean;

  constructor(opts: ContainerdRuntimeOptions) {
    this.socketPath = opts.socketPath;
    this.callTimeoutMs = opts.callTimeoutMs ?? 120_000;
    this.pullTimeoutMs = opts.pullTimeoutMs ?? 600_000;
    this.pullFallbackToLocal = opts.pullFallbackToLocal ?? true;
    const { RuntimeService, ImageService } = criServices();
    const target = `unix://${opts.socketPath}`;
    const channelOptions: grpc.ChannelOptions = {
      // ExecSync output is capped at 16 MiB per stream by runtimes; leave room for both.
      'grpc.max_receive_message_length': 64 * 1024 * 1024,
      'grpc.max_send_message_length': 16 * 1024 * 1024,
      // Reconnect quickly when containerd comes back after a restart.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 2000,
    };
    this.runtimeClient = new RuntimeService(target, grpc.credentials.createInsecure(), channelOptions) as unknown as GrpcClient;
    this.imageClient = new ImageService(target, grpc.credentials.createInsecure(), channelOptions) as unknown as GrpcClient;
  }

  /** Closes the connection; later calls fail. */
  close(): void {
    this.runtimeClient.close();
    this.imageClient.close();
  }

  private call<T>(client: GrpcClient, method: string, req: unknown, timeoutMs = this.callTimeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const fn = client[method] as UnaryMethod | undefined;
      if (typeof fn !== 'function') return reject(new CriError(GrpcCode.Unimplemented, `no method ${method}`, method));
      fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (err: grpc.ServiceError | null, res: unknown) => {
        if (err) reject(toCriError(err, method));
        else resolve(dropNulls(res) as T);
      });
    });
  }

  private rt<T>(method: string, req: unknown, timeoutMs?: number): Promise<T> {
    return this.call<T>(this.runtimeClient, method, req, timeoutMs);
  }

  private img<T>(method: string, req: unknown, timeoutMs?: number): Promise<T> {
    return this.call<T>(this.imageClient, method, req, timeoutMs);
  }

  /** Resolves once the socket answers Version (or rejects at the deadline). */
  async version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }> {
    const r = await this.rt<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>('Version', { version: CRI_API_VERSION });
    return { runtimeName: r.runtimeName, runtimeVersion: r.runtimeVersion, runtimeApiVersion: r.runtimeApiVersion };
  }

  async status(): Promise<RuntimeStatus> {
    const r = await this.rt<{ status?: RuntimeStatus }>('Status', { verbose: false });
    return { conditions: r.status?.conditions ?? [] };
  }

  /** Tells the runtime the node's pod CIDR (containerd renders its CNI conf template with it). */
  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.rt('UpdateRuntimeConfig', { runtimeConfig: { networkConfig: { podCidr } } });
  }

  async runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string> {
    const r = await this.rt<{ podSandboxId: string }>('RunPodSandbox', { config, runtimeHandler: runtimeHandler ?? '' });
    return r.podSandboxId;
  }

  async stopPodSandbox(id: string): Promise<void> {
    await this.rt('StopPodSandbox', { podSandboxId: id });
  }

  async removePodSandbox(id: string): Promise<void> {
    await this.rt('RemovePodSandbox', { podSandboxId: id });
  }

  async podSandboxStatus(id: string): Promise<PodSandboxStatus> {
    const r = await this.podSandboxStatusVerbose(id, false);
    return r.status;
  }

  /**
   * PodSandboxStatus with the runtime's extra `info` (JSON strings; containerd 1.6 puts the
   * sandbox's pid, netns path and runtime spec under "info").
   */
  async podSandboxStatusVerbose(id: string, verbose = true): Promise<{ status: PodSandboxStatus; info: Record<string, string> }> {
    const r = await this.rt<{ status?: PodSandboxStatus; info?: Record<string, string> }>('PodSandboxStatus', { podSandboxId: id, verbose });
    if (!r.status) throw new CriError(GrpcCode.NotFound, `an error occurred when try to find sandbox "${id}": not found`, 'PodSandboxStatus');
    return { status: r.status, info: r.info ?? {} };
  }

  async listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]> {
    const r = await this.rt<{ items?: PodSandbox[] }>('ListPodSandbox', { filter: filter ?? null });
    return r.items ?? [];
  }

  async createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string> {
    const r = await this.rt<{ containerId: string }>('CreateContainer', { podSandboxId, config, sandboxConfig });
    return r.containerId;
  }

  async startContainer(id: string): Promise<void> {
    await this.rt('StartContainer', { containerId: id });
  }

  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    // The runtime waits up to `timeout` before SIGKILL; give the call that long on top.
    await this.rt('StopContainer', { containerId: id, timeout: String(Math.max(0, Math.floor(timeoutSeconds))) }, this.callTimeoutMs + timeoutSeconds * 1000);
  }

  async removeContainer(id: string): Promise<void> {
    await this.rt('RemoveContainer', { containerId: id });
  }

  async listContainers(filter?: ContainerFilter): Promise<Container[]> {
    const r = await this.rt<{ containers?: Container[] }>('ListContainers', { filter: filter ?? null });
    return r.containers ?? [];
  }

  async containerStatus(id: string): Promise<ContainerStatus> {
    const r = await this.rt<{ status?: ContainerStatus }>('ContainerStatus', { containerId: id, verbose: false });
    if (!r.status) throw new CriError(GrpcCode.NotFound, `an error occurred when try to find container "${id}": not found`, 'ContainerStatus');
    return r.status;
  }

  async reopenContainerLog(id: string): Promise<void> {
    await this.rt('ReopenContainerLog', { containerId: id });
  }

  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult> {
    const deadline = timeoutSeconds > 0 ? this.callTimeoutMs + timeoutSeconds * 1000 : this.callTimeoutMs;
    const r = await this.rt<{ stdout?: Uint8Array; stderr?: Uint8Array; exitCode?: number }>(
      'ExecSync',
      { containerId: id, cmd, timeout: String(Math.max(0, Math.floor(timeoutSeconds))) },
      deadline,
    );
    return { stdout: r.stdout ?? new Uint8Array(), stderr: r.stderr ?? new Uint8Array(), exitCode: r.exitCode ?? 0 };
  }

  async exec(req: { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }> {
    const r = await this.rt<{ url: string }>('Exec', req);
    return { url: r.url };
  }

  async attach(req: { containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }> {
    const r = await this.rt<{ url: string }>('Attach', req);
    return { url: r.url };
  }

  async portForward(req: { podSandboxId: string; port: number[] }): Promise<{ url: string }> {
    const r = await this.rt<{ url: string }>('PortForward', req);
    return { url: r.url };
  }

  async listImages(): Promise<Image[]> {
    const r = await this.img<{ images?: Image[] }>('ListImages', { filter: null });
    return r.images ?? [];
  }

  async imageStatus(image: string): Promise<Image | undefined> {
    const r = await this.img<{ image?: Image }>('ImageStatus', { image: { image }, verbose: false });
    return r.image;
  }

  async pullImage(image: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string> {
    try {
      const r = await this.img<{ imageRef: string }>('PullImage', { image: { image }, auth: auth ?? null, sandboxConfig: sandboxConfig ?? null }, this.pullTimeoutMs);
      return r.imageRef;
    } catch (e: unknown) {
      if (!this.pullFallbackToLocal) throw e;
      const local = await this.imageStatus(image).catch(() => undefined);
      if (!local) throw e;
      return local.id;
    }
  }

  async removeImage(image: string): Promise<void> {
    await this.img('RemoveImage', { image: { image } });
  }

  /**
   * GetContainerEvents as an async iterable. containerd 1.6 does not implement it: iteration
   * then throws a CriError with code UNIMPLEMENTED (12), and the caller relists instead.
   * The stream is cancelled when `signal` aborts (iteration then ends without error).
   */
  async *containerEvents(signal: AbortSignal): AsyncIterable<ContainerEvent> {
    if (signal.aborted) return;
    const method = this.runtimeClient['GetContainerEvents'] as StreamMethod;
    const stream = method.call(this.runtimeClient, {}, {}) as grpc.ClientReadableStream<ContainerEvent>;
    const onAbort = () => stream.cancel();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const ev of stream) yield dropNulls(ev);
    } catch (e: unknown) {
      if (signal.aborted && (e as { code?: number }).code === GrpcCode.Canceled) return;
      throw toCriError(e, 'GetContainerEvents');
    } finally {
      signal.removeEventListener('abort', onAbort);
      stream.cancel();
    }
  }
}
