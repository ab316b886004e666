import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldPath } from '../../apimachinery/field-path.js';
import { defaultPodSpec, defaultPodTemplateSpec, validatePodSpec, validatePodTemplateSpec } from './pod-spec.js';

type Obj = Record<string, any>;

/** A defaulted pod spec with one container, changed by `f`. */
function spec(f: (s: Obj) => void = () => {}): Obj {
  const s: Obj = { containers: [{ name: 'c', image: 'busybox' }] };
  f(s);
  defaultPodSpec(s);
  return s;
}

const messages = (s: Obj, opts: Obj = { allowRelaxedEnvironmentVariableValidation: true }) => validatePodSpec(s, undefined, FieldPath.root('spec'), opts).map((e) => e.message());

describe('pod spec validation', () => {
  it('accepts a defaulted spec', () => assert.deepEqual(messages(spec()), []));

  const cases: [string, (s: Obj) => void, string[]][] = [
    ['no containers', (s) => (s.containers = []), ['spec.containers: Required value']],
    ['container name', (s) => (s.containers[0].name = 'C_1'), [
      `spec.containers[0].name: Invalid value: "C_1": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ]],
    ['duplicate container names', (s) => s.containers.push({ name: 'c', image: 'x' }), ['spec.containers[1].name: Duplicate value: "c"']],
    ['missing image', (s) => delete s.containers[0].image, ['spec.containers[0].image: Required value']],
    ['bad restart policy', (s) => (s.restartPolicy = 'Sometimes'), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
    ['bad dns policy', (s) => (s.dnsPolicy = 'Google'), ['spec.dnsPolicy: Unsupported value: "Google": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"']],
    ['dnsPolicy None needs a config', (s) => (s.dnsPolicy = 'None'), ['spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None']],
    ['pull policy', (s) => (s.containers[0].imagePullPolicy = 'Sometimes'), ['spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes": supported values: "Always", "IfNotPresent", "Never"']],
    ['port out of range and bad protocol', (s) => (s.containers[0].ports = [{ containerPort: 0, protocol: 'tcp' }]), [
      'spec.containers[0].ports[0].containerPort: Required value',
      'spec.containers[0].ports[0].protocol: Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
    ]],
    ['duplicate host ports', (s) => (s.containers[0].ports = [{ containerPort: 80, hostPort: 80 }, { containerPort: 81, hostPort: 80 }]), ['spec.containers[0].ports[1].hostPort: Duplicate value: "TCP//80"']],
    ['env value and valueFrom', (s) => (s.containers[0].env = [{ name: 'A', value: 'x', valueFrom: { configMapKeyRef: { name: 'cm', key: 'k' } } }]), [
      'spec.containers[0].env[0].valueFrom: Invalid value: "": may not be specified when `value` is not empty',
    ]],
    ['env name with = (relaxed rule, on in 1.32)', (s) => (s.containers[0].env = [{ name: 'A=B', value: 'x' }]), [
      `spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`,
    ]],
    ['downward API env field', (s) => (s.containers[0].env = [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'status.phase' } } }]), [
      'spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: "status.phase": supported values: "metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName", "spec.serviceAccountName", "status.hostIP", "status.hostIPs", "status.podIP", "status.podIPs"',
    ]],
    ['volume mount of a missing volume', (s) => (s.containers[0].volumeMounts = [{ name: 'data', mountPath: '/data' }]), ['spec.containers[0].volumeMounts[0].name: Not found: "data"']],
    ['volume with two sources', (s) => (s.volumes = [{ name: 'v', emptyDir: {}, hostPath: { path: '/x' } }]), ['spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type']],
    ['duplicate volume', (s) => (s.volumes = [{ name: 'v', emptyDir: {} }, { name: 'v', emptyDir: {} }]), ['spec.volumes[1].name: Duplicate value: "v"']],
    ['configMap mode', (s) => (s.volumes = [{ name: 'v', configMap: { name: 'c', defaultMode: 755 } }]), [
      'spec.volumes[0].configMap.defaultMode: Invalid value: 755: must be a number between 0 and 0777 (octal), both inclusive',
    ]],
    ['hostPath type', (s) => (s.volumes = [{ name: 'v', hostPath: { path: '/x', type: 'Pipe' } }]), [
      'spec.volumes[0].hostPath.type: Unsupported value: "Pipe": supported values: "", "BlockDevice", "CharDevice", "Directory", "DirectoryOrCreate", "File", "FileOrCreate", "Socket"',
    ]],
    ['secret items path', (s) => (s.volumes = [{ name: 'v', secret: { secretName: 's', items: [{ key: 'k', path: '../x' }] } }]), [`spec.volumes[0].secret.items[0].path: Invalid value: "../x": must not contain '..'`]],
    ['requests above limits', (s) => (s.containers[0].resources = { limits: { cpu: '1' }, requests: { cpu: '2' } }), [
      'spec.containers[0].resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1',
    ]],
    ['negative and unknown resources', (s) => (s.containers[0].resources = { requests: { memory: '-1', gpu: '1' } }), [
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
      'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
      'spec.containers[0].resources.requests[memory]: Invalid value: "-1": must be greater than or equal to 0',
    ]],
    ['extended resources must not overcommit', (s) => (s.containers[0].resources = { requests: { 'example.com/gpu': '1' } }), [
      'spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources',
    ]],
    ['liveness successThreshold', (s) => (s.containers[0].livenessProbe = { exec: { command: ['true'] }, successThreshold: 2 }), [
      'spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1',
    ]],
    ['probe without handler', (s) => (s.containers[0].readinessProbe = { periodSeconds: 3 }), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
    ['init container probes', (s) => (s.initContainers = [{ name: 'i', image: 'x', livenessProbe: { exec: { command: ['x'] } } }]), [
      'spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always',
    ]],
    ['restartPolicy on a regular container', (s) => (s.containers[0].restartPolicy = 'Always'), ['spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers']],
    ['tolerations', (s) => (s.tolerations = [{ operator: 'Equal', value: 'x' }]), [
      'spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"',
    ]],
    ['node affinity weight', (s) => (s.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } }), [
      'spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100',
    ]],
    ['pod affinity topology key', (s) => (s.affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: {} }] } }), [
      'spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty',
      `spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must be non-empty`,
      `spec.affinity.podAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Invalid value: "": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    ]],
    ['topology spread', (s) => (s.topologySpreadConstraints = [{ maxSkew: 0, topologyKey: 'zone', whenUnsatisfiable: 'Maybe' }]), [
      'spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero',
      'spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: "Maybe": supported values: "DoNotSchedule", "ScheduleAnyway"',
    ]],
    ['activeDeadlineSeconds', (s) => (s.activeDeadlineSeconds = 0), ['spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive']],
    ['hostname', (s) => (s.hostname = 'a.b'), ['spec.hostname: Invalid value: "a.b": must not contain dots']],
    ['sysctls with host network', (s) => ((s.hostNetwork = true), (s.securityContext = { sysctls: [{ name: 'net.core.somaxconn', value: '1' }] })), [
      `spec.securityContext.sysctls[0].name: Invalid value: "net.core.somaxconn": may not be specified when 'hostNetwork' is true`,
    ]],
    ['runAsUser range', (s) => (s.containers[0].securityContext = { runAsUser: -1 }), ['spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 2147483647, inclusive']],
    ['seccomp localhost needs a profile', (s) => (s.securityContext = { seccompProfile: { type: 'Localhost' } }), [
      'spec.securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp type is Localhost',
    ]],
    ['os', (s) => (s.os = { name: 'plan9' }), ['spec.os: Unsupported value: "plan9": supported values: "linux", "windows"']],
  ];
  for (const [name, f, want] of cases) it(name, () => assert.deepEqual(messages(spec(f)), want));

  it('terminationGracePeriodSeconds is required (defaulting always sets it)', () => {
    const s = spec();
    delete s.terminationGracePeriodSeconds;
    assert.deepEqual(messages(s), ['spec.terminationGracePeriodSeconds: Required value']);
  });

  it('strict environment variable names without the relaxed rule', () => {
    const s = spec((x) => (x.containers[0].env = [{ name: '1A', value: 'x' }]));
    assert.deepEqual(messages(s), []);
    assert.deepEqual(messages(s, {}), [
      `spec.containers[0].env[0].name: Invalid value: "1A": a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`,
    ]);
  });

  it('host network ports must match in pods, may be 0 in templates', () => {
    const s = spec((x) => ((x.hostNetwork = true), (x.containers[0].ports = [{ containerPort: 80 }])));
    assert.deepEqual(messages(s), []);
    assert.deepEqual(messages(s, { resourceIsPod: true }), ['spec.containers[0].ports[0].hostPort: Invalid value: 0: must match `containerPort` when `hostNetwork` is true']);
  });
});

describe('pod template validation', () => {
  it('reports template labels at <path>.labels and refuses ephemeral containers', () => {
    const t: Obj = { metadata: { labels: { 'bad key': 'v' } }, spec: { containers: [{ name: 'c', image: 'i' }], ephemeralContainers: [{ name: 'e', image: 'i' }] } };
    defaultPodTemplateSpec(t);
    const msgs = validatePodTemplateSpec(t, FieldPath.root('spec').child('template'), {}).map((e) => e.message());
    assert.equal(
      msgs[0],
      `spec.template.labels: Invalid value: "bad key": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
    assert.equal(msgs.at(-1), 'spec.template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template');
  });

  it('checks pod annotations: deletion cost, AppArmor containers', () => {
    const t: Obj = {
      metadata: { annotations: { 'controller.kubernetes.io/pod-deletion-cost': 'x', 'container.apparmor.security.beta.kubernetes.io/other': 'runtime/default' } },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    };
    defaultPodTemplateSpec(t);
    assert.deepEqual(
      validatePodTemplateSpec(t, FieldPath.root('template'), {}).map((e) => e.message()),
      [
        'template.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: "x": must be a 32bit integer',
        'template.annotations[container.apparmor.security.beta.kubernetes.io/other]: Invalid value: "other": container not found',
      ],
    );
  });
});
