/**
 * The container runtime as the kubelet sees it: shaped like the CRI (runtime.v1
 * RuntimeService + ImageService of Kubernetes 1.32), with the messages' fields in the
 * camelCase JSON form protobuf loaders produce, so the containerd implementation passes them
 * to and from gRPC unchanged. Implementations: `ContainerdRuntime` (CRI gRPC over the unix
 * socket of a containerd k8ts supervises), `FakeRuntime` (records calls, for unit tests).
 * Timestamps are nanoseconds since the epoch as decimal strings (int64 in the proto).
 */

export interface KeyValue {
  key: string;
  value: string;
}

export interface PortMapping {
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  containerPort: number;
  hostPort?: number;
  hostIp?: string;
}

export interface Mount {
  containerPath: string;
  hostPath: string;
  readonly?: boolean;
  selinuxRelabel?: boolean;
  /** PRIVATE (0), HOST_TO_CONTAINER (1), BIDIRECTIONAL (2). */
  propagation?: number;
}

export interface PodSandboxMetadata {
  name: string;
  uid: string;
  namespace: string;
  attempt: number;
}

export interface DnsConfig {
  servers?: string[];
  searches?: string[];
  options?: string[];
}

export interface LinuxPodSandboxConfig {
  cgroupParent?: string;
  securityContext?: {
    namespaceOptions?: { network?: number; pid?: number; ipc?: number };
    runAsUser?: { value: string };
    runAsGroup?: { value: string };
    readonlyRootfs?: boolean;
    supplementalGroups?: string[];
    privileged?: boolean;
  };
  sysctls?: Record<string, string>;
}

export interface PodSandboxConfig {
  metadata: PodSandboxMetadata;
  hostname?: string;
  logDirectory?: string;
  dnsConfig?: DnsConfig;
  portMappings?: PortMapping[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  linux?: LinuxPodSandboxConfig;
}

/** SANDBOX_READY (0) / SANDBOX_NOTREADY (1). */
export const SandboxState = { Ready: 'SANDBOX_READY', NotReady: 'SANDBOX_NOTREADY' } as const;
export type SandboxState = (typeof SandboxState)[keyof typeof SandboxState];

export interface PodSandbox {
  id: string;
  metadata: PodSandboxMetadata;
  state: SandboxState;
  createdAt: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PodSandboxStatus extends PodSandbox {
  network?: { ip?: string; additionalIps?: { ip: string }[] };
}

export interface ContainerMetadata {
  name: string;
  attempt: number;
}

export interface LinuxContainerResources {
  cpuPeriod?: string;
  cpuQuota?: string;
  cpuShares?: string;
  memoryLimitInBytes?: string;
  oomScoreAdj?: string;
}

export interface LinuxContainerSecurityContext {
  capabilities?: { addCapabilities?: string[]; dropCapabilities?: string[] };
  privileged?: boolean;
  runAsUser?: { value: string };
  runAsGroup?: { value: string };
  runAsUsername?: string;
  readonlyRootfs?: boolean;
  supplementalGroups?: string[];
  noNewPrivs?: boolean;
  namespaceOptions?: { network?: number; pid?: number; ipc?: number };
}

export interface ContainerConfig {
  metadata: ContainerMetadata;
  image: { image: string };
  command?: string[];
  args?: string[];
  workingDir?: string;
  envs?: KeyValue[];
  mounts?: Mount[];
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Relative to the sandbox's logDirectory. */
  logPath?: string;
  stdin?: boolean;
  stdinOnce?: boolean;
  tty?: boolean;
  linux?: { resources?: LinuxContainerResources; securityContext?: LinuxContainerSecurityContext };
}

/** CONTAINER_CREATED / RUNNING / EXITED / UNKNOWN. */
export const ContainerState = {
  Created: 'CONTAINER_CREATED',
  Running: 'CONTAINER_RUNNING',
  Exited: 'CONTAINER_EXITED',
  Unknown: 'CONTAINER_UNKNOWN',
} as const;
export type ContainerState = (typeof ContainerState)[keyof typeof ContainerState];

export interface Container {
  id: string;
  podSandboxId: string;
  metadata: ContainerMetadata;
  image: { image: string };
  imageRef: string;
  state: ContainerState;
  createdAt: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface ContainerStatus extends Container {
  startedAt: string;
  finishedAt: string;
  exitCode: number;
  /** e.g. "Completed", "Error", "OOMKilled". */
  reason: string;
  message: string;
  logPath: string;
}

export interface ContainerFilter {
  id?: string;
  podSandboxId?: string;
  state?: { state: ContainerState };
  labelSelector?: Record<string, string>;
}

export interface PodSandboxFilter {
  id?: string;
  state?: { state: SandboxState };
  labelSelector?: Record<string, string>;
}

export interface ExecSyncResult {
  stdout: Uint8Array;
  stderr: Uint8Array;
  exitCode: number;
}

export interface AuthConfig {
  username?: string;
  password?: string;
  auth?: string;
  serverAddress?: string;
  identityToken?: string;
  registryToken?: string;
}

export interface Image {
  id: string;
  repoTags: string[];
  repoDigests: string[];
  size: string;
}

/** A runtime event for the PLEG (GetContainerEvents). */
export interface ContainerEvent {
  containerId: string;
  /** CONTAINER_CREATED_EVENT, CONTAINER_STARTED_EVENT, CONTAINER_STOPPED_EVENT, CONTAINER_DELETED_EVENT. */
  containerEventType: string;
  createdAt: string;
  podSandboxStatus?: PodSandboxStatus;
}

/**
 * Errors are thrown as Error with a `code` of the gRPC status (e.g. 5 NOT_FOUND), as CRI
 * runtimes report them; `isNotFound(e)` tests for it.
 */
export interface ContainerRuntime {
  version(): Promise<{ runtimeName: string; runtimeVersion: string; runtimeApiVersion: string }>;

  runPodSandbox(config: PodSandboxConfig, runtimeHandler?: string): Promise<string>;
  stopPodSandbox(id: string): Promise<void>;
  removePodSandbox(id: string): Promise<void>;
  podSandboxStatus(id: string): Promise<PodSandboxStatus>;
  listPodSandbox(filter?: PodSandboxFilter): Promise<PodSandbox[]>;

  createContainer(podSandboxId: string, config: ContainerConfig, sandboxConfig: PodSandboxConfig): Promise<string>;
  startContainer(id: string): Promise<void>;
  /** Sends the stop signal, then SIGKILL after `timeoutSeconds`. */
  stopContainer(id: string, timeoutSeconds: number): Promise<void>;
  removeContainer(id: string): Promise<void>;
  listContainers(filter?: ContainerFilter): Promise<Container[]>;
  containerStatus(id: string): Promise<ContainerStatus>;
  execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResult>;
  /** Streaming endpoints (exec/attach/port-forward): the runtime's streaming server URL. */
  exec?(req: { containerId: string; cmd: string[]; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }>;
  attach?(req: { containerId: string; tty: boolean; stdin: boolean; stdout: boolean; stderr: boolean }): Promise<{ url: string }>;
  portForward?(req: { podSandboxId: string; port: number[] }): Promise<{ url: string }>;

  listImages(): Promise<Image[]>;
  imageStatus(image: string): Promise<Image | undefined>;
  pullImage(image: string, auth?: AuthConfig, sandboxConfig?: PodSandboxConfig): Promise<string>;
  removeImage(image: string): Promise<void>;

  /** Container lifecycle events for the PLEG; ends when `signal` aborts. */
  containerEvents?(signal: AbortSignal): AsyncIterable<ContainerEvent>;
}

export function isNotFound(e: unknown): boolean {
  return (e as { code?: number } | null)?.code === 5;
}
