export { containerdConfigToml, tomlString, type ContainerdConfigOptions } from './config.js';
export { ContainerdRuntime, CRI_API_VERSION, type ContainerdRuntimeOptions } from './containerd-runtime.js';
export { CRI_NAMESPACE, importImages, imageArchives, parseImportOutput, type ImportImagesOptions } from './images.js';
export { cgroupDirsOf, findShims, readMounts, mountsUnder } from './host-cleanup.js';
export {
  ContainerdSupervisor,
  containerdSocketPath,
  netnsFromSandboxInfo,
  type ContainerdSupervisorOptions,
  type ShutdownReport,
} from './supervisor.js';
