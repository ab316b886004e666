import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import protobuf from 'protobufjs';
import { CRI_PROTO_PATH, criServices } from './index.js';

// Field numbers and types of the CRI runtime.v1 API as released with Kubernetes 1.32: a
// renumbered or retyped field would silently corrupt what containerd receives.
const FIELDS: [message: string, field: string, id: number, type: string][] = [
  ['KeyValue', 'key', 1, 'string'],
  ['KeyValue', 'value', 2, 'string'],
  ['PodSandboxMetadata', 'attempt', 4, 'uint32'],
  ['PodSandboxConfig', 'metadata', 1, 'PodSandboxMetadata'],
  ['PodSandboxConfig', 'hostname', 2, 'string'],
  ['PodSandboxConfig', 'log_directory', 3, 'string'],
  ['PodSandboxConfig', 'dns_config', 4, 'DNSConfig'],
  ['PodSandboxConfig', 'port_mappings', 5, 'PortMapping'],
  ['PodSandboxConfig', 'labels', 6, 'string'],
  ['PodSandboxConfig', 'annotations', 7, 'string'],
  ['PodSandboxConfig', 'linux', 8, 'LinuxPodSandboxConfig'],
  ['PortMapping', 'host_port', 3, 'int32'],
  ['PortMapping', 'host_ip', 4, 'string'],
  ['LinuxPodSandboxConfig', 'cgroup_parent', 1, 'string'],
  ['LinuxPodSandboxConfig', 'sysctls', 3, 'string'],
  ['LinuxSandboxSecurityContext', 'run_as_user', 3, 'Int64Value'],
  ['LinuxSandboxSecurityContext', 'privileged', 6, 'bool'],
  ['LinuxSandboxSecurityContext', 'run_as_group', 8, 'Int64Value'],
  ['NamespaceOption', 'network', 1, 'NamespaceMode'],
  ['NamespaceOption', 'target_id', 4, 'string'],
  ['PodSandboxStatus', 'network', 5, 'PodSandboxNetworkStatus'],
  ['PodSandboxStatus', 'labels', 7, 'string'],
  ['PodSandboxStatus', 'runtime_handler', 9, 'string'],
  ['PodSandbox', 'annotations', 6, 'string'],
  ['ContainerConfig', 'envs', 6, 'KeyValue'],
  ['ContainerConfig', 'mounts', 7, 'Mount'],
  ['ContainerConfig', 'log_path', 11, 'string'],
  ['ContainerConfig', 'tty', 14, 'bool'],
  ['ContainerConfig', 'linux', 15, 'LinuxContainerConfig'],
  ['LinuxContainerResources', 'memory_limit_in_bytes', 4, 'int64'],
  ['LinuxContainerResources', 'oom_score_adj', 5, 'int64'],
  ['LinuxContainerResources', 'memory_swap_limit_in_bytes', 10, 'int64'],
  ['LinuxContainerSecurityContext', 'run_as_username', 6, 'string'],
  ['LinuxContainerSecurityContext', 'no_new_privs', 11, 'bool'],
  ['LinuxContainerSecurityContext', 'run_as_group', 12, 'Int64Value'],
  ['LinuxContainerSecurityContext', 'seccomp', 15, 'SecurityProfile'],
  ['Mount', 'propagation', 5, 'MountPropagation'],
  ['Container', 'image_ref', 5, 'string'],
  ['Container', 'created_at', 7, 'int64'],
  ['ContainerStatus', 'exit_code', 7, 'int32'],
  ['ContainerStatus', 'reason', 10, 'string'],
  ['ContainerStatus', 'log_path', 15, 'string'],
  ['ContainerFilter', 'pod_sandbox_id', 3, 'string'],
  ['ContainerFilter', 'label_selector', 4, 'string'],
  ['ExecSyncRequest', 'timeout', 3, 'int64'],
  ['ExecSyncResponse', 'stdout', 1, 'bytes'],
  ['ExecSyncResponse', 'exit_code', 3, 'int32'],
  ['AttachRequest', 'stdin', 2, 'bool'],
  ['AttachRequest', 'tty', 3, 'bool'],
  ['Image', 'size', 4, 'uint64'],
  ['Image', 'pinned', 8, 'bool'],
  ['PullImageRequest', 'sandbox_config', 3, 'PodSandboxConfig'],
  ['ContainerEventResponse', 'pod_sandbox_status', 4, 'PodSandboxStatus'],
  ['StatusResponse', 'info', 2, 'string'],
];

const ENUMS: [string, Record<string, number>][] = [
  ['PodSandboxState', { SANDBOX_READY: 0, SANDBOX_NOTREADY: 1 }],
  ['ContainerState', { CONTAINER_CREATED: 0, CONTAINER_RUNNING: 1, CONTAINER_EXITED: 2, CONTAINER_UNKNOWN: 3 }],
  ['NamespaceMode', { POD: 0, CONTAINER: 1, NODE: 2, TARGET: 3 }],
  ['Protocol', { TCP: 0, UDP: 1, SCTP: 2 }],
  ['MountPropagation', { PROPAGATION_PRIVATE: 0, PROPAGATION_HOST_TO_CONTAINER: 1, PROPAGATION_BIDIRECTIONAL: 2 }],
  ['ContainerEventType', { CONTAINER_CREATED_EVENT: 0, CONTAINER_STARTED_EVENT: 1, CONTAINER_STOPPED_EVENT: 2, CONTAINER_DELETED_EVENT: 3 }],
];

describe('runtime.v1 proto subset', () => {
  const root = new protobuf.Root().loadSync(CRI_PROTO_PATH, { keepCase: true });

  for (const [message, field, id, type] of FIELDS) {
    it(`${message}.${field} = ${id} (${type})`, () => {
      const f = root.lookupType(`runtime.v1.${message}`).fields[field];
      assert.ok(f, `${message}.${field} exists`);
      assert.equal(f.id, id);
      assert.equal(f.type, type);
    });
  }

  for (const [name, values] of ENUMS) {
    it(`enum ${name}`, () => assert.deepEqual({ ...root.lookupEnum(`runtime.v1.${name}`).values }, values));
  }

  it('encodes env values as strings on the wire (tag 0x12, utf-8 text)', () => {
    const KeyValue = root.lookupType('runtime.v1.KeyValue');
    const bytes = KeyValue.encode(KeyValue.fromObject({ key: 'A', value: 'héllo' })).finish();
    assert.deepEqual([...bytes], [0x0a, 1, 0x41, 0x12, 6, ...Buffer.from('héllo')]);
    assert.equal((KeyValue.decode(bytes) as unknown as { value: unknown }).value, 'héllo');
  });

  it('loads both services with the methods the client calls', () => {
    const { RuntimeService, ImageService } = criServices();
    for (const m of ['Version', 'RunPodSandbox', 'StopPodSandbox', 'RemovePodSandbox', 'PodSandboxStatus', 'ListPodSandbox', 'CreateContainer', 'StartContainer', 'StopContainer', 'RemoveContainer', 'ListContainers', 'ContainerStatus', 'ExecSync', 'Exec', 'Attach', 'PortForward', 'Status', 'GetContainerEvents', 'UpdateRuntimeConfig', 'ReopenContainerLog']) {
      assert.equal(RuntimeService.service[m]?.path, `/runtime.v1.RuntimeService/${m}`, m);
    }
    for (const m of ['ListImages', 'ImageStatus', 'PullImage', 'RemoveImage']) {
      assert.equal(ImageService.service[m]?.path, `/runtime.v1.ImageService/${m}`, m);
    }
    assert.equal(RuntimeService.service.GetContainerEvents!.responseStream, true);
  });
});
