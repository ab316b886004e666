export * from './runtime.js';
export * from './errors.js';
export { FakeRuntime, type FakeRuntimeOptions, type RuntimeCall, type ContainerExit } from './fake-runtime.js';
export * from './oci/index.js';
export * from './containerd/index.js';
