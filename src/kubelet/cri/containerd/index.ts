/**
 * The containerd side of a k8ts node. How an agent puts it together (DATA_DIR is the node's
 * data dir; `signal` ends it all):
 *
 *   ensureOfflineImages(join(DATA_DIR, 'images'));            // busybox, pause, nginx, ...
 *   const supervisor = new ContainerdSupervisor({
 *     dir: join(DATA_DIR, 'containerd'),
 *     imageDirs: [join(DATA_DIR, 'images')],                  // imported once it answers
 *     cgroupRoot: '/kubepods',                                // pods: /kubepods/<qos>/pod<uid>
 *   });
 *   const done = supervisor.run(signal);                      // resolves after cleanup
 *   await supervisor.waitReady(signal);
 *   const runtime = supervisor.runtime();                     // ContainerdRuntime (CRI)
 *   await writeCniConfig(supervisor.cniConfDir, { podCIDR, ipamDataDir: supervisor.ipamDataDir });
 *
 * On abort the supervisor stops every sandbox through CRI and removes what is left; the
 * agent then calls removeCniBridge() and removeHostportChains() (src/kubelet/cni).
 */
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
